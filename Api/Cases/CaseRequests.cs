using Rectification.Cases;
using Rectification.Periods;

namespace Rectification.Api.Cases;

/// <summary>
/// Request bodies as portals send them. Fields are nullable so that a missing one is reported by name
/// (400) instead of failing JSON binding; each body turns into a command or a list of field errors.
/// </summary>
public static class CaseRequests
{
    public sealed record FindingBody(string? Source, string[]? Criteria, string? Note);
    public sealed record ProposalBody(string[]? Criteria, string[]? Categories, string? Reason);
    public sealed record DecisionBody(string? Decision, string? Note);
    public sealed record PlanBody(ProblemBody[]? Problems);
    public sealed record ProblemBody(string? Id, string? Description, string? Criterion, string[]? Measures, string? Target, DateOnly? Deadline, string? Responsible);
    public sealed record AssignmentBody(string? Leader, string? WorkingGroup, DepartmentBody? HelpingDepartment, FirstSecretaryBody? FirstSecretary);
    public sealed record DepartmentBody(string? Name, string? Type);
    public sealed record FirstSecretaryBody(string? Name, DateOnly? DispatchedOn);
    public sealed record ReportBody(int? ProblemsResolved, int? MeasuresDone, decimal? FundsYuan, int? Projects, int? Trainings,
        int? NewMembers, int? Activists, int? ReserveCadres, string? Narrative);
    public sealed record EvaluationBody(int? Score, int? Class, int? Stars, string? Note);
    public sealed record NoteBody(string? Note);
    public sealed record AcceptanceDecisionBody(string? Decision, decimal? SatisfactionPercent, string? Note);
    public sealed record RelapseBody(string[]? Criteria, string? Reason);

    public sealed class Errors : Dictionary<string, string[]>
    {
        public void Add(string field, string message) => this[field] = TryGetValue(field, out var m) ? [.. m, message] : [message];
        public T Required<T>(string field, T? value) where T : struct
        {
            if (value is null) Add(field, "Required.");
            return value ?? default;
        }
    }

    public static CaseCommand Finding(FindingBody b, Errors e)
    {
        var source = b.Source switch
        {
            "selfCheck" => FindingSource.SelfCheck,
            "publicEvaluation" => FindingSource.PublicEvaluation,
            "fieldInvestigation" => FindingSource.FieldInvestigation,
            "inspection" => FindingSource.Inspection,
            _ => Bad(e, "source", "One of selfCheck, publicEvaluation, fieldInvestigation, inspection.", FindingSource.SelfCheck),
        };
        return new RecordFinding(source, b.Criteria ?? [], b.Note);
    }

    public static CaseCommand Proposal(ProposalBody b) => new Propose(b.Criteria ?? [], b.Categories ?? [], b.Reason ?? "");

    public static CaseCommand Review(DecisionBody b, Errors e) => new Review(b.Decision switch
    {
        "confirm" => true,
        "reject" => false,
        _ => Bad(e, "decision", "confirm or reject.", false),
    }, b.Note);

    public static CaseCommand Approval(DecisionBody b, Errors e) => new Approve(b.Decision switch
    {
        "approve" => true,
        "reject" => false,
        _ => Bad(e, "decision", "approve or reject.", false),
    }, b.Note);

    public static CaseCommand Plan(PlanBody b, Errors e) => new SetPlan((b.Problems ?? []).Select((p, i) =>
        new PlannedProblem(p.Id, p.Description ?? "", p.Criterion ?? "", p.Measures ?? [], p.Target ?? "",
            e.Required($"problems[{i}].deadline", p.Deadline), p.Responsible ?? "")).ToArray());

    public static CaseCommand Assignment(AssignmentBody b, Errors e)
    {
        var type = b.HelpingDepartment?.Type switch
        {
            "partyMass" => DepartmentType.PartyMass,
            "economic" => DepartmentType.Economic,
            "politicalLegal" => DepartmentType.PoliticalLegal,
            _ => Bad(e, "helpingDepartment.type", "partyMass, economic or politicalLegal.", DepartmentType.PartyMass),
        };
        var dispatched = e.Required("firstSecretary.dispatchedOn", b.FirstSecretary?.DispatchedOn);
        return new SetAssignment(new Assignment(b.Leader ?? "", b.WorkingGroup ?? "",
            new HelpingDepartment(b.HelpingDepartment?.Name ?? "", type), new FirstSecretary(b.FirstSecretary?.Name ?? "", dispatched)));
    }

    public static CaseCommand Report(string month, ReportBody b, Errors e) => new SubmitMonthlyReport(
        ParsePeriod(month, PeriodKind.Month, "month", e),
        new ReportFigures(e.Required("problemsResolved", b.ProblemsResolved), e.Required("measuresDone", b.MeasuresDone),
            b.FundsYuan ?? 0, b.Projects ?? 0, b.Trainings ?? 0, b.NewMembers ?? 0, b.Activists ?? 0, b.ReserveCadres ?? 0, b.Narrative));

    public static CaseCommand Evaluation(string quarter, EvaluationBody b, Errors e) => new SubmitEvaluation(
        ParsePeriod(quarter, PeriodKind.Quarter, "quarter", e),
        e.Required("score", b.Score), e.Required("class", b.Class), e.Required("stars", b.Stars), b.Note);

    public static CaseCommand AcceptanceDecision(AcceptanceDecisionBody b, Errors e) => new DecideAcceptance(b.Decision switch
    {
        "signOff" => true,
        "return" => false,
        _ => Bad(e, "decision", "signOff or return.", false),
    }, b.SatisfactionPercent, b.Note);

    public static CaseCommand Relapse(RelapseBody b) => new Relapse(b.Criteria ?? [], b.Reason ?? "");

    public static Period ParsePeriod(string text, PeriodKind kind, string field, Errors e)
    {
        if (Period.TryParse(text, out var p) && p.Kind == kind) return p;
        e.Add(field, kind switch
        {
            PeriodKind.Month => "A month such as 2026-10.",
            PeriodKind.Quarter => "A quarter such as 2026-Q4.",
            _ => "A half month such as 2026-10-H1.",
        });
        return p;
    }

    private static T Bad<T>(Errors e, string field, string message, T fallback)
    {
        e.Add(field, message);
        return fallback;
    }
}
