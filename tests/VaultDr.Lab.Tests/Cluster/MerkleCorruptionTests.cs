using System.Text.Json;
using static VaultDr.Lab.Tests.Cluster.LabHarness;

namespace VaultDr.Lab.Tests.Cluster;

/// <summary>Merkle tree corruption: what the status and the merkle check report, what it does to replication, what repairs it.</summary>
public sealed class MerkleCorruptionTests : IDisposable
{
    private const string MerkleCheck = "/v1/sys/replication/merkle-check";
    private const string SecondaryMerkleCheck = "/v1/sys/replication/dr/secondary/merkle-check";
    private const string SecondaryReindex = "/v1/sys/replication/dr/secondary/reindex";
    private const string Irreconcilable = "replication: state is still irreconcilable after reindex, try reindexing primary cluster";

    private readonly LabHarness _lab = new();

    public void Dispose() => _lab.Dispose();

    [Fact]
    public async Task TheMerkleCheck_AnswersVaultsReportShape_AndTheStatusRemembersWhenItRan()
    {
        await EnablePrimary(_lab.A);
        var before = await DrStatus(_lab.A);
        Assert.False(before.GetProperty("corrupted_merkle_tree").GetBoolean());
        Assert.Equal("-62135596800", before.GetProperty("last_corruption_check_epoch").GetString());

        _lab.Time.Advance(TimeSpan.FromMilliseconds(1250));
        var reply = await Root(_lab.A, "POST", MerkleCheck, new { });
        Assert.Equal(200, reply.Status);
        var report = reply.Data.GetProperty("merkle_corruption_report");
        Assert.Equal(["corrupted_root", "corrupted_tree_map", "last_corruption_check_epoch"], Names(report));
        Assert.False(report.GetProperty("corrupted_root").GetBoolean());
        Assert.Equal("2025-03-01T12:00:01.25Z", report.GetProperty("last_corruption_check_epoch").GetString());
        var trees = report.GetProperty("corrupted_tree_map");
        Assert.Equal(["1", "2"], Names(trees));
        foreach (var (key, type) in new[] { ("1", "replicated"), ("2", "local") })
        {
            var tree = trees.GetProperty(key);
            Assert.Equal(["corrupted_index_tuples_map", "corrupted_subtree_root", "root_hash", "tree_type"], Names(tree));
            Assert.Equal(JsonValueKind.Null, tree.GetProperty("corrupted_index_tuples_map").ValueKind);
            Assert.False(tree.GetProperty("corrupted_subtree_root").GetBoolean());
            Assert.Equal(20, Convert.FromBase64String(tree.GetProperty("root_hash").GetString()!).Length);
            Assert.Equal(type, tree.GetProperty("tree_type").GetString());
        }

        // The replicated tree's root hash is the status's merkle root, in base64.
        var merkleRoot = (await DrStatus(_lab.A)).GetProperty("merkle_root").GetString()!;
        Assert.Equal(Convert.ToBase64String(Convert.FromHexString(merkleRoot)), trees.GetProperty("1").GetProperty("root_hash").GetString());
        Assert.Equal("1740830401", (await DrStatus(_lab.A)).GetProperty("last_corruption_check_epoch").GetString());
        Assert.Equal(403, (await Call(_lab.A, "POST", MerkleCheck, new { })).Status);
    }

    [Fact]
    public async Task ACorruptReplicatedTreeOnTheSecondary_KeepsItOutOfStreamWals_UntilTheSecondaryIsReindexed()
    {
        await EnablePrimary(_lab.A);
        await Activate(_lab.A, _lab.B, "dr-b");
        await _lab.Settle();
        var op = await _lab.OperationToken(_lab.B);

        _lab.B.CorruptMerkleTree("replicated");
        var status = await DrStatus(_lab.B);
        Assert.True(status.GetProperty("corrupted_merkle_tree").GetBoolean());
        Assert.NotEqual((await DrStatus(_lab.A)).GetProperty("merkle_root").GetString(), status.GetProperty("merkle_root").GetString());
        Assert.False((await DrStatus(_lab.A)).GetProperty("corrupted_merkle_tree").GetBoolean());

        var states = await StatesOver(_lab.B, 16);
        Assert.Equal(["merkle-diff", "merkle-sync"], states.Distinct().Order());

        // On a DR secondary the check takes the DR operation token; the Vault token form is a path it does not serve.
        Assert.Equal(["path disabled in replication DR secondary mode"], (await Root(_lab.B, "POST", MerkleCheck, new { })).Errors);
        Assert.Equal(["DR operation token was not provided"], (await Call(_lab.B, "POST", SecondaryMerkleCheck, new { })).Errors);
        var report = (await Call(_lab.B, "POST", SecondaryMerkleCheck, new { dr_operation_token = op })).Data.GetProperty("merkle_corruption_report");
        Assert.False(report.GetProperty("corrupted_root").GetBoolean());
        var pages = report.GetProperty("corrupted_tree_map").GetProperty("1").GetProperty("corrupted_index_tuples_map");
        var page = Assert.Single(pages.EnumerateObject());
        Assert.InRange(int.Parse(page.Name, System.Globalization.CultureInfo.InvariantCulture), 0, 255);
        Assert.Equal(["corrupted", "subpages"], Names(page.Value));
        Assert.InRange(Assert.Single(page.Value.GetProperty("subpages").EnumerateArray()).GetInt32(), 0, 255);
        Assert.Equal(JsonValueKind.Null, report.GetProperty("corrupted_tree_map").GetProperty("2").GetProperty("corrupted_index_tuples_map").ValueKind);

        Assert.Equal(200, (await Call(_lab.B, "POST", SecondaryReindex, new { dr_operation_token = op })).Status);
        await _lab.Settle();
        await AssertCaughtUp(_lab.A, _lab.B, "dr-b");
        Assert.False((await DrStatus(_lab.B)).GetProperty("corrupted_merkle_tree").GetBoolean());
        Assert.Contains(_lab.B.ReadLog(), e => e.Message == "replication.index: reindex complete: repaired merkle trees: replicated");
    }

