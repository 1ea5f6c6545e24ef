using System.Text.Json;

namespace VaultDr.TestServer;

/// <summary>One request as the stub read it off the wire, recorded before it was answered.</summary>
public sealed class RecordedRequest
{
    internal RecordedRequest(int connectionId, string method, string target, IReadOnlyDictionary<string, string> headers, string body)
    {
        ConnectionId = connectionId;
        Method = method;
        var queryStart = target.IndexOf('?');
        Path = queryStart < 0 ? target : target[..queryStart];
        Query = queryStart < 0 ? string.Empty : target[(queryStart + 1)..];
        Headers = headers;
        Body = body;
        Json = ParseJson(body);
    }

    /// <summary>Numbers the TCP connections in accept order, so tests can tell reuse from reconnects.</summary>
    public int ConnectionId { get; }

    public string Method { get; }

    /// <summary>The request target without the query, exactly as sent (not percent-decoded).</summary>
    public string Path { get; }

    /// <summary>The raw query without the leading '?'; empty when there is none.</summary>
    public string Query { get; }

    /// <summary>Case-insensitive; repeated headers are joined with ", ".</summary>
    public IReadOnlyDictionary<string, string> Headers { get; }

    /// <summary>The body decoded as UTF-8 (chunked bodies already reassembled); empty when there is none.</summary>
    public string Body { get; }

    /// <summary>The body parsed as JSON, or null when it is empty or not JSON.</summary>
    public JsonElement? Json { get; }

    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;

    /// <summary>
    /// A top-level property of a JSON object body: the string itself for JSON strings, the raw JSON text
    /// for other values, null when the body is not an object or lacks the property.
    /// </summary>
    public string? JsonString(string property)
    {
        if (Json is not { ValueKind: JsonValueKind.Object } json || !json.TryGetProperty(property, out var value))
        {
            return null;
        }
        return value.ValueKind == JsonValueKind.String ? value.GetString() : value.GetRawText();
    }

    public override string ToString() => Query.Length == 0 ? $"{Method} {Path}" : $"{Method} {Path}?{Query}";

    private static JsonElement? ParseJson(string body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return null;
        }
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
