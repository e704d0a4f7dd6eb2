using Orleans.TestingHost;

namespace Rectification.Tests.Infrastructure;

public static class Deactivation
{
    /// <summary>
    /// Deactivates a grain (DeactivateAsync waits for it) and checks that no activation is left, asking
    /// again if something (a township's reconciliation, say) activated it in between. Not
    /// WaitForDeactivationAsync afterwards: it waits on the current activation, and a fresh one would
    /// make that wait endless.
    /// </summary>
    public static async Task DeactivateFullyAsync(this InProcessTestCluster cluster, IAddressable grain)
    {
        for (var attempt = 1; attempt <= 5; attempt++)
        {
            await cluster.DeactivateAsync(grain).WaitAsync(TimeSpan.FromSeconds(30));
            if (!cluster.TryGetGrainContext(grain.GetGrainId(), out _)) return;
        }
        throw new TimeoutException($"{grain} was still active after 5 deactivations");
    }
}
