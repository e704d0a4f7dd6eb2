using Rectification.Periods;

namespace Rectification.Tests.Domain;

public sealed class PeriodTests
{
    [Theory]
    [InlineData("2026-10", PeriodKind.Month, "2026-10-01", "2026-10-31")]
    [InlineData("2026-02", PeriodKind.Month, "2026-02-01", "2026-02-28")]
    [InlineData("2026-Q4", PeriodKind.Quarter, "2026-10-01", "2026-12-31")]
    [InlineData("2026-10-H1", PeriodKind.HalfMonth, "2026-10-01", "2026-10-15")]
    [InlineData("2026-10-H2", PeriodKind.HalfMonth, "2026-10-16", "2026-10-31")]
    [InlineData("2028-02-H2", PeriodKind.HalfMonth, "2028-02-16", "2028-02-29")]
    public void Parses_and_spans_its_days(string text, PeriodKind kind, string start, string end)
    {
        var p = Period.Parse(text);
        Assert.Equal(kind, p.Kind);
        Assert.Equal(DateOnly.Parse(start), p.Start);
        Assert.Equal(DateOnly.Parse(end), p.End);
        Assert.Equal(text, p.ToString());
    }

    [Theory]
    [InlineData("2026-13")]
    [InlineData("2026-00")]
    [InlineData("2026-Q5")]
    [InlineData("2026-10-H3")]
    [InlineData("2026-1")]
    [InlineData("26-10")]
    [InlineData("2026-10 ")]
    [InlineData("")]
    [InlineData(null)]
    public void Anything_else_does_not_parse(string? text) => Assert.False(Period.TryParse(text, out _));

    [Fact]
    public void Quarter_has_three_months_and_months_know_their_quarter()
    {
        Assert.Equal(["2026-10", "2026-11", "2026-12"], Period.Parse("2026-Q4").Months.Select(m => m.ToString()));
        Assert.Equal("2026-Q4", Period.Parse("2026-11").QuarterOf.ToString());
        Assert.Equal("2027-01", Period.Parse("2026-12").Next.ToString());
    }

    [Fact]
    public void Due_dates_follow_the_policy()
    {
        var policy = new DuePolicy();
        Assert.Equal(new DateOnly(2026, 10, 25), policy.DueOn(Period.Parse("2026-10")));
        Assert.Equal(new DateOnly(2026, 10, 15), policy.DueOn(Period.Parse("2026-10-H1")));
        Assert.Equal(new DateOnly(2026, 10, 31), policy.DueOn(Period.Parse("2026-10-H2")));
        Assert.Equal(new DateOnly(2027, 1, 10), policy.DueOn(Period.Parse("2026-Q4")));
    }

    [Fact]
    public void On_time_is_judged_in_China_time()
    {
        var policy = new DuePolicy();
        var october = Period.Parse("2026-10");
        // 16:30 UTC on the 25th is already the 26th in Beijing.
        Assert.True(policy.IsOnTime(october, new DateTimeOffset(2026, 10, 25, 15, 59, 0, TimeSpan.Zero)));
        Assert.False(policy.IsOnTime(october, new DateTimeOffset(2026, 10, 25, 16, 30, 0, TimeSpan.Zero)));
        Assert.False(policy.HasStarted(Period.Parse("2026-11"), new DateTimeOffset(2026, 10, 31, 15, 0, 0, TimeSpan.Zero)));
        Assert.True(policy.HasStarted(Period.Parse("2026-11"), new DateTimeOffset(2026, 10, 31, 16, 0, 0, TimeSpan.Zero)));
    }
}
