using Rectification.Cases;
using Rectification.Periods;
using Rectification.Villages;

namespace Rectification.Rollup;

/// <summary>
/// Turns one case into its digest by replaying its history. Three kinds of counters (see
/// <see cref="SummaryEvaluator"/>): levels (status, active, criteria, categories, four ones, problems,
/// overdue), events (opened, signed off, relapsed, on the day they happened) and buckets (report and
/// evaluation figures, on the first day of the period they are for).
/// </summary>
public static class DigestBuilder
{
    private static readonly Dictionary<CaseStatus, string> ByStatus =
        Enum.GetValues<CaseStatus>().ToDictionary(s => s, s => $"cases.byStatus.{s.ToWire()}");
    private static readonly CounterNames ByCriterion = new("byCriterion."), ByCategory = new("byLaggingCategory."),
        ReportedActive = new("reportedActive.");

    /// <summary>The case's digest, nested: for reading it through (summaries, reconciliation, tests).</summary>
    public static Digest From(CaseState s, DuePolicy policy)
    {
        var c = new Counters();
        Build(s, policy, c);
        return c.Take(s.Version);
    }

    /// <summary>
    /// The case's digest in the flat form its township holds and the stream carries: what a command
    /// writes beside its ledger row (the storage, <see cref="Held"/>) and then publishes (the grain,
    /// <see cref="TakeHeld"/>). The one the storage built is kept with the state object until the grain
    /// takes it, so it is built once; not longer, or every active case would hold a copy of what its
    /// township holds.
    /// </summary>
    public static HeldDigest Held(CaseState s, DuePolicy policy)
    {
        if (Built.TryGetValue(s, out var built) && built.Policy == policy) return built.Digest;
        var digest = Build(s, policy);
        Built.AddOrUpdate(s, new BuiltDigest(policy, digest));
        return digest;
    }

    /// <summary>The digest <see cref="Held"/> built for this state, no longer kept; built now if there is none.</summary>
    public static HeldDigest TakeHeld(CaseState s, DuePolicy policy)
    {
        if (Built.TryGetValue(s, out var built) && built.Policy == policy)
        {
            Built.Remove(s);
            return built.Digest;
        }
        return Build(s, policy);
    }

    private static HeldDigest Build(CaseState s, DuePolicy policy)
    {
        var c = DigestSum.Start();
        Build(s, policy, c);
        return c.ToHeld(s.Version);
    }

    private sealed record BuiltDigest(DuePolicy Policy, HeldDigest Digest);

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<CaseState, BuiltDigest> Built = new();

    private static void Build(CaseState s, DuePolicy policy, ICounterSink c)
    {
        int Day(DateTimeOffset at) => policy.LocalDate(at).DayNumber;

        var status = CaseStatus.Normal;
        string[] criteria = [], categories = [];
        var assigned = false;
        DepartmentType? department = null;
        var activeChanges = new List<(int Day, long Delta)>();
        foreach (var e in s.History)
        {
            var day = Day(e.At);
            var (statusBefore, criteriaBefore, categoriesBefore, assignedBefore, departmentBefore) = (status, criteria, categories, assigned, department);
            if (e.To != status)
            {
                if (status != CaseStatus.Normal) c.Add(ByStatus[status], day, -1);
                if (e.To != CaseStatus.Normal) c.Add(ByStatus[e.To], day, +1);
                if (status.IsActive() != e.To.IsActive()) activeChanges.Add((day, e.To.IsActive() ? 1 : -1));
            }
            status = e.To;
            criteria = e.Criteria ?? criteria;
            categories = e.Categories ?? categories;
            // An import that brought the four ones records the assignment among its changed fields.
            assigned |= e.Command == "assignment" || (e.Command == "import" && e.Changes?.Any(ch => ch.Field.StartsWith("assignment", StringComparison.Ordinal)) == true);
            department = DepartmentAfter(e, department);
            // Most entries (reports, evaluations, plan edits) change none of these: taking the
            // contribution away and adding it back would sum to nothing, at the cost of building its
            // keys twice per entry, which made an old case's digest several times dearer than a new one's.
            if (status != statusBefore || !ReferenceEquals(criteria, criteriaBefore) || !ReferenceEquals(categories, categoriesBefore)
                || assigned != assignedBefore || department != departmentBefore)
            {
                AddContribution(c, day, -1, statusBefore, criteriaBefore, categoriesBefore, assignedBefore, departmentBefore);
                AddContribution(c, day, +1, status, criteria, categories, assigned, department);
            }

            if (e.Command is "approval" or "import" && e.To == CaseStatus.Open) c.Add("cases.opened", day, 1);
            if (e.To == CaseStatus.SignedOff) c.Add("cases.signedOff", day, 1);
            if (e.Command == "relapse") c.Add("cases.relapsed", day, 1);
        }
        foreach (var (day, delta) in activeChanges) c.Add("cases.active", day, delta);

        var firstPlan = s.History.FirstOrDefault(h => h.Command == "plan")?.At;
        foreach (var p in s.Problems) AddProblem(c, p, p.PlannedAt ?? firstPlan ?? s.History[^1].At, Day);

        // Monthly reports are owed while the case is in the ledger, from the first month it could report in
        // (LedgerSpans.Owing). "Missing" must sum exactly at every level, so each report keeps a copy of
        // the case's owing spans under the month it reported for.
        var inLedger = LedgerSpans.Of(s.History, policy);
        var owing = LedgerSpans.Owing(inLedger, policy);
        DaySpans.Add(c, "cases.owing", owing);
        foreach (var r in s.Reports)
        {
            var day = r.Month.Start.DayNumber;
            c.Add(r.OnTime ? "reports.onTime" : "reports.late", day, 1);
            c.Add("support.fundsFen", day, (long)decimal.Round(r.Figures.FundsYuan * 100));
            c.Add("support.projects", day, r.Figures.Projects);
            c.Add("support.newMembers", day, r.Figures.NewMembers);
            c.Add("support.activists", day, r.Figures.Activists);
            c.Add("support.reserveCadres", day, r.Figures.ReserveCadres);
            DaySpans.Add(c, ReportedActive[r.Month], owing);
        }
        foreach (var ev in s.Evaluations)
        {
            c.Add("evaluations.count", ev.Quarter.Start.DayNumber, 1);
            c.Add("evaluations.scoreSum", ev.Quarter.Start.DayNumber, ev.Score);
        }
        CampaignDigest.Add(c, s, inLedger, policy);
    }

