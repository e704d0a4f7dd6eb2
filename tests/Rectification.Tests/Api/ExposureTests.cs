using System.Net;
using Rectification.Tests.Infrastructure;

namespace Rectification.Tests.Api;

/// <summary>Nothing exposed: security headers on every answer, and each read of a secretary's contact recorded.</summary>
[Collection(ApiCollection.Name)]
public sealed class ExposureTests(ApiFixture fx)
{
    [Fact]
    public async Task Every_answer_carries_the_security_headers_errors_included()
    {
        var anonymous = fx.Factory.CreateClient();
        var viewer = fx.Client("150000000000", Role.Viewer);
        foreach (var response in new[]
        {
            await viewer.GetAsync("/api/v1/units/150000000000"),
            await anonymous.GetAsync("/api/v1/units/150000000000"),
            await viewer.GetAsync("/api/v1/units/150199999999"),
            await viewer.GetAsync("/api/v1/units/1501/summary?period=x"),
            await viewer.PostAsync("/api/v1/cases/150102001001/findings", new StringContent(new string('x', 300_000), System.Text.Encoding.UTF8, "application/json")),
            await anonymous.GetAsync("/health/live"),
        })
        {
            Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
            Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
            Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
            Assert.Contains("default-src 'none'", response.Headers.GetValues("Content-Security-Policy").Single());
        }
        var api = await viewer.GetAsync("/api/v1/units/150000000000");
        Assert.Equal("no-store", api.Headers.CacheControl!.ToString());
        Assert.False(api.Headers.Contains("Server"));
    }

    [Fact]
    public async Task Each_read_of_a_secretary_s_contact_is_recorded_and_viewers_read_none()
    {
        const string village = "150105001001";
        await using (var cmd = fx.Db.DataSource.CreateCommand("UPDATE units SET secretary_name = '刘书记', secretary_contact = '13900001111' WHERE code = $1"))
        {
            cmd.Parameters.AddWithValue(village);
            await cmd.ExecuteNonQueryAsync();
        }
        async Task<long> Reads(string actor) => await fx.Db.ScalarAsync<long>(
            "SELECT count(*) FROM personal_data_reads WHERE actor = $1 AND $2 = ANY(units)", actor, village);

        var (_, asViewer, _) = await fx.Client(village, Role.Viewer, "viewer-liu").Get($"/api/v1/units/{village}");
        Assert.Null(asViewer!["secretaryContact"]);
        Assert.Equal(0, await Reads("viewer-liu"));

        var (_, asReviewer, _) = await fx.Client("150105001000", Role.Reviewer, "reviewer-liu").Get($"/api/v1/units/{village}");
        Assert.Equal("13900001111", (string?)asReviewer!["secretaryContact"]);
        Assert.Equal(1, await Reads("reviewer-liu"));
        await fx.Client("150105001000", Role.Reviewer, "reviewer-liu").Get("/api/v1/units/150105001000/children?limit=500");
        Assert.Equal(2, await Reads("reviewer-liu"));
        var route = await fx.Db.ScalarAsync<string>("SELECT route FROM personal_data_reads WHERE actor = 'reviewer-liu' ORDER BY id DESC LIMIT 1");
        Assert.Equal("GET /api/v1/units/150105001000/children", route);
        // The record cannot be edited away.
        await Assert.ThrowsAnyAsync<Npgsql.PostgresException>(() => fx.Db.ScalarAsync<int>("DELETE FROM personal_data_reads WHERE actor = 'reviewer-liu' RETURNING 1"));
    }
}
