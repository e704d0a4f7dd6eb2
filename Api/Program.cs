using Rectification.Api.Setup;
using Rectification.Telemetry;

// The API as a process of its own: a stateless Orleans client of the silos (the scaled layout,
// docs/operations.md). A silo can serve the same API itself (Api:CoHosted, docs/scaling.md).
var builder = WebApplication.CreateBuilder(args);
builder.AddDatabase();
builder.AddCluster();
builder.AddApi();
builder.AddTelemetry("rectification-api");
builder.Services.AddReadiness();

var app = builder.Build();
app.MapApi();
app.MapHealth();
app.MapMetrics();
app.Run();

/// <summary>Entry point, visible to the in-process API tests.</summary>
public partial class Program;
