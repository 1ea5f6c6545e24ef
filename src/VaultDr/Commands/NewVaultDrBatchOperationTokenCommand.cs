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
    private static readonly RoleRequirement Role = RoleRequirement.NotSecondary(
        onSecondary: "Run it on the DR primary: the batch token replicates from there to the secondaries.");

    internal const string PolicyName = "dr-secondary-promotion";
    internal const string RoleName = "failover-handler";

    // Vault's documented policy for batch DR operation tokens (raft clusters also need autopilot state), and the Raft
    // paths Invoke-VaultDrFailover reads and changes on the secondary before promoting it: list-peers (a PUT with the
    // token) and remove-peer, as HashiCorp's tutorial grants them.
    internal const string Policy = $$"""
        path "{{DrEndpoints.PromotePath}}" {
          capabilities = [ "update" ]
        }

        path "{{DrEndpoints.UpdatePrimaryPath}}" {
          capabilities = [ "update" ]
        }

        path "{{DrEndpoints.AutopilotStatePath}}" {
          capabilities = [ "update", "read" ]
        }

        path "{{DrEndpoints.RaftConfigurationPath}}" {
          capabilities = [ "update", "read" ]
        }

        path "{{DrEndpoints.RaftRemovePeerPath}}" {
          capabilities = [ "create", "update" ]
        }
        """;

    private static readonly TokenRoleSettings BatchRole = new([PolicyName], Orphan: true, Renewable: false, TokenType: "batch");

    /// <summary>How long the batch token works (a batch token cannot be renewed or revoked before then).</summary>
    [Parameter]
    [VaultDurationTransformation]
    [ArgumentCompleter(typeof(DurationCompleter))]
    public VaultDuration Ttl { get; set; } = new(TimeSpan.FromHours(8));

    [Parameter]
    public SwitchParameter AsPlainText { get; set; }

    /// <summary>On an Azure Pipelines agent: also store the token in this secret pipeline variable.</summary>
    [Parameter]
    public string? AzDevOpsVariable { get; set; }

    protected override void BeginProcessing() => Checked(() => AzureDevOpsReporter.CheckVariableName(AzDevOpsVariable), AzDevOpsVariable);

    internal override RoleRequirement Requires => Role;

    internal override void ProcessConnection(VaultDrConnection connection)
    {
        if (!Confirmations.ShouldChange(connection.ToString(), $"Write policy '{PolicyName}', token role '{RoleName}', and create a batch DR operation token valid {Ttl}"))
        {
            return;
        }

        var token = Call(connection, async (cluster, cancellationToken) =>
        {
            await cluster.WritePolicyAsync(PolicyName, Policy, cancellationToken).ConfigureAwait(false);
            await cluster.WriteTokenRoleAsync(RoleName, BatchRole, cancellationToken).ConfigureAwait(false);
            return await cluster.CreateBatchTokenAsync(RoleName, Ttl, cancellationToken).ConfigureAwait(false);
        });
        if (AzDevOpsVariable is not null)
        {
            Agent.SetSecret(AzDevOpsVariable, token.DrOperationToken!);
        }

        WriteObject(AsPlainText ? SecretText.Reveal(token.DrOperationToken!) : token);
    }
}
