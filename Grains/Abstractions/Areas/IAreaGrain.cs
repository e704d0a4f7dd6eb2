using Rectification.Cases;
using Rectification.Periods;

namespace Rectification.Areas;

/// <summary>
/// A unit above the village (township, banner, league/city, region), keyed by its code. It holds the
/// roll-up of its subtree and its level's own duties: a township's half-monthly progress reports.
/// </summary>
[Alias("IAreaGrain")]
public interface IAreaGrain : IGrainWithStringKey
{
    [Alias("SubmitProgress")]
    Task<ProgressResult> SubmitProgressAsync(ProgressInput input, Actor actor);

    [Alias("GetProgress"), Orleans.Concurrency.ReadOnly]
    Task<TownshipProgress?> GetProgressAsync(Period halfMonth);
}
