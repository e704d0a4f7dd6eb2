using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Runtime.Hosting;
using Microsoft.Extensions.Configuration;
using Rectification.Periods;
using Rectification.ReadModel;
using Rectification.Rollup;
using Rectification.Units;

namespace Rectification.Hosting;

public static class SiloConfiguration
{
    /// <summary>
    /// Everything a silo of this system needs except clustering: grain storage and reminders on
    /// PostgreSQL through one shared data source, the roll-up streams and the registry. Tests call
    /// this too, so test clusters run the same storage as production.
    /// </summary>
    public static ISiloBuilder AddRectification(this ISiloBuilder silo, NpgsqlDataSource db)
    {
        silo.Services.AddSingleton(db);
        silo.AddIncomingGrainCallFilter<StorageFailureFilter>();
        silo.Services.AddSingleton<UnitRegistry>();
        silo.Services.AddSingleton<CaseProjection>();
        silo.Services.AddHostedService(sp => sp.GetRequiredService<CaseProjection>());
        silo.Services.AddSingleton<DigestOutbox>();
        silo.Services.AddHostedService(sp => sp.GetRequiredService<DigestOutbox>());
        silo.Services.AddHostedService<LostSiloReconciler>();
        silo.Services.AddHostedService<Campaign.SweepStarter>();
        silo.Services.AddHostedService<Campaign.NoticeDelivery>();
        silo.Services.TryAddSingleton<ReportingClock>();
        silo.Services.AddOptions<DuePolicy>().BindConfiguration("Reporting");
        silo.Services.AddOptions<RollupOptions>().BindConfiguration("Rollup");
        // State is JSON that SQL can read (payloadbinary is UTF-8 JSON), and type names are not baked in.
        // Chinese text is stored as UTF-8 (3 bytes a character), not escaped as \uXXXX (6): the state is
        // never embedded in HTML, and every command rewrites it.
        silo.UseSystemTextJsonGrainStorageSerializer();
        silo.Services.Configure<Orleans.Serialization.SystemTextJsonGrainStorageSerializerOptions>(o =>
            o.JsonSerializerOptions.Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping);
        // Cases, the acknowledgement path, go through this system's group-committing storage; area
        // grains write rarely and keep Orleans' ADO.NET provider.
        silo.Services.AddGrainStorage(Names.CaseStorage, (sp, _) =>
        {
            var config = sp.GetRequiredService<Microsoft.Extensions.Configuration.IConfiguration>();
            // One transaction in flight: the fewer writers, the larger each group and the less PostgreSQL
            // spends per write (0.19, 0.16, 0.14 ms with 4, 2, 1 in the rush, docs/benchmarks.md, session 10).
            // Two were kept while the collector's pauses set the tail and one writer's was a little longer;
            // with one pause a rush, one writer is faster and its p99 no longer (session 14). Its cost:
            // every write waits behind a transaction that is slow for its own reasons (a row lock held
            // elsewhere), where a second writer would carry on.
            var writers = config.GetValue("CaseStorage:Writers", Storage.CaseStateStorage.DefaultWriters);
            var maxBatch = config.GetValue("CaseStorage:MaxBatch", 128);
            return new Storage.CaseStateStorage(db, sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<DuePolicy>>().Value, writers, maxBatch);
        });
        silo.AddAdoNetGrainStorage(Names.AreaStorage, o =>
        {
            o.Invariant = Names.Invariant;
            o.DataSource = db;
        });
        silo.UseAdoNetReminderService(o =>
        {
            o.Invariant = Names.Invariant;
            o.DataSource = db;
        });
        // Parents subscribe implicitly, so no pub-sub state is needed; the roll-up tolerates loss by design.
        silo.AddMemoryStreams(Names.RollupStreams, s =>
        {
            s.ConfigureStreamPubSub(Orleans.Streams.StreamPubSubType.ImplicitOnly);
            // Nothing rewinds these streams: a delivered digest is dead weight. By default the cache keeps
            // each one at least 5 minutes, so a month-end rush held every digest it carried (tens of MB,
            // more for old cases' digests) and a heap reading depended on how long ago the last burst was.
            // Still kept longer than a delivery may be retried (1 minute).
            s.ConfigureCacheEviction(o => o.Configure(e =>
            {
                e.DataMinTimeInCache = TimeSpan.FromSeconds(10);
                e.DataMaxAgeInCache = TimeSpan.FromMinutes(2);
            }));
            // A digest climbs four streams to the region, and an idle queue is read every period: at the
            // default 100 ms the region could be exact only about a second after the last write (the
            // target, #11); at 50 ms each hop waits half as long, for 160 more queue reads a second.
            s.ConfigurePullingAgent(o => o.Configure(p => p.GetQueueMsgsTimerPeriod = TimeSpan.FromMilliseconds(50)));
        });
        return silo;
    }

    /// <summary>ADO.NET membership on PostgreSQL with this system's cluster and service ids.</summary>
    public static ISiloBuilder UseRectificationClustering(this ISiloBuilder silo, NpgsqlDataSource db,
        IPAddress advertised, int siloPort, int gatewayPort, bool listenOnAny = false)
    {
        silo.Configure<ClusterOptions>(ConfigureCluster);
        silo.ConfigureEndpoints(advertised, siloPort, gatewayPort, listenOnAny);
        silo.UseAdoNetClustering(o =>
        {
            o.Invariant = Names.Invariant;
            o.DataSource = db;
        });
        return silo;
    }

    /// <summary>A data source with a bounded pool: silos × pool size must stay under max_connections.</summary>
    public static NpgsqlDataSource CreateDataSource(string connectionString, int maxPoolSize = 40)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString)
        {
            MaxPoolSize = maxPoolSize,
            // Orleans hands DateTime values of kind Utc; keep PostgreSQL's answers in UTC as well.
            Timezone = "UTC",
            // No session state is kept on a pooled connection (temporary tables drop on commit, advisory
            // locks are released explicitly), so skip the DISCARD ALL that would otherwise precede the
            // next use, and keep the hot statements prepared on each connection: parsed and planned once.
            NoResetOnClose = true,
            MaxAutoPrepare = 64,
            AutoPrepareMinUsages = 3,
            // A group commit's batch is tens of KB (each case's state row, ledger row, audit entry and
            // report): sent through the default 8 KB buffer it left in one send per 8 KB, each a system
            // call. 64 KB sends the usual group at once (docs/benchmarks.md, session 23).
            WriteBufferSize = 64 * 1024,
        };
        return NpgsqlDataSource.Create(builder.ConnectionString);
    }

    public static void ConfigureCluster(ClusterOptions o)
    {
        o.ClusterId = Names.ClusterId;
        o.ServiceId = Names.ServiceId;
    }
}
