using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;

namespace VaultDr.TestServer;

/// <summary>
/// A scriptable HTTP/1.1 stand-in for Vault on 127.0.0.1 and a free port. Every request is recorded,
/// then answered by the first unused rule for its method and path, or by a 404 naming what was missing.
/// Built on raw sockets so that faults (a reset before any answer byte, a truncated body) are exact.
/// </summary>
public sealed partial class StubVaultServer : IDisposable
{
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(5);
    private static readonly byte[] ContinueResponse = Encoding.ASCII.GetBytes("HTTP/1.1 100 Continue\r\n\r\n");
    private static readonly byte[] TruncatedResponseHead = Encoding.ASCII.GetBytes(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n");

    private readonly TcpListener _listener;
    private readonly X509Certificate2? _certificate;
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<RecordedRequest> _requests = [];
    private readonly ConcurrentDictionary<int, TcpClient> _openConnections = new();
    private readonly ConcurrentDictionary<int, Task> _connectionTasks = new();
    private readonly Task _acceptLoop;
    private int _connectionCount;
    private int _disposed;

    private StubVaultServer(X509Certificate2? certificate)
    {
        _certificate = certificate;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        var port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        BaseAddress = new Uri($"{(certificate is null ? "http" : "https")}://127.0.0.1:{port}/");
        _acceptLoop = Task.Run(AcceptLoopAsync);
    }

    /// <summary>Starts listening; with a certificate (which must hold its private key) it speaks HTTPS, TLS 1.2/1.3.</summary>
    public static StubVaultServer Start(X509Certificate2? certificate = null)
    {
        if (certificate is not null && !certificate.HasPrivateKey)
        {
            throw new ArgumentException("The server certificate must include its private key.", nameof(certificate));
        }
        return new StubVaultServer(certificate);
    }

    /// <summary>For example http://127.0.0.1:51234/ (always the IP, also for HTTPS).</summary>
    public Uri BaseAddress { get; }

    /// <summary>A snapshot of every request received so far, in arrival order.</summary>
    public IReadOnlyList<RecordedRequest> Requests
    {
        get
        {
            lock (_requests)
            {
                return _requests.ToArray();
            }
        }
    }

    public void ClearRequests()
    {
        lock (_requests)
        {
            _requests.Clear();
        }
    }

    public void Stop() => Dispose();

    /// <summary>Stops listening and resets open connections; waits at most a few seconds for them to wind down.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        _stopping.Cancel();
        _listener.Stop();
        foreach (var connection in _openConnections.Values)
        {
            Reset(connection);
        }
        var pending = _connectionTasks.Values.Append(_acceptLoop).ToArray();
        // Handlers catch their own exceptions, so this only ever waits; it never throws.
        if (Task.WhenAll(pending).Wait(StopTimeout))
        {
            _stopping.Dispose();
        }
    }

