using VaultDr.Pgp;

namespace VaultDr.Commands;

/// <summary>The PGP key of a DR operation token ceremony, from -PgpKey (base64, as Vault takes it) or -PgpKeyPath (a key file).</summary>
internal static partial class ArgumentChecks
{
    /// <summary>
    /// The key the token is to be encrypted for, read and checked before any request (a private key, a sign-only or
    /// expired key and a file of several keys are refused); null for neither parameter.
    /// </summary>
    /// <param name="pgpKeyPath">-PgpKeyPath, already a file system path.</param>
    internal static PgpRecipient? PgpRecipient(string? pgpKey, string? pgpKeyPath, DateTime utcNow)
    {
        if (pgpKey is not null && pgpKeyPath is not null)
        {
            throw new VaultDrArgumentException("VaultDrPgpKeyConflict", "Give the key once: -PgpKeyPath (a key file, armored or binary) or -PgpKey (base64 of the binary key), not both.");
        }

        return pgpKeyPath is not null ? PgpKeyFiles.ReadPublicKeyFile(pgpKeyPath, "PgpKeyPath", utcNow)
            : pgpKey is not null ? PgpKeyFiles.ReadPublicKeyText(Text(pgpKey, "PgpKey"), "PgpKey", utcNow)
            : null;
    }
}
