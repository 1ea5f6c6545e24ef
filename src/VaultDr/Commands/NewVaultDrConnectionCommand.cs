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
    [SecretTransformation]
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
            CACertificateFile = FileSystemPath(CACertificateFile, nameof(CACertificateFile)),
            CACertificatePath = FileSystemPath(CACertificatePath, nameof(CACertificatePath)),
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
            Streams.Warning($"TLS certificate checks are OFF for {connection.Name}. Anyone on the network path can read the token. Trust the CA with -CACertificateFile instead.");
        }

        WriteObject(connection);
    }

    /// <summary>A PowerShell path as a file system path; a path PowerShell cannot resolve (an unknown drive, say) is a VaultDr error.</summary>
    private string? FileSystemPath(string? path, string parameter)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            return null;
        }

        try
        {
            return SessionState.Path.GetUnresolvedProviderPathFromPSPath(path);
        }
        catch (Exception e) when (e is SessionStateException or PSArgumentException or NotSupportedException or ArgumentException)
        {
            ThrowFailure(new VaultDrArgumentException("VaultDrCACertificateInvalid", $"-{parameter} '{path}' is not a usable file system path: {e.Message}", e), path);
            return null;
        }
    }
}
