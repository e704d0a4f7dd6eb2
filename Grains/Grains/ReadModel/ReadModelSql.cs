using Npgsql;
using NpgsqlTypes;

namespace Rectification.ReadModel;

/// <summary>
/// The statements that write the read model's rows: cases' ledger rows (<c>cases</c>), their audit entries
/// (<c>case_history</c>) and their monthly reports (<c>case_reports</c>), one statement per table for any
/// number of rows. The commands committed together write theirs together, after their states and in the
/// same batch and transaction (GroupCommit's follow-ups), each row guarded by its write's tag; a repair
/// writes a batch of cases on its own (CaseProjection). Each kind takes its rows as one JSON array,
/// expanded by <c>jsonb_to_recordset</c>, and its long texts (digest, work, changes, the whole entry or
/// report) as text arrays beside it (<c>ROWS FROM</c> pairs them up by position): inside the JSON they
/// would be escaped, lexed and unescaped again. One row per statement would pay the expansion's set-up
/// for each row: a command's own rows inside its own statement cost PostgreSQL 40 % more than the same
/// rows written by the group (docs/benchmarks.md, session 10).
/// </summary>
public static class ReadModelSql
{
    /// <summary>The ledger rows: three parameters from <paramref name="first"/> (<see cref="CaseParameters"/>).</summary>
    public static string Cases(int first, string guard) => $"""
        INSERT INTO cases AS c (code, status, criteria, categories, problems_open, problems_resolved, problems_closed,
                                problems_archived, four_ones, relapses, version, updated_at, opened_on, last_report_month,
                                last_report_on_time, open_deadlines, main_problems, measures, digest, leader, helping_department,
                                helping_department_type, work)
        SELECT code, status, criteria, categories, problems_open, problems_resolved, problems_closed, problems_archived, four_ones,
               relapses, version, now(), opened_on, last_report_month, last_report_on_time, open_deadlines, main_problems, measures,
               digest, leader, helping_department, helping_department_type, work::jsonb
          FROM ROWS FROM (
               jsonb_to_recordset(${first}) AS (code varchar, status varchar, criteria text[], categories text[], problems_open int,
                   problems_resolved int, problems_closed int, problems_archived int, four_ones boolean, relapses int, version int,
                   opened_on date, last_report_month varchar, last_report_on_time boolean, open_deadlines date[], main_problems varchar,
                   measures varchar, leader text, helping_department text, helping_department_type varchar, tag bigint),
               unnest(${first + 1}::text[]), unnest(${first + 2}::text[]))
            AS x(code, status, criteria, categories, problems_open, problems_resolved, problems_closed, problems_archived, four_ones,
                 relapses, version, opened_on, last_report_month, last_report_on_time, open_deadlines, main_problems, measures,
                 leader, helping_department, helping_department_type, tag, digest, work)
         WHERE {guard}
        ON CONFLICT (code) DO UPDATE SET
            status = excluded.status, criteria = excluded.criteria, categories = excluded.categories,
            problems_open = excluded.problems_open, problems_resolved = excluded.problems_resolved,
            problems_closed = excluded.problems_closed, problems_archived = excluded.problems_archived,
            four_ones = excluded.four_ones, relapses = excluded.relapses, version = excluded.version,
            updated_at = excluded.updated_at, opened_on = excluded.opened_on, last_report_month = excluded.last_report_month,
            last_report_on_time = excluded.last_report_on_time, open_deadlines = excluded.open_deadlines,
            main_problems = excluded.main_problems, measures = excluded.measures, digest = excluded.digest,
            leader = excluded.leader, helping_department = excluded.helping_department,
            helping_department_type = excluded.helping_department_type, work = excluded.work
        WHERE c.version < excluded.version
        """;

    /// <summary>The audit entries, append-only (a repeated one is skipped): three parameters (<see cref="HistoryParameters"/>).</summary>
    public static string History(int first, string guard) => $"""
        INSERT INTO case_history (code, version, at, actor, role, command, from_status, to_status, detail, note, changes, doc)
        SELECT code, version, at, actor, role, command, from_status, to_status, detail, note, changes::jsonb, doc
          FROM ROWS FROM (
               jsonb_to_recordset(${first}) AS (code varchar, version int, at timestamptz, actor varchar, role varchar, command varchar,
                   from_status varchar, to_status varchar, detail varchar, note text, tag bigint),
               unnest(${first + 1}::text[]), unnest(${first + 2}::text[]))
            AS x(code, version, at, actor, role, command, from_status, to_status, detail, note, tag, changes, doc)
         WHERE {guard}
        ON CONFLICT (code, version) DO NOTHING
        """;

