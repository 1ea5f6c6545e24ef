using System.Management.Automation;
using VaultDr.Client;
using VaultDr.TestServer;
using Xunit;
using static VaultDr.Tests.Client.ClientTestKit;

namespace VaultDr.Tests.Client;

public sealed class VaultErrorMappingTests : IDisposable
{
    private readonly StubVaultServer _server = StubVaultServer.Start();
    private readonly RecordingCallLog _log = new();

    /// <summary>Vault's documented error statuses and what each becomes.</summary>
    public static TheoryData<int, string, ErrorCategory> VaultStatuses => new()
    {
        { 400, "VaultDrInvalidRequest", ErrorCategory.InvalidArgument },
        { 401, "VaultDrUnauthorized", ErrorCategory.AuthenticationError },
        { 403, "VaultDrPermissionDenied", ErrorCategory.PermissionDenied },
        { 404, "VaultDrNotFound", ErrorCategory.ObjectNotFound },
        { 405, "VaultDrUnsupportedOperation", ErrorCategory.NotImplemented },
        { 409, "VaultDrConflict", ErrorCategory.InvalidOperation },
        { 412, "VaultDrIndexStateNotPresent", ErrorCategory.InvalidOperation },
        { 429, "VaultDrRateLimited", ErrorCategory.ResourceUnavailable },
        { 500, "VaultDrServerError", ErrorCategory.NotSpecified },
        { 501, "VaultDrNotImplemented", ErrorCategory.NotImplemented },
        { 503, "VaultDrUnavailable", ErrorCategory.ResourceUnavailable },
    };

    public void Dispose() => _server.Dispose();

    [Theory]
    [MemberData(nameof(VaultStatuses))]
    [InlineData(502, "VaultDrServerError", ErrorCategory.NotSpecified)]
    [InlineData(418, "VaultDrHttpError", ErrorCategory.NotSpecified)]
    public void ForStatus(int status, string errorId, ErrorCategory category) =>
        Assert.Equal((errorId, category), VaultErrorMapping.ForStatus(status));

    [Theory]
    [MemberData(nameof(VaultStatuses))]
    public async Task StatusBecomesTypedExceptionWithVaultsErrorText(int status, string errorId, ErrorCategory category)
    {
        _server.Respond("POST", V1(EnablePath), status, """{"errors":["first problem","second problem"]}""");
        using var client = NewClient(Connect(_server.BaseAddress, maxRetries: 0));

        var error = await Assert.ThrowsAsync<VaultApiException>(() => client.SendAsync(Enable(), _log, CancellationToken.None));

        Assert.Equal(errorId, error.ErrorId);
        Assert.Equal(category, error.Category);
        Assert.Equal(status, error.StatusCode);
        Assert.Equal("POST", error.Method);
        Assert.Equal("/v1/" + EnablePath, error.Path);
        Assert.Equal(["first problem", "second problem"], error.Errors);
        var vaultSaid = $"Vault answered {status} to POST /v1/{EnablePath}: first problem; second problem";
        if (status == 403)
        {
            // A 403 also says where the token came from (ErrorAdviceTests).
            Assert.StartsWith(vaultSaid + ". The token sent came from -Token:", error.Message);
        }
        else
        {
            Assert.Equal(vaultSaid, error.Message);
        }

        Assert.Single(_server.Requests);
    }

    [Fact]
    public async Task TokenEchoedInAnErrorIsNotInTheException()
    {
        const string token = "hvs.XXXXXXXXXXXXXXXXXXXXXXXX";
        _server.Respond("POST", V1(EnablePath), 403, $$"""{"errors":["bad token {{token}}"]}""");
        using var client = NewClient(Connect(_server.BaseAddress, token: SecretText.Protect(token)));

        var error = await Assert.ThrowsAsync<VaultApiException>(() => client.SendAsync(Enable(), _log, CancellationToken.None));

        Assert.Equal(token, _server.Requests[0].Header("X-Vault-Token"));
        Assert.DoesNotContain(token, error.Message);
        Assert.DoesNotContain(error.Errors, e => e.Contains(token, StringComparison.Ordinal));
        Assert.Contains("bad token <redacted>", error.Message);
        Assert.DoesNotContain(_log.All, m => m.Contains(token, StringComparison.Ordinal));
    }

    [Fact]
    public async Task TokenOfNoKnownShapeEchoedInAnErrorIsStillHidden()
    {
        const string token = "my-dev-root-token";
        _server.Respond("POST", V1(EnablePath), 400, $$"""{"errors":["token {{token}} is not valid"]}""");
        using var client = NewClient(Connect(_server.BaseAddress, token: SecretText.Protect(token)));

        var error = await Assert.ThrowsAsync<VaultApiException>(() => client.SendAsync(Enable(), _log, CancellationToken.None));

        Assert.DoesNotContain(token, error.Message);
        Assert.Contains("token <redacted> is not valid", error.Message);
    }

    [Fact]
    public async Task HtmlErrorBodyGivesACleanMessage()
    {
        _server.Respond("POST", V1(EnablePath), 502, "<html><body><h1>502 Bad Gateway</h1></body></html>", headers: new Dictionary<string, string> { ["Content-Type"] = "text/html" });
        using var client = NewClient(Connect(_server.BaseAddress));

        var error = await Assert.ThrowsAsync<VaultApiException>(() => client.SendAsync(Enable(), _log, CancellationToken.None));

        Assert.Equal("VaultDrServerError", error.ErrorId);
        Assert.Empty(error.Errors);
        Assert.Equal($"Vault answered 502 to POST /v1/{EnablePath}: no error text", error.Message);
        Assert.Single(_server.Requests);
    }

    [Fact]
    public void ReadErrorsToleratesOddBodies()
    {
        Assert.Empty(VaultErrorMapping.ReadErrors(null));
        Assert.Empty(VaultErrorMapping.ReadErrors("   "));
        Assert.Empty(VaultErrorMapping.ReadErrors("[1,2]"));
        Assert.Empty(VaultErrorMapping.ReadErrors("""{"errors":"not a list"}"""));
        Assert.Equal(["a", "{\"b\":1}"], VaultErrorMapping.ReadErrors("""{"errors":["a","",{"b":1}]}"""));
    }
}