    /// <summary>
    /// The level counters an active case adds to: its criteria, categories, four-ones coverage, and
    /// whether its helping department's type fits its lagging categories (<see cref="DepartmentMatch"/>).
    /// </summary>
    private static void AddContribution(ICounterSink c, int day, int sign, CaseStatus status, string[] criteria, string[] categories, bool assigned,
        DepartmentType? department)
    {
        if (!status.IsActive()) return;
        foreach (var k in criteria) c.Add(ByCriterion[k], day, sign);
        foreach (var k in categories) c.Add(ByCategory[k], day, sign);
        c.Add(assigned ? "fourOnes.covered" : "fourOnes.missing", day, sign);
        if (assigned && department is { } type && !DepartmentMatch.Fits(type, categories)) c.Add("fourOnes.mismatched", day, sign);
    }

    /// <summary>
    /// The helping department's type after an entry, read off the entry's changes (kept whole for the
    /// four ones even in a slim history): the whole assignment when it was first set, or just its type.
    /// </summary>
    private static DepartmentType? DepartmentAfter(HistoryEntry e, DepartmentType? before)
    {
        if (e.Changes is null || e.Command is not ("assignment" or "import")) return before;
        foreach (var ch in e.Changes)
        {
            if (ch.To is null) continue;
            if (ch.Field == "assignment.helpingDepartment.type") return ParseType(System.Text.Json.JsonSerializer.Deserialize<string>(ch.To));
            if (ch.Field is "assignment" or "assignment.helpingDepartment")
            {
                var node = System.Text.Json.Nodes.JsonNode.Parse(ch.To);
                var type = ch.Field == "assignment" ? node?["helpingDepartment"]?["type"] : node?["type"];
                if (type is not null) return ParseType(type.GetValue<string>());
            }
        }
        return before;
    }

    private static DepartmentType? ParseType(string? wire) =>
        Enum.TryParse<DepartmentType>(wire, ignoreCase: true, out var t) ? t : null;

    private static void AddProblem(ICounterSink c, ProblemItem p, DateTimeOffset plannedAt, Func<DateTimeOffset, int> day)
    {
        var planned = day(plannedAt);
        c.Add("problems.open", planned, 1);
        if (p.ResolvedAt is { } r) { c.Add("problems.open", day(r), -1); c.Add("problems.resolved", day(r), 1); }
        if (p.ClosedAt is { } cl) { c.Add("problems.resolved", day(cl), -1); c.Add("problems.closed", day(cl), 1); }
        if (p.ArchivedAt is { } a) { c.Add("problems.closed", day(a), -1); c.Add("problems.archived", day(a), 1); }

        // Overdue from the day after the deadline in force until the day it is closed. A deadline the plan
        // changed applies from the day of the change; the days before keep the deadline they had.
        int? closed = p.ClosedAt is { } cl2 ? day(cl2) : null;
        var from = planned;
        foreach (var change in p.EarlierDeadlines ?? [])
        {
            var replaced = Math.Max(from, day(change.ReplacedAt));
            AddOverdue(c, from, replaced, change.Deadline, closed);
            from = replaced;
        }
        AddOverdue(c, from, null, p.Deadline, closed);
    }

    /// <summary>Overdue days within [from, until) for one deadline, ending on the day the problem is closed.</summary>
    private static void AddOverdue(ICounterSink c, int from, int? until, DateOnly deadline, int? closed)
    {
        var start = Math.Max(deadline.DayNumber + 1, from);
        int? end = (until, closed) switch
        {
            ({ } u, { } cd) => Math.Min(u, cd),
            ({ } u, null) => u,
            (null, var cd) => cd,
        };
        if (end is null || end > start)
        {
            c.Add("problems.overdue", start, 1);
            if (end is { } e) c.Add("problems.overdue", e, -1);
        }
    }
}
