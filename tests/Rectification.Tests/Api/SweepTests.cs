using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Rectification.Campaign;
using Rectification.Cases;
using Rectification.Periods;
using Rectification.Storage;
using Rectification.Tests.Infrastructure;
using static Rectification.Tests.Infrastructure.CaseScript;

namespace Rectification.Tests.Api;

/// <summary>
/// The campaign sweep (issue #12 items 7 and 8): screening suggestions from facts already held, each
/// accepted into findings or dismissed and both kept; notices in each unit's inbox, never twice for one
/// fact, read and counted by level; and delivered to a webhook with a signature, through a refusal.
/// Six organizations of one township carry one fact each; the census below is what they must produce.
/// </summary>
[Collection(NoticesCollection.Name)]
public sealed class SweepTests(NoticesFixture fx) : IAsyncLifetime
{
    private const string Region = "150000000000";
    private static readonly SeedOnce<Seeded> Once = new();
    private static Seeded? _seeded;
    private static readonly DuePolicy Policy = new();

    /// <summary>A: re-election overdue, no case. B: open, secretary removed 200 days ago, a problem overdue. C: no case, its profile
    /// says the post has been vacant for 7 months. D: class three last year, signed off.
    /// E: relapsed twice. F: sign-off returned.</summary>
    private sealed record Seeded(string Township, string A, string B, string C, string D, string E, string F, SweepResult First, SweepResult Second);

    public async Task InitializeAsync() => _seeded = await Once.GetAsync(SeedAsync);

    public Task DisposeAsync() => Task.CompletedTask;

    private static DateOnly Today => Policy.LocalDate(DateTimeOffset.UtcNow);

