using Rectification.Areas;
using Rectification.Cases;
using Rectification.Periods;
using Rectification.Tests.Infrastructure;
using Rectification.Units;
using static Rectification.Tests.Infrastructure.CaseScript;

namespace Rectification.Tests.Grains;

[CollectionDefinition(Name)]
public sealed class SeedCollection : ICollectionFixture<SeedClusterFixture>
{
    public const string Name = "seed";
}

/// <summary>The seed's figures (1,129 lagging: 321 weak and lax, 90 chaotic, 560 backward, 158 conflicts) printed as a roll-up.</summary>
[Collection(SeedCollection.Name)]
public sealed class SeedFiguresTests(SeedClusterFixture fx)
{
    [Fact]
    public async Task The_region_shows_the_seed_figures_and_its_leagues_sum_to_them()
    {
        var rural = Storage.RegistryImport.ReadRows().Where(r => r.Level == UnitLevel.Village && VillageCategory.IsRural(r.Category)).ToList();
        // Spread across the whole region: every k-th rural organization.
        var lagging = rural.Where((_, i) => i % 9 == 0).Take(1129).Select(r => r.Code).ToArray();
        Assert.Equal(1129, lagging.Length);
        var category = lagging.Select((code, i) => (code, cat: i < 321 ? "L1" : i < 411 ? "L2" : i < 971 ? "L3" : "L4")).ToArray();

        await Parallel.ForEachAsync(category, new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (x, _) =>
        {
            var grain = fx.Client.GetGrain<IVillageGrain>(x.code);
            foreach (var (command, actor) in ToOpen("C1").Select(s => s.Command is Propose p ? (p with { Categories = [x.cat] }, s.Actor) : s))
            {
                Assert.Equal(CaseOutcome.Accepted, (await grain.ExecuteAsync(command, actor, new CommandConditions())).Outcome);
            }
        });

        var november = Period.Parse("2026-11");
        var region = fx.Client.GetGrain<IAreaGrain>("150000000000");
        var summary = await Eventually.Until(() => region.GetSummaryAsync(november), s => s.Figures.GetValueOrDefault("cases.active") == 1129,
            TimeSpan.FromSeconds(30), "the region to count 1,129 active cases");
        Assert.Equal(321, summary.Figures["byLaggingCategory.L1"]);
        Assert.Equal(90, summary.Figures["byLaggingCategory.L2"]);
        Assert.Equal(560, summary.Figures["byLaggingCategory.L3"]);
        Assert.Equal(158, summary.Figures["byLaggingCategory.L4"]);
        Assert.Equal(rural.Count, summary.Figures["organizations.rural"]);
        Assert.Equal(1129, summary.Figures["cases.opened"]);

        var leagues = await region.GetChildSummariesAsync(november);
        Assert.Equal(12, leagues.Length);
        foreach (var figure in new[] { "cases.active", "byLaggingCategory.L1", "byLaggingCategory.L2", "byLaggingCategory.L3", "byLaggingCategory.L4", "organizations.rural" })
        {
            Assert.Equal(summary.Figures[figure], leagues.Sum(l => l.Figures.GetValueOrDefault(figure)));
        }
        foreach (var league in leagues)
        {
            var own = await fx.Client.GetGrain<IAreaGrain>(league.Unit).GetSummaryAsync(november);
            Assert.Equal(league.Figures, own.Figures);
        }
    }
}
