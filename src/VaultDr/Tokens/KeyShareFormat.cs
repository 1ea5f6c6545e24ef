using System.Buffers;

namespace VaultDr.Tokens;

/// <summary>
/// Shape checks for what a user types in during generate-operation-token, so a typo is reported
/// before the share is sent (Vault answers 400 "'key' must be a valid hex or base64 string").
/// </summary>
internal static class KeyShareFormat
{
    private static readonly SearchValues<char> Base62Alphabet =
        SearchValues.Create("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");

    private static readonly SearchValues<char> HexAlphabet =
        SearchValues.Create("0123456789ABCDEFabcdef");

    /// <summary>
    /// True when <paramref name="share"/> is non-empty hex of even length (either case) or standard
    /// base64, padded or not. Vault tries hex first, then padded base64; unseal and recovery shares
    /// are 33 bytes (44 base64 characters), which need no padding.
    /// </summary>
    internal static bool IsValid(ReadOnlySpan<char> share) => IsHex(share) || Base64Text.IsStandard(share);

    /// <summary>True when <paramref name="otp"/> is non-empty and only ASCII letters and digits.</summary>
    internal static bool IsValidBase62Otp(ReadOnlySpan<char> otp) =>
        !otp.IsEmpty && !otp.ContainsAnyExcept(Base62Alphabet);

    private static bool IsHex(ReadOnlySpan<char> text) =>
        !text.IsEmpty && text.Length % 2 == 0 && !text.ContainsAnyExcept(HexAlphabet);
}
