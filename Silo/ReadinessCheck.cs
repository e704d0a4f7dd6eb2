using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using Orleans.Runtime;

namespace Rectification.Silo;

/// <summary>Ready when the database answers and this silo is an active member of the cluster.</summary>
public sealed class ReadinessCheck(NpgsqlDataSource db, IClusterMembershipService membership, ILocalSiloDetails local) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        try
        {
            await using var cmd = db.CreateCommand("SELECT 1");
            await cmd.ExecuteScalarAsync(ct);
        }
        catch (Exception ex)
        {
            return HealthCheckResult.Unhealthy("database unreachable", ex);
        }
        var status = membership.CurrentSnapshot.GetSiloStatus(local.SiloAddress);
        return status == SiloStatus.Active
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy($"silo is {status}");
    }
}
