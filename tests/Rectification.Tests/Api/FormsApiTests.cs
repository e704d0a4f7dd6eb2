using System.Net;
using System.Text.Json.Nodes;
using Rectification.Tests.Infrastructure;

namespace Rectification.Tests.Api;

/// <summary>The three forms of seed 004: their figures equal the summary's, and xlsx and csv read back cell by cell.</summary>
[Collection(LedgerCollection.Name)]
public sealed class FormsApiTests(ApiFixture fx)
{
    private const string Baotou = "150200000000";
    private const string Kundulun = "150203000000";

    /// <summary>Cases and profiles in Baotou's Kundulun district, through the API.</summary>
    private async Task<List<string>> SeedAsync()
    {
        var admin = fx.Client(Baotou, Role.Admin, "admin-baotou");
        var (_, townships, _) = await admin.Get($"/api/v1/units/{Kundulun}/children?limit=500");
        var villages = new List<string>();
        foreach (var t in townships!["items"]!.AsArray().Take(3))
        {
            var (_, children, _) = await admin.Get($"/api/v1/units/{(string)t!["code"]!}/children?limit=500");
            villages.AddRange(children!["items"]!.AsArray().Take(4).Select(c => (string)c!["code"]!));
        }
        // Forms and members for every organization in the township set, secretaries for some, two difficult elections.
        for (var i = 0; i < villages.Count; i++)
        {
            var (_, unit, _) = await admin.Get($"/api/v1/units/{villages[i]}");
            var body = new
            {
                name = (string)unit!["name"]!, parentCode = (string)unit["parentCode"]!, category = (string)unit["category"]!,
                form = (i % 3) switch { 0 => "committee", 1 => "generalBranch", _ => "branch" }, members = 10 + i,
                secretaryName = $"书记{i}", secretaryContact = $"1380000{i:0000}",
                election = i < 2 ? new { difficult = true, difficultReason = (string?)"宗族势力干扰" } : new { difficult = false, difficultReason = (string?)null },
            };
            var (status, _, _) = await admin.Put($"/api/v1/units/{villages[i]}", body, r => r.Headers.IfMatch.ParseAdd($"\"{(int)unit["version"]!}\""));
            Assert.True(status is HttpStatusCode.OK, $"{villages[i]}: {status}");
        }
        var file = ImportFiles.Csv(["代码", "状态", "软弱涣散情形", "后进类别", "列入台账日期", "问题", "整顿措施", "完成时限", "整顿目标", "责任人"],
            villages.Skip(1).Take(7).Select((v, i) => new[] { v, "open", i % 2 == 0 ? "C1;C4" : "C2", "L1", "2026-10-08", $"问题{i}", "选好书记；配强班子", "2027-06-30", "达标", "街道党工委" }));
        var import = await fx.Client("150000000000", Role.Admin).Upload("/api/v1/cases/import", file, "baotou.csv");
        Assert.True(import.StatusCode == HttpStatusCode.OK, await import.Content.ReadAsStringAsync());
        return villages;
    }

