using Xunit;
using System.Diagnostics;
using System.Management.Automation;
using System.Net;
using System.Security;
using System.Text;
using VaultDr.Commands;
using VaultDr.TestServer;

namespace VaultDr.Tests.Commands;

/// <summary>Cmdlets run in-process against the stub server: the requests they send and what they return.</summary>
public sealed class CmdletTests : IDisposable
{
    private const string VaultToken = "hvs.CmdletTestTokenAAAAAAAAAA";
    private const string StatusPath = "/v1/sys/replication/dr/status";
    private const string PrimaryStatus = """
        {"data":{"cluster_id":"d4095d41-3aee-8791-c421-9bc7f88f7c3e","known_secondaries":["3"],"last_wal":241,
        "merkle_root":"56794a98e52598f35974024fba6691f047e772e9","mode":"primary","state":"running",
        "secondaries":[{"api_address":"https://127.0.0.1:49264","cluster_address":"https://127.0.0.1:49267",
        "connection_status":"connected","last_heartbeat":"2020-06-10T15:40:47-07:00","node_id":"3"}],
        "future_field":{"x":1}}}
        """;

    private readonly StubVaultServer _vault = StubVaultServer.Start();
    private readonly PowerShellSession _ps = new();

    public CmdletTests()
    {
        _ps.Set("vaultAddress", _vault.BaseAddress.ToString());
        _ps.Set("vaultToken", Secure(VaultToken));
        _ps.Run("$c = New-VaultDrConnection -Address $vaultAddress -Token $vaultToken -MaxRetries 0 -TimeoutSec 5");
    }

    public void Dispose()
    {
        _ps.Dispose();
        _vault.Dispose();
    }

    [Fact]
    public void GetStatus_ReturnsTypedPrimaryStatus()
    {
        _vault.Respond("GET", StatusPath, 200, PrimaryStatus);

        var status = Assert.IsType<DrStatus>(Assert.Single(_ps.Run("Get-VaultDrStatus -Connection $c")).BaseObject);

        var request = Assert.Single(_vault.Requests);
        Assert.Equal("GET", request.Method);
        Assert.Equal(StatusPath, request.Path);
        Assert.Equal("true", request.Header("X-Vault-Request"));
        Assert.Equal(VaultToken, request.Header("X-Vault-Token"));
        Assert.Equal("", request.Body);
        Assert.Equal(DrMode.primary, status.Mode);
        Assert.Equal("running", status.State);
        Assert.Equal(241, status.LastWal);
        Assert.Equal(new[] { "3" }, status.KnownSecondaries);
        var peer = Assert.Single(status.Secondaries);
        Assert.Equal("connected", peer.ConnectionStatus);
        Assert.Equal(new DateTimeOffset(2020, 6, 10, 15, 40, 47, TimeSpan.FromHours(-7)), peer.LastHeartbeat);
        Assert.Equal(_vault.BaseAddress, status.Address);
        Assert.Equal(_vault.BaseAddress.Authority, status.Cluster);
        Assert.True(status.Raw.ContainsKey("future_field"));
    }

    [Fact]
    public void GetStatus_SeveralConnections_ReadConcurrentlyAndReturnInOrder()
    {
        using var second = StubVaultServer.Start();
        second.Respond("GET", StatusPath, 200, """{"data":{"mode":"secondary","state":"stream-wals","last_remote_wal":240}}""");
        _vault.Delay("GET", StatusPath, TimeSpan.FromMilliseconds(300), 200, PrimaryStatus);
        _ps.Set("secondAddress", second.BaseAddress.ToString());

        var results = _ps.Run("Get-VaultDrStatus -Connection $c, (New-VaultDrConnection -Address $secondAddress -Token $vaultToken)")
            .Select(o => (DrStatus)o.BaseObject).ToArray();

        Assert.Equal(new[] { DrMode.primary, DrMode.secondary }, results.Select(s => s.Mode));
        Assert.Equal(240, results[1].LastRemoteWal);
        Assert.Empty(_ps.Errors);
    }

