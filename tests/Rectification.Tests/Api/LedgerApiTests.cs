using System.Net;
using System.Text.Json.Nodes;
using Rectification.Storage;
using Rectification.Tests.Infrastructure;

namespace Rectification.Tests.Api;

/// <summary>The ledger list: every summary figure opens as exactly the cases behind it, and the filters, sort and paging hold.</summary>
[Collection(LedgerCollection.Name)]
public sealed class LedgerApiTests(ApiFixture fx) : IAsyncLifetime
{
    private const string Chifeng = "150400000000";
    private static readonly string[] Criteria = ["C1", "C2", "C3", "C4", "C5", "C6", "F1", "F2", "F3", "F4"];
    private static readonly SeedOnce<List<Seeded>> Once = new();
    private static List<Seeded>? _seeded;

    private sealed record Seeded(string Code, string Status, string[] Criteria, string Lagging, bool Assigned, bool Overdue, string? Opened);

    public async Task InitializeAsync() => _seeded = await Once.GetAsync(SeedAsync);

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>Forty cases across Chifeng: imported at various months and statuses, then reported on, resolved and closed through the API.</summary>
    private async Task<List<Seeded>> SeedAsync()
    {
        var rows = RegistryImport.ReadRows();
        var random = new Random(7);
        var villages = rows.Where(r => r.Level == Units.UnitLevel.Village && r.Code.StartsWith("1504", StringComparison.Ordinal))
            .OrderBy(_ => random.Next()).Take(40).Select(r => r.Code).ToList();
        var seeded = new List<Seeded>();
        var file = new List<string?[]>();
        foreach (var v in villages)
        {
            var status = random.Next(10) switch { 0 => "proposed", 1 => "reviewed", _ => "open" };
            var crit = Criteria.OrderBy(_ => random.Next()).Take(random.Next(1, 3)).ToArray();
            var lagging = $"L{random.Next(1, 5)}";
            var assigned = status == "open" && random.Next(2) == 0;
            var opened = status == "open" ? $"2026-{random.Next(6, 12):00}-{random.Next(1, 20):00}" : null;
            var deadline = random.Next(2) == 0 ? "2026-10-31" : "2027-03-31";
            var overdue = status == "open" && deadline == "2026-10-31";
            seeded.Add(new Seeded(v, status, crit, lagging, assigned, overdue, opened));
            file.Add([v, status, string.Join(";", crit), lagging, opened, status == "open" ? "班子软弱" : null, status == "open" ? crit[0] : null,
                status == "open" ? "调整班子；加强培训" : null, status == "open" ? "班子健全" : null, status == "open" ? deadline : null,
                status == "open" ? "镇党委书记" : null, assigned ? "李县长" : null, assigned ? "组织部工作组" : null, assigned ? "县委组织部" : null,
                assigned ? "partyMass" : null, assigned ? "王第一书记" : null, assigned ? opened : null]);
        }
        var headers = new[] { "代码", "状态", "软弱涣散情形", "后进类别", "列入台账日期", "问题", "问题对应情形", "整顿措施", "整顿目标", "完成时限", "责任人",
            "包联县级领导", "工作组", "帮扶部门", "帮扶部门类型", "第一书记", "第一书记选派日期" };
        var response = await fx.Client("150000000000", Role.Admin).Upload("/api/v1/cases/import", ImportFiles.Xlsx(headers, file), "chifeng.xlsx");
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());

