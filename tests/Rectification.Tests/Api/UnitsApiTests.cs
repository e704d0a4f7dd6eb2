using System.Net;
using Rectification.Storage;
using Rectification.Tests.Infrastructure;
using Rectification.Units;

namespace Rectification.Tests.Api;

[Collection(ApiCollection.Name)]
public sealed class UnitsApiTests(ApiFixture fx)
{
    private const string Region = "150000000000";
    private const string Hohhot = "150100000000";
    private const string Baotou = "150200000000";
    private const string Township = "150102001000";

    [Fact]
    public async Task Region_has_its_twelve_leagues()
    {
        var (status, body, _) = await fx.Client(Region, Role.Viewer).Get($"/api/v1/units/{Region}/children?limit=500");
        Assert.Equal(HttpStatusCode.OK, status);
        var items = body!["items"]!.AsArray();
        Assert.Equal(12, items.Count);
        Assert.All(items, i => Assert.Equal("league", (string?)i!["level"]));
        Assert.Null(body["nextCursor"]);
    }

    [Fact]
    public async Task A_township_counts_its_villages_and_pages_through_them()
    {
        var expected = RegistryImport.ReadRows().Where(r => r.ParentCode == Township).Select(r => r.Code).ToList();
        var client = fx.Client(Hohhot, Role.Viewer);
        var (_, unit, _) = await client.Get($"/api/v1/units/{Township}");
        Assert.Equal(expected.Count, (int)unit!["childCount"]!);
        Assert.Equal("township", (string?)unit["level"]);

        var seen = new List<string>();
        string? cursor = null;
        do
        {
            var (status, page, _) = await client.Get($"/api/v1/units/{Township}/children?limit=3" + (cursor is null ? "" : $"&cursor={cursor}"));
            Assert.Equal(HttpStatusCode.OK, status);
            seen.AddRange(page!["items"]!.AsArray().Select(i => (string)i!["code"]!));
            cursor = (string?)page["nextCursor"];
        } while (cursor is not null);
        Assert.Equal(expected, seen);
    }

    [Theory]
    [InlineData("15000000000x")]
    [InlineData("1500")]
    public async Task Malformed_code_is_400_with_the_field(string code)
    {
        var (status, body, response) = await fx.Client(Region, Role.Viewer).Get($"/api/v1/units/{code}");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        Assert.NotNull(body!["errors"]!["code"]);
    }

    [Fact]
    public async Task Unknown_code_is_404()
    {
        var (status, body, _) = await fx.Client(Region, Role.Viewer).Get("/api/v1/units/150199999999");
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal(404, (int)body!["status"]!);
    }

    [Fact]
    public async Task No_token_or_a_forged_one_is_401()
    {
        var anonymous = fx.Factory.CreateClient();
        var (status, body, response) = await anonymous.Get($"/api/v1/units/{Region}");
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal(401, (int)body!["status"]!);

        var forged = fx.Factory.CreateClient();
        var otherKey = new Microsoft.IdentityModel.Tokens.SymmetricSecurityKey(new byte[48]);
        forged.DefaultRequestHeaders.Authorization = new("Bearer", Rectification.Api.Auth.TokenIssuer.Issue(otherKey, "x", Region, Role.Admin));
        Assert.Equal(HttpStatusCode.Unauthorized, (await forged.Get($"/api/v1/units/{Region}")).Status);
    }

    [Fact]
    public async Task Outside_the_subtree_is_403()
    {
        var hohhot = fx.Client(Hohhot, Role.Admin);
        Assert.Equal(HttpStatusCode.Forbidden, (await hohhot.Get($"/api/v1/units/{Baotou}")).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await hohhot.Get($"/api/v1/units/{Region}/children")).Status);
        Assert.Equal(HttpStatusCode.OK, (await hohhot.Get($"/api/v1/units/{Hohhot}")).Status);
    }

    [Fact]
    public async Task Secretary_contact_is_shown_only_to_roles_that_need_it()
    {
        const string village = "150102001002";
        await using (var cmd = fx.Db.DataSource.CreateCommand("UPDATE units SET secretary_name = '王书记', secretary_contact = '13800000000' WHERE code = $1"))
        {
            cmd.Parameters.AddWithValue(village);
            await cmd.ExecuteNonQueryAsync();
        }
        var (_, asViewer, _) = await fx.Client(Township, Role.Viewer).Get($"/api/v1/units/{village}");
        var (_, asReviewer, _) = await fx.Client(Township, Role.Reviewer).Get($"/api/v1/units/{village}");
        Assert.Equal("王书记", (string?)asViewer!["secretaryName"]);
        Assert.Null(asViewer["secretaryContact"]);
        Assert.Equal("13800000000", (string?)asReviewer!["secretaryContact"]);
    }

    [Fact]
    public async Task Dev_tokens_exist_only_when_configured()
    {
        var anonymous = fx.Factory.CreateClient();
        var (status, body, _) = await anonymous.Post("/api/v1/dev/tokens", new { sub = "me", unit = Township, role = "reporter" });
        Assert.Equal(HttpStatusCode.OK, status);
        var minted = fx.Factory.CreateClient();
        minted.DefaultRequestHeaders.Authorization = new("Bearer", (string)body!["token"]!);
        Assert.Equal(HttpStatusCode.OK, (await minted.Get($"/api/v1/units/{Township}")).Status);

        var (bad, problem, _) = await anonymous.Post("/api/v1/dev/tokens", new { sub = "", unit = "x", role = "king" });
        Assert.Equal(HttpStatusCode.BadRequest, bad);
        Assert.Equal(["role", "sub", "unit"], problem!["errors"]!.AsObject().Select(p => p.Key).Order());

        await using var production = fx.WithSettings(new() { ["Auth:DevTokens"] = "false" });
        var (off, _, _) = await production.CreateClient().Post("/api/v1/dev/tokens", new { sub = "me", unit = Township, role = "admin" });
        Assert.Equal(HttpStatusCode.NotFound, off);
    }

    [Fact]
    public async Task Health_and_openapi_are_served()
    {
        var anonymous = fx.Factory.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health/ready")).StatusCode);
        var doc = await anonymous.GetStringAsync("/openapi/v1.json");
        Assert.Contains("/api/v1/units/{code}/children", doc);
        Assert.Contains("/api/v1/cases/{code}/proposal", doc);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/docs")).StatusCode);
    }
}
