using System.Threading.Channels;
using Npgsql;

namespace Rectification.Storage;

/// <summary>
/// Group commit: statements from many callers run together in one batch, one round trip and one
/// transaction, and each caller hears back only after that transaction has committed. Each statement
/// returns one integer (how many rows its guarded write changed), which its caller reads as "written"
/// or "lost a race"; a statement that matches nothing does not disturb the others.
///
/// A few writer loops share the queue. When callers are few, each loop takes one statement and the
/// latency is a plain transaction's; under load, statements queue while the loops are committing, and
/// the next transaction takes them all. That is where the saving is: one commit (and one WAL flush)
/// and one round trip for many writes.
///
/// A statement may come with a follow-up: rows that belong with it when it writes (a case's ledger row,
/// audit entry and report). The follow-ups are turned into statements of their own (<c>followUps</c>),
/// set-based for the whole group, and sent after the statements in the same batch: durable with the
/// writes, committed before any caller hears back. They are sent before anyone knows which statements
/// wrote, so they must guard themselves: apply only where their statement's write took (CaseStateStorage
/// tags each state row for that). The batch has no BEGIN and no COMMIT of its own: PostgreSQL runs a
/// batch up to its one Sync as one implicit transaction, committed at the Sync, and an error anywhere
/// rolls all of it back. The states (after a BEGIN), then the follow-ups, then a COMMIT used to take
/// three round trips (docs/benchmarks.md, session 12).
/// </summary>
public sealed class GroupCommit : IAsyncDisposable
{
    private readonly NpgsqlDataSource _db;
    private readonly int _maxBatch;
    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleWriter = false });
    private readonly Task[] _writers;

    private long _transactions;

    /// <summary>Transactions committed or attempted so far: with the writes' count, how well they were grouped.</summary>
    public long Transactions => Interlocked.Read(ref _transactions);

    private readonly Func<IReadOnlyList<object>, IEnumerable<NpgsqlBatchCommand>>? _followUps;
    private readonly TimeSpan _keepIdle;

    private sealed record Pending(NpgsqlBatchCommand Command, object? FollowUp, TaskCompletionSource<int> Done);

    /// <param name="followUps">The statements for the follow-ups of the statements that wrote (returned 1).</param>
    /// <param name="keepIdle">How long a writer with nothing to write keeps its connection (10 s when not given).</param>
    public GroupCommit(NpgsqlDataSource db, int writers = 4, int maxBatch = 128, Func<IReadOnlyList<object>, IEnumerable<NpgsqlBatchCommand>>? followUps = null,
        TimeSpan? keepIdle = null)
    {
        _db = db;
        _maxBatch = maxBatch;
        _followUps = followUps;
        _keepIdle = keepIdle ?? TimeSpan.FromSeconds(10);
        _writers = [.. Enumerable.Range(0, writers).Select(_ => Task.Run(WriteLoopAsync))];
    }

    /// <summary>
    /// Queues one statement that returns a single integer; completes with it once its transaction has
    /// committed, or fails with the transaction's error (then nothing of it was written).
    /// </summary>
    public Task<int> ExecuteAsync(NpgsqlBatchCommand command, object? followUp = null)
    {
        var pending = new Pending(command, followUp, new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!_queue.Writer.TryWrite(pending)) pending.Done.SetException(new ObjectDisposedException(nameof(GroupCommit)));
        return pending.Done.Task;
    }

    /// <summary>
    /// A writer loop's own connection, kept from one transaction to the next, and dropped after any
    /// error (the next transaction opens another). Taken from the pool for each transaction, the
    /// writer went round every idle connection in turn, so each group ran on a backend gone cold since
    /// its last one (docs/benchmarks.md, session 17). A writer that has had nothing to write for a while
    /// gives its connection back to the pool, whose pruning of idle connections then applies to it: one
    /// kept through a quiet night, and closed meanwhile by the server or a firewall, would fail the
    /// first write of the morning.
    /// </summary>
    private sealed class Line : IAsyncDisposable
    {
        public NpgsqlConnection? Connection;

        /// <summary>The idle timer, one per writer and re-armed for each wait (a new one per wait was made and dropped with every group).</summary>
        public CancellationTokenSource Quiet = new();

        public async ValueTask DisposeAsync()
        {
            if (Connection is { } c) await c.DisposeAsync();
            Connection = null;
        }
    }

    private async Task WriteLoopAsync()
    {
        var batch = new List<Pending>(_maxBatch);
        await using var line = new Line();
        while (await WaitForWritesAsync(line))
        {
            while (batch.Count < _maxBatch && _queue.Reader.TryRead(out var item)) batch.Add(item);
            if (batch.Count == 0) continue;
            Hosting.RectificationMetrics.GroupCommitSize.Record(batch.Count);
            await CommitAsync(line, batch);
            batch.Clear();
        }
    }

    /// <summary>Waits for writes, giving the connection back after <c>keepIdle</c> without any; false once the queue is closed.</summary>
    private async ValueTask<bool> WaitForWritesAsync(Line line)
    {
        if (line.Connection is null || _queue.Reader.TryPeek(out _)) return await _queue.Reader.WaitToReadAsync();
        // A timer that fired (after a quiet spell, or during a transaction longer than keepIdle) cannot be
        // reset: it is disposed and replaced. Otherwise arming it again restarts its countdown.
        if (!line.Quiet.TryReset())
        {
            line.Quiet.Dispose();
            line.Quiet = new CancellationTokenSource();
        }
        var quiet = line.Quiet;
        quiet.CancelAfter(_keepIdle);
        try
        {
            return await _queue.Reader.WaitToReadAsync(quiet.Token);
        }
        catch (OperationCanceledException) when (quiet.IsCancellationRequested)
        {
            await line.DisposeAsync();
            return await _queue.Reader.WaitToReadAsync();
        }
    }

    private async Task CommitAsync(Line line, List<Pending> batch, bool retry = false)
    {
        int[] results;
        try
        {
            results = await RunAsync(line, batch, retry);
        }
        catch (Exception ex) when (batch.Count > 1 && !DatabaseErrors.IsTransient(ex))
        {
            // One statement failed for its content and took the transaction with it. Nothing was
            // written: run each on its own, so only that one fails.
            foreach (var item in batch) await CommitAsync(line, [item], retry: true);
            return;
        }
        catch (Exception ex)
        {
            foreach (var item in batch) item.Done.TrySetException(ex);
            return;
        }
        for (var i = 0; i < batch.Count; i++) batch[i].Done.TrySetResult(results[i]);
    }

    /// <summary>
    /// Generic plans for this transaction only (reverted at its end). Every statement of a group looks
    /// rows up by a case's code, so one plan per statement fits every batch; left to choose, PostgreSQL
    /// kept planning the guarded read-model statements anew on each call (custom plans: 0.025 ms of a
    /// report's 0.14, docs/benchmarks.md, session 12).
    /// </summary>
    private const string GenericPlans = "SELECT set_config('plan_cache_mode', 'force_generic_plan', true)";

    private async Task<int[]> RunAsync(Line line, List<Pending> items, bool retry)
    {
        Interlocked.Increment(ref _transactions);
        var conn = line.Connection ??= await _db.OpenConnectionAsync();
        await using var batch = new NpgsqlBatch(conn);
        batch.BatchCommands.Add(new NpgsqlBatchCommand(GenericPlans));
        foreach (var item in items)
        {
            // A statement retried alone after its batch failed runs as a copy: the failed batch may still
            // hold the original. The first attempt runs the caller's own (no parameters copied per write).
            if (!retry)
            {
                batch.BatchCommands.Add(item.Command);
                continue;
            }
            var copy = new NpgsqlBatchCommand(item.Command.CommandText);
            foreach (NpgsqlParameter p in item.Command.Parameters) copy.Parameters.Add(p.Clone());
            batch.BatchCommands.Add(copy);
        }
        var followUps = items.Where(item => item.FollowUp is not null).Select(item => item.FollowUp!).ToList();
        if (_followUps is not null && followUps.Count > 0)
        {
            foreach (var statement in _followUps(followUps)) batch.BatchCommands.Add(statement);
        }
        var results = new int[items.Count];
        try
        {
            await using var reader = await batch.ExecuteReaderAsync();
            await reader.NextResultAsync();   // past the setting's row
            for (var i = 0; i < items.Count; i++)
            {
                if (!await reader.ReadAsync()) throw new InvalidOperationException($"Statement {i} of a group commit returned no row.");
                results[i] = reader.GetInt32(0);
                if (!await reader.NextResultAsync() && i < items.Count - 1) throw new InvalidOperationException("A group commit returned too few results.");
            }
            // The follow-ups' results, then the Sync: only when the reader has read to the end has the
            // implicit transaction committed (or failed, and then this throws and nothing was written).
            while (await reader.NextResultAsync())
            {
            }
        }
        catch
        {
            // Whatever failed, the next transaction starts on a fresh connection: this one may be broken.
            await line.DisposeAsync();
            throw;
        }
        finally
        {
            // The connection, kept or back in the pool, would keep the last batch's statements and their parameters alive (see CaseProjection).
            batch.BatchCommands.Clear();
        }
        return results;
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await Task.WhenAll(_writers);
    }
}
