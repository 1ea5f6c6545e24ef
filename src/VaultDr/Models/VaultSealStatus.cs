namespace VaultDr;

/// <summary>
/// A cluster's answer to sys/seal-status: its seal, and so which key shares it takes. A Shamir seal takes unseal keys;
/// an auto-unseal seal (awskms, transit, ...) has recovery keys instead (RecoverySeal), and Threshold and Shares are
/// then the recovery keys'. After secondary enable a DR secondary has its primary's seal configuration and keys.
/// </summary>
public sealed class VaultSealStatus
{
    public Uri Address { get; init; } = null!;

    /// <summary>The seal: shamir, or the auto-unseal mechanism (awskms, azurekeyvault, gcpckms, transit, pkcs11, ...).</summary>
    public string? Type { get; init; }

    public bool? Initialized { get; init; }

    public bool? Sealed { get; init; }

    /// <summary>How many shares it takes (t): of the unseal keys, or of the recovery keys when RecoverySeal.</summary>
    public int? Threshold { get; init; }

    /// <summary>How many shares there are (n).</summary>
    public int? Shares { get; init; }

    /// <summary>Unseal shares given so far while sealed.</summary>
    public int? Progress { get; init; }

    /// <summary>True on auto-unseal clusters: they have recovery keys, not unseal keys.</summary>
    public bool RecoverySeal { get; init; }

    /// <summary>How the recovery key is split (shamir), on auto-unseal clusters (newer Vault versions report it).</summary>
    public string? RecoverySealType { get; init; }

    /// <summary>The shares this cluster's ceremonies and unseals take: "recovery keys" or "unseal keys".</summary>
    public string KeyKind => RecoverySeal ? "recovery keys" : "unseal keys";

    public string? Version { get; init; }

    public string? ClusterName { get; init; }

    public string? ClusterId { get; init; }

    public string? StorageType { get; init; }

    /// <summary>Every field Vault sent, including ones this version of VaultDr does not know.</summary>
    public IReadOnlyDictionary<string, object?> Raw { get; init; } = new Dictionary<string, object?>();
}
