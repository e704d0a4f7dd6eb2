using Npgsql;

namespace Rectification.Silo;

/// <summary>Retries a start-up step while the database cannot be reached, up to a deadline.</summary>
public static class StartupWait
{
    public static async Task<T> ForDatabaseAsync<T>(Func<Task<T>> step, TimeSpan patience)
    {
        var deadline = DateTime.UtcNow + patience;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await step();
            }
            catch (NpgsqlException ex) when (ex is not PostgresException { SqlState: not ("57P03" or "57P01") } && DateTime.UtcNow < deadline)
            {
                Console.Error.WriteLine($"PostgreSQL not reachable ({ex.Message}); retrying (attempt {attempt}).");
                await Task.Delay(TimeSpan.FromSeconds(Math.Min(5, attempt)));
            }
        }
    }
}
