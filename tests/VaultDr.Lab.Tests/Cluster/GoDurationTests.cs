namespace VaultDr.Lab.Tests.Cluster;

public sealed class GoDurationTests
{
    [Theory]
    [InlineData(0L, "0s")]
    [InlineData(5L, "500ns")]
    [InlineData(15L, "1.5µs")]
    [InlineData(25_000L, "2.5ms")]
    [InlineData(1_000_000L, "100ms")]
    [InlineData(10_000_000L, "1s")]
    [InlineData(15_000_000L, "1.5s")]
    [InlineData(100_000_000L, "10s")]
    [InlineData(600_000_000L, "1m0s")]
    [InlineData(612_500_000L, "1m1.25s")]
    [InlineData(36_000_000_000L, "1h0m0s")]
    [InlineData(864_000_000_000L, "24h0m0s")]
    [InlineData(-15_000_000L, "-1.5s")]
    public void Format_PrintsDurationsAsGoDoes(long ticks, string expected) =>
        Assert.Equal(expected, GoDuration.Format(TimeSpan.FromTicks(ticks)));
}
