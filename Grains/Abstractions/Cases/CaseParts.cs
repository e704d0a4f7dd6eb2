using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Npgsql;

namespace Rectification.Cases;

/// <summary>
/// How a case is laid out in storage (deploy/sql/012, 015): its current facts in <c>case_states</c>; its
/// history entries in the audit log (<c>case_history</c>) and its monthly reports in <c>case_reports</c>,
/// each row with the whole entry or report; and in <c>case_parts</c> its quarterly evaluations
/// (<c>e:2026-Q3</c>) and monthly activity plans (<c>a:2026-11</c>). The keys <c>h:000000007</c> (history
/// entry by version) and <c>r:2026-10</c> (monthly report) name entries and reports when a case is loaded.
/// The village grains' storage writes it; the API reads a case's history from it directly.
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
        // Entries live in the audit log (deploy/sql/015); one written before that and not yet projected then
        // is still a part ('h;' is the first key after every 'h:…' one).
        await using var cmd = db.CreateCommand("""
            SELECT DISTINCT ON (version) doc FROM (
                SELECT version, doc FROM case_history WHERE code = $1 AND version > $2 AND doc IS NOT NULL
                UNION ALL
                SELECT substr(part, 3)::int, doc FROM case_parts WHERE code = $1 AND part > $3 AND part < 'h;') AS e
             ORDER BY version LIMIT $4
            """);
        cmd.Parameters.Add(new NpgsqlParameter { Value = code });
        cmd.Parameters.Add(new NpgsqlParameter { Value = after });
        cmd.Parameters.Add(new NpgsqlParameter { Value = HistoryKey(after) });
        cmd.Parameters.Add(new NpgsqlParameter { Value = (long)limit });
        var result = new List<HistoryEntry>();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync()) result.Add(JsonSerializer.Deserialize<HistoryEntry>(reader.GetString(0), Json)!);
        return result;
    }
}
