using System.Net;
using Rectification.Tests.Infrastructure;

namespace Rectification.Tests.Api;

/// <summary>
/// The campaign's rules over HTTP, tried the way a user would try to walk around them: each bypass is a
/// 403 or 409 problem detail naming its rule, and changes nothing.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class RulesApiTests(ApiFixture fx)
{
    private const string Region = "150000000000";
    private const string Banner = "150105000000";
    private static readonly string Township = Storage.RegistryImport.ReadRows().First(r => r.ParentCode == Banner).Code;
    private static readonly string[] Villages = Storage.RegistryImport.ReadRows().Where(r => r.ParentCode == Township).Select(r => r.Code).ToArray();

    private HttpClient Reporter => fx.Client(Township, Role.Reporter);
    private HttpClient Reviewer => fx.Client(Banner, Role.Reviewer);
    private HttpClient Approver => fx.Client(Banner, Role.Approver);

    private static object Plan(params object[] problems) => new { problems };
    private static object NewProblem(string description) =>
        new { description, criterion = "C1", measures = new[] { "act" }, target = "done", deadline = "2027-06-30", responsible = "head" };

    private async Task<int> Version(string code) => (int)(await Reporter.Get($"/api/v1/cases/{code}")).Body!["version"]!;

    private static void AssertRule((HttpStatusCode Status, System.Text.Json.Nodes.JsonNode? Body, HttpResponseMessage _) answer, HttpStatusCode status, string rule)
    {
        Assert.Equal(status, answer.Status);
        Assert.Equal(rule, (string?)answer.Body!["rule"]);
        Assert.Equal("application/problem+json", answer._.Content.Headers.ContentType!.MediaType);
    }

    private async Task Open(string v)
    {
        Assert.Equal(HttpStatusCode.OK, (await Reporter.Post($"/api/v1/cases/{v}/findings", new { source = "selfCheck", criteria = new[] { "C1" } })).Status);
        Assert.Equal(HttpStatusCode.OK, (await Reporter.Post($"/api/v1/cases/{v}/proposal", new { criteria = new[] { "C1" }, categories = new[] { "L1" }, reason = "secretary post vacant for 8 months" })).Status);
        Assert.Equal(HttpStatusCode.OK, (await Reviewer.Post($"/api/v1/cases/{v}/review", new { decision = "confirm", note = "checked with the discipline commission" })).Status);
        Assert.Equal(HttpStatusCode.OK, (await Approver.Post($"/api/v1/cases/{v}/approval", new { decision = "approve", note = "committee meeting 12" })).Status);
    }

    [Fact]
    public async Task Nobody_proposes_and_reviews_or_reviews_and_approves_and_a_reviewer_alone_cannot_approve()
    {
        var v = Villages[0];
        var admin = fx.Client(Banner, Role.Admin, sub: "county-admin");
        await Reporter.Post($"/api/v1/cases/{v}/findings", new { source = "selfCheck", criteria = new[] { "C2" } });
        Assert.Equal(HttpStatusCode.OK, (await admin.Post($"/api/v1/cases/{v}/proposal", new { criteria = new[] { "C2" }, reason = "x" })).Status);
        var before = await Version(v);
        AssertRule(await admin.Post($"/api/v1/cases/{v}/review", new { decision = "confirm" }), HttpStatusCode.Forbidden, "separationOfDuties");
        Assert.Equal(HttpStatusCode.OK, (await Reviewer.Post($"/api/v1/cases/{v}/review", new { decision = "confirm" })).Status);
        AssertRule(await fx.Client(Banner, Role.Admin, sub: $"reviewer-{Banner}").Post($"/api/v1/cases/{v}/approval", new { decision = "approve" }),
            HttpStatusCode.Forbidden, "separationOfDuties");
        AssertRule(await fx.Client(Banner, Role.Reviewer, sub: "another-reviewer").Post($"/api/v1/cases/{v}/approval", new { decision = "approve" }),
            HttpStatusCode.Forbidden, "authority");
        Assert.Equal(before + 1, await Version(v));
        Assert.Equal(HttpStatusCode.OK, (await Approver.Post($"/api/v1/cases/{v}/approval", new { decision = "approve" })).Status);
    }

    [Fact]
    public async Task Problems_stay_in_the_ledger_are_closed_above_and_a_relapse_needs_new_work()
    {
        var v = Villages[1];
        await Open(v);
        Assert.Equal(HttpStatusCode.OK, (await Reporter.Put($"/api/v1/cases/{v}/plan", Plan(NewProblem("vacant"), NewProblem("no meetings")))).Status);
        var before = await Version(v);
        var dropped = await Reporter.Put($"/api/v1/cases/{v}/plan", Plan(new { id = "P1", description = "vacant", criterion = "C1", measures = new[] { "act" }, target = "done", deadline = "2027-06-30", responsible = "head" }));
        AssertRule(dropped, HttpStatusCode.Conflict, "problemLedgerKeepsEverything");
        Assert.Contains("P2", (string?)dropped.Body!["detail"]);

        var village = fx.Client(v, Role.Reporter);
        Assert.Equal(HttpStatusCode.OK, (await village.Post($"/api/v1/cases/{v}/problems/P1/resolve")).Status);
        AssertRule(await village.Post($"/api/v1/cases/{v}/problems/P1/close"), HttpStatusCode.Forbidden, "authority");
        var softened = await Reporter.Put($"/api/v1/cases/{v}/plan", Plan(
            new { id = "P1", description = "vacant", criterion = "C1", measures = new[] { "act" }, target = "maybe later", deadline = "2027-06-30", responsible = "head" },
            new { id = "P2", description = "no meetings", criterion = "C1", measures = new[] { "act" }, target = "done", deadline = "2027-06-30", responsible = "head" }));
        AssertRule(softened, HttpStatusCode.Conflict, "problemLedgerKeepsEverything");
        Assert.Equal(before + 1, await Version(v));

        foreach (var id in new[] { "P1", "P2" })
        {
            if (id == "P2") Assert.Equal(HttpStatusCode.OK, (await village.Post($"/api/v1/cases/{v}/problems/{id}/resolve")).Status);
            Assert.Equal(HttpStatusCode.OK, (await Reporter.Post($"/api/v1/cases/{v}/problems/{id}/close")).Status);
        }
        Assert.Equal(HttpStatusCode.OK, (await Reporter.Post($"/api/v1/cases/{v}/acceptance", new { note = "all closed" })).Status);
        AssertRule(await fx.Client(Banner, Role.Admin, sub: $"reporter-{Township}").Post($"/api/v1/cases/{v}/acceptance/decision", new { decision = "signOff", satisfactionPercent = 95 }),
            HttpStatusCode.Forbidden, "separationOfDuties");
        Assert.Equal(HttpStatusCode.OK, (await Reviewer.Post($"/api/v1/cases/{v}/acceptance/decision", new { decision = "signOff", satisfactionPercent = 95 })).Status);
        Assert.Equal(HttpStatusCode.OK, (await Reviewer.Post($"/api/v1/cases/{v}/relapse", new { criteria = new[] { "C3" }, reason = "feud again" })).Status);
        AssertRule(await Reporter.Post($"/api/v1/cases/{v}/acceptance"), HttpStatusCode.Conflict, "relapseNeedsNewWork");

        var (_, history, _) = await Reporter.Get($"/api/v1/cases/{v}/history?limit=500");
        var items = history!["items"]!.AsArray();
        Assert.Equal("feud again", (string?)items.Single(i => (string?)i!["command"] == "relapse")!["note"]);
        Assert.Equal("committee meeting 12", (string?)items.Single(i => (string?)i!["command"] == "approval")!["note"]);
        await Eventually.Until(() => fx.Db.ScalarAsync<string>("SELECT coalesce(note, '') FROM case_history WHERE code = $1 AND command = 'relapse'", v),
            n => n == "feud again", what: "the relapse reason in the audit log");
    }

    [Fact]
    public async Task Reports_only_for_months_in_the_ledger_and_corrections_keep_the_old_figures()
    {
        var v = Villages[2];
        await Open(v);
        var month = DateTime.UtcNow.AddHours(8).ToString("yyyy-MM");
        var earlier = DateTime.UtcNow.AddHours(8).AddMonths(-2).ToString("yyyy-MM");
        var before = await Version(v);
        var report = new { problemsResolved = 0, measuresDone = 1, fundsYuan = 100m };
        AssertRule(await Reporter.Post($"/api/v1/cases/{v}/reports/{earlier}", report), HttpStatusCode.Conflict, "reportingWindow");
        Assert.Equal(before, await Version(v));
        Assert.Equal(HttpStatusCode.OK, (await Reporter.Post($"/api/v1/cases/{v}/reports/{month}", report)).Status);
        Assert.Equal(HttpStatusCode.OK, (await Reporter.Post($"/api/v1/cases/{v}/reports/{month}", new { problemsResolved = 0, measuresDone = 1, fundsYuan = 250.5m })).Status);

        var (_, history, _) = await Reporter.Get($"/api/v1/cases/{v}/history?limit=500");
        var change = history!["items"]!.AsArray()[^1]!["changes"]!.AsArray().Single(c => ((string)c!["field"]!).EndsWith("fundsYuan"));
        Assert.Equal(("100", "250.5"), ((string?)change!["from"], (string?)change["to"]));
        await Eventually.Until(() => fx.Db.ScalarAsync<string>(
            "SELECT coalesce((SELECT c->>'from' FROM jsonb_array_elements(changes) c WHERE c->>'field' LIKE '%fundsYuan'), '') FROM case_history WHERE code = $1 AND version = $2", v, before + 2),
            f => f == "100", what: "the old figure in the audit log");
    }

    [Fact]
    public async Task Only_a_root_admin_changes_reference_data_naming_the_version_and_every_change_is_kept()
    {
        var root = fx.Client(Region, Role.Admin, sub: "region-admin");
        var body = new { kind = "other", nameZh = "软弱涣散复发两次", nameEn = "Relapsed twice", sort = 40 };
        AssertRule(await fx.Client("150100000000", Role.Admin).Put("/api/v1/criteria/R2", body), HttpStatusCode.Forbidden, "accessPolicy");
        var (created, first, response) = await root.Put("/api/v1/criteria/R2", body);
        Assert.Equal(HttpStatusCode.OK, created);
        Assert.Equal("\"1\"", response.Headers.ETag!.Tag);
        var renamed = new { kind = "other", nameZh = "两次以上复发", nameEn = "Relapsed twice or more", sort = 40 };
        Assert.Equal((HttpStatusCode)428, (await root.Put("/api/v1/criteria/R2", renamed)).Status);
        Assert.Equal(HttpStatusCode.PreconditionFailed, (await root.Put("/api/v1/criteria/R2", renamed, r => r.Headers.TryAddWithoutValidation("If-Match", "\"7\""))).Status);
        Assert.Equal("软弱涣散复发两次", (string?)(await root.Get("/api/v1/criteria/R2")).Body!["nameZh"]);
        var (ok, updated, _) = await root.Put("/api/v1/criteria/R2", renamed, r => r.Headers.TryAddWithoutValidation("If-Match", "\"1\""));
        Assert.Equal(HttpStatusCode.OK, ok);
        Assert.Equal(2, (int)updated!["version"]!);

        var (_, history, _) = await Reporter.Get("/api/v1/criteria/R2/history");
        var items = history!["items"]!.AsArray();
        Assert.Equal(2, items.Count);
        Assert.Equal("region-admin", (string?)items[1]!["by"]);
        Assert.Equal("软弱涣散复发两次", (string?)items[1]!["before"]!["nameZh"]);
        Assert.Equal("两次以上复发", (string?)items[1]!["after"]!["nameZh"]);
    }

    [Fact]
    public async Task Township_reports_take_if_match_and_idempotency_keep_revisions_and_roll_up_with_drill_through()
    {
        var township = Storage.RegistryImport.ReadRows().Where(r => r.ParentCode == Banner).Select(r => r.Code).Skip(1).First();
        var reporter = fx.Client(township, Role.Reporter);
        var half = DateTime.UtcNow.AddHours(8) is var now && now.Day <= 15 ? $"{now:yyyy-MM}-H1" : $"{now:yyyy-MM}-H2";
        var month = now.ToString("yyyy-MM");
        var url = $"/api/v1/units/{township}/progress/{half}";

        var first = await reporter.Post(url, new { casesVisited = 3, problemsResolved = 1, narrative = "first" }, r => r.Headers.Add("Idempotency-Key", "k-1"));
        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.Equal("\"1\"", first.Response.Headers.ETag!.Tag);
        var again = await reporter.Post(url, new { casesVisited = 3, problemsResolved = 1, narrative = "first" }, r => r.Headers.Add("Idempotency-Key", "k-1"));
        Assert.Equal(first.Body!.ToJsonString(), again.Body!.ToJsonString());
        Assert.Equal(HttpStatusCode.Conflict, (await reporter.Post(url, new { casesVisited = 9, problemsResolved = 1 }, r => r.Headers.Add("Idempotency-Key", "k-1"))).Status);
        Assert.Equal(HttpStatusCode.PreconditionFailed, (await reporter.Post(url, new { casesVisited = 4, problemsResolved = 2 }, r => r.Headers.TryAddWithoutValidation("If-Match", "\"5\""))).Status);
        var fixedReport = await reporter.Post(url, new { casesVisited = 4, problemsResolved = 2, narrative = "corrected" }, r => r.Headers.TryAddWithoutValidation("If-Match", "\"1\""));
        Assert.Equal(HttpStatusCode.OK, fixedReport.Status);
        Assert.Equal(2, (int)fixedReport.Body!["version"]!);
        var (_, read, _) = await reporter.Get(url);
        Assert.Equal("first", (string?)read!["earlier"]![0]!["narrative"]);
        Assert.Equal(3, (int)read["earlier"]![0]!["casesVisited"]!);

        // The banner's summary counts its townships' reports, and the drill-through lists the townships behind each figure.
        var viewer = fx.Client(Banner, Role.Viewer);
        var townships = Storage.RegistryImport.ReadRows().Count(r => r.ParentCode == Banner);
        var summary = await Eventually.Until(async () => (await viewer.Get($"/api/v1/units/{Banner}/summary?period={month}")).Body!,
            b => (long)b["townshipReports"]!["onTime"]! + (long)b["townshipReports"]!["late"]! >= 1, what: "the banner to count the township's report");
        var figures = summary["townshipReports"]!;
        Assert.Equal(townships * (now.Day <= 15 ? 1 : 2), (long)figures["due"]!);
        foreach (var status in new[] { "onTime", "late", "missing", "pending" })
        {
            var (_, list, _) = await viewer.Get($"/api/v1/units/{Banner}/progress?period={month}&status={status}");
            Assert.Equal((long)figures[status]!, (long)list!["total"]!);
        }
        var (_, sent, _) = await viewer.Get($"/api/v1/units/{Banner}/progress?period={month}");
        Assert.Contains(sent!["items"]!.AsArray(), i => (string?)i!["township"] == township && (string?)i["halfMonth"] == half && (int?)i["version"] == 2);
        Assert.Equal(HttpStatusCode.BadRequest, (await viewer.Get($"/api/v1/units/{Banner}/progress?period={month}&status=bogus")).Status);
    }
}
