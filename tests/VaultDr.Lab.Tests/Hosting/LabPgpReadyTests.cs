using VaultDr.Lab.Tests.Cluster;

namespace VaultDr.Lab.Tests.Hosting;

/// <summary>A lab initialised with PGP keys hands out its shares only encrypted, on the READY line and in the table.</summary>
public sealed class LabPgpReadyTests
{
    [Fact]
    public async Task ReadyLine_HasEncryptedSharesAndFingerprints_AndNoPlainShares()
    {
        var keys = new[] { GnuPgKeys.PgpKey("rsa.pub.asc"), GnuPgKeys.PgpKey("ecc.pub.asc") };
        await using var lab = await LabHost.StartAsync(new LabOptions { ClusterCount = 1, KeyShares = 2, KeyThreshold = 1, PgpKeys = keys }, ClusterFactory.Create, null);

        var cluster = LabProcess.ReadyJson(lab)["clusters"]![0]!;
        Assert.Empty(cluster["unsealKeys"]!.AsArray());
        Assert.Empty(cluster["unsealKeysBase64"]!.AsArray());
        Assert.Equal([GnuPgKeys.RsaFingerprint, GnuPgKeys.EccFingerprint], cluster["pgpFingerprints"]!.AsArray().Select(f => f!.GetValue<string>()));
        var encrypted = cluster["encryptedUnsealKeys"]!.AsArray().Select(k => k!.GetValue<string>()).ToArray();
        Assert.Equal(lab.Clusters[0].UnsealKeysHex[0], GnuPgKeys.Decrypt(Convert.FromBase64String(encrypted[0]), "rsa.sec.asc", "correct horse"));

        var table = LabProcess.HumanTable(lab);
        Assert.Contains("PGP-encrypted", table, StringComparison.Ordinal);
        Assert.Contains($"{GnuPgKeys.EccFingerprint}: {encrypted[1]}", table, StringComparison.Ordinal);
        Assert.DoesNotContain(lab.Clusters[0].UnsealKeysHex[0], table, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadyLine_WithoutPgpKeys_HasPlainSharesAndNoEncryptedOnes()
    {
        await using var lab = await LabHost.StartAsync(new LabOptions { ClusterCount = 1 }, ClusterFactory.Create, null);
        var cluster = LabProcess.ReadyJson(lab)["clusters"]![0]!;
        Assert.Equal(5, cluster["unsealKeys"]!.AsArray().Count);
        Assert.Empty(cluster["encryptedUnsealKeys"]!.AsArray());
        Assert.Empty(cluster["pgpFingerprints"]!.AsArray());
    }
}
