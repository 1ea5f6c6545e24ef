using System.Text;

namespace VaultDr.Lab;

/// <summary>
/// The DR operation token a completed ceremony makes, and how it is handed back. By emulated version: before 1.0
/// (legacy) the caller sends <c>{"otp": base64 of 16 bytes}</c>, the token is a UUID and encoded_token = padded
/// base64(uuid bytes XOR otp bytes); 1.0 to 1.9 make a 26-char OTP and an "s." + 24 token; 1.10+ a 28-char OTP and
/// an "hvs." + 24 token, encoded_token = unpadded base64(token ASCII XOR OTP ASCII). With pgp_key, as Vault's
/// roottoken.EncodeToken does: encoded_token = padded base64 of a binary OpenPGP message of the token's bytes,
/// encrypted for that key (<see cref="VaultPgpKey"/>), which gpg --decrypt or Unprotect-VaultDrOperationToken opens.
/// </summary>
internal static class OperationTokenEncoding
{
    /// <summary>A new token and its encoded form; or, when the PGP key cannot encrypt, the error Vault answers.</summary>
    /// <param name="attempt">The completed attempt: its OTP, legacy OTP or PGP key says how to encode.</param>
    /// <param name="otpLength">The version's OTP length (<see cref="VaultVersion.OtpLength"/>); 0 for legacy.</param>
    public static (string Token, string? Encoded, string? Error) Issue(CeremonyAttempt attempt, int otpLength, DateTime utcNow)
    {
        var token = otpLength == 0 ? Guid.NewGuid().ToString("D") : (otpLength == 28 ? "hvs." : "s.") + LabCrypto.Base62(24);
        if (attempt.PgpKey is { } pgpKey)
        {
            var message = pgpKey.Encrypt(Encoding.ASCII.GetBytes(token), utcNow, out var error);
            return message is null ? (token, null, VaultMessages.PgpTokenEncryptionFailed(error!)) : (token, Convert.ToBase64String(message), null);
        }

        if (attempt.LegacyOtp is { } legacyOtp)
        {
            var bytes = Guid.Parse(token).ToByteArray(bigEndian: true);
            for (var i = 0; i < bytes.Length; i++)
            {
                bytes[i] ^= legacyOtp[i];
            }

            return (token, Convert.ToBase64String(bytes), null);
        }

        var otp = attempt.Otp!;
        var xored = new byte[token.Length];
        for (var i = 0; i < xored.Length; i++)
        {
            xored[i] = (byte)(token[i] ^ otp[i]);
        }

        return (token, Convert.ToBase64String(xored).TrimEnd('='), null);
    }
}