    private async Task<Seeded> SeedAsync()
    {
        var rows = RegistryImport.ReadRows();
        var township = rows.Where(r => r.Level == Units.UnitLevel.Township)
            .First(t => rows.Count(v => v.ParentCode == t.Code) >= 6 && t.Code.StartsWith("1505", StringComparison.Ordinal)).Code;
        var v = rows.Where(r => r.ParentCode == township).Select(r => r.Code).Order(StringComparer.Ordinal).Take(6).ToArray();
        var (a, b, d, e, f, c) = (v[0], v[1], v[2], v[3], v[4], v[5]);

        string?[] Row(string code, string criterion, string opened, string deadline) =>
            [code, "open", criterion, "L1", opened, "组织生活不正常", criterion, "规范三会一课", "组织生活正常", deadline, "镇党委书记"];
        var headers = new[] { "代码", "状态", "软弱涣散情形", "后进类别", "列入台账日期", "问题", "问题对应情形", "整顿措施", "整顿目标", "完成时限", "责任人" };
        var file = new[] { Row(b, "C2", "2026-01-05", "2026-10-31"), Row(d, "C5", "2025-10-01", "2027-03-31"), Row(e, "C3", "2025-06-01", "2027-03-31"),
            Row(f, "C5", "2026-01-05", "2027-03-31") };
        var imported = await fx.Client(Region, Role.Admin).Upload("/api/v1/cases/import", ImportFiles.Xlsx(headers, file), "sweep.xlsx");
        Assert.True(imported.StatusCode == HttpStatusCode.OK, await imported.Content.ReadAsStringAsync());

        var grains = fx.SiloServices.GetRequiredService<IGrainFactory>();
        async Task Run(string code, CaseCommand command, Actor actor)
        {
            var result = await grains.GetGrain<IVillageGrain>(code).ExecuteAsync(command, actor, new CommandConditions());
            Assert.True(result.Outcome == CaseOutcome.Accepted, $"{code} {command.Name}: {result.Outcome} {result.Detail}");
        }
        var applicant = new Actor("applicant-t", Role.Reporter, Units.UnitLevel.Township);
        async Task SignOff(string code, string problem)
        {
            await Run(code, new ChangeProblem(problem, ProblemAction.Resolve), VillageReporter);
            await Run(code, new ChangeProblem(problem, ProblemAction.Close), TownshipReporter);
            await Run(code, new ApplyForAcceptance("申请销号"), applicant);
            await Run(code, new DecideAcceptance(true, 95, "群众认可"), BannerReviewer);
        }

        // A: the registry says its re-election was due 40 days ago and is not done.
        await using (var cmd = fx.Db.DataSource.CreateCommand("UPDATE units SET election_next_due_on = $2, election_completed_on = NULL WHERE code = $1"))
        {
            cmd.Parameters.AddWithValue(a);
            cmd.Parameters.AddWithValue(Today.AddDays(-40));
            await cmd.ExecuteNonQueryAsync();
        }
        // C: an admin records in its profile that the post has been vacant for seven months (a secretary named too is a 400).
        var admin = fx.Client(Region, Role.Admin);
        var (_, profile, profileResponse) = await admin.Get($"/api/v1/units/{c}");
        var vacantSince = Today.AddMonths(-7).ToString("yyyy-MM-dd");
        object Body(string? secretary) => new
        {
            name = (string)profile!["name"]!, level = "village", parentCode = township, category = (string?)profile["category"],
            members = (int?)profile["members"], secretaryName = secretary, secretaryVacantSince = vacantSince,
        };
        var put = await admin.Put($"/api/v1/units/{c}", Body("某书记"), r => r.Headers.IfMatch.Add(profileResponse.Headers.ETag!));
        Assert.Equal(HttpStatusCode.BadRequest, put.Status);
        Assert.NotNull(put.Body!["errors"]!["secretaryVacantSince"]);
        put = await admin.Put($"/api/v1/units/{c}", Body(null), r => r.Headers.IfMatch.Add(profileResponse.Headers.ETag!));
        Assert.True(put.Status == HttpStatusCode.OK, put.Body?.ToJsonString());
        Assert.Equal(vacantSince, (string?)(await admin.Get($"/api/v1/units/{c}")).Body!["secretaryVacantSince"]);
        // B: its secretary removed 200 days ago, nobody in post since (the profile follows the action).
        var (status, body, _) = await fx.Client(township, Role.Reporter).Post($"/api/v1/cases/{b}/secretary-actions",
            new { action = "remove", on = Today.AddDays(-200).ToString("yyyy-MM-dd"), person = "原书记", note = "长期不在岗" });
        Assert.True(status == HttpStatusCode.OK, body?.ToJsonString());
        // D: rated class three in last year's last quarter, then signed off.
        await Run(d, new SubmitEvaluation(Period.Quarter(Today.Year - 1, 4), 52, 3, 2, "三类"), BannerReviewer);
        await SignOff(d, "P1");
        // E: signed off, relapsed, rectified again (new work), signed off, relapsed again.
        await SignOff(e, "P1");
        await Run(e, new Relapse(["C3"], "班子又闹矛盾"), BannerReviewer);
        var state = await grains.GetGrain<IVillageGrain>(e).GetAsync();
        var p1 = state.Problems.Single();
        await Run(e, new SetPlan([new PlannedProblem(p1.Id, p1.Description, p1.Criterion, p1.Measures, p1.Target, p1.Deadline, p1.Responsible),
            new PlannedProblem(null, "班子不团结", "C3", ["谈心谈话"], "班子团结", new DateOnly(2027, 3, 31), "镇党委副书记")]), TownshipReporter);
        await SignOff(e, "P2");
        await Run(e, new Relapse(["C3"], "再次反弹"), BannerReviewer);
        // F: applied for sign-off and returned.
        await Run(f, new ChangeProblem("P1", ProblemAction.Resolve), VillageReporter);
        await Run(f, new ChangeProblem("P1", ProblemAction.Close), TownshipReporter);
        await Run(f, new ApplyForAcceptance("申请销号"), applicant);
        await Run(f, new DecideAcceptance(false, null, "群众满意度不高"), BannerReviewer);

        // The sweep reads the read model: wait until it holds everything above.
        await Eventually.Until(async () =>
        {
            await using var cmd = fx.Db.DataSource.CreateCommand("""
                SELECT (SELECT secretary_vacant_since FROM units WHERE code = $1) IS NOT NULL
                   AND (SELECT relapses FROM cases WHERE code = $2) = 2
                   AND (SELECT status FROM cases WHERE code = $3) = 'signedOff'
                   AND EXISTS (SELECT 1 FROM case_history WHERE code = $4 AND command = 'acceptanceDecision')
                """);
            foreach (var code in new[] { b, e, d, f }) cmd.Parameters.AddWithValue(code);
            return (bool)(await cmd.ExecuteScalarAsync())!;
        }, ready => ready, what: "the read model to hold the seeded facts");

        // The sweep runs on its reminder; an admin of the root may also run it now. Nobody else may.
        var sweep = grains.GetGrain<ICampaignSweepGrain>("region");
        var first = await sweep.SweepAsync();
        Assert.Equal(HttpStatusCode.Forbidden, (await fx.Client(township, Role.Admin).Post("/api/v1/campaign/sweep")).Status);
        var (sweptStatus, swept, _) = await admin.Post("/api/v1/campaign/sweep");
        Assert.True(sweptStatus == HttpStatusCode.OK, swept?.ToJsonString());
        var second = new SweepResult(DateOnly.Parse((string)swept!["today"]!), (int)swept["suggestions"]!, (int)swept["notices"]!);
        return new Seeded(township, a, b, c, d, e, f, first, second);
    }

