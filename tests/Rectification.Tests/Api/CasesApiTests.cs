using System.Net;
using System.Text.Json.Nodes;
using Rectification.Tests.Infrastructure;

namespace Rectification.Tests.Api;

/// <summary>Every case route over HTTP, with tokens of the right and the wrong roles.</summary>
[Collection(ApiCollection.Name)]
public sealed class CasesApiTests(ApiFixture fx)
{
    private const string Banner = "150102000000";
    private const string Township = "150102001000";
    private const string OtherLeague = "150200000000";

    private static readonly string[] Villages = Storage.RegistryImport.ReadRows()
        .Where(r => r.ParentCode == Township).Select(r => r.Code).ToArray();

    private HttpClient Reporter => fx.Client(Township, Role.Reporter);
    private HttpClient Reviewer => fx.Client(Banner, Role.Reviewer);
    private HttpClient Approver => fx.Client(Banner, Role.Approver);

    private static object Plan => new
    {
        problems = new[] { new { description = "Secretary vacant", criterion = "C1", measures = new[] { "Select a secretary" }, target = "In post", deadline = "2026-12-31", responsible = "Township head" } },
    };

    private async Task<int> Version(string code) => (int)(await Reporter.Get($"/api/v1/cases/{code}")).Body!["version"]!;

    private async Task Open(string village)
    {
        Assert.Equal(HttpStatusCode.OK, (await Reporter.Post($"/api/v1/cases/{village}/findings", new { source = "selfCheck", criteria = new[] { "C1" } })).Status);
        Assert.Equal(HttpStatusCode.OK, (await Reporter.Post($"/api/v1/cases/{village}/proposal", new { criteria = new[] { "C1" }, categories = new[] { "L1" }, reason = "vacant" })).Status);
        Assert.Equal(HttpStatusCode.OK, (await Reviewer.Post($"/api/v1/cases/{village}/review", new { decision = "confirm" })).Status);
        Assert.Equal(HttpStatusCode.OK, (await Approver.Post($"/api/v1/cases/{village}/approval", new { decision = "approve" })).Status);
    }

    [Fact]
    public async Task A_case_lives_its_whole_life_and_every_step_is_in_its_history()
    {
        var v = Villages[0];
        await Open(v);
        Assert.Equal(HttpStatusCode.OK, (await Reporter.Put($"/api/v1/cases/{v}/plan", Plan)).Status);
        var assignment = new
        {
            leader = "Deputy county head Li", workingGroup = "Group 3",
            helpingDepartment = new { name = "County organization department", type = "partyMass" },
            firstSecretary = new { name = "Zhao", dispatchedOn = "2026-03-01" },
        };
        Assert.Equal(HttpStatusCode.OK, (await Reporter.Put($"/api/v1/cases/{v}/assignment", assignment)).Status);
        var report = new { problemsResolved = 1, measuresDone = 2, fundsYuan = 12000.50m, projects = 1, trainings = 2, newMembers = 1, activists = 3, reserveCadres = 4, narrative = "ok" };
        var now = DateTime.UtcNow.AddHours(8);
        Assert.Equal(HttpStatusCode.OK, (await Reporter.Post($"/api/v1/cases/{v}/reports/{now:yyyy-MM}", report)).Status);
        // A quarter is evaluated from its last month on: in the other months the route answers 409 naming that rule.
        var evaluation = await Reviewer.Post($"/api/v1/cases/{v}/evaluations/{now:yyyy}-Q{(now.Month + 2) / 3}", new { score = 86, @class = 1, stars = 8 });
        var evaluated = now.Month % 3 == 0;
        Assert.Equal(evaluated ? HttpStatusCode.OK : HttpStatusCode.Conflict, evaluation.Status);
        if (!evaluated) Assert.Equal("reportingWindow", (string?)evaluation.Body!["rule"]);
        // The village resolves its problem; the township closes it (销号).
        Assert.Equal(HttpStatusCode.OK, (await fx.Client(v, Role.Reporter).Post($"/api/v1/cases/{v}/problems/P1/resolve")).Status);
        Assert.Equal(HttpStatusCode.OK, (await Reporter.Post($"/api/v1/cases/{v}/problems/P1/close")).Status);
        Assert.Equal(HttpStatusCode.OK, (await Reporter.Post($"/api/v1/cases/{v}/acceptance", new { note = "done" })).Status);
        var (signed, ack, _) = await Reviewer.Post($"/api/v1/cases/{v}/acceptance/decision", new { decision = "signOff", satisfactionPercent = 91.5 });
        Assert.Equal(HttpStatusCode.OK, signed);
        Assert.Equal("signedOff", (string?)ack!["status"]);
        Assert.Equal(HttpStatusCode.OK, (await Reviewer.Post($"/api/v1/cases/{v}/relapse", new { criteria = new[] { "C3" }, reason = "feud" })).Status);

        var (_, c, response) = await Reporter.Get($"/api/v1/cases/{v}");
        Assert.Equal("open", (string?)c!["status"]);
        Assert.Equal(1, (int)c["relapses"]!);
        Assert.Equal($"\"{(int)c["version"]!}\"", response.Headers.ETag!.Tag);
        Assert.Equal("Zhao", (string?)c["assignment"]!["firstSecretary"]!["name"]);
        Assert.Equal(12000.50m, (decimal)c["reports"]![0]!["figures"]!["fundsYuan"]!);

        var (_, history, _) = await Reporter.Get($"/api/v1/cases/{v}/history?limit=500");
        var items = history!["items"]!.AsArray();
        Assert.Equal(
            new[] { "findings", "proposal", "review", "approval", "plan", "assignment", "report", "evaluation", "resolve", "close", "acceptance", "acceptanceDecision", "relapse" }
                .Where(x => evaluated || x != "evaluation"),
            items.Select(i => (string)i!["command"]!));
        Assert.Equal("reviewer-150102000000", (string?)items[2]!["by"]);
        Assert.Equal("reviewed", (string?)items[2]!["to"]);
        Assert.Contains("satisfaction 91.5%", (string?)items.Single(i => (string?)i!["command"] == "acceptanceDecision")!["detail"]);
        await Eventually.Until(() => fx.Db.ScalarAsync<long>("SELECT count(*) FROM case_history WHERE code = $1", v), n => n == items.Count, what: "the audit log");
    }

