using System.Globalization;

namespace VaultDr.Lab;

/// <summary>Durations as Go's time.Duration.String() prints them: "0s", "2.5ms", "10s", "1m30s", "24h0m0s".</summary>
internal static class GoDuration
{
    public static string Format(TimeSpan duration)
    {
        var negative = duration < TimeSpan.Zero;
        var nanoseconds = (ulong)Math.Abs(duration.Ticks) * 100;
        var text = nanoseconds switch
        {
            0 => "0s",
            < 1_000 => Invariant(nanoseconds) + "ns",
            < 1_000_000 => WithFraction(nanoseconds, 3) + "µs",
            < 1_000_000_000 => WithFraction(nanoseconds, 6) + "ms",
            _ => AtLeastOneSecond(nanoseconds),
        };
        return negative ? "-" + text : text;
    }

    private static string AtLeastOneSecond(ulong nanoseconds)
    {
        var seconds = WithFraction(nanoseconds % 60_000_000_000, 9) + "s";
        var minutes = nanoseconds / 60_000_000_000;
        if (minutes == 0)
        {
            return seconds;
        }

        var hours = minutes / 60;
        return (hours > 0 ? Invariant(hours) + "h" : "") + Invariant(minutes % 60) + "m" + seconds;
    }

    /// <summary>value / 10^digits with its fraction, trailing zeros (and a bare point) left out, as Go's fmtFrac does.</summary>
    private static string WithFraction(ulong value, int digits)
    {
        var scale = (ulong)Math.Pow(10, digits);
        var fraction = (value % scale).ToString(CultureInfo.InvariantCulture).PadLeft(digits, '0').TrimEnd('0');
        return Invariant(value / scale) + (fraction.Length > 0 ? "." + fraction : "");
    }

    private static string Invariant(ulong value) => value.ToString(CultureInfo.InvariantCulture);
}
