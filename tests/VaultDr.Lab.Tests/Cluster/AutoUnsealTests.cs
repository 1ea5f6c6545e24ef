using System.Security.Cryptography;
using static VaultDr.Lab.Tests.Cluster.LabHarness;

namespace VaultDr.Lab.Tests.Cluster;

/// <summary>
/// Auto-unseal clusters: a KMS seal (transit), recovery keys instead of unseal keys, and the operation-token ceremony
/// and sys/unseal taking the recovery keys; the seal configuration and its keys follow the primary at enable.
/// </summary>
public sealed class AutoUnsealTests
{
    private const string Attempt = "/v1/sys/replication/dr/secondary/generate-operation-token/attempt";
    private const string Update = "/v1/sys/replication/dr/secondary/generate-operation-token/update";

    private static async Task<LabHarness> SecondaryLab(bool autoUnseal)
    {
        var lab = new LabHarness(2, shares: 4, threshold: 2, autoUnseal: autoUnseal);
        await EnablePrimary(lab.A);
        await Activate(lab.A, lab.B, "dr-b");
        return lab;
    }

    /// <summary>Starts an attempt and gives <paramref name="keys"/>; returns the last answer.</summary>
    private static async Task<Reply> Ceremony(EmulatedCluster cluster, IEnumerable<string> keys)
    {
        var nonce = (await Call(cluster, "PUT", Attempt, new { })).Json.GetProperty("nonce").GetString()!;
        Reply last = null!;
        foreach (var key in keys)
        {
            last = await Call(cluster, "PUT", Update, new { key, nonce });
        }

        return last;
    }

    [Fact]
    public async Task SealStatus_ReportsTheKmsSeal_AndTheRecoveryConfiguration()
    {
        using var lab = new LabHarness(1, shares: 4, threshold: 2, autoUnseal: true);
        var status = await Call(lab.A, "GET", "/v1/sys/seal-status");
        Assert.Equal(200, status.Status);
        Assert.Equal(
            ["type", "initialized", "sealed", "t", "n", "progress", "nonce", "version", "build_date", "migration", "cluster_name", "cluster_id", "recovery_seal", "recovery_seal_type", "storage_type"],
            status.Json.EnumerateObject().Select(p => p.Name));
        Assert.Equal("transit", status.Json.GetProperty("type").GetString());
        Assert.Equal(2, status.Json.GetProperty("t").GetInt32());
        Assert.Equal(4, status.Json.GetProperty("n").GetInt32());
        Assert.True(status.Json.GetProperty("recovery_seal").GetBoolean());
        Assert.Equal("shamir", status.Json.GetProperty("recovery_seal_type").GetString());

        Assert.Equal("transit", lab.A.SealType);
        Assert.Empty(lab.A.UnsealKeysHex);
        Assert.Equal(4, lab.A.RecoveryKeysHex.Count);
        Assert.All(lab.A.RecoveryKeysHex, k => Assert.Matches("^[0-9a-f]{66}$", k));

        // A Shamir cluster has no recovery seal type at all (omitempty), and its own unseal keys.
        using var shamir = new LabHarness(1);
        var plain = await Call(shamir.A, "GET", "/v1/sys/seal-status");
        Assert.Equal("shamir", plain.Json.GetProperty("type").GetString());
        Assert.False(plain.Json.GetProperty("recovery_seal").GetBoolean());
        Assert.False(plain.Json.TryGetProperty("recovery_seal_type", out _));
        Assert.Empty(shamir.A.RecoveryKeysHex);
    }

    [Fact]
    public async Task Ceremony_RequiresTheRecoveryThreshold_AndTakesThePrimarysRecoveryKeys()
    {
        using var lab = new LabHarness(2, shares: 4, threshold: 2, autoUnseal: true);
        var ownKeys = lab.B.RecoveryKeysHex;
        await EnablePrimary(lab.A);
        await Activate(lab.A, lab.B, "dr-b");
        Assert.Equal(lab.A.RecoveryKeysHex, lab.B.RecoveryKeysHex); // enable adopted the primary's recovery keys
        Assert.NotEqual(ownKeys, lab.B.RecoveryKeysHex);
        Assert.True((await Call(lab.B, "GET", "/v1/sys/seal-status")).Json.GetProperty("recovery_seal").GetBoolean());

        // Its own recovery keys from before enable no longer work.
        Assert.Equal(400, (await Ceremony(lab.B, ownKeys.Take(2))).Status);
        await Call(lab.B, "DELETE", Attempt);

        var idle = await Call(lab.B, "GET", Attempt);
        Assert.Equal(2, idle.Json.GetProperty("required").GetInt32());

        var first = await Ceremony(lab.B, lab.A.RecoveryKeysHex.Take(1));
        Assert.Equal(1, first.Json.GetProperty("progress").GetInt32());
        Assert.Equal(2, first.Json.GetProperty("required").GetInt32());
        Assert.Equal(204, (await Call(lab.B, "DELETE", Attempt)).Status);

        var done = await Ceremony(lab.B, lab.A.RecoveryKeysHex.Skip(2));
        Assert.Equal(200, done.Status);
        Assert.True(done.Json.GetProperty("complete").GetBoolean());
        Assert.Equal(2, done.Json.GetProperty("progress").GetInt32());
        Assert.Matches("^hvs\\.", await lab.OperationToken(lab.B));
    }

