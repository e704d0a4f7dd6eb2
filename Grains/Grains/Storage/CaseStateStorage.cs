using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using Orleans.Storage;
using Rectification.Cases;
using Rectification.Periods;
using Rectification.ReadModel;

namespace Rectification.Storage;

/// <summary>
/// The village grains' storage (deploy/sql/012, 015, 016). A case's current facts are one row of
/// <c>case_states</c>; its history entries and monthly reports are rows of the audit log
/// (<c>case_history</c>) and of <c>case_reports</c>, each with the whole entry or report it was made
/// from; its quarterly evaluations and activity plans are rows of <c>case_parts</c>. A write carries only
/// what is new or changed since the last write: the state row and its parts in one statement, committed
/// together with other grains' writes (<see cref="GroupCommit"/>), and its audit entries, reports and
/// the case's ledger row (<c>cases</c>) written with theirs, set-based, after the states in the same
/// batch and transaction, each applying only where its write's tag is on the state row (a write that
/// lost its version check leaves no rows). The grain hears back only after the commit: the ledger, the
/// audit entry and the report are durable with the command that made them. A write is refused (<see cref="InconsistentStateException"/>)
/// when the stored version is not the one the grain read, and then nothing of it is written: optimistic
/// concurrency per case, exactly as with Orleans' provider.
///
/// A grain keeps its history in memory slim (<see cref="Slim"/>): what the rules, the digest and
/// idempotency read, not each entry's detail and before/after values, which stay in the audit log for
/// whoever reads the history (<see cref="CaseParts.HistoryAsync"/>). History rows are written once and
/// never overwritten, so a slim entry can never replace a whole one. What a command rewrites does not
/// grow with the case's age; what an active case holds still does, more slowly (its reports, and its
/// digest: docs/benchmarks.md).
/// </summary>
public sealed class CaseStateStorage(NpgsqlDataSource db, DuePolicy policy, int writers = CaseStateStorage.DefaultWriters, int maxBatch = 128) : IGrainStorage, IAsyncDisposable
{
    /// <summary>Group-commit writers when none are configured (<c>CaseStorage:Writers</c>; why one: SiloConfiguration).</summary>
    public const int DefaultWriters = 1;

    /// <summary>Where the writes are committed together, each write's read-model rows after the states.</summary>
    public GroupCommit Commits { get; } = new(db, writers, maxBatch, rows => ReadModelSql.Statements([.. rows.Cast<ReadModelSql.Rows>()], tagged: true));

    /// <summary>The stored JSON (<see cref="CaseParts.Json"/>).</summary>
    public static JsonSerializerOptions Json => CaseParts.Json;

    // Parts are immutable records: one the grain carried over unchanged is the very object last written
    // (or read). Remembered per activation (keyed by its grain-state object); an activation this storage
    // does not know writes every part, which is never wrong, only slower.
    private readonly ConditionalWeakTable<object, HashSet<object>> _written = new();

    // Evaluations and activity plans are replaced in place; history and reports go to their own tables.
    private const string Insert = """
        WITH s AS (INSERT INTO case_states (code, version, state, report_keys, evaluation_keys, write_tag) VALUES ($1, $2, $3, $4, $5, $8)
                   ON CONFLICT (code) DO NOTHING RETURNING 1),
             p AS (INSERT INTO case_parts (code, part, doc)
                   SELECT $1, n.k, n.d FROM unnest($6::text[], $7::text[]) AS n(k, d) WHERE EXISTS (SELECT 1 FROM s)
                   ON CONFLICT (code, part) DO UPDATE SET doc = excluded.doc)
        SELECT count(*)::integer FROM s
        """;

