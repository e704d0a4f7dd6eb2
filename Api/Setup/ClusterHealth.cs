namespace Rectification.Api.Setup;

/// <summary>
/// What this API process has seen of the cluster's health: the last time a call failed because a silo
/// was unreachable. Until the cluster has declared that silo dead and its deep reconciliation has begun
/// (which labels summaries itself), the survivors may hold figures that miss writes the lost silo had
/// not yet passed up; for <see cref="Window"/> after such a failure, summaries are labelled reconciling.
/// It only ever errs towards the label.
/// </summary>
public sealed class ClusterHealth(TimeProvider clock)
{
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(15);
    private long _lastFailureTicks;

    public void SiloUnreachable() => Interlocked.Exchange(ref _lastFailureTicks, clock.GetUtcNow().UtcTicks);

    public bool RecentlyDegraded => clock.GetUtcNow().UtcTicks - Interlocked.Read(ref _lastFailureTicks) < Window.Ticks;
}
