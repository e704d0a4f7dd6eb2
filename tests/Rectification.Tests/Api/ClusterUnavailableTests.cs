using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Runtime;
using Rectification.Api.Setup;

namespace Rectification.Tests.Api;

/// <summary>
/// Failures while the cluster heals answer 503 with Retry-After, so portals retry them; anything
/// else is left to the generic 500. (The scaled end-to-end test sees these 503s around a real kill.)
/// </summary>
public sealed class ClusterUnavailableTests
{
    public static TheoryData<Exception> Transient() => new()
    {
        new SiloUnavailableException("gone"),
        new TimeoutException("Response did not arrive on time"),
        new Orleans.Runtime.Messaging.ConnectionFailedException("Unable to connect to endpoint"),
        new AggregateException(new TimeoutException("a"), new SiloUnavailableException("b")),
        new InvalidOperationException("wrapper", new GatewayTooBusyException()),
        // What reaches the API when the silo's own failure has no codec: the database driver's, or the
        // timeout of Orleans' placement (seen in the scaled run around a killed silo and a stopped database).
        new Orleans.Serialization.CodecNotFoundException("Could not find a codec for type Npgsql.NpgsqlException."),
        new Orleans.Serialization.CodecNotFoundException("Could not find a codec for type Polly.Timeout.TimeoutRejectedException."),
    };

    [Theory]
    [MemberData(nameof(Transient))]
    public async Task Transient_cluster_failures_answer_503_with_retry_after(Exception error)
    {
        var (handled, http) = await HandleAsync(error, "POST");
        Assert.True(handled);
        Assert.Equal(503, http.Response.StatusCode);
        Assert.Equal("1", http.Response.Headers.RetryAfter.ToString());
        var problem = await ReadBodyAsync(http);
        Assert.Equal(503, problem.GetProperty("status").GetInt32());
        Assert.Contains("Idempotency-Key", problem.GetProperty("detail").GetString());
    }

    public static TheoryData<Exception> NotTransient() => new()
    {
        new InvalidOperationException("a bug"),
        // Any other type that cannot cross from the silo is a bug to fix, not a reason to retry.
        new Orleans.Serialization.CodecNotFoundException("Could not find a codec for type Rectification.Cases.SomethingNew."),
    };

    [Theory]
    [MemberData(nameof(NotTransient))]
    public async Task Other_failures_are_not_dressed_up_as_transient(Exception error)
    {
        var (handled, http) = await HandleAsync(error, "GET");
        Assert.False(handled);
        Assert.NotEqual(503, http.Response.StatusCode);
        Assert.Equal(0, http.Response.Body.Length);
    }

    private static async Task<(bool, HttpContext)> HandleAsync(Exception error, string method)
    {
        var services = new ServiceCollection().AddLogging().AddProblemDetails().BuildServiceProvider();
        var http = new DefaultHttpContext { RequestServices = services };
        http.Request.Method = method;
        http.Request.Path = "/api/v1/cases/150102001001/findings";
        http.Response.Body = new MemoryStream();
        var handler = new ClusterUnavailableHandler(services.GetRequiredService<Microsoft.AspNetCore.Http.IProblemDetailsService>(),
            Health, NullLogger<ClusterUnavailableHandler>.Instance);
        return (await handler.TryHandleAsync(http, error, CancellationToken.None), http);
    }

    private static readonly ClusterHealth Health = new(TimeProvider.System);

    [Fact]
    public async Task A_lost_silo_labels_summaries_as_reconciling_for_a_while_a_database_outage_does_not()
    {
        var clock = new SteppedClock();
        var health = new ClusterHealth(clock);
        var services = new ServiceCollection().AddLogging().AddProblemDetails().BuildServiceProvider();
        var handler = new ClusterUnavailableHandler(services.GetRequiredService<Microsoft.AspNetCore.Http.IProblemDetailsService>(),
            health, NullLogger<ClusterUnavailableHandler>.Instance);
        var http = new DefaultHttpContext { RequestServices = services };
        http.Response.Body = new MemoryStream();
        await handler.TryHandleAsync(http, new Npgsql.NpgsqlException("away"), CancellationToken.None);
        Assert.False(health.RecentlyDegraded);
        await handler.TryHandleAsync(http, new SiloUnavailableException("gone"), CancellationToken.None);
        Assert.True(health.RecentlyDegraded);
        clock.Now += ClusterHealth.Window + TimeSpan.FromSeconds(1);
        Assert.False(health.RecentlyDegraded);
    }

    private static async Task<JsonElement> ReadBodyAsync(HttpContext http)
    {
        http.Response.Body.Position = 0;
        return (await JsonDocument.ParseAsync(http.Response.Body)).RootElement;
    }

    private sealed class SteppedClock : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = DateTimeOffset.UtcNow;

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
