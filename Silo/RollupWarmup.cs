using Rectification.Hosting;
using Rectification.Units;

namespace Rectification.Silo;

/// <summary>
/// After a start, the roll-up is rebuilt at once instead of on the first summary read: activating the
/// root makes it reconcile, which activates every area below it, and each of those reconciles with
/// its children and the stored cases. After a whole-system restart that cascade takes seconds; begun
/// here, most of it is done by the time the API reports ready. Every silo asks; for a root already
/// active it is one cheap call. If it never goes through, the first summary read wakes the root anyway.
/// </summary>
public sealed class RollupWarmup(IGrainFactory grains, UnitRegistry registry, ILogger<RollupWarmup> log) : StartupCall(log)
{
    protected override string What => "Waking the roll-up's root";

    protected override async Task CallAsync()
    {
        if (await registry.RootAsync() is { } root) await grains.Area(root).GetDigestAsync();
    }
}
