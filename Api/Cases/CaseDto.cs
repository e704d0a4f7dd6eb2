using Rectification.Cases;
using Rectification.Periods;

namespace Rectification.Api.Cases;

/// <summary>The case as portals read it. Idempotency bookkeeping stays inside.</summary>
public sealed record CaseDto(
    string Code, string Name, CaseStatus Status, int Version, string[] Criteria, string[] Categories,
    Finding[] Findings, PlanDto Plan, Assignment? Assignment, MonthlyReport[] Reports, QuarterlyEvaluation[] Evaluations,
    Acceptance? Acceptance, int Relapses, string[] AllowedCommands,
    Pairing[] Pairings, MemberTargetsDto MemberTargets, Training[] Trainings, SecretaryAction[] SecretaryActions,
    AccountabilityRecord[] Accountability, ActivityPlan[] ActivityPlans, FourOnesMatchDto? FourOnesMatch)
{
    /// <summary>Of <see cref="AllowedCommands"/>, those the caller may take: role and unit level, and separation of duties (<see cref="CaseLifecycle.CommandsFor"/>).</summary>
    public string[] CallerCommands { get; init; } = [];
}

/// <summary>This year's member-development targets and what the monthly reports have developed so far this year.</summary>
public sealed record MemberTargetsDto(int Year, MemberTargets Targets, MemberCounts Achieved, MemberTargets[] SetByYear);

public sealed record MemberCounts(int NewMembers, int Activists, int ReserveCadres);

/// <summary>Whether the helping department's type fits the case's lagging categories (党群包软、经济包穷、政法包乱), and which types would.</summary>
public sealed record FourOnesMatchDto(bool Fits, DepartmentType Department, DepartmentType[] Fitting);

public sealed record PlanDto(ProblemItem[] Problems);

/// <summary>One accepted change: who, when, which command, the note or reason it carried, and each field before and after.</summary>
public sealed record HistoryDto(int Version, DateTimeOffset At, string By, Role Role, string Command, CaseStatus From, CaseStatus To,
    string Detail, string? Note, FieldChange[] Changes);

public static class CaseDtoExtensions
{
    /// <param name="personal">Whether the caller's role sees personal data: new secretaries' contacts are left out otherwise.</param>
    public static CaseDto ToDto(this CaseState s, string name, DateOnly today, bool personal)
    {
        var year = s.Reports.Where(r => r.Month.Year == today.Year).ToList();
        var achieved = new MemberCounts(year.Sum(r => r.Figures.NewMembers), year.Sum(r => r.Figures.Activists), year.Sum(r => r.Figures.ReserveCadres));
        var match = s.Assignment is { HelpingDepartment.Type: var type }
            ? new FourOnesMatchDto(DepartmentMatch.Fits(type, s.Categories), type, DepartmentMatch.Fitting(s.Categories))
            : null;
        return new(
            s.Code, name, s.Status, s.Version, s.Criteria, s.Categories, s.Findings, new PlanDto(s.Problems), s.Assignment,
            s.Reports.OrderBy(r => r.Month.Start).ToArray(), s.Evaluations.OrderBy(e => e.Quarter.Start).ToArray(),
            s.Acceptance, s.Relapses, CaseLifecycle.AllowedIn(s.Status),
            s.Pairings, new MemberTargetsDto(today.Year, s.TargetsFor(today.Year), achieved, [.. s.MemberTargets.OrderBy(t => t.Year)]),
            s.Trainings, personal ? s.SecretaryActions : [.. s.SecretaryActions.Select(a => a with { NewSecretaryContact = null })],
            s.Accountability, [.. s.ActivityPlans.OrderBy(p => p.Month.Start)], match);
    }

    public static HistoryDto ToDto(this HistoryEntry h) => new(h.Version, h.At, h.By, h.Role, h.Command, h.From, h.To, h.Detail, h.Note, h.Changes ?? []);
}
