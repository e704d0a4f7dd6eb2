using Rectification.Periods;

namespace Rectification.Rollup;

/// <summary>
/// Reads a period's figures off a digest, as of the period's end (or today, for the current period):
/// levels are summed up to that day, events over the period's days so far, buckets over the period.
/// Linear in the digest, so the sum of the children's summaries is the summary of their sum.
/// </summary>
public static class SummaryEvaluator
{
    private static readonly string[] BucketPrefixes = ["reports.onTime", "reports.late", "support.", "evaluations."];
    private static readonly string[] EventCounters = ["cases.opened", "cases.signedOff", "cases.relapsed"];

    /// <summary>A unit's summary: its organizations from the registry plus the figures read off its digest.</summary>
    public static SummaryResult Summarize(string unit, Period p, IReadOnlyDictionary<string, Dictionary<int, long>> counters,
        IReadOnlyDictionary<string, long> organizations, DateOnly today, DuePolicy policy, DateTimeOffset asOf, long version)
    {
        var figures = Evaluate(counters, p, today, policy);
        foreach (var (name, value) in organizations) figures[name] = value;
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
            if (name.StartsWith("reportedActive.", StringComparison.Ordinal)) continue;
            long value;
            if (BucketPrefixes.Any(b => name.StartsWith(b, StringComparison.Ordinal)))
            {
                if (name.StartsWith("evaluations.", StringComparison.Ordinal) && p.Kind != PeriodKind.Quarter) continue;
                value = Sum(days, start, p.End.DayNumber);
            }
            else if (EventCounters.Contains(name))
            {
                value = Sum(days, start, end);
            }
            else
            {
                value = Sum(days, int.MinValue, end);
            }
            if (value != 0) figures[name] = value;
        }

        // Monthly reports owed: by every case active at the month's end (or today), missing once the due date has passed.
        long due = 0, missing = 0, pending = 0;
        foreach (var month in p.Months.Where(m => m.Start <= today))
        {
            var at = (month.End < today ? month.End : today).DayNumber;
            var owed = Sum(counters.GetValueOrDefault("cases.active"), int.MinValue, at);
            var reported = Sum(counters.GetValueOrDefault($"reportedActive.{month}"), int.MinValue, at);
            due += owed;
            if (today > policy.DueOn(month)) missing += owed - reported;
            else pending += owed - reported;
        }
        Put(figures, "reports.due", due);
        Put(figures, "reports.missing", missing);
        Put(figures, "reports.pending", pending);
        return figures;
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
