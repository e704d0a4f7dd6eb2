using System.Net;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Npgsql;
using Orleans.Dashboard;
using Rectification.Api.Setup;
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
            // The dashboard shows every grain's activity: off unless an operator turns it on (run.sh does, on loopback).
            if (builder.Configuration.GetValue<bool>("Dashboard:Enabled")) silo.AddDashboard();
        });
        builder.Services.AddHostedService<RollupWarmup>();
        builder.Services.AddHealthChecks()
            .AddCheck<ReadinessCheck>("ready", tags: ["ready"]);
    }

    /// <param name="coHosted">The API's middleware, security headers among it, already runs in this host.</param>
    public static void MapSiloEndpoints(this WebApplication app, bool coHosted)
    {
        // The same headers as the API's answers: a silo serving the API has them from its middleware already.
        if (!coHosted) app.UseSecurityHeaders();
        app.Use(async (ctx, next) =>
        {
            // Even when turned on, the dashboard answers only on loopback: an operator reaches it through a tunnel or port-forward.
            if (ctx.Request.Path.StartsWithSegments("/dashboard") && ctx.Connection.RemoteIpAddress is { } ip && !IPAddress.IsLoopback(ip))
            {
                ctx.Response.StatusCode = StatusCodes.Status403Forbidden;
                await ctx.Response.WriteAsJsonAsync(new { type = "about:blank", title = "Forbidden.", status = 403, detail = "The dashboard answers on loopback only." },
                    (System.Text.Json.JsonSerializerOptions?)null, "application/problem+json");
                return;
            }
            await next();
        });
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready") });
        if (app.Configuration.GetValue<bool>("Dashboard:Enabled")) app.MapOrleansDashboard(routePrefix: "/dashboard");
    }
}
