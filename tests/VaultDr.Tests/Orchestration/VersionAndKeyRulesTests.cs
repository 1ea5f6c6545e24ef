using System.Management.Automation;
using VaultDr.Client;
using VaultDr.Orchestration;
using Xunit;

namespace VaultDr.Tests.Orchestration;

/// <summary>The pure rules: Vault versions and their skew, and whose key shares a cluster takes.</summary>
public sealed class VersionAndKeyRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 10, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("1.17.0+ent", "1.17.0")]
    [InlineData("1.17.0-beta1+ent", "1.17.0")]
    [InlineData("1.16.3+ent.hsm.fips1402", "1.16.3")]
    [InlineData("v1.15.2", "1.15.2")]
    [InlineData("2.0", "2.0.0")]
    [InlineData(" 1.9.10 ", "1.9.10")]
    [InlineData("latest", null)]
    [InlineData("1", null)]
    [InlineData("", null)]
    [InlineData(null, null)]
    public void Release_IsMajorMinorPatch_WhateverFollows(string? text, string? release) =>
        Assert.Equal(release, VaultVersions.Release(text));

    [Theory]
    [InlineData("1.16.3+ent", "1.17.0+ent", true)]
    [InlineData("1.9.10", "1.10.0", true)] // numbers, not text
    [InlineData("1.17.0+ent", "1.17.0+ent", false)]
    [InlineData("1.17.0-beta1+ent", "1.17.0+ent", false)] // a pre-release counts as its release
    [InlineData("1.17.1", "1.17.0", false)]
    [InlineData(null, "1.17.0", false)]
    [InlineData("1.17.0", "garbage", false)]
    public void IsOlder_ComparesReleases(string? version, string? than, bool older) =>
        Assert.Equal(older, VaultVersions.IsOlder(version, than));

    [Theory]
    [InlineData("2.0.0+ent", true)]
    [InlineData("2.1.3", true)]
    [InlineData("1.21.4+ent", false)]
    [InlineData(null, false)]
    public void Is2OrLater(string? version, bool expected) => Assert.Equal(expected, VaultVersions.Is2OrLater(version));

    [Fact]
    public void ASecondaryOlderThanItsPrimary_FailsWithASentence_AndShowsBothVersions()
    {
        var (primary, secondary) = CaughtUpPair();

        var health = ReplicationHealthRules.Evaluate(primary, secondary, Now, "1.17.0+ent", "1.16.3+ent");

        Assert.False(health.Healthy);
        Assert.True(health.VersionSkew);
        Assert.Equal(("1.17.0+ent", "1.16.3+ent"), (health.PrimaryVersion, health.SecondaryVersion));
        Assert.Equal(
            ["b.test:8200 runs Vault 1.16.3+ent, older than a.test:8200's 1.17.0+ent: it is not safe to replicate from a newer version of Vault to an older " +
             "one. Upgrade b.test:8200 to 1.17.0 or later (the secondaries first, then the primary)."],
            health.FailedChecks);
    }

    [Theory]
    [InlineData("1.16.3+ent", "1.17.0+ent")] // the secondary newer: the order HashiCorp asks for while upgrading
    [InlineData("1.17.0+ent", "1.17.0-rc1+ent")]
    [InlineData(null, "1.16.3+ent")]
    [InlineData("1.17.0+ent", null)]
    public void OtherPairs_AreHealthy(string? primaryVersion, string? secondaryVersion)
    {
        var (primary, secondary) = CaughtUpPair();

        var health = ReplicationHealthRules.Evaluate(primary, secondary, Now, primaryVersion, secondaryVersion);

        Assert.True(health.Healthy, string.Join(" ", health.FailedChecks));
        Assert.False(health.VersionSkew);
    }

    [Theory]
    [InlineData(400, "root generation aborted: unable to authenticate: recovery key verification failed: recovery key does not match submitted values", true)]
    [InlineData(400, "root generation aborted: unable to authenticate: unable to retrieve stored keys: failed to decrypt encrypted stored keys: cipher: message authentication failed", true)]
    [InlineData(400, "failed to compute root key: all parts must be the same length", true)]
    [InlineData(500, "root generation aborted: unable to authenticate: recovery key verification failed: recovery key does not match submitted values", true)]
    [InlineData(400, "given key has already been provided during this generation operation", false)]
    [InlineData(400, "incorrect nonce supplied; nonce for this root generation operation is \\\"n\\\"", false)]
    [InlineData(403, "root generation aborted", false)]
    public void IsRefusal_IsVaultsAnswerToSharesThatDoNotCombine(int status, string text, bool refusal) =>
        Assert.Equal(refusal, KeyShareAdvice.IsRefusal(FakeDrCluster.VaultError(status, "sys/replication/dr/secondary/generate-operation-token/update", text)));

    [Fact]
    public void WhoseKeys_OfAShamirSecondary_NamesItsPrimary()
    {
        var seal = new VaultSealStatus { Type = "shamir", Threshold = 2, Shares = 4 };
        var status = new DrStatus { Mode = DrMode.secondary, Primaries = [new DrPeer { ApiAddress = "https://vault-a:8200" }] };

        Assert.Equal(
            "vault-b is a DR secondary with a Shamir seal: its DR operation token takes its DR primary's (https://vault-a:8200) unseal keys, 2 of 4, the keys " +
            "every secondary adopted when it was enabled; not vault-b's own keys from before it became a secondary, and not another cluster's.",
            KeyShareAdvice.WhoseKeys("vault-b", seal, status));
    }

    [Fact]
    public void WhoseKeys_WithoutTheSealStatus_NamesBothKinds()
    {
        Assert.Equal(
            "A DR secondary takes its DR primary's key shares: its unseal keys, or its recovery keys if the clusters use auto-unseal " +
            "(Get-VaultDrSealStatus -Connection <vault-b> shows which, when the cluster answers).",
            KeyShareAdvice.WhoseKeys("vault-b", null, null));
    }

    [Fact]
    public void Explain_ForASingleSubmit_SaysTheAttemptStaysOpen_AsAnAuthenticationError()
    {
        var connection = ConnectionFactory.Create(new ConnectionRequest { Name = "vault-b", Address = "https://vault-b:8200" }, _ => null, null);
        var refusal = FakeDrCluster.VaultError(400, "sys/replication/dr/secondary/generate-operation-token/update", "root generation aborted: x");

        var e = KeyShareAdvice.Explain(refusal, connection, null, null, attemptCancelled: false);

        Assert.Equal(("VaultDrKeySharesRefused", ErrorCategory.AuthenticationError), (e.ErrorId, e.Category));
        Assert.StartsWith("Vault refused the key shares on vault-b (https://vault-b:8200) (400: root generation aborted: x). A DR secondary takes", e.Message, StringComparison.Ordinal);
        Assert.EndsWith("Vault reset the attempt's progress to 0 (the attempt stays open): submit those shares, or stop it with Stop-VaultDrOperationToken.", e.Message, StringComparison.Ordinal);
    }

    private static (DrStatus Primary, DrStatus Secondary) CaughtUpPair()
    {
        var primary = new DrStatus
        {
            Address = new Uri("https://a.test:8200"),
            Mode = DrMode.primary,
            State = "running",
            ClusterId = "c-1",
            LastWal = 10,
            MerkleRoot = "m-1",
            Secondaries = [new DrPeer { NodeId = "b", ConnectionStatus = "connected", LastHeartbeat = Now }],
        };
        var secondary = new DrStatus
        {
            Address = new Uri("https://b.test:8200"),
            Mode = DrMode.secondary,
            State = "stream-wals",
            ClusterId = "c-1",
            LastRemoteWal = 10,
            MerkleRoot = "m-1",
            SecondaryId = "b",
        };
        return (primary, secondary);
    }
}
