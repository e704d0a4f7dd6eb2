using Rectification.Api.Auth;
using Rectification.Api.Cases;
using Rectification.Api.Setup;
using Rectification.Areas;
using Rectification.Cases;
using Rectification.Periods;
using Rectification.Units;

namespace Rectification.Api.Units;

/// <summary>A township's half-monthly progress report: POST to write it, GET to read it back.</summary>
public static class ProgressApi
{
    public sealed record ProgressBody(int? CasesVisited, int? ProblemsResolved, string? Narrative);

    public static void MapProgress(this RouteGroupBuilder v1)
    {
        var group = v1.MapGroup("/units/{code}/progress/{halfMonth}").WithTags("Township progress");
        group.MapPost("/", Submit);
        group.MapGet("/", Read);
    }

    private static async Task<IResult> Submit(string code, string halfMonth, ProgressBody body, Access access, UnitRegistry registry, IGrainFactory grains)
    {
        var (node, denied) = await access.CheckAsync(code, Role.Reporter);
        if (denied is not null) return denied;
        if (node!.Level != UnitLevel.Township) return Problems.NotFound($"{code} is a {node.Level.ToWire()}, not a township.");
        var errors = new CaseRequests.Errors();
        var period = CaseRequests.ParsePeriod(halfMonth, PeriodKind.HalfMonth, "halfMonth", errors);
        var visited = errors.Required("casesVisited", body.CasesVisited);
        var resolved = errors.Required("problemsResolved", body.ProblemsResolved);
        if (errors.Count > 0) return Problems.Validation(errors);

        var caller = access.Caller;
        var level = (await registry.FindAsync(caller.Unit))?.Level ?? UnitLevel.Village;
        var result = await grains.GetGrain<IAreaGrain>(code)
            .SubmitProgressAsync(new ProgressInput(period, visited, resolved, body.Narrative), new Actor(caller.Sub, caller.Role, level));
        return result.Outcome switch
        {
            CaseOutcome.Accepted => TypedResults.Ok(result.Progress),
            CaseOutcome.Invalid => Problems.Validation(result.Errors!),
            CaseOutcome.Forbidden => Problems.Forbidden(result.Detail!),
            _ => Problems.NotFound(result.Detail!),
        };
    }

    private static async Task<IResult> Read(string code, string halfMonth, Access access, IGrainFactory grains)
    {
        var (node, denied) = await access.CheckAsync(code);
        if (denied is not null) return denied;
        if (node!.Level != UnitLevel.Township) return Problems.NotFound($"{code} is a {node.Level.ToWire()}, not a township.");
        var errors = new CaseRequests.Errors();
        var period = CaseRequests.ParsePeriod(halfMonth, PeriodKind.HalfMonth, "halfMonth", errors);
        if (errors.Count > 0) return Problems.Validation(errors);
        var progress = await grains.GetGrain<IAreaGrain>(code).GetProgressAsync(period);
        return progress is null ? Problems.NotFound($"{code} has not reported {period}.") : TypedResults.Ok(progress);
    }
}
