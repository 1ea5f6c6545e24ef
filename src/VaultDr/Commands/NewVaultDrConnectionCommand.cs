using System.Management.Automation;
using System.Security;
using System.Security.Cryptography.X509Certificates;
using VaultDr.Client;

namespace VaultDr.Commands;

/// <summary>Describes how to reach one Vault cluster; the result goes to -Connection of every other cmdlet.</summary>
[Cmdlet(VerbsCommon.New, "VaultDrConnection")]
[OutputType(typeof(VaultDrConnection))]
public sealed class NewVaultDrConnectionCommand : VaultDrCmdlet
{
    [Parameter(Position = 0)]
    [ValidateNotNullOrEmpty]
    public string? Address { get; set; }

    [Parameter]
    [ValidateNotNull]
    public SecureString? Token { get; set; }

    [Parameter]
    public string? Namespace { get; set; }

    /// <summary>Null or empty means "none", so a value that may be unset (a lab without TLS) can be passed through.</summary>
    [Parameter]
    [AllowNull]
    [AllowEmptyString]
    public string? CACertificateFile { get; set; }

    [Parameter]
    [AllowNull]
    [AllowEmptyString]
    public string? CACertificatePath { get; set; }

    [Parameter]
    [ValidateNotNull]
    public X509Certificate2? ClientCertificate { get; set; }

    [Parameter]
    public SwitchParameter SkipCertificateCheck { get; set; }

    [Parameter]
    [ValidateRange(1, 86400)]
    public int TimeoutSec { get; set; }

    [Parameter]
    [ValidateRange(0, 10)]
    public int MaxRetries { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Name { get; set; }

    protected override void ProcessRecord()
    {
        var request = new ConnectionRequest
        {
            Name = Name,
            Address = Address,
            Token = Token,
            Namespace = Namespace,
            CACertificateFile = string.IsNullOrWhiteSpace(CACertificateFile) ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(CACertificateFile),
            CACertificatePath = string.IsNullOrWhiteSpace(CACertificatePath) ? null : SessionState.Path.GetUnresolvedProviderPathFromPSPath(CACertificatePath),
            ClientCertificate = ClientCertificate,
            SkipCertificateCheck = MyInvocation.BoundParameters.ContainsKey(nameof(SkipCertificateCheck)) ? SkipCertificateCheck.IsPresent : null,
            TimeoutSec = MyInvocation.BoundParameters.ContainsKey(nameof(TimeoutSec)) ? TimeoutSec : null,
            MaxRetries = MyInvocation.BoundParameters.ContainsKey(nameof(MaxRetries)) ? MaxRetries : null,
        };

        VaultDrConnection connection;
        try
        {
            connection = ConnectionFactory.Create(request);
        }
        catch (VaultDrException e)
        {
            ThrowFailure(e, Address);
            return;
        }

        if (connection.SkipCertificateCheck && connection.TryClaimWarning("skip-verify"))
        {
            WriteWarning($"TLS certificate checks are OFF for {connection.Name}. Anyone on the network path can read the token. Trust the CA with -CACertificateFile instead.");
        }

        WriteObject(connection);
    }
}
