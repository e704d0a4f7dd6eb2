using System.Text.Json;
using Rectification.Areas;
using Rectification.Cases;
using Rectification.Periods;
using Rectification.Rollup;
using Rectification.Villages;
using static Rectification.Tests.Infrastructure.CaseScript;

namespace Rectification.Tests.Domain;

/// <summary>A period's figures are as of that period, and summing digests is summing summaries.</summary>
public sealed class RollupTests
{
    private static readonly DuePolicy Policy = new();
    private static DateTimeOffset At(int year, int month, int day) => new(year, month, day, 2, 0, 0, TimeSpan.Zero);
    private static DateOnly Day(int year, int month, int day) => new(year, month, day);

    private static CaseState Step(CaseState s, CaseCommand c, Actor a, DateTimeOffset now) =>
        ((Accepted)CaseRules.Decide(s, c, a, now, Policy)).State;

    private static CaseState OpenedOn(DateTimeOffset at, string criterion = "C1") =>
        ToOpen(criterion).Aggregate(new CaseState { Code = "150102001001" }, (s, x) => Step(s, x.Command, x.Actor, at));

    private static SortedDictionary<string, long> Figures(CaseState s, string period, DateOnly today) =>
        SummaryEvaluator.Evaluate(DigestBuilder.From(s, Policy).Counters, Period.Parse(period), today, Policy);

    [Fact]
    public void A_case_opened_in_November_is_not_in_October_and_one_signed_off_in_December_is_open_in_November()
    {
        var s = OpenedOn(At(2026, 11, 10));
        s = Step(s, new SetPlan([Problem]), TownshipReporter, At(2026, 11, 11));
        s = Step(s, new ChangeProblem("P1", ProblemAction.Resolve), VillageReporter, At(2026, 12, 1));
        s = Step(s, new ChangeProblem("P1", ProblemAction.Close), TownshipReporter, At(2026, 12, 2));
        s = Step(s, new ApplyForAcceptance(null), TownshipReporter, At(2026, 12, 3));
        s = Step(s, new DecideAcceptance(true, 90, null), BannerReviewer, At(2026, 12, 20));
        var today = Day(2027, 2, 1);

        Assert.DoesNotContain(Figures(s, "2026-10", today), f => f.Key.StartsWith("cases."));
        var november = Figures(s, "2026-11", today);
        Assert.Equal(1, november["cases.active"]);
        Assert.Equal(1, november["cases.opened"]);
        Assert.Equal(1, november["cases.byStatus.open"]);
        Assert.Equal(1, november["byCriterion.C1"]);
        Assert.Equal(1, november["problems.open"]);
        Assert.False(november.ContainsKey("cases.signedOff"));
        var december = Figures(s, "2026-12", today);
        Assert.False(december.ContainsKey("cases.active"));
        Assert.Equal(1, december["cases.signedOff"]);
        Assert.Equal(1, december["cases.byStatus.signedOff"]);
        Assert.Equal(1, december["problems.closed"]);
        var q4 = Figures(s, "2026-Q4", today);
        Assert.Equal(1, q4["cases.opened"]);
        Assert.Equal(1, q4["cases.signedOff"]);
    }

    [Fact]
    public void A_new_month_holds_every_open_case_and_reports_fall_due_by_the_calendar_alone()
    {
        var s = OpenedOn(At(2026, 10, 5));
        s = Step(s, new SubmitMonthlyReport(Period.Parse("2026-10"), new ReportFigures(0, 1, 250.75m, 1, 0, 1, 2, 3, null)), VillageReporter, At(2026, 10, 20));

        // No write after October 20: November still shows the case, and its report is pending, then missing.
        var early = Figures(s, "2026-11", Day(2026, 11, 1));
        Assert.Equal(1, early["cases.active"]);
        Assert.Equal(1, early["reports.due"]);
        Assert.Equal(1, early["reports.pending"]);
        Assert.False(early.ContainsKey("reports.missing"));
        var late = Figures(s, "2026-11", Day(2026, 11, 26));
        Assert.Equal(1, late["reports.missing"]);

        var october = Figures(s, "2026-10", Day(2026, 11, 26));
        Assert.Equal(1, october["reports.onTime"]);
        Assert.False(october.ContainsKey("reports.missing"));
        Assert.Equal(25075, october["support.fundsFen"]);
        Assert.Equal(3, october["support.reserveCadres"]);
        // A past period does not change when later ones do.
        Assert.Equal(october, Figures(Step(s, new SetPlan([Problem]), TownshipReporter, At(2026, 11, 27)), "2026-10", Day(2026, 11, 27)));
    }

