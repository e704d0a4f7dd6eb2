using Rectification.Silo;
using Rectification.Storage;
using Rectification.Telemetry;

var builder = WebApplication.CreateBuilder(args);
var db = builder.AddDatabase();

// Schema and registry come first: the Orleans providers read their queries once, at start-up.
await Migrator.ApplyAsync(db);
var loaded = await RegistryImport.LoadIfNewAsync(db);
if (args.Contains("migrate"))
{
    Console.WriteLine($"Schema is current; {loaded} units loaded.");
    return;
}

builder.AddSilo(db);
builder.AddTelemetry("rectification-silo");
var app = builder.Build();
app.MapSiloEndpoints();
app.MapMetrics();
app.Logger.LogInformation("Registry: {Loaded} units loaded on this start", loaded);
await app.RunAsync();
