using static VaultDr.Lab.VaultAnswers;

namespace VaultDr.Lab;

/// <summary>
/// Answers one listener's requests from its <see cref="RouteTable"/>, checking in Vault's order: the path (404),
/// the sealed gate (503), the DR-secondary gate (400, or a DR operation token where the route takes one), access
/// (403), the method (405, or 404 in an area), the DR secondary requirement (400), then the handler. Before the
/// checks the cluster catches up with its clock (a reindex that has completed meanwhile).
/// </summary>
internal sealed class Router(ClusterState state, RouteTable routes, string pathPrefix)
{
    public RouteTable Routes { get; } = routes;

    public async Task<LabResponse> HandleAsync(LabRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var raw = request.Path;
        var query = raw.IndexOf('?', StringComparison.Ordinal);
        if (query >= 0)
        {
            raw = raw[..query];
        }

        if (!raw.StartsWith(pathPrefix, StringComparison.Ordinal))
        {
            return NotFound();
        }

        var path = raw[pathPrefix.Length..].Trim('/');
        var (route, remainder) = Routes.Find(path);
        if (route is null)
        {
            return NotFound();
        }

        var method = ParseMethod(request.Method);
        UnlockedHandler unlocked;
        ApiCall call;
        lock (state.Gate)
        {
            state.CatchUpWithClock();
            if (GateRefusal(route, method, request, path, out var drOperationToken) is { } refused)
            {
                return refused;
            }

            LabToken? caller = null;
            if (!drOperationToken && !TryAuthorise(route, request, path, method, out caller))
            {
                return Error(403, VaultMessages.PermissionDenied);
            }

            var (lockedHandler, unlockedHandler) = route.HandlerFor(method);
            if (lockedHandler is null && unlockedHandler is null)
            {
                return route.IsArea ? NotFound() : Unsupported();
            }

            if (route.OnlyOnDrSecondary && state.Mode != DrModes.Secondary)
            {
                return Error(400, VaultMessages.NotADrSecondary);
            }

            call = new ApiCall(request, method, path, remainder, caller);
            if (lockedHandler is not null)
            {
                return lockedHandler(call);
            }

            unlocked = unlockedHandler!;
        }

        return await unlocked(call, cancellationToken).ConfigureAwait(false);
    }

    public static ApiMethods ParseMethod(string method) => method.ToUpperInvariant() switch
    {
        "GET" => ApiMethods.Get,
        "HEAD" => ApiMethods.Head,
        "PUT" => ApiMethods.Put,
        "POST" => ApiMethods.Post,
        "DELETE" => ApiMethods.Delete,
        _ => ApiMethods.None,
    };

    /// <summary>
    /// The sealed and DR-secondary gates. <paramref name="drOperationToken"/> is true when a DR operation token let the
    /// request through the DR-secondary gate (it then needs no Vault token). A body token that is there but invalid
    /// is refused as promote refuses it; no token (or a Vault token) meets the gate's usual answer.
    /// </summary>
    private LabResponse? GateRefusal(ApiRoute route, ApiMethods method, LabRequest request, string path, out bool drOperationToken)
    {
        drOperationToken = false;
        if (state.Sealed && !route.Exemptions.HasFlag(GateExemptions.Sealed))
        {
            return Error(503, VaultMessages.Sealed);
        }

        if (state.Mode != DrModes.Secondary || route.Exemptions.HasFlag(GateExemptions.DrSecondary))
        {
            return null;
        }

        var token = route.DrOperationTokenFor(method) switch
        {
            DrOperationTokenPlace.Body => LabCrypto.ReadString(request.Json, "dr_operation_token"),
            DrOperationTokenPlace.Header => request.Token,
            _ => null,
        };
        if (string.IsNullOrEmpty(token))
        {
            return Error(400, VaultMessages.PathDisabledOnDrSecondary);
        }

        drOperationToken = state.IsDrOperationToken(token, path, Acl.CapabilityFor(method));
        return drOperationToken ? null
            : route.DrOperationTokenFor(method) == DrOperationTokenPlace.Body ? Error(400, VaultMessages.InvalidOperationToken)
            : Error(400, VaultMessages.PathDisabledOnDrSecondary); // a Vault token in the header is what the gate refuses
    }

    private bool TryAuthorise(ApiRoute route, LabRequest request, string path, ApiMethods method, out LabToken? caller)
    {
        caller = null;
        var needsToken = route.Access switch
        {
            RouteAccess.Token or RouteAccess.Root => true,
            RouteAccess.TokenOnVault2 => state.CeremonyNeedsToken,
            _ => false,
        };
        if (!needsToken)
        {
            return true;
        }

        caller = state.Authenticate(request);
        return caller is not null && route.Access switch
        {
            RouteAccess.Root => caller.IsRoot,
            RouteAccess.TokenOnVault2 => state.MayGenerateOperationToken(caller, path, method),
            _ => true,
        };
    }
}