    /// <summary>The monthly reports, the newest version of each kept: two parameters (<see cref="ReportParameters"/>).</summary>
    public static string Reports(int first, string guard) => $"""
        INSERT INTO case_reports AS r (code, month, received_at, on_time, funds_yuan, projects, new_members, activists, reserve_cadres, version, doc)
        SELECT code, month, received_at, on_time, funds_yuan, projects, new_members, activists, reserve_cadres, version, doc
          FROM ROWS FROM (
               jsonb_to_recordset(${first}) AS (code varchar, month varchar, received_at timestamptz, on_time boolean,
                   funds_yuan numeric, projects int, new_members int, activists int, reserve_cadres int, version int, tag bigint),
               unnest(${first + 1}::text[]))
            AS x(code, month, received_at, on_time, funds_yuan, projects, new_members, activists, reserve_cadres, version, tag, doc)
         WHERE {guard}
        ON CONFLICT (code, month) DO UPDATE SET
            funds_yuan = excluded.funds_yuan, projects = excluded.projects, new_members = excluded.new_members,
            activists = excluded.activists, reserve_cadres = excluded.reserve_cadres, version = excluded.version, doc = excluded.doc
        WHERE r.version < excluded.version
        """;

    /// <summary>What one write of a case puts into the read model: its ledger row, its new audit entries, its new or changed reports.</summary>
    public sealed record Rows(ProjectionRows.Case Case, IReadOnlyList<ProjectionRows.History> History, IReadOnlyList<ProjectionRows.Report> Reports);

    /// <summary>
    /// The statements for many writes' rows at once, one per table. Untagged (a repair), a case or a
    /// month written twice keeps only its newest version: an upsert may touch a row once per statement.
    /// Tagged (a group commit), the rows go in the same batch as their states, before anyone knows which
    /// states took, and each applies only where its write's tag is on the state row (deploy/sql/016):
    /// the rows of a write that lost its version check are left out by PostgreSQL itself. Of the writes
    /// that took, a case is at most one (its next write waits for this one's commit); were it ever two,
    /// the statement would fail and the group's writes would run again one by one.
    /// </summary>
    public static IEnumerable<NpgsqlBatchCommand> Statements(IReadOnlyList<Rows> writes, bool tagged = false)
    {
        List<ProjectionRows.Case> cases = tagged ? [.. writes.Select(w => w.Case)]
            : ProjectionRows.Newest(writes.Select(w => w.Case), c => c.Code, c => c.Version);
        yield return Statement(tagged ? TaggedCases : AllCases, CaseParameters(cases));
        List<ProjectionRows.Report> reports = tagged ? [.. writes.SelectMany(w => w.Reports)]
            : ProjectionRows.Newest(writes.SelectMany(w => w.Reports), r => (r.Code, r.Month), r => r.Version);
        if (reports.Count > 0) yield return Statement(tagged ? TaggedReports : AllReports, ReportParameters(reports));
        var history = writes.SelectMany(w => w.History).ToList();
        if (history.Count > 0) yield return Statement(tagged ? TaggedHistory : AllHistory, HistoryParameters(history));
    }

    /// <summary>
    /// A row applies only if the state write it belongs with took: its tag is on the state row. A scalar
    /// subquery, looked up by key for each row: written as EXISTS it became a join, and a plan made while
    /// case_states was small (a hash join over all of it) stayed cached as the table grew, which took
    /// the set-up phase from 2,150 to 1,450 commands/s (docs/benchmarks.md, session 12).
    /// </summary>
    private const string TookGuard = "(SELECT s.write_tag FROM case_states s WHERE s.code = x.code) = x.tag";

    // Built once: every group commit runs them (building each text anew was 1.6 % of the silo's allocation).
    private static readonly string AllCases = Cases(1, "true"), AllReports = Reports(1, "true"), AllHistory = History(1, "true");
    private static readonly string TaggedCases = Cases(1, TookGuard), TaggedReports = Reports(1, TookGuard), TaggedHistory = History(1, TookGuard);

    private static NpgsqlBatchCommand Statement(string sql, NpgsqlParameter[] parameters)
    {
        var cmd = new NpgsqlBatchCommand(sql);
        cmd.Parameters.AddRange(parameters);
        return cmd;
    }

    public static NpgsqlParameter[] CaseParameters(IReadOnlyCollection<ProjectionRows.Case> rows) =>
        [Json(ProjectionRows.Json(rows)), Texts([.. rows.Select(r => r.Digest)]), Texts([.. rows.Select(r => r.Work)])];

    public static NpgsqlParameter[] HistoryParameters(IReadOnlyCollection<ProjectionRows.History> rows) =>
        [Json(ProjectionRows.Json(rows)), Texts([.. rows.Select(r => r.Changes)]), Texts([.. rows.Select(r => r.Doc)])];

    public static NpgsqlParameter[] ReportParameters(IReadOnlyCollection<ProjectionRows.Report> rows) =>
        [Json(ProjectionRows.Json(rows)), Texts([.. rows.Select(r => r.Doc)])];

    private static NpgsqlParameter Json(byte[] utf8) => new NpgsqlParameter<byte[]> { TypedValue = utf8, NpgsqlDbType = NpgsqlDbType.Jsonb };

    // text[] is what a string array maps to; naming the type (NpgsqlDbType.Array | Text) made Npgsql
    // build the array type's name anew for every parameter.
    private static NpgsqlParameter Texts(string?[] values) => new NpgsqlParameter<string?[]> { TypedValue = values };
}
