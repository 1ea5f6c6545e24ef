using System.Diagnostics.CodeAnalysis;

namespace VaultDr.Tokens;

/// <summary>
/// Strict base64 checks and decoding. Convert.FromBase64String skips whitespace and wants padding;
/// Vault's values have no whitespace and come padded or not depending on the endpoint, so the
/// alphabet and padding are checked here and padding is optional.
/// </summary>
internal static class Base64Text
{
    /// <summary>True when <paramref name="text"/> is non-empty standard base64, padded or not.</summary>
    internal static bool IsStandard(ReadOnlySpan<char> text) => HasValidShape(text, urlAlphabet: false);

    /// <summary>Decodes standard base64, padded or not. False for anything else, including empty text.</summary>
    internal static bool TryDecodeStandard(ReadOnlySpan<char> text, [NotNullWhen(true)] out byte[]? bytes) =>
        TryDecode(text, urlAlphabet: false, out bytes);

    /// <summary>Decodes base64url (RFC 4648 section 5), padded or not. False for anything else, including empty text.</summary>
    internal static bool TryDecodeUrl(ReadOnlySpan<char> text, [NotNullWhen(true)] out byte[]? bytes) =>
        TryDecode(text, urlAlphabet: true, out bytes);

    private static bool TryDecode(ReadOnlySpan<char> text, bool urlAlphabet, [NotNullWhen(true)] out byte[]? bytes)
    {
        bytes = null;
        if (!HasValidShape(text, urlAlphabet))
        {
            return false;
        }

        var data = text.TrimEnd('=');
        var padded = new char[(data.Length + 3) / 4 * 4];
        for (var i = 0; i < padded.Length; i++)
        {
            padded[i] = i < data.Length ? ToStandardAlphabet(data[i]) : '=';
        }

        var buffer = new byte[padded.Length / 4 * 3];
        try
        {
            if (!Convert.TryFromBase64Chars(padded, buffer, out var written))
            {
                return false;
            }

            bytes = buffer.AsSpan(0, written).ToArray();
            return true;
        }
        finally
        {
            // Both buffers may hold a token or a key share.
            Array.Clear(padded);
            Array.Clear(buffer);
        }
    }

    private static bool HasValidShape(ReadOnlySpan<char> text, bool urlAlphabet)
    {
        var data = text.TrimEnd('=');
        var padding = text.Length - data.Length;
        if (data.IsEmpty || padding > 2)
        {
            return false;
        }

        // Padded text must fill whole 4-character groups; unpadded text cannot end one character
        // into a group, because one character carries only 6 of a byte's 8 bits.
        if (padding > 0 ? text.Length % 4 != 0 : data.Length % 4 == 1)
        {
            return false;
        }

        foreach (var c in data)
        {
            if (!IsAlphabetChar(c, urlAlphabet))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsAlphabetChar(char c, bool urlAlphabet) =>
        char.IsAsciiLetterOrDigit(c) || (urlAlphabet ? c is '-' or '_' : c is '+' or '/');

    private static char ToStandardAlphabet(char c) => c switch
    {
        '-' => '+',
        '_' => '/',
        _ => c,
    };
}
