using Rectification.Silo;
using Rectification.Storage;
using Rectification.Telemetry;

var builder = WebApplication.CreateBuilder(args);
var db = builder.AddDatabase();

// Schema and registry come first: the Orleans providers read their queries once, at start-up. A
// silo restarted while PostgreSQL is away waits for it (Database:StartupWaitSeconds) instead of dying.
var loaded = await StartupWait.ForDatabaseAsync(async () =>
{
    await Migrator.ApplyAsync(db);
    return await RegistryImport.LoadIfNewAsync(db);
}, TimeSpan.FromSeconds(builder.Configuration.GetValue("Database:StartupWaitSeconds", 120)));
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
