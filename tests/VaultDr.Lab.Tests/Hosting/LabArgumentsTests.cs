namespace VaultDr.Lab.Tests.Hosting;

public sealed class LabArgumentsTests
{
    [Fact]
    public void Defaults()
    {
        var parsed = LabArguments.Parse([], out var error);
        Assert.Null(error);
        Assert.NotNull(parsed);
        Assert.Equal(2, parsed.Options.ClusterCount);
        Assert.Equal(5, parsed.Options.KeyShares);
        Assert.Equal(3, parsed.Options.KeyThreshold);
        Assert.Equal("1.15", parsed.Options.VaultVersion);
        Assert.False(parsed.Options.Tls);
        Assert.False(parsed.Options.AutoUnseal);
        Assert.Equal(TimeSpan.FromMilliseconds(150), parsed.Options.StateStepDelay);
        Assert.Equal(TimeSpan.FromMilliseconds(300), parsed.Options.CatchUpDelay);
        Assert.Equal(TimeSpan.FromMilliseconds(100), parsed.Options.HeartbeatInterval);
        Assert.Null(parsed.ParentPid);
        Assert.Null(parsed.CaOut);
        Assert.False(parsed.ReadyJson);
    }

    [Fact]
    public void Everything()
    {
        var parsed = LabArguments.Parse(
            ["--clusters", "50", "--tls", "--key-shares", "1", "--key-threshold", "1", "--vault-version", "0.11", "--auto-unseal", "--ca-out", "/tmp/ca.pem",
             "--state-step-ms", "10", "--catch-up-ms", "20", "--heartbeat-ms", "30", "--parent-pid", "1234", "--ready-json"],
            out _)!;
        Assert.Equal(50, parsed.Options.ClusterCount);
        Assert.True(parsed.Options.Tls);
        Assert.Equal(1, parsed.Options.KeyShares);
        Assert.Equal(1, parsed.Options.KeyThreshold);
        Assert.Equal("0.11", parsed.Options.VaultVersion);
        Assert.True(parsed.Options.AutoUnseal);
        Assert.Equal("/tmp/ca.pem", parsed.CaOut);
        Assert.Equal(TimeSpan.FromMilliseconds(10), parsed.Options.StateStepDelay);
        Assert.Equal(TimeSpan.FromMilliseconds(20), parsed.Options.CatchUpDelay);
        Assert.Equal(TimeSpan.FromMilliseconds(30), parsed.Options.HeartbeatInterval);
        Assert.Equal(1234, parsed.ParentPid);
        Assert.True(parsed.ReadyJson);
    }

    [Theory]
    [InlineData("--clusters", "0")]
    [InlineData("--clusters", "65")]
    [InlineData("--clusters", "two")]
    [InlineData("--clusters")]
    [InlineData("--key-shares", "3", "--key-threshold", "4")]
    [InlineData("--vault-version", "latest")]
    [InlineData("--vault-version", "1.17.3.4")]
    [InlineData("--vault-version", "2")]
    [InlineData("--bogus")]
    [InlineData("--tls", "--cert-valid-days", "3651")]
    [InlineData("--tls", "--cert-valid-days", "-3651")]
    [InlineData("--tls", "--cert-valid-days", "soon")]
    public void BadArguments(params string[] args)
    {
        Assert.Null(LabArguments.Parse(args, out var error));
        Assert.False(string.IsNullOrEmpty(error));
    }

    [Fact]
    public void CertValidDays_SetsTheApiCertificatesDates_AndNeedsTls()
    {
        Assert.Equal(365, LabArguments.Parse(["--tls"], out _)!.Options.CertificateValidDays);
        Assert.Equal(-3, LabArguments.Parse(["--tls", "--cert-valid-days", "-3"], out _)!.Options.CertificateValidDays);
        Assert.Equal(3650, LabArguments.Parse(["--cert-valid-days", "3650", "--tls"], out _)!.Options.CertificateValidDays);
        Assert.Null(LabArguments.Parse(["--cert-valid-days", "5"], out var error));
        Assert.Equal("--cert-valid-days sets the dates of TLS certificates: add --tls.", error);
    }
}
