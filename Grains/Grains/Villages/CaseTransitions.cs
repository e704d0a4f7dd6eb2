using Rectification.Cases;
using Rectification.Periods;
using Rectification.Units;
using static Rectification.Cases.CaseStatus;

namespace Rectification.Villages;

/// <summary>
/// What each allowed command does to the case, and the rules that depend on the case's own past.
/// Called only after <see cref="CaseRules"/> let the command through on role, level, input and status.
/// </summary>
internal static class CaseTransitions
{
    public static Decision Apply(CaseState s, CaseCommand command, Actor actor, DateTimeOffset now, DuePolicy policy) => command switch
    {
        RecordFinding f => Accept(s, f, actor, now,
            s with { Findings = [.. s.Findings, new Finding(f.Source, f.Criteria, f.Note, now, actor.Sub)] },
            s.Status is Normal or Rejected ? Screened : s.Status,
            $"{Wire(f.Source)} finding: {string.Join(",", f.Criteria)}", note: f.Note),

        Propose p => Accept(s, p, actor, now,
            s with { Criteria = p.Criteria, Categories = p.Categories, Acceptance = null, ProposedBy = actor.Sub, ReviewedBy = null },
            Proposed, $"criteria {string.Join(",", p.Criteria)}; categories {string.Join(",", p.Categories)}",
            criteria: p.Criteria, categories: p.Categories, note: p.Reason),

        Review r => ApplyReview(s, r, actor, now),

        Approve a => ApplyApproval(s, a, actor, now),

        SetPlan plan => ApplyPlan(s, plan, actor, now),

        SetAssignment a => Accept(s, a, actor, now, s with { Assignment = a.Assignment }, s.Status,
            $"leader {a.Assignment.Leader}; first secretary {a.Assignment.FirstSecretary.Name}"),

        ChangeProblem c => ApplyProblem(s, c, actor, now),

        SubmitMonthlyReport r => ApplyReport(s, r, actor, now, policy),

        SubmitEvaluation ev => ApplyEvaluation(s, ev, actor, now, policy),

        ApplyForAcceptance a => ApplyForAcceptance(s, a, actor, now),

        DecideAcceptance d => ApplyDecision(s, d, actor, now),

        Relapse r => Accept(s, r, actor, now,
            s with { Criteria = r.Criteria, Relapses = s.Relapses + 1, Acceptance = null, RelapseProblemFloor = s.NextProblemNumber },
            Open, $"relapsed: {string.Join(",", r.Criteria)}", criteria: r.Criteria, categories: s.Categories, note: r.Reason),

        ImportCase i => ApplyImport(s, i, actor, now, policy),

        AddPairing or LandSupport or EndPairing or SetMemberTargets or RecordTraining or RecordSecretaryAction
            or RecordAccountability or SubmitActivityPlan => CampaignTransitions.Apply(s, command, actor, now, policy),

        _ => throw new ArgumentOutOfRangeException(nameof(command), command.GetType().Name),
    };

    private static Decision ApplyReview(CaseState s, Review r, Actor actor, DateTimeOffset now)
    {
        if (actor.Sub == s.ProposedBy)
        {
            return CaseRules.Forbid(CaseRuleNames.SeparationOfDuties, $"{actor.Sub} made this proposal and cannot also review it (复核).");
        }
        return Accept(s, r, actor, now, s with { ReviewedBy = actor.Sub }, r.Confirm ? Reviewed : Rejected,
            r.Confirm ? "confirmed" : "rejected at review", note: r.Note);
    }

    private static Decision ApplyApproval(CaseState s, Approve a, Actor actor, DateTimeOffset now)
    {
        if (actor.Sub == s.ReviewedBy || actor.Sub == s.ProposedBy)
        {
            var did = actor.Sub == s.ReviewedBy ? "reviewed" : "proposed";
            return CaseRules.Forbid(CaseRuleNames.SeparationOfDuties, $"{actor.Sub} {did} this case and cannot also approve it (审定).");
        }
        return Accept(s, a, actor, now, s, a.Approved ? Open : Rejected, a.Approved ? "approved: in the ledger" : "rejected at approval",
            note: a.Note);
    }

