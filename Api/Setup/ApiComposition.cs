using Microsoft.Extensions.DependencyInjection.Extensions;
using Rectification.Api.Auth;
using Rectification.Api.Campaign;
using Rectification.Api.Cases;
using Rectification.Api.Criteria;
using Rectification.Api.Forms;
using Rectification.Api.Imports;
using Rectification.Api.Ledger;
using Rectification.Api.Summaries;
using Rectification.Api.Units;
using Rectification.Periods;

namespace Rectification.Api.Setup;

/// <summary>
/// The API's services and routes, apart from how it reaches the grains and the database. The API
/// process (Program.cs) adds an Orleans client and its own data source; a silo that co-hosts the API
/// (Api:CoHosted, docs/scaling.md) calls these on its own host, where grain calls stay in the process
/// and the data source and unit registry are the silo's.
/// </summary>
public static class ApiComposition
{
    public static void AddApi(this WebApplicationBuilder builder)
    {
        builder.AddSecurity();
        var services = builder.Services;
        services.AddSingleton<UnitQueries>();
        services.AddSingleton<CriteriaCatalogue>();
        services.AddSingleton<OrganizationCategories>();
        services.AddSingleton<UnitMoves>();
        services.AddScoped<IdempotentAnswers>();
        services.AddScoped<PersonalDataLog>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<ClusterHealth>();
        services.AddSingleton<LedgerQueries>();
        services.AddSingleton<FormQueries>();
        services.AddSingleton<UnitImport>();
        services.AddSingleton<CaseImport>();
        services.AddScoped<CaseCommandRunner>();
        services.AddScoped<WriteConditions>();
        // The same calendar as the silos: due dates decide which township reports are missing in a drill-through.
        services.TryAddSingleton<ReportingClock>();
        services.AddOptions<DuePolicy>().BindConfiguration("Reporting");
        builder.AddHttpConventions();
    }

    /// <summary>The middleware (security headers, problem details, limits, authentication, rate limits), the portal, the API documents and every /api/v1 route.</summary>
    public static void MapApi(this WebApplication app)
    {
        app.UseHttpConventions();
        app.UsePortal();
        app.MapApiDocuments();

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
    }
}
