namespace Rectification.Periods;

/// <summary>
/// When each kind of report is due, and the local offset used to turn the server's receipt time into
/// a date. China keeps one offset all year (UTC+8). Configured under "Reporting"; these are the defaults.
/// </summary>
[GenerateSerializer, Immutable, Alias("DuePolicy")]
public sealed record DuePolicy
{
    /// <summary>The monthly report for month M is due on this day of M.</summary>
    [Id(0)] public int MonthlyDueDay { get; init; } = 25;
    /// <summary>The quarterly evaluation is due this many days after the quarter ends.</summary>
    [Id(1)] public int QuarterlyDueDaysAfter { get; init; } = 10;
    [Id(2)] public int UtcOffsetHours { get; init; } = 8;
    /// <summary>The activity plan for month M is due on this day of the month before (seed 003: 每月25日前).</summary>
    [Id(3)] public int ActivityPlanDueDay { get; init; } = 25;

    public DateOnly ActivityPlanDueOn(Period month)
    {
        var before = month.Start.AddMonths(-1);
        return new DateOnly(before.Year, before.Month, Math.Min(ActivityPlanDueDay, DateTime.DaysInMonth(before.Year, before.Month)));
    }

    public DateOnly DueOn(Period p) => p.Kind switch
    {
        PeriodKind.Month => new DateOnly(p.Year, p.Number, Math.Min(MonthlyDueDay, DateTime.DaysInMonth(p.Year, p.Number))),
        PeriodKind.Quarter => p.End.AddDays(QuarterlyDueDaysAfter),
        // Half-monthly: the first half is due on the 15th, the second on the month's last day.
        _ => p.End,
    };

    public DateOnly LocalDate(DateTimeOffset instant) =>
        DateOnly.FromDateTime(instant.ToOffset(TimeSpan.FromHours(UtcOffsetHours)).DateTime);

    /// <summary>The first instant of a local day.</summary>
    public DateTimeOffset StartOf(DateOnly day) =>
        new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.FromHours(UtcOffsetHours));

    public bool HasStarted(Period p, DateTimeOffset now) => LocalDate(now) >= p.Start;

    public bool IsOnTime(Period p, DateTimeOffset receivedAt) => LocalDate(receivedAt) <= DueOn(p);
}
