using System.Text.RegularExpressions;
using Rectification.Cases;
using Rectification.Periods;

namespace Rectification.Villages;

/// <summary>Input rules for each command, named by the request field they concern.</summary>
public static partial class CaseValidation
{
    private const int MaxText = 2000;

    [GeneratedRegex("^[A-Z][A-Z0-9]{0,9}$")]
    private static partial Regex CriterionCode();

    public static Dictionary<string, string[]> Check(CaseCommand command, DateTimeOffset now, DuePolicy policy)
    {
        var e = new Errors();
        switch (command)
        {
            case RecordFinding f:
                Codes(e, "criteria", f.Criteria, required: true);
                e.MaxLength("note", f.Note);
                break;
            case Propose p:
                Codes(e, "criteria", p.Criteria, required: true);
                Codes(e, "categories", p.Categories, required: false);
                e.Required("reason", p.Reason);
                break;
            case Review r:
                e.MaxLength("note", r.Note);
                break;
            case Approve a:
                e.MaxLength("note", a.Note);
                break;
            case SetPlan plan:
                CheckPlan(e, plan);
                break;
            case SetAssignment { Assignment: var a }:
                e.Required("leader", a.Leader);
                e.Required("workingGroup", a.WorkingGroup);
                e.Required("helpingDepartment.name", a.HelpingDepartment?.Name);
                e.Required("firstSecretary.name", a.FirstSecretary?.Name);
                break;
            case SubmitMonthlyReport r:
                CheckPeriod(e, "month", r.Month, PeriodKind.Month, now, policy);
                CheckFigures(e, r.Figures);
                break;
            case SubmitEvaluation ev:
                CheckPeriod(e, "quarter", ev.Quarter, PeriodKind.Quarter, now, policy);
                if (ev.Score is < 0 or > 100) e.Add("score", "Between 0 and 100.");
                if (ev.Class is < 1 or > 3) e.Add("class", "1, 2 or 3 (一类/二类/三类).");
                if (ev.Stars is < 0 or > 10) e.Add("stars", "Between 0 and 10.");
                e.MaxLength("note", ev.Note);
                break;
            case ApplyForAcceptance a:
                e.MaxLength("note", a.Note);
                break;
            case DecideAcceptance d:
                if (d.SignOff && d.SatisfactionPercent is null) e.Add("satisfactionPercent", "Required to sign a case off.");
                if (d.SatisfactionPercent is < 0 or > 100) e.Add("satisfactionPercent", "Between 0 and 100.");
                e.MaxLength("note", d.Note);
                break;
            case Relapse r:
                Codes(e, "criteria", r.Criteria, required: true);
                e.Required("reason", r.Reason);
                break;
            case ImportCase i:
                CheckImport(e, i, policy.LocalDate(now));
                break;
            default:
                CampaignValidation.Check(command, policy.LocalDate(now), e.Add, e.Required, e.MaxLength);
                break;
        }
        return e.Result;
    }

    private static void CheckPlan(Errors e, SetPlan plan)
    {
        if (plan.Problems is null || plan.Problems.Length == 0) { e.Add("problems", "At least one problem."); return; }
        if (plan.Problems.Length > 200) e.Add("problems", "At most 200 problems.");
        for (var i = 0; i < plan.Problems.Length; i++)
        {
            var p = plan.Problems[i];
            var at = $"problems[{i}]";
            e.Required($"{at}.description", p.Description);
            if (p.Criterion is null || !CriterionCode().IsMatch(p.Criterion)) e.Add($"{at}.criterion", "A criterion code such as C1 or F3.");
            if (p.Measures is null || p.Measures.Length == 0 || p.Measures.Any(string.IsNullOrWhiteSpace)) e.Add($"{at}.measures", "At least one measure, none empty.");
            e.Required($"{at}.target", p.Target);
            e.Required($"{at}.responsible", p.Responsible);
            foreach (var (m, j) in (p.Measures ?? []).Select((m, j) => (m, j))) e.MaxLength($"{at}.measures[{j}]", m);
            if (p.Deadline.Year < 2000) e.Add($"{at}.deadline", "A date (yyyy-MM-dd).");
        }
        var ids = plan.Problems.Where(p => p.Id is not null).Select(p => p.Id).ToList();
        if (ids.Count != ids.Distinct().Count()) e.Add("problems", "Problem ids must be unique.");
    }

