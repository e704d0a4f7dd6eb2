using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.Tokens;
using Rectification.Api.Auth;
using Rectification.Tests.Infrastructure;

namespace Rectification.Tests.Api;

/// <summary>Production authentication: what a token must be, key rotation, an OpenID Connect authority, and refusing to start unarmed.</summary>
[Collection(ApiCollection.Name)]
public sealed class AuthenticationTests(ApiFixture fx)
{
    private const string Region = "150000000000";
    private static readonly byte[] KeyA = RandomNumberGenerator.GetBytes(32), KeyB = RandomNumberGenerator.GetBytes(48);

    private static async Task<HttpStatusCode> Call(HttpClient client, string token)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/units/{Region}");
        request.Headers.Authorization = new("Bearer", token);
        return (await client.SendAsync(request)).StatusCode;
    }

    private static string Base64Url(string json) => Microsoft.AspNetCore.WebUtilities.WebEncoders.Base64UrlEncode(Encoding.UTF8.GetBytes(json));

    [Fact]
    public async Task Unsigned_wrongly_signed_expired_overlong_and_misaddressed_tokens_are_401()
    {
        var client = fx.Factory.CreateClient();
        var good = fx.Token(Region, Role.Admin);
        Assert.Equal(HttpStatusCode.OK, await Call(client, good));

        var exp = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds();
        var payload = Base64Url($$"""{"sub":"x","unit":"{{Region}}","role":"admin","iss":"rectification","aud":"rectification-api","exp":{{exp}},"iat":{{exp - 3600}}}""");
        Assert.Equal(HttpStatusCode.Unauthorized, await Call(client, $"{Base64Url("""{"alg":"none","typ":"JWT"}""")}.{payload}."));
        Assert.Equal(HttpStatusCode.Unauthorized, await Call(client, $"{Base64Url("""{"alg":"HS256","typ":"JWT"}""")}.{payload}."));
        // The signature of a valid token moved onto another payload.
        Assert.Equal(HttpStatusCode.Unauthorized, await Call(client, $"{good.Split('.')[0]}.{payload}.{good.Split('.')[2]}"));
        var otherKey = new SymmetricSecurityKey(RandomNumberGenerator.GetBytes(48));
        Assert.Equal(HttpStatusCode.Unauthorized, await Call(client, TokenIssuer.Issue(otherKey, "x", Region, Role.Admin)));
        var key = new SymmetricSecurityKey(fx.SigningKey);
        Assert.Equal(HttpStatusCode.Unauthorized, await Call(client, TokenIssuer.Issue(key, "x", Region, Role.Admin, TimeSpan.FromMinutes(5), now: DateTime.UtcNow.AddHours(-1))));
        Assert.Equal(HttpStatusCode.Unauthorized, await Call(client, TokenIssuer.Issue(key, "x", Region, Role.Admin, TimeSpan.FromDays(30))));
        Assert.Equal(HttpStatusCode.Unauthorized, await Call(client, TokenIssuer.Issue(key, "x", Region, Role.Admin, issuer: "someone-else")));
        Assert.Equal(HttpStatusCode.Unauthorized, await Call(client, TokenIssuer.Issue(key, "x", Region, Role.Admin, audience: "another-api")));
        Assert.Equal(HttpStatusCode.Unauthorized, await Call(client, TokenIssuer.Issue(key, "x", "15000000000x", Role.Admin)));
        // Within the clock skew a just-expired token still passes; the skew is bounded.
        Assert.Equal(HttpStatusCode.OK, await Call(client, TokenIssuer.Issue(key, "x", Region, Role.Admin, TimeSpan.FromMinutes(10), now: DateTime.UtcNow.AddMinutes(-10).AddSeconds(-10))));
        var problem = await client.SendAsync(new HttpRequestMessage(HttpMethod.Get, $"/api/v1/units/{Region}") { Headers = { Authorization = new("Bearer", "garbage") } });
        Assert.Equal("application/problem+json", problem.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task Keys_rotate_every_configured_key_is_accepted_by_its_id()
    {
        var factory = fx.WithSettings(new()
        {
            ["Auth:SigningKey"] = "",
            ["Auth:SigningKeys:0:Id"] = "2026-11", ["Auth:SigningKeys:0:Key"] = Convert.ToBase64String(KeyA),
            ["Auth:SigningKeys:1:Id"] = "2026-05", ["Auth:SigningKeys:1:Key"] = Convert.ToBase64String(KeyB),
        });
        var client = factory.CreateClient();
        Assert.Equal(HttpStatusCode.OK, await Call(client, TokenIssuer.Issue(new SymmetricSecurityKey(KeyA) { KeyId = "2026-11" }, "x", Region, Role.Viewer)));
        Assert.Equal(HttpStatusCode.OK, await Call(client, TokenIssuer.Issue(new SymmetricSecurityKey(KeyB) { KeyId = "2026-05" }, "x", Region, Role.Viewer)));
        // The fixture's key is no longer among them.
        Assert.Equal(HttpStatusCode.Unauthorized, await Call(client, fx.Token(Region, Role.Viewer)));
        // Dev tokens are signed with the first key and carry its id.
        var (_, minted, _) = await client.Post("/api/v1/dev/tokens", new { sub = "dev", unit = Region, role = "viewer" });
        var header = Encoding.UTF8.GetString(Microsoft.AspNetCore.WebUtilities.WebEncoders.Base64UrlDecode(((string)minted!["token"]!).Split('.')[0]));
        Assert.Contains("\"kid\":\"2026-11\"", header);
    }

    [Fact]
    public void Without_a_key_or_an_authority_the_api_does_not_start()
    {
        var unarmed = fx.WithSettings(new() { ["Auth:SigningKey"] = "", ["Auth:Authority"] = "" });
        var error = Assert.ThrowsAny<Exception>(() => unarmed.CreateClient());
        Assert.Contains("Auth:Authority", error.ToString());
        var shortKey = fx.WithSettings(new() { ["Auth:SigningKey"] = Convert.ToBase64String(new byte[16]) });
        Assert.ThrowsAny<Exception>(() => shortKey.CreateClient());
        var devWithIdp = fx.WithSettings(new() { ["Auth:Authority"] = "https://idp.example/realms/region", ["Auth:DevTokens"] = "true" });
        Assert.ThrowsAny<Exception>(() => devWithIdp.CreateClient());
    }

    [Fact]
    public async Task An_openid_connect_authority_replaces_the_local_key_by_configuration_alone()
    {
        // A stand-in identity provider on a loopback port: a discovery document and its signing keys.
        using var rsa = RSA.Create(2048);
        var signing = new RsaSecurityKey(rsa) { KeyId = "idp-1" };
        var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(rsa.ExportParameters(false)) { KeyId = "idp-1" });
        var port = FreePort.Next();
        var authority = $"http://127.0.0.1:{port}/realms/region";
        var idpBuilder = WebApplication.CreateSlimBuilder();
        idpBuilder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        await using var idp = idpBuilder.Build();
        idp.MapGet("/realms/region/.well-known/openid-configuration", () => Results.Json(new Dictionary<string, object>
        {
            ["issuer"] = authority, ["jwks_uri"] = $"{authority}/keys", ["id_token_signing_alg_values_supported"] = new[] { "RS256" },
        }));
        idp.MapGet("/realms/region/keys", () => Results.Text(
            $$"""{"keys":[{"kty":"RSA","use":"sig","kid":"idp-1","alg":"RS256","n":"{{jwk.N}}","e":"{{jwk.E}}"}]}""", "application/json"));
        await idp.StartAsync();

        var factory = fx.WithSettings(new()
        {
            ["Auth:SigningKey"] = "", ["Auth:DevTokens"] = "false", ["Auth:Authority"] = authority, ["Auth:RequireHttpsMetadata"] = "false",
            ["Auth:Audience"] = "rectification-api", ["Auth:UnitClaim"] = "org_unit", ["Auth:RoleClaim"] = "campaign_role",
        });
        var client = factory.CreateClient();
        string IdpToken(SecurityKey key, string issuer) => new Microsoft.IdentityModel.JsonWebTokens.JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer, Audience = "rectification-api", IssuedAt = DateTime.UtcNow, NotBefore = DateTime.UtcNow, Expires = DateTime.UtcNow.AddMinutes(30),
            Claims = new Dictionary<string, object> { ["sub"] = "officer-7", ["org_unit"] = Region, ["campaign_role"] = "viewer" },
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.RsaSha256),
        });
        Assert.Equal(HttpStatusCode.OK, await Call(client, IdpToken(signing, authority)));
        using var stranger = RSA.Create(2048);
        Assert.Equal(HttpStatusCode.Unauthorized, await Call(client, IdpToken(new RsaSecurityKey(stranger) { KeyId = "idp-1" }, authority)));
        Assert.Equal(HttpStatusCode.Unauthorized, await Call(client, IdpToken(signing, "http://127.0.0.1:1/other")));
        // Local tokens mean nothing to it, and there is no dev-token route.
        Assert.Equal(HttpStatusCode.Unauthorized, await Call(client, fx.Token(Region, Role.Admin)));
        Assert.Equal(HttpStatusCode.NotFound, (await client.Post("/api/v1/dev/tokens", new { sub = "x", unit = Region, role = "admin" })).Status);
    }
}
