using System.Net;
using System.Text.Json.Nodes;
using Rectification.Storage;
using Rectification.Tests.Infrastructure;

namespace Rectification.Tests.Api;

/// <summary>
/// The campaign's work through the API (issue #12): six cases of one township, worked on through every
/// new route, then each new figure checked against a census of what was written, at the township, its
/// banner and the region, drilled through to its cases; the workload listing, the organization's
/// profile following the secretary actions, the export, and the usual rules (problem details, roles,
/// If-Match, Idempotency-Key, personal data).
/// </summary>
[Collection(CampaignCollection.Name)]
public sealed class CampaignApiTests(ApiFixture fx) : IAsyncLifetime
{
    private const string Region = "150000000000";
    private const string Period = "2026-11";
    private static readonly SeedOnce<Seeded> Once = new();
    private static Seeded? _seeded;

    private sealed record Seeded(string Township, string Banner, string[] Cases, string PartnerVillage);

    public async Task InitializeAsync() => _seeded = await Once.GetAsync(SeedAsync);

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>
    /// Six open cases of one township: four in the ledger since January with the same county leader (one
    /// with an economic department on a weak village), two since September without the four ones; then
    /// pairs, support, 撤换育派, a training, accountability, targets, a report and activity plans, each through its route.
    /// </summary>
    private async Task<Seeded> SeedAsync()
    {
        var rows = RegistryImport.ReadRows();
        var township = rows.Where(r => r.Level == Units.UnitLevel.Township)
            .First(t => rows.Count(v => v.ParentCode == t.Code) >= 6 && t.Code.StartsWith("1504", StringComparison.Ordinal));
        var cases = rows.Where(v => v.ParentCode == township.Code).Select(v => v.Code).Order(StringComparer.Ordinal).Take(6).ToArray();
        var partner = rows.First(v => v.Level == Units.UnitLevel.Village && v.ParentCode != township.Code && v.Code.StartsWith("1504", StringComparison.Ordinal)).Code;

        string?[] Row(int i, string lagging, string? type) =>
        [
            cases[i], "open", "C1", lagging, i < 4 ? "2026-01-05" : "2026-09-01", "班子软弱", "C1", "调整班子", "班子健全", "2027-03-31", "镇党委书记",
            type is null ? null : "李县长", type is null ? null : "工作组", type is null ? null : $"帮扶部门{i}", type, type is null ? null : "王第一书记",
            type is null ? null : "2026-02-01",
        ];
        var headers = new[] { "代码", "状态", "软弱涣散情形", "后进类别", "列入台账日期", "问题", "问题对应情形", "整顿措施", "整顿目标", "完成时限", "责任人",
            "包联县级领导", "工作组", "帮扶部门", "帮扶部门类型", "第一书记", "第一书记选派日期" };
        var file = new[] { Row(0, "L1", "partyMass"), Row(1, "L1", "economic"), Row(2, "L2", "politicalLegal"), Row(3, "L3", "economic"), Row(4, "L1", null), Row(5, "L4", null) };
        var imported = await fx.Client(Region, Role.Admin).Upload("/api/v1/cases/import", ImportFiles.Xlsx(headers, file), "campaign.xlsx");
        Assert.True(imported.StatusCode == HttpStatusCode.OK, await imported.Content.ReadAsStringAsync());

        var t = fx.Client(township.Code, Role.Reporter, "township-reporter");
        var reviewer = fx.Client(township.Code, Role.Reviewer, "township-reviewer");
        async Task Ok(Task<(HttpStatusCode Status, JsonNode? Body, HttpResponseMessage Response)> call)
        {
            var (status, body, _) = await call;
            Assert.True(status == HttpStatusCode.OK, $"{status} {body}");
        }
        await Ok(t.Post($"/api/v1/cases/{cases[0]}/pairings", new { kind = "excellentSecretary", partner = "王优秀", partnerUnit = partner, since = "2026-11-01" }));
        await Ok(t.Post($"/api/v1/cases/{cases[1]}/pairings", new { kind = "enterprise", partner = "伊利集团", since = "2026-11-01", note = "共建对子" }));
        await Ok(t.Post($"/api/v1/cases/{cases[2]}/pairings", new { kind = "organ", partner = "县民政局", since = "2026-11-01" }));
        await Ok(t.Post($"/api/v1/cases/{cases[2]}/pairings/J1/end", new { on = "2026-11-20", reason = "调整帮扶" }));
        await Ok(fx.Client(cases[1], Role.Reporter).Post($"/api/v1/cases/{cases[1]}/pairings/J1/support",
            new { on = "2026-11-10", fundsYuan = 50000.50m, projects = 2, note = "修建活动场所" }));
        await Ok(t.Post($"/api/v1/cases/{cases[0]}/secretary-actions",
            new { action = "replace", on = "2026-11-02", person = "旧书记", newSecretary = new { name = "张新", contact = "13912345678" } }));
        await Ok(fx.Client(cases[0], Role.Reporter).Post($"/api/v1/cases/{cases[0]}/trainings",
            new { person = "张新", role = "secretary", topic = "增强群众观念，当好党组织书记", from = "2026-11-05", days = 3, organizer = "旗委组织部" }));
        await Ok(t.Post($"/api/v1/cases/{cases[3]}/secretary-actions", new { action = "remove", on = "2026-11-01", person = "旧书记三", note = "考核不称职" }));
        await Ok(reviewer.Post($"/api/v1/cases/{cases[1]}/accountability",
            new { person = "赵某", position = "村党支部书记", measure = "payDeduction", on = "2026-11-12", reason = "考核不称职", assessment = "2026年度乡镇党政领导班子综合考核" }));
        await Ok(t.Put($"/api/v1/cases/{cases[2]}/member-targets/2026", new { newMembers = 1, activists = 3, reserveCadres = 5 }));
        await Ok(fx.Client(cases[0], Role.Reporter).Post($"/api/v1/cases/{cases[0]}/reports/2026-11",
            new { problemsResolved = 0, measuresDone = 1, newMembers = 1, activists = 3, reserveCadres = 5 }));
        // Activity plans for this month and the next: on time or late by today's date, counted in the month before each.
        var month = Periods.Period.MonthOf(DateOnly.FromDateTime(DateTime.UtcNow.AddHours(8)));
        await Ok(fx.Client(cases[0], Role.Reporter).Post($"/api/v1/cases/{cases[0]}/activity-plans/{month.Next}",
            new { activities = new[] { new { on = month.Next.Start.AddDays(2).ToString("yyyy-MM-dd"), title = "主题党日", kind = "partyDay" } } }));
        await Ok(fx.Client(cases[4], Role.Reporter).Post($"/api/v1/cases/{cases[4]}/activity-plans/{month}",
            new { activities = new[] { new { on = month.End.ToString("yyyy-MM-dd"), title = "组织生活会" } } }));
        return new Seeded(township.Code, township.ParentCode!, cases, partner);
    }

