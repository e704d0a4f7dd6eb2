using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using Rectification.Hosting;
using Rectification.Periods;
using Rectification.Rollup;

namespace Rectification.Tests.Infrastructure;

/// <summary>
/// Three in-process silos whose grain storage and reminders are the real PostgreSQL (a fresh database
/// with the real region). Test membership, so silos can be killed and added freely.
/// </summary>
public class ClusterFixture : IAsyncLifetime
{
    protected virtual short Silos => 3;

    public TestDatabase Db { get; private set; } = null!;
    public InProcessTestCluster Cluster { get; private set; } = null!;
    public TestClock Clock { get; } = new(new DateTimeOffset(2026, 11, 20, 12, 0, 0, TimeSpan.Zero));
    public IClusterClient Client => Cluster.Client;

    public async Task InitializeAsync()
    {
        Db = await TestDatabase.CreateAsync();
        var builder = new InProcessTestClusterBuilder(Silos);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.Services.AddSingleton<ReportingClock>(Clock);
            silo.AddRectification(Db.DataSource);
            // Quick coalescing, reconciliation and persistence, so tests see convergence (and healing) within seconds.
            silo.Services.Configure<RollupOptions>(o =>
            {
                o.CoalesceMilliseconds = 100;
                o.ReconcileSeconds = 3;
                o.PersistSeconds = 2;
            });
        });
        // The test client can publish snapshots itself (duplicates, reordering).
        // Like the API, the client does not wait 30 s for a call stranded on a killed silo (dotnet/orleans#10165).
        builder.ConfigureClient(client => client.AddMemoryStreams(Names.RollupStreams)
            .Configure<Orleans.Configuration.ClientMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromSeconds(10)));
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        try
        {
            await Cluster.StopAllSilosAsync();
        }
        finally
        {
            await Cluster.DisposeAsync();
            await Db.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "cluster";
}

/// <summary>A cluster of its own for tests that need exact region-wide figures no other test touches.</summary>
public sealed class SeedClusterFixture : ClusterFixture
{
    protected override short Silos => 2;
}
