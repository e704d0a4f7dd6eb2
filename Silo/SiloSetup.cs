using System.Net;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Npgsql;
using Orleans.Dashboard;
using Rectification.Hosting;

namespace Rectification.Silo;

public static class SiloSetup
{
    public static NpgsqlDataSource AddDatabase(this WebApplicationBuilder builder)
    {
        var connectionString = builder.Configuration.GetConnectionString("Rectification")
            ?? throw new InvalidOperationException("ConnectionStrings:Rectification is not set.");
        var db = SiloConfiguration.CreateDataSource(connectionString, builder.Configuration.GetValue("Database:MaxPoolSize", 40));
        builder.Services.AddSingleton(db);
        return db;
    }

    public static void AddSilo(this WebApplicationBuilder builder, NpgsqlDataSource db)
    {
        var orleans = builder.Configuration.GetSection("Orleans");
        builder.UseOrleans(silo =>
        {
            silo.UseRectificationClustering(db,
                IPAddress.Parse(orleans.GetValue("AdvertisedIP", "127.0.0.1")!),
                orleans.GetValue("SiloPort", 11111),
                orleans.GetValue("GatewayPort", 30000),
                orleans.GetValue("ListenOnAny", false));
            silo.AddRectification(db);
            silo.AddDashboard();
        });
        builder.Services.AddHealthChecks()
            .AddCheck<ReadinessCheck>("ready", tags: ["ready"]);
    }

    public static void MapSiloEndpoints(this WebApplication app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready") });
        // The dashboard shows grain state: the silo's HTTP port is for operators and binds to loopback
        // unless configured otherwise (see deploy/).
        app.MapOrleansDashboard(routePrefix: "/dashboard");
    }
}
