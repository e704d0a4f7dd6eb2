using Rectification.Cases;
using Rectification.Periods;
using Rectification.Rollup;
using Rectification.Units;

namespace Rectification.Areas;

/// <summary>
/// A township's own duty: its half-monthly progress reports, durable before acknowledged, with
/// If-Match and Idempotency-Key as on cases. Their receipt rolls up like a child's digest: the
/// township holds its own reports as one more entry (keyed by its own code) in its roll-up, so
/// every level above counts townships' reports on time, late and missing exactly.
/// </summary>
public sealed partial class AreaGrain
{
    private const int IdempotencyMemory = 200;

    public async Task<ProgressResult> SubmitProgressAsync(ProgressInput input, Actor actor, CommandConditions conditions)
    {
        if (_node is not { Level: UnitLevel.Township })
        {
            return new ProgressResult(CaseOutcome.NotFound, Detail: $"{Code} is not a township.");
        }
        if (conditions.IdempotencyKey is { } key && duties.State.Idempotency.FirstOrDefault(e => e.Key == key) is { } seen)
        {
            return seen.RequestHash == conditions.RequestHash
                ? new ProgressResult(CaseOutcome.Accepted, seen.Answer)
                : new ProgressResult(CaseOutcome.Conflict, Detail: "This Idempotency-Key was used with another request body.");
        }
        var period = input.HalfMonth.ToString();
        var previous = duties.State.Progress.GetValueOrDefault(period);
        var result = ProgressRules.Decide(Code, previous, input, actor, conditions.IfMatch, clock.GetUtcNow(), policy.Value);
        if (result.Outcome != CaseOutcome.Accepted) return result;

        var remembered = duties.State.Idempotency;
        duties.State.Progress[period] = result.Progress!;
        if (conditions.IdempotencyKey is { } newKey)
        {
            duties.State.Idempotency = [.. remembered.TakeLast(IdempotencyMemory - 1), new ProgressIdempotency(newKey, conditions.RequestHash ?? "", result.Progress!)];
        }
        try
        {
            await duties.WriteStateAsync();
        }
        catch
        {
            if (previous is null) duties.State.Progress.Remove(period);
            else duties.State.Progress[period] = previous;
            duties.State.Idempotency = remembered;
            throw;
        }
        await MergeAsync(Code, OwnReportsDigest());
        return result;
    }

    public Task<TownshipProgress?> GetProgressAsync(Period halfMonth) =>
        Task.FromResult(duties.State.Progress.GetValueOrDefault(halfMonth.ToString()));

    public Task<TownshipProgress[]> GetProgressForAsync(Period period) =>
        Task.FromResult(period.HalfMonths.Select(h => duties.State.Progress.GetValueOrDefault(h.ToString())).OfType<TownshipProgress>().ToArray());

    /// <summary>
    /// The township's own reports as roll-up counters: one on time or late on the first day of the half
    /// month it is for. Its version counts every accepted report and correction, so it only grows.
    /// </summary>
    private Digest OwnReportsDigest()
    {
        var c = new Counters();
        foreach (var p in duties.State.Progress.Values)
        {
            c.Add(p.OnTime ? "townshipReports.onTime" : "townshipReports.late", p.HalfMonth.Start.DayNumber, 1);
        }
        return c.ToDigest(duties.State.Progress.Values.Sum(p => (long)p.Version));
    }
}
