using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Npgsql;

namespace Rectification.Benchmark;

/// <summary>
/// PostgreSQL's own ceiling for the durable single-row write, measured by pgbench: a ~2 KB row upserted
/// by primary key, prepared statements, the same client count as the rush, for a fixed time.
/// </summary>
public static partial class Pgbench
{
    [GeneratedRegex(@"tps = ([0-9.]+) \(without initial connection time\)")]
    private static partial Regex Tps();

    /// <summary>The table pgbench upserts into, filled with its rows: done before the run's checkpoint and its measurement.</summary>
    public static async Task PrepareAsync(string connectionString, int rows)
    {
        var db = Databases.Of(connectionString);
        await using var create = db.CreateCommand($"""
            CREATE TABLE IF NOT EXISTS bench_pgbench (id integer PRIMARY KEY, payload text NOT NULL);
            TRUNCATE bench_pgbench;
            INSERT INTO bench_pgbench SELECT g, repeat('x', 2000) FROM generate_series(1, {rows}) g;
            """);
        await create.ExecuteNonQueryAsync();
    }

    public static async Task<double> RunAsync(string connectionString, int clients, int seconds, int rows)
    {
        var cs = new NpgsqlConnectionStringBuilder(connectionString);
        var script = Path.Combine(Path.GetTempPath(), $"pgbench-{Guid.NewGuid():N}.sql");
        await File.WriteAllTextAsync(script, $"""
            \set id random(1, {rows})
            INSERT INTO bench_pgbench (id, payload) VALUES (:id, repeat(md5(:id::text), 62)) ON CONFLICT (id) DO UPDATE SET payload = excluded.payload;

            """);
        try
        {
            var start = new ProcessStartInfo(Binary(), ["-n", "-M", "prepared", "-c", clients.ToString(CultureInfo.InvariantCulture),
                "-j", Environment.ProcessorCount.ToString(CultureInfo.InvariantCulture), "-T", seconds.ToString(CultureInfo.InvariantCulture),
                "-f", script, "-h", cs.Host!, "-p", cs.Port.ToString(CultureInfo.InvariantCulture), "-U", cs.Username!, cs.Database!])
            {
                RedirectStandardOutput = true, RedirectStandardError = true,
            };
            start.Environment["PGPASSWORD"] = cs.Password;
            using var p = Process.Start(start)!;
            var output = await p.StandardOutput.ReadToEndAsync();
            var error = await p.StandardError.ReadToEndAsync();
            await p.WaitForExitAsync();
            var match = Tps().Match(output);
            if (!match.Success) throw new InvalidOperationException($"pgbench: {output}\n{error}");
            return double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        }
        finally
        {
            File.Delete(script);
        }
    }

    private static string Binary()
    {
        foreach (var dir in new[] { "/usr/lib/postgresql/15/bin", "/usr/local/pgsql/bin", "/usr/bin" })
        {
            if (File.Exists(Path.Combine(dir, "pgbench"))) return Path.Combine(dir, "pgbench");
        }
        return "pgbench";
    }
}
