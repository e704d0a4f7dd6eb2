using Rectification.Cases;
using Rectification.Periods;
using Rectification.Units;

namespace Rectification.Areas;

/// <summary>A township's own duty: its half-monthly progress reports, durable before acknowledged.</summary>
public sealed partial class AreaGrain
{
    public async Task<ProgressResult> SubmitProgressAsync(ProgressInput input, Actor actor)
    {
        if (_node is not { Level: UnitLevel.Township })
        {
            return new ProgressResult(CaseOutcome.NotFound, Detail: $"{Code} is not a township.");
        }
        var key = input.HalfMonth.ToString();
        var previous = duties.State.Progress.GetValueOrDefault(key);
        var result = ProgressRules.Decide(Code, previous, input, actor, clock.GetUtcNow(), policy.Value);
        if (result.Outcome != CaseOutcome.Accepted) return result;

        duties.State.Progress[key] = result.Progress!;
        try
        {
            await duties.WriteStateAsync();
        }
        catch
        {
            if (previous is null) duties.State.Progress.Remove(key);
            else duties.State.Progress[key] = previous;
            throw;
        }
        return result;
    }

    public Task<TownshipProgress?> GetProgressAsync(Period halfMonth) =>
        Task.FromResult(duties.State.Progress.GetValueOrDefault(halfMonth.ToString()));
}
