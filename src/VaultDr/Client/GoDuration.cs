using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace VaultDr.Client;

/// <summary>
/// Reads the durations Vault writes with Go's time.Duration.String(): "0s", "1.5s", "2m3s", "24h0m0s", "500ms",
/// "1.2µs", "-3s". A VaultDuration is for what VaultDr sends (whole positive seconds); this is for what Vault answers,
/// where zero, fractions and (for a clock that went back) negative values are all real.
/// </summary>
internal static class GoDuration
{
    private static readonly (string Unit, decimal Ticks)[] Units =
    [
        ("ns", TimeSpan.TicksPerMillisecond / 1_000_000m),
        ("us", TimeSpan.TicksPerMillisecond / 1_000m),
        ("\u00b5s", TimeSpan.TicksPerMillisecond / 1_000m), // micro sign
        ("\u03bcs", TimeSpan.TicksPerMillisecond / 1_000m), // Greek small letter mu
        ("ms", TimeSpan.TicksPerMillisecond),
        ("s", TimeSpan.TicksPerSecond),
        ("m", TimeSpan.TicksPerMinute),
        ("h", TimeSpan.TicksPerHour),
    ];

    /// <summary>The duration, to the tick (100 ns; finer parts are dropped); false when it is not Go's syntax.</summary>
    internal static bool TryParse(string? text, [NotNullWhen(true)] out TimeSpan? value)
    {
        value = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var s = text.Trim();
        var negative = s[0] == '-';
        var position = s[0] is '+' or '-' ? 1 : 0;
        if (s[position..] == "0")
        {
            value = TimeSpan.Zero;
            return true;
        }

        decimal ticks = 0;
        if (position == s.Length)
        {
            return false;
        }

        while (position < s.Length)
        {
            var start = position;
            while (position < s.Length && (char.IsAsciiDigit(s[position]) || s[position] == '.'))
            {
                position++;
            }

            var number = s.AsSpan(start, position - start);
            if (number.IsEmpty || number.Count('.') > 1 || !number.ContainsAnyInRange('0', '9') ||
                !decimal.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var count))
            {
                return false;
            }

            var unit = Units.FirstOrDefault(u => s.AsSpan(position).StartsWith(u.Unit, StringComparison.Ordinal) && !IsUnitLetter(s, position + u.Unit.Length));
            if (unit.Unit is null)
            {
                return false;
            }

            position += unit.Unit.Length;
            ticks += count * unit.Ticks;
            if (ticks > TimeSpan.MaxValue.Ticks)
            {
                return false;
            }
        }

        value = TimeSpan.FromTicks((long)(negative ? -ticks : ticks));
        return true;
    }

    // "ms" must not match "m" then "s": a unit ends where the next number (or the text) starts.
    private static bool IsUnitLetter(string s, int index) => index < s.Length && !char.IsAsciiDigit(s[index]) && s[index] != '.';
}
