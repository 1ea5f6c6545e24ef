using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Unicode;

namespace VaultDr.Tokens;

/// <summary>
/// Reads the claims of the wrapped activation token that <c>secondary-token</c> returns (an ES512
/// JWT), so a user can see which primary it points at and when it expires before enabling a
/// secondary. The signature is not checked: the secondary's unwrap call at the primary is what
/// proves the token, and nothing here grants trust.
/// </summary>
internal static class ActivationTokenReader
{
    // The range DateTimeOffset.FromUnixTimeSeconds accepts: 0001-01-01 to 9999-12-31.
    private const long MinUnixSeconds = -62_135_596_800;
    private const long MaxUnixSeconds = 253_402_300_799;

    /// <summary>Reads the claims of <paramref name="jwt"/>; surrounding whitespace is ignored.</summary>
    /// <exception cref="TokenFormatException">The text is not a JWT, a part is not base64url, the
    /// payload is not a JSON object, or a known claim has the wrong JSON type.</exception>
    internal static ActivationTokenClaims Read(string jwt)
    {
        var text = (jwt ?? string.Empty).Trim();
        if (text.Length == 0)
        {
            throw new TokenFormatException("The activation token is empty.");
        }

        var parts = text.Split('.');
        if (parts.Length != 3)
        {
            throw new TokenFormatException(
                $"The activation token is not a JWT: expected three dot-separated parts but found {parts.Length}.");
        }

        if (!Base64Text.TryDecodeUrl(parts[0], out _))
        {
            throw new TokenFormatException("The activation token's header is not valid base64url.");
        }

        if (!Base64Text.TryDecodeUrl(parts[1], out var payload))
        {
            throw new TokenFormatException("The activation token's payload is not valid base64url.");
        }

        // The signature is never used, but a character outside base64url means the text is damaged.
        if (parts[2].Length > 0 && !Base64Text.TryDecodeUrl(parts[2], out _))
        {
            throw new TokenFormatException("The activation token's signature is not valid base64url.");
        }

        return ReadClaims(payload);
    }

    /// <summary>Reads the claims of <paramref name="jwt"/>, or returns false where <see cref="Read"/> would throw.</summary>
    internal static bool TryRead(string jwt, [NotNullWhen(true)] out ActivationTokenClaims? claims)
    {
        try
        {
            claims = Read(jwt);
            return true;
        }
        catch (TokenFormatException)
        {
            claims = null;
            return false;
        }
    }

    private static ActivationTokenClaims ReadClaims(byte[] payload)
    {
        // JsonDocument checks UTF-8 only in the strings it is asked for; check all of it up front.
        if (!Utf8.IsValid(payload))
        {
            throw new TokenFormatException("The activation token's payload is not valid JSON.");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(payload);
        }
        catch (JsonException)
        {
            throw new TokenFormatException("The activation token's payload is not valid JSON.");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new TokenFormatException("The activation token's payload is not a JSON object.");
            }

            return new ActivationTokenClaims(
                Address: ReadString(root, "addr"),
                ExpiresAt: ReadNumericDate(root, "exp"),
                IssuedAt: ReadNumericDate(root, "iat"),
                Id: ReadString(root, "jti"),
                Type: ReadString(root, "type"));
        }
    }

    private static string? ReadString(JsonElement claims, string name)
    {
        if (!claims.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : throw new TokenFormatException($"The activation token's '{name}' claim is not a string.");
    }

    // A JWT NumericDate is seconds since the Unix epoch and may carry a fraction (RFC 7519 section 2).
    private static DateTimeOffset? ReadNumericDate(JsonElement claims, string name)
    {
        if (!claims.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number)
        {
            throw new TokenFormatException($"The activation token's '{name}' claim is not a number.");
        }

        if (value.TryGetInt64(out var wholeSeconds))
        {
            if (wholeSeconds is >= MinUnixSeconds and <= MaxUnixSeconds)
            {
                return DateTimeOffset.FromUnixTimeSeconds(wholeSeconds);
            }
        }
        else if (value.TryGetDouble(out var seconds) && seconds >= MinUnixSeconds && seconds <= MaxUnixSeconds)
        {
            return DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(seconds * 1000));
        }

        throw new TokenFormatException($"The activation token's '{name}' claim is not a date between the years 1 and 9999.");
    }
}
