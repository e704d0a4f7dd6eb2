using Npgsql;
using Orleans.Configuration;
using Rectification.Units;

namespace Rectification.Api.Setup;

public static class ClusterSetup
{
    /// <summary>One pooled data source for the read model and the registry; resolved lazily from configuration.</summary>
    public static void AddDatabase(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton(sp =>
        {
            var config = sp.GetRequiredService<IConfiguration>();
            var cs = new NpgsqlConnectionStringBuilder(config.GetConnectionString("Rectification")
                ?? throw new InvalidOperationException("ConnectionStrings:Rectification is not set."))
            {
                MaxPoolSize = config.GetValue("Database:MaxPoolSize", 30),
                Timezone = "UTC",
            };
            return NpgsqlDataSource.Create(cs.ConnectionString);
        });
        builder.Services.AddSingleton<UnitRegistry>();
    }

    /// <summary>The API is an Orleans client: it finds the silos through the same membership table.</summary>
    public static void AddCluster(this WebApplicationBuilder builder)
    {
        builder.UseOrleansClient(client =>
        {
            client.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = Names.ClusterId;
                o.ServiceId = Names.ServiceId;
            });
            // Orleans 10.4 lets a request that went through a gateway whose silo then died wait the whole
            // response timeout (dotnet/orleans#10165). Our calls take milliseconds, so a shorter timeout
            // turns that hang into a prompt 503 the portal retries.
            client.Configure<ClientMessagingOptions>(o =>
                o.ResponseTimeout = TimeSpan.FromSeconds(builder.Configuration.GetValue("Orleans:ResponseTimeoutSeconds", 10)));
            client.UseAdoNetClustering(options => options.Configure<NpgsqlDataSource>((o, db) =>
            {
                o.Invariant = Names.Invariant;
                o.DataSource = db;
            }));
        });
    }
}
