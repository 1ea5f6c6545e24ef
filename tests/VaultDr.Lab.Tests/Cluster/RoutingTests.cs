using static VaultDr.Lab.Tests.Cluster.LabHarness;

namespace VaultDr.Lab.Tests.Cluster;

/// <summary>The API and cluster-listener route tables, and the order in which the router checks a request.</summary>
public sealed class RoutingTests : IDisposable
{
    private const string Unsupported = """{"errors":["unsupported operation"]}""";
    private const string SealedError = """{"errors":["Vault is sealed"]}""";
    private const string PathDisabled = """{"errors":["path disabled in replication DR secondary mode"]}""";
    private static readonly string[] AllMethods = ["GET", "HEAD", "PUT", "POST", "DELETE", "PATCH"];

    private readonly LabHarness _lab = new();

    public void Dispose() => _lab.Dispose();

    /// <summary>A path each API route answers (a prefix route's prefix plus a name), with the route's methods.</summary>
    public static TheoryData<string, string> ApiRoutePaths()
    {
        using var lab = new LabHarness(1);
        var data = new TheoryData<string, string>();
        foreach (var route in lab.A.ApiRouteTable.Routes)
        {
            data.Add(RequestPath(route), MethodNames(route.Methods));
        }

        return data;
    }

    [Fact]
    public void ApiTable_ServesTheseRoutes_WithTheseAccessRulesAndGates()
    {
        string[] expected =
        [
            "* area Token",
            "auth/token/create PUT,POST Token",
            "auth/token/create/* PUT,POST Token",
            "auth/token/lookup-self GET Token",
            "auth/token/roles/* GET,PUT,POST Root",
            "secret/* GET,PUT,POST,DELETE Token",
            "sys/capabilities PUT,POST Token",
            "sys/capabilities-self PUT,POST Token",
            "sys/config/state/sanitized GET Root",
            "sys/health GET,HEAD Open Sealed, DrSecondary",
            "sys/init GET,PUT,POST Open Sealed, DrSecondary",
            "sys/leader GET Open DrSecondary",
            "sys/policies/acl/* GET,PUT,POST,DELETE Root",
            "sys/policy/* GET,PUT,POST,DELETE Root",
            "sys/replication/dr/primary/demote PUT,POST Root",
            "sys/replication/dr/primary/disable PUT,POST Root",
            "sys/replication/dr/primary/enable PUT,POST Root",
            "sys/replication/dr/primary/revoke-secondary PUT,POST Root",
            "sys/replication/dr/primary/secondary-token PUT,POST Root",
            "sys/replication/dr/secondary/* area Open DrSecondary",
            "sys/replication/dr/secondary/disable PUT,POST Open DrSecondary only-on-dr-secondary",
            "sys/replication/dr/secondary/enable PUT,POST Token DrSecondary",
            "sys/replication/dr/secondary/generate-operation-token/attempt GET,PUT,POST,DELETE TokenOnVault2 DrSecondary only-on-dr-secondary",
            "sys/replication/dr/secondary/generate-operation-token/update PUT,POST TokenOnVault2 DrSecondary only-on-dr-secondary",
            "sys/replication/dr/secondary/generate-public-key PUT,POST Token DrSecondary",
            "sys/replication/dr/secondary/merkle-check PUT,POST Open DrSecondary only-on-dr-secondary",
            "sys/replication/dr/secondary/operation-token/delete PUT,POST Open DrSecondary only-on-dr-secondary",
            "sys/replication/dr/secondary/promote PUT,POST Open DrSecondary only-on-dr-secondary",
            "sys/replication/dr/secondary/recover PUT,POST Open DrSecondary only-on-dr-secondary",
            "sys/replication/dr/secondary/reindex PUT,POST Open DrSecondary only-on-dr-secondary",
            "sys/replication/dr/secondary/update-primary PUT,POST Open DrSecondary only-on-dr-secondary",
            "sys/replication/dr/status GET Open DrSecondary",
            "sys/replication/merkle-check PUT,POST Token",
            "sys/replication/performance/status GET Open DrSecondary",
            "sys/replication/recover PUT,POST Token",
            "sys/replication/reindex PUT,POST Root",
            "sys/replication/status GET Open DrSecondary",
            "sys/seal PUT,POST Root",
            "sys/seal-status GET Open Sealed, DrSecondary",
            "sys/storage/raft/autopilot/configuration GET,PUT,POST Root dr-token GET:Header PUT,POST:Body",
            "sys/storage/raft/autopilot/state GET Root dr-token GET:Header",
            "sys/storage/raft/configuration GET,PUT,POST Root dr-token PUT,POST:Body",
            "sys/storage/raft/remove-peer PUT,POST Root dr-token PUT,POST:Body",
            "sys/unseal PUT,POST Open Sealed, DrSecondary",
            "sys/wrapping/unwrap PUT,POST Open",
        ];
        var actual = _lab.A.ApiRouteTable.Routes.Select(Describe).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(expected, actual);
    }

