using VaultDr.Client;
using VaultDr.TestServer;
using Xunit;
using static VaultDr.Tests.Client.ClientTestKit;

namespace VaultDr.Tests.Client;

public sealed class RedactionTests : IDisposable
{
    private const string OperationToken = "hvb.AAAAAQJdrOperationTokenValueXYZ";
    private const string Otp = "2vPFYG8gUSW9npwzyvxXMug0";
    private const string EncodedToken = "FPzkNBvwNDeFh4SmGA8c+w";
    private const string WrappedToken = "eyJhbGciOiJFUzUxMiJ9.eyJhZGRyIjoiaHR0cHM6Ly92YXVsdCJ9.c2lnbmF0dXJl";

    private readonly StubVaultServer _server = StubVaultServer.Start();
    private readonly RecordingCallLog _log = new();

    public void Dispose() => _server.Dispose();

    [Fact]
    public async Task NoSecretReachesTheLogsOrTheAnswerDescription()
    {
        const string promote = "sys/replication/dr/secondary/promote";
        _server.Respond("POST", V1(promote), 200, $$"""
            {"otp":"{{Otp}}","encoded_token":"{{EncodedToken}}","nonce":"n-1",
             "wrap_info":{"token":"{{WrappedToken}}","ttl":300,"accessor":"acc-secret-123"},
             "warnings":["promoted"]}
            """);
        using var client = NewClient(Connect(_server.BaseAddress));
        var request = new VaultRequest(HttpMethod.Post, promote)
            .With("dr_operation_token", SecretText.Protect(OperationToken))
            .With("primary_cluster_addr", PrimaryAddr);

        var response = await client.SendAsync(request, _log, CancellationToken.None);

        Assert.Equal(OperationToken, Assert.Single(_server.Requests).JsonString("dr_operation_token"));
        Assert.Equal(Otp, response.Root!.Value.GetProperty("otp").GetString());
        Assert.NotEmpty(_log.DebugMessages);
        Assert.Contains(_log.DebugMessages, m => m.Contains("\"primary_cluster_addr\":\"https://x:8201\"", StringComparison.Ordinal));
        Assert.Contains(_log.DebugMessages, m => m.Contains("\"nonce\":\"n-1\"", StringComparison.Ordinal));
        Assert.Contains(_log.DebugMessages, m => m.Contains("\"dr_operation_token\":\"<redacted>\"", StringComparison.Ordinal));
        foreach (var secret in new[] { Token, OperationToken, Otp, EncodedToken, WrappedToken, "acc-secret-123" })
        {
            Assert.DoesNotContain(_log.All, m => m.Contains(secret, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task SecretsInAFailedCallStayOutOfTheExceptionAndLogs()
    {
        const string promote = "sys/replication/dr/secondary/promote";
        _server.Respond("POST", V1(promote), 400, $$"""{"errors":["invalid operation token {{OperationToken}}"],"otp":"{{Otp}}"}""");
        using var client = NewClient(Connect(_server.BaseAddress));
        var request = new VaultRequest(HttpMethod.Post, promote).With("dr_operation_token", SecretText.Protect(OperationToken));

        var error = await Assert.ThrowsAsync<VaultApiException>(() => client.SendAsync(request, _log, CancellationToken.None));

        foreach (var secret in new[] { Token, OperationToken, Otp })
        {
            Assert.DoesNotContain(secret, error.Message);
            Assert.DoesNotContain(_log.All, m => m.Contains(secret, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task BodySecretOfNoKnownShapeEchoedInAWarningOrErrorsIsHidden()
    {
        // Vault may quote a request value back; the client knows what it sent and must mask it.
        const string secret = "plain-operation-secret-42";
        const string promote = "sys/replication/dr/secondary/promote";
        _server.Respond("POST", V1(promote), 200, $$"""{"warnings":["used {{secret}}"]}""", times: 1)
            .Respond("POST", V1(promote), 200, $$"""{"errors":["rejected {{secret}}"]}""", times: 1);
        using var client = NewClient(Connect(_server.BaseAddress));
        VaultRequest Promote() => new VaultRequest(HttpMethod.Post, promote).With("dr_operation_token", SecretText.Protect(secret));

        await client.SendAsync(Promote(), _log, CancellationToken.None);
        var error = await Assert.ThrowsAsync<VaultResponseException>(() => client.SendAsync(Promote(), _log, CancellationToken.None));

        Assert.Equal(["Vault (" + _server.BaseAddress.Authority + "): used <redacted>"], _log.Warnings);
        Assert.DoesNotContain(secret, error.Message);
        Assert.Contains("rejected <redacted>", error.Message);
    }

    [Fact]
    public void RedactJsonMasksSecretFieldsAtAnyDepth()
    {
        var json = """
            {"otp":"abc","encoded_token":"def","nonce":"keep","wrap_info":{"token":"jwt","ttl":300},
             "data":{"keys":["k1","k2"],"secondary_public_key":"pk","list":[{"client_token":"ct","name":"n"}]},"dr_operation_token":null}
            """;

        var redacted = Redaction.RedactJson(json);

        Assert.Equal(
            """{"otp":"<redacted>","encoded_token":"<redacted>","nonce":"keep","wrap_info":{"token":"<redacted>","ttl":300},"data":{"keys":"<redacted>","secondary_public_key":"<redacted>","list":[{"client_token":"<redacted>","name":"n"}]},"dr_operation_token":null}""",
            redacted);
    }

    [Fact]
    public void RedactJsonMasksTokensAndKnownSecretsInsideOrdinaryStrings()
    {
        var json = """{"errors":["bad token hvs.XXXXXXXXXXXXXXXXXXXXXXXX","used my-secret-value"],"data":{"note":"my-secret-value!"},"n":1}""";

        Assert.Equal(
            """{"errors":["bad token <redacted>","used <redacted>"],"data":{"note":"<redacted>!"},"n":1}""",
            Redaction.RedactJson(json, ["my-secret-value"]));
        Assert.Equal("\"<redacted>\"", Redaction.RedactJson("\"hvs.XXXXXXXXXXXXXXXXXXXXXXXX\""));
    }

    [Fact]
    public void RedactJsonHidesNonJsonAndEmptiesEmpty()
    {
        Assert.Equal("<12 characters of non-JSON text>", Redaction.RedactJson("hvs.notjson!"));
        Assert.Equal(string.Empty, Redaction.RedactJson(null));
        Assert.Equal(string.Empty, Redaction.RedactJson("  "));
        Assert.Equal("[1,2]", Redaction.RedactJson("[1,2]"));
    }

    [Theory]
    [InlineData("token hvs.CAESIJ0123456789abcdefghij used", "token <redacted> used")]
    [InlineData("batch hvb.AAAAAQJ0123456789abcdefghijklmn", "batch <redacted>")]
    [InlineData("legacy s.abcdefghijklmnopqrstuvwx here", "legacy <redacted> here")]
    [InlineData("jwt eyJhbGciOiJFUzUxMiJ9.eyJhZGRyIjoieCJ9.sig-_ end", "jwt <redacted> end")]
    [InlineData("path disabled in replication DR secondary mode", "path disabled in replication DR secondary mode")]
    [InlineData("s.short stays", "s.short stays")]
    [InlineData("", "")]
    public void RedactTextMasksTokenShapes(string text, string expected) =>
        Assert.Equal(expected, Redaction.RedactText(text));

    [Fact]
    public void RedactTextMasksKnownSecretsButNotTinyOnes()
    {
        Assert.Equal("key <redacted> and 1", Redaction.RedactText("key abcdef123 and 1", ["abcdef123", "1"]));
    }

    [Theory]
    [InlineData("X-Vault-Token", true)]
    [InlineData("authorization", true)]
    [InlineData("X-Vault-Request", false)]
    public void SecretHeaders(string name, bool secret) => Assert.Equal(secret, Redaction.IsSecretHeader(name));
}
