using Npgsql;

namespace Rectification.Benchmark;

/// <summary>
/// PostgreSQL's own account of where its time went (pg_stat_statements, loaded by deploy/pg.sh when
/// RECT_PG_STATEMENTS is set): each statement's calls, execution time and planning per report, busiest first.
/// Execution time is wall time inside the executor, so on this CPU-bound box it tracks CPU closely.
/// </summary>
public static class Statements
{
    public static async Task ResetAsync(string connectionString)
    {
        var db = Databases.Of(connectionString);
        await using var cmd = db.CreateCommand("CREATE EXTENSION IF NOT EXISTS pg_stat_statements; SELECT pg_stat_statements_reset()");
        await cmd.ExecuteNonQueryAsync();
    }

    /// <summary>
    /// A connection string for the benchmark's census of every stored case, as a role of its own: the
    /// census runs while the roll-up settles, and its statements (a read of all cases) are left out of
    /// the listing, which is about what the product asked of PostgreSQL.
    /// </summary>
    public static async Task<string> CensusConnectionAsync(string connectionString)
    {
        var db = Databases.Of(connectionString);
        await using var cmd = db.CreateCommand($"""
            DO $$ BEGIN
              IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{CensusRole}') THEN CREATE ROLE {CensusRole}; END IF;
            END $$;
            GRANT pg_read_all_data TO {CensusRole}
            """);
        await cmd.ExecuteNonQueryAsync();
        return new NpgsqlConnectionStringBuilder(connectionString) { Options = $"-c role={CensusRole}" }.ConnectionString;
    }

    private const string CensusRole = "bench_census";

    public static async Task<List<string>> ReadAsync(string connectionString, int reports)
    {
        var db = Databases.Of(connectionString);
        await using var cmd = db.CreateCommand($"""
            SELECT calls, total_exec_time, regexp_replace(query, '\s+', ' ', 'g'), plans, total_plan_time
              FROM pg_stat_statements
             WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
               AND userid NOT IN (SELECT oid FROM pg_roles WHERE rolname = '{CensusRole}')
             ORDER BY total_exec_time DESC LIMIT 10
            """);
        var lines = new List<string> { "postgres  statements by execution time, per report, and their planning (pg_stat_statements, rush until the region was exact; the benchmark's census of stored cases left out):" };
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var query = reader.GetString(2);
            lines.Add($"          {reader.GetDouble(1) / reports:F3} ms  {(double)reader.GetInt64(0) / reports:F2} calls  planned {(double)reader.GetInt64(3) / reports:F2} times, {reader.GetDouble(4) / reports:F3} ms  "
                + (query.Length > 90 ? query[..90] + "…" : query));
        }
        return lines;
    }
}
