using System.Globalization;

namespace VaultDr.Lab;

/// <summary>The lab process's command line.</summary>
public sealed record LabArguments(LabOptions Options, string? CaOut, int? ParentPid, bool ReadyJson)
{
    public const string Usage = """
        Usage: VaultDr.Lab [options]
          --clusters N          clusters vault-1..vault-N to run (1-64, default 2)
          --tls                 serve HTTPS with an in-memory CA (written as PEM, see --ca-out)
          --ca-out PATH         where to write the CA certificate (default: temp folder)
          --cert-valid-days N   with --tls: API certificates expire N days from now (-3650-3650, default 365;
                                0 or less: already expired); cluster listeners keep their own certificates
          --key-shares N        unseal key shares (1-255, default 5); recovery key shares with --auto-unseal
          --key-threshold N     unseal key threshold (1-shares, default 3); recovery threshold with --auto-unseal
          --auto-unseal         clusters unseal through a KMS (seal type transit) and have recovery keys
          --pgp-key FILE        an OpenPGP public key (armored, binary or base64) per share, in order, as
                                vault operator init -pgp-keys: the shares then exist only encrypted (not with --auto-unseal)
          --vault-version V     Vault version to emulate: 1.15 (default), 2.0, 1.9, 0.11
          --state-step-ms N     secondary state step delay (default 150)
          --catch-up-ms N       secondary WAL catch-up delay (default 300)
          --heartbeat-ms N      heartbeat / WAL poll interval (default 100)
          --parent-pid PID      exit when that process exits
          --ready-json          print one line 'VAULTDR-LAB-READY {json}' when ready (for programs);
                                then also exit when stdin reaches end of file, if stdin is redirected
        Control API: GET /lab on the control address printed at start.
        """;

    /// <summary>A Vault version as the lab takes it: 1.15, 1.17.3 or 2.0 (FormatException naming <paramref name="what"/> otherwise).</summary>
    public static string CheckVersion(string version, string what) =>
        Version.TryParse(version, out var parsed) && parsed.Revision < 0
            ? version
            : throw new FormatException($"{what} must look like 1.15 or 1.17.3 (got '{version}').");

    /// <summary>Parses <paramref name="args"/>; on error returns null and a message.</summary>
    public static LabArguments? Parse(IReadOnlyList<string> args, out string? error)
    {
        error = null;
        int clusters = 2, shares = 5, threshold = 3, stateStep = 150, catchUp = 300, heartbeat = 100, certificateDays = 365;
        var certificateDaysGiven = false;
        int? parentPid = null;
        string version = "1.15";
        string? caOut = null;
        var pgpKeys = new List<string>();
        bool tls = false, readyJson = false, autoUnseal = false;
        try
        {
            for (var i = 0; i < args.Count; i++)
            {
                var arg = args[i];
                string Value() => i + 1 < args.Count ? args[++i] : throw new FormatException($"{arg} needs a value.");
                int Number(int min, int max)
                {
                    var text = Value();
                    return int.TryParse(text, min < 0 ? NumberStyles.AllowLeadingSign : NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max
                        ? n
                        : throw new FormatException($"{arg} must be an integer from {min} to {max} (got '{text}').");
                }

                switch (arg.ToLowerInvariant())
                {
                    case "--clusters": clusters = Number(1, 64); break;
                    case "--tls": tls = true; break;
                    case "--ca-out": caOut = Value(); break;
                    case "--cert-valid-days": certificateDays = Number(-LabCertificates.MaxValidDays, LabCertificates.MaxValidDays); certificateDaysGiven = true; break;
                    case "--key-shares": shares = Number(1, 255); break;
                    case "--key-threshold": threshold = Number(1, 255); break;
                    case "--auto-unseal": autoUnseal = true; break;
                    case "--vault-version": version = CheckVersion(Value(), "--vault-version"); break;
                    case "--pgp-key": pgpKeys.Add(PgpKey(Value())); break;
                    case "--state-step-ms": stateStep = Number(0, 600_000); break;
                    case "--catch-up-ms": catchUp = Number(0, 600_000); break;
                    case "--heartbeat-ms": heartbeat = Number(1, 600_000); break;
                    case "--parent-pid": parentPid = Number(1, int.MaxValue); break;
                    case "--ready-json": readyJson = true; break;
                    default: throw new FormatException($"Unknown argument '{arg}'.");
                }
            }

            if (certificateDaysGiven && !tls)
            {
                throw new FormatException("--cert-valid-days sets the dates of TLS certificates: add --tls.");
            }

            if (threshold > shares)
            {
                throw new FormatException($"--key-threshold ({threshold}) cannot exceed --key-shares ({shares}).");
            }

            if (pgpKeys.Count > 0 && autoUnseal)
            {
                // Vault encrypts recovery keys with -recovery-pgp-keys, a separate option the lab does not emulate.
                throw new FormatException("--pgp-key encrypts unseal keys; an --auto-unseal cluster has recovery keys instead: give one or the other.");
            }

            if (pgpKeys.Count > 0 && pgpKeys.Count != shares)
            {
                throw new FormatException($"{VaultMessages.IncorrectNumberOfPgpKeys}: {pgpKeys.Count} --pgp-key for {shares} --key-shares (one key per share).");
            }
        }
        catch (FormatException e)
        {
            error = e.Message;
            return null;
        }

        var options = new LabOptions
        {
            ClusterCount = clusters,
            Tls = tls,
            CertificateValidDays = certificateDays,
            KeyShares = shares,
            KeyThreshold = threshold,
            AutoUnseal = autoUnseal,
            PgpKeys = pgpKeys,
            VaultVersion = version,
            StateStepDelay = TimeSpan.FromMilliseconds(stateStep),
            CatchUpDelay = TimeSpan.FromMilliseconds(catchUp),
            HeartbeatInterval = TimeSpan.FromMilliseconds(heartbeat),
        };
        return new LabArguments(options, caOut, parentPid, readyJson);
    }

    /// <summary>A --pgp-key file read as Vault's CLI reads -pgp-keys files, checked as Vault checks pgp_keys at init.</summary>
    private static string PgpKey(string path)
    {
        var key = VaultPgpKey.ReadFile(path, out var readError) ?? throw new FormatException($"--pgp-key {path}: {readError}");
        var parsed = VaultPgpKey.Parse(key, out var parseError) ?? throw new FormatException($"--pgp-key {path}: {parseError}");
        return parsed.CanEncrypt(DateTime.UtcNow)
            ? key
            : throw new FormatException($"--pgp-key {path}: nothing can be encrypted to key {parsed.Fingerprint} (no valid encryption subkey).");
    }
}
