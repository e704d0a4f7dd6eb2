using Npgsql;
using NpgsqlTypes;
using Rectification.Periods;
using Rectification.Units;

namespace Rectification.Api.Ledger;

/// <summary>
/// The ledger list in SQL over the read model: one query narrows the subtree's cases by every filter
/// that is a column; a drill-through then reads each remaining case's digest for the figure. No grain
/// is asked. Sorting and the keyset cursor work on the filtered rows, so the total is exact.
/// </summary>
public sealed class LedgerQueries(NpgsqlDataSource db, UnitRegistry registry, ReportingClock clock, Microsoft.Extensions.Options.IOptions<DuePolicy> policy)
{
    public DateOnly Today => policy.Value.LocalDate(clock.GetUtcNow());

    public DuePolicy Policy => policy.Value;

    private static readonly System.Text.Json.JsonSerializerOptions WorkJson = new(System.Text.Json.JsonSerializerDefaults.Web);

    public async Task<List<LedgerEntry>> FindAsync(string unit, LedgerFilter f, bool withDigest = false)
    {
        var villages = await registry.VillagesUnderAsync(unit);
        var today = Today;
        await using var cmd = db.CreateCommand("""
            SELECT c.code, u.name, u.parent_code, c.status, c.criteria, c.categories, u.category, c.opened_on, c.problems_open,
                   (SELECT count(*)::int FROM unnest(c.open_deadlines) d WHERE d < $2),
                   c.last_report_month, c.last_report_on_time, c.four_ones, u.election_difficult, c.version, c.updated_at,
                   u.members, u.secretary_name, u.secretary_contact, c.main_problems, c.measures, u.election_completed_on,
                   u.election_difficult_reason, CASE WHEN $3 THEN c.digest::text END, c.leader, c.helping_department,
                   c.helping_department_type, c.work::text
              FROM cases c JOIN units u USING (code)
             WHERE c.code = ANY($1)
               AND ($4::text[] IS NULL OR c.status = ANY($4))
               AND ($5::text IS NULL OR $5 = ANY(c.criteria))
               AND ($6::text IS NULL OR $6 = ANY(c.categories))
               AND ($7::text[] IS NULL OR u.category = ANY($7))
               AND ($8::boolean IS NULL OR EXISTS (SELECT 1 FROM unnest(c.open_deadlines) d WHERE d < $2) = $8)
               AND ($9::boolean IS NULL OR c.four_ones = NOT $9)
               AND ($10::boolean IS NULL OR u.election_difficult = $10)
               AND ($11::text IS NULL OR u.name ILIKE '%' || $11 || '%' ESCAPE '\' OR c.code LIKE $11 || '%' ESCAPE '\')
            """);
        var p = cmd.Parameters;
        p.Add(new NpgsqlParameter { Value = villages.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        p.Add(new NpgsqlParameter { Value = today, NpgsqlDbType = NpgsqlDbType.Date });
        p.AddWithValue(f.NeedsDigest || withDigest);
        Add(p, f.Statuses, NpgsqlDbType.Array | NpgsqlDbType.Text);
        Add(p, f.Criterion, NpgsqlDbType.Text);
        Add(p, f.LaggingCategory, NpgsqlDbType.Text);
        Add(p, f.OrganizationCategories, NpgsqlDbType.Array | NpgsqlDbType.Text);
        Add(p, f.Overdue, NpgsqlDbType.Boolean);
        Add(p, f.FourOnesIncomplete, NpgsqlDbType.Boolean);
        Add(p, f.ElectionDifficult, NpgsqlDbType.Boolean);
        Add(p, f.Search is null ? null : EscapeLike(f.Search), NpgsqlDbType.Text);

        var rows = new List<LedgerEntry>();
        await using (var r = await cmd.ExecuteReaderAsync())
        {
            while (await r.ReadAsync())
            {
                string? S(int i) => r.IsDBNull(i) ? null : r.GetString(i);
                DateOnly? D(int i) => r.IsDBNull(i) ? null : r.GetFieldValue<DateOnly>(i);
                rows.Add(new LedgerEntry(r.GetString(0), r.GetString(1), S(2), r.GetString(3), r.GetFieldValue<string[]>(4), r.GetFieldValue<string[]>(5),
                    S(6), D(7), r.GetInt32(8), r.GetInt32(9), S(10), r.IsDBNull(11) ? null : r.GetBoolean(11), r.GetBoolean(12), r.GetBoolean(13),
                    r.GetInt32(14), r.GetFieldValue<DateTimeOffset>(15), r.IsDBNull(16) ? null : r.GetInt32(16), S(17), S(18), S(19), S(20), D(21),
                    S(22), S(23))
                {
                    Leader = S(24), HelpingDepartment = S(25), HelpingDepartmentType = S(26),
                    Work = S(27) is { } work ? System.Text.Json.JsonSerializer.Deserialize<CaseWorkRow>(work, WorkJson) : null,
                });
            }
        }
        if (f.Figure is { } figure && f.Period is { } period)
        {
            rows = rows
                .Select(e => e with { FigureValue = e.Digest is null ? 0 : CaseFigures.ValueOf(e.Digest, figure, period, today, policy.Value), Digest = withDigest ? e.Digest : null })
                .Where(e => e.FigureValue != 0)
                .ToList();
        }
        return rows;
    }

    /// <summary>
    /// The case figures of a subtree for a period, restricted to organizations of some categories: the
    /// sum of each case's figures read off its digest, the same reading the roll-up makes of their sum.
    /// </summary>
    public async Task<SortedDictionary<string, long>> FiguresAsync(string unit, string[]? organizationCategories, Period period)
    {
        var villages = await registry.VillagesUnderAsync(unit);
        await using var cmd = db.CreateCommand("""
            SELECT c.digest::text FROM cases c JOIN units u USING (code)
             WHERE c.code = ANY($1) AND c.digest IS NOT NULL AND ($2::text[] IS NULL OR u.category = ANY($2))
            """);
        cmd.Parameters.Add(new NpgsqlParameter { Value = villages.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        Add(cmd.Parameters, organizationCategories, NpgsqlDbType.Array | NpgsqlDbType.Text);
        var total = new SortedDictionary<string, long>(StringComparer.Ordinal);
        var today = Today;
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync())
        {
            var counters = System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, Dictionary<int, long>>>(r.GetString(0)) ?? [];
            foreach (var (name, value) in Rollup.SummaryEvaluator.Evaluate(counters, period, today, policy.Value))
            {
                total[name] = total.GetValueOrDefault(name) + value;
            }
        }
        return total;
    }

    /// <summary>The township, banner and league a row sits under, from the tree in memory.</summary>
    public async Task<(UnitRef? Township, UnitRef? Banner, UnitRef? League)> PlaceAsync(string? parent)
    {
        UnitRef? township = null, banner = null, league = null;
        for (var code = parent; code is not null;)
        {
            var node = await registry.FindAsync(code);
            if (node is null) break;
            if (node.Level == UnitLevel.Township) township = new UnitRef(node.Code, node.Name);
            if (node.Level == UnitLevel.Banner) banner = new UnitRef(node.Code, node.Name);
            if (node.Level == UnitLevel.League) league = new UnitRef(node.Code, node.Name);
            code = node.ParentCode;
        }
        return (township, banner, league);
    }

    private static string EscapeLike(string s) => s.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_");

    private static void Add(NpgsqlParameterCollection p, object? value, NpgsqlDbType type) =>
        p.Add(new NpgsqlParameter { Value = value ?? DBNull.Value, NpgsqlDbType = type });
}
