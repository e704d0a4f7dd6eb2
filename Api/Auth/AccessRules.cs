using Rectification.Security;

namespace Rectification.Api.Auth;

/// <summary>Whose unit a route acts on: the one in its route (by default <c>{code}</c>), the caller's own, or the region's root.</summary>
public enum AccessTarget { Route, Caller, Root }

/// <summary>
/// A route's declaration to the access policy: its action, and its target unit.
/// <see cref="Village"/>: the target must be a grassroots organization (404 otherwise).
/// <see cref="MayNotExist"/>: the route may create the unit (a profile PUT); a missing one is checked by the handler.
/// </summary>
public sealed record AccessRule(AccessAction Action, AccessTarget Target = AccessTarget.Route, string Parameter = "code",
    bool Village = false, bool MayNotExist = false);

/// <summary>A route open without a token (health, OpenAPI, the dev-token route where it exists).</summary>
public sealed record PublicRoute;

public static class AccessRules
{
    /// <summary>Declares the route's action and target, and checks every request against the policy before the handler runs.</summary>
    public static RouteHandlerBuilder RequireAccess(this RouteHandlerBuilder route, AccessAction action, AccessTarget target = AccessTarget.Route,
        string parameter = "code", bool village = false, bool mayNotExist = false)
    {
        var rule = new AccessRule(action, target, parameter, village, mayNotExist);
        return route.WithMetadata(rule).AddEndpointFilter(async (context, next) =>
        {
            var access = context.HttpContext.RequestServices.GetRequiredService<Access>();
            var (_, denied) = await access.CheckAsync(rule, context.HttpContext.GetRouteValue(rule.Parameter) as string);
            return denied ?? await next(context);
        });
    }

    /// <summary>
    /// Every route under /api must declare its access (or be public): a route that declares none stops
    /// the API from starting, so a new route cannot slip past the policy.
    /// </summary>
    public static void EnsureEveryRouteDeclaresAccess(this WebApplication app)
    {
        var undeclared = ((IEndpointRouteBuilder)app).DataSources
            .SelectMany(d => d.Endpoints)
            .OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api/", StringComparison.Ordinal) == true)
            .Where(e => e.Metadata.GetMetadata<AccessRule>() is null && e.Metadata.GetMetadata<PublicRoute>() is null)
            .Select(e => $"{string.Join(",", e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? [])} {e.RoutePattern.RawText}")
            .ToList();
        if (undeclared.Count > 0)
        {
            throw new InvalidOperationException($"Routes without an access rule (RequireAccess): {string.Join("; ", undeclared)}");
        }
    }
}
