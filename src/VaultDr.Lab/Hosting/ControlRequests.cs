using System.Text.Json;

namespace VaultDr.Lab;

/// <summary>Reading the control API's requests: the method check, the JSON object body and its fields.</summary>
internal static class ControlRequests
{
    /// <summary>True when the method is one of <paramref name="methods"/>; otherwise answers 405 and returns false.</summary>
    public static async Task<bool> AllowAsync(HttpContext context, params string[] methods)
    {
        if (methods.Contains(context.Request.Method))
        {
            return true;
        }

        context.Response.Headers.Allow = string.Join(", ", methods);
        await LabHttp.WriteErrorAsync(context.Response, 405, $"Use {string.Join(" or ", methods)} here.").ConfigureAwait(false);
        return false;
    }

    public static async Task<JsonElement> ReadObjectAsync(HttpContext context, bool required)
    {
        using var reader = new StreamReader(context.Request.Body);
        var text = await reader.ReadToEndAsync(context.RequestAborted).ConfigureAwait(false);
        if (string.IsNullOrWhiteSpace(text))
        {
            return required ? throw new ControlBadRequestException("A JSON object body is required.") : JsonDocument.Parse("{}").RootElement.Clone();
        }

        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.ValueKind == JsonValueKind.Object
                ? document.RootElement.Clone()
                : throw new ControlBadRequestException("The body must be a JSON object.");
        }
        catch (JsonException e)
        {
            throw new ControlBadRequestException($"The body is not valid JSON: {e.Message}");
        }
    }

    public static string? String(JsonElement body, string name) =>
        !body.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null ? null
        : value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text ? text
        : throw new ControlBadRequestException($"'{name}' must be a non-empty string.");

    public static int? Int(JsonElement body, string name, int min, int max) =>
        !body.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null ? null
        : value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number) && number >= min && number <= max ? number
        : throw new ControlBadRequestException($"'{name}' must be an integer from {min} to {max}.");

    public static long? Long(JsonElement body, string name, long min, long max) =>
        !body.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null ? null
        : value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number) && number >= min && number <= max ? number
        : throw new ControlBadRequestException($"'{name}' must be an integer from {min} to {max}.");

    /// <summary>A list of strings (possibly empty); null when the field is absent.</summary>
    public static string[]? Strings(JsonElement body, string name) =>
        !body.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null ? null
        : value.ValueKind == JsonValueKind.Array && value.EnumerateArray().All(e => e.ValueKind == JsonValueKind.String)
            ? value.EnumerateArray().Select(e => e.GetString()!).ToArray()
            : throw new ControlBadRequestException($"'{name}' must be a list of strings.");

    public static bool? Bool(JsonElement body, string name) =>
        !body.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null ? null
        : value.ValueKind is JsonValueKind.True or JsonValueKind.False ? value.GetBoolean()
        : throw new ControlBadRequestException($"'{name}' must be true or false.");
}

/// <summary>A control request the lab cannot act on: answered 400 with its message.</summary>
internal sealed class ControlBadRequestException(string message) : Exception(message);
