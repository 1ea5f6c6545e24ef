using System.Management.Automation;
using VaultDr.Client;
using VaultDr.TestServer;
using Xunit;
using static VaultDr.Tests.Client.ClientTestKit;

namespace VaultDr.Tests.Client;

/// <summary>
/// sys/seal-status, typed (which keys a cluster takes), and the ceremony's 403 under Vault 2.x, explained with the
/// two ways out.
/// </summary>
public sealed class SealStatusAndCeremonyTests : IDisposable
{
    private const string AutoUnseal =
        """{"type":"awskms","initialized":true,"sealed":false,"t":3,"n":5,"progress":0,"nonce":"","version":"1.17.0+ent","build_date":"2024-06-10T10:11:34Z","migration":false,"cluster_name":"vault-b","cluster_id":"6a7c4f0e","recovery_seal":true,"recovery_seal_type":"shamir","storage_type":"raft","future_field":1}""";

    private const string Attempt = "sys/replication/dr/secondary/generate-operation-token/attempt";

    private readonly StubVaultServer _server = StubVaultServer.Start();

    public void Dispose() => _server.Dispose();

    [Fact]
    public async Task SealStatus_OfAnAutoUnsealCluster_IsTheRecoveryConfiguration()
    {
        _server.Respond("GET", V1("sys/seal-status"), 200, AutoUnseal);

        var seal = await Endpoints().ReadSealStatusAsync(CancellationToken.None);

        var sent = Assert.Single(_server.Requests);
        Assert.Equal(("GET", V1("sys/seal-status"), ""), (sent.Method, sent.Path, sent.Body));
        Assert.Equal(Token, sent.Header("X-Vault-Token")); // sent when there is one, though Vault does not ask for it
        Assert.Equal(_server.BaseAddress, seal.Address);
        Assert.Equal("awskms", seal.Type);
        Assert.True(seal.RecoverySeal);
        Assert.Equal("shamir", seal.RecoverySealType);
        Assert.Equal("recovery keys", seal.KeyKind);
        Assert.Equal((3, 5, 0), (seal.Threshold, seal.Shares, seal.Progress));
        Assert.Equal((true, false), (seal.Initialized, seal.Sealed));
        Assert.Equal(("1.17.0+ent", "vault-b", "6a7c4f0e", "raft"), (seal.Version, seal.ClusterName, seal.ClusterId, seal.StorageType));
        Assert.Equal(1L, seal.Raw["future_field"]);
    }

    [Fact]
    public async Task SealStatus_OfASealedShamirCluster_HasNoRecoveryFields()
    {
        _server.Respond("GET", V1("sys/seal-status"), 200, """{"type":"shamir","initialized":true,"sealed":true,"t":3,"n":5,"progress":1,"nonce":"n-1","version":"1.15.0+ent","recovery_seal":false}""");

        var seal = await Endpoints().ReadSealStatusAsync(CancellationToken.None);

        Assert.False(seal.RecoverySeal);
        Assert.Null(seal.RecoverySealType);
        Assert.Equal("unseal keys", seal.KeyKind);
        Assert.Equal((true, 1), (seal.Sealed, seal.Progress));
        Assert.Null(seal.ClusterId);
    }

    [Theory]
    [InlineData("[1,2]", "Vault answered 200 with JSON that is not")] // the HTTP core's own check
    [InlineData("", "Vault answered sys/seal-status without a JSON object.")]
    public async Task SealStatus_ThatIsNotAnObject_IsAnInvalidResponse(string body, string message)
    {
        _server.Respond("GET", V1("sys/seal-status"), 200, body);

        var e = await Assert.ThrowsAsync<VaultResponseException>(() => Endpoints().ReadSealStatusAsync(CancellationToken.None));

        Assert.Equal(("VaultDrInvalidResponse", ErrorCategory.InvalidResult), (e.ErrorId, e.Category));
        Assert.StartsWith(message, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("GET")]
    [InlineData("PUT")]
    public async Task A403FromTheCeremony_WithoutAToken_ExplainsVault2AndTheWaysOut(string method)
    {
        _server.Respond(method, V1(Attempt), 403, """{"errors":["permission denied"]}""");

        var e = await Assert.ThrowsAsync<VaultApiException>(() => method == "GET"
            ? Endpoints(noToken: true).ReadOperationTokenProgressAsync(CancellationToken.None)
            : Endpoints(noToken: true).StartOperationTokenAsync(null, null, CancellationToken.None));

        Assert.Equal(("VaultDrPermissionDenied", ErrorCategory.PermissionDenied, 403), (e.ErrorId, e.Category, e.StatusCode));
        Assert.Equal(
            $"Vault answered 403 to {method} /v1/{Attempt}: permission denied. Since Vault 2.0 the DR operation token ceremony (generate-operation-token) " +
            "needs a Vault token as well as the key shares, and no Vault token was sent (no -Token, VAULT_TOKEN or ~/.vault-token). Give a token made on " +
            "the primary with -Token or New-VaultDrConnection -Token: from 2.0 a DR secondary takes its primary's root token. Or do without the ceremony: " +
            "pass a batch DR operation token prepared on the primary beforehand (New-VaultDrBatchOperationToken) as -DrOperationToken, or, as break-glass, " +
            "add \"generate-operation-token\" to enable_unauthenticated_access in the DR secondary's server configuration, reload it (SIGHUP), and take it " +
            "out again afterwards.",
            e.Message);
        Assert.Null(Assert.Single(_server.Requests).Header("X-Vault-Token"));
    }

    [Fact]
    public async Task A403FromTheCeremony_WithAToken_SaysTheTokenWasRefused_AndNeverShowsIt()
    {
        _server.Respond("PUT", V1("sys/replication/dr/secondary/generate-operation-token/update"), 403, """{"errors":["permission denied"]}""");

        var e = await Assert.ThrowsAsync<VaultApiException>(() => Endpoints().SubmitKeyShareAsync(SecretText.Protect("aa11"), "n-1", CancellationToken.None));

        Assert.Contains("needs a Vault token as well as the key shares, and the token sent (from -Token) was refused.", e.Message, StringComparison.Ordinal);
        Assert.Contains("New-VaultDrBatchOperationToken", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Token, e.Message, StringComparison.Ordinal);
        Assert.Equal(Token, Assert.Single(_server.Requests).Header("X-Vault-Token"));
    }

    [Fact]
    public async Task A403Elsewhere_KeepsTheGeneralAdvice()
    {
        _server.Respond("GET", V1("sys/replication/dr/status"), 403, """{"errors":["permission denied"]}""");

        var e = await Assert.ThrowsAsync<VaultApiException>(() => Endpoints().ReadStatusAsync(CancellationToken.None));

        Assert.DoesNotContain("Since Vault 2.0", e.Message, StringComparison.Ordinal);
        Assert.Contains("The token sent came from -Token", e.Message, StringComparison.Ordinal);
    }

    private DrEndpoints Endpoints(bool noToken = false) => new(Connect(_server.BaseAddress, maxRetries: 0, noToken: noToken), new RecordingCallLog());
}
