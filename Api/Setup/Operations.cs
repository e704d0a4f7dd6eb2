using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using Orleans.Runtime;
using Scalar.AspNetCore;

namespace Rectification.Api.Setup;

/// <summary>Health endpoints and the OpenAPI document with a browsable UI; none of them needs a token.</summary>
public static class Operations
{
    /// <summary>The API process's own health; a silo that co-hosts the API answers with the silo's.</summary>
    public static void MapHealth(this WebApplication app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready") });
    }

    public static void MapApiDocuments(this WebApplication app)
    {
        app.MapOpenApi("/openapi/{documentName}.json");
        app.MapScalarApiReference("/docs", o => o.WithOpenApiRoutePattern("/openapi/{documentName}.json"));
    }

    public static IHealthChecksBuilder AddReadiness(this IServiceCollection services) =>
        services.AddHealthChecks().AddCheck<ReadinessCheck>("ready", tags: ["ready"]);

    /// <summary>Ready when the database answers and at least one silo is active in the cluster.</summary>
    private sealed class ReadinessCheck(NpgsqlDataSource db, IClusterClient cluster) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
        {
            try
            {
                await using var cmd = db.CreateCommand("SELECT 1");
                await cmd.ExecuteScalarAsync(ct);
                var hosts = await cluster.GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true).WaitAsync(TimeSpan.FromSeconds(5), ct);
                return hosts.Count > 0 ? HealthCheckResult.Healthy($"{hosts.Count} silo(s)") : HealthCheckResult.Unhealthy("no active silo");
            }
            catch (Exception ex)
            {
                return HealthCheckResult.Unhealthy("not ready", ex);
            }
        }
    }
}
