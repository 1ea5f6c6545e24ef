using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace VaultDr.Lab;

/// <summary>The lab as a process: parse arguments, start, announce, wait for a reason to stop, stop, exit 0.</summary>
public static class LabProcess
{
    public const string ReadyPrefix = "VAULTDR-LAB-READY ";

    public static async Task<int> RunAsync(string[] args, Func<string, LabOptions, IPeerTransport, ILabClusterNode> factory)
    {
        if (args.Any(a => a is "-h" or "--help" or "-?"))
        {
            Console.Out.WriteLine(LabArguments.Usage);
            return 0;
        }

        var parsed = LabArguments.Parse(args, out var error);
        if (parsed is null)
        {
            await Console.Error.WriteLineAsync($"VaultDr.Lab: {error}\n\n{LabArguments.Usage}").ConfigureAwait(false);
            return 2;
        }

        using var stop = new CancellationTokenSource();
        void Stop()
        {
            try
            {
                stop.Cancel();
            }
            catch (ObjectDisposedException)
            {
            }
        }

        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            Stop();
        };
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            Stop();
        });

        await using var lab = await LabHost.StartAsync(parsed.Options, factory, parsed.CaOut).ConfigureAwait(false);
        using var onShutdown = lab.ShutdownRequested.Register(Stop);
        if (parsed.ParentPid is int parentPid)
        {
            WatchParent(parentPid, Stop, stop.Token);
        }

        if (parsed.ReadyJson)
        {
            Console.Out.WriteLine(ReadyPrefix + ReadyJson(lab).ToJsonString(LabHttp.Json));
            Console.Out.Flush();
            if (Console.IsInputRedirected)
            {
                WatchStdin(Stop);
            }
        }
        else
        {
            Console.Out.Write(HumanTable(lab));
            Console.Out.Flush();
        }

        try
        {
            await Task.Delay(Timeout.Infinite, stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        return 0;
    }

    /// <summary>The READY line's document.</summary>
    public static JsonObject ReadyJson(LabHost lab)
    {
        ArgumentNullException.ThrowIfNull(lab);
        return new JsonObject
        {
            ["pid"] = Environment.ProcessId,
            ["control"] = lab.ControlAddress.ToString(),
            ["caCertificateFile"] = lab.CaCertificateFile,
            ["clusters"] = new JsonArray(lab.Clusters.Select(node => (JsonNode)new JsonObject
            {
                ["name"] = node.Name,
                ["apiAddress"] = node.ApiAddress.ToString(),
                ["clusterAddress"] = node.ClusterAddress.ToString(),
                ["rootToken"] = node.RootToken,
                // Initialised with PGP keys, a cluster's shares exist only encrypted, as Vault hands them out.
                ["unsealKeys"] = JsonSerializer.SerializeToNode(Plain(lab, node.UnsealKeysHex)),
                ["unsealKeysBase64"] = JsonSerializer.SerializeToNode(Plain(lab, node.UnsealKeysBase64)),
                ["encryptedUnsealKeys"] = JsonSerializer.SerializeToNode(node.EncryptedUnsealKeysBase64.ToArray()),
                ["pgpFingerprints"] = JsonSerializer.SerializeToNode(PgpFingerprints(lab)),
                ["keyThreshold"] = lab.Options.AutoUnseal ? 0 : lab.Options.KeyThreshold,
                ["sealType"] = node.SealType,
                ["recoveryKeys"] = JsonSerializer.SerializeToNode(node.RecoveryKeysHex.ToArray()),
                ["recoveryThreshold"] = lab.Options.AutoUnseal ? lab.Options.KeyThreshold : 0,
                ["certificateNotAfter"] = lab.GetCertificateNotAfter(node.Name)?.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
            }).ToArray()),
        };
    }

    public static string HumanTable(LabHost lab)
    {
        ArgumentNullException.ThrowIfNull(lab);
        var text = new StringBuilder();
        text.AppendLine(FormattableString.Invariant($"VaultDr lab (pid {Environment.ProcessId}): {lab.Clusters.Count} cluster(s), Vault {lab.Options.VaultVersion}, {(lab.Options.Tls ? "TLS" : "plain HTTP")}."));
        text.AppendLine(FormattableString.Invariant($"Control API: {lab.ControlAddress}lab"));
        if (lab.CaCertificateFile is not null)
        {
            text.AppendLine($"CA certificate: {lab.CaCertificateFile}   (curl --cacert \"{lab.CaCertificateFile}\" ...)");
        }

        text.AppendLine();
        text.AppendLine($"{"NAME",-10} {"API ADDRESS",-28} {"CLUSTER ADDRESS",-28} ROOT TOKEN");
        foreach (var node in lab.Clusters)
        {
            text.AppendLine($"{node.Name,-10} {node.ApiAddress,-28} {node.ClusterAddress,-28} {node.RootToken}");
        }

        text.AppendLine();
        if (lab.Options.PgpKeys.Count > 0)
        {
            text.AppendLine(FormattableString.Invariant($"Unseal keys (threshold {lab.Options.KeyThreshold} of {lab.Options.KeyShares}), PGP-encrypted, base64; decrypt with base64 -d | gpg -dq:"));
            var fingerprints = PgpFingerprints(lab);
            foreach (var node in lab.Clusters)
            {
                text.AppendLine($"  {node.Name}:");
                foreach (var (share, i) in node.EncryptedUnsealKeysBase64.Select((share, i) => (share, i)))
                {
                    text.AppendLine($"    {fingerprints[i]}: {share}");
                }
            }
        }
        else
        {
            var kind = lab.Options.AutoUnseal ? $"Recovery keys (auto-unseal, seal type {LabOptions.AutoUnsealSealType}; " : "Unseal keys (";
            text.AppendLine(FormattableString.Invariant($"{kind}threshold {lab.Options.KeyThreshold} of {lab.Options.KeyShares}):"));
            foreach (var node in lab.Clusters)
            {
                text.AppendLine($"  {node.Name}: {string.Join(" ", lab.Options.AutoUnseal ? node.RecoveryKeysHex : node.UnsealKeysHex)}");
            }
        }

        text.AppendLine();
        text.AppendLine("Press Ctrl+C to stop.");
        return text.ToString();
    }

    private static string[] Plain(LabHost lab, IReadOnlyList<string> keys) => lab.Options.PgpKeys.Count > 0 ? [] : keys.ToArray();

    private static string[] PgpFingerprints(LabHost lab) =>
        lab.Options.PgpKeys.Select(key => VaultPgpKey.Parse(key, out _)?.Fingerprint ?? "").ToArray();

    private static void WatchParent(int pid, Action stop, CancellationToken cancellationToken)
    {
        Process? parent;
        try
        {
            parent = Process.GetProcessById(pid);
        }
        catch (ArgumentException)
        {
            stop(); // already gone
            return;
        }

        _ = Task.Run(async () =>
        {
            using (parent)
            {
                while (!cancellationToken.IsCancellationRequested)
                {
                    bool exited;
                    try
                    {
                        exited = parent.HasExited;
                    }
                    catch (InvalidOperationException)
                    {
                        exited = true;
                    }

                    if (exited)
                    {
                        stop();
                        return;
                    }

                    try
                    {
                        await Task.Delay(250, cancellationToken).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException)
                    {
                        return;
                    }
                }
            }
        }, CancellationToken.None);
    }

    /// <summary>A parent that holds our stdin pipe and dies closes it: stop at end of file.</summary>
    private static void WatchStdin(Action stop)
    {
        var thread = new Thread(() =>
        {
            try
            {
                using var input = Console.OpenStandardInput();
                var buffer = new byte[256];
                while (input.Read(buffer, 0, buffer.Length) > 0)
                {
                }
            }
            catch (IOException)
            {
            }

            stop();
        })
        {
            IsBackground = true,
            Name = "VaultDr.Lab stdin watch",
        };
        thread.Start();
    }
}
