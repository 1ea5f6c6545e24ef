using System.Management.Automation;
using VaultDr.Client;
using VaultDr.Replication;

namespace VaultDr.Commands;

/// <summary>Test-VaultDrReplication and Wait-VaultDrReplication: one primary, its secondaries, Vault's health criteria.</summary>
public abstract class VaultDrReplicationCmdlet : VaultDrCmdlet
{
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNull]
    public VaultDrConnection Primary { get; set; } = null!;

    [Parameter(Mandatory = true, Position = 1)]
    [ValidateNotNullOrEmpty]
    public VaultDrConnection[] Secondary { get; set; } = Array.Empty<VaultDrConnection>();

    /// <summary>Reads every status at once and judges each secondary; an unreachable cluster is an unhealthy result, not an error.</summary>
    internal ReplicationHealth[] Probe()
    {
        var clusters = new[] { Primary }.Concat(Secondary).ToArray();
        var statuses = Run((log, cancellationToken) => Task.WhenAll(clusters.Select(async connection =>
        {
            try
            {
                var response = await connection.Client.SendAsync(new VaultRequest(HttpMethod.Get, "sys/replication/dr/status"), log, cancellationToken).ConfigureAwait(false);
                return (Status: (DrStatus?)ResponseParsers.Status(response), Error: (string?)null);
            }
            catch (VaultDrException e)
            {
                return (Status: (DrStatus?)null, Error: e.Message);
            }
        })));

        var now = DateTimeOffset.UtcNow;
        var primary = statuses[0];
        return Secondary.Select((connection, i) =>
        {
            var secondary = statuses[i + 1];
            if (primary.Status is null)
            {
                return ReplicationHealthRules.Unreadable(Primary.Address, connection.Address, $"The primary's status could not be read: {primary.Error}", now);
            }

            return secondary.Status is null
                ? ReplicationHealthRules.Unreadable(Primary.Address, connection.Address, $"The secondary's status could not be read: {secondary.Error}", now)
                : ReplicationHealthRules.Evaluate(primary.Status, secondary.Status, now);
        }).ToArray();
    }

    /// <summary>Split brain is said loudly, every time it is seen.</summary>
    internal void WarnAboutTwoPrimaries(IEnumerable<ReplicationHealth> results)
    {
        foreach (var result in results.Where(r => r.TwoPrimaries))
        {
            WriteWarning(result.FailedChecks[0]);
        }
    }
}
