namespace VaultDr.TestServer;

internal enum StubAction
{
    /// <summary>Write a complete response, optionally after a delay.</summary>
    Answer,

    /// <summary>Close the socket (RST) after reading the request, before any answer byte.</summary>
    Drop,

    /// <summary>Write a 200 head promising 100 body bytes, then close the connection.</summary>
    DropAfterHeaders,
}

/// <summary>One scripted answer for a method + path, used up after <see cref="Remaining"/> matches.</summary>
internal sealed class StubRule
{
    public required string Method { get; init; }
    public required string Path { get; init; }
    public required StubAction Action { get; init; }
    public int Status { get; init; } = 200;
    public string? JsonBody { get; init; }
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];
    public TimeSpan Delay { get; init; } = TimeSpan.Zero;

    /// <summary>Send the body with chunked transfer coding instead of a Content-Length.</summary>
    public bool Chunked { get; init; }

    /// <summary>Only touched under the server's rule lock.</summary>
    public int Remaining { get; set; }

    public bool Matches(string method, string path) =>
        Remaining > 0
        && Method.Equals(method, StringComparison.OrdinalIgnoreCase)
        && Path.Equals(path, StringComparison.Ordinal);
}
