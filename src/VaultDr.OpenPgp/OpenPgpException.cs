namespace VaultDr.OpenPgp;

/// <summary>What went wrong with a key, a message or a passphrase: the module turns each into its own error id.</summary>
internal enum OpenPgpFailure
{
    /// <summary>The content is not an OpenPGP key (nor armored, binary or base64 of one).</summary>
    NotAKey,

    /// <summary>A private key where a public key is wanted: Vault must never be given one.</summary>
    PrivateKeyGiven,

    /// <summary>More than one key in one file or value: Vault would use only the first.</summary>
    MoreThanOneKey,

    /// <summary>The key has no subkey (or primary key) that may encrypt now: sign-only, expired or revoked.</summary>
    CannotEncrypt,

    /// <summary>A private key was wanted: the content holds only public keys, or nothing of OpenPGP.</summary>
    NotAPrivateKey,

    /// <summary>The ciphertext is not an OpenPGP message encrypted for a public key.</summary>
    NotAMessage,

    /// <summary>None of the private keys given is a recipient of the message.</summary>
    NoMatchingKey,

    /// <summary>The matching private key is protected and no passphrase was given.</summary>
    PassphraseRequired,

    /// <summary>The passphrase does not unlock the matching private key.</summary>
    WrongPassphrase,

    /// <summary>The message failed its integrity check or could not be decrypted.</summary>
    Corrupt,
}

/// <summary>An OpenPGP failure in words for the user; never holds key material or plaintext.</summary>
internal sealed class OpenPgpException : Exception
{
    internal OpenPgpException(OpenPgpFailure failure, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Failure = failure;
    }

    internal OpenPgpFailure Failure { get; }
}