    /// <summary>
    /// A plan change adds problems and edits open ones. The problem ledger keeps everything: no problem
    /// is ever removed, and one that is resolved, closed or archived is no longer the plan's to change.
    /// A new deadline applies from the day of the change; the days before keep the old one, so a month
    /// that has ended keeps its overdue figures.
    /// </summary>
    private static Decision ApplyPlan(CaseState s, SetPlan plan, Actor actor, DateTimeOffset now)
    {
        var existing = s.Problems.ToDictionary(p => p.Id);
        foreach (var id in plan.Problems.Select(p => p.Id).OfType<string>())
        {
            if (!existing.ContainsKey(id))
            {
                return new Refused(new CaseResult(CaseOutcome.Invalid, Detail: "The plan names an unknown problem.",
                    Errors: new() { ["problems"] = [$"No problem has the id {id}; omit the id to add a new one."] }));
            }
        }
        var kept = plan.Problems.Select(p => p.Id).OfType<string>().ToHashSet();
        if (s.Problems.FirstOrDefault(p => !kept.Contains(p.Id)) is { } dropped)
        {
            return CaseRules.Conflict(s, CaseRuleNames.LedgerKeepsProblems,
                $"Problem {dropped.Id} is missing from the new plan. A plan change never removes a problem: it leaves the active ledger only by being closed and archived.");
        }
        foreach (var p in plan.Problems.Where(p => p.Id is not null))
        {
            var held = existing[p.Id!];
            if (held.Status != ProblemStatus.Open && !SameContent(held, p))
            {
                return CaseRules.Conflict(s, CaseRuleNames.LedgerKeepsProblems,
                    $"Problem {held.Id} is {Lower(held.Status)}; only open problems can be edited.");
            }
        }
        var next = s.NextProblemNumber;
        var problems = plan.Problems.Select(p => p.Id is { } id
            ? Edit(existing[id], p, now)
            : new ProblemItem($"P{next++}", p.Description, p.Criterion, p.Measures, p.Target, p.Deadline, p.Responsible, ProblemStatus.Open, PlannedAt: now))
            .ToArray();
        return Accept(s, plan, actor, now, s with { Problems = problems, NextProblemNumber = next }, s.Status,
            $"plan of {problems.Length} problem(s), {next - s.NextProblemNumber} new");
    }

    private static bool SameContent(ProblemItem held, PlannedProblem p) =>
        held.Description == p.Description && held.Criterion == p.Criterion && held.Measures.SequenceEqual(p.Measures)
        && held.Target == p.Target && held.Deadline == p.Deadline && held.Responsible == p.Responsible;

    private static ProblemItem Edit(ProblemItem held, PlannedProblem p, DateTimeOffset now)
    {
        if (SameContent(held, p)) return held;
        var earlier = held.Deadline == p.Deadline
            ? held.EarlierDeadlines
            : [.. held.EarlierDeadlines ?? [], new DeadlineChange(held.Deadline, now)];
        return held with
        {
            Description = p.Description, Criterion = p.Criterion, Measures = p.Measures, Target = p.Target, Deadline = p.Deadline,
            Responsible = p.Responsible, EarlierDeadlines = earlier,
        };
    }

    /// <summary>
    /// Resolve (落实), close (销号), archive (归档), in that order. Closing is for a level above the one
    /// that resolved the problem, and never for the person who resolved it: a village resolves, its township or above closes.
    /// </summary>
    private static Decision ApplyProblem(CaseState s, ChangeProblem c, Actor actor, DateTimeOffset now)
    {
        var problem = s.Problems.FirstOrDefault(p => p.Id == c.ProblemId);
        if (problem is null) return CaseRules.Refuse(CaseOutcome.NotFound, $"The case has no problem {c.ProblemId}.");
        var (needs, changed) = c.Action switch
        {
            ProblemAction.Resolve => (ProblemStatus.Open, problem with { Status = ProblemStatus.Resolved, ResolvedAt = now, ResolvedBy = actor.Sub, ResolvedAtLevel = actor.Level }),
            ProblemAction.Close => (ProblemStatus.Resolved, problem with { Status = ProblemStatus.Closed, ClosedAt = now, ClosedBy = actor.Sub }),
            _ => (ProblemStatus.Closed, problem with { Status = ProblemStatus.Archived, ArchivedAt = now }),
        };
        if (problem.Status != needs)
        {
            return CaseRules.Conflict(s, CaseRuleNames.ProblemSteps, $"Problem {problem.Id} is {Lower(problem.Status)}; '{c.Name}' needs it {Lower(needs)}.");
        }
        if (c.Action == ProblemAction.Close)
        {
            if (actor.Sub == problem.ResolvedBy)
            {
                return CaseRules.Forbid(CaseRuleNames.CloseAbove, $"{actor.Sub} resolved problem {problem.Id} and cannot also close it (销号).");
            }
            if (problem.ResolvedAtLevel is { } resolvedAt && actor.Level >= resolvedAt)
            {
                return CaseRules.Forbid(CaseRuleNames.CloseAbove,
                    $"Problem {problem.Id} was resolved at {resolvedAt.ToWire()} level; it is closed (销号) by a level above that, not by a {actor.Level.ToWire()}.");
            }
        }
        return Accept(s, c, actor, now, s with { Problems = s.Problems.Select(p => p.Id == c.ProblemId ? changed : p).ToArray() },
            s.Status, $"problem {problem.Id} {Lower(changed.Status)}");
    }

