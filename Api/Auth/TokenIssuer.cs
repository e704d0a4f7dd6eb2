using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Rectification.Api.Auth;

/// <summary>Signs bearer tokens with the configured symmetric key (HS256). Used by the dev token route.</summary>
public sealed class TokenIssuer(IConfiguration config)
{
    public const string Issuer = "rectification";
    public const string Audience = "rectification-api";

    public string Issue(string sub, string unit, Role role, TimeSpan? lifetime = null) =>
        Issue(SigningKey(config), sub, unit, role, lifetime);

    public static string Issue(SymmetricSecurityKey key, string sub, string unit, Role role, TimeSpan? lifetime = null)
    {
        var now = DateTime.UtcNow;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + (lifetime ?? TimeSpan.FromHours(12)),
            Subject = new ClaimsIdentity([new Claim("sub", sub), new Claim("unit", unit), new Claim("role", role.ToWire())]),
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.HmacSha256),
        });
    }

    /// <summary>The key comes from configuration (the local run generates one into its ignored data folder).</summary>
    public static SymmetricSecurityKey SigningKey(IConfiguration config)
    {
        var text = config["Auth:SigningKey"];
        if (string.IsNullOrWhiteSpace(text)) throw new InvalidOperationException("Auth:SigningKey is not set.");
        var bytes = Convert.FromBase64String(text);
        if (bytes.Length < 32) throw new InvalidOperationException("Auth:SigningKey must be at least 32 bytes.");
        return new SymmetricSecurityKey(bytes);
    }
}
