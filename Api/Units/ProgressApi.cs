using Rectification.Security;
using Rectification.Api.Auth;
using Rectification.Api.Cases;
using Rectification.Api.Setup;
using Rectification.Areas;
using Rectification.Cases;
using Rectification.Periods;
using Rectification.Units;

namespace Rectification.Api.Units;

/// <summary>
/// A township's half-monthly progress report (每半月报送): POST to write it (If-Match, Idempotency-Key),
/// GET to read it back with its earlier revisions; and the drill-through behind the summary's
/// <c>townshipReports</c> figures: which townships of a subtree reported on time, late, or not yet.
/// </summary>
public static class ProgressApi
{
    public sealed record ProgressBody(int? CasesVisited, int? ProblemsResolved, string? Narrative);

    /// <summary>One township's standing for one half month, as the drill-through lists it.</summary>
    public sealed record TownshipReportRow(string Township, string Name, string HalfMonth, string Status, DateOnly DueOn,
        DateTimeOffset? ReceivedAt, int? Version);

    private static readonly string[] Statuses = ["onTime", "late", "missing", "pending"];

    public static void MapProgress(this RouteGroupBuilder v1)
    {
        var group = v1.MapGroup("/units/{code}/progress").WithTags("Township progress");
        group.MapPost("/{halfMonth}", Submit).RequireAccess(AccessAction.Write);
        group.MapGet("/{halfMonth}", Read).RequireAccess(AccessAction.Read);
        group.MapGet("/", List).RequireAccess(AccessAction.Read);
    }

    private static async Task<IResult> Submit(string code, string halfMonth, ProgressBody body, HttpContext http, Access access,
        UnitRegistry registry, WriteConditions conditions, IGrainFactory grains)
    {
        var node = access.Target;
        if (node!.Level != UnitLevel.Township) return Problems.NotFound($"{code} is a {node.Level.ToWire()}, not a township.");
        var errors = new CaseRequests.Errors();
        var period = CaseRequests.ParsePeriod(halfMonth, PeriodKind.HalfMonth, "halfMonth", errors);
        var visited = errors.Required("casesVisited", body.CasesVisited);
        var resolved = errors.Required("problemsResolved", body.ProblemsResolved);
        if (errors.Count > 0) return Problems.Validation(errors);
        var input = new ProgressInput(period, visited, resolved, body.Narrative);
        var bad = conditions.TryRead(http, input, out var read);
        if (bad is not null) return bad;

        var caller = access.Caller;
        var level = (await registry.FindAsync(caller.Unit))?.Level ?? UnitLevel.Village;
        var result = await grains.Area(code).SubmitProgressAsync(input, new Actor(caller.Sub, caller.Role, level), read);
        if (result.Outcome == CaseOutcome.Accepted) http.Response.Headers.ETag = $"\"{result.Progress!.Version}\"";
        return result.Outcome switch
        {
            CaseOutcome.Accepted => TypedResults.Ok(result.Progress),
            CaseOutcome.Invalid => Problems.Validation(result.Errors!),
            CaseOutcome.Forbidden => Problems.Forbidden(result.Detail!),
            CaseOutcome.PreconditionFailed => Problems.PreconditionFailed(result.Detail!),
            CaseOutcome.Conflict => Problems.Conflict(result.Detail!),
            _ => Problems.NotFound(result.Detail!),
        };
    }

    private static async Task<IResult> Read(string code, string halfMonth, HttpContext http, Access access, IGrainFactory grains)
    {
        var node = access.Target;
        if (node!.Level != UnitLevel.Township) return Problems.NotFound($"{code} is a {node.Level.ToWire()}, not a township.");
        var errors = new CaseRequests.Errors();
        var period = CaseRequests.ParsePeriod(halfMonth, PeriodKind.HalfMonth, "halfMonth", errors);
        if (errors.Count > 0) return Problems.Validation(errors);
        var progress = await grains.Area(code).GetProgressAsync(period);
        if (progress is null) return Problems.NotFound($"{code} has not reported {period}.");
        http.Response.Headers.ETag = $"\"{progress.Version}\"";
        return TypedResults.Ok(progress);
    }

    /// <summary>
    /// GET /units/{code}/progress?period=2026-11&amp;status=missing: every township of the subtree for each
    /// half month of the period that has begun, with its status; <c>total</c> equals the summary's
    /// <c>townshipReports.{status}</c> for the same unit and period.
    /// </summary>
    private static async Task<IResult> List(string code, string? period, string? status, Access access, UnitRegistry registry,
        IGrainFactory grains, ReportingClock clock, Microsoft.Extensions.Options.IOptions<DuePolicy> policy)
    {
        var errors = new CaseRequests.Errors();
        if (!Period.TryParse(period, out var p) || p.Kind == PeriodKind.HalfMonth) errors.Add("period", "A month such as 2026-10 or a quarter such as 2026-Q4.");
        if (status is not null && !Statuses.Contains(status)) errors.Add("status", $"One of {string.Join(", ", Statuses)}.");
        if (errors.Count > 0) return Problems.Validation(errors);

        var today = policy.Value.LocalDate(clock.GetUtcNow());
        var halves = p.HalfMonths.Where(h => h.Start <= today).ToArray();
        var townships = await TownshipsUnderAsync(registry, code);
        var rows = new List<TownshipReportRow>();
        // A township grain holds its own reports; a region's subtree is about 1,200 of them, asked a few dozen at a time.
        await Parallel.ForEachAsync(townships, new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (t, _) =>
        {
            var sent = (await grains.Area(t.Code).GetProgressForAsync(p)).ToDictionary(x => x.HalfMonth);
            var mine = halves.Select(h => sent.TryGetValue(h, out var r)
                ? new TownshipReportRow(t.Code, t.Name, h.ToString(), r.OnTime ? "onTime" : "late", r.DueOn, r.ReceivedAt, r.Version)
                : new TownshipReportRow(t.Code, t.Name, h.ToString(), today > policy.Value.DueOn(h) ? "missing" : "pending", policy.Value.DueOn(h), null, null));
            lock (rows) rows.AddRange(mine);
        });
        var items = rows.Where(r => status is null || r.Status == status)
            .OrderBy(r => r.Township, StringComparer.Ordinal).ThenBy(r => r.HalfMonth, StringComparer.Ordinal).ToList();
        return TypedResults.Ok(new { unit = code, period = p.ToString(), status, total = items.Count, items });
    }

    private static async Task<List<UnitRegistry.Node>> TownshipsUnderAsync(UnitRegistry registry, string code)
    {
        var result = new List<UnitRegistry.Node>();
        var stack = new Stack<string>([code]);
        while (stack.TryPop(out var current))
        {
            if (await registry.FindAsync(current) is { Level: UnitLevel.Township } node) { result.Add(node); continue; }
            foreach (var child in await registry.ChildrenAsync(current)) stack.Push(child);
        }
        return result;
    }
}
