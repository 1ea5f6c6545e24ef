using System.Text;
using Org.BouncyCastle.Bcpg;

namespace VaultDr.OpenPgp;

/// <summary>
/// OpenPGP data as people keep it: ASCII-armored (gpg --armor), binary (gpg --export), or base64 of the binary (what
/// Vault's pgp_key and its -pgp-keys files hold). Everything here is turned into the binary packets.
/// </summary>
internal static class PgpEncoding
{
    private const string ArmorStart = "-----BEGIN PGP ";

    /// <summary>The binary packets of <paramref name="content"/>; null when it is none of the three forms.</summary>
    internal static byte[]? ToBinary(ReadOnlySpan<byte> content)
    {
        var start = 0;
        while (start < content.Length && IsWhiteSpace(content[start]))
        {
            start++;
        }

        if (start == content.Length)
        {
            return null;
        }

        // Every OpenPGP packet header has its top bit set; no text does.
        if ((content[start] & 0x80) != 0)
        {
            return content.ToArray();
        }

        var text = Encoding.ASCII.GetString(content[start..]).TrimEnd();
        if (text.StartsWith(ArmorStart, StringComparison.Ordinal))
        {
            return Dearmor(text);
        }

        var compact = string.Concat(text.Where(c => !char.IsWhiteSpace(c)));
        var buffer = new byte[compact.Length * 3 / 4 + 3];
        return Convert.TryFromBase64String(compact, buffer, out var written) && written > 0 && (buffer[0] & 0x80) != 0
            ? buffer[..written]
            : null;
    }

    /// <summary>The armored form (gpg --armor) of binary packets.</summary>
    internal static string Armor(byte[] binary)
    {
        using var output = new MemoryStream();
        using (var armored = new ArmoredOutputStream(output))
        {
            armored.Write(binary, 0, binary.Length);
        }

        // The block's title (PUBLIC KEY BLOCK, PRIVATE KEY BLOCK) follows from the first packet.
        return Encoding.ASCII.GetString(output.ToArray());
    }

    /// <summary>
    /// What BouncyCastle throws for data it cannot parse or decrypt: its own exceptions (some of which derive from
    /// nothing more specific than Exception, such as UnsupportedPacketVersionException) and the .NET ones its parsers
    /// let through on damaged input. Our own OpenPgpException passes.
    /// </summary>
    internal static bool IsParseFailure(Exception e) =>
        e is not (OpenPgpException or OutOfMemoryException or OperationCanceledException)
        && (e is IOException or ArgumentException or InvalidOperationException or InvalidCastException or IndexOutOfRangeException or OverflowException
            || e.GetType().Namespace?.StartsWith("Org.BouncyCastle", StringComparison.Ordinal) == true);

    private static byte[]? Dearmor(string text)
    {
        try
        {
            using var armored = new ArmoredInputStream(new MemoryStream(Encoding.ASCII.GetBytes(text)));
            using var binary = new MemoryStream();
            armored.CopyTo(binary);
            return binary.Length > 0 ? binary.ToArray() : null;
        }
        catch (IOException)
        {
            // A damaged armor (bad base64, wrong checksum) is no OpenPGP data we can use.
            return null;
        }
    }

    private static bool IsWhiteSpace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n';
}
