using System.Security.Cryptography;
using System.Text;

namespace VaultDr.Lab;

// sys/replication/dr/secondary/generate-operation-token/{attempt,update}: the key-share ceremony.
//
// Token shapes by emulated version: before 1.0 (legacy) the caller sends {"otp": base64 of 16 bytes}, the
// token is a UUID and encoded_token = padded base64(uuid bytes XOR otp bytes); 1.0 to 1.9 make a 26-char OTP
// and an "s." + 24 token; 1.10+ a 28-char OTP and an "hvs." + 24 token, encoded_token = unpadded base64
// (token ASCII XOR OTP ASCII). With pgp_key the lab does NOT do OpenPGP: pgp_fingerprint is the hex SHA-1 of
// the decoded key bytes and encoded_token is base64(12-byte nonce | 16-byte tag | AES-256-GCM ciphertext of the
// token under SHA-256(key bytes)) - opaque to the caller, like a real PGP message without the private key.
public sealed partial class LabCluster
{
    private Ceremony? _ceremony;

    private sealed class Ceremony(string nonce)
    {
        public string Nonce { get; } = nonce;

        public string? Otp { get; set; }

        public byte[]? LegacyOtp { get; set; }

        public byte[]? PgpKey { get; set; }

        public string PgpFingerprint { get; set; } = "";

        public List<byte[]> Provided { get; } = [];
    }

    /// <summary>28 for 1.10+, 26 for 1.0 to 1.9, 0 (legacy, caller's OTP) before 1.0.</summary>
    private int OtpLength => _version.Major == 0 ? 0 : _version is { Major: 1, Minor: < 10 } ? 26 : 28;

    private LabResponse HandleCeremony(string method, string sub, LabRequest request)
    {
        // Vault 2.x requires a token on these endpoints; earlier versions accept unauthenticated calls.
        if (_version.Major >= 2 && Authenticate(request) is null)
        {
            return Error(403, VaultMessages.PermissionDenied);
        }

        var allowed = sub == "attempt" ? method is "GET" or "PUT" or "POST" or "DELETE" : method is "PUT" or "POST";
        if (!allowed)
        {
            return Unsupported();
        }

        if (_mode != ModeSecondary)
        {
            return Error(400, VaultMessages.NotADrSecondary);
        }

        if (sub == "update")
        {
            return CeremonyUpdate(request);
        }

        switch (method)
        {
            case "GET":
                return CeremonyStatus(_ceremony, otp: "", encodedToken: "", complete: false);
            case "DELETE":
                _ceremony = null;
                return NoContent();
        }

        if (_ceremony is not null)
        {
            return Error(400, VaultMessages.RootGenerationInProgress);
        }

        var body = request.Json;
        var ceremony = new Ceremony(LabCrypto.Uuid());
        var pgpKey = LabCrypto.ReadString(body, "pgp_key");
        if (!string.IsNullOrEmpty(pgpKey))
        {
            try
            {
                ceremony.PgpKey = Convert.FromBase64String(pgpKey);
            }
            catch (FormatException)
            {
                return Error(400, VaultMessages.PgpKeyInvalid);
            }

            ceremony.PgpFingerprint = LabCrypto.Hex(SHA1.HashData(ceremony.PgpKey));
        }
        else if (OtpLength == 0)
        {
            var otp = LabCrypto.ReadString(body, "otp");
            if (string.IsNullOrEmpty(otp))
            {
                return Error(400, VaultMessages.LegacyOtpRequired);
            }

            try
            {
                ceremony.LegacyOtp = Convert.FromBase64String(otp);
            }
            catch (FormatException)
            {
                return Error(400, VaultMessages.LegacyOtpInvalid);
            }

            if (ceremony.LegacyOtp.Length != 16)
            {
                return Error(400, VaultMessages.LegacyOtpInvalid);
            }
        }
        else
        {
            ceremony.Otp = LabCrypto.Base62(OtpLength);
        }

        _ceremony = ceremony;
        return CeremonyStatus(ceremony, otp: ceremony.Otp ?? "", encodedToken: "", complete: false);
    }

