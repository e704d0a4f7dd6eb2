using Rectification.Cases;
using Rectification.Periods;

namespace Rectification.Api.Cases;

/// <summary>The case as portals read it. Idempotency bookkeeping stays inside.</summary>
public sealed record CaseDto(
    string Code, string Name, CaseStatus Status, int Version, string[] Criteria, string[] Categories,
    Finding[] Findings, PlanDto Plan, Assignment? Assignment, MonthlyReport[] Reports, QuarterlyEvaluation[] Evaluations,
    Acceptance? Acceptance, int Relapses, string[] AllowedCommands);

public sealed record PlanDto(ProblemItem[] Problems);

/// <summary>One accepted change: who, when, which command, the note or reason it carried, and each field before and after.</summary>
public sealed record HistoryDto(int Version, DateTimeOffset At, string By, Role Role, string Command, CaseStatus From, CaseStatus To,
    string Detail, string? Note, FieldChange[] Changes);

public static class CaseDtoExtensions
{
    public static CaseDto ToDto(this CaseState s, string name) => new(
        s.Code, name, s.Status, s.Version, s.Criteria, s.Categories, s.Findings, new PlanDto(s.Problems), s.Assignment,
        s.Reports.OrderBy(r => r.Month.Start).ToArray(), s.Evaluations.OrderBy(e => e.Quarter.Start).ToArray(),
        s.Acceptance, s.Relapses, CaseLifecycle.AllowedIn(s.Status));

    public static HistoryDto ToDto(this HistoryEntry h) => new(h.Version, h.At, h.By, h.Role, h.Command, h.From, h.To, h.Detail, h.Note, h.Changes ?? []);
}
