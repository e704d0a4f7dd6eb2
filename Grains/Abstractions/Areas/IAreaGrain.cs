using Rectification.Cases;
using Rectification.Periods;
using Rectification.Rollup;

namespace Rectification.Areas;

/// <summary>
/// A unit above the village (township, banner, league/city, region), keyed by its code. It holds the
/// latest digest of each child and their sum, and its level's own duties: a township's half-monthly
/// progress reports.
/// </summary>
[Alias("IAreaGrain")]
public interface IAreaGrain : IGrainWithStringKey
{
    [Alias("SubmitProgress")]
    Task<ProgressResult> SubmitProgressAsync(ProgressInput input, Actor actor, CommandConditions conditions);

    [Alias("GetProgress"), Orleans.Concurrency.ReadOnly]
    Task<TownshipProgress?> GetProgressAsync(Period halfMonth);

    /// <summary>A township's reports for the half months of a month or quarter (those it has sent).</summary>
    [Alias("GetProgressFor"), Orleans.Concurrency.ReadOnly]
    Task<TownshipProgress[]> GetProgressForAsync(Period period);

    [Alias("GetSummary"), Orleans.Concurrency.ReadOnly]
    Task<SummaryResult> GetSummaryAsync(Period period);

    [Alias("GetChildSummaries"), Orleans.Concurrency.ReadOnly]
    Task<SummaryResult[]> GetChildSummariesAsync(Period period);

    /// <summary>The sum of the children's digests, for the parent's reconciliation.</summary>
    [Alias("GetDigest"), Orleans.Concurrency.ReadOnly]
    Task<Digest> GetDigestAsync();

    /// <summary>Compare the children's current versions with what is held and heal the difference; deep asks the children to do the same first.</summary>
    [Alias("Reconcile")]
    Task<long> ReconcileAsync(bool deep);

    /// <summary>The registry changed around this unit (a move): reload it, drop and fetch children, publish to the current parent.</summary>
    [Alias("RegistryChanged")]
    Task RegistryChangedAsync();
}
