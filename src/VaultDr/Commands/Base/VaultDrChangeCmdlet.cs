using System.Management.Automation;
using VaultDr.Client;

namespace VaultDr.Commands;

/// <summary>
/// A cmdlet that changes a cluster's replication state and returns nothing unless -PassThru, when it
/// returns the cluster's DR status after the change.
/// </summary>
public abstract class VaultDrChangeCmdlet : VaultDrConnectedCmdlet
{
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    /// <summary>Asks ShouldProcess right before the request, sends it, and honours -PassThru.</summary>
    internal void Change(VaultDrConnection connection, string action, Func<IDrEndpoints, CancellationToken, Task> change)
    {
        if (!Confirmations.ShouldChange(connection.ToString(), action))
        {
            return;
        }

        Call(connection, change);
        if (PassThru)
        {
            WriteObject(ReadStatus(connection));
        }
    }
}
