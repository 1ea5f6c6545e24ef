using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;

namespace VaultDr;

/// <summary>
/// A positive whole number of seconds, such as a TTL for a wrapped activation token or a batch DR
/// operation token. Accepts what Vault accepts (<c>1800</c>, <c>30m</c>, <c>1h30m</c>, <c>1.5h</c>,
/// <c>2d</c>) and a .NET TimeSpan (<c>00:30:00</c>), and is always sent to Vault as seconds
/// (<c>1800s</c>), so every Vault version reads it the same way.
/// </summary>
public sealed class VaultDuration : IEquatable<VaultDuration>
{
    // Vault's TTLs are far shorter; the limit only turns a typo into an error before a request is sent.
    private static readonly TimeSpan MaxValue = TimeSpan.FromDays(36525);

    private const string Usage =
        "use whole seconds (1800), a number with units s, m, h or d (30m, 1h30m, 1.5h, 2d) or a TimeSpan ([d.]hh:mm:ss, e.g. 00:30:00)";

    private static readonly Dictionary<string, decimal> TicksPerUnit = new(StringComparer.Ordinal)
    {
        // Go's time.ParseDuration units, plus Vault's d (24h).
        ["ns"] = TimeSpan.TicksPerMillisecond / 1_000_000m,
        ["us"] = TimeSpan.TicksPerMillisecond / 1_000m,
        ["\u00b5s"] = TimeSpan.TicksPerMillisecond / 1_000m, // micro sign
        ["\u03bcs"] = TimeSpan.TicksPerMillisecond / 1_000m, // Greek small letter mu
        ["ms"] = TimeSpan.TicksPerMillisecond,
        ["s"] = TimeSpan.TicksPerSecond,
        ["m"] = TimeSpan.TicksPerMinute,
        ["h"] = TimeSpan.TicksPerHour,
        ["d"] = TimeSpan.TicksPerDay,
    };

    /// <exception cref="ArgumentException"><paramref name="value"/> is not a positive whole number
    /// of seconds up to 100 years.</exception>
    public VaultDuration(TimeSpan value)
    {
        var error = Validate(value.Ticks, value.ToString("c", CultureInfo.InvariantCulture));
        Value = error is null ? value : throw new ArgumentException(error, nameof(value));
    }

    /// <exception cref="ArgumentException"><paramref name="value"/> is not a duration Vault accepts,
    /// or not a positive whole number of seconds up to 100 years.</exception>
    public VaultDuration(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        Value = TryParseValue(value, out var parsed, out var error)
            ? parsed
            : throw new ArgumentException(error, nameof(value));
    }

    /// <exception cref="ArgumentException"><paramref name="seconds"/> is zero or negative.</exception>
    public VaultDuration(int seconds)
        : this(seconds > 0
            ? TimeSpan.FromSeconds(seconds)
            : throw new ArgumentException($"{seconds} seconds is not a duration; it must be greater than zero.", nameof(seconds)))
    {
    }

    public TimeSpan Value { get; }

    public long TotalSeconds => Value.Ticks / TimeSpan.TicksPerSecond;

    /// <inheritdoc cref="VaultDuration(string)"/>
    public static VaultDuration Parse(string value) => new(value);

    public static bool TryParse([NotNullWhen(true)] string? value, [NotNullWhen(true)] out VaultDuration? result)
    {
        result = value is not null && TryParseValue(value, out var parsed, out _) ? new VaultDuration(parsed) : null;
        return result is not null;
    }

    /// <summary>The form sent to Vault: whole seconds with an <c>s</c> suffix, e.g. <c>1800s</c>.</summary>
    public string ToVaultString() => TotalSeconds.ToString(CultureInfo.InvariantCulture) + "s";

    /// <summary>A short form for people, e.g. <c>30m</c>, <c>1h30m</c>, <c>2d</c>; it parses back to the same value.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        var remaining = TotalSeconds;
        foreach (var (unit, seconds) in new[] { ("d", 86_400L), ("h", 3_600L), ("m", 60L), ("s", 1L) })
        {
            var count = remaining / seconds;
            remaining %= seconds;
            if (count > 0)
            {
                text.Append(count.ToString(CultureInfo.InvariantCulture)).Append(unit);
            }
        }