    [Theory]
    [MemberData(nameof(ApiRoutePaths))]
    public async Task EveryRoute_Answers405ToExactlyTheMethodsItDoesNotServe(string path, string methods)
    {
        using var lab = new LabHarness(1);
        var served = methods.Split(',');
        if (methods == "area")
        {
            foreach (var method in AllMethods)
            {
                Assert.Equal(404, (await Root(lab.A, method, "/v1/" + path, new { })).Status);
            }

            return;
        }

        foreach (var method in AllMethods.Except(served))
        {
            var reply = await Root(lab.A, method, "/v1/" + path, new { });
            Assert.Equal((405, Unsupported), (reply.Status, reply.Raw));
        }

        // Last, as a served call may change the cluster (sys/seal seals it).
        foreach (var method in served)
        {
            Assert.NotEqual(405, (await Root(lab.A, method, "/v1/" + path, new { })).Status);
        }
    }

    [Theory]
    [MemberData(nameof(ApiRoutePaths))]
    public async Task SealedGate_RefusesExactlyTheRoutesNotExemptFromIt(string path, string methods)
    {
        _lab.A.Seal();
        var exempt = _lab.A.ApiRouteTable.Find(path).Route!.Exemptions.HasFlag(GateExemptions.Sealed);
        var reply = await Root(_lab.A, FirstMethod(methods), "/v1/" + path, new { });
        Assert.Equal(!exempt, reply.Status == 503 && reply.Raw == SealedError);
    }

    [Theory]
    [MemberData(nameof(ApiRoutePaths))]
    public async Task DrSecondaryGate_RefusesExactlyTheRoutesNotExemptFromIt(string path, string methods)
    {
        await EnablePrimary(_lab.A);
        await Activate(_lab.A, _lab.B, "dr-b");
        var exempt = _lab.B.ApiRouteTable.Find(path).Route!.Exemptions.HasFlag(GateExemptions.DrSecondary);
        var reply = await Root(_lab.B, FirstMethod(methods), "/v1/" + path, new { });
        Assert.Equal(!exempt, reply.Status == 400 && reply.Raw == PathDisabled);
    }

    [Fact]
    public async Task DrSecondary_RestrictsPaths()
    {
        await EnablePrimary(_lab.A);
        await Activate(_lab.A, _lab.B, "dr-b");
        foreach (var path in new[] { "/v1/secret/x", "/v1/sys/replication/dr/primary/enable", "/v1/sys/replication/dr/primary/secondary-token", "/v1/sys/wrapping/unwrap", "/v1/auth/token/create", "/v1/sys/mounts", "/v1/sys/seal" })
        {
            var reply = await Root(_lab.B, "POST", path, new { id = "x" });
            Assert.Equal(400, reply.Status);
            Assert.Equal(PathDisabled, reply.Raw);
        }

        foreach (var path in new[] { "/v1/sys/replication/status", "/v1/sys/replication/dr/status", "/v1/sys/seal-status", "/v1/sys/leader", "/v1/sys/init", "/v1/sys/replication/dr/secondary/generate-operation-token/attempt" })
        {
            Assert.Equal(200, (await Call(_lab.B, "GET", path)).Status);
        }

        Assert.Equal(472, (await Call(_lab.B, "GET", "/v1/sys/health")).Status);
    }

