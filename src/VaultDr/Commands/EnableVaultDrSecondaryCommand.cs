using System.Management.Automation;
using System.Security;
using VaultDr.Client;

namespace VaultDr.Commands;

/// <summary>Turns a cluster into a DR secondary of the primary that issued the activation token. WIPES the cluster's data.</summary>
[Cmdlet(VerbsLifecycle.Enable, "VaultDrSecondary", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, DefaultParameterSetName = AddressSet)]
[OutputType(typeof(DrStatus))]
public sealed class EnableVaultDrSecondaryCommand : VaultDrChangeCmdlet
{
    /// <summary>From New-VaultDrSecondaryToken; binds from its output by property name.</summary>
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
    public SecureString ActivationToken { get; set; } = new();

    [Parameter]
    public string? PrimaryApiAddress { get; set; }

    /// <summary>A CA file on the secondary's servers (not this machine) for unwrapping at the primary.</summary>
    [Parameter]
    public string? CAFile { get; set; }

    [Parameter]
    public string? CAPath { get; set; }

    protected override void BeginProcessing()
    {
        PrimaryApiAddress = Checked(() => ArgumentChecks.Url(PrimaryApiAddress, nameof(PrimaryApiAddress)));
        CAFile = CAFile is null ? null : Checked(() => ArgumentChecks.Text(CAFile, nameof(CAFile)));
        CAPath = CAPath is null ? null : Checked(() => ArgumentChecks.Text(CAPath, nameof(CAPath)));
    }

    internal override void ProcessConnection(VaultDrConnection connection)
    {
        Checked(() => ArgumentChecks.ActivationToken(ActivationToken, DateTimeOffset.UtcNow));
        Change(
            connection,
            new VaultRequest(HttpMethod.Post, "sys/replication/dr/secondary/enable")
                .With("token", ActivationToken)
                .With("primary_api_addr", PrimaryApiAddress)
                .With("ca_file", CAFile)
                .With("ca_path", CAPath),
            "Enable as DR secondary: ALL DATA ON THIS CLUSTER WILL BE DELETED and replaced by the primary's");
    }
}
