using System.Security;
using VaultDr.Client;
using VaultDr.TestServer;

namespace VaultDr.Tests.Client;

/// <summary>Records what the HTTP core reports, so tests can read the verbose/debug/warning streams.</summary>
internal sealed class RecordingCallLog : IVaultCallLog
{
    private readonly List<string> _verbose = new();
    private readonly List<string> _debug = new();
    private readonly List<string> _warnings = new();

    public IReadOnlyList<string> VerboseMessages
    {
        get { lock (_verbose) { return _verbose.ToArray(); } }
    }

    public IReadOnlyList<string> DebugMessages
    {
        get { lock (_debug) { return _debug.ToArray(); } }
    }

    public IReadOnlyList<string> Warnings
    {
        get { lock (_warnings) { return _warnings.ToArray(); } }
    }

    public IEnumerable<string> All => VerboseMessages.Concat(DebugMessages).Concat(Warnings);

    /// <summary>How many attempts the client made, counted from its per-attempt verbose lines.</summary>
    public int Attempts => VerboseMessages.Count(m => m.Contains(" failed after ", StringComparison.Ordinal) || m.Contains(" -> ", StringComparison.Ordinal));

    public void Verbose(string message)
    {
        lock (_verbose) { _verbose.Add(message); }
    }

    public void Debug(string message)
    {
        lock (_debug) { _debug.Add(message); }
    }

    public void Warning(string message)
    {
        lock (_warnings) { _warnings.Add(message); }
    }
}

internal static class ClientTestKit
{
    internal const string Token = "hvs.CAESIKp3testTokenValue0123456789";
    internal const string EnablePath = "sys/replication/dr/primary/enable";
    internal const string StatusPath = "sys/replication/dr/status";
    internal const string PrimaryAddr = "https://x:8201";

    internal static VaultDrConnection Connect(
        Uri address, int maxRetries = 2, int timeoutSec = 5, SecureString? token = null, bool noToken = false, Action<ConnectionRequest>? configure = null)
    {
        var request = new ConnectionRequest
        {
            Address = address.ToString(),
            Token = noToken ? null : token ?? SecretText.Protect(Token),
            TimeoutSec = timeoutSec,
            MaxRetries = maxRetries,
        };
        configure?.Invoke(request);
        return ConnectionFactory.Create(request, _ => null, null);
    }

    /// <summary>A client whose backoff is 10 ms, so retry tests stay fast.</summary>
    internal static VaultClient NewClient(VaultDrConnection connection) =>
        new(connection, new RetryPolicy(connection.MaxRetries, TimeSpan.FromMilliseconds(10)));

    internal static VaultRequest Enable() =>
        new VaultRequest(HttpMethod.Post, EnablePath).With("primary_cluster_addr", PrimaryAddr);

    internal static VaultRequest Status() => new(HttpMethod.Get, StatusPath);

    /// <summary>An address where nothing listens: a stub's port, freed by disposing the stub.</summary>
    internal static Uri ClosedAddress()
    {
        using var server = StubVaultServer.Start();
        return server.BaseAddress;
    }

    internal static string V1(string path) => "/v1/" + path;
}
