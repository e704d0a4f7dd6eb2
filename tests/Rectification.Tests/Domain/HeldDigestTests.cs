using System.Text.Json;
using Rectification.Areas;
using Rectification.Cases;
using Rectification.Periods;
using Rectification.Rollup;
using Rectification.Villages;
using static Rectification.Tests.Infrastructure.CaseScript;

namespace Rectification.Tests.Domain;

/// <summary>A parent holds its children's digests flat: the same figures, stored in the same shape.</summary>
public sealed class HeldDigestTests
{
    private static readonly DuePolicy Policy = new();
    private static readonly DateTimeOffset Opened = new(2026, 10, 5, 2, 0, 0, TimeSpan.Zero);

    private static Digest ReportedCase()
    {
        var s = ToOpen("C1").Aggregate(new CaseState { Code = "150102001001" }, (s, x) => ((Accepted)CaseRules.Decide(s, x.Command, x.Actor, Opened, Policy)).State);
        s = ((Accepted)CaseRules.Decide(s, new SubmitMonthlyReport(Period.Parse("2026-10"), new ReportFigures(0, 1, 250.75m, 1, 0, 1, 2, 3, null)),
            VillageReporter, Opened.AddDays(15), Policy)).State;
        return DigestBuilder.From(s, Policy) with { Settled = false };
    }

    private static void AssertSame(Digest expected, Digest actual)
    {
        Assert.Equal(expected.Version, actual.Version);
        Assert.Equal(expected.Settled, actual.Settled);
        Assert.Equal(expected.Counters.OrderBy(c => c.Key).Select(c => (c.Key, c.Value.OrderBy(d => d.Key).ToArray())),
            actual.Counters.OrderBy(c => c.Key).Select(c => (c.Key, c.Value.OrderBy(d => d.Key).ToArray())));
    }

    [Fact]
    public void Holding_a_digest_flat_keeps_every_figure_its_version_and_its_settledness()
    {
        var digest = ReportedCase();
        Assert.True(digest.Counters.Count > 10);
        AssertSame(digest, HeldDigest.Of(digest).ToDigest());
    }

    [Fact]
    public void A_held_digest_adds_to_a_sum_and_takes_away_from_it_like_the_digest()
    {
        var digest = ReportedCase();
        var sum = new Counters();
        sum.Add(HeldDigest.Of(digest));
        AssertSame(digest with { Settled = true }, sum.ToDigest(digest.Version));
        sum.Add(digest, -1);
        Assert.Empty(sum.Values);
    }

    [Fact]
    public void An_area_state_is_stored_as_before_and_one_stored_before_reads_back()
    {
        var digest = ReportedCase();
        var options = new JsonSerializerOptions();
        // What an area's state looked like when it held digests as they came.
        var before = JsonSerializer.Serialize(new { Children = new Dictionary<string, Digest> { ["150102001001"] = digest }, Retired = 3L }, options);

        var read = JsonSerializer.Deserialize<AreaRollupState>(before, options)!;
        Assert.Equal(3, read.Retired);
        AssertSame(digest, read.Children["150102001001"].ToDigest());
        Assert.Equal(before, JsonSerializer.Serialize(read, options));
    }
}
