using static VaultDr.Lab.Tests.Cluster.LabHarness;

namespace VaultDr.Lab.Tests.Cluster;

/// <summary>
/// The version knob: each cluster runs its own Vault version (sys/health shows it, an upgrade changes it), and from
/// 2.0 the operation-token ceremony needs a Vault token unless enable_unauthenticated_access names it.
/// </summary>
public sealed class Vault2Tests
{
    private const string Attempt = "/v1/sys/replication/dr/secondary/generate-operation-token/attempt";
    private const string Update = "/v1/sys/replication/dr/secondary/generate-operation-token/update";
    private const string Sanitized = "/v1/sys/config/state/sanitized";

    private static async Task<LabHarness> SecondaryLab(string version)
    {
        var lab = new LabHarness(2, version);
        await EnablePrimary(lab.A);
        await Activate(lab.A, lab.B, "dr-b");
        return lab;
    }

    [Fact]
    public async Task EachClusterRunsItsOwnVersion_AndSysHealthReportsIt()
    {
        using var lab = new LabHarness(2, "1.17.3");
        Assert.Equal("1.17.3+ent", (await Call(lab.A, "GET", "/v1/sys/health")).Json.GetProperty("version").GetString());

        lab.B.SetVaultVersion("2.0");
        Assert.Equal("2.0.0+ent", (await Call(lab.B, "GET", "/v1/sys/health")).Json.GetProperty("version").GetString());
        Assert.Equal("2.0.0+ent", (await Call(lab.B, "GET", "/v1/sys/seal-status")).Json.GetProperty("version").GetString());
        Assert.Equal("1.17.3+ent", (await Call(lab.A, "GET", "/v1/sys/health")).Json.GetProperty("version").GetString());
        Assert.Equal("2.0.0+ent", lab.B.Describe().VaultVersion);
        Assert.Equal("core: vault is now running version 2.0.0+ent (was 1.17.3+ent)", lab.B.ReadLog()[^1].Message);
    }

    [Fact]
    public async Task OnVault2_TheCeremonyNeedsTheToken_TheSecondaryTakesThePrimarysRootToken()
    {
        using var lab = await SecondaryLab("2.0");
        Assert.Equal("""{"errors":["permission denied"]}""", (await Call(lab.B, "PUT", Attempt, new { })).Raw);
        Assert.Equal(403, (await Call(lab.B, "PUT", Update, new { key = lab.A.UnsealKeysHex[0], nonce = "n" })).Status);

        // The primary's root token, replicated with the token store, is what a 2.x DR secondary takes.
        var start = await Call(lab.B, "PUT", Attempt, new { }, lab.A.RootToken);
        Assert.Equal(200, start.Status);
        var nonce = start.Json.GetProperty("nonce").GetString()!;
        Assert.Equal(200, (await Call(lab.B, "PUT", Update, new { key = lab.A.UnsealKeysHex[0], nonce }, lab.A.RootToken)).Status);
        Assert.Equal(204, (await Call(lab.B, "DELETE", Attempt, null, lab.A.RootToken)).Status);
    }

    [Fact]
    public async Task OnVault2_ANonRootToken_NeedsAPolicyOnTheCeremony()
    {
        using var lab = new LabHarness(2, "2.0");
        await EnablePrimary(lab.A);
        Assert.Equal(204, (await Root(lab.A, "PUT", "/v1/sys/policies/acl/reader", new { policy = "path \"secret/*\" { capabilities = [\"read\"] }" })).Status);
        Assert.Equal(
            204,
            (await Root(lab.A, "PUT", "/v1/sys/policies/acl/ceremony", new { policy = "path \"sys/replication/dr/secondary/generate-operation-token/*\" { capabilities = [\"update\", \"read\", \"delete\"] }" })).Status);
        var reader = (await Root(lab.A, "POST", "/v1/auth/token/create", new { policies = new[] { "reader" } })).Json.GetProperty("auth").GetProperty("client_token").GetString()!;
        var ceremony = (await Root(lab.A, "POST", "/v1/auth/token/create", new { policies = new[] { "ceremony" } })).Json.GetProperty("auth").GetProperty("client_token").GetString()!;
        await Activate(lab.A, lab.B, "dr-b");
        await lab.Settle(); // the policies arrive by replication

        Assert.Equal(403, (await Call(lab.B, "GET", Attempt, null, reader)).Status);
        Assert.Equal(200, (await Call(lab.B, "GET", Attempt, null, ceremony)).Status);
    }

