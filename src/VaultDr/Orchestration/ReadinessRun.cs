using System.Security;
using VaultDr.Client;

namespace VaultDr.Orchestration;

/// <summary>
/// Test-VaultDrReadiness: reads a primary and its DR secondaries at once (replication through
/// <see cref="ReplicationProbe"/>, versions, TLS handshakes, the DR operation token or the primary's seal, the
/// secondaries' autopilot state) and judges each secondary with <see cref="ReadinessChecks"/>. Read-only: nothing is
/// changed. A read that fails is a failed check with the error's message, never an exception, so every other check
/// still runs.
/// </summary>
internal sealed class ReadinessRun
{
    private readonly IDrEndpoints _primary;
    private readonly IReadOnlyList<IDrEndpoints> _secondaries;
    private readonly SecureString? _operationToken;
    private readonly int _warnDays;
    private readonly TimeProvider _time;

    /// <param name="operationToken">A DR operation token to check on the primary and read the secondaries' Raft state with; null: none.</param>
    /// <param name="warnDays">Warn when a certificate or the token has this many days left, or fewer.</param>
    internal ReadinessRun(IDrEndpoints primary, IReadOnlyList<IDrEndpoints> secondaries, SecureString? operationToken, int warnDays, TimeProvider time)
    {
        _primary = primary;
        _secondaries = secondaries;
        _operationToken = operationToken;
        _warnDays = warnDays;
        _time = time;
    }

    /// <summary>One report per secondary, in the order given.</summary>
    internal async Task<ReadinessReport[]> RunAsync(CancellationToken cancellationToken)
    {
        var probe = new ReplicationProbe(_primary, _secondaries, _time, readVersions: true).ReadAndCheckAsync(cancellationToken);
        var primaryCertificate = CertificateAsync(_primary, cancellationToken);
        var token = TokenAsync(cancellationToken);
        var seal = SealAsync(cancellationToken);
        var certificates = _secondaries.Select(s => CertificateAsync(s, cancellationToken)).ToArray();
        var autopilot = _secondaries.Select(s => AutopilotAsync(s, cancellationToken)).ToArray();
        await Task.WhenAll(probe, primaryCertificate, token, seal, Task.WhenAll(certificates), Task.WhenAll(autopilot)).ConfigureAwait(false);

        var reading = await probe.ConfigureAwait(false);
        var now = _time.GetUtcNow();
        var primaryName = _primary.Connection.Name;
        var tokenCheck = await token.ConfigureAwait(false) is { } checkedToken
            ? ReadinessChecks.OperationToken(primaryName, checkedToken.Lookup, checkedToken.Capabilities, now, _warnDays)
            : ReadinessChecks.Ceremony(primaryName, (await seal.ConfigureAwait(false))!);
        var primaryTls = ReadinessChecks.Tls(_primary.Connection, await primaryCertificate.ConfigureAwait(false), now, _warnDays);

        var reports = new ReadinessReport[_secondaries.Count];
        for (var i = 0; i < _secondaries.Count; i++)
        {
            var secondary = _secondaries[i].Connection;
            var name = secondary.Name;
            ReadinessCheck[] checks =
            [
                ReadinessChecks.Replication(name, reading.Results[i]),
                ReadinessChecks.Version(primaryName, reading.Versions[0], name, reading.Versions[i + 1]),
                ReadinessChecks.Heartbeat(name, reading.Statuses[i + 1], now),
                ReadinessChecks.ClockSkew(primaryName, reading.Statuses[0], name, reading.Statuses[i + 1]),
                primaryTls,
                ReadinessChecks.Tls(secondary, await certificates[i].ConfigureAwait(false), now, _warnDays),
                tokenCheck,
                ReadinessChecks.RaftQuorum(name, await autopilot[i].ConfigureAwait(false)),
                ReadinessChecks.Vault2Ceremony(name, reading.Versions[i + 1], _operationToken is not null, secondary.HasToken),
            ];
            reports[i] = ReadinessChecks.Report(_primary.Connection, secondary, checks, now);
        }

        return reports;
    }

    /// <summary>The listener's certificate; null (not read) for an http:// address.</summary>
    private static async Task<Reading<ServerCertificate>?> CertificateAsync(IDrEndpoints cluster, CancellationToken cancellationToken) =>
        cluster.Connection.Address.Scheme == Uri.UriSchemeHttps
            ? await Reading.OfAsync(() => cluster.ReadServerCertificateAsync(cancellationToken)).ConfigureAwait(false)
            : null;

    /// <summary>Without a token: the primary's seal status (how many key holders a ceremony needs); null with one.</summary>
    private async Task<Reading<VaultSealStatus>?> SealAsync(CancellationToken cancellationToken) =>
        _operationToken is null ? await Reading.OfAsync(() => _primary.ReadSealStatusAsync(cancellationToken)).ConfigureAwait(false) : null;

    /// <summary>lookup-self, then (for a token Vault knows) capabilities-self on the paths a failover needs.</summary>
    private async Task<TokenReading?> TokenAsync(CancellationToken cancellationToken)
    {
        if (_operationToken is not { } token)
        {
            return null;
        }

        var lookup = await Reading.OfAsync(() => _primary.LookupTokenAsync(token, cancellationToken)).ConfigureAwait(false);
        var capabilities = lookup.Value is null
            ? null
            : await Reading.OfAsync(() => _primary.ReadTokenCapabilitiesAsync(token, ReadinessChecks.TokenPaths, cancellationToken)).ConfigureAwait(false);
        return new TokenReading(lookup, capabilities);
    }

    /// <summary>The secondary's autopilot state, authenticated by the DR operation token as Get-VaultDrAutopilotState sends it; null without a token.</summary>
    private async Task<Reading<AutopilotState>?> AutopilotAsync(IDrEndpoints secondary, CancellationToken cancellationToken) =>
        _operationToken is { } token ? await Reading.OfAsync(() => secondary.ReadAutopilotStateAsync(token, cancellationToken)).ConfigureAwait(false) : null;
}

/// <summary>What the primary says of the DR operation token: lookup-self, and capabilities-self when the lookup worked.</summary>
internal sealed record TokenReading(Reading<TokenLookup> Lookup, Reading<IReadOnlyDictionary<string, string[]>>? Capabilities);

/// <summary>A value read from a cluster, or the error that kept it from being read.</summary>
internal sealed record Reading<T>(T? Value, VaultDrException? Error)
    where T : class;

/// <summary>Makes <see cref="Reading{T}"/>s: a VaultDr error becomes part of the reading, not an exception.</summary>
internal static class Reading
{
    internal static async Task<Reading<T>> OfAsync<T>(Func<Task<T>> read)
        where T : class
    {
        try
        {
            return new Reading<T>(await read().ConfigureAwait(false), null);
        }
        catch (VaultDrException e)
        {
            return new Reading<T>(null, e);
        }
    }

    internal static Reading<T> Of<T>(T value)
        where T : class => new(value, null);

    internal static Reading<T> Failed<T>(VaultDrException error)
        where T : class => new(null, error);
}
