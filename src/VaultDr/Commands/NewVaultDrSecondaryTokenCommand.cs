using System.Management.Automation;
using VaultDr.Client;

namespace VaultDr.Commands;

/// <summary>Asks the primary for a DR secondary activation token.</summary>
[Cmdlet(VerbsCommon.New, "VaultDrSecondaryToken", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = AddressSet)]
[OutputType(typeof(SecondaryActivationToken))]
[OutputType(typeof(string))]
public sealed class NewVaultDrSecondaryTokenCommand : VaultDrConnectedCmdlet
{
    private static readonly RoleRequirement Role = RoleRequirement.Primary(
        onSecondary: "Activation tokens come from the primary: run it with the primary's connection.",
        onDisabled: "Make it a DR primary first with Enable-VaultDrPrimary.");

    /// <summary>Opaque, unique name for the secondary (e.g. us-east); Revoke-VaultDrSecondary takes it.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    public string Id { get; set; } = string.Empty;

    [Parameter]
    [VaultDurationTransformation]
    [ArgumentCompleter(typeof(DurationCompleter))]
    public VaultDuration Ttl { get; set; } = new(TimeSpan.FromMinutes(30));

    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("PublicKey")]
    public string? SecondaryPublicKey { get; set; }

    [Parameter]
    public SwitchParameter AsPlainText { get; set; }

    /// <summary>On an Azure Pipelines agent: also store the activation token in this secret pipeline variable.</summary>
    [Parameter]
    public string? AzDevOpsVariable { get; set; }

    protected override void BeginProcessing()
    {
        Id = Checked(() => ArgumentChecks.Text(Id, nameof(Id)));
        Checked(() => AzureDevOpsReporter.CheckVariableName(AzDevOpsVariable), AzDevOpsVariable);
    }

    internal override RoleRequirement Requires => Role;

    internal override void ProcessConnection(VaultDrConnection connection)
    {
        var publicKey = SecondaryPublicKey is null ? null : Checked(() => ArgumentChecks.Text(SecondaryPublicKey, nameof(SecondaryPublicKey)));
        if (!Confirmations.ShouldChange(connection.ToString(), $"Create DR secondary activation token '{Id}' (valid {Ttl})"))
        {
            return;
        }

        var token = Call(connection, (cluster, cancellationToken) => cluster.CreateSecondaryTokenAsync(Id, Ttl, publicKey, cancellationToken));
        if (AzDevOpsVariable is not null)
        {
            Agent.SetSecret(AzDevOpsVariable, token.ActivationToken);
        }

        WriteObject(AsPlainText ? SecretText.Reveal(token.ActivationToken) : token);
    }
}
