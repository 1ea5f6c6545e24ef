using System.Management.Automation;
using VaultDr.Client;

namespace VaultDr.Commands;

/// <summary>
/// Prepares an unattended failover on the primary: the dr-secondary-promotion policy, the failover-handler
/// token role, and a batch token from that role. The batch token replicates to the DR secondaries and is
/// accepted there as a DR operation token, so a pipeline can promote without a key-holder ceremony.
/// </summary>
[Cmdlet(VerbsCommon.New, "VaultDrBatchOperationToken", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = AddressSet)]
[OutputType(typeof(OperationToken))]
[OutputType(typeof(string))]
public sealed class NewVaultDrBatchOperationTokenCommand : VaultDrConnectedCmdlet
{
    internal const string PolicyName = "dr-secondary-promotion";
    internal const string RoleName = "failover-handler";

    // Vault's documented policy for batch DR operation tokens (raft clusters also need autopilot state).
    internal const string Policy = """
        path "sys/replication/dr/secondary/promote" {
          capabilities = [ "update" ]
        }

        path "sys/replication/dr/secondary/update-primary" {
          capabilities = [ "update" ]
        }

        path "sys/storage/raft/autopilot/state" {
          capabilities = [ "update", "read" ]
        }
        """;

    /// <summary>How long the batch token works (a batch token cannot be renewed or revoked before then).</summary>
    [Parameter]
    [VaultDurationTransformation]
    public VaultDuration Ttl { get; set; } = new(TimeSpan.FromHours(8));

    [Parameter]
    public SwitchParameter AsPlainText { get; set; }

    /// <summary>On an Azure Pipelines agent: also store the token in this secret pipeline variable.</summary>
    [Parameter]
    public string? AzDevOpsVariable { get; set; }

    protected override void BeginProcessing() => CheckAzDevOpsVariable(AzDevOpsVariable);

    internal override void ProcessConnection(VaultDrConnection connection)
    {
        if (!ShouldChange(connection.ToString(), $"Write policy '{PolicyName}', token role '{RoleName}', and create a batch DR operation token valid {Ttl}"))
        {
            return;
        }

        Send(connection, new VaultRequest(HttpMethod.Put, $"sys/policies/acl/{PolicyName}").With("policy", Policy));
        Send(
            connection,
            new VaultRequest(HttpMethod.Post, $"auth/token/roles/{RoleName}")
                .With("allowed_policies", new[] { PolicyName })
                .With("orphan", true)
                .With("renewable", false)
                .With("token_type", "batch"));
        var response = Send(connection, new VaultRequest(HttpMethod.Post, $"auth/token/create/{RoleName}").With("ttl", Ttl.ToVaultString()));
        var token = ResponseParsers.BatchToken(response);
        if (AzDevOpsVariable is not null)
        {
            SetAzDevOpsSecret(AzDevOpsVariable, token.DrOperationToken!);
        }

        WriteObject(AsPlainText ? SecretText.Reveal(token.DrOperationToken!) : token);
    }
}