    [Fact]
    public async Task Ceremony_RefusesSharesThatAreNotTheRecoveryKeys_AsVaultDoes()
    {
        using var lab = await SecondaryLab(autoUnseal: true);
        using var shamir = new LabHarness(1, shares: 4, threshold: 2);

        // Unseal keys (another cluster's Shamir seal) are well-formed shares: refused only at the threshold.
        var first = await Ceremony(lab.B, shamir.A.UnsealKeysHex.Take(1));
        Assert.Equal(200, first.Status);
        await Call(lab.B, "DELETE", Attempt);
        var refused = await Ceremony(lab.B, shamir.A.UnsealKeysHex.Take(2));
        Assert.Equal(400, refused.Status);
        Assert.Equal(
            """{"errors":["root generation aborted: unable to authenticate: recovery key verification failed: recovery key does not match submitted values"]}""",
            refused.Raw);
        var after = await Call(lab.B, "GET", Attempt);
        Assert.True(after.Json.GetProperty("started").GetBoolean());
        Assert.Equal(0, after.Json.GetProperty("progress").GetInt32());
        await Call(lab.B, "DELETE", Attempt);

        // One right key and one wrong one: refused the same way.
        var mixed = await Ceremony(lab.B, [lab.A.RecoveryKeysHex[0], Convert.ToHexString(RandomNumberGenerator.GetBytes(33))]);
        Assert.Equal(["root generation aborted: unable to authenticate: recovery key verification failed: recovery key does not match submitted values"], mixed.Errors);
    }

    [Fact]
    public async Task Ceremony_OnAShamirSecondary_RefusesWrongSharesWithTheUnsealKeyText()
    {
        using var lab = await SecondaryLab(autoUnseal: false);
        using var other = new LabHarness(1, shares: 4, threshold: 2);
        var refused = await Ceremony(lab.B, other.A.UnsealKeysHex.Take(2));
        Assert.Equal(400, refused.Status);
        Assert.Equal(
            ["root generation aborted: unable to authenticate: unable to retrieve stored keys: failed to decrypt encrypted stored keys: cipher: message authentication failed"],
            refused.Errors);
        await Call(lab.B, "DELETE", Attempt);
        Assert.True((await Ceremony(lab.B, lab.A.UnsealKeysHex.Take(2))).Json.GetProperty("complete").GetBoolean());
    }

    [Fact]
    public async Task Unseal_OnAnAutoUnsealCluster_TakesRecoveryKeys()
    {
        using var lab = new LabHarness(1, shares: 4, threshold: 2, autoUnseal: true);
        using var shamir = new LabHarness(1, shares: 4, threshold: 2);
        lab.A.Seal();
        await Call(lab.A, "PUT", "/v1/sys/unseal", new { key = shamir.A.UnsealKeysHex[0] });
        var wrong = await Call(lab.A, "PUT", "/v1/sys/unseal", new { key = shamir.A.UnsealKeysHex[1] });
        Assert.Equal(400, wrong.Status);
        Assert.Equal(["invalid key: failed to verify recovery key: recovery key does not match submitted values"], wrong.Errors);
        Assert.True(lab.A.Sealed);

        await Call(lab.A, "PUT", "/v1/sys/unseal", new { key = lab.A.RecoveryKeysHex[1] });
        var open = await Call(lab.A, "PUT", "/v1/sys/unseal", new { key = lab.A.RecoveryKeysHex[3] });
        Assert.False(open.Json.GetProperty("sealed").GetBoolean());
        Assert.False(lab.A.Sealed);
    }

    [Fact]
    public async Task SanitizedConfig_ShowsTheSeal()
    {
        using var lab = new LabHarness(1, autoUnseal: true);
        var config = (await Root(lab.A, "GET", "/v1/sys/config/state/sanitized")).Data;
        Assert.Equal("transit", config.GetProperty("seals")[0].GetProperty("type").GetString());
        Assert.Equal("raft", config.GetProperty("storage").GetProperty("type").GetString());
    }
}