    [Fact]
    public async Task Routing_UnknownPath404_WrongMethod405_NoToken403()
    {
        Assert.Equal("""{"errors":[]}""", (await Root(_lab.A, "GET", "/v1/nope/nothing")).Raw);
        Assert.Equal(404, (await Root(_lab.A, "GET", "/v1/nope/nothing")).Status);
        Assert.Equal(404, (await Root(_lab.A, "GET", "/v2/x")).Status);
        var wrong = await Root(_lab.A, "DELETE", "/v1/sys/replication/dr/status");
        Assert.Equal(405, wrong.Status);
        Assert.Equal(Unsupported, wrong.Raw);
        Assert.Equal(405, (await Root(_lab.A, "GET", "/v1/sys/replication/dr/primary/enable")).Status);
        Assert.Equal(403, (await Call(_lab.A, "POST", "/v1/sys/replication/dr/primary/enable", new { })).Status);
        Assert.Equal(403, (await Call(_lab.A, "PUT", "/v1/secret/x", new { a = 1 }, "hvs.wrong")).Status);
        Assert.Equal(200, (await Call(_lab.A, "GET", "/v1/sys/replication/dr/status")).Status); // unauthenticated
    }

    [Fact]
    public async Task UnknownPaths_Answer404_AfterTheChecksOfTheirArea()
    {
        const string NotFound = """{"errors":[]}""";
        const string Denied = """{"errors":["permission denied"]}""";

        // Anywhere but below the DR secondary paths a token comes first, as Vault checks it before routing.
        Assert.Equal((404, NotFound), Answer(await Root(_lab.A, "GET", "/v1/sys/nothing")));
        Assert.Equal((404, NotFound), Answer(await Root(_lab.A, "PATCH", "/v1/sys/replication/dr/primary/nothing")));
        Assert.Equal((403, Denied), Answer(await Call(_lab.A, "GET", "/v1/sys/nothing")));
        Assert.Equal((403, Denied), Answer(await Call(_lab.A, "POST", "/v1/sys/replication/dr/primary/nothing")));
        Assert.Equal((404, NotFound), Answer(await Call(_lab.A, "POST", "/v1/sys/replication/dr/secondary/nothing")));
        Assert.Equal((404, NotFound), Answer(await Call(_lab.A, "POST", "/v1/sys/replication/dr/secondary/generate-operation-token/nothing")));

        await EnablePrimary(_lab.A);
        await Activate(_lab.A, _lab.B, "dr-b");
        Assert.Equal((400, PathDisabled), Answer(await Root(_lab.B, "GET", "/v1/sys/nothing")));
        Assert.Equal((404, NotFound), Answer(await Call(_lab.B, "GET", "/v1/sys/replication/dr/secondary/nothing")));

        _lab.B.Seal();
        Assert.Equal((503, SealedError), Answer(await Call(_lab.B, "GET", "/v1/sys/replication/dr/secondary/nothing")));
        Assert.Equal((503, SealedError), Answer(await Call(_lab.B, "GET", "/v1/sys/nothing")));
    }

    [Fact]
    public async Task Checks_ComeInVaultsOrder_SealedThenDrSecondaryThenTokenThenMethodThenRole()
    {
        await EnablePrimary(_lab.A);
        await Activate(_lab.A, _lab.B, "dr-b");

        // Sealed before the DR-secondary gate, the DR-secondary gate before the token, both before the method.
        _lab.B.Seal();
        Assert.Equal((503, SealedError), Answer(await Call(_lab.B, "POST", "/v1/secret/x", new { a = 1 })));
        Assert.Equal((503, SealedError), Answer(await Call(_lab.B, "PATCH", "/v1/sys/replication/dr/status")));
        _lab.B.Unseal();
        Assert.Equal((400, PathDisabled), Answer(await Call(_lab.B, "POST", "/v1/secret/x", new { a = 1 })));
        Assert.Equal((400, PathDisabled), Answer(await Call(_lab.B, "PATCH", "/v1/sys/seal")));

        // The token before the method; the method before the role a route needs.
        Assert.Equal(403, (await Call(_lab.A, "DELETE", "/v1/sys/seal")).Status);
        Assert.Equal(403, (await Call(_lab.A, "GET", "/v1/sys/replication/dr/primary/enable", token: (await CreateToken(_lab.A)))).Status);
        Assert.Equal((405, Unsupported), Answer(await Call(_lab.A, "DELETE", "/v1/sys/replication/dr/secondary/promote", new { })));
        Assert.Equal((400, """{"errors":["Not a DR secondary."]}"""), Answer(await Call(_lab.A, "POST", "/v1/sys/replication/dr/secondary/promote", new { })));
    }

