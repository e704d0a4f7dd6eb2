using System.Collections.Concurrent;
using Rectification.Periods;

namespace Rectification.Rollup;

/// <summary>
/// The names of one family of counters (<c>byCriterion.C1</c>, <c>reportedActive.2026-11</c>), each
/// built once. A case's digest is rebuilt on every command, and formatting the same names again was a
/// large share of what that allocated. What varies is drawn from small sets (validated codes, enum
/// values, the campaign's months), so the names stay few.
/// </summary>
public sealed class CounterNames(string prefix)
{
    private readonly ConcurrentDictionary<string, string> _byText = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Period, string> _byPeriod = new();

    public string this[string suffix] => _byText.GetOrAdd(suffix, static (s, p) => p + s, prefix);

    public string this[Period period] => _byPeriod.GetOrAdd(period, static (m, p) => p + m, prefix);
}
