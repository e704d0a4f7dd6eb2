using Rectification.Cases;

namespace Rectification.ReadModel;

/// <summary>
/// What the ledger and its export show of a case's work around its plan (issue #12), kept as one JSON
/// column of the read model: pairs (the workload of excellent secretaries reads them), support landed,
/// trainings, secretary actions, accountability, the latest activity plan, and whether the helping
/// department fits the case's lagging categories; the months of its activity plans and the years it was
/// rated class three (for the campaign sweep). Figures that depend on the day asked (member targets,
/// plans missing) are read off the case's digest instead.
/// </summary>
public sealed record CaseWork(
    PairRow[] Pairings, int PairsInForce, decimal FundsLandedYuan, int ProjectsLanded, int Trainings, int TrainingDays,
    int SecretaryActions, string? LastSecretaryAction, int Accountability, string? LastActivityPlan, bool? FourOnesFits,
    string[] ActivityPlanMonths, int[] ClassThreeYears)
{
    public static CaseWork Of(CaseState s)
    {
        var landed = s.Pairings.SelectMany(p => p.Landed).ToList();
        var last = s.SecretaryActions.OrderBy(a => a.On).ThenBy(a => a.Id.Length).ThenBy(a => a.Id, StringComparer.Ordinal).LastOrDefault();
        return new CaseWork(
            [.. s.Pairings.Select(p => new PairRow(p.Id, Wire(p.Kind), p.Partner, p.PartnerUnit, p.Since, p.EndedOn))],
            s.Pairings.Count(p => p.EndedOn is null), landed.Sum(l => l.FundsYuan), landed.Sum(l => l.Projects),
            s.Trainings.Length, s.Trainings.Sum(t => t.Days), s.SecretaryActions.Length,
            last is null ? null : $"{Wire(last.Kind)} {last.On:yyyy-MM-dd}", s.Accountability.Length,
            s.ActivityPlans.Select(p => p.Month).OrderBy(m => m.Start).LastOrDefault() is { Year: > 0 } m ? m.ToString() : null,
            s.Assignment is { HelpingDepartment.Type: var type } ? DepartmentMatch.Fits(type, s.Categories) : null,
            [.. s.ActivityPlans.Select(p => p.Month.ToString()).Order(StringComparer.Ordinal)],
            // A year's assessment is its latest quarterly evaluation (the screening suggestions read it: Baoji's 考核三类村).
            [.. s.Evaluations.GroupBy(e => e.Quarter.Year).Where(g => g.MaxBy(e => e.Quarter.Number)!.Class == 3).Select(g => g.Key).Order()]);
    }

    /// <summary>
    /// The organization's secretary as its secretary actions leave it: the new secretary of the latest
    /// replacement or dispatch, or vacant from the day of a later removal; null when no action names one.
    /// </summary>
    public static (string? Name, string? Contact, DateOnly? VacantSince)? Secretary(CaseState s)
    {
        var last = s.SecretaryActions
            .Where(a => a.Appoints || a.Kind == SecretaryActionKind.Remove)
            .OrderBy(a => a.On).ThenBy(a => a.Id.Length).ThenBy(a => a.Id, StringComparer.Ordinal)
            .LastOrDefault();
        if (last is null) return null;
        return last.Appoints ? (last.NewSecretary, last.NewSecretaryContact, null) : (null, null, last.On);
    }

    private static string Wire<T>(T value) where T : Enum => char.ToLowerInvariant(value.ToString()[0]) + value.ToString()[1..];
}

/// <summary>One pair as the read model keeps it.</summary>
public sealed record PairRow(string Id, string Kind, string Partner, string? PartnerUnit, DateOnly Since, DateOnly? EndedOn);