    [Fact]
    public async Task OnVault2_TheCeremonyPolicy_IsEvaluatedPerMethod_AsAnyOtherPath()
    {
        using var lab = new LabHarness(2, "2.0");
        await EnablePrimary(lab.A);
        // Read only: the attempt's status can be read, but no attempt can be started. A policy that only names the path
        // in a comment grants nothing.
        Assert.Equal(
            204,
            (await Root(lab.A, "PUT", "/v1/sys/policies/acl/watch", new { policy = "path \"sys/replication/dr/secondary/generate-operation-token/*\" { capabilities = [\"read\"] }" })).Status);
        Assert.Equal(
            204,
            (await Root(lab.A, "PUT", "/v1/sys/policies/acl/named", new { policy = "# sys/replication/dr/secondary/generate-operation-token\npath \"secret/*\" { capabilities = [\"read\"] }" })).Status);
        var watch = (await Root(lab.A, "POST", "/v1/auth/token/create", new { policies = new[] { "watch" } })).Json.GetProperty("auth").GetProperty("client_token").GetString()!;
        var named = (await Root(lab.A, "POST", "/v1/auth/token/create", new { policies = new[] { "named" } })).Json.GetProperty("auth").GetProperty("client_token").GetString()!;
        await Activate(lab.A, lab.B, "dr-b");
        await lab.Settle();

        Assert.Equal(200, (await Call(lab.B, "GET", Attempt, null, watch)).Status);
        Assert.Equal(403, (await Call(lab.B, "PUT", Attempt, new { }, watch)).Status);
        Assert.Equal(403, (await Call(lab.B, "GET", Attempt, null, named)).Status);
    }

    [Fact]
    public async Task EnableUnauthenticatedAccess_OpensTheCeremony_AndIsReloadable()
    {
        using var lab = await SecondaryLab("2.0");
        lab.B.SetUnauthenticatedAccess(["generate-operation-token"]);
        Assert.Equal(200, (await Call(lab.B, "GET", Attempt)).Status);
        Assert.Equal(["generate-operation-token"], lab.B.Describe().EnableUnauthenticatedAccess);
        Assert.Equal("core: reloaded configuration: enable_unauthenticated_access=[generate-operation-token]", lab.B.ReadLog()[^1].Message);
        var start = await Call(lab.B, "PUT", Attempt, new { });
        var nonce = start.Json.GetProperty("nonce").GetString()!;
        Reply last = start;
        foreach (var key in lab.A.UnsealKeysHex.Take(3))
        {
            last = await Call(lab.B, "PUT", Update, new { key, nonce });
        }

        Assert.True(last.Json.GetProperty("complete").GetBoolean());

        // Another family does not open this one; clearing the setting closes it again.
        lab.B.SetUnauthenticatedAccess(["rekey", "generate-root"]);
        Assert.Equal(403, (await Call(lab.B, "GET", Attempt)).Status);
        lab.B.SetUnauthenticatedAccess([]);
        Assert.Equal(403, (await Call(lab.B, "GET", Attempt)).Status);
        Assert.Throws<ArgumentException>(() => lab.B.SetUnauthenticatedAccess(["sys/rekey"]));
    }

    [Fact]
    public async Task AnUpgradeTo2_ClosesTheCeremony_ADowngradeOpensItAgain()
    {
        using var lab = await SecondaryLab("1.19");
        Assert.Equal(200, (await Call(lab.B, "GET", Attempt)).Status);
        lab.B.SetVaultVersion("2.0.1");
        Assert.Equal(403, (await Call(lab.B, "GET", Attempt)).Status);
        lab.B.SetVaultVersion("1.19");
        Assert.Equal(200, (await Call(lab.B, "GET", Attempt)).Status);

        // On 1.x the setting is kept but changes nothing: there is nothing to open.
        lab.B.SetUnauthenticatedAccess(["generate-operation-token"]);
        Assert.Equal(200, (await Call(lab.B, "GET", Attempt)).Status);
    }

    [Fact]
    public async Task SanitizedConfig_ShowsEnableUnauthenticatedAccessFrom2_NeedsRoot_AndIsDisabledOnADrSecondary()
    {
        using var lab = new LabHarness(2, "2.0");
        var before = (await Root(lab.A, "GET", Sanitized)).Data;
        Assert.Empty(before.GetProperty("enable_unauthenticated_access").EnumerateArray());
        lab.A.SetUnauthenticatedAccess(["generate-operation-token", "rekey"]);
        var after = (await Root(lab.A, "GET", Sanitized)).Data;
        Assert.Equal(["generate-operation-token", "rekey"], after.GetProperty("enable_unauthenticated_access").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("shamir", after.GetProperty("seals")[0].GetProperty("type").GetString());
        Assert.Equal(ClusterState.AddressText(lab.A.ApiAddress), after.GetProperty("api_addr").GetString());
        Assert.Equal(403, (await Call(lab.A, "GET", Sanitized)).Status);

        lab.A.SetVaultVersion("1.19");
        Assert.False((await Root(lab.A, "GET", Sanitized)).Data.TryGetProperty("enable_unauthenticated_access", out _));

        await EnablePrimary(lab.A);
        await Activate(lab.A, lab.B, "dr-b");
        Assert.Equal("""{"errors":["path disabled in replication DR secondary mode"]}""", (await Call(lab.B, "GET", Sanitized, null, lab.A.RootToken)).Raw);
    }
}
