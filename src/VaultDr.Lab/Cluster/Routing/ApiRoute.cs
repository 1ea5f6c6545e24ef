using System.Text.Json;

namespace VaultDr.Lab;

/// <summary>The HTTP methods a route serves.</summary>
[Flags]
internal enum ApiMethods
{
    None = 0,
    Get = 1,
    Head = 2,
    Put = 4,
    Post = 8,
    Delete = 16,

    /// <summary>Vault treats PUT and POST alike ("update").</summary>
    Write = Put | Post,
}

/// <summary>Who may call a route; checked after the sealed and DR-secondary gates, before the method.</summary>
internal enum RouteAccess
{
    /// <summary>Anyone: no token is looked at.</summary>
    Open,

    /// <summary>A valid token (403 permission denied without one).</summary>
    Token,

    /// <summary>A valid token with the root policy.</summary>
    Root,

    /// <summary>
    /// The operation-token ceremony: anyone before Vault 2.0; from 2.0 a valid token that may use it, unless the
    /// server's enable_unauthenticated_access lets everyone in.
    /// </summary>
    TokenOnVault2,
}

/// <summary>
/// The gates a route is exempt from. Without exemptions a path answers 503 "Vault is sealed" while the cluster is
/// sealed and 400 "path disabled in replication DR secondary mode" on a DR secondary, in that order.
/// </summary>
[Flags]
internal enum GateExemptions
{
    None = 0,
    Sealed = 1,
    DrSecondary = 2,
}

/// <summary>
/// Where a route takes a DR operation token on a DR secondary in place of a Vault token, as Vault's CLI sends it:
/// in the JSON body (<c>dr_operation_token</c>) or as the X-Vault-Token header.
/// </summary>
internal enum DrOperationTokenPlace
{
    None,
    Body,
    Header,
}

/// <summary>One request as a route handler sees it: the route matched, the gates and access passed.</summary>
/// <param name="Request">The request as the host passed it.</param>
/// <param name="Method">The request's method, one of the route handler's.</param>
/// <param name="Path">The path below /v1/ (or below / on the cluster listener), without slashes at either end.</param>
/// <param name="Remainder">The part of the path after a prefix route's prefix; empty for an exact route.</param>
/// <param name="Caller">The caller's token when the route's access looked at it.</param>
internal sealed record ApiCall(LabRequest Request, ApiMethods Method, string Path, string Remainder, LabToken? Caller)
{
    /// <summary>The request body as a JSON object (parsed once), or null.</summary>
    public JsonElement? Body { get; } = Request.Json;
}

/// <summary>A handler that runs under the cluster's lock: it must not call a peer.</summary>
internal delegate LabResponse LockedHandler(ApiCall call);

/// <summary>A handler that runs outside the lock, takes it for its state changes and calls peers without it.</summary>
internal delegate Task<LabResponse> UnlockedHandler(ApiCall call, CancellationToken cancellationToken);

/// <summary>
/// A path (exact, or a prefix ending in "/") with its access, gate exemptions and one handler per method set. A route
/// without handlers is an area: it decides the gates and access of unknown paths below it, which then answer 404.
/// </summary>
internal sealed class ApiRoute(string path, bool isPrefix, RouteAccess access, GateExemptions exemptions, bool onlyOnDrSecondary)
{
    private readonly List<(ApiMethods Methods, LockedHandler? Locked, UnlockedHandler? Unlocked)> _handlers = [];
    private readonly List<(ApiMethods Methods, DrOperationTokenPlace Place)> _drOperationTokens = [];

    public string Path { get; } = path;

    public bool IsPrefix { get; } = isPrefix;

    public RouteAccess Access { get; } = access;

    public GateExemptions Exemptions { get; } = exemptions;

    /// <summary>Served on a DR secondary only: elsewhere 400 "Not a DR secondary." after the method check.</summary>
    public bool OnlyOnDrSecondary { get; } = onlyOnDrSecondary;

    public bool IsArea => _handlers.Count == 0;

    /// <summary>Every method some handler serves.</summary>
    public ApiMethods Methods => _handlers.Aggregate(ApiMethods.None, (all, h) => all | h.Methods);

    public ApiRoute On(ApiMethods methods, LockedHandler handler) => Add(methods, handler, null);

    /// <summary>
    /// On a DR secondary, <paramref name="methods"/> of this route pass the DR-secondary gate with a valid DR
    /// operation token at <paramref name="place"/> (which then stands in for the Vault token); without one they are
    /// refused like any path a DR secondary does not serve.
    /// </summary>
    public ApiRoute AcceptsDrOperationToken(ApiMethods methods, DrOperationTokenPlace place)
    {
        if (methods == ApiMethods.None || place == DrOperationTokenPlace.None || _drOperationTokens.Any(t => (t.Methods & methods) != ApiMethods.None))
        {
            throw new ArgumentException($"{Path}: each method takes a DR operation token in one place.", nameof(methods));
        }

        _drOperationTokens.Add((methods, place));
        return this;
    }

    /// <summary>Where <paramref name="method"/> takes a DR operation token on a DR secondary (None: nowhere).</summary>
    public DrOperationTokenPlace DrOperationTokenFor(ApiMethods method) =>
        _drOperationTokens.FirstOrDefault(t => method != ApiMethods.None && (t.Methods & method) == method).Place;

    public ApiRoute On(ApiMethods methods, UnlockedHandler handler) => Add(methods, null, handler);

    /// <summary>The handler for <paramref name="method"/>: exactly one of the pair is set, or neither when none serves it.</summary>
    public (LockedHandler? Locked, UnlockedHandler? Unlocked) HandlerFor(ApiMethods method)
    {
        foreach (var handler in _handlers)
        {
            if (method != ApiMethods.None && (handler.Methods & method) == method)
            {
                return (handler.Locked, handler.Unlocked);
            }
        }

        return (null, null);
    }

    private ApiRoute Add(ApiMethods methods, LockedHandler? locked, UnlockedHandler? unlocked)
    {
        if (methods == ApiMethods.None || (Methods & methods) != ApiMethods.None)
        {
            throw new ArgumentException($"{Path}: each method has exactly one handler.", nameof(methods));
        }

        _handlers.Add((methods, locked, unlocked));
        return this;
    }
}
