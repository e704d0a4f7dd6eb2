using Rectification.Cases;
using Rectification.Periods;

namespace Rectification.Villages;

/// <summary>
/// Whether a case is on track for its yearly member-development targets (seed 002: 年内至少新发展1名党员、
/// 新确定3名入党积极分子和3-5名村干部后备人选), month by month, from its monthly reports. A year's target is
/// spread over the months the case spends in the ledger that year: after k such months the case must
/// have developed at least ⌊target × k / 12⌋ of each kind, counting the reports for the year's months
/// up to this one. So a case in the ledger all year meets the whole target by December, and one
/// opened in October is held to a quarter of it.
/// </summary>
public static class MemberProgress
{
    /// <summary>One month's standing: a struct, as a digest rebuilt on every command asks for years of them.</summary>
    public readonly record struct Month(Period Period, bool OnTrack);

    /// <summary>
    /// The case's standing for every month it was in the ledger, up to December of the year after the
    /// last thing it recorded: no digest is rebuilt as time passes, so a case silent for longer keeps
    /// the standing of that December (docs/campaign.md).
    /// </summary>
    public static IEnumerable<Month> Months(CaseState s, IReadOnlyList<LedgerSpans.Span> inLedger, DuePolicy policy)
    {
        if (inLedger.Count == 0 || s.History.Length == 0) yield break;
        var last = policy.LocalDate(s.History[^1].At).Year;
        var reports = new Dictionary<Period, ReportFigures>(s.Reports.Length);
        foreach (var r in s.Reports)
        {
            reports[r.Month] = r.Figures;
            last = Math.Max(last, r.Month.Year);
        }
        for (var year = inLedger[0].From.Year; year <= last + 1; year++)
        {
            var targets = s.TargetsFor(year);
            var (members, activists, cadres, k) = (0, 0, 0, 0);
            for (var m = 1; m <= 12; m++)
            {
                var month = Period.Month(year, m);
                if (!LedgerSpans.InLedgerDuring(inLedger, month)) continue;
                k++;
                if (reports.TryGetValue(month, out var figures))
                {
                    members += figures.NewMembers;
                    activists += figures.Activists;
                    cadres += figures.ReserveCadres;
                }
                var onTrack = members >= targets.NewMembers * k / 12 && activists >= targets.Activists * k / 12
                    && cadres >= targets.ReserveCadres * k / 12;
                yield return new Month(month, onTrack);
            }
        }
    }
}
