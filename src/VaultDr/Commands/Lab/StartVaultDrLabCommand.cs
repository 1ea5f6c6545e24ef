using System.Management.Automation;
using VaultDr.LabControl;

namespace VaultDr.Commands;

/// <summary>Starts a lab of emulated Vault Enterprise clusters on loopback and returns one LabCluster per cluster.</summary>
[Cmdlet(VerbsLifecycle.Start, "VaultDrLab", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(LabCluster))]
public sealed class StartVaultDrLabCommand : VaultDrCmdlet
{
    [Parameter(Position = 0)]
    [ValidateRange(1, 64)]
    public int ClusterCount { get; set; } = 2;

    [Parameter]
    public SwitchParameter Tls { get; set; }

    /// <summary>
    /// With -Tls: every cluster's API listener certificate expires this many days from now (default 365); zero or less
    /// gives an expired certificate. Replication does not use it, as Vault's cluster port has its own.
    /// </summary>
    [Parameter]
    [ValidateRange(-3650, 3650)]
    public int CertificateValidDays { get; set; } = 365;

    /// <summary>How many key shares each cluster has: unseal keys, or recovery keys with -AutoUnseal.</summary>
    [Parameter]
    [ValidateRange(1, 10)]
    public int KeyShares { get; set; } = 5;

    /// <summary>How many shares unseal a cluster and make a DR operation token: of the unseal keys, or of the recovery keys with -AutoUnseal.</summary>
    [Parameter]
    [ValidateRange(1, 10)]
    public int KeyThreshold { get; set; } = 3;

    /// <summary>
    /// Clusters unseal themselves through a KMS (seal type transit) and have recovery keys instead of unseal keys, as
    /// with Vault's auto-unseal: the DR operation token ceremony then takes recovery keys (LabCluster.RecoveryKeys).
    /// </summary>
    [Parameter]
    public SwitchParameter AutoUnseal { get; set; }

    /// <summary>
    /// One OpenPGP public key file per key share, as vault operator init -pgp-keys: the shares then exist only encrypted
    /// (LabCluster.EncryptedUnsealKeys). -KeyShares defaults to the number of files.
    /// </summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ValidateCount(1, 10)]
    public string[]? PgpKeyPath { get; set; }

    /// <summary>
    /// The Vault version every cluster runs, e.g. 1.15 (default), 1.17.3, 2.0 (the operation-token ceremony needs a
    /// Vault token) or 0.11 (legacy OTP). Set-VaultDrLabCluster -VaultVersion changes one cluster's later.
    /// </summary>
    [Parameter]
    [ValidatePattern(@"^\d+\.\d+(\.\d+)?$")]
    [ArgumentCompleter(typeof(LabVaultVersionCompleter))]
    public string VaultVersion { get; set; } = "1.15";

    /// <summary>How long a new secondary spends in each sync state before stream-wals.</summary>
    [Parameter]
    [ValidateRange(0, 60000)]
    public int StateStepDelayMs { get; set; } = -1;

    /// <summary>How long a secondary takes to apply WALs it has not seen yet.</summary>
    [Parameter]
    [ValidateRange(0, 60000)]
    public int CatchUpDelayMs { get; set; } = -1;

