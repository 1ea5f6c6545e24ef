using VaultDr.Client;

namespace VaultDr.Orchestration;

/// <summary>Status reads where a cluster that does not answer is a finding, not an error.</summary>
internal static class StatusReads
{
    /// <summary>The cluster's DR status, or null when it does not answer (or answers with an error).</summary>
    internal static async Task<DrStatus?> TryReadStatusAsync(this IDrEndpoints cluster, CancellationToken cancellationToken) =>
        (await cluster.ReadStatusOrErrorAsync(cancellationToken).ConfigureAwait(false)).Status;

    /// <summary>The cluster's DR status, or why it could not be read.</summary>
    internal static async Task<StatusRead> ReadStatusOrErrorAsync(this IDrEndpoints cluster, CancellationToken cancellationToken)
    {
        try
        {
            return new StatusRead(await cluster.ReadStatusAsync(cancellationToken).ConfigureAwait(false), null);
        }
        catch (VaultDrException e)
        {
            return new StatusRead(null, e);
        }
    }

    /// <summary>The cluster's Vault version from sys/health (unauthenticated), or null when it does not say.</summary>
    internal static async Task<string?> TryReadVersionAsync(this IDrEndpoints cluster, CancellationToken cancellationToken)
    {
        try
        {
            return (await cluster.ReadHealthAsync(cancellationToken).ConfigureAwait(false)).Version;
        }
        catch (VaultDrException)
        {
            return null;
        }
    }

    /// <summary>The cluster's Vault version from sys/health, or why it is not known.</summary>
    internal static async Task<VersionRead> ReadVersionOrErrorAsync(this IDrEndpoints cluster, CancellationToken cancellationToken)
    {
        try
        {
            return new VersionRead((await cluster.ReadHealthAsync(cancellationToken).ConfigureAwait(false)).Version, null);
        }
        catch (VaultDrException e)
        {
            return new VersionRead(null, e);
        }
    }

    /// <summary>Every cluster's status at once; the results come in the order given.</summary>
    internal static Task<StatusRead[]> ReadAllAsync(IEnumerable<IDrEndpoints> clusters, CancellationToken cancellationToken) =>
        Task.WhenAll(clusters.Select(cluster => cluster.ReadStatusOrErrorAsync(cancellationToken)));
}

/// <summary>One cluster's status, or the error that kept it from being read.</summary>
internal sealed record StatusRead(DrStatus? Status, VaultDrException? Error);

/// <summary>One cluster's version from sys/health (null when it reports none, or was not read), or the error that kept it from being read.</summary>
internal sealed record VersionRead(string? Version, VaultDrException? Error);
