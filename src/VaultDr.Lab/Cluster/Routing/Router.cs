using static VaultDr.Lab.VaultAnswers;

namespace VaultDr.Lab;

/// <summary>
/// Answers one listener's requests from its <see cref="RouteTable"/>, checking in Vault's order: the path (404),
/// the sealed gate (503), the DR-secondary gate (400), access (403), the method (405, or 404 in an area), the DR
/// secondary requirement (400), then the handler.
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
            if (GateRefusal(route) is { } refused)
            {
                return refused;
            }

            if (!TryAuthorise(route, request, out var caller))
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

    private LabResponse? GateRefusal(ApiRoute route)
    {
        if (state.Sealed && !route.Exemptions.HasFlag(GateExemptions.Sealed))
        {
            return Error(503, VaultMessages.Sealed);
        }

        if (state.Mode == DrModes.Secondary && !route.Exemptions.HasFlag(GateExemptions.DrSecondary))
        {
            return Error(400, VaultMessages.PathDisabledOnDrSecondary);
        }

        return null;
    }

    private bool TryAuthorise(ApiRoute route, LabRequest request, out LabToken? caller)
    {
        caller = null;
        var needsToken = route.Access switch
        {
            RouteAccess.Token or RouteAccess.Root => true,
            RouteAccess.TokenOnVault2 => state.Version.IsVault2OrLater,
            _ => false,
        };
        if (!needsToken)
        {
            return true;
        }

        caller = state.Authenticate(request);
        return caller is not null && (route.Access != RouteAccess.Root || caller.IsRoot);
    }
}
