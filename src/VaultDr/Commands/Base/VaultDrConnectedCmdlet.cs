using System.Management.Automation;
using System.Security;
using VaultDr.Client;

namespace VaultDr.Commands;

/// <summary>
/// A cmdlet that calls Vault. It takes either -Connection (from the pipeline too) or -Address / -Token /
/// -Namespace, which never bind from the pipeline so a piped activation or operation token can never
/// land in -Token. With neither, the VAULT_* environment decides, as for Vault's own CLI.
/// </summary>
public abstract class VaultDrConnectedCmdlet : VaultDrCmdlet
{
    internal const string ConnectionSet = "Connection";
    internal const string AddressSet = "Address";

    private VaultDrConnection? _adHocConnection;

    /// <summary>
    /// Virtual so that a cmdlet with its own by-value pipeline parameter can re-declare it by property
    /// name only (one ValueFromPipeline per parameter set).
    /// </summary>
    [Parameter(Mandatory = true, ParameterSetName = ConnectionSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [VaultDrConnectionTransformation]
    [ValidateNotNullOrEmpty]
    public virtual VaultDrConnection[] Connection { get; set; } = Array.Empty<VaultDrConnection>();

    /// <summary>Virtual (as are -Token and -Namespace) so a cmdlet with sets of its own can place them in each.</summary>
    [Parameter(ParameterSetName = AddressSet)]
    [ValidateNotNullOrEmpty]
    public virtual string? Address { get; set; }

    [Parameter(ParameterSetName = AddressSet)]
    [SecretTransformation]
    [ValidateNotNull]
    public virtual SecureString? Token { get; set; }

    [Parameter(ParameterSetName = AddressSet)]
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1716", Justification = "-Namespace is the parameter's name in PowerShell, as in Vault's CLI.")]
    public virtual string? Namespace { get; set; }

    protected override void ProcessRecord()
    {
        foreach (var connection in Connections())
        {
            WarnOnce(connection);
            try
            {
                ProcessConnection(connection);
            }
            catch (VaultApiException e)
            {
                WriteFailure(Explain(e, connection), connection.Address);
            }
            catch (VaultDrException e)
            {
                WriteFailure(e, connection.Address);
            }
        }
    }

    /// <summary>Does the cmdlet's work against one cluster. VaultDr exceptions become non-terminating errors.</summary>
    internal abstract void ProcessConnection(VaultDrConnection connection);

    /// <summary>The DR role this cmdlet needs of its cluster, to explain a refusal; null when any role will do.</summary>
    internal virtual RoleRequirement? Requires => null;

    /// <summary>
    /// Vault's refusal, explained where VaultDr can say more. A 400 from a cmdlet that needs a role costs one status
    /// read, made only now: when the cluster has another role, the error says which is needed and what to run instead.
    /// </summary>
    internal virtual VaultDrException Explain(VaultApiException refusal, VaultDrConnection connection)
    {
        if (refusal.StatusCode != 400 || Requires is not { } role)
        {
            return refusal;
        }

        DrStatus status;
        try
        {
            status = ReadStatus(connection);
        }
        catch (VaultDrException)
        {
            return refusal;
        }

        return role.Accepts(status.Mode)
            ? refusal
            : new VaultDrOperationException("VaultDrWrongRole", role.Explain(MyInvocation.MyCommand.Name, connection, status.Mode, refusal), refusal);
    }

    internal IReadOnlyList<VaultDrConnection> Connections()
    {
        // -Connection is never empty once bound (ValidateNotNullOrEmpty): a cmdlet with sets of its own names them freely.
        if (Connection.Length > 0)
        {
            return Connection;
        }

        if (_adHocConnection is null)
        {
            try
            {
                _adHocConnection = ConnectionFactory.Create(new ConnectionRequest { Address = Address, Token = Token, Namespace = Namespace });
            }
            catch (VaultDrException e)
            {
                ThrowFailure(e, Address);
            }
        }

        return new[] { _adHocConnection! };
    }

    /// <summary>
    /// One call on one cluster, through its endpoints, while the pipeline thread waits: nothing overlaps, so a GET
    /// is read on this thread (<see cref="ReadMode.OnCallingThread"/>).
    /// </summary>
    internal T Call<T>(VaultDrConnection connection, Func<IDrEndpoints, CancellationToken, Task<T>> call) =>
        Run((log, cancellationToken) => call(new DrEndpoints(connection, log, ReadMode.OnCallingThread), cancellationToken));

    /// <inheritdoc cref="Call{T}(VaultDrConnection, Func{IDrEndpoints, CancellationToken, Task{T}})"/>
    internal void Call(VaultDrConnection connection, Func<IDrEndpoints, CancellationToken, Task> call) =>
        Call(connection, async (endpoints, cancellationToken) =>
        {
            await call(endpoints, cancellationToken).ConfigureAwait(false);
            return true;
        });

    /// <summary>Reads the cluster's DR status (used by Get-VaultDrStatus and by -PassThru).</summary>
    internal DrStatus ReadStatus(VaultDrConnection connection) => Call(connection, (endpoints, cancellationToken) => endpoints.ReadStatusAsync(cancellationToken));

    private void WarnOnce(VaultDrConnection connection)
    {
        if (!string.IsNullOrEmpty(connection.Namespace) && connection.TryClaimWarning("namespace"))
        {
            Streams.Warning($"Namespace '{connection.Namespace}' is ignored for {connection.Name}: DR replication endpoints live in the root namespace, so X-Vault-Namespace is not sent.");
        }

        if (connection.SkipCertificateCheck && connection.TryClaimWarning("skip-verify"))
        {
            Streams.Warning($"TLS certificate checks are OFF for {connection.Name}. Anyone on the network path can read the token. Trust the CA with -CACertificateFile instead.");
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && _adHocConnection is not null)
        {
            VaultClients.Release(_adHocConnection);
            _adHocConnection = null;
        }

        base.Dispose(disposing);
    }
}
