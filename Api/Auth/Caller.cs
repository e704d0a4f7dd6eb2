using System.Security.Claims;

namespace Rectification.Api.Auth;

/// <summary>Who is calling: the token's subject, the unit whose subtree they may touch, and their role.</summary>
public sealed record Caller(string Sub, string Unit, Role Role)
{
    public static Caller From(ClaimsPrincipal user)
    {
        // Validation in SecuritySetup guarantees the three claims are present and well-formed.
        Roles.TryParse(user.FindFirstValue("role"), out var role);
        return new Caller(user.FindFirstValue("sub")!, user.FindFirstValue("unit")!, role);
    }

    public bool AtLeast(Role minimum) => Role >= minimum;
}
