using System.Management.Automation;
using VaultDr.Client;

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

        var results = Run((log, cancellationToken) => Task.WhenAll(connections.Select(async connection =>
        {
            try
            {
                var response = await connection.Client.SendAsync(new VaultRequest(HttpMethod.Get, "sys/replication/dr/status"), log, cancellationToken).ConfigureAwait(false);
                return (Status: ResponseParsers.Status(response), Error: (VaultDrException?)null);
            }
            catch (VaultDrException e)
            {
                return (Status: (DrStatus?)null, Error: e);
            }
        })));

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
