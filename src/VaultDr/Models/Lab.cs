using System.Security;

namespace VaultDr;

/// <summary>
/// A running VaultDr lab: one process hosting several emulated Vault Enterprise clusters on loopback. Plain data: the
/// launcher keeps the process, and sets <see cref="HasExited"/> when it ends.
/// </summary>
public sealed class VaultDrLab
{
    private bool _hasExited;

    public int ProcessId { get; init; }

    /// <summary>The lab's control API (faults, stop/start, request log).</summary>
    public Uri ControlAddress { get; init; } = null!;

    public string? CACertificateFile { get; init; }

    public LabCluster[] Clusters { get; internal set; } = Array.Empty<LabCluster>();

    public DateTimeOffset StartedAt { get; init; }

    /// <summary>True once the lab's process has ended.</summary>
    public bool HasExited
    {
        get => Volatile.Read(ref _hasExited);
        internal set => Volatile.Write(ref _hasExited, value);
    }

    internal VaultDrConnection Control { get; init; } = null!;
}

/// <summary>
/// One emulated cluster. Its Connection property lets it pipe straight into any VaultDr cmdlet
/// (<c>$lab[0] | Get-VaultDrStatus</c>).
/// </summary>
public sealed class LabCluster
{
    public string Name { get; init; } = string.Empty;

    public Uri Address { get; init; } = null!;

    public Uri ClusterAddress { get; init; } = null!;

    public VaultDrConnection Connection { get; init; } = null!;

    /// <summary>The root token that works on the cluster: after Enable-VaultDrSecondary, its primary's.</summary>
    public SecureString RootToken { get; internal set; } = new();

    /// <summary>
    /// The unseal key shares (hex), as Vault prints them at init. Empty on an auto-unseal cluster (it has
    /// <see cref="RecoveryKeys"/>) and for a cluster started with -PgpKeyPath: Vault never shows those shares in the
    /// clear; see <see cref="EncryptedUnsealKeys"/>.
    /// </summary>
    public SecureString[] UnsealKeys { get; init; } = Array.Empty<SecureString>();

    /// <summary>
    /// With Start-VaultDrLab -PgpKeyPath: each share encrypted for the key of the same position, base64 of the OpenPGP
    /// message, as vault operator init -pgp-keys returns them (keys_base64). Unprotect-VaultDrKeyShare (or
    /// base64 -d | gpg -dq) opens them. Not secret without the private keys. Empty otherwise.
    /// </summary>
    public string[] EncryptedUnsealKeys { get; init; } = Array.Empty<string>();

    /// <summary>With -PgpKeyPath: the fingerprint of the key each of <see cref="EncryptedUnsealKeys"/> is encrypted for, in the same order.</summary>
    public string[] PgpFingerprints { get; init; } = Array.Empty<string>();

    /// <summary>How many unseal keys unseal the cluster; 0 on an auto-unseal cluster.</summary>
    public int KeyThreshold { get; init; }

    /// <summary>"shamir", or the KMS seal's type on an auto-unseal cluster (Start-VaultDrLab -AutoUnseal: transit).</summary>
    public string SealType { get; init; } = "shamir";

    /// <summary>The recovery key shares (hex) of an auto-unseal cluster; the DR operation token ceremony takes them. None with Shamir.</summary>
    public SecureString[] RecoveryKeys { get; init; } = Array.Empty<SecureString>();

    /// <summary>How many recovery keys the ceremony takes; 0 with Shamir.</summary>
    public int RecoveryThreshold { get; init; }

    public string? CACertificateFile { get; init; }

    /// <summary>
    /// When the API listener's certificate expires (Start-VaultDrLab -CertificateValidDays, Set-VaultDrLabCluster
    /// -CertificateValidDays); null on a lab without TLS. Get-VaultDrLab refreshes it.
    /// </summary>
    public DateTimeOffset? CertificateNotAfter { get; internal set; }

    /// <summary>How far the cluster's clock runs ahead of this machine's (negative: behind): Set-VaultDrLabCluster -ClockSkew. Get-VaultDrLab refreshes it.</summary>
    public TimeSpan ClockSkew { get; internal set; }

    public VaultDrLab Lab { get; init; } = null!;

    public override string ToString() => $"{Name} ({Address.GetLeftPart(UriPartial.Authority)})";
}

/// <summary>A throwaway OpenPGP key pair made by New-VaultDrLabPgpKey, to rehearse with as a key holder would with gpg.</summary>
public sealed class LabPgpKey
{
    /// <summary>The key pair's name, also the stem of its files: keyholder-1.</summary>
    public string Name { get; init; } = string.Empty;

    /// <summary>Who the key is for (its user id), e.g. "keyholder-1 (VaultDr lab) &lt;keyholder-1@vaultdr.invalid&gt;".</summary>
    public string UserId { get; init; } = string.Empty;

    /// <summary>The primary key's fingerprint, lowercase hex, as Vault reports pgp_fingerprint.</summary>
    public string Fingerprint { get; init; } = string.Empty;

    /// <summary>The public key (ASCII-armored): give it to -PgpKeyPath.</summary>
    public string PublicKeyPath { get; init; } = string.Empty;

    /// <summary>The private key (ASCII-armored): give it to -PgpPrivateKeyPath, or import it into gpg.</summary>
    public string PrivateKeyPath { get; init; } = string.Empty;

    /// <summary>True when the private key is protected by a passphrase (-Passphrase).</summary>
    public bool HasPassphrase { get; init; }
}

/// <summary>One request a lab cluster received, from the lab's request log (no bodies, no tokens).</summary>
public sealed class LabRequestRecord
{
    public string Cluster { get; init; } = string.Empty;

    public string Method { get; init; } = string.Empty;

    public string Path { get; init; } = string.Empty;

    public string? Query { get; init; }

    public int Status { get; init; }

    public DateTimeOffset Time { get; init; }

    public bool Faulted { get; init; }

    /// <summary>
    /// The first 16 hex characters of the SHA-256 of the request body (empty without a body): two requests with the same
    /// digest carried the same body, so the log shows a call that reached the cluster twice, without showing the body.
    /// </summary>
    public string? BodyDigest { get; init; }
}

/// <summary>One line of a lab cluster's server log: what Vault would log about reindexes, merkle checks, recovery and raft peers.</summary>
public sealed class LabLogRecord
{
    public string Cluster { get; init; } = string.Empty;

    public DateTimeOffset Time { get; init; }

    /// <summary>INFO, WARN or ERROR.</summary>
    public string Level { get; init; } = string.Empty;

    public string Message { get; init; } = string.Empty;
}