    [Fact]
    public void Overdue_problems_count_from_the_day_after_the_deadline_until_closed()
    {
        var s = OpenedOn(At(2026, 10, 5));
        s = Step(s, new SetPlan([Problem with { Deadline = new DateOnly(2026, 10, 31) }]), TownshipReporter, At(2026, 10, 6));
        Assert.False(Figures(s, "2026-10", Day(2026, 12, 1)).ContainsKey("problems.overdue"));
        Assert.Equal(1, Figures(s, "2026-11", Day(2026, 12, 1))["problems.overdue"]);
        s = Step(s, new ChangeProblem("P1", ProblemAction.Resolve), VillageReporter, At(2026, 12, 2));
        s = Step(s, new ChangeProblem("P1", ProblemAction.Close), TownshipReporter, At(2026, 12, 3));
        Assert.False(Figures(s, "2026-12", Day(2026, 12, 10)).ContainsKey("problems.overdue"));
        Assert.Equal(1, Figures(s, "2026-11", Day(2026, 12, 10))["problems.overdue"]);
    }

    [Fact]
    public void Relapse_and_evaluations_land_in_their_periods()
    {
        var s = OpenedOn(At(2026, 1, 5));
        s = Step(s, new SetPlan([Problem]), TownshipReporter, At(2026, 1, 6));
        s = Step(s, new SubmitEvaluation(Period.Parse("2026-Q1"), 70, 2, 5, null), BannerReviewer, At(2026, 3, 30));
        s = Step(s, new ChangeProblem("P1", ProblemAction.Resolve), VillageReporter, At(2026, 4, 1));
        s = Step(s, new ChangeProblem("P1", ProblemAction.Close), TownshipReporter, At(2026, 4, 2));
        s = Step(s, new ApplyForAcceptance(null), TownshipReporter, At(2026, 4, 3));
        s = Step(s, new DecideAcceptance(true, 88, null), BannerReviewer, At(2026, 4, 10));
        s = Step(s, new Relapse(["C3"], "again"), BannerReviewer, At(2026, 6, 1));
        var today = Day(2026, 7, 1);
        var q1 = Figures(s, "2026-Q1", today);
        Assert.Equal(1, q1["evaluations.count"]);
        Assert.Equal(70, q1["evaluations.scoreSum"]);
        Assert.Equal(1, q1["byCriterion.C1"]);
        var june = Figures(s, "2026-06", today);
        Assert.Equal(1, june["cases.relapsed"]);
        Assert.Equal(1, june["byCriterion.C3"]);
        Assert.False(june.ContainsKey("byCriterion.C1"));
        Assert.False(Figures(s, "2026-05", today).ContainsKey("cases.active"));
    }

    [Fact]
    public void The_sum_of_digests_evaluates_to_the_sum_of_summaries()
    {
        var cases = new[]
        {
            OpenedOn(At(2026, 10, 5), "C1"),
            Step(OpenedOn(At(2026, 11, 3), "C2"), new SubmitMonthlyReport(Period.Parse("2026-11"), new ReportFigures(1, 1, 10m, 0, 0, 0, 0, 0, null)), VillageReporter, At(2026, 11, 30)),
            Step(new CaseState(), new RecordFinding(FindingSource.SelfCheck, ["C4"], null), VillageReporter, At(2026, 11, 2)),
        };
        var total = new Counters();
        foreach (var c in cases) total.Add(DigestBuilder.From(c, Policy));
        foreach (var period in new[] { "2026-10", "2026-11", "2026-12", "2026-Q4" })
        {
            var expected = new SortedDictionary<string, long>();
            foreach (var c in cases)
                foreach (var (k, v) in Figures(c, period, Day(2026, 12, 28)))
                    expected[k] = expected.GetValueOrDefault(k) + v;
            Assert.Equal(expected, SummaryEvaluator.Evaluate(total.Values, Period.Parse(period), Day(2026, 12, 28), Policy));
        }
        // Taking a digest away again leaves nothing behind.
        foreach (var c in cases) total.Add(DigestBuilder.From(c, Policy), -1);
        Assert.Empty(total.Values);
    }

    // A parent holds its children's digests flat (HeldDigest): the same figures, stored in the same shape.

