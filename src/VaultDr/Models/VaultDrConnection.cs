using System.Security;
using System.Security.Cryptography.X509Certificates;

namespace VaultDr;

/// <summary>
/// Where and how to reach one Vault cluster. Made by New-VaultDrConnection (or from VAULT_* defaults)
/// and passed to every cmdlet with -Connection. Plain data: its HTTP client is kept apart (Client/VaultClients),
/// one per connection, so two connections (or two runspaces) never share state by accident.
/// </summary>
public sealed class VaultDrConnection
{
    private readonly X509Certificate2Collection _trustedRoots;
    private readonly HashSet<string> _warningsGiven = new(StringComparer.Ordinal);

    internal VaultDrConnection(
        string name,
        Uri address,
        SecureString? token,
        string? vaultNamespace,
        string? caCertificateFile,
        string? caCertificatePath,
        X509Certificate2Collection trustedRoots,
        X509Certificate2? clientCertificate,
        bool skipCertificateCheck,
        string? tlsServerName,
        TimeSpan timeout,
        int maxRetries)
    {
        Name = name;
        Address = address;
        Token = token;
        Namespace = vaultNamespace;
        CACertificateFile = caCertificateFile;
        CACertificatePath = caCertificatePath;
        _trustedRoots = trustedRoots;
        ClientCertificate = clientCertificate;
        SkipCertificateCheck = skipCertificateCheck;
        TlsServerName = tlsServerName;
        Timeout = timeout;
        MaxRetries = maxRetries;
    }

    public string Name { get; }

    /// <summary>The cluster's API address, e.g. https://vault-a.example.com:8200/.</summary>
    public Uri Address { get; }

    /// <summary>Whether a Vault token will be sent (the token itself is never shown).</summary>
    public bool HasToken => Token is { Length: > 0 };

    /// <summary>
    /// Kept for non-replication calls only: replication endpoints live in the root namespace,
    /// so X-Vault-Namespace is never sent on them.
    /// </summary>
    public string? Namespace { get; }

    public string? CACertificateFile { get; }

    public string? CACertificatePath { get; }

    public X509Certificate2? ClientCertificate { get; }

    public bool SkipCertificateCheck { get; }

    public string? TlsServerName { get; }

    public TimeSpan Timeout { get; }

    public int MaxRetries { get; }

    /// <summary>The Vault token. Replaced only for a lab cluster's connection when the cluster joins a DR primary.</summary>
    internal SecureString? Token { get; set; }

    /// <summary>Where the token came from, for error messages: "-Token", "VAULT_TOKEN", a token file, ... (empty: no token).</summary>
    internal string TokenOrigin { get; set; } = string.Empty;

    /// <summary>No address was given (no -Address, connection or VAULT_ADDR): VaultDr used Vault's default.</summary>
    internal bool AddressIsDefault { get; init; }

    internal X509Certificate2Collection TrustedRoots => _trustedRoots;

    /// <summary>True the first time a warning is claimed, so each warning is written once per connection.</summary>
    internal bool TryClaimWarning(string warning)
    {
        lock (_warningsGiven)
        {
            return _warningsGiven.Add(warning);
        }
    }

    public override string ToString() =>
        Name == Address.Authority ? Address.GetLeftPart(UriPartial.Authority) : $"{Name} ({Address.GetLeftPart(UriPartial.Authority)})";
}
