using Rectification.Cases;
using Rectification.Periods;

namespace Rectification.Rollup;

/// <summary>
/// Turns one case into its digest by replaying its history. Three kinds of counters (see
/// <see cref="SummaryEvaluator"/>): levels (status, active, criteria, categories, four ones, problems,
/// overdue), events (opened, signed off, relapsed, on the day they happened) and buckets (report and
/// evaluation figures, on the first day of the period they are for).
/// </summary>
public static class DigestBuilder
{
    public static Digest From(CaseState s, DuePolicy policy)
    {
        var c = new Counters();
        int Day(DateTimeOffset at) => policy.LocalDate(at).DayNumber;

        var status = CaseStatus.Normal;
        string[] criteria = [], categories = [];
        var assigned = false;
        var activeChanges = new List<(int Day, long Delta)>();
        foreach (var e in s.History)
        {
            var day = Day(e.At);
            var before = Contribution(status, criteria, categories, assigned);
            if (e.To != status)
            {
                if (status != CaseStatus.Normal) c.Add($"cases.byStatus.{status.ToWire()}", day, -1);
                if (e.To != CaseStatus.Normal) c.Add($"cases.byStatus.{e.To.ToWire()}", day, +1);
                if (status.IsActive() != e.To.IsActive()) activeChanges.Add((day, e.To.IsActive() ? 1 : -1));
            }
            status = e.To;
            criteria = e.Criteria ?? criteria;
            categories = e.Categories ?? categories;
            assigned |= e.Command == "assignment";
            var after = Contribution(status, criteria, categories, assigned);
            foreach (var k in before) c.Add(k, day, -1);
            foreach (var k in after) c.Add(k, day, +1);

            if (e.Command == "approval" && e.To == CaseStatus.Open) c.Add("cases.opened", day, 1);
            if (e.To == CaseStatus.SignedOff) c.Add("cases.signedOff", day, 1);
            if (e.Command == "relapse") c.Add("cases.relapsed", day, 1);
        }
        foreach (var (day, delta) in activeChanges) c.Add("cases.active", day, delta);

        var firstPlan = s.History.FirstOrDefault(h => h.Command == "plan")?.At;
        foreach (var p in s.Problems) AddProblem(c, p, p.PlannedAt ?? firstPlan ?? s.History[^1].At, Day);

        foreach (var r in s.Reports)
        {
            var day = r.Month.Start.DayNumber;
            c.Add(r.OnTime ? "reports.onTime" : "reports.late", day, 1);
            c.Add("support.fundsFen", day, (long)decimal.Round(r.Figures.FundsYuan * 100));
            c.Add("support.projects", day, r.Figures.Projects);
            c.Add("support.newMembers", day, r.Figures.NewMembers);
            c.Add("support.activists", day, r.Figures.Activists);
            c.Add("support.reserveCadres", day, r.Figures.ReserveCadres);
            // Whether this case owes month M's report depends on it being active then: keep a copy of
            // its activity under the month it reported, so "missing" sums exactly at every level.
            foreach (var (d, delta) in activeChanges) c.Add($"reportedActive.{r.Month}", d, delta);
        }
        foreach (var ev in s.Evaluations)
        {
            c.Add("evaluations.count", ev.Quarter.Start.DayNumber, 1);
            c.Add("evaluations.scoreSum", ev.Quarter.Start.DayNumber, ev.Score);
        }
        return c.ToDigest(s.Version);
    }

    /// <summary>The level counters an active case adds to: its criteria, categories and four-ones coverage.</summary>
    private static IEnumerable<string> Contribution(CaseStatus status, string[] criteria, string[] categories, bool assigned)
    {
        if (!status.IsActive()) yield break;
        foreach (var k in criteria) yield return $"byCriterion.{k}";
        foreach (var k in categories) yield return $"byLaggingCategory.{k}";
        yield return assigned ? "fourOnes.covered" : "fourOnes.missing";
    }

    private static void AddProblem(Counters c, ProblemItem p, DateTimeOffset plannedAt, Func<DateTimeOffset, int> day)
    {
        var planned = day(plannedAt);
        c.Add("problems.open", planned, 1);
        if (p.ResolvedAt is { } r) { c.Add("problems.open", day(r), -1); c.Add("problems.resolved", day(r), 1); }
        if (p.ClosedAt is { } cl) { c.Add("problems.resolved", day(cl), -1); c.Add("problems.closed", day(cl), 1); }
        if (p.ArchivedAt is { } a) { c.Add("problems.closed", day(a), -1); c.Add("problems.archived", day(a), 1); }

        // Overdue from the day after the deadline until the day it is closed.
        var from = Math.Max(p.Deadline.DayNumber + 1, planned);
        int? until = p.ClosedAt is { } closed ? day(closed) : null;
        if (until is null || until > from)
        {
            c.Add("problems.overdue", from, 1);
            if (until is { } u) c.Add("problems.overdue", u, -1);
        }
    }
}
