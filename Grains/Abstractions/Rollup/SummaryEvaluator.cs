using Rectification.Periods;

namespace Rectification.Rollup;

/// <summary>
/// Reads a period's figures off a digest, as of the period's end (or today, for the current period):
/// levels are summed up to that day, events over the period's days so far, buckets over the period.
/// Linear in the digest, so the sum of the children's summaries is the summary of their sum.
/// </summary>
public static class SummaryEvaluator
{
    private static readonly string[] BucketPrefixes = ["reports.onTime", "reports.late", "support.", "evaluations.", "townshipReports."];
    private static readonly string[] EventCounters = ["cases.opened", "cases.signedOff", "cases.relapsed"];

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
            if (name.StartsWith("reportedActive.", StringComparison.Ordinal) || name == "cases.owing") continue;
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
        return figures;
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