    /// <summary>A monthly report only for a month in which the case was in the ledger; a correction keeps the first receipt.</summary>
    private static Decision ApplyReport(CaseState s, SubmitMonthlyReport r, Actor actor, DateTimeOffset now, DuePolicy policy)
    {
        var spans = LedgerSpans.Of(s.History, policy);
        if (!LedgerSpans.InLedgerDuring(spans, r.Month))
        {
            return CaseRules.Conflict(s, CaseRuleNames.ReportingWindow, $"The case was not in the ledger in {r.Month}; {InLedger(spans)}");
        }
        var previous = s.Reports.FirstOrDefault(x => x.Month == r.Month);
        // On time or late is decided by when the report first arrived.
        var report = previous is null
            ? new MonthlyReport(r.Month, r.Figures, now, policy.DueOn(r.Month), policy.IsOnTime(r.Month, now), actor.Sub)
            : previous with { Figures = r.Figures, By = actor.Sub, Revisions = previous.Revisions + 1 };
        var detail = previous is null
            ? $"{r.Month} report {(report.OnTime ? "on time" : "late")}"
            : $"{r.Month} report corrected (revision {report.Revisions})";
        return Accept(s, r, actor, now, s with { Reports = [.. s.Reports.Where(x => x.Month != r.Month), report] }, s.Status, detail);
    }

    /// <summary>A quarterly evaluation from the quarter's last month on, for a quarter in which the case was in the ledger.</summary>
    private static Decision ApplyEvaluation(CaseState s, SubmitEvaluation ev, Actor actor, DateTimeOffset now, DuePolicy policy)
    {
        var lastMonth = ev.Quarter.Months[^1];
        if (policy.LocalDate(now) < lastMonth.Start)
        {
            return CaseRules.Conflict(s, CaseRuleNames.ReportingWindow, $"{ev.Quarter} is evaluated from its last month ({lastMonth}) on.");
        }
        var spans = LedgerSpans.Of(s.History, policy);
        if (!LedgerSpans.InLedgerDuring(spans, ev.Quarter))
        {
            return CaseRules.Conflict(s, CaseRuleNames.ReportingWindow, $"The case was not in the ledger in {ev.Quarter}; {InLedger(spans)}");
        }
        return Accept(s, ev, actor, now,
            s with
            {
                Evaluations = [.. s.Evaluations.Where(x => x.Quarter != ev.Quarter),
                    new QuarterlyEvaluation(ev.Quarter, ev.Score, ev.Class, ev.Stars, ev.Note, now, actor.Sub, policy.IsOnTime(ev.Quarter, now))],
            },
            s.Status, $"{ev.Quarter}: score {ev.Score}, class {ev.Class}, {ev.Stars} stars", note: ev.Note);
    }

    private static string InLedger(IReadOnlyList<LedgerSpans.Span> spans) =>
        "it was in the ledger " + string.Join(", ", spans.Select(x => x.Until is { } u ? $"from {x.From:yyyy-MM-dd} until {u.AddDays(-1):yyyy-MM-dd}" : $"from {x.From:yyyy-MM-dd}")) + ".";

