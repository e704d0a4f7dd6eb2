using Rectification.Periods;

namespace Rectification.Rollup;

/// <summary>
/// Reads a period's figures off a digest, as of the period's end (or today, for the current period):
/// levels are summed up to that day, events over the period's days so far, buckets over the period.
/// Linear in the digest, so the sum of the children's summaries is the summary of their sum.
/// </summary>
public static class SummaryEvaluator
{
    private static readonly string[] BucketPrefixes = ["reports.onTime", "reports.late", "support.", "evaluations.", "townshipReports.",
        "activityPlans.onTime", "activityPlans.late"];
    /// <summary>Counted on the day they happened: cases opened, signed off, relapsed; support landed; trainings; 撤换育派; accountability.</summary>
    private static readonly string[] EventCounters = ["cases.opened", "cases.signedOff", "cases.relapsed", "pairing.fundsLandedFen",
        "pairing.projectsLanded", "secretaries.removed", "secretaries.replaced", "secretaries.trained", "secretaries.dispatched"];
    private static readonly string[] EventPrefixes = ["trainings.", "accountability."];
    /// <summary>Spans kept for the owed-and-received figures, not figures themselves.</summary>
    private static readonly string[] SpanPrefixes = ["reportedActive.", "cases.owing", "activityPlans.owing", "activityPlans.planned."];

    /// <summary>A unit's summary: its organizations from the registry plus the figures read off its digest.</summary>
    public static SummaryResult Summarize(string unit, Period p, IReadOnlyDictionary<string, Dictionary<int, long>> counters,
        IReadOnlyDictionary<string, long> organizations, DateOnly today, DuePolicy policy, DateTimeOffset asOf, long version)
    {
        var figures = Evaluate(counters, p, today, policy);
        foreach (var (name, value) in organizations) figures[name] = value;
        AddTownshipReports(figures, counters, p, today, policy, organizations.GetValueOrDefault("units.townships"));
        return new SummaryResult(unit, p.ToString(), asOf, version, figures);
    }

    public static SortedDictionary<string, long> Evaluate(IReadOnlyDictionary<string, Dictionary<int, long>> counters, Period p,
        DateOnly today, DuePolicy policy)
    {
        var figures = new SortedDictionary<string, long>(StringComparer.Ordinal);
        if (p.Start > today) return figures; // nothing has happened in a period that has not begun
        var start = p.Start.DayNumber;
        var end = (p.End < today ? p.End : today).DayNumber;

        foreach (var (name, days) in counters)
        {
            if (SpanPrefixes.Any(x => name.StartsWith(x, StringComparison.Ordinal))) continue;
            long value;
            if (BucketPrefixes.Any(b => name.StartsWith(b, StringComparison.Ordinal)))
            {
                if (name.StartsWith("evaluations.", StringComparison.Ordinal) && p.Kind != PeriodKind.Quarter) continue;
                value = Sum(days, start, p.End.DayNumber);
            }
            else if (EventCounters.Contains(name) || EventPrefixes.Any(x => name.StartsWith(x, StringComparison.Ordinal)))
            {
                value = Sum(days, start, end);
            }
            else
            {
                value = Sum(days, int.MinValue, end);
            }
            if (value != 0) figures[name] = value;
        }

        // Monthly reports owed: by every case owing reports at the month's end (or today): in the ledger, and
        // in it since before the due day of its first month (LedgerSpans.Owing). Missing once the due date has passed.
        long due = 0, missing = 0, pending = 0;
        foreach (var month in p.Months.Where(m => m.Start <= today))
        {
            var at = (month.End < today ? month.End : today).DayNumber;
            var owed = Sum(counters.GetValueOrDefault("cases.owing"), int.MinValue, at);
            var reported = Sum(counters.GetValueOrDefault($"reportedActive.{month}"), int.MinValue, at);
            due += owed;
            if (today > policy.DueOn(month)) missing += owed - reported;
            else pending += owed - reported;
        }
        Put(figures, "reports.due", due);
        Put(figures, "reports.missing", missing);
        Put(figures, "reports.pending", pending);
        AddActivityPlans(figures, counters, p, today, policy);
        return figures;
    }

    /// <summary>
    /// Activity plans (seed 003: 每月25日前…下个月的活动计划), counted in the month they are due: for each month D
    /// of the period that has begun, the plans for the month after D are owed by every case in the ledger on
    /// their due day (or today, before it); missing once the due day has passed, pending before.
    /// </summary>
    private static void AddActivityPlans(SortedDictionary<string, long> figures, IReadOnlyDictionary<string, Dictionary<int, long>> counters,
        Period p, DateOnly today, DuePolicy policy)
    {
        long due = 0, missing = 0, pending = 0;
        foreach (var month in p.Months.Where(m => m.Start <= today))
        {
            var planned = month.Next;
            var dueOn = policy.ActivityPlanDueOn(planned);
            var at = (dueOn < today ? dueOn : today).DayNumber;
            var owed = Sum(counters.GetValueOrDefault("activityPlans.owing"), int.MinValue, at);
            var received = Sum(counters.GetValueOrDefault($"activityPlans.planned.{planned}"), int.MinValue, at);
            due += owed;
            if (today > dueOn) missing += owed - received;
            else pending += owed - received;
        }
        Put(figures, "activityPlans.due", due);
        Put(figures, "activityPlans.missing", missing);
        Put(figures, "activityPlans.pending", pending);
    }

    /// <summary>
    /// Townships' half-monthly progress reports (每半月报送): every township in the subtree owes one for
    /// each half month of the period that has begun; missing once its due date has passed, pending before.
    /// Received reports are counted on the first day of the half month they are for.
    /// </summary>
    public static void AddTownshipReports(SortedDictionary<string, long> figures, IReadOnlyDictionary<string, Dictionary<int, long>> counters,
        Period p, DateOnly today, DuePolicy policy, long townships)
    {
        long due = 0, missing = 0, pending = 0;
        foreach (var half in p.HalfMonths.Where(h => h.Start <= today))
        {
            var day = half.Start.DayNumber;
            var received = (counters.GetValueOrDefault("townshipReports.onTime")?.GetValueOrDefault(day) ?? 0)
                + (counters.GetValueOrDefault("townshipReports.late")?.GetValueOrDefault(day) ?? 0);
            due += townships;
            if (today > policy.DueOn(half)) missing += townships - received;
            else pending += townships - received;
        }
        Put(figures, "townshipReports.due", due);
        Put(figures, "townshipReports.missing", missing);
        Put(figures, "townshipReports.pending", pending);
    }

    private static long Sum(Dictionary<int, long>? days, int from, int to)
    {
        if (days is null) return 0;
        long total = 0;
        foreach (var (day, delta) in days)
        {
            if (day >= from && day <= to) total += delta;
        }
        return total;
    }

    private static void Put(SortedDictionary<string, long> figures, string name, long value)
    {
        if (value != 0) figures[name] = value;
    }
}