    [Fact]
    public async Task Illegal_steps_are_409_naming_the_state_and_change_nothing()
    {
        var v = Villages[1];
        await Reporter.Post($"/api/v1/cases/{v}/findings", new { source = "inspection", criteria = new[] { "C2" } });
        var before = await Version(v);
        var (status, body, _) = await Approver.Post($"/api/v1/cases/{v}/approval", new { decision = "approve" });
        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Equal("screened", (string?)body!["currentStatus"]);
        Assert.Contains("proposal", body["allowedCommands"]!.AsArray().Select(x => (string)x!));
        Assert.Equal(HttpStatusCode.Conflict, (await Reporter.Post($"/api/v1/cases/{v}/acceptance")).Status);
        Assert.Equal(HttpStatusCode.Conflict, (await Reporter.Put($"/api/v1/cases/{v}/plan", Plan)).Status);
        Assert.Equal(before, await Version(v));
    }

    [Fact]
    public async Task Idempotency_key_gives_one_effect_and_refuses_another_body()
    {
        var v = Villages[2];
        void Key(HttpRequestMessage r) => r.Headers.Add("Idempotency-Key", "finding-42");
        var first = await Reporter.Post($"/api/v1/cases/{v}/findings", new { source = "selfCheck", criteria = new[] { "C5" } }, Key);
        var second = await Reporter.Post($"/api/v1/cases/{v}/findings", new { source = "selfCheck", criteria = new[] { "C5" } }, Key);
        Assert.Equal(HttpStatusCode.OK, second.Status);
        Assert.Equal(first.Body!.ToJsonString(), second.Body!.ToJsonString());
        Assert.Single((await Reporter.Get($"/api/v1/cases/{v}")).Body!["findings"]!.AsArray());

        var other = await Reporter.Post($"/api/v1/cases/{v}/findings", new { source = "selfCheck", criteria = new[] { "C6" } }, Key);
        Assert.Equal(HttpStatusCode.Conflict, other.Status);
        Assert.Single((await Reporter.Get($"/api/v1/cases/{v}")).Body!["findings"]!.AsArray());
    }