    protected override void ProcessRecord()
    {
        var certificateDays = MyInvocation.BoundParameters.ContainsKey(nameof(CertificateValidDays));
        if (certificateDays && !Tls)
        {
            ThrowFailure(
                new VaultDrArgumentException(
                    "VaultDrLabCertificateWithoutTls",
                    "-CertificateValidDays sets the dates of the clusters' TLS certificates, and this lab would serve plain HTTP. Add -Tls, or leave -CertificateValidDays out."),
                CertificateValidDays);
        }

        if (AutoUnseal && PgpKeyPath is { Length: > 0 })
        {
            // Vault encrypts recovery keys with -recovery-pgp-keys, an option of its own that the lab does not emulate.
            ThrowFailure(
                new VaultDrArgumentException(
                    "VaultDrPgpWithAutoUnseal",
                    "-PgpKeyPath encrypts unseal keys, and an -AutoUnseal lab has recovery keys instead. Start one lab with -AutoUnseal and another with -PgpKeyPath."),
                null);
        }

        var pgpKeyFiles = PgpKeyFiles();
        if (KeyThreshold > KeyShares)
        {
            ThrowFailure(new VaultDrArgumentException("VaultDrInvalidKeyThreshold", $"-KeyThreshold ({KeyThreshold}) cannot be more than -KeyShares ({KeyShares})."), null);
        }

        if (!Confirmations.ShouldChange("this machine (127.0.0.1)", $"Start a VaultDr lab with {ClusterCount} emulated Vault {VaultVersion} cluster(s){(AutoUnseal ? " with auto-unseal" : string.Empty)}"))
        {
            return;
        }

        var options = new LabStartOptions
        {
            ClusterCount = ClusterCount,
            Tls = Tls,
            CertificateValidDays = certificateDays ? CertificateValidDays : null,
            KeyShares = KeyShares,
            KeyThreshold = KeyThreshold,
            AutoUnseal = AutoUnseal,
            PgpKeyFiles = pgpKeyFiles,
            VaultVersion = VaultVersion,
            StateStepDelayMs = StateStepDelayMs >= 0 ? StateStepDelayMs : null,
            CatchUpDelayMs = CatchUpDelayMs >= 0 ? CatchUpDelayMs : null,
            CACertificateFile = Tls ? Path.Combine(Path.GetTempPath(), $"vaultdr-lab-ca-{Guid.NewGuid():N}.pem") : null,
        };

        VaultDrLab lab;
        try
        {
            lab = Run((log, cancellationToken) => LabLauncher.StartAsync(options, log, cancellationToken));
        }
        catch (VaultDrException e)
        {
            ThrowFailure(e, null);
            return;
        }

        LabRegistry.Add(lab);
        if (pgpKeyFiles.Count > 0)
        {
            Streams.Verbose("The unseal key shares are PGP-encrypted (EncryptedUnsealKeys) and UnsealKeys is empty, as after vault operator init -pgp-keys: decrypt shares with Unprotect-VaultDrKeyShare.");
        }

        Streams.Verbose($"Lab process {lab.ProcessId} is ready; control API at {lab.ControlAddress}.");
        WriteObject(lab.Clusters, enumerateCollection: true);
    }

    /// <summary>
    /// The -PgpKeyPath files, resolved and checked before the lab starts (each must be a public key Vault can encrypt
    /// to), one per share: -KeyShares follows their number unless given, and -KeyThreshold then stays within it.
    /// </summary>
    private List<string> PgpKeyFiles()
    {
        if (PgpKeyPath is not { Length: > 0 } paths)
        {
            return [];
        }

        var files = paths.Select(path => Checked(() => FileSystemPaths.Resolve(this, path, nameof(PgpKeyPath)), path)).ToList();
        foreach (var file in files)
        {
            Checked(() => Pgp.PgpKeyFiles.ReadPublicKeyFile(file, nameof(PgpKeyPath), DateTime.UtcNow), file);
        }

        if (!MyInvocation.BoundParameters.ContainsKey(nameof(KeyShares)))
        {
            KeyShares = files.Count;
            KeyThreshold = MyInvocation.BoundParameters.ContainsKey(nameof(KeyThreshold)) ? KeyThreshold : Math.Min(KeyThreshold, files.Count);
        }
        else if (KeyShares != files.Count)
        {
            ThrowFailure(
                new VaultDrArgumentException(
                    "VaultDrPgpKeyCountMismatch",
                    $"-PgpKeyPath names {files.Count} key file(s) for {KeyShares} key shares: Vault wants one key per share (it answers 'incorrect number of PGP keys'). " +
                    "Give one file per share, or leave -KeyShares out to have one share per file."),
                null);
        }

        return files;
    }
}
