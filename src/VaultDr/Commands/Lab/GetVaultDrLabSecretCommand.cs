using System.Collections;
using System.Management.Automation;

namespace VaultDr.Commands;

/// <summary>Reads a key-value secret (KV version 1 at secret/) written with Set-VaultDrLabSecret.</summary>
[Cmdlet(VerbsCommon.Get, "VaultDrLabSecret", DefaultParameterSetName = AddressSet)]
[OutputType(typeof(Hashtable))]
public sealed class GetVaultDrLabSecretCommand : VaultDrConnectedCmdlet
{
    private static readonly RoleRequirement Role = RoleRequirement.NotSecondary(
        onSecondary: "A DR secondary serves no reads or writes of its own: use the primary's connection.");

    [Parameter(Mandatory = true, Position = 0)]
    public string Path { get; set; } = string.Empty;

    protected override void BeginProcessing() => Path = Checked(() => ArgumentChecks.Text(Path, nameof(Path)).Trim('/'));

    internal override RoleRequirement Requires => Role;

    internal override void ProcessConnection(VaultDrConnection connection)
    {
        var data = Call(connection, (cluster, cancellationToken) => cluster.ReadSecretAsync(Path, cancellationToken));
        var result = new Hashtable(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in data)
        {
            result[key] = value;
        }

        WriteObject(result);
    }
}
