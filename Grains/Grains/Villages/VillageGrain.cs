using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Rectification.Cases;
using Rectification.Periods;
using Rectification.ReadModel;
using Rectification.Rollup;
using Rectification.Units;

namespace Rectification.Villages;

/// <summary>
/// The case of one grassroots organization. A thin shell: check the request's conditions, let the pure
/// rules decide, write the new state durably, then project it to the read model. The caller hears
/// "accepted" only after the state write has committed.
/// </summary>
public sealed partial class VillageGrain(
    [PersistentState("case", Names.CaseStorage)] IPersistentState<CaseState> store,
    CaseProjection projection,
    UnitRegistry registry,
    NpgsqlDataSource db,
    ReportingClock clock,
    IOptions<DuePolicy> policy,
    ILogger<VillageGrain> log) : Grain, IVillageGrain
{
    private const int IdempotencyMemory = 100;
    private int _projectedVersion;
    private IGrainTimer? _catchUp;

    public override async Task OnActivateAsync(CancellationToken ct)
    {
        if (store.State.Version == 0) return;
        // A crash between the state write and the projection leaves the read model behind: catch up now.
        await using var cmd = db.CreateCommand("SELECT version FROM cases WHERE code = $1");
        cmd.Parameters.AddWithValue(this.GetPrimaryKeyString());
        _projectedVersion = await cmd.ExecuteScalarAsync(ct) is int v ? v : 0;
        await CatchUpAsync();
    }

    public Task<CaseState> GetAsync() => Task.FromResult(store.State with { Code = this.GetPrimaryKeyString() });

    public Task<Digest> GetDigestAsync() => Task.FromResult(DigestBuilder.From(store.State, policy.Value));

    public async Task<SummaryResult> GetSummaryAsync(Period period)
    {
        var code = this.GetPrimaryKeyString();
        var today = policy.Value.LocalDate(clock.GetUtcNow());
        var history = store.State.History;
        return SummaryEvaluator.Summarize(code, period, DigestBuilder.From(store.State, policy.Value).Counters,
            await registry.OrganizationsAsync(code), today, policy.Value, history.Length > 0 ? history[^1].At : clock.GetUtcNow(), store.State.Version);
    }

    /// <summary>
    /// The new digest goes to the township's stream. Best effort on purpose: the write is already
    /// durable, and a lost message is healed by the township's reconciliation.
    /// </summary>
    private async Task PublishAsync(CaseState state)
    {
        try
        {
            if ((await registry.FindAsync(state.Code))?.ParentCode is not { } township) return;
            var stream = this.GetStreamProvider(Names.RollupStreams)
                .GetStream<DigestMessage>(StreamId.Create(Names.SummaryNamespace, township));
            await stream.OnNextAsync(new DigestMessage(state.Code, DigestBuilder.From(state, policy.Value)));
        }
        catch (Exception ex)
        {
            LogPublishFailed(log, ex, state.Code);
        }
    }

    public async Task<CaseResult> ExecuteAsync(CaseCommand command, Actor actor, CommandConditions conditions)
    {
        var code = this.GetPrimaryKeyString();
        if (await registry.FindAsync(code) is not { Level: UnitLevel.Village })
        {
            return new CaseResult(CaseOutcome.NotFound, Detail: $"{code} is not a grassroots organization in the registry.");
        }
        var before = store.State with { Code = code };

        if (conditions.IdempotencyKey is { } key)
        {
            var seen = before.Idempotency.FirstOrDefault(e => e.Key == key);
            if (seen is not null)
            {
                return seen.RequestHash == conditions.RequestHash
                    ? new CaseResult(CaseOutcome.Accepted, seen.Ack)
                    : new CaseResult(CaseOutcome.Conflict, Detail: "This Idempotency-Key was used with another request body.", CurrentStatus: before.Status);
            }
        }
        if (conditions.IfMatch is { } expected && expected != before.Version)
        {
            return new CaseResult(CaseOutcome.PreconditionFailed, Detail: $"If-Match names version {expected}; the case is at version {before.Version}.");
        }

        var decision = CaseRules.Decide(before, command, actor, clock.GetUtcNow(), policy.Value);
        if (decision is Refused refused) return refused.Result;
        var (after, entry) = (Accepted)decision;

        var ack = new CaseAck(code, command.Name, after.Status, after.Version, entry.At);
        if (conditions.IdempotencyKey is { } newKey)
        {
            after = after with { Idempotency = [.. after.Idempotency.TakeLast(IdempotencyMemory - 1), new IdempotencyEntry(newKey, conditions.RequestHash ?? "", ack)] };
        }

        store.State = after;
        try
        {
            await store.WriteStateAsync();
        }
        catch
        {
            // Not durable, so not accepted: forget the change and reload from storage on the next call.
            store.State = before;
            DeactivateOnIdle();
            throw;
        }
        await ProjectAsync(after, [entry], command is SubmitMonthlyReport r ? after.Reports.Where(x => x.Month == r.Month) : []);
        await PublishAsync(after);
        return new CaseResult(CaseOutcome.Accepted, ack);
    }

    private async Task ProjectAsync(CaseState state, IEnumerable<HistoryEntry> entries, IEnumerable<MonthlyReport> reports)
    {
        if (_projectedVersion != state.Version - 1)
        {
            // Behind already: replay everything missing instead of just this change.
            await CatchUpAsync();
            return;
        }
        try
        {
            await projection.ProjectAsync(state, entries, reports);
            _projectedVersion = state.Version;
        }
        catch (Exception ex)
        {
            // The state is durable; the read model is derived from it and will catch up.
            LogProjectionFailed(log, ex, state.Code, state.Version);
            _catchUp ??= this.RegisterGrainTimer(CatchUpAsync, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(15));
        }
    }

    private async Task CatchUpAsync()
    {
        var state = store.State with { Code = this.GetPrimaryKeyString() };
        if (_projectedVersion >= state.Version) return;
        try
        {
            await projection.ProjectAsync(state, state.History.Where(h => h.Version > _projectedVersion), state.Reports);
            _projectedVersion = state.Version;
            // The township reconciles from the read model's versions: now that it is current, tell it too.
            await PublishAsync(state);
            _catchUp?.Dispose();
            _catchUp = null;
        }
        catch (Exception ex)
        {
            LogProjectionFailed(log, ex, state.Code, state.Version);
            _catchUp ??= this.RegisterGrainTimer(CatchUpAsync, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(15));
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Publishing the digest of {Code} failed; reconciliation will heal it")]
    private static partial void LogPublishFailed(ILogger logger, Exception ex, string code);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Read model for {Code} is behind at version {Version}; will retry")]
    private static partial void LogProjectionFailed(ILogger logger, Exception ex, string code, int version);
}
