using Rectification.Cases;
using Rectification.Periods;
using Rectification.Rollup;
using Rectification.Units;

namespace Rectification.Tests.Infrastructure;

/// <summary>
/// The figures computed directly from the villages' stored states in PostgreSQL: each case's JSON
/// read back, its summary evaluated on its own, and the summaries summed over a unit's subtree.
/// </summary>
public static class StoredCases
{
    public static Task<Dictionary<string, CaseState>> LoadAsync(TestDatabase db) => LoadAsync(db.DataSource);

    public static Task<Dictionary<string, CaseState>> LoadAsync(Npgsql.NpgsqlDataSource db) => Storage.CaseStateStorage.LoadAllAsync(db);

    public static async Task<SortedDictionary<string, long>> ExpectedAsync(UnitRegistry registry, IReadOnlyDictionary<string, CaseState> cases,
        string unit, Period period, DateOnly today)
    {
        var policy = new DuePolicy();
        var figures = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var village in await registry.VillagesUnderAsync(unit))
        {
            if (!cases.TryGetValue(village, out var state)) continue;
            foreach (var (k, v) in SummaryEvaluator.Evaluate(DigestBuilder.From(state, policy).Counters, period, today, policy))
                figures[k] = figures.GetValueOrDefault(k) + v;
        }
        var organizations = await registry.OrganizationsAsync(unit);
        foreach (var (k, v) in organizations) figures[k] = v;
        // The clusters these figures check receive no township progress reports: every one that has fallen due is missing.
        SummaryEvaluator.AddTownshipReports(figures, new Dictionary<string, Dictionary<int, long>>(), period, today, policy,
            organizations.GetValueOrDefault("units.townships"));
        foreach (var zero in figures.Where(f => f.Value == 0).Select(f => f.Key).ToList()) figures.Remove(zero);
        return figures;
    }

    /// <summary>
    /// Whether an API summary (nested JSON) shows exactly these figures: every expected figure at its
    /// place (money in yuan), and no other non-zero count in the groups the figures come from.
    /// </summary>
    public static bool Matches(System.Text.Json.Nodes.JsonNode body, SortedDictionary<string, long> expected, out string difference)
    {
        foreach (var (name, value) in expected)
        {
            if (name == "evaluations.scoreSum") continue;
            var (path, want) = name == "support.fundsFen" ? ("support.fundsYuan", value / 100m) : (name, (decimal)value);
            var node = path.Split('.').Aggregate<string, System.Text.Json.Nodes.JsonNode?>(body, (n, part) => n?[part]);
            if (node is null || node.GetValue<decimal>() != want)
            {
                difference = $"{path}: expected {want}, got {node?.ToJsonString() ?? "nothing"}";
                return false;
            }
        }
        foreach (var group in new[] { "cases", "byCriterion", "byLaggingCategory", "problems", "fourOnes", "reports" })
        {
            foreach (var (name, value) in Flatten(body[group], group))
            {
                if (value != 0 && !expected.ContainsKey(name) && !name.EndsWith("Percent"))
                {
                    difference = $"{name}: expected 0, got {value}";
                    return false;
                }
            }
        }
        difference = "";
        return true;
    }

    private static IEnumerable<(string, decimal)> Flatten(System.Text.Json.Nodes.JsonNode? node, string prefix) => node switch
    {
        System.Text.Json.Nodes.JsonObject o => o.SelectMany(p => Flatten(p.Value, $"{prefix}.{p.Key}")),
        System.Text.Json.Nodes.JsonValue v when v.TryGetValue<decimal>(out var d) => [(prefix, d)],
        _ => [],
    };
}
