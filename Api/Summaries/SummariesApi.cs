using System.Text.Json.Nodes;
using Rectification.Api.Auth;
using Rectification.Api.Setup;
using Rectification.Areas;
using Rectification.Cases;
using Rectification.Periods;
using Rectification.Rollup;
using Rectification.Units;

namespace Rectification.Api.Summaries;

/// <summary>Live roll-ups: a unit's summary for a period, its children's for rankings, and a series.</summary>
public static class SummariesApi
{
    private const int MaxSeries = 60;

    public static void MapSummaries(this RouteGroupBuilder v1)
    {
        var group = v1.MapGroup("/units/{code}/summary").WithTags("Roll-ups");
        group.MapGet("/", GetSummary);
        group.MapGet("/children", GetChildren);
        group.MapGet("/series", GetSeries);
        group.MapPost("/reconcile", Reconcile);
    }

    private static async Task<IResult> GetSummary(string code, string? period, Access access, IGrainFactory grains)
    {
        var (node, denied) = await access.CheckAsync(code);
        if (denied is not null) return denied;
        if (!TryPeriod(period, "period", out var p, out var bad)) return bad!;
        return TypedResults.Ok(SummaryJson.Build(await SummaryOf(grains, node!, p)));
    }

    private static async Task<IResult> GetChildren(string code, string? period, string? sort, Access access, IGrainFactory grains)
    {
        var (node, denied) = await access.CheckAsync(code);
        if (denied is not null) return denied;
        if (node!.Level == UnitLevel.Village) return Problems.NotFound($"{code} is a grassroots organization; it has no children.");
        if (!TryPeriod(period, "period", out var p, out var bad)) return bad!;
        var children = await grains.GetGrain<IAreaGrain>(code).GetChildSummariesAsync(p);
        IEnumerable<SummaryResult> ordered = children;
        if (!string.IsNullOrEmpty(sort))
        {
            var descending = sort.StartsWith('-');
            var figure = sort.TrimStart('-', '+');
            if (figure.Length == 0 || figure.Length > 100) return Problems.Validation("sort", "A figure name such as cases.active or -reports.missing.");
            ordered = descending
                ? children.OrderByDescending(c => c.Figures.GetValueOrDefault(figure)).ThenBy(c => c.Unit, StringComparer.Ordinal)
                : children.OrderBy(c => c.Figures.GetValueOrDefault(figure)).ThenBy(c => c.Unit, StringComparer.Ordinal);
        }
        return TypedResults.Ok(new { unit = code, period = p.ToString(), sort, items = ordered.Select(SummaryJson.Build).ToList() });
    }

    private static async Task<IResult> GetSeries(string code, string? from, string? to, Access access, IGrainFactory grains)
    {
        var (node, denied) = await access.CheckAsync(code);
        if (denied is not null) return denied;
        if (!TryPeriod(from, "from", out var first, out var bad) || !TryPeriod(to, "to", out var last, out bad)) return bad!;
        if (first.Kind != last.Kind) return Problems.Validation("to", "from and to must both be months or both quarters.");
        if (last.Start < first.Start) return Problems.Validation("to", "to comes before from.");
        var periods = new List<Period>();
        for (var p = first; p.Start <= last.Start && periods.Count <= MaxSeries; p = p.Next) periods.Add(p);
        if (periods.Count > MaxSeries) return Problems.Validation("to", $"At most {MaxSeries} periods at once.");
        var items = new List<JsonObject>();
        foreach (var p in periods) items.Add(SummaryJson.Build(await SummaryOf(grains, node!, p)));
        return TypedResults.Ok(new { unit = code, from = first.ToString(), to = last.ToString(), items });
    }

    private static async Task<IResult> Reconcile(string code, Access access, IGrainFactory grains)
    {
        var (node, denied) = await access.CheckAsync(code, Role.Admin);
        if (denied is not null) return denied;
        if (node!.Level == UnitLevel.Village) return Problems.NotFound($"{code} is a grassroots organization; it has nothing to reconcile.");
        var version = await grains.GetGrain<IAreaGrain>(code).ReconcileAsync(deep: true);
        return TypedResults.Ok(new { unit = code, version });
    }

    private static Task<SummaryResult> SummaryOf(IGrainFactory grains, UnitRegistry.Node node, Period p) =>
        node.Level == UnitLevel.Village
            ? grains.GetGrain<IVillageGrain>(node.Code).GetSummaryAsync(p)
            : grains.GetGrain<IAreaGrain>(node.Code).GetSummaryAsync(p);

    private static bool TryPeriod(string? text, string field, out Period period, out IResult? problem)
    {
        problem = null;
        if (Period.TryParse(text, out period) && period.Kind is PeriodKind.Month or PeriodKind.Quarter) return true;
        problem = Problems.Validation(field, "A month such as 2026-10 or a quarter such as 2026-Q4.");
        return false;
    }
}