    [Fact]
    public async Task Stale_if_match_is_412_and_current_one_passes()
    {
        var v = Villages[3];
        var (_, ack, response) = await Reporter.Post($"/api/v1/cases/{v}/findings", new { source = "selfCheck", criteria = new[] { "C4" } });
        var etag = response.Headers.ETag!.Tag;
        var (stale, _, _) = await Reporter.Post($"/api/v1/cases/{v}/findings", new { source = "selfCheck", criteria = new[] { "C3" } },
            r => r.Headers.TryAddWithoutValidation("If-Match", "\"0\""));
        Assert.Equal(HttpStatusCode.PreconditionFailed, stale);
        var (fresh, _, _) = await Reporter.Post($"/api/v1/cases/{v}/proposal", new { criteria = new[] { "C4" }, categories = Array.Empty<string>(), reason = "no election" },
            r => r.Headers.TryAddWithoutValidation("If-Match", etag));
        Assert.Equal(HttpStatusCode.OK, fresh);
        Assert.Equal(2, await Version(v));
    }

    [Fact]
    public async Task Bad_fields_are_400_each_named()
    {
        var v = Villages[4];
        await Open(v);
        var (status, body, _) = await Reviewer.Post($"/api/v1/cases/{v}/evaluations/2026-Q4", new { score = 120, @class = 0, stars = 11 });
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(["class", "score", "stars"], body!["errors"]!.AsObject().Select(e => e.Key).Order());
        var (missing, absent, _) = await Reviewer.Post($"/api/v1/cases/{v}/evaluations/2026-Q4", new { score = 80 });
        Assert.Equal(HttpStatusCode.BadRequest, missing);
        Assert.Equal(["class", "stars"], absent!["errors"]!.AsObject().Select(e => e.Key).Order());
        Assert.Equal(HttpStatusCode.NotFound, (await Reporter.Post($"/api/v1/cases/{v}/problems/P7/resolve")).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await Reporter.Post($"/api/v1/cases/{v}/reports/2026-13", new { problemsResolved = 0, measuresDone = 0 })).Status);
        var (future, problem, _) = await Reporter.Post($"/api/v1/cases/{v}/reports/2030-01", new { problemsResolved = 0, measuresDone = 0 });
        Assert.Equal(HttpStatusCode.BadRequest, future);
        Assert.NotNull(problem!["errors"]!["month"]);
        var (unknown, criteria, _) = await Reporter.Post($"/api/v1/cases/{v}/findings", new { source = "gossip", criteria = new[] { "Z9" } });
        Assert.Equal(HttpStatusCode.BadRequest, unknown);
        Assert.NotNull(criteria!["errors"]!["source"]);
        Assert.Equal(HttpStatusCode.BadRequest, (await Reporter.Post($"/api/v1/cases/{v}/findings", new { source = "selfCheck", criteria = new[] { "Z9" } })).Status);
        var malformed = await Reporter.SendAsync(new HttpRequestMessage(HttpMethod.Post, $"/api/v1/cases/{v}/findings")
        {
            Content = new StringContent("""{"source":"selfCheck","criteria":[1]}""", System.Text.Encoding.UTF8, "application/json"),
        });
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        var unreadable = System.Text.Json.Nodes.JsonNode.Parse(await malformed.Content.ReadAsStringAsync())!;
        Assert.NotNull(unreadable["errors"]!["criteria[0]"]);
        Assert.Equal(4, await Version(v));
    }

    [Fact]
    public async Task Roles_levels_and_subtrees_are_enforced()
    {
        var v = Villages[5];
        var viewer = fx.Client(Township, Role.Viewer);
        Assert.Equal(HttpStatusCode.Forbidden, (await viewer.Post($"/api/v1/cases/{v}/findings", new { source = "selfCheck", criteria = new[] { "C1" } })).Status);
        await Reporter.Post($"/api/v1/cases/{v}/findings", new { source = "selfCheck", criteria = new[] { "C1" } });
        var villageReporter = fx.Client(v, Role.Reporter);
        Assert.Equal(HttpStatusCode.Forbidden, (await villageReporter.Post($"/api/v1/cases/{v}/proposal", new { criteria = new[] { "C1" }, reason = "x" })).Status);
        Assert.Equal(HttpStatusCode.OK, (await Reporter.Post($"/api/v1/cases/{v}/proposal", new { criteria = new[] { "C1" }, reason = "x" })).Status);
        var townshipReviewer = fx.Client(Township, Role.Reviewer);
        Assert.Equal(HttpStatusCode.Forbidden, (await townshipReviewer.Post($"/api/v1/cases/{v}/review", new { decision = "confirm" })).Status);
        var outsider = fx.Client(OtherLeague, Role.Admin);
        Assert.Equal(HttpStatusCode.Forbidden, (await outsider.Post($"/api/v1/cases/{v}/review", new { decision = "confirm" })).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await outsider.Get($"/api/v1/cases/{v}")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await Reporter.Get($"/api/v1/cases/{Township}")).Status);
        Assert.Equal(HttpStatusCode.Conflict, (await Reporter.Post($"/api/v1/cases/{v}/problems/P1/resolve")).Status);
    }

    [Fact]
    public async Task An_admin_extends_the_criteria_catalogue()
    {
        var v = Villages[6];
        Assert.Equal(HttpStatusCode.BadRequest, (await Reporter.Post($"/api/v1/cases/{v}/findings", new { source = "selfCheck", criteria = new[] { "H7" } })).Status);
        var admin = fx.Client("150000000000", Role.Admin);
        Assert.Equal(HttpStatusCode.Forbidden, (await fx.Client("150100000000", Role.Admin).Put("/api/v1/criteria/H7", new { kind = "other", nameZh = "上年度考核三类", nameEn = "Class three last year" })).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await Reviewer.Put("/api/v1/criteria/H7", new { kind = "other", nameZh = "上年度考核三类", nameEn = "Class three last year" })).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.Put("/api/v1/criteria/h7", new { kind = "weird" })).Status);
        Assert.Equal(HttpStatusCode.OK, (await admin.Put("/api/v1/criteria/H7", new { kind = "other", nameZh = "上年度考核三类", nameEn = "Class three last year" })).Status);
        var (_, list, _) = await Reporter.Get("/api/v1/criteria");
        Assert.Contains("H7", list!.AsArray().Select(c => (string)c!["code"]!));
        Assert.Equal(HttpStatusCode.OK, (await Reporter.Post($"/api/v1/cases/{v}/findings", new { source = "selfCheck", criteria = new[] { "H7" } })).Status);
    }

    [Fact]
    public async Task Township_progress_is_written_and_read_back()
    {
        var (status, body, _) = await Reporter.Post($"/api/v1/units/{Township}/progress/2026-10-H2", new { casesVisited = 4, problemsResolved = 2, narrative = "visited all" });
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("2026-10-31", (string?)body!["dueOn"]);
        var (_, read, _) = await fx.Client(Banner, Role.Viewer).Get($"/api/v1/units/{Township}/progress/2026-10-H2");
        Assert.Equal(4, (int)read!["casesVisited"]!);
        Assert.Equal(HttpStatusCode.BadRequest, (await Reporter.Post($"/api/v1/units/{Township}/progress/2030-01-H1", new { casesVisited = 1, problemsResolved = 0 })).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await Reporter.Post($"/api/v1/units/{Township}/progress/2026-10", new { casesVisited = 1, problemsResolved = 0 })).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await Reviewer.Post($"/api/v1/units/{Banner}/progress/2026-10-H1", new { casesVisited = 1, problemsResolved = 0 })).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await Reporter.Get($"/api/v1/units/{Township}/progress/2026-09-H1")).Status);
    }

    [Fact]
    public async Task Oversized_bodies_are_413_and_floods_are_429()
    {
        var huge = new { source = "selfCheck", criteria = new[] { "C1" }, note = new string('x', 300_000) };
        var (status, body, _) = await Reporter.Post($"/api/v1/cases/{Villages[7]}/findings", huge);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Equal(413, (int)body!["status"]!);

        await using var strict = fx.WithSettings(new() { ["RateLimit:PerSecond"] = "1", ["RateLimit:Burst"] = "3" });
        var client = fx.Client(strict, Township, Role.Viewer, sub: "flooder");
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 8; i++) statuses.Add((await client.Get($"/api/v1/units/{Township}")).Status);
        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
        Assert.Equal(HttpStatusCode.OK, statuses[0]);
    }
}
