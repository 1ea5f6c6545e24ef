using System.Globalization;

namespace VaultDr.Lab;

/// <summary>The Vault version a cluster emulates, and the behaviour that depends on it.</summary>
internal sealed record VaultVersion(int Major, int Minor, string Text)
{
    /// <summary>"1.15" or "1.15.2+ent" and the like; a part that is not a number counts as 1.0.</summary>
    public static VaultVersion Parse(string text)
    {
        var parts = (text ?? "").Split('+')[0].Split('.');
        var major = parts.Length > 0 && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var m) ? m : 1;
        var minor = parts.Length > 1 && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0;
        var core = parts.Length >= 3 ? string.Join('.', parts.Take(3)) : parts.Length == 2 ? $"{parts[0]}.{parts[1]}.0" : $"{parts[0]}.0.0";
        return new VaultVersion(major, minor, core + "+ent");
    }

    /// <summary>The generate-operation-token OTP: 28 characters from 1.10, 26 from 1.0 to 1.9, 0 (legacy: the caller's OTP) before 1.0.</summary>
    public int OtpLength => Major == 0 ? 0 : Major == 1 && Minor < 10 ? 26 : 28;

    /// <summary>Vault 2.x asks for a token on the generate-operation-token endpoints; earlier versions do not.</summary>
    public bool IsVault2OrLater => Major >= 2;
}