    [Fact]
    public void GetStatus_OneClusterFailing_GivesOneErrorAndTheOtherStatus()
    {
        using var second = StubVaultServer.Start();
        second.Respond("GET", StatusPath, 403, """{"errors":["permission denied"]}""");
        _vault.Respond("GET", StatusPath, 200, PrimaryStatus);
        _ps.Set("secondAddress", second.BaseAddress.ToString());

        var results = _ps.Run("Get-VaultDrStatus -Connection $c, (New-VaultDrConnection -Address $secondAddress -Token $vaultToken)");

        Assert.Equal(DrMode.primary, ((DrStatus)Assert.Single(results).BaseObject).Mode);
        var error = Assert.Single(_ps.Errors);
        Assert.Equal("VaultDrPermissionDenied,VaultDr.Commands.GetVaultDrStatusCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.PermissionDenied, error.CategoryInfo.Category);
        Assert.Contains("permission denied", error.Exception.Message);
        Assert.Contains("403", error.Exception.Message);
    }

    [Fact]
    public void GetStatus_WithAddressAndToken_BuildsItsOwnConnection()
    {
        _vault.Respond("GET", StatusPath, 200, """{"data":{"mode":"disabled"}}""");

        var status = (DrStatus)Assert.Single(_ps.Run("Get-VaultDrStatus -Address $vaultAddress -Token $vaultToken")).BaseObject;

        Assert.Equal(DrMode.disabled, status.Mode);
        Assert.Equal(VaultToken, Assert.Single(_vault.Requests).Header("X-Vault-Token"));
    }

    [Fact]
    public void Promote_SendsTheOperationTokenInTheBody_AndReturnsNothingWithoutPassThru()
    {
        _vault.Respond("POST", "/v1/sys/replication/dr/secondary/promote", 200, """{"warnings":["This cluster is being promoted to a replication primary."],"data":null}""");
        _ps.Set("op", Secure("hvs.OperationTokenBBBBBBBBBBBB"));

        var output = _ps.Run("Invoke-VaultDrPromote -Connection $c -DrOperationToken $op -PrimaryClusterAddress https://10.0.0.9:8201 -Confirm:$false");

        Assert.Empty(output);
        var request = Assert.Single(_vault.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("""{"dr_operation_token":"hvs.OperationTokenBBBBBBBBBBBB","primary_cluster_addr":"https://10.0.0.9:8201"}""", request.Body);
        Assert.Equal("application/json", request.Header("Content-Type")?.Split(';')[0]);
        Assert.Contains(_ps.Warnings, w => w.Contains("being promoted to a replication primary"));
    }

    [Fact]
    public void Promote_WithForce_SendsForceTrueAndWarns()
    {
        _vault.Respond("POST", "/v1/sys/replication/dr/secondary/promote", 204);
        _ps.Set("op", Secure("hvs.OperationTokenBBBBBBBBBBBB"));

        _ps.Run("Invoke-VaultDrPromote -Connection $c -DrOperationToken $op -Force -Confirm:$false");

        Assert.Equal("true", Assert.Single(_vault.Requests).JsonString("force"));
        Assert.Contains(_ps.Warnings, w => w.Contains("force=true"));
    }

    [Fact]
    public void Promote_WithPassThru_ReturnsTheStatusAfterTheCall()
    {
        _vault.Respond("POST", "/v1/sys/replication/dr/secondary/promote", 204);
        _vault.Respond("GET", StatusPath, 200, PrimaryStatus);
        _ps.Set("op", Secure("hvs.OperationTokenBBBBBBBBBBBB"));

        var status = (DrStatus)Assert.Single(_ps.Run("Invoke-VaultDrPromote -Connection $c -DrOperationToken $op -Confirm:$false -PassThru")).BaseObject;

        Assert.Equal(DrMode.primary, status.Mode);
        Assert.Equal(new[] { "POST", "GET" }, _vault.Requests.Select(r => r.Method));
    }

    [Fact]
    public void HighImpact_WithoutConfirmInAHostThatCannotPrompt_SendsNothing()
    {
        _ps.Set("op", Secure("hvs.OperationTokenBBBBBBBBBBBB"));

        var error = _ps.RunExpectingFailure("Invoke-VaultDrPromote -Connection $c -DrOperationToken $op");

        Assert.Equal("VaultDrConfirmationRequired,VaultDr.Commands.InvokeVaultDrPromoteCommand", error.FullyQualifiedErrorId);
        Assert.Contains("Nothing was sent", error.Exception.Message);
        Assert.Empty(_vault.Requests);
    }

    [Fact]
    public void WhatIf_SendsNothing()
    {
        _ps.Run("Invoke-VaultDrDemote -Connection $c -WhatIf; Enable-VaultDrPrimary -Connection $c -WhatIf; New-VaultDrSecondaryToken -Connection $c -Id dr1 -WhatIf");

        Assert.Empty(_vault.Requests);
        Assert.Empty(_ps.Errors);
    }

    [Fact]
    public void Promote_ConnectionDroppedAfterTheRequest_IsSentExactlyOnce()
    {
        // A GET first leaves a pooled keep-alive connection: the case where .NET could silently re-send.
        _vault.Respond("GET", StatusPath, 200, PrimaryStatus);
        _vault.Drop("POST", "/v1/sys/replication/dr/secondary/promote");
        _ps.Set("op", Secure("hvs.OperationTokenBBBBBBBBBBBB"));

        _ps.Run("$null = Get-VaultDrStatus -Connection $c; Invoke-VaultDrPromote -Connection $c -DrOperationToken $op -Confirm:$false");

        Assert.Single(_vault.Requests, r => r.Method == "POST");
        var error = Assert.Single(_ps.Errors);
        Assert.Equal("VaultDrConnectionLost,VaultDr.Commands.InvokeVaultDrPromoteCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ConnectionError, error.CategoryInfo.Category);
        Assert.True(((VaultConnectionException)error.Exception).RequestMayHaveBeenProcessed);
    }

    [Fact]
    public void StopDuringASlowCall_CancelsTheHttpRequestPromptly()
    {
        _vault.Delay("GET", StatusPath, TimeSpan.FromSeconds(30), 200, PrimaryStatus);
        using var shell = PowerShell.Create();
        shell.Runspace = RunspaceWith(_ps);
        shell.AddScript("Get-VaultDrStatus -Connection $c");
        var running = shell.BeginInvoke();
        SpinWait.SpinUntil(() => _vault.Requests.Count == 1, TimeSpan.FromSeconds(5));

        var clock = Stopwatch.StartNew();
        shell.Stop();

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"Stop took {clock.Elapsed}");
        Assert.Equal(PSInvocationState.Stopped, shell.InvocationStateInfo.State);
        Assert.Throws<PipelineStoppedException>(() => shell.EndInvoke(running));
    }

    [Theory]
    [InlineData("Get-VaultDrStatus -Connection $c -Verbose", true)]
    [InlineData("$VerbosePreference = 'Continue'; Get-VaultDrStatus -Connection $c", true)]
    [InlineData("Get-VaultDrStatus -Connection $c", false)]
    [InlineData("Get-VaultDrStatus -Connection $c -Verbose:$false", false)]
    public void GetStatus_ReportsEachAttempt_OnlyWhenVerboseIsWanted(string script, bool wanted)
    {
        _vault.Respond("GET", StatusPath, 200, PrimaryStatus);

        Assert.Single(_ps.Run(script));

        if (wanted)
        {
            Assert.Contains(_ps.Verbose, m => m.StartsWith($"GET {_vault.BaseAddress}v1/sys/replication/dr/status -> 200 OK in ", StringComparison.Ordinal));
        }
        else
        {
            Assert.Empty(_ps.Verbose);
        }
    }

    [Fact]
    public void StopLab_WhoseShutdownAnswerIsCut_StillEndsTheLabProcessWithoutAnError()
    {
        // A lab going down can close the connection before its answer arrives.
        _vault.Drop("POST", "/lab/shutdown");
        using var process = Process.Start(new ProcessStartInfo("sleep", "60") { UseShellExecute = false })!;
        var control = (VaultDrConnection)Assert.Single(_ps.Run("$c")).BaseObject;
        var lab = new VaultDrLab { ProcessId = process.Id, ControlAddress = _vault.BaseAddress, Control = control, StartedAt = DateTimeOffset.UtcNow };
        VaultDr.LabControl.LabProcesses.Track(lab, process);
        _ps.Set("lab", lab);

        _ps.Run("Stop-VaultDrLab -Lab $lab -Confirm:$false");

        Assert.Empty(_ps.Errors);
        Assert.True(process.HasExited, "the lab process still runs");
        Assert.Single(_vault.Requests, r => r.Method == "POST" && r.Path == "/lab/shutdown");
    }

    [Fact]
    public void NewSecondaryToken_ReturnsTheWrappedTokenWithClaims()
    {
        var expires = DateTimeOffset.UtcNow.AddMinutes(30).ToUnixTimeSeconds();
        var jwt = TestJwt.Make($$"""{"addr":"https://vault-a:8200","exp":{{expires}},"iat":1,"jti":"5e1b","type":"wrapping"}""");
        _vault.Respond("POST", "/v1/sys/replication/dr/primary/secondary-token", 200,
            $$$"""{"data":null,"wrap_info":{"token":"{{{jwt}}}","ttl":3600,"creation_time":"2026-11-28T04:00:00Z","creation_path":"sys/replication/dr/primary/secondary-token","wrapped_accessor":"acc1"}}""");

        var token = (SecondaryActivationToken)Assert.Single(_ps.Run("New-VaultDrSecondaryToken -Connection $c -Id us-east -Ttl 1h")).BaseObject;

        Assert.Equal("""{"id":"us-east","ttl":"3600s"}""", Assert.Single(_vault.Requests).Body);
        Assert.Equal("us-east", token.Id);
        Assert.Equal("https://vault-a:8200", token.PrimaryApiAddress);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(expires), token.ExpiresAt);
        Assert.Equal(TimeSpan.FromHours(1), token.Ttl);
        Assert.Equal("acc1", token.WrappedAccessor);
        Assert.Equal(jwt, new NetworkCredential(string.Empty, token.ActivationToken).Password);

        var plain = Assert.Single(_ps.Run("New-VaultDrSecondaryToken -Connection $c -Id us-east -AsPlainText")).BaseObject;
        Assert.Equal(jwt, plain);
    }

    [Fact]
    public void NewOperationToken_RunsTheCeremonyAndDecodesTheToken()
    {
        const string otp = "Zq3bN8xR2mK7pL5vW9cY4tH6jD1s";
        const string token = "hvs.CAESIJ2lpZ4Tx8yqUJ4l1Z2D";
        var encoded = Convert.ToBase64String(Encoding.ASCII.GetBytes(token).Zip(Encoding.ASCII.GetBytes(otp), (a, b) => (byte)(a ^ b)).ToArray()).TrimEnd('=');
        const string attempt = "/v1/sys/replication/dr/secondary/generate-operation-token/attempt";
        const string update = "/v1/sys/replication/dr/secondary/generate-operation-token/update";
        _vault.Respond("GET", attempt, 200, """{"started":false,"nonce":"","progress":0,"required":2,"complete":false}""");
        _vault.Respond("PUT", attempt, 200, $$"""{"started":true,"nonce":"n-1","progress":0,"required":2,"encoded_token":"","otp":"{{otp}}","otp_length":28,"complete":false}""");
        _vault.Respond("PUT", update, 200, """{"started":true,"nonce":"n-1","progress":1,"required":2,"complete":false}""", times: 1);
        _vault.Respond("PUT", update, 200, $$"""{"started":true,"nonce":"n-1","progress":2,"required":2,"complete":true,"encoded_token":"{{encoded}}"}""", times: 1);
        _ps.Set("shares", new[] { Secure("aabbccdd"), Secure("q83vEjRWeJA=") });

        var result = (OperationToken)Assert.Single(_ps.Run("$shares | New-VaultDrOperationToken -Connection $c")).BaseObject;

        Assert.Equal(token, new NetworkCredential(string.Empty, result.DrOperationToken).Password);
        Assert.Equal(new[] { "GET", "PUT", "PUT", "PUT" }, _vault.Requests.Select(r => r.Method));
        Assert.Equal("{}", _vault.Requests[1].Body);
        Assert.Equal("""{"key":"aabbccdd","nonce":"n-1"}""", _vault.Requests[2].Body);
        Assert.Equal("""{"key":"q83vEjRWeJA=","nonce":"n-1"}""", _vault.Requests[3].Body);
    }

    [Fact]
    public void NewOperationToken_LegacyVaultWithoutServerOtp_RestartsWithItsOwnOtpAndDecodesAUuid()
    {
        const string attempt = "/v1/sys/replication/dr/secondary/generate-operation-token/attempt";
        var encodedBytes = Enumerable.Range(1, 16).Select(i => (byte)(i * 13)).ToArray();
        _vault.Respond("GET", attempt, 200, """{"started":false,"progress":0,"required":1,"complete":false}""");
        _vault.Respond("PUT", attempt, 200, """{"started":true,"nonce":"n-old","progress":0,"required":1,"otp_length":0,"complete":false}""", times: 1);
        _vault.Respond("DELETE", attempt, 204);
        _vault.Respond("PUT", attempt, 200, """{"started":true,"nonce":"n-legacy","progress":0,"required":1,"otp_length":0,"complete":false}""", times: 1);
        _vault.Respond("PUT", "/v1/sys/replication/dr/secondary/generate-operation-token/update", 200,
            $$"""{"started":true,"nonce":"n-legacy","progress":1,"required":1,"complete":true,"encoded_token":"{{Convert.ToBase64String(encodedBytes)}}"}""");
        _ps.Set("share", Secure("aabbccdd"));

        var result = (OperationToken)Assert.Single(_ps.Run("New-VaultDrOperationToken -Connection $c -KeyShare $share")).BaseObject;

        Assert.Equal(new[] { "GET", "PUT", "DELETE", "PUT", "PUT" }, _vault.Requests.Select(r => r.Method));
        Assert.Equal("{}", _vault.Requests[1].Body);
        var otp = Convert.FromBase64String(_vault.Requests[3].JsonString("otp")!);
        Assert.Equal(16, otp.Length);
        Assert.Equal("n-legacy", _vault.Requests[4].JsonString("nonce"));
        var xored = encodedBytes.Zip(otp, (a, b) => (byte)(a ^ b)).ToArray();
        var expected = Convert.ToHexString(xored).ToLowerInvariant().Insert(20, "-").Insert(16, "-").Insert(12, "-").Insert(8, "-");
        Assert.Equal(expected, new NetworkCredential(string.Empty, result.DrOperationToken).Password);
    }

    [Fact]
    public void NewOperationToken_TooFewShares_CancelsTheAttempt()
    {
        const string attempt = "/v1/sys/replication/dr/secondary/generate-operation-token/attempt";
        _vault.Respond("GET", attempt, 200, """{"started":false,"progress":0,"required":3,"complete":false}""");
        _vault.Respond("PUT", attempt, 200, """{"started":true,"nonce":"n-2","progress":0,"required":3,"otp":"Zq3bN8xR2mK7pL5vW9cY4tH6jD1s","otp_length":28,"complete":false}""");
        _vault.Respond("PUT", "/v1/sys/replication/dr/secondary/generate-operation-token/update", 200, """{"started":true,"nonce":"n-2","progress":1,"required":3,"complete":false}""");
        _vault.Respond("DELETE", attempt, 204);
        _ps.Set("share", Secure("aabbccdd"));

        _ps.Run("New-VaultDrOperationToken -Connection $c -KeyShare $share");

        Assert.Equal(new[] { "GET", "PUT", "PUT", "DELETE" }, _vault.Requests.Select(r => r.Method));
        var error = Assert.Single(_ps.Errors);
        Assert.Equal("VaultDrNotEnoughKeyShares,VaultDr.Commands.NewVaultDrOperationTokenCommand", error.FullyQualifiedErrorId);
        Assert.Contains("needs 3", error.Exception.Message);
    }

    [Fact]
    public void EnableSecondary_ExpiredActivationToken_FailsBeforeAnyRequest()
    {
        var jwt = TestJwt.Make("""{"addr":"https://vault-a:8200","exp":1600000000,"type":"wrapping"}""");
        _ps.Set("activation", Secure(jwt));

        var error = _ps.RunExpectingFailure("Enable-VaultDrSecondary -Connection $c -ActivationToken $activation -Confirm:$false");

        Assert.Equal("VaultDrActivationTokenExpired,VaultDr.Commands.EnableVaultDrSecondaryCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
        Assert.DoesNotContain(jwt, error.ToString());
        Assert.Empty(_vault.Requests);
    }

    [Fact]
    public void SubmitKeyShare_WithoutNonce_ReadsItOnceThenSubmitsEachPipedShare()
    {
        const string attempt = "/v1/sys/replication/dr/secondary/generate-operation-token/attempt";
        _vault.Respond("GET", attempt, 200, """{"started":true,"nonce":"n-3","progress":0,"required":3,"complete":false}""");
        _vault.Respond("PUT", "/v1/sys/replication/dr/secondary/generate-operation-token/update", 200, """{"started":true,"nonce":"n-3","progress":1,"required":3,"complete":false}""");
        _ps.Set("shares", new[] { Secure("aabbccdd"), Secure("00112233") });

        var progress = _ps.Run("$shares | Submit-VaultDrKeyShare -Connection $c").Select(o => (OperationTokenProgress)o.BaseObject).ToArray();

        Assert.Equal(2, progress.Length);
        Assert.Equal(new[] { "GET", "PUT", "PUT" }, _vault.Requests.Select(r => r.Method));
        Assert.Equal("n-3", _vault.Requests[2].JsonString("nonce"));
        Assert.Equal("00112233", _vault.Requests[2].JsonString("key"));
    }

    private static SecureString Secure(string text)
    {
        var secure = new SecureString();
        foreach (var c in text)
        {
            secure.AppendChar(c);
        }

        return secure;
    }

    private static System.Management.Automation.Runspaces.Runspace RunspaceWith(PowerShellSession session) => session.Runspace;

    [Fact]
    public void DefaultSecondaryId_IsTheOldPrimarysNameMadeSafe_PlusAUtcStamp()
    {
        var connection = VaultDr.Client.ConnectionFactory.Create(new VaultDr.Client.ConnectionRequest { Address = "https://127.0.0.1:8200", Name = "vault a:8200" }, _ => null, null);

        Assert.Equal("vault-a-8200-20261128051500", InvokeVaultDrFailoverCommand.DefaultSecondaryId(connection, new DateTimeOffset(2026, 11, 28, 5, 15, 0, TimeSpan.Zero)));
    }
}

internal static class TestJwt
{
    /// <summary>An ES512-shaped JWT with the given claims and a dummy signature (the module reads, never verifies).</summary>
    internal static string Make(string claimsJson) =>
        $"{Url("""{"alg":"ES512","typ":"JWT"}""")}.{Url(claimsJson)}.{Url("signature")}";

    private static string Url(string text) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(text)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

}
