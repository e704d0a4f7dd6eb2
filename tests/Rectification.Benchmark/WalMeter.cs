using Npgsql;

namespace Rectification.Benchmark;

/// <summary>
/// What PostgreSQL wrote to its WAL during a phase (<c>pg_stat_wal</c>, cluster-wide): records, full-page
/// images and bytes. A page's first change after a checkpoint is logged whole (8 KB), so the same work
/// costs more WAL right after a checkpoint than later in its cycle; printed per report beside the CPU,
/// it shows whether the rush and the peer met the database in the same state.
/// </summary>
public static class WalMeter
{
    public sealed record Sample(long Records, long FullPageImages, long Bytes)
    {
        public static Sample operator -(Sample b, Sample a) => new(b.Records - a.Records, b.FullPageImages - a.FullPageImages, b.Bytes - a.Bytes);

        public string PerReport(int reports) =>
            FormattableString.Invariant($"{(double)Bytes / reports:F0} B ({(double)Records / reports:F1} records, {(double)FullPageImages / reports:F2} full pages)");
    }

    public static async Task<Sample> TakeAsync(string connectionString)
    {
        var db = Databases.Of(connectionString);
        await using var cmd = db.CreateCommand("SELECT wal_records, wal_fpi, wal_bytes::bigint FROM pg_stat_wal");
        await using var reader = await cmd.ExecuteReaderAsync();
        await reader.ReadAsync();
        return new(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
    }
}
