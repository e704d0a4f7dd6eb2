using Rectification.Api.Campaign;
using Rectification.Api.Auth;
using Rectification.Api.Cases;
using Rectification.Api.Criteria;
using Rectification.Api.Forms;
using Rectification.Api.Imports;
using Rectification.Api.Ledger;
using Rectification.Api.Setup;
using Rectification.Api.Summaries;
using Rectification.Api.Units;
using Rectification.Telemetry;

var builder = WebApplication.CreateBuilder(args);
builder.AddDatabase();
builder.AddCluster();
builder.AddSecurity();
builder.Services.AddSingleton<UnitQueries>();
builder.Services.AddSingleton<CriteriaCatalogue>();
builder.Services.AddSingleton<OrganizationCategories>();
builder.Services.AddSingleton<UnitMoves>();
builder.Services.AddScoped<IdempotentAnswers>();
builder.Services.AddScoped<PersonalDataLog>();
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddSingleton<ClusterHealth>();
builder.Services.AddSingleton<Rectification.Api.Ledger.LedgerQueries>();
builder.Services.AddSingleton<Rectification.Api.Forms.FormQueries>();
builder.Services.AddSingleton<Rectification.Api.Imports.UnitImport>();
builder.Services.AddSingleton<Rectification.Api.Imports.CaseImport>();
builder.Services.AddScoped<CaseCommandRunner>();
builder.Services.AddScoped<WriteConditions>();
// The same calendar as the silos: due dates decide which township reports are missing in a drill-through.
builder.Services.AddSingleton<Rectification.Periods.ReportingClock>();
builder.Services.AddOptions<Rectification.Periods.DuePolicy>().BindConfiguration("Reporting");
builder.AddHttpConventions();
builder.AddTelemetry("rectification-api");
builder.Services.AddReadiness();

var app = builder.Build();
app.UseHttpConventions();
app.UsePortal();
app.MapOperations();
app.MapMetrics();

var v1 = app.MapGroup("/api/v1").RequireAuthorization().RequireRateLimiting(HttpConventions.PerCaller);
v1.MapUnits();
v1.MapUnitProfiles();
v1.MapOrganizationCategories();
v1.MapLedger();
v1.MapWorkload();
v1.MapForms();
v1.MapImports();
v1.MapCases();
v1.MapCampaign();
v1.MapSuggestions();
v1.MapNotices();
v1.MapCriteria();
v1.MapProgress();
v1.MapSummaries();
if (app.Configuration.GetValue<bool>("Auth:DevTokens"))
{
    app.MapGroup("/api/v1").MapDevTokens();
}
app.EnsureEveryRouteDeclaresAccess();

app.Run();

/// <summary>Entry point, visible to the in-process API tests.</summary>
public partial class Program;
