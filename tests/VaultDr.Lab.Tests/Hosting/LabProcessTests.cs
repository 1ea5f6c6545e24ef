using System.Diagnostics;
using System.Net;
using System.Text.Json;

namespace VaultDr.Lab.Tests.Hosting;

public sealed class LabProcessTests
{
    private static readonly string LabDll = typeof(LabHost).Assembly.Location;

    [Fact]
    public async Task Process_PrintsReadyLine_AndExitsWhenItsParentExits()
    {
        using var parent = Process.Start(new ProcessStartInfo("sleep", "30") { UseShellExecute = false })!;
        using var lab = StartLab($"--clusters 2 --ready-json --parent-pid {parent.Id}");
        try
        {
            var watch = Stopwatch.StartNew();
            var line = await ReadReadyLineAsync(lab);
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"ready after {watch.Elapsed}");
            using var ready = JsonDocument.Parse(line[LabProcess.ReadyPrefix.Length..]);
            var root = ready.RootElement;
            Assert.Equal(lab.Id, root.GetProperty("pid").GetInt32());
            Assert.Equal(JsonValueKind.Null, root.GetProperty("caCertificateFile").ValueKind);
            var clusters = root.GetProperty("clusters").EnumerateArray().ToArray();
            Assert.Equal(["vault-1", "vault-2"], clusters.Select(c => c.GetProperty("name").GetString()));
            Assert.All(clusters, c =>
            {
                Assert.StartsWith("hvs.", c.GetProperty("rootToken").GetString(), StringComparison.Ordinal);
                Assert.Equal(5, c.GetProperty("unsealKeys").GetArrayLength());
                Assert.Equal(5, c.GetProperty("unsealKeysBase64").GetArrayLength());
                Assert.Equal(3, c.GetProperty("keyThreshold").GetInt32());
            });

            using var client = LabTestSupport.Client();
            var api = new Uri(clusters[0].GetProperty("apiAddress").GetString()!);
            using (var health = await client.GetAsync(new Uri(api, "v1/sys/health")))
            {
                Assert.Equal(HttpStatusCode.OK, health.StatusCode);
                Assert.False((await health.JsonAsync()).GetProperty("sealed").GetBoolean());
            }

            using (var status = await client.GetAsync(new Uri(api, "v1/sys/replication/dr/status")))
            {
                Assert.Equal("disabled", (await status.JsonAsync()).GetProperty("data").GetProperty("mode").GetString());
            }

            using (var control = await client.GetAsync(new Uri(new Uri(root.GetProperty("control").GetString()!), "lab")))
            {
                Assert.Equal(HttpStatusCode.OK, control.StatusCode);
            }

            parent.Kill();
            await parent.WaitForExitAsync();
            watch.Restart();
            Assert.True(lab.WaitForExit(3_000), "the lab did not exit within 3 s of its parent");
            Assert.Equal(0, lab.ExitCode);
            await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync(api));
        }
        finally
        {
            Kill(lab);
            Kill(parent);
        }
    }

    [Fact]
    public async Task Process_ExitsOnControlShutdown_AndOnStdinEof()
    {
        using (var lab = StartLab("--clusters 1 --ready-json --tls --ca-out " + Path.Combine(Path.GetTempPath(), $"vaultdr-lab-ca-{Guid.NewGuid():N}.pem")))
        {
            try
            {
                using var ready = JsonDocument.Parse((await ReadReadyLineAsync(lab))[LabProcess.ReadyPrefix.Length..]);
                var caFile = ready.RootElement.GetProperty("caCertificateFile").GetString()!;
                Assert.StartsWith("-----BEGIN CERTIFICATE-----", await File.ReadAllTextAsync(caFile), StringComparison.Ordinal);
                Assert.StartsWith("https://", ready.RootElement.GetProperty("clusters")[0].GetProperty("apiAddress").GetString(), StringComparison.Ordinal);
                using var client = LabTestSupport.Client();
                using var shutdown = await client.PostAsync(new Uri(new Uri(ready.RootElement.GetProperty("control").GetString()!), "lab/shutdown"), null);
                Assert.Equal(HttpStatusCode.OK, shutdown.StatusCode);
                Assert.True(lab.WaitForExit(3_000));
                Assert.Equal(0, lab.ExitCode);
                File.Delete(caFile);
            }
            finally
            {
                Kill(lab);
            }
        }

        using (var lab = StartLab("--clusters 1 --ready-json"))
        {
            try
            {
                await ReadReadyLineAsync(lab);
                lab.StandardInput.Close();
                Assert.True(lab.WaitForExit(3_000));
                Assert.Equal(0, lab.ExitCode);
            }
            finally
            {
                Kill(lab);
            }
        }
    }

    [Fact]
    public async Task Process_BadArguments_PrintUsageAndExit2()
    {
        using var lab = StartLab("--clusters 0");
        try
        {
            var error = await lab.StandardError.ReadToEndAsync();
            Assert.True(lab.WaitForExit(10_000));
            Assert.Equal(2, lab.ExitCode);
            Assert.Contains("--clusters", error, StringComparison.Ordinal);
            Assert.Contains("Usage:", error, StringComparison.Ordinal);
            Assert.Equal("", await lab.StandardOutput.ReadToEndAsync());
        }
        finally
        {
            Kill(lab);
        }
    }

    private static Process StartLab(string arguments)
    {
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
        var info = new ProcessStartInfo(dotnet, $"\"{LabDll}\" {arguments}")
        {
            UseShellExecute = false,
            RedirectStandardInput = true, // kept open: stdin EOF would end the lab
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        return Process.Start(info)!;
    }

    private static async Task<string> ReadReadyLineAsync(Process lab)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var line = await lab.StandardOutput.ReadLineAsync(timeout.Token);
        Assert.NotNull(line);
        Assert.StartsWith(LabProcess.ReadyPrefix, line, StringComparison.Ordinal);
        return line;
    }

    private static void Kill(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
        }
    }
}
