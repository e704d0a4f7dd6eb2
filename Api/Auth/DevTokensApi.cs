using Rectification.Api.Setup;
using Rectification.Units;

namespace Rectification.Api.Auth;

/// <summary>
/// POST /api/v1/dev/tokens: mints a token for trying the API out. Mapped only when Auth:DevTokens is
/// true, which the local run sets and production configuration does not.
/// </summary>
public static class DevTokensApi
{
    public sealed record TokenRequest(string? Sub, string? Unit, string? Role);
    public sealed record TokenResponse(string Token, string Sub, string Unit, string Role, DateTime ExpiresAt);

    public static void MapDevTokens(this RouteGroupBuilder group) =>
        group.MapPost("/dev/tokens", Mint).AllowAnonymous().WithMetadata(new PublicRoute()).WithTags("Development");

    private static async Task<IResult> Mint(TokenRequest body, TokenIssuer issuer, UnitRegistry registry)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(body.Sub)) errors["sub"] = ["Required."];
        if (!UnitCode.IsWellFormed(body.Unit)) errors["unit"] = ["A unit code is 12 digits."];
        else if (await registry.FindAsync(body.Unit!) is null) errors["unit"] = [$"No unit has the code {body.Unit}."];
        if (!Roles.TryParse(body.Role, out var role)) errors["role"] = ["One of viewer, reporter, reviewer, admin."];
        if (errors.Count > 0) return Problems.Validation(errors);

        var lifetime = TimeSpan.FromHours(12);
        var token = issuer.Issue(body.Sub!, body.Unit!, role, lifetime);
        return TypedResults.Ok(new TokenResponse(token, body.Sub!, body.Unit!, role.ToWire(), DateTime.UtcNow + lifetime));
    }
}
