using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;
using Rectification.Cases;

namespace Rectification.ReadModel;

/// <summary>
/// What the read model needs besides the rows a command writes with its state (CaseStateStorage): the
/// repair of a case whose rows are behind, enqueued by its village on activation (rows written before
/// deploy/sql/015, or by a silo that died mid-way in older versions), and the organization's profile
/// after a secretary action (撤换育派), which takes the registry's lock and so stays off the
/// acknowledgement path. One loop per silo writes whatever is queued in a single batch and
/// transaction; version guards make late or repeated rows harmless.
/// </summary>
public sealed partial class CaseProjection(NpgsqlDataSource db, Microsoft.Extensions.Options.IOptions<Periods.DuePolicy> policy, ILogger<CaseProjection> log) : BackgroundService
{
    private const int MaxBatch = 256;
    // A full queue makes the writing grain wait (its caller, in the end): the audit log gets no holes.
    private readonly Channel<Item> _queue = Channel.CreateBounded<Item>(new BoundedChannelOptions(100_000) { FullMode = BoundedChannelFullMode.Wait });

    /// <param name="Digest">Null for a profile update alone: the command's own rows are already written.</param>
    private sealed record Item(CaseState State, HistoryEntry[] Entries, MonthlyReport[] Reports, Rollup.HeldDigest? Digest);

    /// <summary>A case's rows to catch up on: its ledger row, the entries and reports given, and the profile if one is a secretary action.</summary>
    /// <param name="digest">The case's roll-up digest at this version, kept beside the row for drill-through.</param>
    public ValueTask EnqueueAsync(CaseState state, IEnumerable<HistoryEntry> entries, IEnumerable<MonthlyReport> reports, Rollup.HeldDigest digest) =>
        Enqueue(new Item(state, [.. entries], [.. reports], digest));

    /// <summary>The organization's profile after a secretary action, whose rows the command wrote with its state.</summary>
    public ValueTask EnqueueSecretaryAsync(CaseState state, HistoryEntry action) => Enqueue(new Item(state, [action], [], null));

    private ValueTask Enqueue(Item item) => _queue.Writer.TryWrite(item) ? ValueTask.CompletedTask : WaitForRoomAsync(item);

    private async ValueTask WaitForRoomAsync(Item item)
    {
        LogQueueFull(log, item.State.Code, item.State.Version);
        await _queue.Writer.WriteAsync(item);
    }

