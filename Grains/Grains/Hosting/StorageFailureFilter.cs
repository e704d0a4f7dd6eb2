using Npgsql;

namespace Rectification.Hosting;

/// <summary>
/// Turns a grain call that failed because PostgreSQL was away into a <see cref="StorageUnavailableException"/>:
/// Npgsql's exceptions have no Orleans codec, so without this the API would get an unserializable
/// failure and answer 500 where a retry is the right answer.
/// </summary>
public sealed class StorageFailureFilter : IIncomingGrainCallFilter
{
    public async Task Invoke(IIncomingGrainCallContext context)
    {
        try
        {
            await context.Invoke();
        }
        catch (Exception ex) when (FromDatabase(ex))
        {
            throw new StorageUnavailableException($"The database could not be reached: {ex.GetType().Name}.");
        }
    }

    /// <summary>The database away or overloaded (a retry helps), not an error in a statement (a bug: that stays a 500).</summary>
    private static bool FromDatabase(Exception ex) => ex switch
    {
        PostgresException pg => pg.IsTransient || pg.SqlState[..2] is "08" or "53" or "57" or "40",
        NpgsqlException => true,
        AggregateException agg => agg.InnerExceptions.Any(FromDatabase),
        _ => ex.InnerException is { } inner && FromDatabase(inner),
    };
}
