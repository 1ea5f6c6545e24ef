using System.Text.Json;

namespace VaultDr.Lab;

/// <summary>The JSON shapes an emulated cluster answers with, written the way Vault writes them.</summary>
internal static class VaultAnswers
{
    public static string Serialize(object? value) => JsonSerializer.Serialize(value, LabCrypto.Json);

    /// <summary>200 with <paramref name="body"/> as it is (no envelope), as sys/health or sys/seal-status answer.</summary>
    public static LabResponse Ok(object? body) => new(200, Serialize(body));

    /// <summary>Vault's error shape: <c>{"errors":[...]}</c>.</summary>
    public static LabResponse Error(int status, params string[] errors) =>
        new(status, Serialize(new OrderedDictionary<string, object?> { ["errors"] = errors }));

    /// <summary>An unknown path: 404 with an empty errors list, as Vault answers it.</summary>
    public static LabResponse NotFound() => Error(404);

    /// <summary>A known path called with a method it does not serve.</summary>
    public static LabResponse Unsupported() => Error(405, VaultMessages.UnsupportedOperation);

    public static LabResponse NoContent() => new(204, null);

    /// <summary>Vault's response envelope around <paramref name="data"/>.</summary>
    public static OrderedDictionary<string, object?> EnvelopeBody(object? data, string[]? warnings = null, object? wrapInfo = null, object? auth = null) => new()
    {
        ["request_id"] = LabCrypto.Uuid(),
        ["lease_id"] = "",
        ["renewable"] = false,
        ["lease_duration"] = 0,
        ["data"] = data,
        ["wrap_info"] = wrapInfo,
        ["warnings"] = warnings,
        ["auth"] = auth,
    };

    public static LabResponse Envelope(object? data) => Ok(EnvelopeBody(data));

    /// <summary>Success with warnings: 200, <c>data: null</c>, top-level warnings.</summary>
    public static LabResponse Warnings(params string[] warnings) => Ok(EnvelopeBody(null, warnings));
}