    /// <summary>The read model's version of each case, for catching up on activation.</summary>
    public async Task<int> ProjectedVersionAsync(string code, CancellationToken ct = default)
    {
        await using var cmd = db.CreateCommand("SELECT version FROM cases WHERE code = $1");
        cmd.Parameters.AddWithValue(code);
        return await cmd.ExecuteScalarAsync(ct) is int v ? v : 0;
    }

    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        Hosting.RectificationMetrics.QueueLength = () => _queue.Reader.Count;
        var batch = new List<Item>(MaxBatch);
        while (await WaitAsync(stopping))
        {
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var item)) batch.Add(item);
            await WriteWithRetriesAsync(batch, stopping);
            batch.Clear();
        }
    }

    /// <summary>
    /// A batch that PostgreSQL cannot take because the database is away is retried, with back-off, for
    /// as long as it takes. One that fails for its content is written item by item, so the one bad item
    /// is set aside (dead letters) and every other goes through.
    /// </summary>
    private async Task WriteWithRetriesAsync(List<Item> batch, CancellationToken stopping)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await WriteAsync(batch, CancellationToken.None);
                return;
            }
            catch (Exception ex) when (!Storage.DatabaseErrors.IsTransient(ex))
            {
                if (batch.Count == 1)
                {
                    await DeadLetterAsync(batch[0], ex, stopping);
                    return;
                }
                foreach (var item in batch) await WriteWithRetriesAsync([item], stopping);
                return;
            }
            catch (Exception ex) when (attempt < 5 || !stopping.IsCancellationRequested)
            {
                Hosting.RectificationMetrics.ProjectionRetries.Add(1);
                LogRetry(log, ex, batch.Count, attempt);
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(5000, 100 * attempt * attempt)), CancellationToken.None);
            }
        }
    }

    private async Task DeadLetterAsync(Item item, Exception error, CancellationToken stopping)
    {
        LogDeadLetter(log, error, item.State.Code, item.State.Version);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var cmd = db.CreateCommand("""
                    INSERT INTO projection_dead_letters (code, version, error, state) VALUES ($1, $2, $3, $4)
                    ON CONFLICT (code, version) DO NOTHING
                    """);
                cmd.Parameters.AddWithValue(item.State.Code);
                cmd.Parameters.AddWithValue(item.State.Version);
                var text = $"{error.GetType().Name}: {error.Message}";
                cmd.Parameters.AddWithValue(text.Length <= 2000 ? text : text[..2000]);
                cmd.Parameters.Add(new NpgsqlParameter { Value = JsonSerializer.Serialize(item.State), NpgsqlDbType = NpgsqlDbType.Jsonb });
                if (await cmd.ExecuteNonQueryAsync(CancellationToken.None) > 0) Hosting.RectificationMetrics.DeadLetters.Add(1);
                return;
            }
            catch (Exception ex) when (Storage.DatabaseErrors.IsTransient(ex) && (attempt < 5 || !stopping.IsCancellationRequested))
            {
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(5000, 100 * attempt * attempt)), CancellationToken.None);
            }
        }
    }

    /// <summary>Waits for work; after shutdown starts, drains what is left before stopping.</summary>
    private async Task<bool> WaitAsync(CancellationToken stopping)
    {
        try
        {
            return await _queue.Reader.WaitToReadAsync(stopping);
        }
        catch (OperationCanceledException)
        {
            return _queue.Reader.TryPeek(out _);
        }
    }

    private async Task WriteAsync(List<Item> items, CancellationToken ct)
    {
        await using var batch = db.CreateBatch();
        try
        {
            Add(batch, items, policy.Value);
            // One implicit transaction for the whole batch: one round trip, one commit.
            await batch.ExecuteNonQueryAsync(ct);
        }
        finally
        {
            // The pooled connection keeps a reference to the statements of the last batch it ran, with
            // their parameters: without this, each connection held its largest batch (up to ~12 MB of
            // catch-up histories) until its next one. Emptying the list lets those go now.
            batch.BatchCommands.Clear();
        }
    }

    /// <summary>Three statements for the repairs in the batch, one per table (ReadModelSql), and the secretary's where one changed.</summary>
    private static void Add(NpgsqlBatch batch, List<Item> items, Periods.DuePolicy policy)
    {
        var rows = items.Where(i => i.Digest is not null).Select(i => new ReadModelSql.Rows(ProjectionRows.CaseOf(i.State, i.Digest!, policy),
            [.. i.Entries.Select(e => ProjectionRows.HistoryOf(i.State, e))], [.. i.Reports.Select(r => ProjectionRows.ReportOf(i.State, r))])).ToList();
        if (rows.Count > 0) foreach (var statement in ReadModelSql.Statements(rows)) batch.BatchCommands.Add(statement);

        // Only when an item carries a secretary action (a new one, or one a repair catches up on): the
        // registry's lock is not taken for every later report of a case that once had one.
        foreach (var item in items)
        {
            if (item.Entries.Any(e => e.Command == "secretaryAction") && CaseWork.Secretary(item.State) is { } secretary)
            {
                AddSecretary(batch, item.State, secretary);
            }
        }
    }

    /// <summary>The registry's write lock (Api UnitProfileStore): a profile edit and this update never both take one version.</summary>
    private const long RegistryLock = 0x554E_4954_5752;

    /// <summary>
    /// The organization's profile follows its secretary actions (撤换育派): the new secretary, or vacant
    /// from a removal's day. Applied once per number of actions the case holds (a replayed or late row
    /// changes nothing), and only a real change bumps the profile's version with its history row.
    /// </summary>
    private static void AddSecretary(NpgsqlBatch batch, CaseState s, (string? Name, string? Contact, DateOnly? VacantSince) secretary)
    {
        batch.BatchCommands.Add(Command($"SELECT pg_advisory_xact_lock({RegistryLock})"));
        batch.BatchCommands.Add(Command("""
            WITH old AS (SELECT code, version, secretary_name, secretary_contact, secretary_vacant_since FROM units
                          WHERE code = $1 AND secretary_from_case < $2 FOR UPDATE),
                 changed AS (SELECT * FROM old WHERE secretary_name IS DISTINCT FROM $3 OR secretary_contact IS DISTINCT FROM $4
                                                  OR secretary_vacant_since IS DISTINCT FROM $5),
                 u AS (UPDATE units SET secretary_from_case = $2, secretary_name = $3, secretary_contact = $4, secretary_vacant_since = $5,
                              version = units.version + (SELECT count(*)::int FROM changed),
                              updated_by = CASE WHEN EXISTS (SELECT 1 FROM changed) THEN $6 ELSE units.updated_by END,
                              updated_at = CASE WHEN EXISTS (SELECT 1 FROM changed) THEN now() ELSE units.updated_at END
                         FROM old WHERE units.code = old.code RETURNING 1),
                 h AS (INSERT INTO unit_history (code, version, actor, source, changes)
                       SELECT c.code, c.version + 1, $6, $7,
                              (SELECT jsonb_agg(jsonb_build_object('field', f, 'from', a, 'to', b))
                                 FROM (VALUES ('secretaryName', c.secretary_name::text, $3::text),
                                              ('secretaryContact', c.secretary_contact::text, $4::text),
                                              ('secretaryVacantSince', c.secretary_vacant_since::text, $5::date::text)) v(f, a, b)
                                WHERE a IS DISTINCT FROM b)
                         FROM changed c RETURNING 1)
            UPDATE registry_version SET version = version + 1 WHERE EXISTS (SELECT 1 FROM changed)
            """, s.Code, s.SecretaryActions.Length, (object?)secretary.Name ?? DBNull.Value, (object?)secretary.Contact ?? DBNull.Value,
            (object?)secretary.VacantSince ?? new Null(NpgsqlDbType.Date), s.SecretaryActions[^1].By,
            $"case {s.Code} secretary action {s.SecretaryActions[^1].Id}"));
    }

    /// <summary>Marks a JSON text for a jsonb column.</summary>
    private sealed record Jsonb(string? Text);

    /// <summary>A null of a column type other than text.</summary>
    private sealed record Null(NpgsqlDbType Type);

    private static NpgsqlBatchCommand Command(string sql, params object?[] values)
    {
        var cmd = new NpgsqlBatchCommand(sql);
        foreach (var v in values)
        {
            cmd.Parameters.Add(v switch
            {
                string[] a => new NpgsqlParameter { Value = a, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text },
                DateTimeOffset d => new NpgsqlParameter { Value = d.UtcDateTime, NpgsqlDbType = NpgsqlDbType.TimestampTz },
                DateOnly[] a => new NpgsqlParameter { Value = a, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Date },
                Jsonb j => new NpgsqlParameter { Value = (object?)j.Text ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Jsonb },
                DBNull => new NpgsqlParameter { Value = DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text },
                Null n => new NpgsqlParameter { Value = DBNull.Value, NpgsqlDbType = n.Type },
                DateOnly d => new NpgsqlParameter { Value = d, NpgsqlDbType = NpgsqlDbType.Date },
                _ => new NpgsqlParameter { Value = v },
            });
        }
        return cmd;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Writing {Count} read-model rows failed (attempt {Attempt}); retrying")]
    private static partial void LogRetry(ILogger logger, Exception ex, int count, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Projection queue full; {Code} v{Version} waits for room")]
    private static partial void LogQueueFull(ILogger logger, string code, int version);

    [LoggerMessage(Level = LogLevel.Error, Message = "Read-model item {Code} v{Version} refused as data; set aside in projection_dead_letters")]
    private static partial void LogDeadLetter(ILogger logger, Exception ex, string code, int version);
}
