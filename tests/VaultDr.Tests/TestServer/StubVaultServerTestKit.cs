using VaultDr.TestServer;

namespace VaultDr.Tests.TestServer;

/// <summary>What the stub's own test classes share.</summary>
internal static class StubVaultServerTestKit
{
    internal const string StatusPath = "/v1/sys/replication/dr/status";

    /// <summary>
    /// A client with its own connection pool: its first request opens a new connection, and .NET only
    /// re-sends a failed request when it went out on a reused one, so a fault test sees exactly one attempt.
    /// </summary>
    internal static HttpClient NewClient(StubVaultServer server, SocketsHttpHandler? handler = null) =>
        new(handler ?? new SocketsHttpHandler()) { BaseAddress = server.BaseAddress };
}