    private LabResponse CeremonyUpdate(LabRequest request)
    {
        var body = request.Json;
        var key = LabCrypto.ReadString(body, "key");
        if (string.IsNullOrEmpty(key))
        {
            return Error(400, VaultMessages.KeyMustBeSpecified);
        }

        if (!LabCrypto.TryDecodeKey(key, out var share))
        {
            return Error(400, VaultMessages.KeyNotHexOrBase64);
        }

        if (_ceremony is not { } ceremony)
        {
            return Error(400, VaultMessages.NoRootGenerationInProgress);
        }

        if (LabCrypto.ReadString(body, "nonce") != ceremony.Nonce)
        {
            return Error(400, VaultMessages.IncorrectNonce(ceremony.Nonce));
        }

        if (ceremony.Provided.Any(k => k.AsSpan().SequenceEqual(share)))
        {
            return Error(400, VaultMessages.KeyAlreadyProvided);
        }

        ceremony.Provided.Add(share);
        if (ceremony.Provided.Count < _options.KeyThreshold)
        {
            return CeremonyStatus(ceremony, otp: "", encodedToken: "", complete: false);
        }

        // Like Vault, a wrong share shows only when the threshold is reached; the progress is reset.
        var valid = ceremony.Provided.All(IsCurrentKey);
        ceremony.Provided.Clear();
        if (!valid)
        {
            return Error(400, VaultMessages.RootKeyVerificationFailed);
        }

        string token;
        string encoded;
        if (OtpLength == 0)
        {
            var uuid = Guid.NewGuid();
            token = uuid.ToString("D");
            var bytes = uuid.ToByteArray(bigEndian: true);
            if (ceremony.LegacyOtp is { } otp)
            {
                for (var i = 0; i < bytes.Length; i++)
                {
                    bytes[i] ^= otp[i];
                }

                encoded = Convert.ToBase64String(bytes);
            }
            else
            {
                encoded = PgpLikeEncrypt(ceremony.PgpKey!, token);
            }
        }
        else
        {
            token = (OtpLength == 28 ? "hvs." : "s.") + LabCrypto.Base62(24);
            if (ceremony.Otp is { } otp)
            {
                var bytes = new byte[token.Length];
                for (var i = 0; i < bytes.Length; i++)
                {
                    bytes[i] = (byte)(token[i] ^ otp[i]);
                }

                encoded = Convert.ToBase64String(bytes).TrimEnd('=');
            }
            else
            {
                encoded = PgpLikeEncrypt(ceremony.PgpKey!, token);
            }
        }

        _operationTokens.Add(token);
        _ceremony = null;
        var done = new Ceremony(ceremony.Nonce) { PgpFingerprint = ceremony.PgpFingerprint };
        return CeremonyStatus(done, otp: "", encodedToken: encoded, complete: true);
    }

    private LabResponse CeremonyStatus(Ceremony? ceremony, string otp, string encodedToken, bool complete) =>
        new(200, Serialize(new OrderedDictionary<string, object?>
        {
            ["nonce"] = ceremony?.Nonce ?? "",
            ["started"] = ceremony is not null,
            ["progress"] = complete ? _options.KeyThreshold : ceremony?.Provided.Count ?? 0,
            ["required"] = _options.KeyThreshold,
            ["complete"] = complete,
            ["encoded_token"] = encodedToken,
            ["encoded_root_token"] = "",
            ["pgp_fingerprint"] = ceremony?.PgpFingerprint ?? "",
            ["otp"] = otp,
            ["otp_length"] = OtpLength,
        }));

    private static string PgpLikeEncrypt(byte[] pgpKey, string token)
    {
        var key = SHA256.HashData(pgpKey);
        var nonce = RandomNumberGenerator.GetBytes(12);
        var plain = Encoding.ASCII.GetBytes(token);
        var cipher = new byte[plain.Length];
        var tag = new byte[16];
        using (var aes = new AesGcm(key, 16))
        {
            aes.Encrypt(nonce, plain, cipher, tag);
        }

        return Convert.ToBase64String([.. nonce, .. tag, .. cipher]);
    }
}
