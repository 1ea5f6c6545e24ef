using System.Text.Json;
using static VaultDr.Lab.Tests.Cluster.LabHarness;

namespace VaultDr.Lab.Tests.Cluster;

/// <summary>sys/capabilities-self and sys/capabilities, and the same evaluation deciding a batch DR operation token.</summary>
public sealed class CapabilitiesTests : IDisposable
{
    private const string Self = "/v1/sys/capabilities-self";
    private const string Other = "/v1/sys/capabilities";
    private const string Promote = "sys/replication/dr/secondary/promote";

    private readonly LabHarness _lab = new(2);

    public void Dispose() => _lab.Dispose();

    [Fact]
    public async Task CapabilitiesSelf_AnswersPerPath_InDataAndAtTheTopLevel()
    {
        var token = await Token("""
            path "sys/replication/dr/secondary/promote" { capabilities = ["update"] }
            path "secret/*" { capabilities = ["read", "list"] }
            """);

        var one = await Call(_lab.A, "PUT", Self, new { paths = new[] { Promote } }, token);
        Assert.Equal(200, one.Status);
        Assert.Equal(["update"], Strings(one.Data, Promote));
        Assert.Equal(["update"], Strings(one.Data, "capabilities"));
        Assert.Equal(["update"], Strings(one.Json, Promote));
        Assert.Equal(["update"], Strings(one.Json, "capabilities"));
        Assert.Equal(["capabilities", Promote], one.Data.EnumerateObject().Select(p => p.Name));

        // Several paths: no "capabilities" key; the old "path" name and a comma-separated string work too.
        var two = await Call(_lab.A, "POST", Self, new { paths = new[] { "secret/app", "sys/seal" } }, token);
        Assert.Equal(["list", "read"], Strings(two.Data, "secret/app"));
        Assert.Equal(["deny"], Strings(two.Data, "sys/seal"));
        Assert.False(two.Data.TryGetProperty("capabilities", out _));
        var legacy = await Call(_lab.A, "POST", Self, new { path = "secret/a,secret/b" }, token);
        Assert.Equal(["list", "read"], Strings(legacy.Data, "secret/b"));

        // The built-in default policy lets a token look itself up.
        Assert.Equal(["read"], Strings((await Call(_lab.A, "POST", Self, new { path = "auth/token/lookup-self" }, token)).Data, "capabilities"));
        Assert.Equal(["root"], Strings((await Root(_lab.A, "POST", Self, new { paths = new[] { Promote } })).Data, "capabilities"));
    }

    [Fact]
    public async Task APolicyVaultCannotRead_IsRefusedWhenWritten_AndNothingIsStored()
    {
        var refused = await Root(_lab.A, "PUT", "/v1/sys/policies/acl/broken", new { policy = "path \"secret/*\" { capabilities = [\"read\"]" });
        Assert.Equal((400, """{"errors":["failed to parse policy: unclosed path block"]}"""), refused.Answer());
        Assert.Equal(404, (await Root(_lab.A, "GET", "/v1/sys/policies/acl/broken")).Status);

        Assert.Equal(204, (await Root(_lab.A, "PUT", "/v1/sys/policies/acl/fine", new { policy = "path \"secret/*\" { capabilities = [\"read\"] }" })).Status);
    }

    [Fact]
    public async Task CapabilitiesSelf_RefusesAnInvalidOrExpiredToken_AndAsksForPaths()
    {
        var token = await Token("""path "x" { capabilities = ["read"] }""", ttl: "1h");
        Assert.Equal((403, """{"errors":["permission denied"]}"""), (await Call(_lab.A, "POST", Self, new { path = "x" }, "hvs.notAToken")).Answer());
        Assert.Equal((403, """{"errors":["permission denied"]}"""), (await Call(_lab.A, "POST", Self, new { path = "x" })).Answer());
        Assert.Equal((400, """{"errors":["paths must be supplied"]}"""), (await Call(_lab.A, "POST", Self, new { paths = Array.Empty<string>() }, token)).Answer());
        Assert.Equal(405, (await Call(_lab.A, "GET", Self, null, token)).Status);

        _lab.Time.Advance(TimeSpan.FromHours(2));
        Assert.Equal(403, (await Call(_lab.A, "POST", Self, new { path = "x" }, token)).Status);
    }

