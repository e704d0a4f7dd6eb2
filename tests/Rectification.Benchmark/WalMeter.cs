using Npgsql;

namespace Rectification.Benchmark;

/// <summary>
/// What PostgreSQL wrote to its WAL during a phase, cluster-wide: bytes, records and the bytes of
/// full-page images. A page's first change after a checkpoint is logged whole (up to 8 KB), so the same
/// work costs more WAL right after a checkpoint than later in its cycle; printed per report beside the
/// CPU, it shows whether the rush and the peer met the database in the same state.
///
/// A phase is the WAL between two positions, read back from the WAL itself (<c>pg_walinspect</c>, a
/// module shipped with PostgreSQL): exact, whatever the backends have reported. <c>pg_stat_wal</c>,
/// read before, under-counted: a busy backend adds its WAL counters to it only now and then, so a phase
/// read right after its last write missed part of it (once 0.3 records a report, against 11 normally).
/// </summary>
public static class WalMeter
{
    /// <summary>Where the WAL stood when a phase began or ended.</summary>
    public readonly record struct Position(NpgsqlTypes.NpgsqlLogSequenceNumber Lsn);

    public sealed record Sample(long Records, long FullPageImageBytes, long Bytes)
    {
        public string PerReport(int reports) =>
            FormattableString.Invariant($"{(double)Bytes / reports:F0} B ({(double)Records / reports:F1} records, {(double)FullPageImageBytes / reports:F0} B of them full-page images)");
    }

    /// <summary>The databases where pg_walinspect has been created, so that it is asked for once, not per phase.</summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> Inspected = new();

    public static async Task<Position> TakeAsync(string connectionString)
    {
        await using var cmd = Databases.Of(connectionString).CreateCommand("SELECT pg_current_wal_insert_lsn()");
        return new((NpgsqlTypes.NpgsqlLogSequenceNumber)(await cmd.ExecuteScalarAsync())!);
    }

    /// <summary>The WAL between two positions, once PostgreSQL has flushed it (only flushed WAL can be read back).</summary>
    public static async Task<Sample> BetweenAsync(string connectionString, Position from, Position to)
    {
        var db = Databases.Of(connectionString);
        if (!Inspected.ContainsKey(connectionString))
        {
            await using var create = db.CreateCommand("CREATE EXTENSION IF NOT EXISTS pg_walinspect");
            await create.ExecuteNonQueryAsync();
            Inspected[connectionString] = true;   // only once it exists: a failed attempt is made again next time
        }
        await using (var flushed = db.CreateCommand("SELECT pg_current_wal_flush_lsn() >= $1"))
        {
            flushed.Parameters.Add(Lsn(to));
            // The WAL writer flushes what commits left behind within its delay (200 ms by default).
            var waited = System.Diagnostics.Stopwatch.StartNew();
            while (!(bool)(await flushed.ExecuteScalarAsync())!)
            {
                if (waited.Elapsed > TimeSpan.FromSeconds(30)) throw new TimeoutException($"The WAL was not flushed up to {to.Lsn} within 30 s.");
                await Task.Delay(50);
            }
        }
        await using var cmd = db.CreateCommand("""
            SELECT coalesce(sum(count), 0)::bigint, coalesce(sum(fpi_size), 0)::bigint, pg_wal_lsn_diff($2, $1)::bigint
              FROM pg_get_wal_stats($1, $2)
            """);
        cmd.Parameters.Add(Lsn(from));
        cmd.Parameters.Add(Lsn(to));
        await using var reader = await cmd.ExecuteReaderAsync();
        await reader.ReadAsync();
        return new(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
    }

    private static NpgsqlParameter Lsn(Position at) => new() { Value = at.Lsn, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.PgLsn };
}
