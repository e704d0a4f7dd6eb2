using Rectification.Units;

namespace Rectification.Silo;

/// <summary>
/// After a start, the roll-up is rebuilt at once instead of on the first summary read: activating the
/// root makes it reconcile, which activates every area below it, and each of those reconciles with
/// its children and the stored cases. After a whole-system restart that cascade takes seconds; begun
/// here, most of it is done by the time the API reports ready. Every silo asks; for a root already
/// active it is one cheap call.
/// </summary>
public sealed partial class RollupWarmup(IGrainFactory grains, UnitRegistry registry, ILogger<RollupWarmup> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stopping)
    {
        for (var attempt = 1; !stopping.IsCancellationRequested; attempt++)
        {
            try
            {
                var root = await registry.RootAsync();
                if (root is not null) await grains.Area(root).GetDigestAsync();
                return;
            }
            catch (Exception ex) when (!stopping.IsCancellationRequested)
            {
                // The silo may not take grain calls yet: try again shortly. The first summary read wakes the root anyway.
                if (attempt % 10 == 1) LogRetry(log, ex, attempt);
                await Task.Delay(TimeSpan.FromSeconds(Math.Min(10, attempt)), stopping).ContinueWith(_ => { });
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Waking the roll-up's root failed (attempt {Attempt}); retrying")]
    private static partial void LogRetry(ILogger logger, Exception ex, int attempt);
}