    [Fact]
    public async Task Capabilities_AsksAboutTheBodysToken_ForAnyValidCaller()
    {
        var asked = await Token("""path "secret/*" { capabilities = ["deny"] }""");
        var caller = await Token("""path "nothing" { capabilities = ["read"] }""");

        var answer = await Call(_lab.A, "POST", Other, new { token = asked, paths = new[] { "secret/x" } }, caller);
        Assert.Equal(["deny"], Strings(answer.Json, "capabilities"));
        Assert.Equal(["read"], Strings((await Call(_lab.A, "POST", Other, new { path = "nothing" }, caller)).Data, "capabilities")); // no body token: the caller's
        Assert.Equal(["root"], Strings((await Call(_lab.A, "POST", Other, new { token = _lab.A.RootToken, path = "x" }, caller)).Data, "capabilities"));
        Assert.Equal((400, """{"errors":["invalid token"]}"""), (await Call(_lab.A, "POST", Other, new { token = "hvs.gone", path = "x" }, caller)).Answer());
        Assert.Equal(403, (await Call(_lab.A, "POST", Other, new { token = asked, path = "x" })).Status);
    }

    [Fact]
    public async Task OnADrSecondary_BothPathsAreRefusedByItsGate_AndABatchTokenMustGrantUpdateOnPromote()
    {
        await EnablePrimary(_lab.A);
        await Activate(_lab.A, _lab.B, "dr-b");
        var readOnly = await Token($$"""path "{{Promote}}" { capabilities = ["read"] }""", type: "batch");
        var denied = await Token($$"""
            path "sys/replication/dr/secondary/*" { capabilities = ["update"] }
            path "{{Promote}}" { capabilities = ["update", "deny"] }
            """, type: "batch");
        var globbed = await Token("""path "sys/replication/dr/secondary/+" { capabilities = ["update"] }""", type: "batch");
        await _lab.Settle();

        Assert.Equal((400, """{"errors":["path disabled in replication DR secondary mode"]}"""), (await Call(_lab.B, "POST", Self, new { path = Promote }, readOnly)).Answer());
        Assert.Equal(400, (await Call(_lab.B, "POST", Other, new { token = readOnly, path = Promote }, _lab.A.RootToken)).Status);

        // The text of the policy names the path, but read is not update: refused as Vault would.
        Assert.Equal((400, """{"errors":["invalid DR operation token"]}"""), (await Call(_lab.B, "POST", "/v1/" + Promote, new { dr_operation_token = readOnly })).Answer());
        Assert.Equal(400, (await Call(_lab.B, "POST", "/v1/" + Promote, new { dr_operation_token = denied })).Status);
        Assert.Equal(200, (await Call(_lab.B, "POST", "/v1/" + Promote, new { dr_operation_token = globbed })).Status);
    }

    /// <summary>A token made on the primary with one policy of its own (plus default).</summary>
    private async Task<string> Token(string policy, string ttl = "72h", string type = "service")
    {
        var name = "p" + Guid.NewGuid().ToString("N")[..8];
        Assert.Equal(204, (await Root(_lab.A, "PUT", "/v1/sys/policies/acl/" + name, new { policy })).Status);
        var created = await Root(_lab.A, "POST", "/v1/auth/token/create", new { policies = new[] { name }, ttl, type });
        Assert.Equal(200, created.Status);
        return created.Json.GetProperty("auth").GetProperty("client_token").GetString()!;
    }

    private static string[] Strings(JsonElement element, string name) =>
        element.GetProperty(name).EnumerateArray().Select(e => e.GetString()!).ToArray();
}

internal static class ReplyAnswers
{
    public static (int Status, string? Raw) Answer(this Reply reply) => (reply.Status, reply.Raw);
}