    private static Decision ApplyForAcceptance(CaseState s, ApplyForAcceptance a, Actor actor, DateTimeOffset now)
    {
        if (s.Problems.Length == 0) return CaseRules.Conflict(s, CaseRuleNames.AllProblemsClosed, "The plan has no problems yet; nothing can be accepted.");
        var open = s.Problems.Where(p => p.Status is ProblemStatus.Open or ProblemStatus.Resolved).Select(p => p.Id).ToArray();
        if (open.Length > 0) return CaseRules.Conflict(s, CaseRuleNames.AllProblemsClosed, $"Every problem must be closed first; not closed: {string.Join(", ", open)}.");
        if (s.Relapses > 0 && !s.Problems.Any(p => p.Number >= s.RelapseProblemFloor && p.Status is ProblemStatus.Closed or ProblemStatus.Archived))
        {
            return CaseRules.Conflict(s, CaseRuleNames.RelapseNeedsNewWork,
                "The case relapsed: acceptance needs at least one problem added to the plan after the relapse, closed.");
        }
        return Accept(s, a, actor, now, s with { Acceptance = new Acceptance(now, actor.Sub, a.Note) }, AcceptanceRequested,
            "applied for sign-off", note: a.Note);
    }

    private static Decision ApplyDecision(CaseState s, DecideAcceptance d, Actor actor, DateTimeOffset now)
    {
        if (actor.Sub == s.Acceptance?.AppliedBy)
        {
            return CaseRules.Forbid(CaseRuleNames.SeparationOfDuties, $"{actor.Sub} applied for this sign-off and cannot also decide it.");
        }
        return Accept(s, d, actor, now,
            s with { Acceptance = s.Acceptance! with { DecidedAt = now, DecidedBy = actor.Sub, Decision = d.SignOff ? "signOff" : "return",
                SatisfactionPercent = d.SatisfactionPercent, DecisionNote = d.Note } },
            d.SignOff ? SignedOff : Open,
            d.SignOff ? $"signed off, satisfaction {d.SatisfactionPercent}%" : "returned for more work", note: d.Note);
    }

    /// <summary>
    /// A case kept elsewhere enters as it stood: an open case from the day it entered the ledger (so its
    /// months in the ledger count from then, as they did), with its problems planned that day. The
    /// importer stands as proposer (and reviewer) so the next decisions fall to other people.
    /// </summary>
    private static Decision ApplyImport(CaseState s, ImportCase i, Actor actor, DateTimeOffset now, DuePolicy policy)
    {
        var at = i.OpenedOn is { } on ? policy.StartOf(on) : now;
        if (s.History.Length > 0 && at < s.History[^1].At)
        {
            return CaseRules.Conflict(s, CaseRuleNames.ImportOrder,
                $"openedOn {i.OpenedOn:yyyy-MM-dd} is before the case's last recorded change ({policy.LocalDate(s.History[^1].At):yyyy-MM-dd}).");
        }
        var next = s.NextProblemNumber;
        var problems = i.Problems.Select(p => new ProblemItem($"P{next++}", p.Description, p.Criterion, p.Measures, p.Target, p.Deadline,
            p.Responsible, ProblemStatus.Open, PlannedAt: at)).ToArray();
        var after = s with
        {
            Criteria = i.Criteria, Categories = i.Categories, Problems = [.. s.Problems, .. problems], NextProblemNumber = next,
            Assignment = i.Assignment ?? s.Assignment, Acceptance = null, ProposedBy = actor.Sub,
            ReviewedBy = i.Status >= Reviewed ? actor.Sub : null, ImportedHash = i.ContentHash(),
        };
        return Accept(s, i, actor, at, after, i.Status, $"imported as {i.Status.ToWire()} from {i.Source}",
            criteria: i.Criteria, categories: i.Categories, note: i.Source);
    }

    internal static Accepted Accept(CaseState before, CaseCommand command, Actor actor, DateTimeOffset now, CaseState after,
        CaseStatus to, string detail, string[]? criteria = null, string[]? categories = null, string? note = null)
    {
        var changes = CaseChanges.Between(before, after);
        var entry = new HistoryEntry(before.Version + 1, now, actor.Sub, actor.Role, command.Name, before.Status, to, detail, criteria, categories,
            note, changes.Length > 0 ? changes : null);
        return new Accepted(after with { Status = to, Version = entry.Version, History = [.. after.History, entry] }, entry);
    }

    private static string Lower(ProblemStatus s) => s.ToString().ToLowerInvariant();

    private static string Wire(FindingSource s) => char.ToLowerInvariant(s.ToString()[0]) + s.ToString()[1..];
}
