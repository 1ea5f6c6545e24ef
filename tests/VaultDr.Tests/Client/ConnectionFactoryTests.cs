using VaultDr.Client;
using Xunit;

namespace VaultDr.Tests.Client;

public sealed class ConnectionFactoryTests : IDisposable
{
    private readonly DirectoryInfo _home = Directory.CreateTempSubdirectory("vaultdr-home-");
    private readonly Dictionary<string, string> _environment = new(StringComparer.Ordinal);

    public void Dispose() => _home.Delete(recursive: true);

    private VaultDrConnection Create(ConnectionRequest? request = null) =>
        ConnectionFactory.Create(request ?? new ConnectionRequest(), name => _environment.TryGetValue(name, out var value) ? value : null, _home.FullName);

    private static string Plain(VaultDrConnection connection) => SecretText.Reveal(connection.Token!);

    [Fact]
    public void DefaultsFollowVaultsClient()
    {
        var connection = Create();

        Assert.Equal(new Uri("https://127.0.0.1:8200/"), connection.Address);
        Assert.Equal("127.0.0.1:8200", connection.Name);
        Assert.False(connection.HasToken);
        Assert.Null(connection.Namespace);
        Assert.False(connection.SkipCertificateCheck);
        Assert.Equal(TimeSpan.FromSeconds(60), connection.Timeout);
        Assert.Equal(2, connection.MaxRetries);
        Assert.Empty(connection.TrustedRoots);
    }

    [Fact]
    public void ReadsTheVaultEnvironment()
    {
        _environment["VAULT_ADDR"] = "http://vault-b.example.com:8200";
        _environment["VAULT_TOKEN"] = " hvs.fromEnvironment0123456789 ";
        _environment["VAULT_NAMESPACE"] = "team-a";
        _environment["VAULT_TLS_SERVER_NAME"] = "vault.internal";
        _environment["VAULT_MAX_RETRIES"] = "5";
        File.WriteAllText(Path.Combine(_home.FullName, ".vault-token"), "hvs.fromFile");

        var connection = Create();

        Assert.Equal(new Uri("http://vault-b.example.com:8200/"), connection.Address);
        Assert.Equal("hvs.fromEnvironment0123456789", Plain(connection));
        Assert.Equal("team-a", connection.Namespace);
        Assert.Equal("vault.internal", connection.TlsServerName);
        Assert.Equal(5, connection.MaxRetries);
    }

    [Fact]
    public void TokenFileInTheHomeFolderIsUsedWithoutVaultToken()
    {
        File.WriteAllText(Path.Combine(_home.FullName, ".vault-token"), "hvs.fromTokenHelperFile\n");

        Assert.Equal("hvs.fromTokenHelperFile", Plain(Create()));
    }

    [Fact]
    public void EmptyVaultTokenCountsAsUnset()
    {
        _environment["VAULT_TOKEN"] = "";
        File.WriteAllText(Path.Combine(_home.FullName, ".vault-token"), "hvs.fromTokenHelperFile");

        Assert.Equal("hvs.fromTokenHelperFile", Plain(Create()));
    }

    [Fact]
    public void NoTokenWhenTheTokenFileIsMissingOrBlank()
    {
        Assert.False(Create().HasToken);
        File.WriteAllText(Path.Combine(_home.FullName, ".vault-token"), "  \n");
        Assert.False(Create().HasToken);
    }

    [Theory]
    [InlineData("1", true)]
    [InlineData("t", true)]
    [InlineData("T", true)]
    [InlineData("true", true)]
    [InlineData("TRUE", true)]
    [InlineData("True", true)]
    [InlineData("0", false)]
    [InlineData("f", false)]
    [InlineData("F", false)]
    [InlineData("false", false)]
    [InlineData("FALSE", false)]
    [InlineData("False", false)]
    public void SkipVerifyAcceptsGoBooleans(string text, bool expected)
    {
        _environment["VAULT_SKIP_VERIFY"] = text;

        Assert.Equal(expected, Create().SkipCertificateCheck);
    }

    [Theory]
    [InlineData("yes")]
    [InlineData("tRuE")]
    [InlineData("2")]
    public void SkipVerifyRejectsOtherText(string text)
    {
        _environment["VAULT_SKIP_VERIFY"] = text;

        var error = Assert.Throws<VaultDrArgumentException>(() => Create());

        Assert.Equal("VaultDrInvalidEnvironment", error.ErrorId);
        Assert.Equal(System.Management.Automation.ErrorCategory.InvalidArgument, error.Category);
        Assert.Contains("VAULT_SKIP_VERIFY", error.Message);
    }

    [Theory]
    [InlineData("30s", 30)]
    [InlineData("30", 30)]
    [InlineData("2m", 120)]
    public void ClientTimeoutTakesDurationsAndPlainSeconds(string text, int seconds)
    {
        _environment["VAULT_CLIENT_TIMEOUT"] = text;

        Assert.Equal(TimeSpan.FromSeconds(seconds), Create().Timeout);
    }

    [Fact]
    public void InvalidClientTimeoutIsAnEnvironmentError()
    {
        _environment["VAULT_CLIENT_TIMEOUT"] = "soon";

        var error = Assert.Throws<VaultDrArgumentException>(() => Create());

        Assert.Equal("VaultDrInvalidEnvironment", error.ErrorId);
        Assert.Contains("VAULT_CLIENT_TIMEOUT", error.Message);
    }

    [Theory]
    [InlineData("0", 0)]
    [InlineData("7", 7)]
    [InlineData("-1", 0)]
    public void MaxRetriesFromTheEnvironment(string text, int expected)
    {
        _environment["VAULT_MAX_RETRIES"] = text;

        Assert.Equal(expected, Create().MaxRetries);
    }