    private async Task<List<(string Unit, string Kind, string Subject, string Fact)>> NoticesAsync()
    {
        await using var cmd = fx.Db.DataSource.CreateCommand("SELECT unit, kind, subject, fact_key FROM notices");
        var list = new List<(string, string, string, string)>();
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync()) list.Add((r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3)));
        return list;
    }

    [Fact]
    public async Task Each_fact_is_suggested_once_with_the_fact_behind_it_and_listed_for_the_township()
    {
        var s = _seeded!;
        Assert.Equal(5, s.First.Suggestions);
        Assert.Equal(0, s.Second.Suggestions);   // the same facts again: nothing new
        var (status, body, _) = await fx.Client(s.Township, Role.Viewer).Get($"/api/v1/units/{s.Township}/screening-suggestions?limit=500");
        Assert.Equal(HttpStatusCode.OK, status);
        var items = body!["items"]!.AsArray().Select(i => i!).ToList();
        var found = items.Select(i => ((string)i["code"]!, (string)i["rule"]!, string.Join(",", i["criteria"]!.AsArray().Select(c => (string)c!))))
            .OrderBy(x => x.Item1, StringComparer.Ordinal).ToList();
        Assert.Equal(new[] { (s.A, "electionOverdue", "C4"), (s.B, "secretaryVacant", "C1"), (s.C, "secretaryVacant", "C1"), (s.D, "classThree", ""),
                (s.E, "relapsedTwice", "C3") }
            .OrderBy(x => x.Item1, StringComparer.Ordinal), found);
        var vacant = items.Single(i => (string)i["rule"]! == "secretaryVacant" && (string)i["code"]! == s.B);
        Assert.Contains(Today.AddDays(-200).ToString("yyyy-MM-dd"), (string)vacant["fact"]!);
        Assert.Contains($"{Today.Year - 1}年度考核评为三类村", (string)items.Single(i => (string)i["rule"]! == "classThree")["fact"]!);
        // Another township sees none of them.
        var other = RegistryImport.ReadRows().First(r => r.Level == Units.UnitLevel.Township && r.Code != s.Township).Code;
        Assert.Empty((await fx.Client(other, Role.Viewer).Get($"/api/v1/units/{other}/screening-suggestions")).Body!["items"]!.AsArray());
    }

    [Fact]
    public async Task A_suggestion_is_accepted_into_findings_or_dismissed_with_a_reason_and_both_are_kept()
    {
        var s = _seeded!;
        var township = fx.Client(s.Township, Role.Reporter, "screener");
        var list = (await township.Get($"/api/v1/units/{s.Township}/screening-suggestions?limit=500")).Body!["items"]!.AsArray();
        long Id(string code) => (long)list.Single(i => (string)i!["code"]! == code)!["id"]!;

        // The organization itself does not screen itself.
        var (status, problem, _) = await fx.Client(s.B, Role.Reporter).Post($"/api/v1/units/{s.B}/screening-suggestions/{Id(s.B)}/accept", new { });
        Assert.Equal(HttpStatusCode.Forbidden, status);
        (status, var accepted, _) = await township.Post($"/api/v1/units/{s.B}/screening-suggestions/{Id(s.B)}/accept", new { note = "核实属实" });
        Assert.True(status == HttpStatusCode.OK, accepted?.ToJsonString());
        Assert.Equal("accepted", (string)accepted!["status"]!);
        var version = (int)accepted["caseVersion"]!;
        var caseBody = (await township.Get($"/api/v1/cases/{s.B}")).Body!;
        var finding = caseBody["findings"]!.AsArray().Last()!;
        Assert.Equal("screeningSuggestion", (string)finding["source"]!);
        Assert.Equal(["C1"], finding["criteria"]!.AsArray().Select(c => (string)c!));
        Assert.Contains("核实属实", (string)finding["note"]!);
        Assert.Equal(version, (int)caseBody["version"]!);
        (status, problem, _) = await township.Post($"/api/v1/units/{s.B}/screening-suggestions/{Id(s.B)}/accept", new { });
        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Equal("suggestionDecidedOnce", (string)problem!["rule"]!);
        Assert.Equal(version, (int)(await township.Get($"/api/v1/cases/{s.B}")).Body!["version"]!);   // no second finding

        // Class three names no criterion: the screener gives it, or gets a 400.
        (status, problem, _) = await township.Post($"/api/v1/units/{s.D}/screening-suggestions/{Id(s.D)}/accept", new { });
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.NotNull(problem!["errors"]!["criteria"]);

        (status, problem, _) = await township.Post($"/api/v1/units/{s.A}/screening-suggestions/{Id(s.A)}/dismiss", new { reason = "" });
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.NotNull(problem!["errors"]!["reason"]);
        var key = Guid.NewGuid().ToString("N");
        var dismissed = await township.Post($"/api/v1/units/{s.A}/screening-suggestions/{Id(s.A)}/dismiss", new { reason = "换届已报批，下月完成" },
            r => r.Headers.Add("Idempotency-Key", key));
        Assert.Equal(HttpStatusCode.OK, dismissed.Status);
        var again = await township.Post($"/api/v1/units/{s.A}/screening-suggestions/{Id(s.A)}/dismiss", new { reason = "换届已报批，下月完成" },
            r => r.Headers.Add("Idempotency-Key", key));
        Assert.Equal(dismissed.Body!.ToJsonString(), again.Body!.ToJsonString());   // the first answer, again
        Assert.Equal(HttpStatusCode.NotFound, (await township.Post($"/api/v1/units/{s.A}/screening-suggestions/{Id(s.B)}/dismiss", new { reason = "x" })).Status);

        // Both decisions are kept, and a sweep does not bring the dismissed fact back.
        var sweep = await fx.SiloServices.GetRequiredService<IGrainFactory>().GetGrain<ICampaignSweepGrain>("region").SweepAsync();
        Assert.Equal(0, sweep.Suggestions);
        var all = (await township.Get($"/api/v1/units/{s.Township}/screening-suggestions?limit=500")).Body!["items"]!.AsArray();
        var a = all.Single(i => (string)i!["code"]! == s.A)!;
        Assert.Equal(("dismissed", "换届已报批，下月完成", "screener"), ((string)a["status"]!, (string)a["reason"]!, (string)a["decidedBy"]!));
        Assert.Equal("accepted", (string)all.Single(i => (string)i!["code"]! == s.B)!["status"]!);
    }

    /// <summary>What the six organizations must have produced, by the rules of docs/campaign.md, on today's date.</summary>
    private static List<(string Unit, string Kind, string Subject, string Fact)> Census(Seeded s)
    {
        var month = Period.MonthOf(Today);
        var previous = Period.MonthOf(month.Start.AddDays(-1));
        var expected = new List<(string, string, string, string)>();
        foreach (var code in new[] { s.A, s.B, s.C, s.D, s.E }) expected.Add((s.Township, "suggestionWaiting", code, "?"));
        expected.Add((s.Township, "caseReturned", s.F, "?"));
        expected.Add((s.B, "problemOverdue", s.B, "deadline:2026-10-31"));
        foreach (var code in new[] { s.B, s.E, s.F })   // in the ledger now; D is signed off, A has no case
        {
            expected.Add((code, "reportMissing", code, previous.ToString()));
            var due = new DateOnly(month.Year, month.Number, 25);
            if (Today >= due.AddDays(-3) && Today <= due) expected.Add((code, "reportDueSoon", code, month.ToString()));
            if (Today > due) expected.Add((code, "reportMissing", code, month.ToString()));
            expected.Add((code, "planMissing", code, month.ToString()));
            if (Today >= due.AddDays(-3) && Today <= due) expected.Add((code, "planDueSoon", code, month.Next.ToString()));
            if (Today > due) expected.Add((code, "planMissing", code, month.Next.ToString()));
        }
        return expected;
    }

    [Fact]
    public async Task Notices_are_what_the_facts_call_for_once_each_and_the_inbox_reads_and_counts_them()
    {
        var s = _seeded!;
        var census = Census(s);
        var notices = await NoticesAsync();
        Assert.Equal(census.Count, s.First.Notices);
        Assert.Equal(0, s.Second.Notices);   // never twice for the same fact
        static (string, string, string) Who((string Unit, string Kind, string Subject, string Fact) n) => (n.Unit, n.Kind, n.Subject);
        Assert.Equal(census.Select(n => n.Fact == "?" ? Who(n) : (n.Unit, n.Kind, n.Subject + " " + n.Fact)).Order(),
            notices.Select(n => census.Any(c => Who(c) == Who(n) && c.Fact == "?") ? Who(n) : (n.Unit, n.Kind, n.Subject + " " + n.Fact)).Order());

        // The village's inbox, read one by one; the township's includes the villages' with scope=subtree.
        var village = fx.Client(s.B, Role.Reporter, "village-b");
        var inbox = (await village.Get($"/api/v1/units/{s.B}/notices?limit=500")).Body!["items"]!.AsArray();
        Assert.Equal(census.Count(n => n.Unit == s.B), inbox.Count);
        var overdue = inbox.Single(n => (string)n!["kind"]! == "problemOverdue")!;
        Assert.Contains("2026-10-31", (string)overdue["title"]!);
        var (status, read, _) = await village.Post($"/api/v1/units/{s.B}/notices/{(long)overdue["id"]!}/read");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("village-b", (string)read!["readBy"]!);
        Assert.Equal(inbox.Count - 1, (await village.Get($"/api/v1/units/{s.B}/notices?limit=500")).Body!["items"]!.AsArray().Count);
        Assert.Single((await village.Get($"/api/v1/units/{s.B}/notices?status=read")).Body!["items"]!.AsArray());
        Assert.Equal(HttpStatusCode.NotFound, (await village.Post($"/api/v1/units/{s.B}/notices/{(long)inbox.Last()!["id"]! + 100000}/read")).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await fx.Client(s.B, Role.Viewer).Post($"/api/v1/units/{s.B}/notices/{(long)overdue["id"]!}/read")).Status);
        var subtree = (await fx.Client(s.Township, Role.Viewer).Get($"/api/v1/units/{s.Township}/notices?scope=subtree&limit=500")).Body!["items"]!.AsArray();
        Assert.Equal(census.Count - 1, subtree.Count);

        // The region sees how many are open at each level.
        var summary = (await fx.Client(Region, Role.Viewer).Get($"/api/v1/units/{Region}/notices/summary")).Body!;
        Assert.Equal(census.Count - 1, (long)summary["open"]!);
        Assert.Equal(census.Count(n => n.Unit == s.Township), (long)summary["byLevel"]!["township"]!);
        Assert.Equal(census.Count(n => n.Unit != s.Township) - 1, (long)summary["byLevel"]!["village"]!);
        Assert.Equal(census.Count(n => n.Kind == "reportMissing"), (long)summary["byKind"]!["reportMissing"]!);
        Assert.Equal(0, (long)summary["byKind"]!["problemOverdue"]!);
        Assert.Equal(HttpStatusCode.BadRequest, (await village.Get($"/api/v1/units/{s.B}/notices?kind=gossip")).Status);
    }

    [Fact]
    public async Task Every_notice_reaches_the_webhook_signed_through_a_refused_first_attempt()
    {
        var s = _seeded!;
        var ids = await Eventually.Until(async () =>
        {
            await using var cmd = fx.Db.DataSource.CreateCommand("SELECT id FROM notices WHERE delivered_at IS NULL");
            var pending = new List<long>();
            await using var r = await cmd.ExecuteReaderAsync();
            while (await r.ReadAsync()) pending.Add(r.GetInt64(0));
            return pending;
        }, pending => pending.Count == 0, TimeSpan.FromSeconds(60), what: "every notice to be delivered");
        Assert.Empty(ids);
        var all = (await NoticesAsync()).Count;
        var received = fx.Received.ToArray();
        var byDelivery = received.GroupBy(x => x.Delivery).ToDictionary(g => g.Key, g => g.ToList());
        Assert.Equal(all, byDelivery.Count);
        foreach (var (delivery, attempts) in byDelivery)
        {
            Assert.Equal([500, 200], attempts.Select(x => x.Status));   // refused once, retried, taken
            foreach (var x in attempts)
            {
                Assert.Equal("sha256=" + NoticeDelivery.Sign(NoticesFixture.Secret, x.Timestamp, x.Body), x.Signature);
                Assert.NotEqual("sha256=" + NoticeDelivery.Sign("another secret", x.Timestamp, x.Body), x.Signature);
                var body = JsonNode.Parse(x.Body)!;
                Assert.Equal(delivery, ((long)body["id"]!).ToString(System.Globalization.CultureInfo.InvariantCulture));
                Assert.NotNull((string?)body["title"]);
            }
        }
        await using var check = fx.Db.DataSource.CreateCommand("SELECT count(*)::bigint FROM notices WHERE attempts <> 2");
        Assert.Equal(0L, (long)(await check.ExecuteScalarAsync())!);
    }

    /// <summary>Operators see each sweep run to its end.</summary>
    [Fact]
    public async Task Each_sweep_run_to_its_end_is_counted()
    {
        var outcomes = new System.Collections.Concurrent.ConcurrentQueue<string>();
        using var listener = new System.Diagnostics.Metrics.MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == Rectification.Hosting.RectificationMetrics.MeterName && instrument.Name == "rectification.campaign.sweeps")
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags) if (tag.Key == "outcome" && value == 1) outcomes.Enqueue((string)tag.Value!);
        });
        listener.Start();
        await fx.SiloServices.GetRequiredService<IGrainFactory>().GetGrain<ICampaignSweepGrain>("region").SweepAsync();
        // Only "ok" is asserted: the meter is the process's, and another test's silo may sweep (or fail to,
        // its database stopped on purpose) at the same moment.
        Assert.Contains("ok", outcomes);
    }
}