    /// <summary>The figures this test wrote, for November 2026, by the rules of docs/campaign.md.</summary>
    private static Dictionary<string, long> Census(string[] c) => new()
    {
        ["pairing.pairs"] = 2, ["pairing.villagesPaired"] = 2, ["pairing.unpaired"] = 4, ["pairing.projectsLanded"] = 2,
        ["pairing.byKind.excellentSecretary"] = 1, ["pairing.byKind.enterprise"] = 1, ["pairing.byKind.organ"] = 0,
        ["secretaries.replaced"] = 1, ["secretaries.removed"] = 1, ["secretaries.dispatched"] = 0, ["secretaries.newTrained"] = 1, ["secretaries.newUntrained"] = 0,
        ["trainings.records"] = 1, ["trainings.days"] = 3,
        ["accountability.payDeduction"] = 1, ["accountability.assessmentLinked"] = 1, ["accountability.removal"] = 0,
        ["fourOnes.mismatched"] = 1, ["fourOnes.covered"] = 4, ["fourOnes.missing"] = 2,
        // In the ledger since January, eleven months by November: ⌊3 × 11 / 12⌋ = 2 activists are due; only the case that reported has them.
        ["memberTargets.onTrack"] = 3, ["memberTargets.behind"] = 3,
    };

    private static long Flat(JsonNode summary, string dotted)
    {
        JsonNode? node = summary;
        foreach (var part in dotted.Split('.')) node = node?[part];
        return node is null ? 0 : (long)node;
    }

