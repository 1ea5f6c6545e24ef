using System.Globalization;
using System.Text;

namespace VaultDr.TestServer;

/// <summary>The request line and headers of one HTTP/1.x request.</summary>
internal sealed record RequestHead(string Method, string Target, string Version, IReadOnlyDictionary<string, string> Headers)
{
    public bool HasToken(string header, string token) =>
        Headers.TryGetValue(header, out var value)
        && value.Split(',').Any(part => part.Trim().Equals(token, StringComparison.OrdinalIgnoreCase));

    /// <summary>HTTP/1.1 keeps the connection unless told to close; HTTP/1.0 closes unless told to keep it.</summary>
    public bool KeepAlive => Version == "HTTP/1.1"
        ? !HasToken("Connection", "close")
        : HasToken("Connection", "keep-alive");
}

/// <summary>
/// Reads HTTP/1.x requests off one connection, several in a row for keep-alive. Bodies are framed by
/// Content-Length or chunked transfer coding; anything malformed raises <see cref="InvalidDataException"/>.
/// </summary>
internal sealed class HttpRequestReader(Stream stream)
{
    private const int MaxLineLength = 16 * 1024;
    private const int MaxHeaderCount = 200;
    private const int MaxBodyLength = 64 * 1024 * 1024;

    private readonly byte[] _buffer = new byte[MaxLineLength];
    private int _start;
    private int _end;

    /// <summary>Null when the peer closed the connection cleanly between requests.</summary>
    public async Task<RequestHead?> ReadHeadAsync(CancellationToken cancellationToken)
    {
        string? requestLine;
        // RFC 9112 2.2: ignore empty lines received before the request line.
        do
        {
            requestLine = await ReadLineAsync(cancellationToken).ConfigureAwait(false);
            if (requestLine is null)
            {
                return null;
            }
        }
        while (requestLine.Length == 0);

        var parts = requestLine.Split(' ');
        if (parts.Length != 3 || parts[0].Length == 0 || parts[1].Length == 0 || !parts[2].StartsWith("HTTP/1.", StringComparison.Ordinal))
        {
            throw new InvalidDataException($"Malformed request line '{requestLine}'.");
        }

        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (var count = 0; ; count++)
        {
            var line = await ReadLineAsync(cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidDataException("Connection closed inside the request headers.");
            if (line.Length == 0)
            {
                break;
            }
            var colon = line.IndexOf(':');
            if (colon <= 0 || count >= MaxHeaderCount)
            {
                throw new InvalidDataException($"Malformed or excess header line '{line}'.");
            }
            var name = line[..colon].Trim();
            var value = line[(colon + 1)..].Trim();
            headers[name] = headers.TryGetValue(name, out var earlier) ? $"{earlier}, {value}" : value;
        }
        return new RequestHead(parts[0], parts[1], parts[2], headers);
    }

    public async Task<byte[]> ReadBodyAsync(RequestHead head, CancellationToken cancellationToken)
    {
        if (head.Headers.TryGetValue("Transfer-Encoding", out var transferEncoding))
        {
            if (!head.HasToken("Transfer-Encoding", "chunked"))
            {
                throw new InvalidDataException($"Unsupported Transfer-Encoding '{transferEncoding}'.");
            }
            return await ReadChunkedBodyAsync(cancellationToken).ConfigureAwait(false);
        }
        if (!head.Headers.TryGetValue("Content-Length", out var contentLength))
        {
            return [];
        }
        if (!int.TryParse(contentLength, NumberStyles.None, CultureInfo.InvariantCulture, out var length) || length > MaxBodyLength)
        {
            throw new InvalidDataException($"Unusable Content-Length '{contentLength}'.");
        }
        var body = new byte[length];
        await ReadExactlyAsync(body, cancellationToken).ConfigureAwait(false);
        return body;
    }

    private async Task<byte[]> ReadChunkedBodyAsync(CancellationToken cancellationToken)
    {
        using var body = new MemoryStream();
        while (true)
        {
            var sizeLine = await ReadLineAsync(cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidDataException("Connection closed inside a chunked body.");
            var extensionStart = sizeLine.IndexOf(';');
            var sizeText = (extensionStart < 0 ? sizeLine : sizeLine[..extensionStart]).Trim();
            if (!int.TryParse(sizeText, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var size)
                || size < 0 || body.Length + size > MaxBodyLength)
            {
                throw new InvalidDataException($"Malformed chunk size '{sizeLine}'.");
            }
            if (size == 0)
            {
                break;
            }
            var chunk = new byte[size];
            await ReadExactlyAsync(chunk, cancellationToken).ConfigureAwait(false);
            body.Write(chunk);
            if (await ReadLineAsync(cancellationToken).ConfigureAwait(false) is not "")
            {
                throw new InvalidDataException("Chunk data not followed by CRLF.");
            }
        }
        // Trailer fields are read and ignored up to the terminating empty line.
        while (await ReadLineAsync(cancellationToken).ConfigureAwait(false) is { Length: > 0 })
        {
        }
        return body.ToArray();
    }

    private async Task ReadExactlyAsync(byte[] target, CancellationToken cancellationToken)
    {
        var filled = Math.Min(_end - _start, target.Length);
        Array.Copy(_buffer, _start, target, 0, filled);
        _start += filled;
        while (filled < target.Length)
        {
            var read = await stream.ReadAsync(target.AsMemory(filled), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                throw new InvalidDataException("Connection closed inside the request body.");
            }
            filled += read;
        }
    }

    /// <summary>A line without its CRLF (a bare LF is tolerated); null on end of stream before any byte.</summary>
    private async Task<string?> ReadLineAsync(CancellationToken cancellationToken)
    {
        var scanned = _start;
        while (true)
        {
            var newline = Array.IndexOf(_buffer, (byte)'\n', scanned, _end - scanned);
            if (newline >= 0)
            {
                var lineEnd = newline > _start && _buffer[newline - 1] == '\r' ? newline - 1 : newline;
                var line = Encoding.Latin1.GetString(_buffer, _start, lineEnd - _start);
                _start = newline + 1;
                return line;
            }
            scanned = _end;
            if (_start > 0)
            {
                Array.Copy(_buffer, _start, _buffer, 0, _end - _start);
                scanned -= _start;
                _end -= _start;
                _start = 0;
            }
            if (_end == _buffer.Length)
            {
                throw new InvalidDataException($"Line longer than {MaxLineLength} bytes.");
            }
            var read = await stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                return _end == _start ? null : throw new InvalidDataException("Connection closed inside a line.");
            }
            _end += read;
        }
    }
}
