using System.Security;

namespace VaultDr;

/// <summary>A DR secondary activation token from primary/secondary-token.</summary>
public sealed class SecondaryActivationToken
{
    /// <summary>The opaque id the secondary was registered under (used by Revoke-VaultDrSecondary).</summary>
    public string Id { get; init; } = string.Empty;

    /// <summary>The token to give Enable-VaultDrSecondary / Update-VaultDrPrimary. Shown only with -AsPlainText.</summary>
    public SecureString ActivationToken { get; init; } = new();

    public TimeSpan Ttl { get; init; }

    public DateTimeOffset? CreationTime { get; init; }

    /// <summary>From the token's exp claim when readable, else CreationTime + Ttl.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>The primary's API address, read from the token's addr claim; the secondary unwraps the token there.</summary>
    public string? PrimaryApiAddress { get; init; }

    public string? WrappedAccessor { get; init; }

    /// <summary>True when the token was encrypted for a secondary public key rather than response-wrapped.</summary>
    public bool IsEncrypted { get; init; }

    /// <summary>The primary that issued it.</summary>
    public Uri Address { get; init; } = null!;
}

/// <summary>A DR secondary's public key (secondary/generate-public-key), for encrypted activation tokens.</summary>
public sealed class SecondaryPublicKey
{
    /// <summary>Named like New-VaultDrSecondaryToken's parameter, so the object pipes straight into it.</summary>
    public string PublicKey { get; init; } = string.Empty;

    public Uri Address { get; init; } = null!;
}

/// <summary>The state of a DR operation token generation attempt.</summary>
public sealed class OperationTokenProgress
{
    public bool Started { get; init; }

    public string? Nonce { get; init; }

    public int Progress { get; init; }

    public int Required { get; init; }

    public bool Complete { get; init; }

    /// <summary>Set when Complete: the token encoded with the OTP (or encrypted with the PGP key).</summary>
    public SecureString? EncodedToken { get; init; }

    public string? PgpFingerprint { get; init; }

    /// <summary>Only in Start-VaultDrOperationToken's answer: Vault shows the OTP once, never again.</summary>
    public SecureString? Otp { get; init; }

    public int? OtpLength { get; init; }

    public Uri Address { get; init; } = null!;
}

/// <summary>A DR operation token, ready for Invoke-VaultDrPromote, Update-VaultDrPrimary and Disable-VaultDrSecondary.</summary>
public sealed class OperationToken
{
    /// <summary>The token itself. Null in PGP mode, where only the key holder can decrypt EncodedToken.</summary>
    public SecureString? DrOperationToken { get; init; }

    /// <summary>In PGP mode: the base64 OpenPGP message holding the token.</summary>
    public SecureString? EncodedToken { get; init; }

    public string? PgpFingerprint { get; init; }

    /// <summary>The DR secondary the token was generated on; null for a locally decoded token.</summary>
    public Uri? Address { get; init; }

    /// <summary>Operation tokens have no TTL: delete them with Revoke-VaultDrOperationToken after use.</summary>
    public DateTimeOffset CreatedAt { get; init; } = DateTimeOffset.UtcNow;

    /// <summary>True for a batch DR operation token (New-VaultDrBatchOperationToken): it replicates to the secondaries and ends with its TTL.</summary>
    public bool IsBatch { get; init; }

    /// <summary>When a batch token stops working; null for a ceremony token, which never expires.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }
}
