using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Rectification.Areas;
using Rectification.Units;

namespace Rectification.Hosting;

/// <summary>
/// When a silo is declared dead, the roll-up it held (area grains, digests published but not yet
/// delivered) may be behind the stored cases while the surviving parents still hold their old figures.
/// One silo (the oldest active one) then runs a deep reconciliation from the root: every area grain on
/// the way says it is reconciling (summaries answer <c>reconciling: true</c>) until it has caught up
/// with its children and the stored cases. That is what turns a silent stale figure into a labelled one.
/// </summary>
public sealed partial class LostSiloReconciler(IClusterMembershipService membership, ILocalSiloDetails local, IGrainFactory grains,
    UnitRegistry registry, ILogger<LostSiloReconciler> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        // Silos dead before this one started are history (a whole-system restart reconciles on activation).
        var dead = membership.CurrentSnapshot.Members.Values.Where(m => m.Status == SiloStatus.Dead).Select(m => m.SiloAddress).ToHashSet();
        try
        {
            await foreach (var snapshot in membership.MembershipUpdates.WithCancellation(stopping))
            {
                var newlyDead = snapshot.Members.Values
                    .Where(m => m.Status == SiloStatus.Dead && dead.Add(m.SiloAddress))
                    .ToList();
                if (newlyDead.Count == 0 || !IAmOldestActive(snapshot)) continue;
                _ = ReconcileAsync(string.Join(", ", newlyDead.Select(m => m.SiloAddress)));
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested) { }
    }

    private bool IAmOldestActive(ClusterMembershipSnapshot snapshot) =>
        snapshot.Members.Values.Where(m => m.Status == SiloStatus.Active)
            .OrderBy(m => m.SiloAddress.Generation).ThenBy(m => m.SiloAddress.ToString(), StringComparer.Ordinal)
            .FirstOrDefault()?.SiloAddress.Equals(local.SiloAddress) == true;

    private async Task ReconcileAsync(string lost)
    {
        try
        {
            var root = await registry.RootAsync() ?? throw new InvalidOperationException("The registry is empty.");
            var started = DateTime.UtcNow;
            await grains.Area(root).ReconcileAsync(deep: true);
            LogReconciled(log, lost, (DateTime.UtcNow - started).TotalSeconds);
        }
        catch (Exception ex)
        {
            // The periodic reconciliation and the reminders still heal it; only the label comes later.
            LogFailed(log, ex, lost);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Silo(s) {Lost} lost: deep reconciliation from the root took {Seconds:F1} s")]
    private static partial void LogReconciled(ILogger logger, string lost, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Deep reconciliation after losing {Lost} failed")]
    private static partial void LogFailed(ILogger logger, Exception ex, string lost);
}
