using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Rectification.Cases;
using Rectification.Periods;
using Rectification.ReadModel;
using Rectification.Rollup;
using Rectification.Units;

namespace Rectification.Villages;

/// <summary>
/// The case of one grassroots organization. A thin shell: check the request's conditions, let the pure
/// rules decide, write the new state durably (with its ledger row, audit entry and report), then publish
/// its digest to the township. The caller hears "accepted" only after the state write has committed.
/// </summary>
public sealed class VillageGrain(
    [PersistentState(Names.CaseState, Names.CaseStorage)] IPersistentState<CaseState> store,
    CaseProjection projection,
    DigestOutbox outbox,
    Npgsql.NpgsqlDataSource db,
    UnitRegistry registry,
    ReportingClock clock,
    IOptions<DuePolicy> policy) : Grain, IVillageGrain
{
    // A silo that died between a state write and its projection leaves the read model behind: catch up.
    public override Task OnActivateAsync(CancellationToken ct) => RepairReadModelAsync(ct);

    public Task RepairReadModelAsync() => RepairReadModelAsync(CancellationToken.None);

    // The last version this activation queued for the read model, and when. A township that asks for a
    // repair right after the activation already queued one (it sees the row missing too) must not
    // queue the whole case twice; a queued item older than this is taken as lost and queued again.
    // The same 10 s after which a township calls a lagging row lost (AreaGrain's stored-version query):
    // longer, and a row dropped after the activation would wait for the window as well as the township.
    private (int Version, long At) _queued;
    private static readonly TimeSpan QueuedIsInFlight = TimeSpan.FromSeconds(10);

    private async Task RepairReadModelAsync(CancellationToken ct)
    {
        if (store.State.Version == 0) return;
        if (_queued.Version >= store.State.Version && System.Diagnostics.Stopwatch.GetElapsedTime(_queued.At) < QueuedIsInFlight) return;
        var projected = await projection.ProjectedVersionAsync(this.GetPrimaryKeyString(), ct);
        if (projected < store.State.Version)
        {
            _queued = (store.State.Version, System.Diagnostics.Stopwatch.GetTimestamp());
            var state = store.State with { Code = this.GetPrimaryKeyString() };
            var digest = DigestBuilder.TakeHeld(state, policy.Value);
            // The history in memory is slim: the audit log gets the whole entries, from storage.
            await projection.EnqueueAsync(state, await CaseParts.HistoryAsync(db, state.Code, projected), state.Reports, digest);
            await PublishAsync(state, digest);
        }
    }

    public Task<CaseResult> PreviewAsync(CaseCommand command, Actor actor)
    {
        var state = store.State with { Code = this.GetPrimaryKeyString() };
        return Task.FromResult(CaseRules.Decide(state, command, actor, clock.GetUtcNow(), policy.Value) switch
        {
            Accepted a => new CaseResult(CaseOutcome.Accepted, new CaseAck(state.Code, command.Name, a.State.Status, a.State.Version, a.Entry.At)),
            Refused r => r.Result,
            _ => throw new InvalidOperationException(),
        });
    }

    public async Task RegistryChangedAsync()
    {
        await registry.RefreshAsync();
        if (store.State.Version > 0) await PublishAsync(store.State with { Code = this.GetPrimaryKeyString() }, DigestBuilder.TakeHeld(store.State, policy.Value));
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
    /// The new digest goes to the township's stream, with its neighbours' (DigestOutbox). Best effort on
    /// purpose: the write is already durable, and a lost message is healed by the township's reconciliation.
    /// </summary>
    private async Task PublishAsync(CaseState state, HeldDigest digest)
    {
        if ((await registry.FindAsync(state.Code))?.ParentCode is { } township) outbox.Post(township, state.Code, digest);
    }

    public async Task<CaseResult> ExecuteAsync(CaseCommand command, Actor actor, CommandConditions conditions)
    {
        var code = this.GetPrimaryKeyString();
        if (await registry.FindAsync(code) is not { Level: UnitLevel.Village })
        {
            return new CaseResult(CaseOutcome.NotFound, Detail: $"{code} is not a grassroots organization in the registry.");
        }
        var result = await TryExecuteAsync(code, command, actor, conditions);
        if (result.Outcome is CaseOutcome.Conflict or CaseOutcome.PreconditionFailed)
        {
            // During a membership change a brief duplicate activation may have moved the case on (and
            // recorded this very Idempotency-Key). Never refuse on stale memory: re-read, decide again.
            var etag = store.Etag;
            await store.ReadStateAsync();
            if (store.Etag != etag) result = await TryExecuteAsync(code, command, actor, conditions);
        }
        Hosting.RectificationMetrics.Commands.Add(1, new("command", command.Name), new("outcome", result.Outcome.ToString()));
        if (result.Outcome == CaseOutcome.Accepted && command is SubmitMonthlyReport report
            && store.State.Reports.FirstOrDefault(r => r.Month == report.Month) is { Revisions: 0 } received)
        {
            Hosting.RectificationMetrics.Reports.Add(1, new KeyValuePair<string, object?>("timeliness", received.OnTime ? "onTime" : "late"));
        }
        return result;
    }

    private async Task<CaseResult> TryExecuteAsync(string code, CaseCommand command, Actor actor, CommandConditions conditions)
    {
        var before = store.State with { Code = code };

        if (conditions.IdempotencyKey is { } key && Remembered(before, key) is var (hash, firstAck) && firstAck is not null)
        {
            return hash == conditions.RequestHash
                ? new CaseResult(CaseOutcome.Accepted, firstAck)
                : new CaseResult(CaseOutcome.Conflict, Detail: "This Idempotency-Key was used with another request body.", CurrentStatus: before.Status);
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
            // The key is kept on the history entry it produced: remembered as long as the case, and
            // written once (case_events) rather than with every later command.
            entry = entry with { IdempotencyKey = newKey, RequestHash = conditions.RequestHash ?? "" };
            after = after with { History = [.. after.History[..^1], entry] };
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
        // The ledger row, the audit entry and the report were written with the state, from this digest.
        var digest = DigestBuilder.TakeHeld(after, policy.Value);
        _queued = (after.Version, System.Diagnostics.Stopwatch.GetTimestamp());
        // The organization's profile follows a secretary action (撤换育派) under the registry's lock, off this path.
        if (entry.Command == "secretaryAction") await projection.EnqueueSecretaryAsync(after, entry);
        await PublishAsync(after, digest);
        return new CaseResult(CaseOutcome.Accepted, ack);
    }

    /// <summary>The request hash and first answer of an Idempotency-Key this case has accepted, newest first.</summary>
    private static (string? Hash, CaseAck? Ack) Remembered(CaseState s, string key)
    {
        for (var i = s.History.Length - 1; i >= 0; i--)
        {
            var e = s.History[i];
            if (e.IdempotencyKey == key) return (e.RequestHash, new CaseAck(s.Code, e.Command, e.To, e.Version, e.At));
        }
        return s.Idempotency.FirstOrDefault(e => e.Key == key) is { } old ? (old.RequestHash, old.Ack) : (null, null);
    }
}