    [Fact]
    public async Task Every_new_figure_matches_the_census_at_every_level_and_drills_through_to_its_cases()
    {
        var s = _seeded!;
        var census = Census(s.Cases);
        var viewer = fx.Client(Region, Role.Viewer);
        foreach (var unit in new[] { s.Township, s.Banner, Region })
        {
            await Eventually.Until(async () =>
            {
                var summary = (await viewer.Get($"/api/v1/units/{unit}/summary?period={Period}")).Body!;
                var wrong = census.Where(kv => Flat(summary, kv.Key) != kv.Value).Select(kv => $"{kv.Key} {Flat(summary, kv.Key)} (census {kv.Value})").ToList();
                if ((decimal)summary["pairing"]!["fundsLandedYuan"]! != 50000.50m) wrong.Add($"fundsLandedYuan {summary["pairing"]!["fundsLandedYuan"]}");
                return string.Join("; ", wrong);
            }, wrong => wrong == "", what: $"{unit}'s {Period} summary to match the census");
        }

        // Every new figure, at every level and for the month and the quarter, opens as exactly the cases behind it.
        string[] figures =
        [
            "pairing.pairs", "pairing.villagesPaired", "pairing.unpaired", "pairing.byKind.excellentSecretary", "pairing.byKind.enterprise",
            "pairing.byKind.organ", "memberTargets.onTrack", "memberTargets.behind", "trainings.records", "secretaries.removed",
            "secretaries.replaced", "secretaries.dispatched", "secretaries.newTrained", "secretaries.newUntrained", "accountability.payDeduction",
            "accountability.assessmentLinked", "fourOnes.mismatched", "activityPlans.due", "activityPlans.onTime", "activityPlans.late",
            "activityPlans.missing", "activityPlans.pending",
        ];
        foreach (var unit in new[] { s.Township, s.Banner, Region })
        {
            foreach (var period in new[] { Period, "2026-Q4" })
            {
                var summary = (await viewer.Get($"/api/v1/units/{unit}/summary?period={period}")).Body!;
                foreach (var figure in figures)
                {
                    var (status, list, _) = await viewer.Get($"/api/v1/units/{unit}/cases?figure={figure}&period={period}&limit=500");
                    Assert.True(status == HttpStatusCode.OK, $"{figure}: {list}");
                    Assert.True(Flat(summary, figure) == (long)list!["figure"]!["value"]!, $"{unit} {period} {figure}: summary {Flat(summary, figure)}, list {list["figure"]!["value"]}");
                    Assert.Equal((long)list["figure"]!["value"]!, list["items"]!.AsArray().Sum(i => (long)i!["figureValue"]!));
                    if ((bool)list["figure"]!["countsCases"]!) Assert.Equal(Flat(summary, figure), (long)list["total"]!);
                }
            }
        }

        async Task<string[]> Drill(string query)
        {
            var (status, body, _) = await viewer.Get($"/api/v1/units/{s.Township}/cases?{query}&period={Period}&limit=500");
            Assert.True(status == HttpStatusCode.OK, body?.ToJsonString());
            return [.. body!["items"]!.AsArray().Select(i => (string)i!["code"]!).Order(StringComparer.Ordinal)];
        }
        Assert.Equal(new[] { s.Cases[2], s.Cases[3], s.Cases[4], s.Cases[5] }, await Drill("figure=pairing.unpaired"));
        Assert.Equal(new[] { s.Cases[0], s.Cases[1] }, await Drill("figure=pairing.villagesPaired"));
        Assert.Equal(new[] { s.Cases[1] }, await Drill("figure=fourOnes.mismatched"));
        Assert.Equal(new[] { s.Cases[1], s.Cases[2], s.Cases[3] }, await Drill("memberTargets=behind"));
        Assert.Equal(new[] { s.Cases[0], s.Cases[4], s.Cases[5] }, await Drill("memberTargets=onTrack"));
        Assert.Equal(new[] { s.Cases[0] }, await Drill("figure=secretaries.newTrained"));
        Assert.Equal(new[] { s.Cases[1] }, await Drill("figure=accountability.payDeduction"));

        // Activity plans: what the summary says of each due month is what the cases hold.
        var plans = new List<(string Due, bool OnTime)>();
        foreach (var code in s.Cases)
        {
            var body = (await fx.Client(code, Role.Viewer).Get($"/api/v1/cases/{code}")).Body!;
            foreach (var p in body["activityPlans"]!.AsArray())
            {
                var month = Periods.Period.Parse((string)p!["month"]!);
                plans.Add((Periods.Period.MonthOf(month.Start.AddMonths(-1)).ToString(), (bool)p["onTime"]!));
            }
        }
        Assert.Equal(2, plans.Count);
        foreach (var due in plans.Select(p => p.Due).Distinct())
        {
            var summary = (await viewer.Get($"/api/v1/units/{s.Township}/summary?period={due}")).Body!;
            Assert.Equal(plans.Count(p => p.Due == due && p.OnTime), Flat(summary, "activityPlans.onTime"));
            Assert.Equal(plans.Count(p => p.Due == due && !p.OnTime), Flat(summary, "activityPlans.late"));
            Assert.Equal(6, Flat(summary, "activityPlans.due"));   // all six were in the ledger on the due day
            var late = await viewer.Get($"/api/v1/units/{s.Township}/cases?activityPlan=late&period={due}&limit=500");
            Assert.Equal(plans.Count(p => p.Due == due && !p.OnTime), (long)late.Body!["figure"]!["value"]!);
            var onTime = await viewer.Get($"/api/v1/units/{s.Township}/cases?activityPlan=onTime&period={due}&limit=500");
            Assert.Equal(plans.Count(p => p.Due == due && p.OnTime), onTime.Body!["items"]!.AsArray().Count);
        }
    }

