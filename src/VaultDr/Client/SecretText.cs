using System.Runtime.InteropServices;
using System.Security;

namespace VaultDr.Client;

/// <summary>
/// The one place where a SecureString becomes plain text (and back). Everything else passes
/// SecureString around; callers keep the plain value only for as long as one operation needs it.
/// </summary>
internal static class SecretText
{
    internal static string Reveal(SecureString secret)
    {
        var pointer = IntPtr.Zero;
        try
        {
            pointer = Marshal.SecureStringToGlobalAllocUnicode(secret);
            return Marshal.PtrToStringUni(pointer) ?? string.Empty;
        }
        finally
        {
            if (pointer != IntPtr.Zero)
            {
                Marshal.ZeroFreeGlobalAllocUnicode(pointer);
            }
        }
    }

    /// <summary>The characters of <paramref name="secret"/> in an array the caller clears (Array.Clear) as soon as it is done.</summary>
    internal static char[] RevealChars(SecureString secret)
    {
        var pointer = IntPtr.Zero;
        var chars = new char[secret.Length];
        try
        {
            pointer = Marshal.SecureStringToGlobalAllocUnicode(secret);
            Marshal.Copy(pointer, chars, 0, chars.Length);
            return chars;
        }
        finally
        {
            if (pointer != IntPtr.Zero)
            {
                Marshal.ZeroFreeGlobalAllocUnicode(pointer);
            }
        }
    }

    /// <summary>Printable ASCII bytes (a decrypted token or key share) as a SecureString, without a string in between.</summary>
    internal static SecureString Protect(ReadOnlySpan<byte> ascii)
    {
        var secret = new SecureString();
        foreach (var b in ascii)
        {
            secret.AppendChar((char)b);
        }

        secret.MakeReadOnly();
        return secret;
    }

    internal static SecureString Protect(string plain)
    {
        var secret = new SecureString();
        foreach (var c in plain)
        {
            secret.AppendChar(c);
        }

        secret.MakeReadOnly();
        return secret;
    }

    internal static bool IsEmpty(SecureString? secret) => secret is null || secret.Length == 0;
}
