using ApiComposition = Rectification.Api.Setup.ApiComposition;
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
// Co-hosted (docs/scaling.md): this silo also serves the public API on its URLs, so a report reaches
// its village grain without the client's and the gateway's serialization and a second process. The
// scaled layout runs the API as processes of their own and leaves this off.
var coHosted = builder.Configuration.GetValue<bool>("Api:CoHosted");
if (coHosted) ApiComposition.AddApi(builder);
builder.AddTelemetry("rectification-silo");
var app = builder.Build();
if (coHosted) ApiComposition.MapApi(app);
app.MapSiloEndpoints(coHosted);
app.MapMetrics();
app.Logger.LogInformation("Registry: {Loaded} units loaded on this start", loaded);
await app.RunAsync();
