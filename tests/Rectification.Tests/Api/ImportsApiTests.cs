using System.Net;
using System.Text.Json.Nodes;
using Rectification.Tests.Infrastructure;

namespace Rectification.Tests.Api;

/// <summary>Imports: per-row reports, all or nothing, a second import changes nothing, dry runs, limits, progress, templates.</summary>
[Collection(LedgerCollection.Name)]
public sealed class ImportsApiTests(ApiFixture fx)
{
    private const string Region = "150000000000";
    private const string Wuhai = "150300000000";
    private static readonly string[] UnitHeaders = ["代码", "名称", "层级", "上级代码", "党组织类别", "组织形式", "党员数", "党组织书记", "联系方式"];
    private static readonly string[] CaseHeaders = ["代码", "状态", "软弱涣散情形", "后进类别", "列入台账日期", "问题", "问题对应情形", "整顿措施", "整顿目标", "完成时限", "责任人"];

    private static async Task<JsonNode> Json(HttpResponseMessage r) => JsonNode.Parse(await r.Content.ReadAsStringAsync())!;

    [Fact]
    public async Task Units_import_all_or_nothing_and_a_second_import_changes_nothing()
    {
        var admin = fx.Client(Wuhai, Role.Admin, "admin-wuhai");
        var township = (string)(await admin.Get("/api/v1/units/150302000000/children?limit=1")).Body!["items"]![0]!["code"]!;
        var existing = (string)(await admin.Get($"/api/v1/units/{township}/children?limit=1")).Body!["items"]![0]!["code"]!;
        string?[][] good =
        [
            ["150302000801", "某煤矿党委", "village", "150302000000", "stateOwnedEnterprise", "党委", "120", "赵书记", "0473-1234567"],
            [existing, null, null, null, null, "branch", "23", "钱书记", "13900000000"],
            ["150302000802", "某中学党支部", "village", township, "school", "branch", "15", null, null],
        ];
        string?[][] bad = [good[0], ["150302000803", "某医院党总支", "village", township, "hospital", "党小组", "-5", null, null], good[2]];

        // One bad row: 422 naming each reason, nothing applied.
        var rejected = await admin.Upload("/api/v1/units/import", ImportFiles.Csv(UnitHeaders, bad), "units.csv");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, rejected.StatusCode);
        var report = await Json(rejected);
        Assert.False((bool)report["applied"]!);
        var row3 = report["rows"]!.AsArray().Single(r => (int)r!["row"]! == 3)!;
        Assert.Equal("rejected", (string?)row3["outcome"]);
        Assert.Equal(["form", "members"], row3["reasons"]!.AsArray().Select(r => (string)r!["field"]!).Order());
        Assert.Equal("created", (string?)report["rows"]![0]!["outcome"]);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.Get("/api/v1/units/150302000801")).Status);

        // A dry run of the good file reports what it would do and does nothing.
        var dry = await Json(await admin.Upload("/api/v1/units/import?dryRun=true", ImportFiles.Xlsx(UnitHeaders, good), "units.xlsx"));
        Assert.Equal(["created", "updated", "created"], dry["rows"]!.AsArray().Select(r => (string)r!["outcome"]!));
        Assert.Equal(HttpStatusCode.NotFound, (await admin.Get("/api/v1/units/150302000801")).Status);

        var applied = await admin.Upload("/api/v1/units/import", ImportFiles.Xlsx(UnitHeaders, good), "units.xlsx");
        Assert.Equal(HttpStatusCode.OK, applied.StatusCode);
        Assert.True((bool)(await Json(applied))["applied"]!);
        var (_, mine, _) = await fx.Client(Wuhai, Role.Reviewer).Get("/api/v1/units/150302000801");
        Assert.Equal("committee", (string?)mine!["form"]);
        Assert.Equal("0473-1234567", (string?)mine["secretaryContact"]);
        var (_, updated, _) = await admin.Get($"/api/v1/units/{existing}");
        Assert.Equal(23, (int)updated!["members"]!);
        Assert.Equal(2, (int)updated["version"]!);
        var (_, history, _) = await admin.Get($"/api/v1/units/{existing}/history");
        Assert.Equal("import units.xlsx row 3", (string?)history!["items"]![0]!["source"]);

        var again = await Json(await admin.Upload("/api/v1/units/import", ImportFiles.Csv(UnitHeaders, good), "units-again.csv"));
        Assert.All(again["rows"]!.AsArray(), r => Assert.Equal("unchanged", (string?)r!["outcome"]));
        Assert.Equal(2, (int)(await admin.Get($"/api/v1/units/{existing}")).Body!["version"]!);
    }

    [Fact]
    public async Task Cases_import_through_their_grains_all_or_nothing_and_once()
    {
        var admin = fx.Client(Wuhai, Role.Admin, "admin-wuhai");
        var township = (string)(await admin.Get("/api/v1/units/150303000000/children?limit=1")).Body!["items"]![0]!["code"]!;
        var villages = (await admin.Get($"/api/v1/units/{township}/children?limit=4")).Body!["items"]!.AsArray().Select(i => (string)i!["code"]!).ToList();
        string?[][] good =
        [
            [villages[0], "open", "C1;C4", "L1", "2026-08-03", "书记长期缺职", "C1", "选派书记；配齐班子", "班子健全", "2026-12-31", "镇党委"],
            [villages[0], null, null, null, null, "长期未换届", "C4", "年内完成换届", "完成换届", "2026-10-31", "镇党委"],
            [villages[1], "proposed", "F3", "L2", null, null, null, null, null, null, null],
            [villages[2], "初评", "C6", "L4", null, null, null, null, null, null, null],
        ];
        string?[][] bad = [good[0], good[1], [villages[1], "open", "C1", "L9", "2026-13-01", null, null, null, null, null, null], good[3]];

        var rejected = await admin.Upload("/api/v1/cases/import", ImportFiles.Csv(CaseHeaders, bad), "cases.csv");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, rejected.StatusCode);
        var report = await Json(rejected);
        Assert.Equal(["laggingCategories", "openedOn"], report["rows"]![2]!["reasons"]!.AsArray().Select(r => (string)r!["field"]!).Order());
        Assert.Equal("normal", await CaseStatus(admin, villages[0]));
        Assert.Equal("normal", await CaseStatus(admin, villages[2]));

        var dry = await Json(await admin.Upload("/api/v1/cases/import?dryRun=true", ImportFiles.Xlsx(CaseHeaders, good), "cases.xlsx"));
        Assert.Equal(4, (int)dry["counts"]!["created"]!);
        Assert.Equal("normal", await CaseStatus(admin, villages[0]));

        var applied = await admin.Upload("/api/v1/cases/import", ImportFiles.Xlsx(CaseHeaders, good), "cases.xlsx");
        Assert.Equal(HttpStatusCode.OK, applied.StatusCode);
        var (_, opened, _) = await admin.Get($"/api/v1/cases/{villages[0]}");
        Assert.Equal("open", (string?)opened!["status"]);
        Assert.Equal(2, opened["plan"]!["problems"]!.AsArray().Count);
        var entry = (await admin.Get($"/api/v1/cases/{villages[0]}/history")).Body!["items"]!.AsArray().Single()!;
        Assert.Equal("import", (string?)entry["command"]);
        Assert.Equal("admin-wuhai", (string?)entry["by"]);
        Assert.Equal("cases.xlsx row 2–3", (string?)entry["note"]);
        Assert.Equal("proposed", await CaseStatus(admin, villages[2]));

        // Every roll-up follows: Wuhai's September counts the case opened in August.
        var summary = await Eventually.Until(async () => (await admin.Get($"/api/v1/units/{Wuhai}/summary?period=2026-09")).Body!,
            b => (long?)b["byCriterion"]!["C4"] == 1, what: "Wuhai to count the imported case");
        Assert.Equal(1, (long)summary["cases"]!["active"]!);
        Assert.Equal(2, (long)summary["problems"]!["open"]!);
        Assert.Equal(1, (long)(await admin.Get($"/api/v1/units/{Wuhai}/summary?period=2026-11")).Body!["problems"]!["overdue"]!);

        var again = await admin.Upload("/api/v1/cases/import", ImportFiles.Csv(CaseHeaders, good), "cases-again.csv");
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.All((await Json(again))["rows"]!.AsArray(), r => Assert.Equal("unchanged", (string?)r!["outcome"]));
        Assert.Single((await admin.Get($"/api/v1/cases/{villages[0]}/history")).Body!["items"]!.AsArray());

        // A case under way here is not overwritten by a different import.
        var conflict = await admin.Upload("/api/v1/cases/import", ImportFiles.Csv(CaseHeaders, [[villages[0], "open", "C2", "L1", "2026-08-03"]]), "other.csv");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, conflict.StatusCode);
        Assert.Equal("lifecycle", (string?)(await Json(conflict))["rows"]![0]!["reasons"]![0]!["field"]);
    }

    private static async Task<string> CaseStatus(HttpClient client, string code) => (string)(await client.Get($"/api/v1/cases/{code}")).Body!["status"]!;

    [Fact]
    public async Task Imports_refuse_what_they_cannot_take()
    {
        var reviewer = fx.Client(Wuhai, Role.Reviewer);
        var file = ImportFiles.Csv(CaseHeaders, [["150302001001", "open", "C1", "L1", "2026-08-03"]]);
        Assert.Equal(HttpStatusCode.Forbidden, (await reviewer.Upload("/api/v1/cases/import", file, "x.csv")).StatusCode);
        var admin = fx.Client(Wuhai, Role.Admin);
        // Outside the caller's subtree: the row is rejected.
        var outside = await admin.Upload("/api/v1/cases/import", ImportFiles.Csv(CaseHeaders, [["150102001001", "open", "C1", "L1", "2026-08-03"]]), "x.csv");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, outside.StatusCode);
        var unknown = await admin.Upload("/api/v1/cases/import", ImportFiles.Csv(["代码", "颜色"], [["150302001001", "red"]]), "x.csv");
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Contains("颜色", (string?)(await Json(unknown))["errors"]!["file"]![0]);
        var garbage = await admin.Upload("/api/v1/cases/import", [0x50, 0x4B, 0x03, 0x04, 1, 2, 3], "x.xlsx");
        Assert.Equal(HttpStatusCode.BadRequest, garbage.StatusCode);
        var small = fx.WithSettings(new() { ["Limits:MaxImportBytes"] = "2000" });
        var big = ImportFiles.Csv(CaseHeaders, Enumerable.Range(0, 100).Select(i => new[] { "150302001001", "open", "C1", "L1", "2026-08-03", new string('x', 30) }));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await fx.Client(small, Wuhai, Role.Admin).Upload("/api/v1/cases/import", big, "big.csv")).StatusCode);
    }

    [Fact]
    public async Task Progress_streams_and_templates_download()
    {
        var admin = fx.Client(Wuhai, Role.Admin);
        var township = (string)(await admin.Get("/api/v1/units/150304000000/children?limit=1")).Body!["items"]![0]!["code"]!;
        var villages = (await admin.Get($"/api/v1/units/{township}/children?limit=3")).Body!["items"]!.AsArray().Select(i => (string)i!["code"]!).ToList();
        var file = ImportFiles.Csv(CaseHeaders, villages.Select(v => new[] { v, "reviewed", "C2", "L3" }));
        var response = await admin.Upload("/api/v1/cases/import", file, "stream.csv", accept: "application/x-ndjson");
        Assert.Equal("application/x-ndjson", response.Content.Headers.ContentType!.MediaType);
        var lines = (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!).ToList();
        Assert.True(lines.Any(l => (string?)l["phase"] == "checking" && (int)l["processed"]! == villages.Count), string.Join("\n", lines.Select(l => l.ToJsonString())));
        Assert.Equal("done", (string?)lines[^1]["phase"]);
        Assert.Equal(villages.Count, (int)lines[^1]["report"]!["counts"]!["created"]!);

        var xlsx = await admin.GetByteArrayAsync("/api/v1/cases/import/template?format=xlsx");
        Assert.Equal("代码", FormFiles.XlsxRows(xlsx)[0][0]);
        var csv = FormFiles.CsvRows(await admin.GetByteArrayAsync("/api/v1/units/import/template?format=csv"));
        Assert.Equal(["代码", "名称", "层级", "上级代码"], csv[0].Take(4));
        // The template's own example reads back as an import (here a dry run: its code is made up).
        var check = await Json(await admin.Upload("/api/v1/units/import?dryRun=true", await admin.GetByteArrayAsync("/api/v1/units/import/template"), "template.xlsx"));
        Assert.Equal("rejected", (string?)check["rows"]![0]!["outcome"]);
        Assert.Equal("code", (string?)check["rows"]![0]!["reasons"]![0]!["field"]);
    }
}
