using System.Management.Automation;
using VaultDr.Client;

namespace VaultDr.Commands;

/// <summary>
/// A cmdlet that changes a cluster's replication state and returns nothing unless -PassThru, when it
/// returns the cluster's DR status after the change (or what else it changed, see <see cref="WritePassThru"/>).
/// </summary>
public abstract class VaultDrChangeCmdlet : VaultDrConnectedCmdlet
{
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <summary>
    /// Asks ShouldProcess right before the request, sends it, and honours -PassThru. True when the change was made.
    /// <paramref name="check"/> runs once the change is confirmed and before it is sent (so -WhatIf sends nothing): it
    /// may read the cluster and throw to stop the change.
    /// </summary>
    internal bool Change(VaultDrConnection connection, string action, Func<IDrEndpoints, CancellationToken, Task> change, Action? check = null)
    {
        if (!Confirmations.ShouldChange(connection.ToString(), action))
        {
            return false;
        }

        check?.Invoke();
        Call(connection, change);
        AfterChange(connection);
        if (PassThru)
        {
            WritePassThru(connection);
        }

        return true;
    }

    /// <summary>What -PassThru writes after the change: the cluster's DR status, unless the cmdlet changes something else.</summary>
    internal virtual void WritePassThru(VaultDrConnection connection) => WriteObject(ReadStatus(connection));

    /// <summary>What a cmdlet does right after its change succeeded (before -PassThru reads the status).</summary>
    internal virtual void AfterChange(VaultDrConnection connection)
    {
    }
}
