using System.Text.Json;
using System.Text.RegularExpressions;
using Rectification.Periods;
using Rectification.Rollup;

namespace Rectification.Api.Ledger;

/// <summary>
/// The summary figures a ledger can be opened at (drill-through), and each case's value of one of
/// them. The value is read off the case's own digest by the same <see cref="SummaryEvaluator"/> that
/// reads a unit's summary off the sum of its cases' digests, and the evaluator is linear: so the values
/// of a subtree's cases add up to the unit's figure, for every figure, level and period.
/// </summary>
public static partial class CaseFigures
{
    [GeneratedRegex("^(cases\\.byStatus\\.(screened|proposed|reviewed|open|acceptanceRequested|signedOff|rejected)"
        + "|cases\\.(active|opened|signedOff|relapsed)"
        + "|byCriterion\\.[A-Z][A-Z0-9]{0,9}|byLaggingCategory\\.[A-Z][A-Z0-9]{0,9}"
        + "|problems\\.(open|resolved|closed|archived|overdue)"
        + "|fourOnes\\.(covered|missing|mismatched)"
        + "|pairing\\.(pairs|villagesPaired|unpaired|byKind\\.(excellentSecretary|organ|enterprise))"
        + "|memberTargets\\.(onTrack|behind)"
        + "|trainings\\.records|secretaries\\.(removed|replaced|trained|dispatched|newTrained|newUntrained)"
        + "|accountability\\.(payDeduction|admonishmentTalk|removal|other|assessmentLinked)"
        + "|activityPlans\\.(due|onTime|late|missing|pending)"
        + "|reports\\.(due|onTime|late|missing|pending)"
        + "|evaluations\\.count)$")]
    private static partial Regex Known();

    public const string Help = "A figure of the summary that counts cases, e.g. cases.active, cases.byStatus.open, byCriterion.C3, "
        + "byLaggingCategory.L1, problems.overdue, fourOnes.missing, fourOnes.mismatched, reports.missing, reports.late, pairing.unpaired, "
        + "memberTargets.behind, secretaries.newUntrained, accountability.removal, activityPlans.missing.";

    public static bool IsKnown(string? figure) => figure is not null && Known().IsMatch(figure);

    /// <summary>
    /// Figures that count cases: a case adds at most one. The others count problems (problems.*) or
    /// case-months (reports.* over a quarter), so a case adds its number of them.
    /// </summary>
    public static bool CountsCases(string figure, Period period) =>
        !figure.StartsWith("problems.", StringComparison.Ordinal)
        && !((figure.StartsWith("reports.", StringComparison.Ordinal) || figure.StartsWith("activityPlans.", StringComparison.Ordinal)) && period.Kind != PeriodKind.Month)
        && !(figure.StartsWith("pairing.", StringComparison.Ordinal) && figure is not ("pairing.villagesPaired" or "pairing.unpaired"))
        && !figure.StartsWith("trainings.", StringComparison.Ordinal) && !figure.StartsWith("accountability.", StringComparison.Ordinal)
        && !(figure.StartsWith("secretaries.", StringComparison.Ordinal));

    public static long ValueOf(string digestJson, string figure, Period period, DateOnly today, DuePolicy policy)
    {
        var counters = JsonSerializer.Deserialize<Dictionary<string, Dictionary<int, long>>>(digestJson) ?? [];
        return SummaryEvaluator.Evaluate(counters, period, today, policy).GetValueOrDefault(figure);
    }
}
