using Rectification.Cases;
using Rectification.Periods;

namespace Rectification.Villages;

/// <summary>
/// The spans of days in which a case was in the ledger (台账: open or acceptance requested), read off
/// its history in China time. A span includes its first day and excludes its last: a case signed off
/// on 20 December was in the ledger until the 19th. The reporting windows and the "owed" figures both
/// read these spans, so a rule and a figure cannot disagree about when a case was in the ledger.
/// </summary>
public static class LedgerSpans
{
    public readonly record struct Span(DateOnly From, DateOnly? Until)
    {
        public bool Overlaps(Period p) => From <= p.End && (Until is null || Until.Value > p.Start);
    }

    public static IReadOnlyList<Span> Of(IEnumerable<HistoryEntry> history, DuePolicy policy)
    {
        var spans = new List<Span>();
        DateOnly? from = null;
        foreach (var e in history)
        {
            var day = policy.LocalDate(e.At);
            if (e.To.IsActive() && from is null) from = day;
            else if (!e.To.IsActive() && from is { } f)
            {
                if (day > f) spans.Add(new Span(f, day));
                from = null;
            }
        }
        if (from is { } open) spans.Add(new Span(open, null));
        return spans;
    }

    /// <summary>
    /// The spans in which the case owes monthly reports: a case that enters the ledger after its
    /// month's due day owes its first report for the next month (it could not have reported in time),
    /// so its span starts on the first of that month; a span that ends before then owes nothing.
    /// </summary>
    public static IReadOnlyList<Span> Owing(IReadOnlyList<Span> spans, DuePolicy policy)
    {
        var owing = new List<Span>(spans.Count);
        foreach (var s in spans)
        {
            var month = Period.MonthOf(s.From);
            var from = s.From <= policy.DueOn(month) ? s.From : month.Next.Start;
            if (s.Until is null || s.Until.Value > from) owing.Add(new Span(from, s.Until));
        }
        return owing;
    }

    public static bool InLedgerDuring(IReadOnlyList<Span> spans, Period p)
    {
        for (var i = 0; i < spans.Count; i++) if (spans[i].Overlaps(p)) return true;
        return false;
    }
}
