using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Streams;
using Orleans.Streams.Core;
using Rectification.Cases;
using Rectification.Periods;
using Rectification.Rollup;
using Rectification.Units;

namespace Rectification.Areas;

/// <summary>
/// One grain class for all four levels above the village; the level comes from the registry. It merges
/// its children's versioned digests from its stream, publishes its own sum upward on a short coalescing
/// timer, and reconciles with its children on activation, periodically, and on demand.
/// </summary>
[ImplicitStreamSubscription(Names.SummaryNamespace)]
public sealed partial class AreaGrain(
    [PersistentState("duties", Names.AreaStorage)] IPersistentState<AreaDutiesState> duties,
    [PersistentState("rollup", Names.AreaStorage)] IPersistentState<AreaRollupState> rollup,
    UnitRegistry registry,
    NpgsqlDataSource db,
    ReportingClock clock,
    IOptions<DuePolicy> policy,
    IOptions<RollupOptions> options,
    ILogger<AreaGrain> log) : Grain, IAreaGrain, IStreamSubscriptionObserver, IRemindable
{
    private readonly Counters _total = new();
    private string Code => this.GetPrimaryKeyString();
    private UnitRegistry.Node? _node;
    private IGrainTimer? _publish, _persist;
    private bool _dirty, _publishPending, _reminderSet, _unpersisted;
    // Settled: reconciled once since activation, not in a deep reconciliation, and every child settled.
    private bool _reconciledOnce, _deepReconciling, _publishedSettled = true;
    private long _dirtySince;
    private DateTimeOffset _asOf;

    private long Version => rollup.State.Children.Values.Sum(d => d.Version) + rollup.State.Retired;

    private bool Settled => _reconciledOnce && !_deepReconciling && rollup.State.Children.Values.All(d => d.Settled);

    private Digest Current => _total.ToDigest(Version) with { Settled = Settled };

    /// <summary>When this unit's settledness changed, its parent must hear it even if no figure did.</summary>
    private void PublishIfSettlednessChanged()
    {
        if (Settled == _publishedSettled) return;
        _dirty = true;
        SchedulePublish();
    }

    /// <summary>One upward publish after the coalescing window, however many changes it gathers.</summary>
    private void SchedulePublish()
    {
        if (_publishPending) return;
        _publishPending = true;
        _publish!.Change(TimeSpan.FromMilliseconds(options.Value.CoalesceMilliseconds), Timeout.InfiniteTimeSpan);
    }

    /// <summary>The held figures changed: publish them upward soon, and write them to storage later.</summary>
    private void FiguresChanged()
    {
        if (!_dirty) _dirtySince = System.Diagnostics.Stopwatch.GetTimestamp();
        _dirty = true;
        _asOf = clock.GetUtcNow();
        MarkUnpersisted();
        SchedulePublish();
    }

    public override async Task OnActivateAsync(CancellationToken ct)
    {
        _node = await registry.FindAsync(Code);
        foreach (var digest in rollup.State.Children.Values) _total.Add(digest);
        // Area children's digests as stored may be older than what those children will say once they have
        // reconciled: until each of them says so afresh, none counts as settled. (A village's digest is
        // its stored case; this unit's own reconciliation settles those.)
        foreach (var (child, digest) in rollup.State.Children.ToList())
        {
            if (child != Code && digest.Settled && (await registry.FindAsync(child))?.Level is not (null or UnitLevel.Village))
            {
                rollup.State.Children[child] = digest with { Settled = false };
            }
        }
        _asOf = clock.GetUtcNow();
        var o = options.Value;
        _publish = this.RegisterGrainTimer(PublishAsync, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _persist = this.RegisterGrainTimer(PersistAsync, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        // Reconcile soon after activation (this may be a restart after a crash) and then periodically.
        this.RegisterGrainTimer(() => ReconcileAsync(deep: false), TimeSpan.FromMilliseconds(50), TimeSpan.FromSeconds(o.ReconcileSeconds));
        if (rollup.State.Children.Count > 0) await EnsureReminderAsync();
        // A township's own reports are durable in its duties; the roll-up entry is rebuilt from them.
        if (duties.State.Progress.Count > 0) await MergeAsync(Code, OwnReportsDigest());
        // Until its first reconciliation this unit's figures come from storage and may miss writes: say so upward.
        PublishIfSettlednessChanged();
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken ct)
    {
        if (_unpersisted) await rollup.WriteStateAsync(ct);
    }

    public async Task OnSubscribed(IStreamSubscriptionHandleFactory handleFactory)
    {
        var handle = handleFactory.Create<DigestMessage>();
        await handle.ResumeAsync((message, _) => MergeIfChildAsync(message.Child, message.Digest));
    }

    /// <summary>
    /// A message from a unit that is no longer a child (it moved, and published before it knew) is
    /// dropped; its new parent hears from it, and reconciliation covers any message lost either way.
    /// </summary>
    private async Task MergeIfChildAsync(string child, HeldDigest digest)
    {
        if (child == Code || (await registry.ChildrenAsync(Code)).Contains(child)) await MergeAsync(child, digest);
    }

    /// <summary>
    /// After a move: reload the registry now, take this unit's (possibly new) parent, drop children that
    /// moved away, fetch children that arrived, and publish the result upward.
    /// </summary>
    public async Task RegistryChangedAsync()
    {
        await registry.RefreshAsync();
        _node = await registry.FindAsync(Code);
        await ReconcileAsync(deep: false);
        _dirty = true;
        await PublishAsync();
    }

    private void Forget(string child)
    {
        if (!rollup.State.Children.Remove(child, out var held)) return;
        _total.Add(held, -1);
        rollup.State.Retired += held.Version + 1;
        FiguresChanged();
    }

    public Task ReceiveReminder(string reminderName, TickStatus status) => ReconcileAsync(deep: false);

    private Task MergeAsync(string child, Digest digest) => MergeAsync(child, HeldDigest.Of(digest));

    /// <summary>Replace a child's digest if the new one is newer; older or repeated snapshots change nothing.</summary>
    private async Task MergeAsync(string child, HeldDigest digest)
    {
        digest = digest.WithSharedNames();
        var held = rollup.State.Children.GetValueOrDefault(child);
        if (held is not null && held.Version >= digest.Version)
        {
            // The same figures, now settled or no longer: only the flag changes.
            if (held.Version == digest.Version && held.Settled != digest.Settled)
            {
                rollup.State.Children[child] = held with { Settled = digest.Settled };
                PublishIfSettlednessChanged();
            }
            return;
        }
        if (held is not null) _total.Add(held, -1);
        _total.Add(digest);
        rollup.State.Children[child] = digest;
        FiguresChanged();
        if (!_reminderSet) await EnsureReminderAsync();
    }

    /// <summary>
    /// The held digests are written <see cref="RollupOptions.PersistSeconds"/> after the first change
    /// not yet written, whatever follows it, and on deactivation. Written instead at the first publish
    /// after a quiet spell, every parent wrote at the start of a burst: 978 writes, each its own
    /// transaction, in the first seconds of the benchmark's rush (docs/benchmarks.md, session 13).
    /// </summary>
    private void MarkUnpersisted()
    {
        if (_unpersisted) return;
        _unpersisted = true;
        _persist!.Change(TimeSpan.FromSeconds(options.Value.PersistSeconds), Timeout.InfiniteTimeSpan);
    }

    private async Task PersistAsync()
    {
        if (!_unpersisted) return;
        _unpersisted = false;
        try
        {
            await rollup.WriteStateAsync();
        }
        catch (Exception ex)
        {
            // The state can always be rebuilt from the children; until it is written, try again later.
            LogPersistFailed(log, ex, Code);
            MarkUnpersisted();
        }
    }

    private async Task PublishAsync()
    {
        _publishPending = false;
        if (_dirty && _node?.ParentCode is { } parent)
        {
            _dirty = false;
            try
            {
                var stream = this.GetStreamProvider(Names.RollupStreams)
                    .GetStream<DigestMessage>(StreamId.Create(Names.SummaryNamespace, parent));
                var current = HeldDigest.Of(_total.Values, Version, Settled);
                await stream.OnNextAsync(new DigestMessage(Code, current));
                _publishedSettled = current.Settled;
                if (_dirtySince != 0) Hosting.RectificationMetrics.PublishLag.Record(System.Diagnostics.Stopwatch.GetElapsedTime(_dirtySince).TotalMilliseconds);
                _dirtySince = 0;
            }
            catch (Exception ex)
            {
                // The parent's reconciliation will fetch it anyway; try again shortly.
                LogPublishFailed(log, ex, Code);
                _dirty = true;
                _publishPending = true;
                _publish!.Change(TimeSpan.FromSeconds(1), Timeout.InfiniteTimeSpan);
            }
        }
    }

    public async Task<long> ReconcileAsync(bool deep)
    {
        if (deep)
        {
            // A deep reconciliation (after a lost silo) says so until it is done, here and above.
            _deepReconciling = true;
            PublishIfSettlednessChanged();
        }
        try
        {
            return await ReconcileOnceAsync(deep);
        }
        finally
        {
            _deepReconciling = false;
            PublishIfSettlednessChanged();
        }
    }

    private async Task<long> ReconcileOnceAsync(bool deep)
    {
        var children = await registry.ChildrenAsync(Code);
        var moved = rollup.State.Children.Keys.Where(k => k != Code && !children.Contains(k)).ToList();
        foreach (var gone in moved) Forget(gone);
        if (moved.Count > 0)
        {
            // The retired versions must survive a crash, or the version could fall below what the parent holds.
            // Marked written only once written: if this fails, the persist timer still tries again.
            await rollup.WriteStateAsync();
            _unpersisted = false;
        }

        // Grassroots organizations sit under townships, and (an enterprise's or an organ's branch) under
        // banners too. Their versions come from their stored states in one query; only those that differ are asked.
        var villages = new List<string>();
        var areas = new List<string>();
        foreach (var child in children)
        {
            if ((await registry.FindAsync(child))?.Level == UnitLevel.Village) villages.Add(child);
            else areas.Add(child);
        }
        if (villages.Count > 0)
        {
            foreach (var (village, stored, projectionLost) in await StoredVersionsAsync(villages))
            {
                var grain = GrainFactory.Village(village);
                if ((rollup.State.Children.GetValueOrDefault(village)?.Version ?? 0) < stored)
                {
                    await MergeAsync(village, await grain.GetDigestAsync());
                }
                if (projectionLost) await grain.RepairReadModelAsync();
            }
        }
        if (areas.Count > 0)
        {
            // Children are asked in parallel (a deep reconcile of the region reaches 1,225 townships);
            // their answers are merged one by one, as this grain's turn-based state requires.
            var digests = await Task.WhenAll(areas.Select(async child =>
            {
                var grain = GrainFactory.Area(child);
                if (deep) await grain.ReconcileAsync(deep: true);
                return (child, digest: await grain.GetDigestAsync());
            }));
            foreach (var (child, digest) in digests)
            {
                // An empty child is held only once it spoke (its settledness counts then too).
                if (digest.Version > 0 || rollup.State.Children.ContainsKey(child)) await MergeAsync(child, digest);
            }
        }
        _reconciledOnce = true;
        PublishIfSettlednessChanged();
        return Version;
    }

    /// <summary>
    /// The version of each village's stored case (deploy/sql/007: kept by a trigger in the same
    /// transaction as the grain write), not the read model's, whose rows can lag behind when a silo
    /// dies before its batch writer flushed. Also whether the read model has stayed behind the stored
    /// case for longer than its batch writer ever takes: that projection was lost or dropped.
    /// </summary>
    private async Task<List<(string Code, int Stored, bool ProjectionLost)>> StoredVersionsAsync(IReadOnlyList<string> villages)
    {
        var result = new List<(string, int, bool)>();
        await using var cmd = db.CreateCommand("""
            SELECT v.code, v.version, coalesce(c.version, 0) < v.version AND v.written_at < now() - interval '10 seconds'
              FROM case_versions v LEFT JOIN cases c USING (code)
             WHERE v.code = ANY($1)
            """);
        cmd.Parameters.AddWithValue(villages.ToArray());
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync()) result.Add((reader.GetString(0), reader.GetInt32(1), reader.GetBoolean(2)));
        return result;
    }

    private async Task EnsureReminderAsync()
    {
        _reminderSet = true;
        await this.RegisterOrUpdateReminder("reconcile", TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(Math.Max(1, options.Value.ReminderMinutes)));
    }

    public Task<Digest> GetDigestAsync() => Task.FromResult(Current);

    public async Task<SummaryResult> GetSummaryAsync(Period period) =>
        SummaryEvaluator.Summarize(Code, period, _total.Values, await registry.OrganizationsAsync(Code), Today, policy.Value, _asOf, Version)
            with { Settled = Settled };

    public async Task<SummaryResult[]> GetChildSummariesAsync(Period period)
    {
        var result = new List<SummaryResult>();
        foreach (var child in await registry.ChildrenAsync(Code))
        {
            var digest = rollup.State.Children.GetValueOrDefault(child)?.ToDigest() ?? Digest.Empty;
            result.Add(SummaryEvaluator.Summarize(child, period, digest.Counters, await registry.OrganizationsAsync(child),
                Today, policy.Value, _asOf, digest.Version) with { Settled = digest.Settled && Settled });
        }
        return [.. result];
    }

    private DateOnly Today => policy.Value.LocalDate(clock.GetUtcNow());

    [LoggerMessage(Level = LogLevel.Warning, Message = "Publishing the roll-up of {Code} failed; will retry")]
    private static partial void LogPublishFailed(ILogger logger, Exception ex, string code);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Persisting the roll-up of {Code} failed; will retry")]
    private static partial void LogPersistFailed(ILogger logger, Exception ex, string code);
}
