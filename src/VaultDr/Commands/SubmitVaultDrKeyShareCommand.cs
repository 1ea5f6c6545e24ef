using System.Management.Automation;
using System.Security;

namespace VaultDr.Commands;

/// <summary>Gives one unseal (or recovery) key share to the DR operation token generation attempt.</summary>
[Cmdlet(VerbsLifecycle.Submit, "VaultDrKeyShare", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low, DefaultParameterSetName = AddressSet)]
[OutputType(typeof(OperationTokenProgress))]
public sealed class SubmitVaultDrKeyShareCommand : VaultDrConnectedCmdlet
{
    private static readonly RoleRequirement Role = RoleRequirement.Secondary(
        onPrimary: "DR operation tokens are made on a DR secondary: run it there. On the primary, New-VaultDrBatchOperationToken prepares a batch token in advance.",
        onDisabled: "It is not in DR replication: DR operation tokens exist only on a DR secondary.");

    private readonly Dictionary<Uri, string> _nonces = new();

    /// <summary>Key shares come by value from the pipeline, so -Connection binds by property name only.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ConnectionSet, ValueFromPipelineByPropertyName = true)]
    [VaultDrConnectionTransformation]
    [ValidateNotNullOrEmpty]
    public override VaultDrConnection[] Connection { get; set; } = Array.Empty<VaultDrConnection>();

    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [SecretTransformation]
    public SecureString Key { get; set; } = new();

    /// <summary>The attempt's nonce. When left out, the current attempt's nonce is read from Vault once.</summary>
    [Parameter]
    public string? Nonce { get; set; }

    protected override void BeginProcessing() => Nonce = Nonce is null ? null : Checked(() => ArgumentChecks.Text(Nonce, nameof(Nonce)));

    internal override RoleRequirement Requires => Role;

    /// <summary>Shares Vault refused at the threshold: say whose keys the cluster takes (two unauthenticated reads).</summary>
    internal override VaultDrException Explain(VaultApiException refusal, VaultDrConnection connection)
    {
        if (!Orchestration.KeyShareAdvice.IsRefusal(refusal))
        {
            return base.Explain(refusal, connection);
        }

        VaultSealStatus? seal = null;
        DrStatus? status = null;
        try
        {
            seal = Call(connection, (cluster, cancellationToken) => cluster.ReadSealStatusAsync(cancellationToken));
            status = ReadStatus(connection);
        }
        catch (VaultDrException e)
        {
            Streams.Verbose($"Could not read which keys {connection} takes: {e.Message}");
        }

        return Orchestration.KeyShareAdvice.Explain(refusal, connection, seal, status, attemptCancelled: false);
    }

    internal override void ProcessConnection(VaultDrConnection connection)
    {
        Checked(() => ArgumentChecks.KeyShare(Key));
        if (!Confirmations.ShouldChange(connection.ToString(), "Submit a key share to the DR operation token attempt"))
        {
            return;
        }

        var nonce = Nonce ?? CurrentNonce(connection);
        WriteObject(Call(connection, (cluster, cancellationToken) => cluster.SubmitKeyShareAsync(Key, nonce, cancellationToken)));
    }

    private string CurrentNonce(VaultDrConnection connection)
    {
        if (_nonces.TryGetValue(connection.Address, out var known))
        {
            return known;
        }

        var progress = Call(connection, (cluster, cancellationToken) => cluster.ReadOperationTokenProgressAsync(cancellationToken));
        if (!progress.Started || progress.Nonce is null)
        {
            throw new VaultDrOperationException(
                "VaultDrNoOperationTokenAttempt",
                $"No DR operation token generation is in progress on {connection}. Start one with Start-VaultDrOperationToken.");
        }

        _nonces[connection.Address] = progress.Nonce;
        return progress.Nonce;
    }
}
