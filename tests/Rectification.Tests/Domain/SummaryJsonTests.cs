using Rectification.Api.Summaries;
using Rectification.Rollup;

namespace Rectification.Tests.Domain;

/// <summary>The derived figures portals show next to the counts: yuan, averages, rates and shares.</summary>
public sealed class SummaryJsonTests
{
    private static System.Text.Json.Nodes.JsonObject Build(params (string Name, long Value)[] figures) =>
        SummaryJson.Build(new SummaryResult("150000000000", "2026-11", DateTimeOffset.UnixEpoch, 7,
            new SortedDictionary<string, long>(figures.ToDictionary(f => f.Name, f => f.Value))));

    [Fact]
    public void Rates_and_shares_are_derived_from_the_counts()
    {
        var body = Build(("organizations.total", 400), ("organizations.rural", 300), ("byLaggingCategory.L1", 30),
            ("reports.due", 40), ("reports.missing", 6), ("reports.pending", 4), ("reports.onTime", 27), ("reports.late", 3),
            ("support.fundsFen", 12345), ("evaluations.count", 3), ("evaluations.scoreSum", 250));
        Assert.Equal(75m, (decimal)body["reports"]!["completenessPercent"]!);   // 30 of 40 owed are in
        Assert.Equal(90m, (decimal)body["reports"]!["timelinessPercent"]!);     // 27 of those 30 on time
        Assert.Equal(7.5m, (decimal)body["shares"]!["byLaggingCategory"]!["L1"]!["ofOrganizations"]!);
        Assert.Equal(10m, (decimal)body["shares"]!["byLaggingCategory"]!["L1"]!["ofRural"]!);
        Assert.Equal(123.45m, (decimal)body["support"]!["fundsYuan"]!);
        Assert.Equal(83.33m, (decimal)body["evaluations"]!["averageScore"]!);
    }

    [Fact]
    public void Nothing_to_divide_by_gives_null_and_every_documented_count_is_present()
    {
        var body = Build();
        Assert.Null(body["reports"]!["completenessPercent"]);
        Assert.Null(body["reports"]!["timelinessPercent"]);
        Assert.Null(body["evaluations"]!["averageScore"]);
        Assert.Null(body["shares"]!["byCriterion"]!["C1"]!["ofRural"]);
        Assert.Equal(0, (long)body["cases"]!["byStatus"]!["acceptanceRequested"]!);
        Assert.Equal(0, (long)body["reports"]!["missing"]!);
        Assert.Equal(0m, (decimal)body["support"]!["fundsYuan"]!);
    }
}
