using VaultDr.Client;
using VaultDr.Orchestration;
using Xunit;

namespace VaultDr.Tests.Orchestration;

/// <summary>
/// What the failover does with the clusters' versions (sys/health): the versions in the report, a Vault 2.x ceremony
/// refused before any change when it has no Vault token to go with the shares, a re-attach of an older cluster to a
/// newer primary refused unless -Force, and key shares Vault refuses explained by whose keys the cluster takes.
/// </summary>
public sealed class FailoverVersionTests : FailoverTestBase
{
    private const string Refused = "root generation aborted: unable to authenticate: recovery key verification failed: recovery key does not match submitted values";

    [Fact]
    public async Task TheReport_HasBothVersions()
    {
        A.Version = "1.17.2+ent";
        B.Version = "1.17.0+ent";

        var report = (await Run(Plan())).Report;

        Assert.True(report.Succeeded);
        Assert.Equal(("1.17.2+ent", "1.17.0+ent"), (report.OldPrimaryVersion, report.NewPrimaryVersion));
        Assert.Null(report.NextSafeCommand);
        Assert.Contains("\nVault versions: a 1.17.2+ent, b 1.17.0+ent.\n", VaultDr.Pipeline.FailoverSummary.Markdown(report, "a", "b").ReplaceLineEndings("\n"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AVault2Secondary_WithoutAToken_IsRefusedBeforeAnyChange_WithTheWaysOut()
    {
        B.Version = "2.0.0+ent";
        A.Connection.Token = SecretText.Protect("hvs.PrimaryRootToken");

        var outcome = await Run(Plan());

        var report = outcome.Report;
        Assert.Equal(FailoverStepKind.Preflight, Assert.Single(report.Steps).Kind);
        Assert.Equal("VaultDrFailoverStepFailed", outcome.Failure?.ErrorId);
        Assert.Equal(
            "b (https://b.test:8200) runs Vault 2.0.0+ent: since Vault 2.0 the DR operation token ceremony needs a Vault token as well as the key shares, " +
            "and no Vault token is configured for it. Nothing was changed. Give the connection a token made on the primary (a 2.x DR secondary takes the " +
            "primary's root token), or fail over without the ceremony: -DrOperationToken with a batch DR operation token prepared on the primary " +
            "(New-VaultDrBatchOperationToken), or, as break-glass, add \"generate-operation-token\" to enable_unauthenticated_access in the cluster's " +
            "server configuration and reload it (SIGHUP).",
            report.Error);
        Assert.StartsWith("Nothing was changed. Give the connection a Vault token made on the primary", report.NextSafeCommand, StringComparison.Ordinal);
        Assert.Empty(A.Changes);
        Assert.Empty(B.Changes);
        Assert.DoesNotContain("ReadOperationTokenProgress", B.Calls); // refused from what is known, not by trying
    }

    [Fact]
    public async Task AVault2Secondary_WhoseTokenIsRefused_IsRefusedBeforeAnyChange()
    {
        B.Version = "2.0.1+ent";
        B.Connection.Token = SecretText.Protect("hvs.NotValidThere");
        B.FailNext("ReadOperationTokenProgress", FakeDrCluster.VaultError(403, "sys/replication/dr/secondary/generate-operation-token/attempt", "permission denied"));

        var report = (await Run(Plan())).Report;

        Assert.StartsWith(
            "b (https://b.test:8200) runs Vault 2.0.1+ent: since Vault 2.0 the DR operation token ceremony needs a Vault token as well as the key shares, " +
            "and the token configured for it was refused (403 permission denied). Nothing was changed.",
            report.Error,
            StringComparison.Ordinal);
        Assert.Empty(A.Changes);
        Assert.Empty(B.Changes);
    }

    [Fact]
    public async Task AVault2Secondary_WithAToken_FailsOver()
    {
        A.Version = B.Version = "2.0.0+ent";
        A.Connection.Token = B.Connection.Token = SecretText.Protect("hvs.PrimaryRootToken");

        var report = (await Run(Plan())).Report;

        Assert.True(report.Succeeded);
        Assert.Contains("SubmitKeyShare", B.Changes);
    }

    [Fact]
    public async Task AVault2Secondary_WithAGivenOperationToken_NeedsNoVaultToken()
    {
        A.Version = B.Version = "2.0.0+ent";

        var report = (await Run(Plan() with { KeyShares = [], DrOperationToken = SecretText.Protect(FakeDrCluster.OperationTokenText) })).Report;

        Assert.True(report.Succeeded);
        Assert.DoesNotContain(B.Calls, c => c.Contains("OperationToken", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AVault2OldPrimary_WithoutAToken_IsRefusedBeforeAnyChange_ForTheReattachCeremony()
    {
        A.Version = B.Version = "2.0.0+ent";
        B.Connection.Token = SecretText.Protect("hvs.PrimaryRootToken");

        var report = (await Run(Plan())).Report;

        Assert.StartsWith("a (https://a.test:8200) runs Vault 2.0.0+ent", report.Error, StringComparison.Ordinal);
        Assert.Contains("no Vault token is configured for it, and the re-attach runs the ceremony there after the promote", report.Error, StringComparison.Ordinal);
        Assert.Empty(A.Changes);
        Assert.Empty(B.Changes);
    }

    [Fact]
    public async Task AnOlderOldPrimary_IsNotReattachedToANewerPrimary_UnlessForce()
    {
        A.Version = "1.16.3+ent";
        B.Version = "1.17.0+ent";

        var outcome = await Run(Plan());

        var report = outcome.Report;
        Assert.Equal(FailoverStepKind.Preflight, Assert.Single(report.Steps).Kind);
        Assert.Equal(
            "a (https://a.test:8200) runs Vault 1.16.3+ent, older than b (https://b.test:8200)'s 1.17.0+ent: after the failover it would be re-attached as " +
            "the DR secondary of b (https://b.test:8200), and it is not safe to replicate from a newer version of Vault to an older one. Nothing was changed. " +
            "Upgrade a (https://a.test:8200) to 1.17.0 or later first, or add -Force.",
            report.Error);
        Assert.Equal(
            "Nothing was changed. Upgrade a to the Vault version of b or later first (it becomes the secondary of b, and Vault must not replicate from a newer " +
            "version to an older one), then run the failover again; -Force fails over anyway.",
            report.NextSafeCommand);
        Assert.Equal(("1.16.3+ent", "1.17.0+ent"), (report.OldPrimaryVersion, report.NewPrimaryVersion));
        Assert.Empty(A.Changes);
        Assert.Empty(B.Changes);

        var forced = (await Run(Plan() with { Force = true })).Report;

        Assert.True(forced.Succeeded);
        Assert.Contains("UpdatePrimary", A.Changes);
        Assert.Contains(Workflow.Log.Warnings, w => w.StartsWith("-Force: a (https://a.test:8200) runs Vault 1.16.3+ent, older than", StringComparison.Ordinal));
        Assert.Equal("Upgrade a to Vault 1.17.0 or later now: it replicates from a newer version, which is not safe.", forced.NextSafeCommand);
    }

    [Theory]
    [InlineData("1.17.0+ent", "1.16.3+ent")] // failing over to the older cluster: the newer one becomes the secondary, as it should be
    [InlineData("1.17.0+ent", "1.17.0-rc1+ent")] // a release candidate counts as its release
    [InlineData(null, "1.17.0+ent")] // a version not read decides nothing
    [InlineData("1.17.0+ent", "1.17.0+ent.hsm")]
    public async Task OtherVersionPairs_FailOver(string? primary, string? secondary)
    {
        A.Version = primary;
        B.Version = secondary;

        Assert.True((await Run(Plan())).Report.Succeeded);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AnOldPrimaryThatComesBackOnAnOlderVersion_AfterAnUnplannedFailover_IsNotReattached_UnlessForce(bool force)
    {
        A.Reachable = false;
        A.Version = "1.16.3+ent";
        B.Version = "1.17.0+ent";
        Workflow.Answer = (_, action) =>
        {
            if (action.StartsWith("Promote", StringComparison.Ordinal))
            {
                A.Reachable = true; // back, still a primary, while the new one is promoted
            }

            return Confirmation.Proceed;
        };

        var report = (await Run(Plan() with { Planned = false, Force = force })).Report;

        Assert.Equal("1.16.3+ent", report.OldPrimaryVersion);
        Assert.Equal("Demote", A.Changes[0]);
        if (force)
        {
            Assert.Contains("UpdatePrimary", A.Changes);
            Assert.Contains(Workflow.Log.Warnings, w => w.StartsWith("-Force: re-attaching although a (https://a.test:8200) runs Vault 1.16.3+ent", StringComparison.Ordinal));
            Assert.Equal("Upgrade a to Vault 1.17.0 or later now: it replicates from a newer version, which is not safe.", report.NextSafeCommand);
            return;
        }

        Assert.True(report.Succeeded);
        Assert.DoesNotContain("UpdatePrimary", A.Changes);
        Assert.All(
            report.Steps.Where(s => s.Kind is FailoverStepKind.ReattachToken or FailoverStepKind.ReattachActivation or FailoverStepKind.ReattachUpdate or FailoverStepKind.ReattachWait),
            s => Assert.Equal((FailoverStepStatus.Skipped, "not re-attached: it runs Vault 1.16.3+ent, older than the new primary's 1.17.0+ent"), (s.Status, s.Detail)));
        Assert.StartsWith("Upgrade a to Vault 1.17.0 or later first; then: b is the primary. Re-attach a when it is reachable", report.NextSafeCommand, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SharesVaultRefuses_EndTheCeremony_SayingWhoseKeysTheClusterTakes()
    {
        B.Seal = new VaultSealStatus { Type = "awskms", Threshold = 3, Shares = 5, RecoverySeal = true };
        B.FailNext("SubmitKeyShare", FakeDrCluster.VaultError(400, "sys/replication/dr/secondary/generate-operation-token/update", Refused));

        var outcome = await Run(Plan());

        var report = outcome.Report;
        Assert.Equal(FailoverStepKind.TokenOnSecondary, report.Steps[^1].Kind);
        Assert.Equal(
            $"Vault refused the key shares on b (https://b.test:8200) (400: {Refused}). b is a DR secondary with an auto-unseal seal (awskms): its DR " +
            "operation token takes its DR primary's recovery keys, 3 of 5, the keys every secondary adopted when it was enabled; not b's own keys from " +
            "before it became a secondary, and not unseal keys: auto-unseal clusters have recovery keys instead (vault operator init printed them as " +
            "Recovery Key 1, 2, ...). The attempt was cancelled and no token was generated: run it again with those shares.",
            report.Error);
        Assert.StartsWith(
            "Nothing was demoted or promoted: a is still the primary. Vault refused the key shares on b: give the DR primary's unseal keys (its recovery keys",
            report.NextSafeCommand,
            StringComparison.Ordinal);
        Assert.Equal(["StartOperationToken", "SubmitKeyShare", "CancelOperationToken"], B.Changes);
        Assert.Contains("ReadSealStatus", B.Calls);
        Assert.Empty(A.Changes);
    }
}
