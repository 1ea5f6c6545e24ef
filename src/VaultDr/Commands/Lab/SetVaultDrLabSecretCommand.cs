using System.Collections;
using System.Globalization;
using System.Management.Automation;

namespace VaultDr.Commands;

/// <summary>Writes a key-value secret (KV version 1 at secret/) so replication has something to carry.</summary>
[Cmdlet(VerbsCommon.Set, "VaultDrLabSecret", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low, DefaultParameterSetName = AddressSet)]
public sealed class SetVaultDrLabSecretCommand : VaultDrConnectedCmdlet
{
    private static readonly RoleRequirement Role = RoleRequirement.NotSecondary(
        onSecondary: "A DR secondary serves no reads or writes of its own: use the primary's connection.");

    /// <summary>Path below secret/, e.g. app/db.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    public string Path { get; set; } = string.Empty;

    [Parameter(Mandatory = true, Position = 1)]
    public Hashtable Data { get; set; } = new();

    protected override void BeginProcessing() => Path = Checked(() => ArgumentChecks.Text(Path, nameof(Path)).Trim('/'));

    internal override RoleRequirement Requires => Role;

    internal override void ProcessConnection(VaultDrConnection connection)
    {
        if (!Confirmations.ShouldChange(connection.ToString(), $"Write secret/{Path}"))
        {
            return;
        }

        var data = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in Data)
        {
            data[Convert.ToString(entry.Key, CultureInfo.InvariantCulture) ?? string.Empty] = Convert.ToString(entry.Value, CultureInfo.InvariantCulture) ?? string.Empty;
        }

        Call(connection, (cluster, cancellationToken) => cluster.WriteSecretAsync(Path, data, cancellationToken));
    }
}