    [Fact]
    public async Task ACorruptLocalTree_IsReported_ButReplicationCarriesOn()
    {
        await EnablePrimary(_lab.A);
        await Activate(_lab.A, _lab.B, "dr-b");
        await _lab.Settle();
        _lab.B.CorruptMerkleTree("local");
        await Root(_lab.A, "PUT", "/v1/secret/after", new { v = 1 });
        await _lab.Settle();
        await AssertCaughtUp(_lab.A, _lab.B, "dr-b");
        Assert.True((await DrStatus(_lab.B)).GetProperty("corrupted_merkle_tree").GetBoolean());

        var op = await _lab.OperationToken(_lab.B);
        var trees = (await Call(_lab.B, "POST", SecondaryMerkleCheck, new { dr_operation_token = op })).Data.GetProperty("merkle_corruption_report").GetProperty("corrupted_tree_map");
        Assert.Equal(JsonValueKind.Null, trees.GetProperty("1").GetProperty("corrupted_index_tuples_map").ValueKind);
        Assert.Single(trees.GetProperty("2").GetProperty("corrupted_index_tuples_map").EnumerateObject());
    }

    [Fact]
    public async Task ACorruptRoot_IsReportedAsSuch_AndStopsReplicationLikeACorruptReplicatedTree()
    {
        await EnablePrimary(_lab.A);
        await Activate(_lab.A, _lab.B, "dr-b");
        await _lab.Settle();
        _lab.A.CorruptMerkleTree("root");
        var report = (await Root(_lab.A, "POST", MerkleCheck, new { })).Data.GetProperty("merkle_corruption_report");
        Assert.True(report.GetProperty("corrupted_root").GetBoolean());
        Assert.True((await DrStatus(_lab.A)).GetProperty("corrupted_merkle_tree").GetBoolean());
        Assert.DoesNotContain("stream-wals", await StatesOver(_lab.B, 8));
    }

    [Fact]
    public async Task ACorruptPrimary_IsNotRepairedByReindexingTheSecondary_OnlyByReindexingThePrimary()
    {
        await EnablePrimary(_lab.A);
        await Activate(_lab.A, _lab.B, "dr-b");
        await _lab.Settle();
        var op = await _lab.OperationToken(_lab.B);
        _lab.A.CorruptMerkleTree("replicated");
        Assert.DoesNotContain("stream-wals", await StatesOver(_lab.B, 8));

        Assert.Equal(200, (await Call(_lab.B, "POST", SecondaryReindex, new { dr_operation_token = op })).Status);
        var afterSecondaryReindex = await StatesOver(_lab.B, 16);
        Assert.DoesNotContain("stream-wals", afterSecondaryReindex);
        Assert.False((await DrStatus(_lab.B)).GetProperty("corrupted_merkle_tree").GetBoolean()); // its own trees are sound now
        var error = Assert.Single(_lab.B.ReadLog(), e => e.Level == "ERROR");
        Assert.Equal(Irreconcilable, error.Message);

        Assert.Equal(200, (await Root(_lab.A, "POST", "/v1/sys/replication/reindex", new { })).Status);
        await _lab.Settle();
        await AssertCaughtUp(_lab.A, _lab.B, "dr-b");
        Assert.False((await DrStatus(_lab.A)).GetProperty("corrupted_merkle_tree").GetBoolean());
    }

    [Fact]
    public void OnlyTheThreeTreesCanBeCorrupted()
    {
        Assert.Throws<ArgumentException>(() => _lab.A.CorruptMerkleTree("performance"));
    }

    /// <summary>The secondary's state after each of <paramref name="beats"/> heartbeats.</summary>
    private async Task<List<string>> StatesOver(EmulatedCluster secondary, int beats)
    {
        var states = new List<string>();
        for (var i = 0; i < beats; i++)
        {
            await _lab.Beat();
            states.Add((await DrStatus(secondary)).GetProperty("state").GetString()!);
        }

        return states;
    }

    private static string[] Names(JsonElement element) => element.EnumerateObject().Select(p => p.Name).ToArray();
}
