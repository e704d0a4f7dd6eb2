using Rectification.Cases;
using Rectification.Periods;
using static Rectification.Cases.CaseStatus;

namespace Rectification.Villages;

/// <summary>What each allowed command does to the case. Called only after <see cref="CaseRules"/> let it through.</summary>
internal static class CaseTransitions
{
    public static Decision Apply(CaseState s, CaseCommand command, Actor actor, DateTimeOffset now, DuePolicy policy) => command switch
    {
        RecordFinding f => Accept(s, f, actor, now,
            s with { Findings = [.. s.Findings, new Finding(f.Source, f.Criteria, f.Note, now, actor.Sub)] },
            s.Status is Normal or Rejected ? Screened : s.Status,
            $"{Wire(f.Source)} finding: {string.Join(",", f.Criteria)}"),

        Propose p => Accept(s, p, actor, now,
            s with { Criteria = p.Criteria, Categories = p.Categories, Acceptance = null },
            Proposed, $"criteria {string.Join(",", p.Criteria)}; categories {string.Join(",", p.Categories)}",
            criteria: p.Criteria, categories: p.Categories),

        Review r => Accept(s, r, actor, now, s, r.Confirm ? Reviewed : Rejected, r.Confirm ? "confirmed" : "rejected at review"),

        Approve a => Accept(s, a, actor, now, s, a.Approved ? Open : Rejected, a.Approved ? "approved: in the ledger" : "rejected at approval"),

        SetPlan plan => ApplyPlan(s, plan, actor, now),

        SetAssignment a => Accept(s, a, actor, now, s with { Assignment = a.Assignment }, s.Status,
            $"leader {a.Assignment.Leader}; first secretary {a.Assignment.FirstSecretary.Name}"),

        ChangeProblem c => ApplyProblem(s, c, actor, now),

        SubmitMonthlyReport r => ApplyReport(s, r, actor, now, policy),

        SubmitEvaluation ev => Accept(s, ev, actor, now,
            s with
            {
                Evaluations = [.. s.Evaluations.Where(x => x.Quarter != ev.Quarter),
                    new QuarterlyEvaluation(ev.Quarter, ev.Score, ev.Class, ev.Stars, ev.Note, now, actor.Sub, policy.IsOnTime(ev.Quarter, now))],
            },
            s.Status, $"{ev.Quarter}: score {ev.Score}, class {ev.Class}, {ev.Stars} stars"),

        ApplyForAcceptance a => ApplyForAcceptance(s, a, actor, now),

        DecideAcceptance d => Accept(s, d, actor, now,
            s with { Acceptance = s.Acceptance! with { DecidedAt = now, DecidedBy = actor.Sub, Decision = d.SignOff ? "signOff" : "return",
                SatisfactionPercent = d.SatisfactionPercent, DecisionNote = d.Note } },
            d.SignOff ? SignedOff : Open,
            d.SignOff ? $"signed off, satisfaction {d.SatisfactionPercent}%" : "returned for more work"),

        Relapse r => Accept(s, r, actor, now,
            s with { Criteria = r.Criteria, Relapses = s.Relapses + 1, Acceptance = null },
            Open, $"relapsed: {string.Join(",", r.Criteria)}", criteria: r.Criteria, categories: s.Categories),

        _ => throw new ArgumentOutOfRangeException(nameof(command), command.GetType().Name),
    };

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
        var dropped = s.Problems.FirstOrDefault(p => !kept.Contains(p.Id) && p.Status != ProblemStatus.Open);
        if (dropped is not null)
        {
            return CaseRules.Conflict(s, $"Problem {dropped.Id} is {dropped.Status.ToString().ToLowerInvariant()} and stays in the ledger; it cannot be removed from the plan.");
        }
        var next = s.NextProblemNumber;
        var problems = plan.Problems.Select(p => p.Id is { } id
            ? existing[id] with { Description = p.Description, Criterion = p.Criterion, Measures = p.Measures, Target = p.Target, Deadline = p.Deadline, Responsible = p.Responsible }
            : new ProblemItem($"P{next++}", p.Description, p.Criterion, p.Measures, p.Target, p.Deadline, p.Responsible, ProblemStatus.Open, PlannedAt: now))
            .ToArray();
        return Accept(s, plan, actor, now, s with { Problems = problems, NextProblemNumber = next }, s.Status,
            $"plan of {problems.Length} problem(s)");
    }

    private static Decision ApplyProblem(CaseState s, ChangeProblem c, Actor actor, DateTimeOffset now)
    {
        var problem = s.Problems.FirstOrDefault(p => p.Id == c.ProblemId);
        if (problem is null) return CaseRules.Refuse(CaseOutcome.NotFound, $"The case has no problem {c.ProblemId}.");
        var (needs, changed) = c.Action switch
        {
            ProblemAction.Resolve => (ProblemStatus.Open, problem with { Status = ProblemStatus.Resolved, ResolvedAt = now }),
            ProblemAction.Close => (ProblemStatus.Resolved, problem with { Status = ProblemStatus.Closed, ClosedAt = now }),
            _ => (ProblemStatus.Closed, problem with { Status = ProblemStatus.Archived, ArchivedAt = now }),
        };
        if (problem.Status != needs)
        {
            return CaseRules.Conflict(s, $"Problem {problem.Id} is {Lower(problem.Status)}; '{c.Name}' needs it {Lower(needs)}.");
        }
        return Accept(s, c, actor, now, s with { Problems = s.Problems.Select(p => p.Id == c.ProblemId ? changed : p).ToArray() },
            s.Status, $"problem {problem.Id} {Lower(changed.Status)}");
    }

    private static Decision ApplyReport(CaseState s, SubmitMonthlyReport r, Actor actor, DateTimeOffset now, DuePolicy policy)
    {
        var previous = s.Reports.FirstOrDefault(x => x.Month == r.Month);
        // A correction keeps the first receipt: on time or late is decided by when the report first arrived.
        var report = previous is null
            ? new MonthlyReport(r.Month, r.Figures, now, policy.DueOn(r.Month), policy.IsOnTime(r.Month, now), actor.Sub)
            : previous with { Figures = r.Figures, By = actor.Sub, Revisions = previous.Revisions + 1 };
        var detail = previous is null
            ? $"{r.Month} report {(report.OnTime ? "on time" : "late")}"
            : $"{r.Month} report corrected (revision {report.Revisions})";
        return Accept(s, r, actor, now, s with { Reports = [.. s.Reports.Where(x => x.Month != r.Month), report] }, s.Status, detail);
    }

    private static Decision ApplyForAcceptance(CaseState s, ApplyForAcceptance a, Actor actor, DateTimeOffset now)
    {
        if (s.Problems.Length == 0) return CaseRules.Conflict(s, "The plan has no problems yet; nothing can be accepted.");
        var open = s.Problems.Where(p => p.Status is ProblemStatus.Open or ProblemStatus.Resolved).Select(p => p.Id).ToArray();
        if (open.Length > 0) return CaseRules.Conflict(s, $"Every problem must be closed first; not closed: {string.Join(", ", open)}.");
        return Accept(s, a, actor, now, s with { Acceptance = new Acceptance(now, actor.Sub, a.Note) }, AcceptanceRequested, "applied for sign-off");
    }

    private static Accepted Accept(CaseState before, CaseCommand command, Actor actor, DateTimeOffset now, CaseState after,
        CaseStatus to, string detail, string[]? criteria = null, string[]? categories = null)
    {
        var entry = new HistoryEntry(before.Version + 1, now, actor.Sub, actor.Role, command.Name, before.Status, to, detail, criteria, categories);
        return new Accepted(after with { Status = to, Version = entry.Version, History = [.. after.History, entry] }, entry);
    }

    private static string Lower(ProblemStatus s) => s.ToString().ToLowerInvariant();

    private static string Wire(FindingSource s) => char.ToLowerInvariant(s.ToString()[0]) + s.ToString()[1..];
}
