using System.Text.Json;
using System.Text.Json.Serialization;
using Rectification.Cases;

namespace Rectification.Villages;

/// <summary>
/// The fields a command changed, each with its value before and after (JSON text), so a correction
/// never loses the old value: report figures, plan fields, assignment, evaluations, acceptance.
/// Lists are compared by their keys (problem id, month, quarter), and only the parts of the case
/// whose object actually changed are serialized: states are immutable, so an untouched part is the
/// same reference before and after.
/// </summary>
public static class CaseChanges
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
        // Values before and after keep their Chinese as written, not as \uXXXX escapes.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static FieldChange[] Between(CaseState before, CaseState after)
    {
        var changes = new List<FieldChange>();
        Compare(changes, "criteria", before.Criteria, after.Criteria);
        Compare(changes, "categories", before.Categories, after.Categories);
        Keyed(changes, "problems", before.Problems, after.Problems, p => p.Id);
        Compare(changes, "assignment", before.Assignment, after.Assignment);
        Keyed(changes, "reports", before.Reports, after.Reports, r => r.Month.ToString());
        Keyed(changes, "evaluations", before.Evaluations, after.Evaluations, e => e.Quarter.ToString());
        Compare(changes, "acceptance", before.Acceptance, after.Acceptance);
        Keyed(changes, "pairings", before.Pairings, after.Pairings, p => p.Id);
        Keyed(changes, "memberTargets", before.MemberTargets, after.MemberTargets, t => t.Year.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Keyed(changes, "trainings", before.Trainings, after.Trainings, t => t.Id);
        Keyed(changes, "secretaryActions", before.SecretaryActions, after.SecretaryActions, a => a.Id);
        Keyed(changes, "accountability", before.Accountability, after.Accountability, a => a.Id);
        Keyed(changes, "activityPlans", before.ActivityPlans, after.ActivityPlans, p => p.Month.ToString());
        // Findings only grow: each new one is a change from nothing.
        for (var i = before.Findings.Length; i < after.Findings.Length; i++)
        {
            Compare<Finding>(changes, $"findings.{i}", null, after.Findings[i]);
        }
        return [.. changes];
    }

    /// <summary>
    /// Items present in both lists (the same object) are unchanged and skipped before any key is made:
    /// a report on an old case must not cost a key and a path for each of its years of reports. The
    /// rest are paired by key, in the order of the list before, then the new keys in the order after.
    /// </summary>
    private static void Keyed<T>(List<FieldChange> changes, string path, T[] before, T[] after, Func<T, string> key) where T : class
    {
        if (ReferenceEquals(before, after)) return;
        var kept = new HashSet<T>(before, ReferenceEqualityComparer.Instance);
        kept.IntersectWith(after);
        var added = new Dictionary<string, T>();
        foreach (var item in after) if (!kept.Contains(item)) added[key(item)] = item;
        foreach (var item in before)
        {
            if (kept.Contains(item)) continue;
            var k = key(item);
            Compare(changes, $"{path}.{k}", item, added.GetValueOrDefault(k));
            added.Remove(k);
        }
        foreach (var item in after)
        {
            if (kept.Contains(item)) continue;
            var k = key(item);
            if (added.Remove(k)) Compare(changes, $"{path}.{k}", null, item);
        }
    }

    private static void Compare<T>(List<FieldChange> changes, string path, T? before, T? after)
    {
        if (ReferenceEquals(before, after)) return;
        // Something new or gone (a report, a finding) is one change of the whole: no tree to compare.
        if (before is null || after is null)
        {
            changes.Add(new FieldChange(path, before is null ? null : JsonSerializer.Serialize(before, Json), after is null ? null : JsonSerializer.Serialize(after, Json)));
            return;
        }
        // Both written once and read in place: only a value that changed becomes a string. Built as two
        // JsonNode trees with each leaf written out again, a report's correction took 8.8 µs and 13 KB
        // here against 3.9 µs and 3.2 KB (docs/benchmarks.md, session 24).
        using var a = JsonDocument.Parse(JsonSerializer.SerializeToUtf8Bytes(before, Json));
        using var b = JsonDocument.Parse(JsonSerializer.SerializeToUtf8Bytes(after, Json));
        Diff(changes, path, a.RootElement, b.RootElement);
    }

    /// <summary>
    /// Objects are compared member by member (the members before in their order, then those only after);
    /// anything else is compared as the JSON text it was written as. A JSON null counts as absent.
    /// </summary>
    private static void Diff(List<FieldChange> changes, string path, JsonElement a, JsonElement b)
    {
        if (a.ValueKind == JsonValueKind.Object && b.ValueKind == JsonValueKind.Object)
        {
            foreach (var member in a.EnumerateObject())
            {
                var other = b.TryGetProperty(member.Name, out var v) ? v : default;
                if (!Same(member.Value, other)) Diff(changes, $"{path}.{member.Name}", member.Value, other);
            }
            foreach (var member in b.EnumerateObject())
            {
                if (!a.TryGetProperty(member.Name, out _) && !Same(default, member.Value)) Diff(changes, $"{path}.{member.Name}", default, member.Value);
            }
            return;
        }
        if (!Same(a, b)) changes.Add(new FieldChange(path, Text(a), Text(b)));
    }

    private static bool Same(JsonElement a, JsonElement b) => Raw(a).SequenceEqual(Raw(b));

    /// <summary>The value's JSON text as written; empty for absent or null.</summary>
    private static ReadOnlySpan<byte> Raw(JsonElement e) =>
        e.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null ? [] : System.Runtime.InteropServices.JsonMarshal.GetRawUtf8Value(e);

    private static string? Text(JsonElement e) => e.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null ? null : e.GetRawText();
}
