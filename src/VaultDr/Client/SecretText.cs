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
