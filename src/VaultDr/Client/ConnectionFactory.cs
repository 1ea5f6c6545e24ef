using System.Globalization;
using System.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace VaultDr.Client;

/// <summary>What the user said explicitly; anything left null falls back to the VAULT_* environment.</summary>
internal sealed class ConnectionRequest
{
    public string? Name { get; set; }

    public string? Address { get; set; }

    public SecureString? Token { get; set; }

    /// <summary>Where <see cref="Token"/> came from, in words for error messages ("-Token", "the lab's root token of vault-1").</summary>
    public string TokenOrigin { get; set; } = "-Token";

    public string? Namespace { get; set; }

    public string? CACertificateFile { get; set; }

    public string? CACertificatePath { get; set; }

    public X509Certificate2? ClientCertificate { get; set; }

    public bool? SkipCertificateCheck { get; set; }

    public int? TimeoutSec { get; set; }

    public int? MaxRetries { get; set; }
}

/// <summary>
/// Builds connections the way Vault's own client reads its settings: explicit values first, then
/// VAULT_ADDR, VAULT_TOKEN (else ~/.vault-token), VAULT_NAMESPACE, VAULT_CACERT, VAULT_CAPATH,
/// VAULT_CLIENT_CERT + VAULT_CLIENT_KEY, VAULT_SKIP_VERIFY, VAULT_TLS_SERVER_NAME,
/// VAULT_CLIENT_TIMEOUT and VAULT_MAX_RETRIES.
/// </summary>
internal static class ConnectionFactory
{
    internal const string DefaultAddress = "https://127.0.0.1:8200";
    internal static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);
    internal const int DefaultMaxRetries = 2;

    internal static VaultDrConnection Create(ConnectionRequest request) =>
        Create(request, Environment.GetEnvironmentVariable, Environment.GetFolderPath(Environment.SpecialFolder.UserProfile));

    internal static VaultDrConnection Create(ConnectionRequest request, Func<string, string?> environment, string? homeDirectory)
    {
        string? Env(string name) => environment(name) is { Length: > 0 } value ? value : null;

        var addressText = request.Address ?? Env("VAULT_ADDR");
        var address = ParseAddress(addressText ?? DefaultAddress);
        var (token, tokenOrigin) = request.Token is { } explicitToken ? (explicitToken, request.TokenOrigin) : TokenFromEnvironment(Env("VAULT_TOKEN"), homeDirectory);
        var caFile = request.CACertificateFile ?? Env("VAULT_CACERT");
        var caPath = request.CACertificatePath ?? Env("VAULT_CAPATH");
        var roots = LoadTrustedRoots(caFile, caPath);
        var clientCertificate = request.ClientCertificate ?? LoadClientCertificate(Env("VAULT_CLIENT_CERT"), Env("VAULT_CLIENT_KEY"));
        var skip = request.SkipCertificateCheck ?? (Env("VAULT_SKIP_VERIFY") is { } skipText && ParseGoBool("VAULT_SKIP_VERIFY", skipText));
        var timeout = request.TimeoutSec is { } seconds
            ? TimeSpan.FromSeconds(RequirePositive("TimeoutSec", seconds))
            : Env("VAULT_CLIENT_TIMEOUT") is { } timeoutText ? ParseTimeout(timeoutText) : DefaultTimeout;
        var maxRetries = request.MaxRetries ?? (Env("VAULT_MAX_RETRIES") is { } retriesText ? ParseRetries(retriesText) : DefaultMaxRetries);
        if (maxRetries < 0)
        {
            throw new VaultDrArgumentException("VaultDrInvalidMaxRetries", "MaxRetries must be zero or more.");
        }

        var name = request.Name is { Length: > 0 } given ? given : address.Authority;
        return new VaultDrConnection(
            name, address, token, request.Namespace ?? Env("VAULT_NAMESPACE"), caFile, caPath, roots, clientCertificate, skip,
            Env("VAULT_TLS_SERVER_NAME"), timeout, maxRetries)
        {
            TokenOrigin = tokenOrigin,
            AddressIsDefault = addressText is null,
        };
    }

    /// <summary>An absolute http(s) address with no query or fragment; always ends in '/'.</summary>
    internal static Uri ParseAddress(string text)
    {
        var trimmed = text.Trim();
        if (!Uri.TryCreate(trimmed, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps) || string.IsNullOrEmpty(uri.Host))
        {
            throw new VaultDrArgumentException(
                "VaultDrInvalidAddress",
                $"'{Shorten(trimmed)}' is not a Vault address. Give an absolute http:// or https:// URL such as https://vault.example.com:8200.");
        }

        if (!string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment) || !string.IsNullOrEmpty(uri.UserInfo))
        {
            throw new VaultDrArgumentException(
                "VaultDrInvalidAddress",
                $"The Vault address '{uri.GetLeftPart(UriPartial.Authority)}...' must not carry a query, fragment or user name.");
        }

        var path = uri.AbsolutePath.EndsWith('/') ? uri.AbsolutePath : uri.AbsolutePath + "/";
        return new UriBuilder(uri.Scheme, uri.Host, uri.Port, path).Uri;
    }

    private static string Shorten(string text) => text.Length <= 80 ? text : text[..77] + "...";

    private static (SecureString? Token, string Origin) TokenFromEnvironment(string? environmentToken, string? homeDirectory)
    {
        if (environmentToken is not null)
        {
            return (SecretText.Protect(environmentToken.Trim()), "VAULT_TOKEN");
        }

        if (string.IsNullOrEmpty(homeDirectory))
        {
            return (null, NoTokenOrigin);
        }

        var tokenFile = Path.Combine(homeDirectory, ".vault-token");
        try
        {
            return File.Exists(tokenFile) && File.ReadAllText(tokenFile).Trim() is { Length: > 0 } fromFile
                ? (SecretText.Protect(fromFile), tokenFile)
                : (null, NoTokenOrigin);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return (null, NoTokenOrigin);
        }
    }

    /// <summary>The token origin of a connection that has none.</summary>
    internal const string NoTokenOrigin = "";

    private static X509Certificate2Collection LoadTrustedRoots(string? caFile, string? caPath)
    {
        var roots = new X509Certificate2Collection();
        if (caFile is not null)
        {
            ImportPem(roots, caFile, "VaultDrCACertificateInvalid");
        }

        if (caPath is not null)
        {
            if (!Directory.Exists(caPath))
            {
                throw new VaultDrArgumentException("VaultDrCACertificateInvalid", $"The CA certificate folder '{caPath}' does not exist.");
            }

            foreach (var file in Directory.EnumerateFiles(caPath).Order(StringComparer.Ordinal))
            {
                ImportPem(roots, file, "VaultDrCACertificateInvalid");
            }
        }

        if ((caFile is not null || caPath is not null) && roots.Count == 0)
        {
            throw new VaultDrArgumentException("VaultDrCACertificateInvalid", "No PEM certificate was found in the given CA file or folder.");
        }

        return roots;
    }

    private static void ImportPem(X509Certificate2Collection roots, string file, string errorId)
    {
        if (!File.Exists(file))
        {
            throw new VaultDrArgumentException(errorId, $"The CA certificate file '{file}' does not exist.");
        }

        try
        {
            roots.ImportFromPemFile(file);
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw new VaultDrArgumentException(errorId, $"The CA certificate file '{file}' could not be read as PEM: {e.Message}", e);
        }
    }

    private static X509Certificate2? LoadClientCertificate(string? certificateFile, string? keyFile)
    {
        if (certificateFile is null && keyFile is null)
        {
            return null;
        }

        if (certificateFile is null || keyFile is null)
        {
            throw new VaultDrArgumentException("VaultDrClientCertificateInvalid", "VAULT_CLIENT_CERT and VAULT_CLIENT_KEY must be set together.");
        }

        try
        {
            return X509Certificate2.CreateFromPemFile(certificateFile, keyFile);
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw new VaultDrArgumentException("VaultDrClientCertificateInvalid", $"The client certificate '{certificateFile}' and its key could not be loaded: {e.Message}", e);
        }
    }

    /// <summary>Go's strconv.ParseBool, as Vault reads VAULT_SKIP_VERIFY.</summary>
    internal static bool ParseGoBool(string variable, string text) => text switch
    {
        "1" or "t" or "T" or "true" or "TRUE" or "True" => true,
        "0" or "f" or "F" or "false" or "FALSE" or "False" => false,
        _ => throw new VaultDrArgumentException("VaultDrInvalidEnvironment", $"{variable} must be true or false, not '{Shorten(text)}'."),
    };

    private static TimeSpan ParseTimeout(string text)
    {
        if (VaultDuration.TryParse(text, out var duration) && duration is not null)
        {
            return duration.Value;
        }

        throw new VaultDrArgumentException("VaultDrInvalidEnvironment", $"VAULT_CLIENT_TIMEOUT must be a duration such as 60s or 60, not '{Shorten(text)}'.");
    }

    private static int ParseRetries(string text)
    {
        if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var retries))
        {
            // Vault treats a negative VAULT_MAX_RETRIES as "no retries".
            return Math.Max(0, retries);
        }

        throw new VaultDrArgumentException("VaultDrInvalidEnvironment", $"VAULT_MAX_RETRIES must be a whole number, not '{Shorten(text)}'.");
    }

    private static int RequirePositive(string name, int value) =>
        value > 0 ? value : throw new VaultDrArgumentException("VaultDrInvalidTimeout", $"{name} must be more than zero.");
}
