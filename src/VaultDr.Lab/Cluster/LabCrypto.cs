using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace VaultDr.Lab;

/// <summary>Random values, key-share parsing, durations and JSON output shared by the emulated clusters.</summary>
internal static class LabCrypto
{
    private const string Base62Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    public static readonly JsonSerializerOptions Json = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static string Base62(int length) => RandomNumberGenerator.GetString(Base62Alphabet, length);

    public static string Uuid() => Guid.NewGuid().ToString("D");

    public static string Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(bytes);

    /// <summary>A key share as hex (tried first, like Vault) or standard base64.</summary>
    public static bool TryDecodeKey(string text, out byte[] bytes)
    {
        bytes = [];
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        if (text.Length % 2 == 0 && text.All(Uri.IsHexDigit))
        {
            bytes = Convert.FromHexString(text);
            return true;
        }

        try
        {
            bytes = Convert.FromBase64String(text);
            return bytes.Length > 0;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    public static string Base64UrlNoPad(ReadOnlySpan<byte> bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static byte[]? FromBase64Url(string text)
    {
        var s = text.Replace('-', '+').Replace('_', '/');
        s = s.PadRight(s.Length + ((4 - (s.Length % 4)) % 4), '=');
        try
        {
            return Convert.FromBase64String(s);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>RFC 3339 with the offset of <paramref name="zone"/> ("Z" for UTC), as Go prints it.</summary>
    public static string Rfc3339(DateTimeOffset instant, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTime(instant, zone);
        var text = local.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);
        return local.Offset == TimeSpan.Zero ? text + "Z" : text + local.ToString("zzz", CultureInfo.InvariantCulture);
    }

    /// <summary>RFC 3339 with the fraction of the second (trailing zeros left out), as Go's time.Time marshals to JSON.</summary>
    public static string Rfc3339Nano(DateTimeOffset instant, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTime(instant, zone);
        var text = local.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff", CultureInfo.InvariantCulture).TrimEnd('0').TrimEnd('.');
        return local.Offset == TimeSpan.Zero ? text + "Z" : text + local.ToString("zzz", CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Parses a Vault duration: a whole number of seconds ("1800"), or Go duration text
    /// ("30m", "1h30m", "1800s", "500ms"). Negative or empty is rejected.
    /// </summary>
    public static bool TryParseDuration(string text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        text = text.Trim();
        if (text.Length == 0)
        {
            return false;
        }

        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            duration = TimeSpan.FromSeconds(seconds);
            return true;
        }

        var i = 0;
        double totalMs = 0;
        while (i < text.Length)
        {
            var start = i;
            while (i < text.Length && (char.IsAsciiDigit(text[i]) || text[i] == '.'))
            {
                i++;
            }

            if (start == i || !double.TryParse(text.AsSpan(start, i - start), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
            {
                return false;
            }

            var unitStart = i;
            while (i < text.Length && char.IsAsciiLetter(text[i]) || i < text.Length && text[i] == 'µ')
            {
                i++;
            }

            double factor = text[unitStart..i] switch
            {
                "ns" => 1e-6,
                "us" or "µs" => 1e-3,
                "ms" => 1,
                "s" => 1000,
                "m" => 60_000,
                "h" => 3_600_000,
                "d" => 86_400_000,
                _ => double.NaN,
            };
            if (double.IsNaN(factor))
            {
                return false;
            }

            totalMs += number * factor;
        }

        duration = TimeSpan.FromMilliseconds(totalMs);
        return true;
    }

    /// <summary>Reads a duration field that may be a JSON string or number (seconds).</summary>
    public static bool TryReadDuration(JsonElement? body, string name, TimeSpan fallback, out TimeSpan duration, out string raw)
    {
        duration = fallback;
        raw = "";
        if (body is not { } json || !json.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var seconds) && seconds >= 0)
        {
            duration = seconds == 0 ? fallback : TimeSpan.FromSeconds(seconds);
            return true;
        }

        raw = value.ValueKind == JsonValueKind.String ? value.GetString() ?? "" : value.GetRawText();
        if (raw.Length == 0)
        {
            return true;
        }

        if (!TryParseDuration(raw, out duration))
        {
            return false;
        }

        if (duration == TimeSpan.Zero)
        {
            duration = fallback;
        }

        return true;
    }

    public static string? ReadString(JsonElement? body, string name) =>
        body is { } json && json.TryGetProperty(name, out var value)
            ? value.ValueKind switch
            {
                JsonValueKind.String => value.GetString(),
                JsonValueKind.Null => null,
                _ => value.GetRawText(),
            }
            : null;

    public static bool ReadBool(JsonElement? body, string name)
    {
        if (body is not { } json || !json.TryGetProperty(name, out var value))
        {
            return false;
        }

        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.String => bool.TryParse(value.GetString(), out var b) ? b : value.GetString() == "1",
            JsonValueKind.Number => value.TryGetInt64(out var n) && n != 0,
            _ => false,
        };
    }

    /// <summary>A comma-separated string or a JSON array of strings.</summary>
    public static List<string> ReadStringList(JsonElement? body, string name)
    {
        var list = new List<string>();
        if (body is not { } json || !json.TryGetProperty(name, out var value))
        {
            return list;
        }

        if (value.ValueKind == JsonValueKind.Array)
        {
            list.AddRange(value.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.String).Select(e => e.GetString()!.Trim()));
        }
        else if (value.ValueKind == JsonValueKind.String)
        {
            list.AddRange(value.GetString()!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        }

        return list.Where(s => s.Length > 0).Distinct(StringComparer.Ordinal).ToList();
    }

    [SuppressMessage("Security", "CA5350:Do Not Use Weak Cryptographic Algorithms", Justification = "Vault's merkle root format (40 hex characters), not a security measure.")]
    public static string Sha1Hex(string text) => Hex(SHA1.HashData(Encoding.UTF8.GetBytes(text)));
}

/// <summary>The ES512 JWT Vault uses as a wrapping token (real P-521 signature over header.claims).</summary>
internal sealed class WrappingTokenSigner : IDisposable
{
    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP521);

    public string Sign(string addr, DateTimeOffset issuedAt, DateTimeOffset expiresAt, string jti)
    {
        var header = LabCrypto.Base64UrlNoPad("""{"alg":"ES512","typ":"JWT"}"""u8);
        var claims = JsonSerializer.SerializeToUtf8Bytes(
            new SortedDictionary<string, object>(StringComparer.Ordinal)
            {
                ["addr"] = addr,
                ["exp"] = expiresAt.ToUnixTimeSeconds(),
                ["iat"] = issuedAt.ToUnixTimeSeconds(),
                ["jti"] = jti,
                ["type"] = "wrapping",
            },
            LabCrypto.Json);
        var signingInput = header + "." + LabCrypto.Base64UrlNoPad(claims);
        var signature = _key.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA512, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        return signingInput + "." + LabCrypto.Base64UrlNoPad(signature);
    }

    /// <summary>Checks the signature and returns the jti claim; null when not a JWT of this key.</summary>
    public string? Verify(string jwt)
    {
        var parts = jwt.Split('.');
        if (parts.Length != 3)
        {
            return null;
        }

        var signature = LabCrypto.FromBase64Url(parts[2]);
        if (signature is null || !_key.VerifyData(Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), signature, HashAlgorithmName.SHA512, DSASignatureFormat.IeeeP1363FixedFieldConcatenation))
        {
            return null;
        }

        return ReadClaim(jwt, "jti");
    }

    /// <summary>Reads a string claim without checking the signature (the addr claim, before unwrapping).</summary>
    public static string? ReadClaim(string jwt, string claim)
    {
        var parts = jwt.Split('.');
        if (parts.Length != 3 || LabCrypto.FromBase64Url(parts[1]) is not { } payload)
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(payload);
            return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty(claim, out var value) && value.ValueKind == JsonValueKind.String
                ? value.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public void Dispose() => _key.Dispose();
}

/// <summary>
/// The lab's scheme for secondary-token with secondary_public_key (Vault's own scheme is internal):
/// the secondary's key is an ECDH P-256 key whose SubjectPublicKeyInfo (DER, standard base64) is the
/// secondary_public_key. The primary makes an ephemeral P-256 key, derives SHA-256(ECDH secret) as an
/// AES-256-GCM key and returns base64( 0x01 | len(ephemeral SPKI) as 2 bytes big-endian | ephemeral SPKI
/// | 12-byte nonce | 16-byte tag | ciphertext of the credentials JSON ). Tampering fails the GCM tag.
/// </summary>
internal static class SealedBox
{
    public static string Seal(string recipientPublicKeyBase64, byte[] plaintext)
    {
        using var recipient = ECDiffieHellman.Create();
        recipient.ImportSubjectPublicKeyInfo(Convert.FromBase64String(recipientPublicKeyBase64), out _);
        using var ephemeral = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        var key = ephemeral.DeriveKeyFromHash(recipient.PublicKey, HashAlgorithmName.SHA256);
        var spki = ephemeral.ExportSubjectPublicKeyInfo();
        var nonce = RandomNumberGenerator.GetBytes(12);
        var tag = new byte[16];
        var cipher = new byte[plaintext.Length];
        using (var aes = new AesGcm(key, 16))
        {
            aes.Encrypt(nonce, plaintext, cipher, tag);
        }

        var output = new List<byte>(1 + 2 + spki.Length + 12 + 16 + cipher.Length) { 0x01, (byte)(spki.Length >> 8), (byte)spki.Length };
        output.AddRange(spki);
        output.AddRange(nonce);
        output.AddRange(tag);
        output.AddRange(cipher);
        return Convert.ToBase64String(output.ToArray());
    }

    public static bool IsValidPublicKey(string base64)
    {
        try
        {
            using var key = ECDiffieHellman.Create();
            key.ImportSubjectPublicKeyInfo(Convert.FromBase64String(base64), out _);
            return true;
        }
        catch (Exception e) when (e is FormatException or CryptographicException)
        {
            return false;
        }
    }

    public static byte[]? Open(ECDiffieHellman recipient, string token)
    {
        try
        {
            var bytes = Convert.FromBase64String(token);
            if (bytes.Length < 3 || bytes[0] != 0x01)
            {
                return null;
            }

            var spkiLength = (bytes[1] << 8) | bytes[2];
            var offset = 3;
            if (bytes.Length < offset + spkiLength + 28)
            {
                return null;
            }

            using var ephemeral = ECDiffieHellman.Create();
            ephemeral.ImportSubjectPublicKeyInfo(bytes.AsSpan(offset, spkiLength), out _);
            offset += spkiLength;
            var key = recipient.DeriveKeyFromHash(ephemeral.PublicKey, HashAlgorithmName.SHA256);
            var nonce = bytes.AsSpan(offset, 12);
            var tag = bytes.AsSpan(offset + 12, 16);
            var cipher = bytes.AsSpan(offset + 28);
            var plain = new byte[cipher.Length];
            using var aes = new AesGcm(key, 16);
            aes.Decrypt(nonce, cipher, tag, plain);
            return plain;
        }
        catch (Exception e) when (e is FormatException or CryptographicException or ArgumentException)
        {
            return null;
        }
    }
}
