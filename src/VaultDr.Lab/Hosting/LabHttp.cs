using System.Text;
using System.Text.Json;

namespace VaultDr.Lab;

/// <summary>Translates between Kestrel's HttpContext and the cluster contract (LabRequest / LabResponse).</summary>
internal static class LabHttp
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static async Task<LabRequest> ReadAsync(HttpRequest request, CancellationToken cancellationToken) =>
        (await ReadWithDigestAsync(request, cancellationToken).ConfigureAwait(false)).Request;

    /// <summary>The request, and the digest of its body for the request log (<see cref="LabBodyDigest"/>).</summary>
    public static async Task<(LabRequest Request, string? BodyDigest)> ReadWithDigestAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var query = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, values) in request.Query)
        {
            query[key] = values.ToString();
        }

        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, values) in request.Headers)
        {
            headers[key] = values.ToString();
        }

        using var bytes = new MemoryStream();
        await request.Body.CopyToAsync(bytes, cancellationToken).ConfigureAwait(false);
        var digest = LabBodyDigest.Of(bytes.GetBuffer().AsSpan(0, (int)bytes.Length));
        bytes.Position = 0;
        using var reader = new StreamReader(bytes, Encoding.UTF8);
        var body = await reader.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
        return (new LabRequest(request.Method, request.Path.Value is { Length: > 0 } path ? path : "/", query, headers, body), digest);
    }

    /// <summary>
    /// Reads and discards the request body (so a dropped request was fully received first); returns the body's digest
    /// for the request log.
    /// </summary>
    public static async Task<string?> DrainAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        using var hash = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        var buffer = new byte[8192];
        var total = 0L;
        int read;
        while ((read = await request.Body.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            hash.AppendData(buffer, 0, read);
            total += read;
        }

        return total == 0 ? null : Convert.ToHexStringLower(hash.GetHashAndReset())[..LabBodyDigest.Length];
    }

    public static async Task WriteAsync(HttpResponse response, LabResponse answer, CancellationToken cancellationToken)
    {
        response.StatusCode = answer.Status;
        if (answer.Headers is not null)
        {
            foreach (var (key, value) in answer.Headers)
            {
                response.Headers[key] = value;
            }
        }

        if (answer.Json is not null)
        {
            var bytes = Encoding.UTF8.GetBytes(answer.Json);
            if (answer.Headers?.ContainsKey("Content-Type") != true)
            {
                response.ContentType = "application/json";
            }

            response.ContentLength = bytes.Length;
            await response.Body.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
        }
    }

    public static Task WriteJsonAsync(HttpResponse response, int status, object body) =>
        WriteAsync(response, new LabResponse(status, JsonSerializer.Serialize(body, body.GetType(), Json)), CancellationToken.None);

    /// <summary>Vault's error shape, <c>{"errors":["..."]}</c>, so one reader serves the clusters and the control API.</summary>
    public static Task WriteErrorAsync(HttpResponse response, int status, string error) =>
        WriteJsonAsync(response, status, new { errors = new[] { error } });
}