    private const string Update = """
        WITH s AS (UPDATE case_states SET version = $2, state = $3, report_keys = $4, evaluation_keys = $5, written_at = now(), write_tag = $8
                    WHERE code = $1 AND version = $9 RETURNING 1),
             p AS (INSERT INTO case_parts (code, part, doc)
                   SELECT $1, n.k, n.d FROM unnest($6::text[], $7::text[]) AS n(k, d) WHERE EXISTS (SELECT 1 FROM s)
                   ON CONFLICT (code, part) DO UPDATE SET doc = excluded.doc)
        SELECT count(*)::integer FROM s
        """;

    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var code = grainId.Key.ToString()!;
        if ((await LoadWhereAsync(db, "code = $1", code, slim: true)).Values.SingleOrDefault() is not { } state)
        {
            grainState.ETag = null;
            grainState.RecordExists = false;
            _written.Remove(grainState);
            return;
        }
        grainState.State = (T)(object)state;
        grainState.ETag = state.Version.ToString(CultureInfo.InvariantCulture);
        grainState.RecordExists = true;
        _written.AddOrUpdate(grainState, Parts(state));
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (grainState.State is not CaseState state) throw new NotSupportedException($"{nameof(CaseStateStorage)} stores cases only, not {typeof(T).Name}.");
        var code = grainId.Key.ToString()!;
        int? expected = grainState.ETag is { } etag ? int.Parse(etag, CultureInfo.InvariantCulture) : null;
        if (state.Version <= (expected ?? 0))
        {
            throw new InvalidOperationException($"Case {code}: every write is a new version, but {state.Version} follows {expected}.");
        }
        var known = _written.TryGetValue(grainState, out var k) ? k : [];
        var (keys, docs) = (new List<string>(), new List<string>());
        foreach (var e in state.Evaluations) AddPart(e, CaseParts.EvaluationKey(e.Quarter));
        foreach (var a in state.ActivityPlans) AddPart(a, CaseParts.ActivityPlanKey(a.Month));
        void AddPart(object part, string key)
        {
            if (known.Contains(part)) return;
            keys.Add(key);
            docs.Add(JsonSerializer.Serialize(part, part.GetType(), Json));
        }
        var stored = state.Code == code ? state : state with { Code = code };
        // This write's own tag: its read-model rows apply only if it took (ReadModelSql, deploy/sql/016).
        var tag = Random.Shared.NextInt64(1, long.MaxValue);
        var history = new List<ProjectionRows.History>(1);
        foreach (var h in state.History) if (!known.Contains(h)) history.Add(ProjectionRows.HistoryOf(stored, h, tag));
        var reports = new List<ProjectionRows.Report>(1);
        foreach (var r in state.Reports) if (!known.Contains(r)) reports.Add(ProjectionRows.ReportOf(stored, r, tag));

