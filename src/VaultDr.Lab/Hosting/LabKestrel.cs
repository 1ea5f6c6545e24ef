using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace VaultDr.Lab;

/// <summary>Builds the lab's small Kestrel apps: loopback only, no logging, no console lifetime, one terminal handler.</summary>
internal static class LabKestrel
{
    /// <summary>How long a rebind of a fixed port (cluster restart) is retried while the port is still taken.</summary>
    private static readonly TimeSpan RebindPatience = TimeSpan.FromSeconds(3);

    /// <summary>
    /// Starts an app listening on 127.0.0.1 at each of <paramref name="ports"/> (0 = any free port), over HTTPS when
    /// <paramref name="certificates"/> is given (one per port, asked at each TLS handshake, so a re-issued certificate
    /// serves the next connection), and returns it with the ports actually bound (same order).
    /// </summary>
    public static async Task<(WebApplication App, int[] Ports)> StartAsync(IReadOnlyList<int> ports, IReadOnlyList<Func<X509Certificate2>>? certificates, RequestDelegate handler, CancellationToken cancellationToken)
    {
        if (certificates is not null && certificates.Count != ports.Count)
        {
            throw new ArgumentException("One certificate per port.", nameof(certificates));
        }

        var deadline = DateTime.UtcNow + RebindPatience;
        while (true)
        {
            var listens = new ListenOptions?[ports.Count];
            var app = Build(ports, certificates, handler, listens);
            try
            {
                await app.StartAsync(cancellationToken).ConfigureAwait(false);
                return (app, listens.Select(l => l?.IPEndPoint?.Port ?? throw new InvalidOperationException("Kestrel did not report a bound port.")).ToArray());
            }
            catch (IOException) when (ports.Any(p => p != 0) && DateTime.UtcNow < deadline)
            {
                // The old listener's port is not free yet (a restart right after a stop): retry shortly.
                await app.DisposeAsync().ConfigureAwait(false);
                await Task.Delay(100, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                await app.DisposeAsync().ConfigureAwait(false);
                throw;
            }
        }
    }

    /// <summary>Stops at once (open connections are aborted, later ones refused) and releases the ports.</summary>
    public static async Task StopAsync(WebApplication app)
    {
        using var now = new CancellationTokenSource();
        await now.CancelAsync().ConfigureAwait(false);
        try
        {
            await app.StopAsync(now.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        await app.DisposeAsync().ConfigureAwait(false);
    }

    private static WebApplication Build(IReadOnlyList<int> ports, IReadOnlyList<Func<X509Certificate2>>? certificates, RequestDelegate handler, ListenOptions?[] listens)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<IHostLifetime, SilentLifetime>();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.Zero);
        builder.WebHost.UseKestrelCore();
        if (certificates is not null)
        {
            builder.WebHost.UseKestrelHttpsConfiguration();
        }

        builder.WebHost.ConfigureKestrel(options =>
        {
            options.AddServerHeader = false;
            for (var i = 0; i < ports.Count; i++)
            {
                var index = i;
                options.Listen(IPAddress.Loopback, ports[i], listen =>
                {
                    listens[index] = listen;
                    if (certificates is not null)
                    {
                        var certificate = certificates[index];
                        listen.UseHttps(new HttpsConnectionAdapterOptions { ServerCertificateSelector = (_, _) => certificate() });
                    }
                });
            }
        });

        var app = builder.Build();
        app.Run(handler);
        return app;
    }

    /// <summary>No Ctrl+C / SIGTERM hooks per app: the lab process decides when to stop.</summary>
    private sealed class SilentLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