    [Fact]
    public async Task The_summary_table_equals_the_summary_and_reads_back_cell_by_cell()
    {
        var villages = await SeedAsync();
        var reviewer = fx.Client(Kundulun, Role.Reviewer);
        foreach (var period in new[] { "2026-10", "2026-11", "2026-Q4" })
        {
            var summary = await Eventually.Until(async () => (await reviewer.Get($"/api/v1/units/{Kundulun}/summary?period={period}")).Body!,
                b => (long)b["cases"]!["active"]! >= 7, what: "the district to count the imported cases");
            var table = await Eventually.Until(async () => (await reviewer.Get($"/api/v1/units/{Kundulun}/reports/summary-table?period={period}")).Body!,
                t => (long)t["weak"]!["count"]! == (long)summary["cases"]!["active"]!, what: "the table to read the same cases");
            Assert.Equal((long)summary["organizations"]!["total"]!, (long)table["organizations"]!["total"]!);
            foreach (var standard in table["standards"]!.AsArray())
            {
                var code = (string)standard!["code"]!;
                Assert.Equal((long?)summary["byCriterion"]![code] ?? 0, (long)standard["count"]!);
                var expected = Math.Round((long)standard["count"]! * 100m / (long)table["weak"]!["count"]!, 2, MidpointRounding.AwayFromZero);
                Assert.Equal(expected, (decimal)standard["percentOfWeak"]!);
            }
            Assert.Equal(4, (long)table["standards"]![0]!["count"]!);   // C1 on four of the seven
            Assert.Equal((villages.Count + 2) / 3, (long)table["organizations"]!["committee"]!);

            var xlsx = await reviewer.GetByteArrayAsync($"/api/v1/units/{Kundulun}/reports/summary-table?period={period}&format=xlsx");
            var sheet = FormFiles.XlsxRows(xlsx);
            Assert.Equal("软弱涣散基层党组织情况汇总表", sheet[0][0]);
            Assert.Contains("填报单位：昆都仑区", sheet[1][0]);
            Assert.Contains("党组织类别：全部", sheet[1][0]);
            Assert.Equal(["项目", "数量（个）", "占所辖基层党组织总数比例（%）", "占软弱涣散基层党组织总数比例（%）"], sheet[2]);
            Assert.Equal(3, FormFiles.FrozenRows(xlsx));
            Assert.Equal([46d, 12d, 30d, 32d], FormFiles.ColumnWidths(xlsx).Take(4).Select(Math.Floor));   // Excel adds its padding
            var csv = FormFiles.CsvRows(await reviewer.GetByteArrayAsync($"/api/v1/units/{Kundulun}/reports/summary-table?period={period}&format=csv"));
            Assert.Equal(sheet.Skip(2).Select(r => r.Take(4).ToArray()), csv.Select(r => r.Take(4).ToArray()));
            AssertRow(sheet[3], "所辖基层党组织", table["organizations"]!["total"], null, null);
            AssertRow(sheet[4], "其中：党委", table["organizations"]!["committee"], table["organizations"]!["committeePercent"], null);
            AssertRow(sheet[7], "软弱涣散基层党组织", table["weak"]!["count"], table["weak"]!["percentOfAll"], null);
            for (var i = 0; i < 6; i++)
            {
                var s = table["standards"]![i]!;
                AssertRow(sheet[8 + i], $"（{i + 1}）{(string)s["name"]!}", s["count"], s["percentOfAll"], s["percentOfWeak"]);
            }
        }
        // A category narrows the table to that kind of organization.
        var (_, rural, _) = await reviewer.Get($"/api/v1/units/{Kundulun}/reports/summary-table?period=2026-11&category=nonPublicEnterprise");
        Assert.Equal(0, (long)rural!["organizations"]!["total"]!);
        Assert.Equal(HttpStatusCode.BadRequest, (await reviewer.Get($"/api/v1/units/{Kundulun}/reports/summary-table?category=moon")).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await reviewer.Get($"/api/v1/units/{Kundulun}/reports/summary-table?format=doc")).Status);
        Assert.Equal(HttpStatusCode.Forbidden, (await fx.Client("150100000000", Role.Viewer).Get($"/api/v1/units/{Kundulun}/reports/summary-table")).Status);
    }

    private static void AssertRow(string[] row, string item, JsonNode? count, JsonNode? ofAll, JsonNode? ofWeak)
    {
        Assert.Equal(item, row[0]);
        Assert.Equal(count!.ToString(), row[1]);
        Assert.Equal(ofAll is null ? "——" : ((decimal)ofAll).ToString(System.Globalization.CultureInfo.InvariantCulture), row[2]);
        Assert.Equal(ofWeak is null ? "——" : ((decimal)ofWeak).ToString(System.Globalization.CultureInfo.InvariantCulture), row[3]);
    }

    [Fact]
    public async Task The_weak_organization_and_difficult_election_lists_carry_their_cases_and_contacts_for_reviewers()
    {
        var villages = await SeedAsync();
        var reviewer = fx.Client(Kundulun, Role.Reviewer);
        var summary = await Eventually.Until(async () => (await reviewer.Get($"/api/v1/units/{Kundulun}/summary?period=2026-11")).Body!,
            b => (long)b["cases"]!["active"]! >= 7, what: "the district to count the imported cases");
        var weak = await Eventually.Until(async () => (await reviewer.Get($"/api/v1/units/{Kundulun}/reports/weak-organizations?period=2026-11")).Body!,
            w => (long)w["total"]! == (long)summary["cases"]!["active"]!, what: "the list to hold the active cases");
        var first = weak["items"]!.AsArray().First(i => (string?)i!["code"] == villages[1])!;
        Assert.Equal("问题0", (string?)first["mainProblems"]);
        Assert.Equal("书记1", (string?)first["secretaryName"]);
        Assert.Equal("13800000001", (string?)first["secretaryContact"]);
        var sheet = FormFiles.XlsxRows(await reviewer.GetByteArrayAsync($"/api/v1/units/{Kundulun}/reports/weak-organizations?period=2026-11&format=xlsx"));
        Assert.Equal("软弱涣散基层党组织简要情况一览表", sheet[0][0]);
        Assert.Equal(["序号", "软弱涣散基层党组织名称", "党员数", "主要问题", "党组织书记姓名", "党组织书记联系方式"], sheet[2]);
        Assert.Equal((int)(long)weak["total"]!, sheet.Count - 3);

        var (_, difficult, _) = await reviewer.Get($"/api/v1/units/{Kundulun}/reports/difficult-elections?period=2026-11");
        var items = difficult!["items"]!.AsArray();
        Assert.Equal(villages.Take(2), items.Select(i => (string)i!["code"]!));
        Assert.Equal("宗族势力干扰", (string?)items[0]!["mainProblems"]);     // no case: the reason stands for its problems
        Assert.Equal("问题0", (string?)items[1]!["mainProblems"]);            // a case: its plan's problems and measures
        Assert.Equal("选好书记；配强班子", (string?)items[1]!["measures"]);
        var csv = FormFiles.CsvRows(await reviewer.GetByteArrayAsync($"/api/v1/units/{Kundulun}/reports/difficult-elections?format=csv"));
        Assert.Equal(["序号", "村党组织名称", "党员数", "主要问题", "整顿措施", "换届选举完成时间", "党组织书记姓名", "党组织书记联系方式"], csv[0]);
        Assert.Equal("13800000000", csv[1][7]);
        // A viewer gets the same lists without the personal data.
        var (_, asViewer, _) = await fx.Client(Kundulun, Role.Viewer).Get($"/api/v1/units/{Kundulun}/reports/difficult-elections");
        Assert.Null(asViewer!["items"]![0]!["secretaryContact"]);
    }
}