        // Monthly reports for some open cases, and a problem resolved by the village and closed by the township.
        foreach (var c in seeded.Where(s => s.Status == "open").Take(12))
        {
            var village = fx.Client(c.Code, Role.Reporter);
            var month = c.Opened![..7];
            await village.Post($"/api/v1/cases/{c.Code}/reports/{month}", new { problemsResolved = 0, measuresDone = 1, fundsYuan = 1000, projects = 1, trainings = 1, newMembers = 0, activists = 1, reserveCadres = 1 });
            await village.Post($"/api/v1/cases/{c.Code}/reports/2026-11", new { problemsResolved = 1, measuresDone = 1, fundsYuan = 500, projects = 0, trainings = 0, newMembers = 1, activists = 0, reserveCadres = 0 });
        }
        var resolved = seeded.Where(s => s.Overdue).Take(3).ToList();
        foreach (var c in resolved)
        {
            Assert.Equal(HttpStatusCode.OK, (await fx.Client(c.Code, Role.Reporter).Post($"/api/v1/cases/{c.Code}/problems/P1/resolve")).Status);
            var township = RegistryImport.ReadRows().First(r => r.Code == c.Code).ParentCode!;
            Assert.Equal(HttpStatusCode.OK, (await fx.Client(township, Role.Reporter).Post($"/api/v1/cases/{c.Code}/problems/P1/close")).Status);
        }
        return seeded.Select(s => resolved.Contains(s) ? s with { Overdue = false } : s).ToList();
    }

    [Fact]
    public async Task Every_figure_drills_through_to_exactly_its_cases_at_every_level_and_period()
    {
        var rows = RegistryImport.ReadRows();
        var village = _seeded!.First(s => s.Status == "open").Code;
        var township = rows.First(r => r.Code == village).ParentCode!;
        var banner = rows.First(r => r.Code == township).ParentCode!;
        var viewer = fx.Client(Chifeng, Role.Viewer);
        var checkedFigures = 0;
        foreach (var unit in new[] { Chifeng, banner, township, village })
        {
            foreach (var period in new[] { "2026-06", "2026-09", "2026-10", "2026-11", "2026-Q3", "2026-Q4" })
            {
                await Eventually.Until(async () =>
                {
                    var summary = (await viewer.Get($"/api/v1/units/{unit}/summary?period={period}")).Body!;
                    foreach (var (figure, value) in CaseFigures(summary))
                    {
                        var (status, list, _) = await viewer.Get($"/api/v1/units/{unit}/cases?figure={figure}&period={period}&limit=500");
                        Assert.Equal(HttpStatusCode.OK, status);
                        if ((long)list!["figure"]!["value"]! != value) return $"{unit} {period} {figure}: summary {value}, list {list["figure"]!["value"]}";
                        var total = (long)list["total"]!;
                        if ((bool)list["figure"]!["countsCases"]! ? total != value : total > value) return $"{unit} {period} {figure}: summary {value}, {total} cases";
                        if (list["items"]!.AsArray().Sum(i => (long)i!["figureValue"]!) != value) return $"{unit} {period} {figure}: rows do not add up";
                    }
                    return "";
                }, difference => difference == "", what: $"{unit} {period}: every figure's list to equal the summary");
                checkedFigures++;
            }
        }
        Assert.Equal(24, checkedFigures);
        // A figure that counts cases really lists them: the active cases of the league are the seeded open ones.
        var (_, active, _) = await viewer.Get($"/api/v1/units/{Chifeng}/cases?figure=cases.active&period=2026-11&limit=500");
        Assert.Equal(_seeded!.Where(s => s.Status == "open").Select(s => s.Code).Order(), active!["items"]!.AsArray().Select(i => (string)i!["code"]!).Order());
    }

    /// <summary>The figures of a summary that count cases, problems or reports, by their flat names, with their values (zeros too).</summary>
    private static IEnumerable<(string Figure, long Value)> CaseFigures(JsonNode summary)
    {
        foreach (var status in summary["cases"]!["byStatus"]!.AsObject()) yield return ($"cases.byStatus.{status.Key}", (long)status.Value!);
        foreach (var name in new[] { "active", "opened", "signedOff", "relapsed" }) yield return ($"cases.{name}", (long)summary["cases"]![name]!);
        foreach (var c in Criteria) yield return ($"byCriterion.{c}", (long?)summary["byCriterion"]![c] ?? 0);
        foreach (var l in new[] { "L1", "L2", "L3", "L4" }) yield return ($"byLaggingCategory.{l}", (long?)summary["byLaggingCategory"]![l] ?? 0);
        foreach (var p in new[] { "open", "resolved", "closed", "archived", "overdue" }) yield return ($"problems.{p}", (long)summary["problems"]![p]!);
        foreach (var f in new[] { "covered", "missing" }) yield return ($"fourOnes.{f}", (long)summary["fourOnes"]![f]!);
        foreach (var r in new[] { "due", "onTime", "late", "missing" }) yield return ($"reports.{r}", (long)summary["reports"]![r]!);
    }

    [Fact]
    public async Task Filters_sort_and_paging_list_what_was_asked()
    {
        var viewer = fx.Client(Chifeng, Role.Viewer);
        async Task<List<JsonNode>> All(string query)
        {
            var (status, body, _) = await viewer.Get($"/api/v1/units/{Chifeng}/cases?{query}&limit=500");
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal((int)body!["total"]!, body["items"]!.AsArray().Count);
            return [.. body["items"]!.AsArray().Select(i => i!)];
        }
        await Eventually.Until(async () => (await All("status=open,proposed,reviewed")).Count, n => n == _seeded!.Count, what: "the read model to hold every seeded case");

        Assert.Equal(_seeded!.Count(s => s.Criteria.Contains("C3")), (await All("criterion=C3")).Count);
        Assert.All(await All("criterion=C3"), r => Assert.Contains("C3", r["criteria"]!.AsArray().Select(c => (string)c!)));
        Assert.Equal(_seeded!.Count(s => s.Lagging == "L2"), (await All("laggingCategory=L2")).Count);
        Assert.Equal(_seeded!.Count(s => s.Lagging == "L2"), (await All("category=L2")).Count);
        Assert.Equal(_seeded!.Count(s => s.Status is "proposed" or "reviewed"), (await All("status=proposed,reviewed")).Count);
        Assert.Equal(_seeded!.Count(s => s.Status == "open" && !s.Assigned), (await All("fourOnes=incomplete&status=open")).Count);
        var overdue = await All("overdue=true");
        Assert.Equal(_seeded!.Where(s => s.Overdue).Select(s => s.Code).Order(), overdue.Select(r => (string)r["code"]!).Order());
        Assert.All(overdue, r => Assert.True((int)r["problems"]!["overdue"]! > 0));
        var gacha = await All("organizationCategory=gacha");
        Assert.All(gacha, r => Assert.Equal("gacha", (string?)r["organizationCategory"]));
        var one = (await All("status=open"))[0];
        var named = await All($"q={Uri.EscapeDataString(((string)one["name"]!)[..2])}");
        Assert.Contains(named, r => (string?)r["code"] == (string?)one["code"]);
        Assert.Empty(await All("q=%25_%25"));
        Assert.NotNull(one["banner"]!["name"]);
        Assert.Null(one["secretary"]);

        // Paging by name, descending: the pages together are the whole list, in order, each row once.
        var seen = new List<JsonNode>();
        string? cursor = null;
        do
        {
            var (_, page, _) = await viewer.Get($"/api/v1/units/{Chifeng}/cases?sort=-name&limit=7" + (cursor is null ? "" : $"&cursor={cursor}"));
            seen.AddRange(page!["items"]!.AsArray().Select(i => i!));
            cursor = (string?)page["nextCursor"];
        } while (cursor is not null);
        Assert.Equal(_seeded!.Count, seen.Count);
        Assert.Equal(seen.Select(r => (string)r["code"]!).Distinct().Count(), seen.Count);
        var names = seen.Select(r => (string)r["name"]!).ToList();
        Assert.Equal(names.OrderDescending(StringComparer.Ordinal), names);
    }

    [Fact]
    public async Task Bad_list_requests_are_refused_with_the_field()
    {
        var viewer = fx.Client(Chifeng, Role.Viewer);
        foreach (var (query, field) in new[]
        {
            ("limit=501", "limit"), ("cursor=%%%", "cursor"), ("figure=cases.everything&period=2026-10", "figure"), ("figure=cases.active", "period"),
            ("status=lost", "status"), ("criterion=Z9", "criterion"), ("laggingCategory=C1", "laggingCategory"), ("overdue=maybe", "overdue"),
            ("sort=size", "sort"), ("period=2026-13&figure=cases.active", "period"), ("format=pdf", "format"), ("fourOnes=half", "fourOnes"),
            ("organizationCategory=moon", "organizationCategory"), ("report=sometimes&period=2026-10", "report"),
        })
        {
            var (status, problem, _) = await viewer.Get($"/api/v1/units/{Chifeng}/cases?{query}");
            Assert.True(status == HttpStatusCode.BadRequest, $"{query}: {status}");
            Assert.True(problem!["errors"]?[field] is not null, $"{query}: {problem.ToJsonString()}");
        }
        Assert.Equal(HttpStatusCode.Forbidden, (await fx.Client("150200000000", Role.Viewer).Get($"/api/v1/units/{Chifeng}/cases")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await viewer.Get("/api/v1/units/150499999999/cases")).Status);
        // The secretary is for reviewers and above.
        var (_, asReviewer, _) = await fx.Client(Chifeng, Role.Reviewer).Get($"/api/v1/units/{Chifeng}/cases?limit=1");
        Assert.NotNull(asReviewer!["items"]![0]!["secretary"]);
    }

    [Fact]
    public async Task The_ledger_exports_every_matching_row_as_csv_and_xlsx()
    {
        var viewer = fx.Client(Chifeng, Role.Reviewer);
        var (_, list, _) = await viewer.Get($"/api/v1/units/{Chifeng}/cases?status=open&limit=500");
        var codes = list!["items"]!.AsArray().Select(i => (string)i!["code"]!).ToList();

        var csv = await viewer.GetByteArrayAsync($"/api/v1/units/{Chifeng}/cases?status=open&format=csv");
        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, csv[..3]);
        var lines = FormFiles.CsvRows(csv);
        Assert.Equal("代码", lines[0][0]);
        Assert.Equal(codes, lines.Skip(1).Select(l => l[0]).ToList());
        Assert.Equal("联系方式", lines[0][^1]);

        var xlsx = await viewer.GetByteArrayAsync($"/api/v1/units/{Chifeng}/cases?status=open&format=xlsx");
        var sheet = FormFiles.XlsxRows(xlsx);
        Assert.Equal("软弱涣散基层党组织整顿台账", sheet[0][0]);
        Assert.StartsWith("填报单位：赤峰市", sheet[1][0]);
        Assert.Equal("代码", sheet[2][0]);
        Assert.Equal(codes, sheet.Skip(3).Select(r => r[0]).ToList());
        Assert.Equal(list["items"]![0]!["name"]!.ToString(), sheet[3][1]);
        Assert.True(FormFiles.FrozenRows(xlsx) == 3, "the header row is frozen");

        // A viewer's export carries no contacts.
        var viewerCsv = FormFiles.CsvRows(await fx.Client(Chifeng, Role.Viewer).GetByteArrayAsync($"/api/v1/units/{Chifeng}/cases?format=csv"));
        Assert.DoesNotContain("联系方式", viewerCsv[0]);
    }
}