        return text.ToString();
    }

    public bool Equals(VaultDuration? other) => other is not null && Value == other.Value;

    public override bool Equals(object? obj) => Equals(obj as VaultDuration);

    public override int GetHashCode() => Value.GetHashCode();

    public static bool operator ==(VaultDuration? left, VaultDuration? right) =>
        left is null ? right is null : left.Equals(right);

    public static bool operator !=(VaultDuration? left, VaultDuration? right) => !(left == right);

    private static bool TryParseValue(string value, out TimeSpan parsed, [NotNullWhen(false)] out string? error)
    {
        parsed = default;
        var text = value.Trim();
        if (text.Length == 0)
        {
            error = $"A duration cannot be empty; {Usage}.";
            return false;
        }

        decimal ticks;
        if (IsInteger(text))
        {
            // Vault reads a bare number as seconds; so does this, rather than TimeSpan's days.
            // Too many digits for decimal is simply out of range, on the side its sign says.
            if (!decimal.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var seconds))
            {
                seconds = text[0] == '-' ? decimal.MinValue : decimal.MaxValue;
            }

            var limit = MaxValue.Ticks / TimeSpan.TicksPerSecond + 1;
            ticks = Math.Clamp(seconds, -limit, limit) * TimeSpan.TicksPerSecond;
        }
        else if (text.Contains(':', StringComparison.Ordinal))
        {
            // Only the constant form [-][d.]hh:mm:ss[.fffffff], with all three fields: TimeSpan.TryParse
            // reads "25:00:00" as 25 days, and "1:30" could mean 90 seconds to one reader and 90 minutes to another.
            if (text.AsSpan().Count(':') != 2
                || !TimeSpan.TryParseExact(text, "c", CultureInfo.InvariantCulture, out var timeSpan))
            {
                error = $"'{text}' is not a valid duration; {Usage}.";
                return false;
            }

            ticks = timeSpan.Ticks;
        }
        else if (!TryParseUnits(text, out ticks, out error))
        {
            return false;
        }

        error = Validate(ticks, text);
        if (error is not null)
        {
            return false;
        }

        parsed = TimeSpan.FromTicks((long)ticks);
        return true;
    }

    private static bool IsInteger(string text)
    {
        var digits = text.AsSpan(text[0] is '+' or '-' ? 1 : 0);
        return !digits.IsEmpty && !digits.ContainsAnyExceptInRange('0', '9');
    }

    // Go's time.ParseDuration grammar: [+-]? ( digits? ( "." digits? )? unit )+, at least one digit
    // per number. Ticks are kept in decimal so "1.5h" is exact and a typo cannot overflow.
    private static bool TryParseUnits(string text, out decimal ticks, [NotNullWhen(false)] out string? error)
    {
        ticks = 0;
        error = null;
        var negative = text[0] == '-';
        var position = text[0] is '+' or '-' ? 1 : 0;
        var tooLong = false;
        if (position == text.Length)
        {
            error = $"'{text}' is not a valid duration; {Usage}.";
            return false;
        }

        while (position < text.Length)
        {
            var numberStart = position;
            while (position < text.Length && (char.IsAsciiDigit(text[position]) || text[position] == '.'))
            {
                position++;
            }

            var number = text.AsSpan(numberStart, position - numberStart);
            var unitStart = position;
            while (position < text.Length && !char.IsAsciiDigit(text[position]) && text[position] != '.')
            {
                position++;
            }

            var unit = text[unitStart..position];
            if (number.Count('.') > 1 || !number.ContainsAnyInRange('0', '9'))
            {
                error = $"'{text}' is not a valid duration; {Usage}.";
                return false;
            }

            if (unit.Length == 0)
            {
                error = $"'{text}' has a number without a unit; {Usage}.";
                return false;
            }

            if (!TicksPerUnit.TryGetValue(unit, out var unitTicks))
            {
                error = $"'{text}' has an unknown unit '{unit}'; {Usage}.";
                return false;
            }

            if (tooLong)
            {
                continue;
            }

            if (!decimal.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var count)
                || count > MaxValue.Ticks / unitTicks)
            {
                tooLong = true;
                continue;
            }

            ticks += count * unitTicks;
            tooLong = ticks > MaxValue.Ticks;
        }

        if (tooLong)
        {
            ticks = MaxValue.Ticks + 1m;
        }

        if (negative)
        {
            ticks = -ticks;
        }

        return true;
    }

    private static string? Validate(decimal ticks, string text)
    {
        if (ticks < 0)
        {
            return $"'{text}' is negative; a duration must be greater than zero.";
        }

        if (ticks == 0)
        {
            return $"'{text}' is zero; a duration must be greater than zero.";
        }

        if (ticks < TimeSpan.TicksPerSecond)
        {
            return $"'{text}' is less than one second; Vault durations are whole seconds.";
        }

        if (ticks > MaxValue.Ticks)
        {
            return $"'{text}' is longer than 100 years.";
        }

        if (ticks % TimeSpan.TicksPerSecond != 0)
        {
            return $"'{text}' is not a whole number of seconds; Vault durations are whole seconds.";
        }

        return null;
    }
}
