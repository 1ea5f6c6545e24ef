using System.Management.Automation;
using System.Security;
using VaultDr.Client;
using VaultDr.OpenPgp;

namespace VaultDr.Commands;

/// <summary>
/// Makes throwaway OpenPGP key pairs to rehearse PGP ceremonies with (Start-VaultDrLab -PgpKeyPath,
/// New-VaultDrOperationToken -PgpKeyPath, Unprotect-*): RSA 2048 with an encryption subkey, as gpg makes them, written
/// ASCII-armored into a folder. For rehearsals only: real key holders make their keys with their own tools.
/// </summary>
[Cmdlet(VerbsCommon.New, "VaultDrLabPgpKey", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(LabPgpKey))]
public sealed class NewVaultDrLabPgpKeyCommand : VaultDrCmdlet
{
    private const int ProgressId = 1;

    /// <summary>The folder for the key files (made if missing).</summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = string.Empty;

    /// <summary>How many key pairs: one per key holder (per share, for Start-VaultDrLab -PgpKeyPath).</summary>
    [Parameter]
    [ValidateRange(1, 10)]
    public int Count { get; set; } = 1;

    /// <summary>The files' and user ids' stem: NAME-1.pub.asc, NAME-1.key.asc, ...</summary>
    [Parameter]
    [ValidatePattern("^[A-Za-z0-9][A-Za-z0-9_.-]{0,23}$")]
    public string Name { get; set; } = "keyholder";

    /// <summary>Protects every private key with this passphrase; without it the private keys are unprotected.</summary>
    [Parameter]
    [SecretTransformation]
    public SecureString? Passphrase { get; set; }

    /// <summary>Overwrite key files of the same names.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void ProcessRecord()
    {
        var folder = Checked(() => FileSystemPaths.Resolve(this, Path, nameof(Path)), Path);
        var names = Enumerable.Range(1, Count).Select(i => $"{Name}-{i}").ToArray();
        var files = names.SelectMany(name => new[] { System.IO.Path.Combine(folder, name + ".pub.asc"), System.IO.Path.Combine(folder, name + ".key.asc") }).ToArray();
        if (!Force && files.FirstOrDefault(File.Exists) is { } existing)
        {
            ThrowFailure(new VaultDrArgumentException("VaultDrPgpKeyFileExists", $"'{existing}' exists already. Choose another -Path or -Name, or add -Force to replace the key files.", ErrorCategory.ResourceExists), existing);
        }

        if (!Confirmations.ShouldChange(folder, $"Write {Count} new OpenPGP key pair(s) for rehearsals ({string.Join(", ", names)}), private keys {(Passphrase is null ? "without" : "with")} a passphrase"))
        {
            return;
        }

        var activity = $"Making {Count} OpenPGP key pair(s) in {folder}";
        var passphrase = Passphrase is null ? null : SecretText.RevealChars(Passphrase);
        try
        {
            Directory.CreateDirectory(folder);
            for (var i = 0; i < names.Length; i++)
            {
                Streams.Progress(new ProgressRecord(ProgressId, activity, names[i]) { PercentComplete = 100 * i / names.Length });
                var pair = PgpKeyPairs.Generate($"{names[i]} (VaultDr lab) <{names[i]}@vaultdr.invalid>", passphrase, DateTime.UtcNow);
                var publicPath = files[2 * i];
                var privatePath = files[(2 * i) + 1];
                File.WriteAllText(publicPath, pair.PublicKey);
                WritePrivate(privatePath, pair.PrivateKey);
                WriteObject(new LabPgpKey { Name = names[i], UserId = pair.UserId, Fingerprint = pair.Fingerprint, PublicKeyPath = publicPath, PrivateKeyPath = privatePath, HasPassphrase = passphrase is { Length: > 0 } });
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            ThrowFailure(new VaultDrOperationException("VaultDrPgpKeyWriteFailed", $"The key files could not be written to '{folder}': {e.Message} Choose a folder you can write to.", ErrorCategory.WriteError), folder);
        }
        finally
        {
            if (passphrase is not null)
            {
                Array.Clear(passphrase);
            }

            Streams.Progress(new ProgressRecord(ProgressId, activity, "Done") { RecordType = ProgressRecordType.Completed });
        }
    }

    /// <summary>Only its owner may read a private key file, as gpg keeps its own.</summary>
    private static void WritePrivate(string path, string armored)
    {
        if (OperatingSystem.IsWindows())
        {
            File.WriteAllText(path, armored);
            return;
        }

        using var stream = new FileStream(path, new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite });
        using var writer = new StreamWriter(stream);
        writer.Write(armored);
    }
}
