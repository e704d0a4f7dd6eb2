using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Rectification.Telemetry;

/// <summary>
/// OpenTelemetry for a host (the silo and the API share this file): metrics and traces of ASP.NET
/// Core, HttpClient, Npgsql, Orleans and the runtime, and the domain's own meter "Rectification".
/// Metrics are scraped in Prometheus format at <c>/metrics</c> on a port of their own
/// (<c>Metrics:Port</c>, off when unset), never on the public API port; OTLP export is switched on by
/// <c>OpenTelemetry:OtlpEndpoint</c>. JSON logs: <c>Logging:Console:FormatterName=json</c>.
/// </summary>
internal static class TelemetrySetup
{
    public static void AddTelemetry(this WebApplicationBuilder builder, string service)
    {
        var config = builder.Configuration;
        var otel = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(service, serviceInstanceId: Environment.MachineName + ":" + Environment.ProcessId));
        otel.WithMetrics(m =>
        {
            m.AddAspNetCoreInstrumentation().AddHttpClientInstrumentation().AddRuntimeInstrumentation()
                .AddMeter("Microsoft.Orleans", "Npgsql", "Rectification");
            if (config.GetValue<int?>("Metrics:Port") is not null) m.AddPrometheusExporter();
        });
        if (config["OpenTelemetry:OtlpEndpoint"] is { Length: > 0 } endpoint)
        {
            // Traces only when something receives them: a tracer with no exporter still records an
            // activity for every request, grain call and SQL statement (measured: docs/benchmarks.md).
            otel.WithTracing(t => t.AddAspNetCoreInstrumentation().AddHttpClientInstrumentation().AddNpgsql()
                .AddSource("Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application"));
            otel.UseOtlpExporter(OtlpExportProtocol.Grpc, new Uri(endpoint));
        }
        if (config.GetValue<int?>("Metrics:Port") is { } port)
        {
            // The scrape port is an extra listener; the public URLs stay as configured.
            var urls = config["Urls"] ?? config["ASPNETCORE_URLS"] ?? "http://localhost:5000";
            var host = config["Metrics:Host"] ?? "127.0.0.1";
            builder.WebHost.UseUrls([.. urls.Split(';', StringSplitOptions.RemoveEmptyEntries), $"http://{host}:{port}"]);
        }
    }

    /// <summary>Prometheus text at /metrics, answered only on the metrics port.</summary>
    public static void MapMetrics(this WebApplication app)
    {
        if (app.Configuration.GetValue<int?>("Metrics:Port") is { } port)
        {
            app.MapPrometheusScrapingEndpoint("/metrics").RequireHost($"*:{port}");
        }
    }
}
