using Xunit;

namespace VaultDr.Tests.Models;

public class VaultDurationTests
{
    [Theory]
    [InlineData("30m", 1800)]
    [InlineData("1h30m", 5400)]
    [InlineData("90s", 90)]
    [InlineData("1.5h", 5400)]
    [InlineData(".5h", 1800)]
    [InlineData("1.h", 3600)]
    [InlineData("0.1m", 6)]
    [InlineData("45", 45)]
    [InlineData("+45", 45)]
    [InlineData("0045", 45)]
    [InlineData("1800", 1800)]
    [InlineData("2d", 172800)]
    [InlineData("1d12h", 129600)]
    [InlineData("1h0m0s", 3600)]
    [InlineData("+30m", 1800)]
    [InlineData("1500ms500ms", 2)]
    [InlineData("1000000us", 1)]
    [InlineData("1000000\u00b5s", 1)]
    [InlineData("1000000\u03bcs", 1)]
    [InlineData("1000000000ns", 1)]
    [InlineData("00:30:00", 1800)]
    [InlineData("1.02:00:00", 93600)]
    [InlineData("01:02:03", 3723)]
    [InlineData("00:00:01.0", 1)]
    [InlineData("  30m\t", 1800)]
    [InlineData("876600h", 3155760000)] // exactly 100 years (36525 days)
    [InlineData("36525d", 3155760000)]
    [InlineData("3155760000", 3155760000)]
    public void Parse_AcceptsVaultGoAndTimeSpanForms(string text, long expectedSeconds)
    {
        var duration = VaultDuration.Parse(text);

        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), duration.Value);
        Assert.Equal(expectedSeconds, duration.TotalSeconds);
    }

    [Theory]
    [InlineData("", "A duration cannot be empty")]
    [InlineData("   ", "A duration cannot be empty")]
    [InlineData("0", "'0' is zero")]
    [InlineData("0s", "'0s' is zero")]
    [InlineData("-0s", "'-0s' is zero")]
    [InlineData("00:00:00", "'00:00:00' is zero")]
    [InlineData("-5", "'-5' is negative")]
    [InlineData("-30m", "'-30m' is negative")]
    [InlineData("-00:30:00", "'-00:30:00' is negative")]
    [InlineData("-99999999999999999999999999999999", "is negative")]
    [InlineData("500ms", "'500ms' is less than one second")]
    [InlineData("999999us", "is less than one second")]
    [InlineData("1ns", "is less than one second")]
    [InlineData("00:00:00.5", "is less than one second")]
    [InlineData("1500ms", "'1500ms' is not a whole number of seconds")]
    [InlineData("1.5s", "is not a whole number of seconds")]
    [InlineData("00:00:01.5", "is not a whole number of seconds")]
    [InlineData("876600h1s", "'876600h1s' is longer than 100 years")]
    [InlineData("36526d", "is longer than 100 years")]
    [InlineData("3155760001", "is longer than 100 years")]
    [InlineData("99999999999999999999999999999999", "is longer than 100 years")]
    [InlineData("99999999999999999999999999999999h", "is longer than 100 years")]
    [InlineData("9999999999999999999999999999h1s", "is longer than 100 years")]
    [InlineData("10675199.02:48:05", "is longer than 100 years")]
    [InlineData("30", null)] // a control: this one is valid
    public void Parse_RejectsWithAClearMessage(string text, string? expectedFragment)
    {
        if (expectedFragment is null)
        {
            Assert.Equal(30, VaultDuration.Parse(text).TotalSeconds);
            return;
        }

        var error = Assert.Throws<ArgumentException>(() => VaultDuration.Parse(text));

        Assert.Contains(expectedFragment, error.Message, StringComparison.Ordinal);
        Assert.Equal("value", error.ParamName);
    }

    [Theory]
    [InlineData("abc", "'abc' is not a valid duration")]
    [InlineData("30x", "'30x' has an unknown unit 'x'")]
    [InlineData("30M", "has an unknown unit 'M'")]
    [InlineData("1h 30m", "has an unknown unit 'h '")]
    [InlineData("1e3s", "has an unknown unit 'e'")]
    [InlineData("1.5", "'1.5' has a number without a unit")]
    [InlineData("1h30", "has a number without a unit")]
    [InlineData("h", "'h' is not a valid duration")]
    [InlineData(".h", "is not a valid duration")]
    [InlineData("1.2.3h", "is not a valid duration")]
    [InlineData("+", "is not a valid duration")]
    [InlineData("-", "is not a valid duration")]
    [InlineData("1:2:3:4", "'1:2:3:4' is not a valid duration")]
    [InlineData("25:00:00", "'25:00:00' is not a valid duration")] // TimeSpan.Parse would say 25 days
    [InlineData("30:00", "is not a valid duration")]
    [InlineData("1:30", "is not a valid duration")]
    [InlineData("00:60:00", "is not a valid duration")]
    public void Parse_Garbage_IsRejectedWithUsage(string text, string expectedFragment)
    {
        var error = Assert.Throws<ArgumentException>(() => VaultDuration.Parse(text));

        Assert.Contains(expectedFragment, error.Message, StringComparison.Ordinal);
        Assert.Contains("use whole seconds (1800)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_Null_ThrowsArgumentNull()
    {
        Assert.Throws<ArgumentNullException>(() => VaultDuration.Parse(null!));
    }

    [Theory]
    [InlineData("30m", 1800)]
    [InlineData("2d", 172800)]
    public void StringConstructor_MatchesParse(string text, long expectedSeconds)
    {
        Assert.Equal(expectedSeconds, new VaultDuration(text).TotalSeconds);
        Assert.Equal(VaultDuration.Parse(text), new VaultDuration(text));
    }

    [Fact]
    public void StringConstructor_BadValue_ThrowsArgumentException()
    {
        var error = Assert.Throws<ArgumentException>(() => new VaultDuration("500ms"));

        Assert.Contains("'500ms' is less than one second", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("30m", true, 1800)]
    [InlineData("45", true, 45)]
    [InlineData("500ms", false, 0)]
    [InlineData("", false, 0)]
    [InlineData("garbage", false, 0)]
    [InlineData(null, false, 0)]
    public void TryParse_ReportsSuccessWithoutThrowing(string? text, bool expected, long expectedSeconds)
    {
        Assert.Equal(expected, VaultDuration.TryParse(text, out var duration));
        Assert.Equal(expected ? expectedSeconds : null, duration?.TotalSeconds);
    }

    [Fact]
    public void TimeSpanConstructor_KeepsTheValue()
    {
        var duration = new VaultDuration(TimeSpan.FromMinutes(30));

        Assert.Equal(TimeSpan.FromMinutes(30), duration.Value);
        Assert.Equal(1800, duration.TotalSeconds);
    }

    [Theory]
    [InlineData(0L, "'00:00:00' is zero")]
    [InlineData(-18_000_000_000L, "'-00:30:00' is negative")]
    [InlineData(5_000_000L, "'00:00:00.5000000' is less than one second")]
    [InlineData(15_000_000L, "'00:00:01.5000000' is not a whole number of seconds")]
    [InlineData(long.MaxValue, "is longer than 100 years")]
    public void TimeSpanConstructor_RejectsWithAClearMessage(long ticks, string expectedFragment)
    {
        var error = Assert.Throws<ArgumentException>(() => new VaultDuration(TimeSpan.FromTicks(ticks)));

        Assert.Contains(expectedFragment, error.Message, StringComparison.Ordinal);
        Assert.Equal("value", error.ParamName);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(1800)]
    [InlineData(int.MaxValue)]
    public void SecondsConstructor_KeepsTheValue(int seconds)
    {
        Assert.Equal(seconds, new VaultDuration(seconds).TotalSeconds);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(int.MinValue)]
    public void SecondsConstructor_RejectsZeroAndNegative(int seconds)
    {
        var error = Assert.Throws<ArgumentException>(() => new VaultDuration(seconds));

        Assert.Contains($"{seconds} seconds is not a duration; it must be greater than zero.", error.Message, StringComparison.Ordinal);
        Assert.Equal("seconds", error.ParamName);
    }

    [Theory]
    [InlineData("30m", "1800s")]
    [InlineData("1.5h", "5400s")]
    [InlineData("45", "45s")]
    [InlineData("2d", "172800s")]
    [InlineData("00:30:00", "1800s")]
    public void ToVaultString_IsWholeSeconds(string text, string expected)
    {
        Assert.Equal(expected, VaultDuration.Parse(text).ToVaultString());
    }

    [Theory]
    [InlineData(1800, "30m")]
    [InlineData(5400, "1h30m")]
    [InlineData(45, "45s")]
    [InlineData(90, "1m30s")]
    [InlineData(3600, "1h")]
    [InlineData(3601, "1h1s")]
    [InlineData(86400, "1d")]
    [InlineData(172800, "2d")]
    [InlineData(93784, "1d2h3m4s")]
    [InlineData(1, "1s")]
    public void ToString_IsShortAndFriendly(int seconds, string expected)
    {
        Assert.Equal(expected, new VaultDuration(seconds).ToString());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(59)]
    [InlineData(61)]
    [InlineData(3599)]
    [InlineData(93784)]
    [InlineData(int.MaxValue)]
    public void ToStringAndToVaultString_ParseBackToTheSameValue(int seconds)
    {
        var duration = new VaultDuration(seconds);

        Assert.Equal(duration, VaultDuration.Parse(duration.ToString()));
        Assert.Equal(duration, VaultDuration.Parse(duration.ToVaultString()));
    }

    [Fact]
    public void Equality_IsByValue()
    {
        var a = VaultDuration.Parse("30m");
        var b = new VaultDuration(1800);
        var c = new VaultDuration(1801);

        Assert.True(a.Equals(b));
        Assert.True(a.Equals((object)b));
        Assert.True(a == b);
        Assert.False(a != b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.False(a.Equals(c));
        Assert.True(a != c);
        Assert.False(a.Equals(null));
        Assert.False(a.Equals("30m"));
        Assert.False(a == null);
        Assert.True((VaultDuration?)null == null);
    }
}
