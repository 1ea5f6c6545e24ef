using VaultDr.Client;
using Xunit;

namespace VaultDr.Tests.Client;

/// <summary>HashiCorp's guidance as sentences: check before reindexing, reindex the cluster whose tree is corrupt, a secondary's reindex cannot fix its primary.</summary>
public sealed class MerkleAdviceTests
{
    [Fact]
    public void ACorruptDrSecondary_ChecksItsPrimaryFirst_AndReindexesWithTheToken() => Assert.Equal(
        "The replicated Merkle tree of dr, a DR secondary, is corrupt. Check its primary first (Invoke-VaultDrMerkleCheck -Connection <primary>): " +
        "if the primary's tree is corrupt, reindex the primary, because reindexing this secondary will not fix it; if the primary is healthy, reindex " +
        "this secondary (Start-VaultDrReindex -Connection <dr> -DrOperationToken <token>). A reindex can take long and make the cluster unavailable: plan a window.",
        MerkleAdvice.For("dr", isDrSecondary: true, replicatedCorrupt: true, localCorrupt: false));

    [Fact]
    public void ACorruptPrimary_IsReindexedItself() => Assert.Equal(
        "The replicated Merkle tree of main is corrupt. Reindex this cluster (Start-VaultDrReindex -Connection <main>) in a maintenance window: a reindex " +
        "can take long and make it unavailable, and reindexing its secondaries instead would not fix it.",
        MerkleAdvice.For("main", isDrSecondary: false, replicatedCorrupt: true, localCorrupt: true));

    [Fact]
    public void OnlyALocalTree_IsThisClustersAlone() => Assert.StartsWith(
        "Only the local Merkle tree of main (data that is not replicated) is corrupt: reindex this cluster (Start-VaultDrReindex -Connection <main>)",
        MerkleAdvice.For("main", isDrSecondary: false, replicatedCorrupt: false, localCorrupt: true),
        StringComparison.Ordinal);

    [Theory]
    [InlineData(false, "No corruption found in the Merkle trees of c; do not reindex for this. The check cannot detect")]
    [InlineData(true, "No corruption found in the Merkle trees of c; do not reindex for this. Check its primary too")]
    public void AHealthyCluster_IsNotReindexed(bool isDrSecondary, string start) =>
        Assert.StartsWith(start, MerkleAdvice.For("c", isDrSecondary, replicatedCorrupt: false, localCorrupt: false), StringComparison.Ordinal);
}
