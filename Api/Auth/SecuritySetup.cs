using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Rectification.Units;

namespace Rectification.Api.Auth;

/// <summary>
/// Bearer tokens, checked for issuer, audience, signature (by key id, so keys rotate), expiry with a
/// bounded clock skew, and a bounded lifetime; then for the caller's sub, unit and role. Local keys
/// (HS256) or an OpenID Connect authority (its published asymmetric keys), by configuration alone.
/// </summary>
public static class SecuritySetup
{
    public static void AddSecurity(this WebApplicationBuilder builder)
    {
        var settings = AuthSettings.From(builder.Configuration);
        builder.Services.AddSingleton(settings);
        builder.Services.AddSingleton<TokenIssuer>();
        builder.Services.AddScoped<Access>();
        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(o =>
        {
            o.MapInboundClaims = false;
            o.TokenHandlers.Clear();
            o.TokenHandlers.Add(new ValidatedTokens(TimeProvider.System));
            var parameters = new TokenValidationParameters
            {
                ValidateIssuer = true,
                ValidateAudience = true,
                ValidAudience = settings.Audience,
                ValidateLifetime = true,
                RequireExpirationTime = true,
                RequireSignedTokens = true,
                ValidateIssuerSigningKey = true,
                ClockSkew = TimeSpan.FromSeconds(settings.ClockSkewSeconds),
                NameClaimType = settings.SubClaim,
                RoleClaimType = settings.RoleClaim,
            };
            if (!string.IsNullOrWhiteSpace(settings.Authority))
            {
                // The issuer and its keys come from the authority's discovery document, and rotate with it.
                o.Authority = settings.Authority;
                o.RequireHttpsMetadata = settings.RequireHttpsMetadata;
                parameters.ValidAlgorithms = [SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.RsaSha512,
                    SecurityAlgorithms.RsaSsaPssSha256, SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.EcdsaSha384];
            }
            else
            {
                parameters.ValidIssuer = settings.Issuer;
                parameters.IssuerSigningKeys = settings.Keys();
                parameters.ValidAlgorithms = [SecurityAlgorithms.HmacSha256];
            }
            o.TokenValidationParameters = parameters;
            o.Events = new JwtBearerEvents { OnTokenValidated = ctx => Validated(ctx, settings) };
        });
        builder.Services.AddAuthorization();
    }

    /// <summary>
    /// A signed, current token still needs a bounded lifetime and our three claims in a usable form;
    /// claims an identity provider names otherwise are copied under our names.
    /// </summary>
    private static Task Validated(TokenValidatedContext ctx, AuthSettings settings)
    {
        if (ctx.SecurityToken is not JsonWebToken jwt || jwt.IssuedAt == DateTime.MinValue
            || jwt.ValidTo - jwt.IssuedAt > TimeSpan.FromMinutes(settings.MaxLifetimeMinutes))
        {
            ctx.Fail($"The token needs an issue time and may live at most {settings.MaxLifetimeMinutes} minutes.");
            return Task.CompletedTask;
        }
        var p = ctx.Principal!;
        var sub = p.FindFirst(settings.SubClaim)?.Value;
        var unit = p.FindFirst(settings.UnitClaim)?.Value;
        var role = p.FindFirst(settings.RoleClaim)?.Value;
        if (string.IsNullOrWhiteSpace(sub) || sub.Length > 200 || !UnitCode.IsWellFormed(unit) || !Roles.TryParse(role, out _))
        {
            ctx.Fail("The token lacks a valid sub, unit or role claim.");
            return Task.CompletedTask;
        }
        if (settings.SubClaim != "sub" || settings.UnitClaim != "unit" || settings.RoleClaim != "role")
        {
            p.AddIdentity(new ClaimsIdentity([new Claim("sub", sub), new Claim("unit", unit!), new Claim("role", role!)]));
        }
        return Task.CompletedTask;
    }
}
