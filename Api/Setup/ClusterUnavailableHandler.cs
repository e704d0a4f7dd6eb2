using Microsoft.AspNetCore.Diagnostics;
using Npgsql;
using Orleans.Runtime;
using Orleans.Runtime.Messaging;
using Orleans.Storage;

namespace Rectification.Api.Setup;

/// <summary>
/// While the cluster heals (a silo died and is not yet declared dead, a gateway is gone, a grain
/// timed out) requests fail for a few seconds. Portals should retry those, so they get a 503 with
/// Retry-After instead of a bare 500. A write that failed this way may or may not have been applied
/// (the silo may have died after its write and before its answer): repeating it with the same
/// Idempotency-Key gives the one true answer.
/// </summary>
public sealed class ClusterUnavailableHandler(IProblemDetailsService problems, ILogger<ClusterUnavailableHandler> log) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken ct)
    {
        if (!IsTransient(exception)) return false;
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
                    ? "The cluster is recovering from a lost node; this write may or may not have been applied. Repeat it with the same Idempotency-Key."
                    : "The cluster is recovering from a lost node. Retry shortly.",
            },
        });
    }

    private static bool IsTransient(Exception e) => e switch
    {
        SiloUnavailableException or OrleansMessageRejectionException or ConnectionFailedException
            or GatewayTooBusyException or ClientNotAvailableException or InconsistentStateException => true,
        TimeoutException or OperationCanceledException => true,
        NpgsqlException npgsql => npgsql.IsTransient,
        AggregateException agg => agg.InnerExceptions.All(IsTransient),
        _ => e.InnerException is { } inner && IsTransient(inner),
    };
}
