using Npgsql;

namespace Rectification.Storage;

/// <summary>
/// Whether a failure came from the database or the network being away (worth retrying, and every
/// statement in flight fails alike) rather than from a statement's own content.
/// </summary>
public static class DatabaseErrors
{
    public static bool IsTransient(Exception ex) => ex switch
    {
        PostgresException pg => pg.IsTransient || pg.SqlState.StartsWith("08", StringComparison.Ordinal) || pg.SqlState.StartsWith("57", StringComparison.Ordinal)
            || pg.SqlState.StartsWith("53", StringComparison.Ordinal),
        NpgsqlException => true,
        TimeoutException or System.Net.Sockets.SocketException or IOException or OperationCanceledException => true,
        _ => ex.InnerException is { } inner && IsTransient(inner),
    };
}