    private async Task AcceptLoopAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is OperationCanceledException or ObjectDisposedException or SocketException or InvalidOperationException)
            {
                if (_stopping.IsCancellationRequested)
                {
                    return;
                }
                continue;
            }

            var connectionId = Interlocked.Increment(ref _connectionCount);
            _openConnections[connectionId] = client;
            if (_stopping.IsCancellationRequested)
            {
                // Dispose may have swept the open connections before this one was added.
                _openConnections.TryRemove(connectionId, out _);
                Reset(client);
                return;
            }
            var task = Task.Run(() => ServeConnectionAsync(client, connectionId));
            _connectionTasks[connectionId] = task;
            _ = task.ContinueWith(_ => _connectionTasks.TryRemove(connectionId, out Task? _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    private async Task ServeConnectionAsync(TcpClient client, int connectionId)
    {
        var token = _stopping.Token;
        Stream? stream = null;
        var reset = false;
        try
        {
            stream = client.GetStream();
            if (_certificate is not null)
            {
                var tls = new SslStream(stream, leaveInnerStreamOpen: false);
                stream = tls;
                await tls.AuthenticateAsServerAsync(
                    new SslServerAuthenticationOptions
                    {
                        ServerCertificate = _certificate,
                        EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                        ClientCertificateRequired = false,
                    },
                    token).ConfigureAwait(false);
            }
            reset = !await ServeRequestsAsync(stream, connectionId, token).ConfigureAwait(false);
        }
        catch (Exception exception) when (IsConnectionFault(exception))
        {
            // The client went away, TLS failed, or Dispose cut the connection: nothing left to answer.
            reset = true;
        }
        catch (Exception exception)
        {
            Trace.TraceError($"VaultDr.TestServer connection {connectionId}: {exception}");
            reset = true;
        }
        finally
        {
            _openConnections.TryRemove(connectionId, out _);
            if (reset)
            {
                Reset(client);
            }
            else
            {
                CloseGracefully(client);
            }
            stream?.Dispose();
            client.Dispose();
        }
    }

    /// <summary>Serves requests until the connection should end; false means end it with a reset.</summary>
    private async Task<bool> ServeRequestsAsync(Stream stream, int connectionId, CancellationToken token)
    {
        var reader = new HttpRequestReader(stream);
        while (true)
        {
            RequestHead? head;
            byte[] body;
            try
            {
                head = await reader.ReadHeadAsync(token).ConfigureAwait(false);
                if (head is null)
                {
                    return true;
                }
                if (head.HasToken("Expect", "100-continue"))
                {
                    await stream.WriteAsync(ContinueResponse, token).ConfigureAwait(false);
                    await stream.FlushAsync(token).ConfigureAwait(false);
                }
                body = await reader.ReadBodyAsync(head, token).ConfigureAwait(false);
            }
            catch (InvalidDataException exception)
            {
                await WriteAnswerAsync(stream, 400, ErrorsJson(exception.Message), [], keepAlive: false, token).ConfigureAwait(false);
                return true;
            }

            var request = new RecordedRequest(connectionId, head.Method, head.Target, head.Headers, Encoding.UTF8.GetString(body));
            lock (_requests)
            {
                _requests.Add(request);
            }

            var rule = TakeRule(request.Method, request.Path);
            switch (rule?.Action)
            {
                case StubAction.Drop:
                    return false;
                case StubAction.DropAfterHeaders:
                    await stream.WriteAsync(TruncatedResponseHead, token).ConfigureAwait(false);
                    await stream.FlushAsync(token).ConfigureAwait(false);
                    return true;
                case null:
                    await WriteAnswerAsync(stream, 404, ErrorsJson($"no stub rule for {request.Method} {request.Path}"), [], head.KeepAlive, token).ConfigureAwait(false);
                    break;
                default:
                    if (rule.Delay > TimeSpan.Zero)
                    {
                        await Task.Delay(rule.Delay, token).ConfigureAwait(false);
                    }
                    await WriteAnswerAsync(stream, rule.Status, rule.JsonBody, rule.Headers, head.KeepAlive, token, rule.Chunked).ConfigureAwait(false);
                    break;
            }
            if (!head.KeepAlive)
            {
                return true;
            }
        }
    }

    private static async Task WriteAnswerAsync(
        Stream stream, int status, string? jsonBody, IReadOnlyList<KeyValuePair<string, string>> headers, bool keepAlive, CancellationToken token, bool chunked = false)
    {
        var body = string.IsNullOrEmpty(jsonBody) ? [] : Encoding.UTF8.GetBytes(jsonBody);
        var head = new StringBuilder()
            .Append("HTTP/1.1 ").Append(status).Append(' ').Append(ReasonPhrase(status)).Append("\r\n");
        foreach (var (name, value) in headers)
        {
            head.Append(name).Append(": ").Append(value).Append("\r\n");
        }
        if (body.Length > 0 && !headers.Any(header => header.Key.Equals("Content-Type", StringComparison.OrdinalIgnoreCase)))
        {
            head.Append("Content-Type: application/json\r\n");
        }
        if (chunked)
        {
            head.Append("Transfer-Encoding: chunked\r\n");
        }
        else if (status is not (204 or 304))
        {
            head.Append("Content-Length: ").Append(body.Length).Append("\r\n");
        }
        if (!keepAlive)
        {
            head.Append("Connection: close\r\n");
        }
        head.Append("\r\n");

        var headBytes = Encoding.Latin1.GetBytes(head.ToString());
        if (chunked)
        {
            await stream.WriteAsync(headBytes, token).ConfigureAwait(false);
            const int ChunkSize = 64 * 1024;
            for (var offset = 0; offset < body.Length; offset += ChunkSize)
            {
                var size = Math.Min(ChunkSize, body.Length - offset);
                await stream.WriteAsync(Encoding.Latin1.GetBytes($"{size:x}\r\n"), token).ConfigureAwait(false);
                await stream.WriteAsync(body.AsMemory(offset, size), token).ConfigureAwait(false);
                await stream.WriteAsync("\r\n"u8.ToArray(), token).ConfigureAwait(false);
            }
            await stream.WriteAsync("0\r\n\r\n"u8.ToArray(), token).ConfigureAwait(false);
            await stream.FlushAsync(token).ConfigureAwait(false);
            return;
        }

        var message = new byte[headBytes.Length + body.Length];
        headBytes.CopyTo(message, 0);
        body.CopyTo(message, headBytes.Length);
        await stream.WriteAsync(message, token).ConfigureAwait(false);
        await stream.FlushAsync(token).ConfigureAwait(false);
    }

    private static string ReasonPhrase(int status)
    {
        // HttpResponseMessage knows the standard reason phrases; nothing else public exposes them.
        using var response = new HttpResponseMessage((HttpStatusCode)status);
        return response.ReasonPhrase ?? "Status";
    }

    private static string ErrorsJson(string message) => JsonSerializer.Serialize(new Dictionary<string, string[]> { ["errors"] = [message] });

    private static bool IsConnectionFault(Exception exception) =>
        exception is OperationCanceledException or IOException or SocketException or ObjectDisposedException or AuthenticationException;

    /// <summary>Linger 0 makes close send RST instead of FIN, discarding anything unsent.</summary>
    private static void Reset(TcpClient client)
    {
        // A TcpClient that its handler already disposed has no socket left to reset.
        if (client.Client is not { } socket)
        {
            return;
        }

        try
        {
            socket.LingerState = new LingerOption(true, 0);
            socket.Close();
        }
        catch (Exception exception) when (exception is SocketException or ObjectDisposedException)
        {
        }
    }

    private static void CloseGracefully(TcpClient client)
    {
        if (client.Client is not { } socket)
        {
            return;
        }

        try
        {
            socket.Shutdown(SocketShutdown.Send);
        }
        catch (Exception exception) when (exception is SocketException or ObjectDisposedException)
        {
        }
    }
}
