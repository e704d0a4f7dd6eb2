using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using Rectification.Storage;
using Rectification.Tests.Infrastructure;
using Rectification.Units;
using Xunit.Abstractions;

namespace Rectification.Tests.EndToEnd;

/// <summary>
/// The seed's distribution (seed 000: 1,129 lagging gacha-villages, 321 organizationally weak, 90 with
/// chaotic finances, 560 economically backward, 158 with prominent conflicts) imported from one
/// generated xlsx; the region's summary then shows exactly those figures, and the ledger lists them.
/// </summary>
[Collection(SeedImportCollection.Name)]
public sealed class SeedImportTests(ApiFixture fx, ITestOutputHelper output)
{
    [Fact]
    public async Task The_seeds_1129_lagging_villages_import_from_xlsx_and_the_region_shows_exactly_them()
    {
        var random = new Random(2026);
        var villages = RegistryImport.ReadRows()
            .Where(r => r.Level == UnitLevel.Village && VillageCategory.IsRural(r.Category))
            .OrderBy(_ => random.Next()).Take(1129).Select(r => r.Code).ToList();
        var lagging = Enumerable.Repeat("L1", 321).Concat(Enumerable.Repeat("L2", 90)).Concat(Enumerable.Repeat("L3", 560)).Concat(Enumerable.Repeat("L4", 158)).ToList();
        string[] criteria = ["C1", "C2", "C3", "C4", "C5", "C6"];
        var rows = villages.Select((v, i) => new[]
        {
            v, "open", criteria[i % 6], lagging[i], $"2026-{3 + i % 8:00}-{1 + i % 27:00}", "班子建设薄弱", criteria[i % 6], "调整充实班子", "班子坚强有力", "2026-12-31", "苏木乡镇党委",
        }).ToList();
        var xlsx = ImportFiles.Xlsx(["代码", "状态", "软弱涣散情形", "后进类别", "列入台账日期", "问题", "问题对应情形", "整顿措施", "整顿目标", "完成时限", "责任人"], rows);

        var admin = fx.Client("150000000000", Role.Admin, "admin-region");
        var watch = Stopwatch.StartNew();
        var response = await admin.Upload("/api/v1/cases/import", xlsx, "seed-000.xlsx", accept: "application/x-ndjson");
        var lines = (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!).ToList();
        watch.Stop();
        output.WriteLine($"imported 1,129 cases in {watch.Elapsed.TotalSeconds:F1} s, {lines.Count} progress lines");
        var report = lines[^1]["report"]!;
        Assert.True((bool)report["applied"]!, report.ToJsonString()[..Math.Min(2000, report.ToJsonString().Length)]);
        Assert.Equal(1129, (int)report["counts"]!["created"]!);
        Assert.Contains(lines, l => (string?)l["phase"] == "applying" && (int)l["processed"]! == 1129);

        var period = DateTime.UtcNow.AddHours(8).ToString("yyyy-MM");
        var summary = await Eventually.Until(async () => (await admin.Get($"/api/v1/units/150000000000/summary?period={period}")).Body!,
            b => (long)b["cases"]!["active"]! == 1129, TimeSpan.FromSeconds(60), "the region to count every imported case");
        Assert.Equal(321, (long)summary["byLaggingCategory"]!["L1"]!);
        Assert.Equal(90, (long)summary["byLaggingCategory"]!["L2"]!);
        Assert.Equal(560, (long)summary["byLaggingCategory"]!["L3"]!);
        Assert.Equal(158, (long)summary["byLaggingCategory"]!["L4"]!);
        Assert.Equal(1129, (long)summary["fourOnes"]!["missing"]!);
        Assert.Equal(1129, (long)summary["problems"]!["open"]!);

        // The ledger lists them, and each lagging category's drill-through equals its figure.
        var (_, list, _) = await Eventually.Until(() => admin.Get($"/api/v1/units/150000000000/cases?figure=byLaggingCategory.L3&period={period}&limit=1"),
            l => (long?)l.Body?["total"] == 560, what: "the read model to hold the import");
        Assert.Equal(560, (long)list!["figure"]!["value"]!);
        var (_, all, _) = await admin.Get("/api/v1/units/150000000000/cases?status=open&limit=1");
        Assert.Equal(1129, (int)all!["total"]!);

        // The same file again changes nothing.
        var again = await admin.Upload("/api/v1/cases/import", xlsx, "seed-000.xlsx");
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Equal(1129, (int)JsonNode.Parse(await again.Content.ReadAsStringAsync())!["counts"]!["unchanged"]!);
    }
}