    private static void CheckImport(Errors e, ImportCase i, DateOnly today)
    {
        if (i.Status is not (CaseStatus.Proposed or CaseStatus.Reviewed or CaseStatus.Open))
        {
            e.Add("status", "proposed, reviewed or open: an import brings a case in up to open.");
        }
        Codes(e, "criteria", i.Criteria, required: true);
        Codes(e, "categories", i.Categories, required: false);
        if (i.Status == CaseStatus.Open)
        {
            if (i.OpenedOn is not { } on) e.Add("openedOn", "Required for an open case: the day it entered the ledger.");
            else if (on.Year < 2000 || on > today) e.Add("openedOn", $"A day from 2000-01-01 to today ({today:yyyy-MM-dd}).");
            if (i.Problems.Length > 0) CheckPlan(e, new SetPlan(i.Problems));
            if (i.Assignment is { } a)
            {
                e.Required("leader", a.Leader);
                e.Required("workingGroup", a.WorkingGroup);
                e.Required("helpingDepartment.name", a.HelpingDepartment?.Name);
                e.Required("firstSecretary.name", a.FirstSecretary?.Name);
            }
        }
        else
        {
            if (i.OpenedOn is not null) e.Add("openedOn", "Only an open case has a day it entered the ledger.");
            if (i.Problems.Length > 0) e.Add("problems", "Only an open case has a plan.");
            if (i.Assignment is not null) e.Add("assignment", "Only an open case has the four ones.");
        }
        if (i.Problems.Any(p => p.Id is not null)) e.Add("problems", "Imported problems are numbered by the case; leave their ids out.");
    }

    private static void CheckPeriod(Errors e, string field, Period p, PeriodKind kind, DateTimeOffset now, DuePolicy policy)
    {
        if (p.Kind != kind) e.Add(field, $"A {kind.ToString().ToLowerInvariant()} period.");
        else if (!policy.HasStarted(p, now)) e.Add(field, $"{p} has not started yet.");
    }

    /// <summary>
    /// Upper bounds a month of one organization's work cannot plausibly exceed: support funds up to
    /// 100 million yuan (一亿元) in fen, counts of people and projects up to a thousand. They keep every
    /// accepted value far inside its column (numeric(16,2), integer) and a typing slip out of the totals.
    /// </summary>
    public const decimal MaxFundsYuan = 100_000_000m;
    public const int MaxCount = 1_000;

    private static void CheckFigures(Errors e, ReportFigures f)
    {
        Count(e, "problemsResolved", f.ProblemsResolved);
        Count(e, "measuresDone", f.MeasuresDone, 10 * MaxCount);
        if (f.FundsYuan < 0 || f.FundsYuan > MaxFundsYuan) e.Add("fundsYuan", $"Between 0 and {MaxFundsYuan:0} yuan.");
        else if (decimal.Round(f.FundsYuan, 2) != f.FundsYuan) e.Add("fundsYuan", "At most two decimals (fen).");
        Count(e, "projects", f.Projects);
        Count(e, "trainings", f.Trainings);
        Count(e, "newMembers", f.NewMembers);
        Count(e, "activists", f.Activists);
        Count(e, "reserveCadres", f.ReserveCadres);
        if (f.Narrative is { Length: > 4 * MaxText }) e.Add("narrative", $"At most {4 * MaxText} characters.");
        else if (!TextRules.IsClean(f.Narrative)) e.Add("narrative", TextRules.Message);
    }

    internal static void Count(Action<string, string> add, string field, int value, int max = MaxCount)
    {
        if (value < 0 || value > max) add(field, $"Between 0 and {max}.");
    }

    internal static void Funds(Action<string, string> add, string field, decimal yuan)
    {
        if (yuan < 0 || yuan > MaxFundsYuan) add(field, $"Between 0 and {MaxFundsYuan:0} yuan.");
        else if (decimal.Round(yuan, 2) != yuan) add(field, "At most two decimals (fen).");
    }

    private static void Count(Errors e, string field, int value, int max = MaxCount)
    {
        if (value < 0 || value > max) e.Add(field, $"Between 0 and {max}.");
    }

    private static void Codes(Errors e, string field, string[]? codes, bool required)
    {
        if (codes is null || codes.Length == 0)
        {
            if (required) e.Add(field, "At least one criterion code.");
            return;
        }
        foreach (var bad in codes.Where(c => c is null || !CriterionCode().IsMatch(c)))
        {
            e.Add(field, $"'{bad}' is not a criterion code.");
        }
        if (codes.Length != codes.Distinct().Count()) e.Add(field, "Codes must not repeat.");
    }

    private sealed class Errors
    {
        public Dictionary<string, string[]> Result { get; } = [];

        public void Add(string field, string message) =>
            Result[field] = Result.TryGetValue(field, out var existing) ? [.. existing, message] : [message];

        public void Required(string field, string? value)
        {
            if (string.IsNullOrWhiteSpace(value)) Add(field, "Required.");
            else MaxLength(field, value);
        }

        public void MaxLength(string field, string? value)
        {
            if (value is { Length: > MaxText }) Add(field, $"At most {MaxText} characters.");
            else if (!TextRules.IsClean(value)) Add(field, TextRules.Message);
        }
    }
}
