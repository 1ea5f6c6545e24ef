using System.Diagnostics;
using System.Text;
using System.Text.Json;
using VaultDr.Client;

namespace VaultDr.LabControl;

/// <summary>What Start-VaultDrLab asks of the lab process.</summary>
internal sealed class LabStartOptions
{
    public int ClusterCount { get; init; } = 2;

    public bool Tls { get; init; }

    /// <summary>With <see cref="Tls"/>: the API certificates expire this many days from the start (the lab's --cert-valid-days); null: its default.</summary>
    public int? CertificateValidDays { get; init; }

    public int KeyShares { get; init; } = 5;

    public int KeyThreshold { get; init; } = 3;

    /// <summary>Clusters with a KMS seal and recovery keys (KeyShares and KeyThreshold are then the recovery keys').</summary>
    public bool AutoUnseal { get; init; }
    /// <summary>One public key file per share (file system paths, already checked): the lab's --pgp-key.</summary>
    public IReadOnlyList<string> PgpKeyFiles { get; init; } = [];

    public string VaultVersion { get; init; } = "1.15";

    public int? StateStepDelayMs { get; init; }

    public int? CatchUpDelayMs { get; init; }

    public string? CACertificateFile { get; init; }

    public string LabAssembly { get; init; } = LabLauncher.DefaultLabAssembly();
}

/// <summary>
/// Starts the lab (out/VaultDr/lab/VaultDr.Lab.dll) as a child process and reads its READY line.
/// The lab exits by itself when this process dies (it watches our pid and its stdin pipe), so a killed
/// PowerShell leaves no lab behind.
/// </summary>
internal static class LabLauncher
{
    private const string ReadyPrefix = "VAULTDR-LAB-READY ";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    internal static string DefaultLabAssembly() =>
        Path.Combine(Path.GetDirectoryName(typeof(LabLauncher).Assembly.Location) ?? ".", "lab", "VaultDr.Lab.dll");

    /// <summary>The dotnet host: this process when it is dotnet (dotnet pwsh), else DOTNET_HOST_PATH, else dotnet on PATH.</summary>
    internal static string DotnetHost()
    {
        var self = Environment.ProcessPath;
        if (self is not null && Path.GetFileNameWithoutExtension(self).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
        {
            return self;
        }

        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } hostPath && File.Exists(hostPath))
        {
            return hostPath;
        }

        var root = Environment.GetEnvironmentVariable("DOTNET_ROOT");
        var exe = OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet";
        if (root is { Length: > 0 } && File.Exists(Path.Combine(root, exe)))
        {
            return Path.Combine(root, exe);
        }

