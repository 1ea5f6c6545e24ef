using System.Runtime.CompilerServices;

namespace VaultDr.Client;

/// <summary>
/// The HTTP client of each connection. A connection is plain data; its client (connection pool, TLS policy) lives
/// here, made on first use and kept for as long as the connection object lives, so every cmdlet call on one
/// connection reuses one pool and two connections (or two runspaces) never share one.
/// </summary>
internal static class VaultClients
{
    private static readonly ConditionalWeakTable<VaultDrConnection, VaultClient> Clients = new();

    internal static VaultClient For(VaultDrConnection connection) =>
        Clients.GetValue(connection, static connection => new VaultClient(connection));

    /// <summary>Closes the client of a connection that will not be used again (one a cmdlet made for itself).</summary>
    internal static void Release(VaultDrConnection connection)
    {
        if (Clients.TryGetValue(connection, out var client) && Clients.Remove(connection))
        {
            client.Dispose();
        }
    }
}
