using Microsoft.Extensions.Options;
using Rectification.Cases;
using Rectification.Periods;
using Rectification.Units;

namespace Rectification.Areas;

/// <summary>Durable duties of an area unit: a township's half-monthly progress reports.</summary>
[GenerateSerializer, Alias("AreaDutiesState")]
public sealed class AreaDutiesState
{
    [Id(0)] public Dictionary<string, TownshipProgress> Progress { get; set; } = [];
}

/// <summary>One grain class for all four levels above the village: the level comes from the registry.</summary>
public sealed partial class AreaGrain(
    [PersistentState("duties", Names.AreaStorage)] IPersistentState<AreaDutiesState> duties,
    UnitRegistry registry,
    TimeProvider clock,
    IOptions<DuePolicy> policy) : Grain, IAreaGrain
{
    public async Task<ProgressResult> SubmitProgressAsync(ProgressInput input, Actor actor)
    {
        var code = this.GetPrimaryKeyString();
        if (await registry.FindAsync(code) is not { Level: UnitLevel.Township })
        {
            return new ProgressResult(CaseOutcome.NotFound, Detail: $"{code} is not a township.");
        }
        var key = input.HalfMonth.ToString();
        var result = ProgressRules.Decide(code, duties.State.Progress.GetValueOrDefault(key), input, actor, clock.GetUtcNow(), policy.Value);
        if (result.Outcome != CaseOutcome.Accepted) return result;

        var previous = duties.State.Progress.GetValueOrDefault(key);
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
