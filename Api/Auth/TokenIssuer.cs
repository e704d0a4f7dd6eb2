using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Rectification.Api.Auth;

/// <summary>Signs bearer tokens with the first configured local key (HS256, with its kid). Used by the dev token route.</summary>
public sealed class TokenIssuer(AuthSettings settings)
{
    public const string Issuer = "rectification";
    public const string Audience = "rectification-api";

    public string Issue(string sub, string unit, Role role, TimeSpan? lifetime = null) =>
        Issue(settings.Keys()[0], sub, unit, role, lifetime, settings.Issuer, settings.Audience);

    public static string Issue(SecurityKey key, string sub, string unit, Role role, TimeSpan? lifetime = null,
        string issuer = Issuer, string audience = Audience, DateTime? now = null, string algorithm = SecurityAlgorithms.HmacSha256)
    {
        var at = now ?? DateTime.UtcNow;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            IssuedAt = at,
            NotBefore = at,
            Expires = at + (lifetime ?? TimeSpan.FromHours(12)),
            Subject = new ClaimsIdentity([new Claim("sub", sub), new Claim("unit", unit), new Claim("role", role.ToWire())]),
            SigningCredentials = new SigningCredentials(key, algorithm),
        });
    }
}