    [Fact]
    public void InvalidMaxRetriesIsAnEnvironmentError()
    {
        _environment["VAULT_MAX_RETRIES"] = "many";

        Assert.Equal("VaultDrInvalidEnvironment", Assert.Throws<VaultDrArgumentException>(() => Create()).ErrorId);
    }

    [Fact]
    public void ExplicitValuesBeatTheEnvironment()
    {
        _environment["VAULT_ADDR"] = "https://from-env:8200";
        _environment["VAULT_TOKEN"] = "hvs.fromEnvironment";
        _environment["VAULT_NAMESPACE"] = "env-ns";
        _environment["VAULT_SKIP_VERIFY"] = "true";
        _environment["VAULT_CLIENT_TIMEOUT"] = "5s";
        _environment["VAULT_MAX_RETRIES"] = "9";

        var connection = Create(new ConnectionRequest
        {
            Name = "site-b",
            Address = "https://explicit.example.com:8200/",
            Token = SecretText.Protect("hvs.explicit"),
            Namespace = "explicit-ns",
            SkipCertificateCheck = false,
            TimeoutSec = 12,
            MaxRetries = 0,
        });

        Assert.Equal("site-b", connection.Name);
        Assert.Equal(new Uri("https://explicit.example.com:8200/"), connection.Address);
        Assert.Equal("hvs.explicit", Plain(connection));
        Assert.Equal("explicit-ns", connection.Namespace);
        Assert.False(connection.SkipCertificateCheck);
        Assert.Equal(TimeSpan.FromSeconds(12), connection.Timeout);
        Assert.Equal(0, connection.MaxRetries);
    }

    [Fact]
    public void InvalidEnvironmentValuesDoNotMatterWhenExplicitValuesAreGiven()
    {
        _environment["VAULT_SKIP_VERIFY"] = "nope";
        _environment["VAULT_CLIENT_TIMEOUT"] = "never";
        _environment["VAULT_MAX_RETRIES"] = "lots";

        var connection = Create(new ConnectionRequest { SkipCertificateCheck = true, TimeoutSec = 3, MaxRetries = 1 });

        Assert.True(connection.SkipCertificateCheck);
        Assert.Equal(TimeSpan.FromSeconds(3), connection.Timeout);
        Assert.Equal(1, connection.MaxRetries);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("vault:8200")]
    [InlineData("ftp://x")]
    [InlineData("https://x:8200/?a=b")]
    [InlineData("https://x:8200/#frag")]
    [InlineData("https://user@x:8200")]
    [InlineData("/v1/sys")]
    public void InvalidAddressesAreRejected(string address)
    {
        var error = Assert.Throws<VaultDrArgumentException>(() => Create(new ConnectionRequest { Address = address }));

        Assert.Equal("VaultDrInvalidAddress", error.ErrorId);
    }

    [Fact]
    public void InvalidVaultAddrIsRejectedToo()
    {
        _environment["VAULT_ADDR"] = "vault.example.com:8200";

        Assert.Equal("VaultDrInvalidAddress", Assert.Throws<VaultDrArgumentException>(() => Create()).ErrorId);
    }

    [Theory]
    [InlineData("https://vault.example.com:8200", "https://vault.example.com:8200/")]
    [InlineData("  https://vault.example.com  ", "https://vault.example.com/")]
    [InlineData("http://10.0.0.1:8200/proxy/vault", "http://10.0.0.1:8200/proxy/vault/")]
    public void AddressesAreNormalisedToEndInASlash(string text, string expected) =>
        Assert.Equal(new Uri(expected), ConnectionFactory.ParseAddress(text));

    [Fact]
    public void MissingCaFileIsRejected()
    {
        var missing = Path.Combine(_home.FullName, "nope.pem");

        var error = Assert.Throws<VaultDrArgumentException>(() => Create(new ConnectionRequest { CACertificateFile = missing }));

        Assert.Equal("VaultDrCACertificateInvalid", error.ErrorId);
        Assert.Contains(missing, error.Message);
    }

    [Fact]
    public void CaFileFromVaultCacertWithoutACertificateIsRejected()
    {
        var notPem = Path.Combine(_home.FullName, "not.pem");
        File.WriteAllText(notPem, "this is not a certificate");
        _environment["VAULT_CACERT"] = notPem;

        Assert.Equal("VaultDrCACertificateInvalid", Assert.Throws<VaultDrArgumentException>(() => Create()).ErrorId);
    }

    [Fact]
    public void MissingCaFolderIsRejected()
    {
        var error = Assert.Throws<VaultDrArgumentException>(() => Create(new ConnectionRequest { CACertificatePath = Path.Combine(_home.FullName, "none") }));

        Assert.Equal("VaultDrCACertificateInvalid", error.ErrorId);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    public void TimeoutMustBePositive(int seconds) =>
        Assert.Equal("VaultDrInvalidTimeout", Assert.Throws<VaultDrArgumentException>(() => Create(new ConnectionRequest { TimeoutSec = seconds })).ErrorId);

    [Fact]
    public void NegativeExplicitMaxRetriesIsRejected() =>
        Assert.Equal("VaultDrInvalidMaxRetries", Assert.Throws<VaultDrArgumentException>(() => Create(new ConnectionRequest { MaxRetries = -1 })).ErrorId);

    [Fact]
    public void ClientCertificateNeedsBothVariables()
    {
        _environment["VAULT_CLIENT_CERT"] = Path.Combine(_home.FullName, "client.pem");

        Assert.Equal("VaultDrClientCertificateInvalid", Assert.Throws<VaultDrArgumentException>(() => Create()).ErrorId);
    }
}
