using System.Reflection;
using Npgsql;

namespace Rectification.Storage;

/// <summary>
/// Applies the numbered scripts of deploy/sql in order, each once, each in its own transaction.
/// An advisory lock makes concurrent starters (several silos at once) wait for each other.
/// </summary>
public static class Migrator
{
    private const long LockKey = 0x5245_4354_4946_59; // "RECTIFY"

    public static IReadOnlyList<(int Version, string Name)> Scripts { get; } = typeof(Migrator).Assembly
        .GetManifestResourceNames()
        .Where(n => n.StartsWith("sql/", StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal))
        .Select(n => (Version: int.Parse(n[4..7]), Name: n))
        .OrderBy(s => s.Version)
        .ToList();

    /// <summary>Applies what is missing and returns the versions applied by this call.</summary>
    /// <param name="through">The last script to apply (a test of a later script's move of data starts before it); all when null.</param>
    public static async Task<IReadOnlyList<int>> ApplyAsync(NpgsqlDataSource db, CancellationToken ct = default, int? through = null)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await Exec(conn, $"SELECT pg_advisory_lock({LockKey})", ct);
        try
        {
            await Exec(conn, """
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version    integer      NOT NULL PRIMARY KEY,
                    name       varchar(200) NOT NULL,
                    applied_at timestamptz  NOT NULL DEFAULT now())
                """, ct);
            var applied = new HashSet<int>();
            await using (var cmd = new NpgsqlCommand("SELECT version FROM schema_migrations", conn))
            await using (var reader = await cmd.ExecuteReaderAsync(ct))
            {
                while (await reader.ReadAsync(ct)) applied.Add(reader.GetInt32(0));
            }

            var done = new List<int>();
            foreach (var (version, name) in Scripts.Where(s => !applied.Contains(s.Version) && s.Version <= (through ?? int.MaxValue)))
            {
                await using var tx = await conn.BeginTransactionAsync(ct);
                await using (var cmd = new NpgsqlCommand(Read(name), conn, tx)) await cmd.ExecuteNonQueryAsync(ct);
                await using (var cmd = new NpgsqlCommand("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", conn, tx))
                {
                    cmd.Parameters.AddWithValue(version);
                    cmd.Parameters.AddWithValue(name[4..]);
                    await cmd.ExecuteNonQueryAsync(ct);
                }
                await tx.CommitAsync(ct);
                done.Add(version);
            }
            return done;
        }
        finally
        {
            await Exec(conn, $"SELECT pg_advisory_unlock({LockKey})", CancellationToken.None);
        }
    }

    private static string Read(string resource)
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(resource)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    private static async Task Exec(NpgsqlConnection conn, string sql, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
