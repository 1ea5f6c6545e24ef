using System.Management.Automation;
using VaultDr.Client;
using VaultDr.Orchestration;

namespace VaultDr.Commands;

/// <summary>Reads DR replication status. Several connections are read concurrently and written in the order given.</summary>
[Cmdlet(VerbsCommon.Get, "VaultDrStatus", DefaultParameterSetName = AddressSet)]
[OutputType(typeof(DrStatus))]
public sealed class GetVaultDrStatusCommand : VaultDrConnectedCmdlet
{
    protected override void ProcessRecord()
    {
        var connections = Connections();
        if (connections.Count < 2)
        {
            base.ProcessRecord();
            return;
        }

        var results = Run((log, cancellationToken) => StatusReads.ReadAllAsync(connections.Select(connection => new DrEndpoints(connection, log)), cancellationToken));
        for (var i = 0; i < connections.Count; i++)
        {
            if (results[i].Error is { } error)
            {
                WriteFailure(error, connections[i].Address);
            }
            else
            {
                WriteObject(results[i].Status);
            }
        }
    }

    internal override void ProcessConnection(VaultDrConnection connection) => WriteObject(ReadStatus(connection));
}
