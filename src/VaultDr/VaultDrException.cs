using System.Management.Automation;

namespace VaultDr;

/// <summary>
/// Every failure the module reports about a Vault call derives from this type, so the cmdlet base
/// class can turn it into an ErrorRecord with a stable id and category in one place.
/// Messages never carry a token, key share or OTP.
/// </summary>
public abstract class VaultDrException : Exception
{
    protected VaultDrException(string errorId, ErrorCategory category, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        ErrorId = errorId;
        Category = category;
    }

    /// <summary>PascalCase id starting with "VaultDr", used as the ErrorRecord's error id.</summary>
    public string ErrorId { get; }

    public ErrorCategory Category { get; }
}

/// <summary>Vault answered with an HTTP error status.</summary>
public sealed class VaultApiException : VaultDrException
{
    internal VaultApiException(string errorId, ErrorCategory category, string message, int statusCode, string method, string path, IReadOnlyList<string> errors)
        : base(errorId, category, message)
    {
        StatusCode = statusCode;
        Method = method;
        Path = path;
        Errors = errors;
    }

    public int StatusCode { get; }

    public string Method { get; }

    public string Path { get; }

    /// <summary>The texts of Vault's <c>errors</c> array.</summary>
    public IReadOnlyList<string> Errors { get; }
}

/// <summary>No usable HTTP answer: refused, unresolvable, TLS failure, timeout or a dropped connection.</summary>
public sealed class VaultConnectionException : VaultDrException
{
    internal VaultConnectionException(string errorId, string message, bool requestMayHaveBeenProcessed, Exception? innerException = null)
        : base(errorId, ErrorCategory.ConnectionError, message, innerException)
    {
        RequestMayHaveBeenProcessed = requestMayHaveBeenProcessed;
    }

    /// <summary>
    /// False only when the server provably never saw the request (refused, DNS, TLS handshake).
    /// When true, a state-changing call may have taken effect: check the cluster's status before retrying.
    /// </summary>
    public bool RequestMayHaveBeenProcessed { get; }
}

/// <summary>Vault answered, but not with what the API promises (bad JSON, missing fields, wrong types).</summary>
public sealed class VaultResponseException : VaultDrException
{
    internal VaultResponseException(string message, Exception? innerException = null)
        : base("VaultDrInvalidResponse", ErrorCategory.InvalidResult, message, innerException)
    {
    }
}

/// <summary>A redirect the module refuses to follow (a second hop, or https to http).</summary>
public sealed class VaultRedirectException : VaultDrException
{
    internal VaultRedirectException(string message)
        : base("VaultDrRedirectRefused", ErrorCategory.SecurityError, message)
    {
    }
}

/// <summary>Input that can be rejected before any request is sent.</summary>
public sealed class VaultDrArgumentException : VaultDrException
{
    internal VaultDrArgumentException(string errorId, string message, Exception? innerException = null)
        : base(errorId, ErrorCategory.InvalidArgument, message, innerException)
    {
    }

    /// <summary>Input refused for a reason with a category of its own: a file that is not there (ObjectNotFound), a wrong passphrase (AuthenticationError).</summary>
    internal VaultDrArgumentException(string errorId, string message, ErrorCategory category, Exception? innerException = null)
        : base(errorId, category, message, innerException)
    {
    }
}

/// <summary>A multi-step operation could not continue (for example, key shares ran out).</summary>
public sealed class VaultDrOperationException : VaultDrException
{
    internal VaultDrOperationException(string errorId, string message, Exception? innerException = null)
        : base(errorId, ErrorCategory.InvalidOperation, message, innerException)
    {
    }

    /// <summary>An operation stopped for what the cluster said, with the category that fits it (ObjectNotFound, ...).</summary>
    internal VaultDrOperationException(string errorId, string message, ErrorCategory category, Exception? innerException = null)
        : base(errorId, category, message, innerException)
    {
    }
}