    private static Digest ReportedCase()
    {
        var s = OpenedOn(At(2026, 10, 5));
        s = Step(s, new SubmitMonthlyReport(Period.Parse("2026-10"), new ReportFigures(0, 1, 250.75m, 1, 0, 1, 2, 3, null)), VillageReporter, At(2026, 10, 20));
        return DigestBuilder.From(s, Policy) with { Settled = false };
    }

    private static void AssertSameDigest(Digest expected, Digest actual)
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
        AssertSameDigest(digest, HeldDigest.Of(digest).ToDigest());
    }

    [Fact]
    public void A_digest_read_off_the_stream_is_held_with_the_shared_counter_names()
    {
        var held = HeldDigest.Of(ReportedCase());
        // As a deserializer gives it: every name a string of its own.
        var received = held with { Counters = [.. held.Counters.Select(n => new string(n.AsSpan()))] };
        Assert.All(received.Counters, n => Assert.NotSame(HeldDigest.Shared(n), n));

        var kept = received.WithSharedNames();
        Assert.All(kept.Counters, n => Assert.Same(HeldDigest.Shared(n), n));
        AssertSameDigest(held.ToDigest(), kept.ToDigest());
        Assert.Same(kept, kept.WithSharedNames());
    }

    [Fact]
    public void A_held_digest_adds_to_a_sum_and_takes_away_from_it_like_the_digest()
    {
        var digest = ReportedCase();
        var sum = new Counters();
        sum.Add(HeldDigest.Of(digest));
        AssertSameDigest(digest with { Settled = true }, sum.ToDigest(digest.Version));
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
        AssertSameDigest(digest, read.Children["150102001001"].ToDigest());
        Assert.Equal(before, JsonSerializer.Serialize(read, options));
    }

    // A digest counts a case's standing month by month within its ledger spans without building each
    // intersection: the same figures as the general set operation, for spans open, closed, touching or apart.
    [Fact]
    public void Adding_spans_within_a_window_is_adding_their_intersection_with_it()
    {
        var rnd = new Random(11);
        var origin = Day(2026, 1, 1);
        for (var trial = 0; trial < 2000; trial++)
        {
            var spans = new List<LedgerSpans.Span>();
            var at = origin.AddDays(rnd.Next(0, 20));
            for (var n = rnd.Next(0, 4); n > 0; n--)
            {
                var until = at.AddDays(rnd.Next(1, 40));
                var open = n == 1 && rnd.Next(2) == 0;
                spans.Add(new LedgerSpans.Span(at, open ? null : until));
                at = until.AddDays(rnd.Next(0, 10));
            }
            var from = origin.AddDays(rnd.Next(0, 120));
            var window = new LedgerSpans.Span(from, from.AddDays(rnd.Next(1, 45)));
            var (direct, general) = (new Counters(), new Counters());
            DaySpans.AddWithin(direct, "x", spans, window.From, window.Until!.Value);
            DaySpans.Add(general, "x", DaySpans.Intersect(spans, [window]));
            AssertSameDigest(general.ToDigest(1), direct.ToDigest(1));
        }
    }

    // Intersection, difference and union hold on exactly the days the operation says, day by day, for
    // spans that overlap, touch, repeat an end or stay open; and the result is in order, its spans apart.
    [Fact]
    public void Day_span_operations_hold_on_exactly_their_days()
    {
        var rnd = new Random(17);
        var origin = Day(2026, 1, 1);
        List<LedgerSpans.Span> Some()
        {
            var spans = new List<LedgerSpans.Span>();
            for (var n = rnd.Next(0, 5); n > 0; n--)
            {
                var from = origin.AddDays(rnd.Next(0, 60));
                spans.Add(new LedgerSpans.Span(from, rnd.Next(5) == 0 ? null : from.AddDays(rnd.Next(1, 30))));
            }
            return spans;
        }
        for (var trial = 0; trial < 2000; trial++)
        {
            var (a, b) = (Some(), Some());
            foreach (var (result, op) in new (List<LedgerSpans.Span>, Func<bool, bool, bool>)[]
            {
                (DaySpans.Intersect(a, b), (x, y) => x && y),
                (DaySpans.Minus(a, b), (x, y) => x && !y),
                (DaySpans.Union(a), (x, _) => x),
            })
            {
                for (var d = origin.AddDays(-1); d < origin.AddDays(100); d = d.AddDays(1))
                    Assert.Equal(op(DaySpans.Contains(a, d), DaySpans.Contains(b, d)), DaySpans.Contains(result, d));
                for (var i = 1; i < result.Count; i++) Assert.True(result[i - 1].Until < result[i].From);
            }
        }
    }
}
