namespace VaultDr.Tokens;

/// <summary>
/// A token, OTP or key share is not in the shape Vault produces. The message says what was wrong,
/// never the value itself, because the value is usually a secret.
/// </summary>
public sealed class TokenFormatException : FormatException
{
    public TokenFormatException(string message)
        : base(message)
    {
    }
}