    [Fact]
    public async Task The_workload_shows_each_leader_and_department_the_mismatches_and_the_excellent_secretaries()
    {
        var s = _seeded!;
        var viewer = fx.Client(s.Banner, Role.Viewer);
        var body = await Eventually.Until(async () => (await viewer.Get($"/api/v1/units/{s.Banner}/workload?period={Period}")).Body!,
            b => b["leaders"]!.AsArray().Count > 0 && b["excellentSecretaries"]!.AsArray().Count > 0, what: "the read model to hold the four ones and the pairs");
        var leader = body["leaders"]!.AsArray().Single()!;
        Assert.Equal("李县长", (string)leader["leader"]!);
        Assert.Equal(4, (int)leader["cases"]!);
        Assert.True((bool)leader["overloaded"]!);   // more than Workload:MaxCasesPerLeader (3)
        Assert.Equal(3, (int)body["maxCasesPerLeader"]!);
        var mismatch = body["mismatched"]!.AsArray().Single()!;
        Assert.Equal(s.Cases[1], (string)mismatch["code"]!);
        Assert.Equal(["partyMass"], mismatch["fittingTypes"]!.AsArray().Select(x => (string)x!));
        Assert.Equal(4, body["departments"]!.AsArray().Count);
        Assert.Equal(1, body["departments"]!.AsArray().Sum(d => (int)d!["mismatched"]!));
        var secretary = body["excellentSecretaries"]!.AsArray().Single()!;
        Assert.Equal(("王优秀", s.PartnerVillage, 1, false), ((string)secretary["partner"]!, (string)secretary["partnerUnit"]!, (int)secretary["villages"]!, (bool)secretary["withinRange"]!));
        Assert.Equal(HttpStatusCode.BadRequest, (await viewer.Get($"/api/v1/units/{s.Banner}/workload?period=2026-13")).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await fx.Client(s.Township, Role.Viewer).Get($"/api/v1/units/{s.Banner}/workload")).Status);
    }

    [Fact]
    public async Task The_organization_profile_follows_the_secretary_actions_with_its_history()
    {
        var s = _seeded!;
        var admin = fx.Client(Region, Role.Admin);
        var profile = await Eventually.Until(async () => (await admin.Get($"/api/v1/units/{s.Cases[0]}")).Body!,
            b => (string?)b["secretaryName"] == "张新", what: "the profile to name the new secretary");
        Assert.Equal("13912345678", (string?)profile["secretaryContact"]);
        await using (var cmd = fx.Db.DataSource.CreateCommand("SELECT secretary_vacant_since, secretary_name FROM units WHERE code = $1"))
        {
            cmd.Parameters.AddWithValue(s.Cases[3]);
            await Eventually.Until(async () =>
            {
                await using var r = await cmd.ExecuteReaderAsync();
                await r.ReadAsync();
                return r.IsDBNull(0) ? (DateOnly?)null : r.GetFieldValue<DateOnly>(0);
            }, d => d == new DateOnly(2026, 11, 1), what: "the removal to leave the post vacant from its day");
        }
        await using (var cmd = fx.Db.DataSource.CreateCommand("SELECT actor, source, changes::text FROM unit_history WHERE code = $1 AND source LIKE 'case %' ORDER BY version"))
        {
            cmd.Parameters.AddWithValue(s.Cases[0]);
            await using var r = await cmd.ExecuteReaderAsync();
            Assert.True(await r.ReadAsync());
            Assert.Equal("township-reporter", r.GetString(0));
            Assert.Equal($"case {s.Cases[0]} secretary action S1", r.GetString(1));
            Assert.Contains("张新", r.GetString(2));
            Assert.False(await r.ReadAsync());   // once, however often the case is projected
        }
        // The contact is personal data: a viewer sees the action without it, a reviewer with it.
        var asViewer = (await fx.Client(s.Township, Role.Viewer).Get($"/api/v1/cases/{s.Cases[0]}")).Body!;
        Assert.Null(asViewer["secretaryActions"]![0]!["newSecretaryContact"]);
        var asReviewer = (await fx.Client(s.Township, Role.Reviewer).Get($"/api/v1/cases/{s.Cases[0]}")).Body!;
        Assert.Equal("13912345678", (string?)asReviewer["secretaryActions"]![0]!["newSecretaryContact"]);
        Assert.Equal("张新", (string?)asReviewer["secretaryActions"]![0]!["newSecretary"]);
    }

    [Fact]
    public async Task Bad_input_wrong_roles_stale_versions_and_repeats_get_their_usual_answers_and_change_nothing()
    {
        var s = _seeded!;
        var code = s.Cases[5];
        var t = fx.Client(s.Township, Role.Reporter, "township-reporter");
        var before = (await t.Get($"/api/v1/cases/{code}")).Body!;
        var version = (int)before["version"]!;

        var (status, problem, _) = await t.Post($"/api/v1/cases/{code}/pairings", new { kind = "friend", partner = "x", since = "2026-11-01" });
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.NotNull(problem!["errors"]!["kind"]);
        (status, problem, _) = await t.Post($"/api/v1/cases/{code}/pairings", new { kind = "excellentSecretary", partner = "王", partnerUnit = s.Banner, since = "2026-11-01" });
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.NotNull(problem!["errors"]!["partnerUnit"]);
        (status, problem, _) = await t.Post($"/api/v1/cases/{code}/trainings", new { person = "张三", role = "secretary", topic = "x", from = "2026-11-05", days = 400 });
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.NotNull(problem!["errors"]!["days"]);
        (status, problem, _) = await t.Post($"/api/v1/cases/{code}/activity-plans/2026-11-H1", new { activities = new[] { new { on = "2026-11-20", title = "x" } } });
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.NotNull(problem!["errors"]!["month"]);
        (status, _, _) = await t.Post($"/api/v1/cases/{code}/pairings/J9/support", new { on = "2026-11-10", fundsYuan = 100 });
        Assert.Equal(HttpStatusCode.NotFound, status);
        (status, problem, _) = await t.Post($"/api/v1/cases/{code}/accountability", new { person = "a", position = "b", measure = "removal", on = "2026-11-10", reason = "c" });
        Assert.Equal(HttpStatusCode.Forbidden, status);
        (status, problem, _) = await t.Put($"/api/v1/cases/{code}/member-targets/2026", new { newMembers = 1, activists = 3, reserveCadres = 9 });
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.NotNull(problem!["errors"]!["reserveCadres"]);

        var training = new { person = "李四", role = "teamMember", topic = "轮训", from = "2026-11-05", days = 2 };
        (status, _, _) = await t.Post($"/api/v1/cases/{code}/trainings", training, r => r.Headers.TryAddWithoutValidation("If-Match", $"\"{version + 7}\""));
        Assert.Equal(HttpStatusCode.PreconditionFailed, status);
        Assert.Equal(version, (int)(await t.Get($"/api/v1/cases/{code}")).Body!["version"]!);   // nothing of the above changed the case

        var key = $"training-{Guid.NewGuid():N}";
        var first = await t.Post($"/api/v1/cases/{code}/trainings", training, r => r.Headers.Add("Idempotency-Key", key));
        var again = await t.Post($"/api/v1/cases/{code}/trainings", training, r => r.Headers.Add("Idempotency-Key", key));
        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (first.Status, again.Status));
        Assert.Equal(first.Body!.ToJsonString(), again.Body!.ToJsonString());
        var other = await t.Post($"/api/v1/cases/{code}/trainings", training with { days = 3 }, r => r.Headers.Add("Idempotency-Key", key));
        Assert.Equal(HttpStatusCode.Conflict, other.Status);
        var after = (await t.Get($"/api/v1/cases/{code}")).Body!;
        Assert.Single(after["trainings"]!.AsArray());
        Assert.Equal(version + 1, (int)after["version"]!);

        // What each caller may do now: the case's allowedCommands narrowed to the role and the unit's level.
        string[] Mine(JsonNode c) => [.. c["callerCommands"]!.AsArray().Select(x => (string)x!)];
        var asVillage = Mine((await fx.Client(code, Role.Reporter).Get($"/api/v1/cases/{code}")).Body!);
        Assert.Contains("report", asVillage);
        Assert.Contains("training", asVillage);
        Assert.DoesNotContain("pairing", asVillage);          // a township's
        Assert.DoesNotContain("accountability", asVillage);   // a reviewer's
        Assert.Contains("pairing", Mine(after));
        Assert.Empty(Mine((await fx.Client(code, Role.Viewer).Get($"/api/v1/cases/{code}")).Body!));

        var history = (await t.Get($"/api/v1/cases/{code}/history?limit=500")).Body!["items"]!.AsArray();
        var entry = history.Last()!;
        Assert.Equal("training", (string)entry["command"]!);
        Assert.Equal("township-reporter", (string)entry["by"]!);
        Assert.Contains(entry["changes"]!.AsArray(), c => ((string)c!["field"]!).StartsWith("trainings.T1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_ledger_export_carries_each_case_s_work()
    {
        var s = _seeded!;
        var reviewer = fx.Client(s.Township, Role.Reviewer);
        var csv = await Eventually.Until(async () => await (await reviewer.GetAsync($"/api/v1/units/{s.Township}/cases?format=csv")).Content.ReadAsStringAsync(),
            text => text.Contains("张新") && text.Contains("50000.5"), what: "the export to show the new secretary and the support landed");
        foreach (var header in new[] { "县级联系领导", "帮扶部门类型相符", "结对帮扶对数", "结对帮扶资金到位（元）", "党员发展目标（本年）", "撤换育派", "问责（人次）", "最近活动计划" })
        {
            Assert.Contains(header, csv);
        }
        var line = csv.Split('\n').Single(l => l.StartsWith(s.Cases[1], StringComparison.Ordinal));
        Assert.Contains("50000.5", line);
        Assert.Contains("李县长", line);
    }
}