        return exe;
    }

    internal static async Task<VaultDrLab> StartAsync(LabStartOptions options, IVaultCallLog log, CancellationToken cancellationToken)
    {
        if (!File.Exists(options.LabAssembly))
        {
            throw new VaultDrOperationException("VaultDrLabNotFound", $"The lab was not found at '{options.LabAssembly}'. Build the module with build.ps1 -Task Build.");
        }

        var start = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
        };
        start.ArgumentList.Add(options.LabAssembly);
        foreach (var argument in Arguments(options))
        {
            start.ArgumentList.Add(argument);
        }

        log.Verbose($"Starting the lab: {start.FileName} {string.Join(' ', start.ArgumentList)}");
        var process = Process.Start(start) ?? throw new VaultDrOperationException("VaultDrLabStartFailed", "The lab process could not be started.");
        var errors = new StringBuilder();
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (errors)
                {
                    errors.AppendLine(e.Data);
                }
            }
        };
        process.BeginErrorReadLine();

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(StartTimeout);
        string? ready = null;
        try
        {
            while (ready is null)
            {
                var line = await process.StandardOutput.ReadLineAsync(timeout.Token).ConfigureAwait(false);
                if (line is null)
                {
                    break;
                }

                if (line.StartsWith(ReadyPrefix, StringComparison.Ordinal))
                {
                    ready = line[ReadyPrefix.Length..];
                }
            }
        }
        catch (OperationCanceledException)
        {
            Kill(process);
            cancellationToken.ThrowIfCancellationRequested();
            throw new VaultDrOperationException("VaultDrLabStartFailed", $"The lab did not report ready within {StartTimeout.TotalSeconds:0} s.");
        }

        if (ready is null)
        {
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            string detail;
            lock (errors)
            {
                detail = errors.ToString().Trim();
            }

            throw new VaultDrOperationException("VaultDrLabStartFailed", $"The lab exited with code {process.ExitCode} before it was ready. {detail}");
        }

        // Keep draining stdout so the lab never blocks on a full pipe.
        _ = Task.Run(() => process.StandardOutput.ReadToEndAsync(CancellationToken.None), CancellationToken.None);
        var lab = Parse(ready, process.Id);
        LabProcesses.Track(lab, process);
        return lab;
    }

    private static IEnumerable<string> Arguments(LabStartOptions options)
    {
        yield return "--ready-json";
        yield return "--parent-pid";
        yield return Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        yield return "--clusters";
        yield return options.ClusterCount.ToString(System.Globalization.CultureInfo.InvariantCulture);
        yield return "--key-shares";
        yield return options.KeyShares.ToString(System.Globalization.CultureInfo.InvariantCulture);
        yield return "--key-threshold";
        yield return options.KeyThreshold.ToString(System.Globalization.CultureInfo.InvariantCulture);
        yield return "--vault-version";
        yield return options.VaultVersion;
        foreach (var file in options.PgpKeyFiles)
        {
            yield return "--pgp-key";
            yield return file;
        }
        if (options.Tls)
        {
            yield return "--tls";
        }

        if (options.CertificateValidDays is { } days)
        {
            yield return "--cert-valid-days";
            yield return days.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        if (options.AutoUnseal)
        {
            yield return "--auto-unseal";
        }

        if (options.CACertificateFile is not null)
        {
            yield return "--ca-out";
            yield return options.CACertificateFile;
        }

        if (options.StateStepDelayMs is { } step)
        {
            yield return "--state-step-ms";
            yield return step.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        if (options.CatchUpDelayMs is { } catchUp)
        {
            yield return "--catch-up-ms";
            yield return catchUp.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
    }

    /// <summary>Reads the READY document: pid, control address, CA file and each cluster's addresses, root token, seal and keys.</summary>
    internal static VaultDrLab Parse(string readyJson, int processId)
    {
        using var document = JsonDocument.Parse(readyJson);
        var root = document.RootElement;
        var caFile = root.GetString("caCertificateFile");
        var control = ConnectionFactory.Create(
            new ConnectionRequest { Name = "lab-control", Address = root.GetString("control") ?? throw new VaultResponseException("The lab's READY line has no control address."), MaxRetries = 0 },
            _ => null,
            null);
        var lab = new VaultDrLab
        {
            ProcessId = (int)(root.GetInt64("pid") ?? processId),
            ControlAddress = control.Address,
            CACertificateFile = caFile,
            StartedAt = DateTimeOffset.Now,
            Control = control,
        };
        lab.Clusters = root.GetObjectArray("clusters").Select(cluster =>
        {
            var name = cluster.GetString("name") ?? "vault";
            var rootToken = SecretText.Protect(cluster.GetString("rootToken") ?? string.Empty);
            return new LabCluster
            {
                Name = name,
                Address = ConnectionFactory.ParseAddress(cluster.GetString("apiAddress") ?? string.Empty),
                ClusterAddress = new Uri(cluster.GetString("clusterAddress") ?? string.Empty),
                RootToken = rootToken,
                UnsealKeys = cluster.GetStringArray("unsealKeys").Select(SecretText.Protect).ToArray(),
                EncryptedUnsealKeys = cluster.GetStringArray("encryptedUnsealKeys").ToArray(),
                PgpFingerprints = cluster.GetStringArray("pgpFingerprints").ToArray(),
                KeyThreshold = (int)(cluster.GetInt64("keyThreshold") ?? 0),
                SealType = cluster.GetString("sealType") ?? "shamir",
                RecoveryKeys = cluster.GetStringArray("recoveryKeys").Select(SecretText.Protect).ToArray(),
                RecoveryThreshold = (int)(cluster.GetInt64("recoveryThreshold") ?? 0),
                CACertificateFile = caFile,
                CertificateNotAfter = cluster.GetTime("certificateNotAfter"),
                Lab = lab,
                Connection = ConnectionFactory.Create(
                    new ConnectionRequest { Name = name, Address = cluster.GetString("apiAddress"), Token = rootToken, TokenOrigin = $"the lab's root token of {name}", CACertificateFile = caFile },
                    _ => null,
                    null),
            };
        }).ToArray();
        return lab;
    }

    internal static void Kill(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);

                // The kill is a signal; the process is gone once it has been reaped. Callers rely on that.
                process.WaitForExit(2000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }
}