        var command = new NpgsqlBatchCommand(expected is null ? Insert : Update);
        command.Parameters.Add(new NpgsqlParameter { Value = code, NpgsqlDbType = NpgsqlDbType.Varchar });
        command.Parameters.Add(new NpgsqlParameter { Value = state.Version, NpgsqlDbType = NpgsqlDbType.Integer });
        command.Parameters.Add(new NpgsqlParameter { Value = JsonSerializer.Serialize(state with { History = [], Reports = [], Evaluations = [], ActivityPlans = [] }, Json), NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(TextArray(state.Reports.Select(r => CaseParts.ReportKey(r.Month))));
        command.Parameters.Add(TextArray(state.Evaluations.Select(e => CaseParts.EvaluationKey(e.Quarter))));
        command.Parameters.Add(TextArray(keys));
        command.Parameters.Add(TextArray(docs));
        command.Parameters.Add(new NpgsqlParameter { Value = tag, NpgsqlDbType = NpgsqlDbType.Bigint });
        if (expected is { } v) command.Parameters.Add(new NpgsqlParameter { Value = v, NpgsqlDbType = NpgsqlDbType.Integer });
        // The ledger row, from the same digest the grain publishes (DigestBuilder keeps the last one it built).
        var rows = new ReadModelSql.Rows(ProjectionRows.CaseOf(stored, Rollup.DigestBuilder.Held(state, policy), policy, tag), history, reports);

        if (await Commits.ExecuteAsync(command, rows) != 1)
        {
            throw new InconsistentStateException($"Case {code} was written by someone else since version {expected?.ToString() ?? "none"} was read.",
                storedEtag: null, currentEtag: grainState.ETag);
        }
        grainState.ETag = state.Version.ToString(CultureInfo.InvariantCulture);
        grainState.RecordExists = true;
        // The grain keeps its new entries slim from now on, as a reload would give them: the whole ones
        // are in the audit log. Held whole until the next deactivation, every active case kept its
        // latest command's detail and before/after values (about 1 KB for a report), and every
        // collection during a rush copied them.
        if (history.Count > 0)
        {
            var slim = state with { History = [.. state.History.Select(h => known.Contains(h) ? h : Slim(h))] };
            grainState.State = (T)(object)slim;
            state = slim;
        }
        Remember(grainState, known, state);
    }

    /// <summary>
    /// What this activation's storage now knows is written: the set grows in place while the case only
    /// grows (most commands), and is made anew when a part was replaced (a corrected report), so it
    /// never keeps a replaced part alive.
    /// </summary>
    private void Remember(object grainState, HashSet<object> known, CaseState state)
    {
        var parts = state.History.Length + state.Reports.Length + state.Evaluations.Length + state.ActivityPlans.Length;
        if (known.Count == 0 || !_written.TryGetValue(grainState, out var current) || !ReferenceEquals(current, known))
        {
            _written.AddOrUpdate(grainState, Parts(state));
            return;
        }
        foreach (var part in state.History.Cast<object>().Concat(state.Reports).Concat(state.Evaluations).Concat(state.ActivityPlans)) known.Add(part);
        if (known.Count != parts) _written.AddOrUpdate(grainState, Parts(state));
    }

    /// <summary>Cases are never deleted: their history is the record of the campaign.</summary>
    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        throw new NotSupportedException("A case is never deleted.");

    private static HashSet<object> Parts(CaseState s) =>
        new(s.History.Cast<object>().Concat(s.Reports).Concat(s.Evaluations).Concat(s.ActivityPlans), ReferenceEqualityComparer.Instance);

    // Typed by the array itself (text[]): naming the type made Npgsql build the array type's name for every parameter.
    private static NpgsqlParameter TextArray(IEnumerable<string> values) =>
        new NpgsqlParameter<string[]> { TypedValue = values as string[] ?? values.ToArray() };

    /// <summary>One case with its history whole, or null if it was never written.</summary>
    public static async Task<CaseState?> LoadAsync(NpgsqlDataSource db, string code) =>
        (await LoadWhereAsync(db, "code = $1", code, slim: false)).Values.SingleOrDefault();

    /// <summary>Every stored case, history slim: for census checks of the figures (tests, the benchmark).</summary>
    public static Task<Dictionary<string, CaseState>> LoadAllAsync(NpgsqlDataSource db) => LoadWhereAsync(db, "true", null, slim: true);

    /// <summary>
    /// What an active case keeps of a past entry: who, when, which command, the statuses, criteria and
    /// categories, and its idempotency key; the detail, note and before/after values are dropped. The
    /// four ones' changes stay whole (they are rare, and the digest reads the helping department's type
    /// off them); an import keeps the names of the other fields it set.
    /// </summary>
    public static HistoryEntry Slim(HistoryEntry e) => e with
    {
        Detail = "",
        Note = null,
        Changes = e.Changes is { } changes && e.Command is "import" or "assignment"
            ? [.. changes.Where(c => e.Command == "import" || IsAssignment(c)).Select(c => IsAssignment(c) ? c : new FieldChange(c.Field, null, null))]
            : null,
    };

    private static bool IsAssignment(FieldChange c) => c.Field.StartsWith("assignment", StringComparison.Ordinal);

    private static async Task<Dictionary<string, CaseState>> LoadWhereAsync(NpgsqlDataSource db, string where, string? code, bool slim)
    {
        await using var batch = db.CreateBatch();
        foreach (var sql in new[]
        {
            $"SELECT code, state, report_keys, evaluation_keys FROM case_states WHERE {where}",
            // History and reports under the keys parts had (deploy/sql/015); a part still held as one (its
            // row not projected before 015) reads the same way.
            $"""
            SELECT code, part, doc FROM case_parts WHERE {where}
            UNION ALL SELECT code, 'h:' || lpad(version::text, 9, '0'), doc FROM case_history WHERE {where} AND doc IS NOT NULL
            UNION ALL SELECT code, 'r:' || month, doc FROM case_reports WHERE {where} AND doc IS NOT NULL
            """,
        })
        {
            var cmd = new NpgsqlBatchCommand(sql);
            if (code is not null) cmd.Parameters.Add(new NpgsqlParameter { Value = code });
            batch.BatchCommands.Add(cmd);
        }
        await using var reader = await batch.ExecuteReaderAsync();
        var rows = new Dictionary<string, (CaseState State, string[] Reports, string[] Evaluations)>();
        while (await reader.ReadAsync())
        {
            rows[reader.GetString(0)] = (JsonSerializer.Deserialize<CaseState>(reader.GetString(1), Json)!,
                reader.GetFieldValue<string[]>(2), reader.GetFieldValue<string[]>(3));
        }
        await reader.NextResultAsync();
        var parts = rows.Keys.ToDictionary(c => c, _ => new Dictionary<string, string>());
        while (await reader.ReadAsync())
        {
            if (parts.TryGetValue(reader.GetString(0), out var mine)) mine[reader.GetString(1)] = reader.GetString(2);
        }
        var result = new Dictionary<string, CaseState>(rows.Count);
        foreach (var (c, (state, reports, evaluations)) in rows)
        {
            var mine = parts[c];
            // Parts are ordered by key: history by zero-padded version. A part the state no longer
            // names (a replaced report's old key cannot exist: keys are per month) is ignored.
            var history = mine.Where(p => p.Key.StartsWith("h:", StringComparison.Ordinal) && int.Parse(p.Key.AsSpan(2), CultureInfo.InvariantCulture) <= state.Version)
                .OrderBy(p => p.Key, StringComparer.Ordinal)
                .Select(p => JsonSerializer.Deserialize<HistoryEntry>(p.Value, Json)!)
                .Select(h => slim ? Slim(h) : h);
            result[c] = state with
            {
                History = [.. history],
                Reports = [.. reports.Select(k => JsonSerializer.Deserialize<MonthlyReport>(mine[k], Json)!)],
                Evaluations = [.. evaluations.Select(k => JsonSerializer.Deserialize<QuarterlyEvaluation>(mine[k], Json)!)],
                // Plans are keyed by month and never removed, so every 'a:' part is one (in month order).
                ActivityPlans = [.. mine.Where(p => p.Key.StartsWith("a:", StringComparison.Ordinal)).OrderBy(p => p.Key, StringComparer.Ordinal)
                    .Select(p => JsonSerializer.Deserialize<ActivityPlan>(p.Value, Json)!)],
            };
        }
        return result;
    }

    public ValueTask DisposeAsync() => Commits.DisposeAsync();
}
