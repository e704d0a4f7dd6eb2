using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.Tokens;
using Rectification.Units;

namespace Rectification.Api.Auth;

public static class SecuritySetup
{
    public static void AddSecurity(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<TokenIssuer>();
        builder.Services.AddScoped<Access>();
        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        builder.Services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<IConfiguration>((o, config) =>
            {
                o.MapInboundClaims = false;
                o.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidIssuer = TokenIssuer.Issuer,
                    ValidAudience = TokenIssuer.Audience,
                    IssuerSigningKey = TokenIssuer.SigningKey(config),
                    ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
                    NameClaimType = "sub",
                    RoleClaimType = "role",
                    ClockSkew = TimeSpan.FromSeconds(30),
                };
                // A signed token still needs our three claims in a usable form.
                o.Events = new JwtBearerEvents
                {
                    OnTokenValidated = ctx =>
                    {
                        var p = ctx.Principal!;
                        if (string.IsNullOrWhiteSpace(p.FindFirst("sub")?.Value)
                            || !UnitCode.IsWellFormed(p.FindFirst("unit")?.Value)
                            || !Roles.TryParse(p.FindFirst("role")?.Value, out _))
                        {
                            ctx.Fail("The token lacks a valid sub, unit or role claim.");
                        }
                        return Task.CompletedTask;
                    },
                };
            });
        builder.Services.AddAuthorization();
    }
}
