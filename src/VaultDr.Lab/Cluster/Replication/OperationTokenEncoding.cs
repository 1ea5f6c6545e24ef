using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;

namespace VaultDr.Lab;

/// <summary>
/// The DR operation token a completed ceremony makes, and how it is handed back. By emulated version: before 1.0
/// (legacy) the caller sends <c>{"otp": base64 of 16 bytes}</c>, the token is a UUID and encoded_token = padded
/// base64(uuid bytes XOR otp bytes); 1.0 to 1.9 make a 26-char OTP and an "s." + 24 token; 1.10+ a 28-char OTP and
/// an "hvs." + 24 token, encoded_token = unpadded base64(token ASCII XOR OTP ASCII). With pgp_key the lab does NOT do
/// OpenPGP: pgp_fingerprint is the hex SHA-1 of the decoded key bytes and encoded_token is base64(12-byte nonce |
/// 16-byte tag | AES-256-GCM ciphertext of the token under SHA-256(key bytes)): opaque to the caller, like a real
/// PGP message without the private key.
/// </summary>
internal static class OperationTokenEncoding
{
    /// <summary>A new token and its encoded form.</summary>
    /// <param name="attempt">The completed attempt: its OTP, legacy OTP or PGP key says how to encode.</param>
    /// <param name="otpLength">The version's OTP length (<see cref="VaultVersion.OtpLength"/>); 0 for legacy.</param>
    public static (string Token, string Encoded) Issue(CeremonyAttempt attempt, int otpLength)
    {
        if (otpLength == 0)
        {
            var uuid = Guid.NewGuid();
            var legacyToken = uuid.ToString("D");
            if (attempt.LegacyOtp is not { } legacyOtp)
            {
                return (legacyToken, PgpLikeEncrypt(attempt.PgpKey!, legacyToken));
            }

            var bytes = uuid.ToByteArray(bigEndian: true);
            for (var i = 0; i < bytes.Length; i++)
            {
                bytes[i] ^= legacyOtp[i];
            }

            return (legacyToken, Convert.ToBase64String(bytes));
        }

        var token = (otpLength == 28 ? "hvs." : "s.") + LabCrypto.Base62(24);
        if (attempt.Otp is not { } otp)
        {
            return (token, PgpLikeEncrypt(attempt.PgpKey!, token));
        }

        var xored = new byte[token.Length];
        for (var i = 0; i < xored.Length; i++)
        {
            xored[i] = (byte)(token[i] ^ otp[i]);
        }

        return (token, Convert.ToBase64String(xored).TrimEnd('='));
    }

    /// <summary>An OpenPGP v4 fingerprint is SHA-1 too; here it only names the key, it protects nothing.</summary>
    [SuppressMessage("Security", "CA5350:Do Not Use Weak Cryptographic Algorithms", Justification = "A fingerprint in Vault's format, not a security measure.")]
    public static string PgpFingerprint(byte[] pgpKey) => LabCrypto.Hex(SHA1.HashData(pgpKey));

    private static string PgpLikeEncrypt(byte[] pgpKey, string token)
    {
        var key = SHA256.HashData(pgpKey);
        var nonce = RandomNumberGenerator.GetBytes(12);
        var plain = Encoding.ASCII.GetBytes(token);
        var cipher = new byte[plain.Length];
        var tag = new byte[16];
        using (var aes = new AesGcm(key, 16))
        {
            aes.Encrypt(nonce, plain, cipher, tag);
        }

        return Convert.ToBase64String([.. nonce, .. tag, .. cipher]);
    }
}
