using System.Text.Json;
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
    public static async Task<Dictionary<string, CaseState>> LoadAsync(TestDatabase db)
    {
        var result = new Dictionary<string, CaseState>();
        await using var cmd = db.DataSource.CreateCommand("SELECT convert_from(payloadbinary, 'UTF8') FROM orleansstorage WHERE graintypestring = 'case' AND payloadbinary IS NOT NULL");
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var state = JsonSerializer.Deserialize<CaseState>(reader.GetString(0))!;
            result[state.Code] = state;
        }
        return result;
    }

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
        foreach (var (k, v) in await registry.OrganizationsAsync(unit)) figures[k] = v;
        foreach (var zero in figures.Where(f => f.Value == 0).Select(f => f.Key).ToList()) figures.Remove(zero);
        return figures;
    }
}
