using Microsoft.AspNetCore.Diagnostics;
using Npgsql;
using Orleans.Runtime;
using Orleans.Runtime.Messaging;
using Orleans.Storage;

namespace Rectification.Api.Setup;

/// <summary>
/// While the cluster heals (a silo died and is not yet declared dead, a gateway is gone, a grain
/// timed out), or PostgreSQL is away (restarting, failing over, refusing connections), requests fail
/// for a few seconds. Portals should retry those, so they get a 503 with
/// Retry-After instead of a bare 500. A write that failed this way may or may not have been applied
/// (the silo may have died after its write and before its answer): repeating it with the same
/// Idempotency-Key gives the one true answer.
/// </summary>
public sealed class ClusterUnavailableHandler(IProblemDetailsService problems, ClusterHealth health, ILogger<ClusterUnavailableHandler> log) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
    {
        if (!IsTransient(exception)) return false;
        if (SiloLost(exception)) health.SiloUnreachable();
        log.LogWarning("{Method} {Path} answered 503: {Error}", http.Request.Method, http.Request.Path, exception.Message);
        var write = !HttpMethods.IsGet(http.Request.Method) && !HttpMethods.IsHead(http.Request.Method);
        http.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        http.Response.Headers.RetryAfter = "1";
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails =
            {
                Status = 503,
                Title = "The service is briefly unavailable.",
                Type = "https://tools.ietf.org/html/rfc9110#section-15.6.4",
                Detail = write
                    ? "The service is recovering (a lost node or the database away); this write may or may not have been applied. Repeat it with the same Idempotency-Key."
                    : "The service is recovering (a lost node or the database away). Retry shortly.",
            },
        });
    }

    public static bool IsTransient(Exception e) => e switch
    {
        SiloUnavailableException or OrleansMessageRejectionException or ConnectionFailedException
            or GatewayTooBusyException or ClientNotAvailableException or InconsistentStateException => true,
        StorageUnavailableException => true,
        // A failure that could not even cross from the silo, because it was the database driver's own, or
        // the timeout of Orleans' own placement (its resilience library's exception inside a TimeoutException),
        // which a silo lost with its directory entries can hit under load.
        Orleans.Serialization.CodecNotFoundException codec => codec.Message.Contains("Npgsql", StringComparison.Ordinal)
            || codec.Message.Contains("Polly.Timeout.TimeoutRejectedException", StringComparison.Ordinal),
        TimeoutException or OperationCanceledException or System.Net.Sockets.SocketException or IOException => true,
        PostgresException pg => DatabaseAway(pg.SqlState) || pg.IsTransient,
        // Every other Npgsql failure is about reaching the database (connect, broken pipe, pool timeout), not about data.
        NpgsqlException => true,
        // A silo's storage failure crosses to the API as Orleans' fallback when the type does not travel.
        Orleans.Serialization.UnavailableExceptionFallbackException fallback => fallback.ExceptionType?.StartsWith("Npgsql.NpgsqlException", StringComparison.Ordinal) == true
            || fallback.ExceptionType?.Contains("Socket", StringComparison.Ordinal) == true || (fallback.InnerException is { } i && IsTransient(i)),
        AggregateException agg => agg.InnerExceptions.All(IsTransient),
        _ => e.InnerException is { } inner && IsTransient(inner),
    };

    private static bool SiloLost(Exception e) => e switch
    {
        SiloUnavailableException or ConnectionFailedException or OrleansMessageRejectionException or TimeoutException => true,
        AggregateException agg => agg.InnerExceptions.Any(SiloLost),
        _ => e.InnerException is { } inner && SiloLost(inner),
    };

    /// <summary>SQL states of a database that is away or overloaded: connection (08), resources (53), operator intervention (57), serialization (40).</summary>
    private static bool DatabaseAway(string state) =>
        state.StartsWith("08", StringComparison.Ordinal) || state.StartsWith("53", StringComparison.Ordinal)
        || state.StartsWith("57", StringComparison.Ordinal) || state.StartsWith("40", StringComparison.Ordinal);
}
