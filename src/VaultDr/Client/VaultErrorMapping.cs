using System.Management.Automation;
using System.Text.Json;

namespace VaultDr.Client;

/// <summary>The one place where HTTP statuses and transport failures become typed exceptions.</summary>
internal static class VaultErrorMapping
{
    internal static (string ErrorId, ErrorCategory Category) ForStatus(int status) => status switch
    {
        400 => ("VaultDrInvalidRequest", ErrorCategory.InvalidArgument),
        401 => ("VaultDrUnauthorized", ErrorCategory.AuthenticationError),
        403 => ("VaultDrPermissionDenied", ErrorCategory.PermissionDenied),
        404 => ("VaultDrNotFound", ErrorCategory.ObjectNotFound),
        405 => ("VaultDrUnsupportedOperation", ErrorCategory.NotImplemented),
        409 => ("VaultDrConflict", ErrorCategory.InvalidOperation),
        412 => ("VaultDrIndexStateNotPresent", ErrorCategory.InvalidOperation),
        429 => ("VaultDrRateLimited", ErrorCategory.ResourceUnavailable),
        500 => ("VaultDrServerError", ErrorCategory.NotSpecified),
        501 => ("VaultDrNotImplemented", ErrorCategory.NotImplemented),
        503 => ("VaultDrUnavailable", ErrorCategory.ResourceUnavailable),
        _ when status >= 500 => ("VaultDrServerError", ErrorCategory.NotSpecified),
        _ => ("VaultDrHttpError", ErrorCategory.NotSpecified),
    };

    internal static VaultApiException FromStatus(int status, string? body, string method, string path, IEnumerable<string> secrets, string? advice = null)
    {
        var errors = ReadErrors(body).Select(e => Redaction.RedactText(e, secrets)).ToArray();
        var (id, category) = ForStatus(status);
        var what = errors.Length > 0 ? string.Join("; ", errors) : "no error text";
        var message = $"Vault answered {status} to {method} /{path}: {what}" + (advice is null ? string.Empty : $". {advice}");
        return new VaultApiException(id, category, message, status, method, "/" + path, errors);
    }

    /// <param name="changesState">False for a read: a lost read is safe to repeat, so the message does not warn that the server may have acted.</param>
    /// <param name="advice">What to try next, when VaultDr knows (a default address nobody gave, say).</param>
    internal static VaultConnectionException FromFailure(AttemptFailure failure, string method, Uri url, TimeSpan timeout, Exception? cause, bool changesState = true, string? advice = null)
    {
        var exception = Failure(failure, method, url, timeout, cause, changesState);
        return advice is null ? exception : new VaultConnectionException(exception.ErrorId, $"{exception.Message} {advice}", exception.RequestMayHaveBeenProcessed, cause);
    }

    private static VaultConnectionException Failure(AttemptFailure failure, string method, Uri url, TimeSpan timeout, Exception? cause, bool changesState)
    {
        var where = $"{method} {url.GetLeftPart(UriPartial.Path)}";
        var mayHaveActed = changesState ? " The server may still have acted on the request; check its status before trying again." : " Reading it again is safe.";
        return failure switch
        {
            AttemptFailure.ConnectionRefused => new("VaultDrConnectionRefused", $"{where}: the connection was refused. Is Vault running at {url.GetLeftPart(UriPartial.Authority)}?", false, cause),
            AttemptFailure.NameResolution => new("VaultDrHostNotFound", $"{where}: the host name '{url.Host}' could not be resolved.", false, cause),
            AttemptFailure.TlsHandshake => new("VaultDrTlsFailure", $"{where}: the TLS handshake failed.", false, cause),
            AttemptFailure.CertificateRejected => new(
                "VaultDrCertificateRejected",
                $"{where}: the server's TLS certificate is not trusted. Pass -CACertificateFile (or set VAULT_CACERT) with the CA that signed it.",
                false,
                cause),
            AttemptFailure.Timeout => new(
                "VaultDrTimeout",
                $"{where}: no answer within {timeout.TotalSeconds:0.###} s.{mayHaveActed}",
                changesState,
                cause),
            _ => new(
                "VaultDrConnectionLost",
                $"{where}: the connection was lost before a complete answer came back.{mayHaveActed.Replace("still have acted", "have acted", StringComparison.Ordinal)}",
                changesState,
                cause),
        };
    }

    /// <summary>
    /// A listener with disable_replication_status_endpoints answers every replication status path with 404 "disabled
    /// path" (Vault 1.16+). Said plainly, with the way out: another listener of the same cluster.
    /// </summary>
    internal static VaultDrException ForStatusRead(VaultApiException refusal, VaultDrConnection connection)
    {
        if (refusal.StatusCode != 404 || !refusal.Errors.Any(e => e.Contains("disabled path", StringComparison.OrdinalIgnoreCase)))
        {
            return refusal;
        }

        return new VaultApiException(
            "VaultDrStatusEndpointsDisabled",
            ErrorCategory.ResourceUnavailable,
            $"{refusal.Method} {refusal.Path}: the listener at {connection.Address.GetLeftPart(UriPartial.Authority)} does not serve replication status: " +
            "its listener option disable_replication_status_endpoints is true (Vault answered 404 \"disabled path\"). " +
            "Use an address on another listener of the same cluster, one without that option (New-VaultDrConnection -Address <that listener's address>), " +
            "or ask the Vault operators to turn the option off on this one.",
            refusal.StatusCode,
            refusal.Method,
            refusal.Path,
            refusal.Errors);
    }

    /// <summary>Vault's <c>errors</c> array, or nothing when the body has none.</summary>
    internal static IReadOnlyList<string> ReadErrors(string? body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return Array.Empty<string>();
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind == JsonValueKind.Object &&
                document.RootElement.TryGetProperty("errors", out var errors) &&
                errors.ValueKind == JsonValueKind.Array)
            {
                return errors.EnumerateArray()
                    .Select(e => e.ValueKind == JsonValueKind.String ? e.GetString() ?? string.Empty : e.GetRawText())
                    .Where(e => e.Length > 0)
                    .ToArray();
            }
        }
        catch (JsonException)
        {
            // Not JSON (a proxy's HTML page, say): the status code alone has to speak.
        }

        return Array.Empty<string>();
    }
}
