using System.Text.Json.Nodes;
using Rectification.Security;
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

    public static void MapSummaries(this RouteGroupBuilder v1)
    {
        var group = v1.MapGroup("/units/{code}/summary").WithTags("Roll-ups");
        group.MapGet("/", GetSummary).RequireAccess(AccessAction.Read);
        group.MapGet("/children", GetChildren).RequireAccess(AccessAction.Read);
        group.MapGet("/series", GetSeries).RequireAccess(AccessAction.Read);
        group.MapPost("/reconcile", Reconcile).RequireAccess(AccessAction.Administer);
    }

    private static async Task<IResult> GetSummary(string code, string? period, Access access, IGrainFactory grains, ClusterHealth health)
    {
        var node = access.Target;
        if (!TryPeriod(period, "period", out var p, out var bad)) return bad!;
        return TypedResults.Ok(SummaryJson.Build(Labelled(await SummaryOf(grains, node!, p), health)));
    }

    /// <summary>A summary read while a silo was recently lost says it may still be reconciling.</summary>
    private static SummaryResult Labelled(SummaryResult s, ClusterHealth health) => health.RecentlyDegraded ? s with { Settled = false } : s;

    private static async Task<IResult> GetChildren(string code, string? period, string? sort, Access access, IGrainFactory grains, ClusterHealth health,
        UnitRegistry registry)
    {
        var node = access.Target;
        if (node!.Level == UnitLevel.Village) return Problems.NotFound($"{code} is a grassroots organization; it has no children.");
        if (!TryPeriod(period, "period", out var p, out var bad)) return bad!;
        var children = (await grains.Area(code).GetChildSummariesAsync(p)).Select(c => SummaryJson.Build(Labelled(c, health))).ToList();
        // Each child named, so a ranking reads without a second request per row.
        foreach (var child in children) child["name"] = (await registry.FindAsync((string)child["unit"]!))?.Name;
        if (!string.IsNullOrEmpty(sort))
        {
            // Any number in the summary's shape ranks: counts, yuan, rates, shares. Ties and nulls go by code.
            var descending = sort.StartsWith('-');
            var figure = sort.TrimStart('-', '+');
            var path = figure.Split('.');
            var template = SummaryJson.Build(new SummaryResult(code, p.ToString(), default, 0, []));
            if (path.Length > 6 || !children.Prepend(template).Any(c => IsNumberAt(c, path, out _)))
            {
                return Problems.Validation("sort", $"'{figure}' is not a figure of the summary; use a name such as cases.active, -reports.missing or reports.timelinessPercent.");
            }
            // Each child's key is read once, then sorted on.
            var keyed = children.Select(c => (Summary: c, Key: IsNumberAt(c, path, out var v) ? v : null)).ToList();
            var ordered = keyed.OrderBy(k => k.Key is null);
            children = (descending ? ordered.ThenByDescending(k => k.Key) : ordered.ThenBy(k => k.Key))
                .ThenBy(k => (string?)k.Summary["unit"], StringComparer.Ordinal).Select(k => k.Summary).ToList();
        }
        return TypedResults.Ok(new { unit = code, period = p.ToString(), sort, items = children });
    }

    /// <summary>True when the dotted path names a number (or a rate that is null for now) in a summary.</summary>
    private static bool IsNumberAt(JsonObject summary, string[] path, out decimal? value)
    {
        value = null;
        JsonNode? node = summary;
        foreach (var part in path)
        {
            if (node is not JsonObject o || !o.TryGetPropertyValue(part, out node)) return false;
        }
        if (node is null) return true;
        if (node is not JsonValue v) return false;
        if (v.TryGetValue<long>(out var whole)) value = whole;
        else if (v.TryGetValue<decimal>(out var exact)) value = exact;
        else return false;
        return true;
    }

    private static async Task<IResult> GetSeries(string code, string? from, string? to, Access access, IGrainFactory grains, IConfiguration config,
        ClusterHealth health)
    {
        // Each period is a summary to compute: the series is bounded (Limits:MaxSeriesPeriods).
        var maxSeries = config.GetValue("Limits:MaxSeriesPeriods", 60);
        var node = access.Target;
        if (!TryPeriod(from, "from", out var first, out var bad) || !TryPeriod(to, "to", out var last, out bad)) return bad!;
        if (first.Kind != last.Kind) return Problems.Validation("to", "from and to must both be months or both quarters.");
        if (last.Start < first.Start) return Problems.Validation("to", "to comes before from.");
        var periods = new List<Period>();
        for (var p = first; p.Start <= last.Start && periods.Count <= maxSeries; p = p.Next) periods.Add(p);
        if (periods.Count > maxSeries) return Problems.Validation("to", $"At most {maxSeries} periods at once.");
        var items = new List<JsonObject>();
        foreach (var p in periods) items.Add(SummaryJson.Build(Labelled(await SummaryOf(grains, node!, p), health)));
        return TypedResults.Ok(new { unit = code, from = first.ToString(), to = last.ToString(), items });
    }

    private static async Task<IResult> Reconcile(string code, Access access, IGrainFactory grains)
    {
        var node = access.Target;
        if (node!.Level == UnitLevel.Village) return Problems.NotFound($"{code} is a grassroots organization; it has nothing to reconcile.");
        var version = await grains.Area(code).ReconcileAsync(deep: true);
        return TypedResults.Ok(new { unit = code, version });
    }

    private static Task<SummaryResult> SummaryOf(IGrainFactory grains, UnitRegistry.Node node, Period p) =>
        node.Level == UnitLevel.Village
            ? grains.Village(node.Code).GetSummaryAsync(p)
            : grains.Area(node.Code).GetSummaryAsync(p);

    private static bool TryPeriod(string? text, string field, out Period period, out IResult? problem)
    {
        problem = null;
        if (Period.TryParse(text, out period) && period.Kind is PeriodKind.Month or PeriodKind.Quarter) return true;
        problem = Problems.Validation(field, "A month such as 2026-10 or a quarter such as 2026-Q4.");
        return false;
    }
}
