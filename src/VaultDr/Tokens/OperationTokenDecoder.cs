using System.Security.Cryptography;
using System.Text;

namespace VaultDr.Tokens;

/// <summary>
/// Turns the <c>encoded_token</c> of a finished generate-operation-token run back into the token,
/// using the OTP from the start response (Vault's sdk/helper/roottoken DecodeToken).
/// </summary>
internal static class OperationTokenDecoder
{
    private const int LegacyOtpBytes = 16;
    private const int LegacyOtpChars = 24;

    /// <summary>
    /// Decodes <paramref name="encodedToken"/> with <paramref name="otp"/>. The scheme follows from
    /// the OTP: 24 base64 characters ending in "==" is the pre-1.0 16-byte OTP (the token is a
    /// UUID); letters and digits is the modern OTP (the token is text as long as the OTP).
    /// Surrounding whitespace on either value is ignored, since both are usually pasted.
    /// </summary>
    /// <exception cref="TokenFormatException">Either value is empty or malformed, their lengths
    /// differ, or the result is not printable text (the OTP belongs to another run).</exception>
    internal static string Decode(string encodedToken, string otp)
    {
        var encoded = (encodedToken ?? string.Empty).AsSpan().Trim();
        var otpText = (otp ?? string.Empty).AsSpan().Trim();
        if (encoded.IsEmpty)
        {
            throw new TokenFormatException("The encoded token is empty.");
        }

        if (otpText.IsEmpty)
        {
            throw new TokenFormatException("The OTP is empty.");
        }

        if (IsLegacyOtp(otpText))
        {
            return DecodeLegacy(encoded, otpText);
        }

        if (!KeyShareFormat.IsValidBase62Otp(otpText))
        {
            throw new TokenFormatException(
                "The OTP is neither a base62 OTP (ASCII letters and digits) nor a legacy OTP (base64 of 16 bytes).");
        }

        var tokenBytes = DecodeBase64(encoded);
        try
        {
            if (tokenBytes.Length != otpText.Length)
            {
                throw new TokenFormatException(
                    $"The OTP is {otpText.Length} characters but the encoded token decodes to {tokenBytes.Length} bytes; they must be the same length.");
            }

            for (var i = 0; i < tokenBytes.Length; i++)
            {
                tokenBytes[i] ^= (byte)otpText[i];
            }

            if (tokenBytes.AsSpan().ContainsAnyExceptInRange((byte)' ', (byte)'~'))
            {
                throw new TokenFormatException(
                    "The decoded token is not printable text; this is the wrong OTP for this encoded token.");
            }

            return Encoding.ASCII.GetString(tokenBytes);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(tokenBytes);
        }
    }

    /// <summary>
    /// Encodes <paramref name="token"/> the way a modern Vault does: the token's ASCII bytes XOR the
    /// OTP's, as standard base64 without padding.
    /// </summary>
    /// <exception cref="TokenFormatException">Either value is empty, the token is not printable
    /// ASCII, the OTP is not base62, or their lengths differ.</exception>
    internal static string Encode(string token, string otp)
    {
        if (string.IsNullOrEmpty(token))
        {
            throw new TokenFormatException("The token is empty.");
        }

        if (string.IsNullOrEmpty(otp))
        {
            throw new TokenFormatException("The OTP is empty.");
        }

        if (!KeyShareFormat.IsValidBase62Otp(otp))
        {
            throw new TokenFormatException("The OTP is not base62 (ASCII letters and digits only).");
        }

        if (token.AsSpan().ContainsAnyExceptInRange(' ', '~'))
        {
            throw new TokenFormatException("The token contains characters other than printable ASCII.");
        }

        if (token.Length != otp.Length)
        {
            throw new TokenFormatException(
                $"The OTP is {otp.Length} characters but the token is {token.Length} characters; they must be the same length.");
        }

        var bytes = new byte[token.Length];
        try
        {
            for (var i = 0; i < bytes.Length; i++)
            {
                bytes[i] = (byte)(token[i] ^ otp[i]);
            }

            return Convert.ToBase64String(bytes).TrimEnd('=');
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
        }
    }

    /// <summary>
    /// Encodes a UUID token the way Vault before 1.0 did: its 16 bytes (in text order) XOR the
    /// 16-byte OTP, as padded standard base64. The OTP the user holds is the padded base64 of
    /// <paramref name="otp16"/>.
    /// </summary>
    /// <exception cref="TokenFormatException"><paramref name="otp16"/> is not 16 bytes.</exception>
    internal static string EncodeLegacy(Guid tokenUuid, byte[] otp16)
    {
        if (otp16 is null || otp16.Length != LegacyOtpBytes)
        {
            throw new TokenFormatException(
                $"A legacy OTP is {LegacyOtpBytes} bytes but {otp16?.Length ?? 0} bytes were given.");
        }

        var bytes = tokenUuid.ToByteArray(bigEndian: true);
        try
        {
            for (var i = 0; i < bytes.Length; i++)
            {
                bytes[i] ^= otp16[i];
            }

            return Convert.ToBase64String(bytes);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(bytes);
        }
    }

    // A modern OTP is base62 and can never contain '=', so this shape alone tells the schemes apart.
    private static bool IsLegacyOtp(ReadOnlySpan<char> otp) =>
        otp.Length == LegacyOtpChars && otp.EndsWith("==", StringComparison.Ordinal) && Base64Text.IsStandard(otp);

    private static string DecodeLegacy(ReadOnlySpan<char> encoded, ReadOnlySpan<char> otp)
    {
        if (!Base64Text.TryDecodeStandard(otp, out var otpBytes))
        {
            throw new TokenFormatException("The legacy OTP is not valid base64.");
        }

        var tokenBytes = DecodeBase64(encoded);
        try
        {
            if (tokenBytes.Length != otpBytes.Length)
            {
                throw new TokenFormatException(
                    $"The OTP is a legacy OTP of {otpBytes.Length} bytes but the encoded token decodes to {tokenBytes.Length} bytes; they must be the same length.");
            }

            for (var i = 0; i < tokenBytes.Length; i++)
            {
                tokenBytes[i] ^= otpBytes[i];
            }

            // Go's uuid.FormatUUID: the bytes in order, lowercase hex, 8-4-4-4-12.
            return new Guid(tokenBytes, bigEndian: true).ToString("D");
        }
        finally
        {
            CryptographicOperations.ZeroMemory(tokenBytes);
            CryptographicOperations.ZeroMemory(otpBytes);
        }
    }

    private static byte[] DecodeBase64(ReadOnlySpan<char> encoded) =>
        Base64Text.TryDecodeStandard(encoded, out var bytes)
            ? bytes
            : throw new TokenFormatException("The encoded token is not valid base64.");
}
