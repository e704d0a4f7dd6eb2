using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using Rectification.Hosting;

namespace Rectification.Tests.Infrastructure;

/// <summary>
/// Three in-process silos whose grain storage and reminders are the real PostgreSQL (a fresh database
/// with the real region). Test membership, so silos can be killed and added freely.
/// </summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    public TestDatabase Db { get; private set; } = null!;
    public InProcessTestCluster Cluster { get; private set; } = null!;
    public TestClock Clock { get; } = new(new DateTimeOffset(2026, 11, 20, 12, 0, 0, TimeSpan.Zero));
    public IClusterClient Client => Cluster.Client;

    public async Task InitializeAsync()
    {
        Db = await TestDatabase.CreateAsync();
        var builder = new InProcessTestClusterBuilder(3);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.Services.AddSingleton<TimeProvider>(Clock);
            silo.AddRectification(Db.DataSource);
        });
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
