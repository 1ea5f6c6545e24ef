using System.Security;
using VaultDr.Tokens;

namespace VaultDr.Client;

/// <summary>Decodes an OTP-encoded DR operation token without letting either secret out of SecureString.</summary>
internal static class OperationTokenSecrets
{
    /// <exception cref="TokenFormatException">The encoded token or OTP is malformed, or they do not belong together.</exception>
    internal static SecureString Decode(SecureString encodedToken, SecureString otp) =>
        SecretText.Protect(OperationTokenDecoder.Decode(SecretText.Reveal(encodedToken).Trim(), SecretText.Reveal(otp).Trim()));
}
