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

    private static bool FromDatabase(Exception ex) => ex switch
    {
        NpgsqlException => true,
        AggregateException agg => agg.InnerExceptions.Any(FromDatabase),
        _ => ex.InnerException is { } inner && FromDatabase(inner),
    };
}
