using System.Collections.Concurrent;
using Npgsql;

namespace Rectification.Benchmark;

/// <summary>
/// One data source per connection string for the benchmark's own statements (ANALYZE, CHECKPOINT, the
/// WAL position, the statements' counters, the census). Made anew for each statement, every data source
/// read PostgreSQL's types again on its first connection: code that, called that often, was promoted to
/// its optimized tier and compiled during the rush, on the cores the rush runs on (docs/benchmarks.md,
/// session 18). Kept for the process's life, as a service keeps its pool.
/// </summary>
internal static class Databases
{
    private static readonly ConcurrentDictionary<string, NpgsqlDataSource> Sources = new();

    public static NpgsqlDataSource Of(string connectionString) => Sources.GetOrAdd(connectionString, NpgsqlDataSource.Create);
}
