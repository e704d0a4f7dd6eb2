using System.Net;
using Rectification.Tests.Infrastructure;

namespace Rectification.Tests.Api;

[Collection(ApiCollection.Name)]
public sealed class SummariesApiTests(ApiFixture fx)
{
    private const string Region = "150000000000";
    private const string League = "150400000000";
    private const string Banner = "150402000000";

    [Fact]
    public async Task Summary_has_the_documented_shape_and_follows_a_write()
    {
        var township = Storage.RegistryImport.ReadRows().First(r => r.ParentCode == Banner).Code;
        var village = Storage.RegistryImport.ReadRows().First(r => r.ParentCode == township).Code;
        var reporter = fx.Client(township, Role.Reporter);
        var reviewer = fx.Client(Banner, Role.Reviewer);
        await reporter.Post($"/api/v1/cases/{village}/findings", new { source = "selfCheck", criteria = new[] { "F3" } });
        await reporter.Post($"/api/v1/cases/{village}/proposal", new { criteria = new[] { "F3" }, categories = new[] { "L2" }, reason = "accounts" });
        await reviewer.Post($"/api/v1/cases/{village}/review", new { decision = "confirm" });
        Assert.Equal(HttpStatusCode.OK, (await fx.Client(Banner, Role.Approver).Post($"/api/v1/cases/{village}/approval", new { decision = "approve" })).Status);

        var viewer = fx.Client(League, Role.Viewer);
        var period = DateTime.UtcNow.AddHours(8).ToString("yyyy-MM");
        var body = await Eventually.Until(async () => (await viewer.Get($"/api/v1/units/{League}/summary?period={period}")).Body!,
            b => (long)b["byCriterion"]!["F3"]! >= 1, what: "the league to count the new case");
        foreach (var field in new[] { "unit", "period", "asOf", "version", "organizations", "cases", "byCriterion", "byLaggingCategory", "problems", "fourOnes", "support", "reports", "evaluations", "shares" })
        {
            Assert.NotNull(body[field]);
        }
        Assert.Equal(6, body["cases"]!["byStatus"]!.AsObject().Count);
        Assert.True((long)body["organizations"]!["total"]! > 2000);
        Assert.True((long)body["byLaggingCategory"]!["L2"]! >= 1);
        Assert.NotNull(body["shares"]!["byLaggingCategory"]!["L2"]!["ofRural"]);
        Assert.True((long)body["reports"]!["due"]! >= 1);

        var (_, ranking, _) = await viewer.Get($"/api/v1/units/{League}/summary/children?period={period}&sort=-cases.active");
        var items = ranking!["items"]!.AsArray();
        Assert.Equal(Banner, (string?)items[0]!["unit"]);
        // Derived figures rank too: shares, rates (null ones last in either direction).
        (_, ranking, _) = await viewer.Get($"/api/v1/units/{League}/summary/children?period={period}&sort=-shares.byLaggingCategory.L2.ofOrganizations");
        Assert.Equal(Banner, (string?)ranking!["items"]![0]!["unit"]);
        (_, ranking, _) = await viewer.Get($"/api/v1/units/{League}/summary/children?period={period}&sort=reports.completenessPercent");
        var rates = ranking!["items"]!.AsArray().Select(i => (decimal?)i!["reports"]!["completenessPercent"]).ToList();
        Assert.Equal(rates.Where(r => r is not null).Order().Concat(rates.Where(r => r is null)), rates);
        Assert.NotNull(body["reports"]!["completenessPercent"]);
        var (_, series, _) = await viewer.Get($"/api/v1/units/{Banner}/summary/series?from=2026-01&to=2026-12");
        Assert.Equal(12, series!["items"]!.AsArray().Count);
        var (_, villageSummary, _) = await viewer.Get($"/api/v1/units/{village}/summary?period={period}");
        Assert.Equal(1, (long)villageSummary!["cases"]!["active"]!);
        Assert.Equal(1, (long)villageSummary["organizations"]!["total"]!);
    }

    [Fact]
    public async Task Bad_periods_sorts_and_roles_are_refused()
    {
        var viewer = fx.Client(Region, Role.Viewer);
        Assert.Equal(HttpStatusCode.BadRequest, (await viewer.Get($"/api/v1/units/{Region}/summary?period=2026-13")).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await viewer.Get($"/api/v1/units/{Region}/summary?period=2026-10-H1")).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await viewer.Get($"/api/v1/units/{Region}/summary")).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await viewer.Get($"/api/v1/units/{Region}/summary/series?from=2026-01&to=2026-Q4")).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await viewer.Get($"/api/v1/units/{Region}/summary/series?from=2020-01&to=2026-12")).Status);
        var (unknownSort, problem, _) = await viewer.Get($"/api/v1/units/{Region}/summary/children?period=2026-10&sort=-cases.actve");
        Assert.Equal(HttpStatusCode.BadRequest, unknownSort);
        Assert.NotNull(problem!["errors"]!["sort"]);
        Assert.Equal(HttpStatusCode.BadRequest, (await viewer.Get($"/api/v1/units/{Region}/summary/children?period=2026-10&sort=cases")).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await fx.Client(Banner, Role.Viewer).Get($"/api/v1/units/{League}/summary?period=2026-10")).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await fx.Client(Region, Role.Reviewer).Post($"/api/v1/units/{Region}/summary/reconcile")).Status);
        var (status, body, _) = await fx.Client(Region, Role.Admin).Post($"/api/v1/units/{League}/summary/reconcile");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(League, (string?)body!["unit"]);
    }
}
