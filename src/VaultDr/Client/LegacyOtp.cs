using System.Security;
using System.Security.Cryptography;

namespace VaultDr.Client;

/// <summary>The caller-made OTP that Vault before 1.0 needs: 16 random bytes, standard base64.</summary>
internal static class LegacyOtp
{
    internal static SecureString Create() => SecretText.Protect(Convert.ToBase64String(RandomNumberGenerator.GetBytes(16)));
}
