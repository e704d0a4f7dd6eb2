using Rectification.Cases;

namespace Rectification.ReadModel;

/// <summary>
/// What a ledger row (台账) shows of a case beyond its status and counts, computed once when the case
/// changes: the day it entered the ledger, its latest monthly report, the deadlines still running
/// (so "overdue today" is a date comparison in SQL), and its main problems and measures as the printed
/// lists show them.
/// </summary>
public sealed record LedgerRow(DateOnly? OpenedOn, string? LastReportMonth, bool? LastReportOnTime, DateOnly[] OpenDeadlines,
    string? MainProblems, string? Measures)
{
    private const int MaxText = 4000;

    public static LedgerRow Of(CaseState s, Periods.DuePolicy policy)
    {
        // Entered the ledger: the first approval that opened it, or the import that brought it in open.
        var opened = s.History.FirstOrDefault(h => h.To == CaseStatus.Open && h.Command is "approval" or "import");
        var last = s.Reports.MaxBy(r => r.Month.Start);
        var running = s.Problems.Where(p => p.ClosedAt is null && p.ArchivedAt is null).Select(p => p.Deadline).Order().ToArray();
        var problems = string.Join("；", s.Problems.Select(p => p.Description));
        var measures = string.Join("；", s.Problems.SelectMany(p => p.Measures).Distinct());
        return new LedgerRow(
            opened is null ? null : policy.LocalDate(opened.At),
            last?.Month.ToString(), last?.OnTime, running, Clip(problems), Clip(measures));
    }

    private static string? Clip(string text) => text.Length == 0 ? null : text.Length <= MaxText ? text : text[..(MaxText - 1)] + "…";
}
