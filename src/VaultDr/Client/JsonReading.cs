using System.Globalization;
using System.Text.Json;

namespace VaultDr.Client;

/// <summary>
/// Tolerant readers for Vault's JSON: absent or null fields read as null, numbers may come as strings,
/// and a field of the wrong type is a VaultResponseException naming the field.
/// </summary>
internal static class JsonReading
{
    internal static string? GetString(this JsonElement obj, string name)
    {
        if (!obj.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
            _ => throw WrongType(name, "a string", value),
        };
    }

    internal static long? GetInt64(this JsonElement obj, string name)
    {
        if (!obj.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.Number)
        {
            if (value.TryGetInt64(out var number))
            {
                return number;
            }

            if (value.TryGetUInt64(out var unsigned))
            {
                // last_wal is unsigned 64-bit in Vault; beyond long.MaxValue clamp rather than fail.
                return unsigned > long.MaxValue ? long.MaxValue : (long)unsigned;
            }

            if (value.TryGetDouble(out var real))
            {
                return (long)real;
            }
        }

        if (value.ValueKind == JsonValueKind.String)
        {
            var text = value.GetString();
            if (string.IsNullOrEmpty(text))
            {
                return null;
            }

            if (long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed))
            {
                return parsed;
            }

            if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var real))
            {
                return (long)real;
            }
        }

        throw WrongType(name, "a number", value);
    }

    internal static bool? GetBoolean(this JsonElement obj, string name)
    {
        if (!obj.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.String when bool.TryParse(value.GetString(), out var parsed) => parsed,
            _ => throw WrongType(name, "true or false", value),
        };
    }

    /// <summary>An RFC 3339 time; null when absent, or when it is Go's zero time (0001-01-01T00:00:00Z: "never").</summary>
    internal static DateTimeOffset? GetTime(this JsonElement obj, string name)
    {
        var text = obj.GetString(name);
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var time))
        {
            return time.UtcDateTime == DateTime.MinValue ? null : time;
        }

        throw new VaultResponseException($"Vault's field '{name}' is not a valid RFC 3339 time.");
    }

    /// <summary>
    /// A time Vault sends as unix seconds in a string (last_reindex_epoch, last_corruption_check_epoch); null when absent,
    /// "0" or negative: Vault's "never" ("-62135596800" is Go's zero time). An RFC 3339 text is read as a time too.
    /// </summary>
    internal static DateTimeOffset? GetEpoch(this JsonElement obj, string name)
    {
        var text = obj.GetString(name);
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var seconds))
        {
            // Beyond year 9999 is not a time either; treat it as a malformed answer.
            return seconds <= 0 ? null
                : seconds <= DateTimeOffset.MaxValue.ToUnixTimeSeconds() ? DateTimeOffset.FromUnixTimeSeconds(seconds)
                : throw new VaultResponseException($"Vault's field '{name}' is not a time: {seconds} seconds is past the year 9999.");
        }

        return obj.GetTime(name) ?? throw new VaultResponseException($"Vault's field '{name}' is neither unix seconds nor an RFC 3339 time.");
    }

    /// <summary>A Go duration ("1.5s", "24h0m0s"); a bare number is seconds. Null when absent.</summary>
    internal static TimeSpan? GetDuration(this JsonElement obj, string name)
    {
        if (!obj.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var seconds) && Math.Abs(seconds) < TimeSpan.MaxValue.TotalSeconds)
        {
            return TimeSpan.FromSeconds(seconds);
        }

        if (value.ValueKind == JsonValueKind.String)
        {
            return GoDuration.TryParse(value.GetString(), out var duration)
                ? duration
                : throw new VaultResponseException($"Vault's field '{name}' is not a duration such as 10s or 1h30m.");
        }

        throw WrongType(name, "a duration", value);
    }

    /// <summary>A nested object; null when absent or null, an error when it is something else.</summary>
    internal static JsonElement? GetObject(this JsonElement obj, string name)
    {
        if (!obj.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.Object ? value : throw WrongType(name, "an object", value);
    }

    internal static string[] GetStringArray(this JsonElement obj, string name)
    {
        if (!obj.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return Array.Empty<string>();
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            throw WrongType(name, "a list", value);
        }

        return value.EnumerateArray()
            .Select(item => item.ValueKind == JsonValueKind.String ? item.GetString() ?? string.Empty : item.GetRawText())
            .ToArray();
    }

    internal static JsonElement[] GetObjectArray(this JsonElement obj, string name)
    {
        if (!obj.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return Array.Empty<JsonElement>();
        }

        if (value.ValueKind != JsonValueKind.Array || value.EnumerateArray().Any(item => item.ValueKind != JsonValueKind.Object))
        {
            throw WrongType(name, "a list of objects", value);
        }

        return value.EnumerateArray().ToArray();
    }

    /// <summary>The object's fields as a case-insensitive dictionary of plain .NET values (for Raw).</summary>
    internal static Dictionary<string, object?> ToDictionary(this JsonElement obj)
    {
        var result = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
        foreach (var property in obj.EnumerateObject())
        {
            result[property.Name] = ToPlain(property.Value);
        }

        return result;
    }

    private static object? ToPlain(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => value.ToDictionary(),
        JsonValueKind.Array => value.EnumerateArray().Select(ToPlain).ToArray(),
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Number when value.TryGetInt64(out var number) => number,
        JsonValueKind.Number => value.GetDouble(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => null,
    };

    private static VaultResponseException WrongType(string name, string expected, JsonElement value) =>
        new($"Vault's field '{name}' should be {expected} but is {value.ValueKind.ToString().ToLowerInvariant()}.");
}
