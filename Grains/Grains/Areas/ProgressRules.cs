using Rectification.Areas;
using Rectification.Cases;
using Rectification.Periods;
using Rectification.Units;

namespace Rectification.Areas;

/// <summary>Rules for a township's half-monthly progress report: who, which period, what figures, which version.</summary>
public static class ProgressRules
{
    public static ProgressResult Decide(string township, TownshipProgress? previous, ProgressInput input, Actor actor,
        int? ifMatch, DateTimeOffset now, DuePolicy policy)
    {
        if (actor.Role < Role.Reporter) return new ProgressResult(CaseOutcome.Forbidden, Detail: "Progress reports need the role reporter or higher.");
        if (actor.Level > UnitLevel.Township) return new ProgressResult(CaseOutcome.Forbidden, Detail: "A township (or a unit above it) reports progress.");
        var errors = new Dictionary<string, string[]>();
        if (input.HalfMonth.Kind != PeriodKind.HalfMonth) errors["halfMonth"] = ["A half month such as 2026-10-H1."];
        else if (!policy.HasStarted(input.HalfMonth, now)) errors["halfMonth"] = [$"{input.HalfMonth} has not started yet."];
        if (input.CasesVisited is < 0 or > 100_000) errors["casesVisited"] = ["Between 0 and 100000."];
        if (input.ProblemsResolved is < 0 or > 100_000) errors["problemsResolved"] = ["Between 0 and 100000."];
        if (input.Narrative is { Length: > 8000 }) errors["narrative"] = ["At most 8000 characters."];
        else if (!TextRules.IsClean(input.Narrative)) errors["narrative"] = [TextRules.Message];
        if (errors.Count > 0) return new ProgressResult(CaseOutcome.Invalid, Detail: "The request is not valid.", Errors: errors);
        if (ifMatch is { } expected && expected != (previous?.Version ?? 0))
        {
            return new ProgressResult(CaseOutcome.PreconditionFailed,
                Detail: previous is null ? $"If-Match names version {expected}; {township} has not reported {input.HalfMonth} yet."
                                         : $"If-Match names version {expected}; the report is at version {previous.Version}.");
        }

        // A correction keeps the first receipt time, which decides on time or late, and the revision it replaces.
        var progress = previous is null
            ? new TownshipProgress(township, input.HalfMonth, input.CasesVisited, input.ProblemsResolved, input.Narrative, now,
                policy.DueOn(input.HalfMonth), policy.IsOnTime(input.HalfMonth, now), actor.Sub)
            : previous with
            {
                CasesVisited = input.CasesVisited, ProblemsResolved = input.ProblemsResolved, Narrative = input.Narrative, By = actor.Sub,
                Revisions = previous.Revisions + 1, RevisedAt = now,
                Earlier = [.. previous.Earlier ?? [], new ProgressRevision(previous.Version, previous.CasesVisited, previous.ProblemsResolved,
                    previous.Narrative, previous.By, previous.RevisedAt ?? previous.ReceivedAt)],
            };
        return new ProgressResult(CaseOutcome.Accepted, progress);
    }
}