    [Fact]
    public async Task Paths_IgnoreTheQueryAndSlashesAroundThem()
    {
        foreach (var path in new[] { "/v1/sys/replication/dr/status/", "/v1//sys/replication/dr/status", "/v1/sys/replication/dr/status?x=1" })
        {
            Assert.Equal(200, (await Call(_lab.A, "GET", path)).Status);
        }

        Assert.Equal(404, (await Call(_lab.A, "GET", "/sys/replication/dr/status")).Status);
    }

    [Fact]
    public async Task ClusterListener_ServesOnlyPostToTheStream()
    {
        Assert.Equal(["replication/ping POST Open Sealed, DrSecondary", "replication/stream POST Open Sealed, DrSecondary"], _lab.A.ClusterRouteTable.Routes.Select(Describe).Order(StringComparer.Ordinal));
        var wrongMethod = await _lab.A.HandleClusterAsync(LabRequest.Create("GET", "/replication/stream"), CancellationToken.None);
        Assert.Equal((405, Unsupported), (wrongMethod.Status, wrongMethod.Json));
        var unknown = await _lab.A.HandleClusterAsync(LabRequest.Create("POST", "/replication/other", "{}"), CancellationToken.None);
        Assert.Equal((404, """{"errors":[]}"""), (unknown.Status, unknown.Json));
        var apiPath = await _lab.A.HandleClusterAsync(LabRequest.Create("POST", "/v1/sys/replication/dr/status", "{}"), CancellationToken.None);
        Assert.Equal(404, apiPath.Status);

        // Sealed or not a primary, the stream answers itself, after the method check.
        var notPrimary = await _lab.A.HandleClusterAsync(LabRequest.Create("POST", "/replication/stream", "{}"), CancellationToken.None);
        Assert.Equal((400, """{"errors":["this cluster is not a DR primary"]}"""), (notPrimary.Status, notPrimary.Json));
        _lab.A.Seal();
        var sealedStream = await _lab.A.HandleClusterAsync(LabRequest.Create("POST", "/replication/stream", "{}"), CancellationToken.None);
        Assert.Equal((503, SealedError), (sealedStream.Status, sealedStream.Json));
        var sealedWrongMethod = await _lab.A.HandleClusterAsync(LabRequest.Create("PUT", "/replication/stream", "{}"), CancellationToken.None);
        Assert.Equal(405, sealedWrongMethod.Status);
    }

    private static (int Status, string? Raw) Answer(Reply reply) => (reply.Status, reply.Raw);

    private static async Task<string> CreateToken(EmulatedCluster cluster)
    {
        var created = await Root(cluster, "POST", "/v1/auth/token/create", new { policies = new[] { "default" } });
        return created.Json.GetProperty("auth").GetProperty("client_token").GetString()!;
    }

    private static string RequestPath(ApiRoute route) => route.IsPrefix ? route.Path + "name" : route.Path;

    private static string FirstMethod(string methods) => methods == "area" ? "GET" : methods.Split(',')[0];

    private static string MethodNames(ApiMethods methods) =>
        methods == ApiMethods.None
            ? "area"
            : string.Join(',', new[] { ApiMethods.Get, ApiMethods.Head, ApiMethods.Put, ApiMethods.Post, ApiMethods.Delete }.Where(m => methods.HasFlag(m)).Select(m => m.ToString().ToUpperInvariant()));

    private static string Describe(ApiRoute route)
    {
        var text = $"{route.Path}{(route.IsPrefix ? "*" : "")} {MethodNames(route.Methods)} {route.Access}";
        if (route.Exemptions != GateExemptions.None)
        {
            text += " " + route.Exemptions;
        }

        var drTokens = new[] { ApiMethods.Get, ApiMethods.Put, ApiMethods.Post, ApiMethods.Delete }
            .Where(m => route.DrOperationTokenFor(m) != DrOperationTokenPlace.None)
            .GroupBy(route.DrOperationTokenFor)
            .Select(g => $"{string.Join(',', g.Select(m => m.ToString().ToUpperInvariant()))}:{g.Key}")
            .ToArray();
        if (drTokens.Length > 0)
        {
            text += " dr-token " + string.Join(' ', drTokens);
        }

        return route.OnlyOnDrSecondary ? text + " only-on-dr-secondary" : text;
    }
}
