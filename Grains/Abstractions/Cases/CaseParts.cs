using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Npgsql;

namespace Rectification.Cases;

/// <summary>
/// How a case is laid out in storage (deploy/sql/012): its current facts in <c>case_states</c>, and
/// what accumulates over its life in <c>case_parts</c>, keyed <c>h:000000007</c> (history entry by
/// version), <c>r:2026-10</c> (monthly report), <c>e:2026-Q3</c> (quarterly evaluation), <c>a:2026-11</c> (monthly activity plan). The village
/// grains' storage writes it; the API reads a case's history from it directly.
/// </summary>
public static class CaseParts
{
    /// <summary>The stored JSON: property names as declared, Chinese as UTF-8 (never embedded in HTML).</summary>
    public static readonly JsonSerializerOptions Json = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string HistoryKey(int version) => "h:" + version.ToString("D9", CultureInfo.InvariantCulture);
    public static string ReportKey(Periods.Period month) => "r:" + month;
    public static string EvaluationKey(Periods.Period quarter) => "e:" + quarter;
    /// <summary>An activity plan's part (<c>a:2026-11</c>): one per month, replaced by a correction, never removed.</summary>
    public static string ActivityPlanKey(Periods.Period month) => "a:" + month;

    /// <summary>A case's history entries after a version, whole, oldest first; at most <paramref name="limit"/>.</summary>
    public static async Task<List<HistoryEntry>> HistoryAsync(NpgsqlDataSource db, string code, int after, int limit = int.MaxValue)
    {
        // 'h;' is the first key after every 'h:…' one.
        await using var cmd = db.CreateCommand("SELECT doc FROM case_parts WHERE code = $1 AND part > $2 AND part < 'h;' ORDER BY part LIMIT $3");
        cmd.Parameters.Add(new NpgsqlParameter { Value = code });
        cmd.Parameters.Add(new NpgsqlParameter { Value = HistoryKey(after) });
        cmd.Parameters.Add(new NpgsqlParameter { Value = (long)limit });
        var result = new List<HistoryEntry>();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync()) result.Add(JsonSerializer.Deserialize<HistoryEntry>(reader.GetString(0), Json)!);
        return result;
    }
}
