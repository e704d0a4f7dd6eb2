using Npgsql;
using NpgsqlTypes;

namespace Rectification.Campaign;

/// <summary>
/// Suggests organizations for screening (摸底排查) from facts the system already holds, each with the fact
/// behind it. No quota and no ratio: every organization that shows the fact is suggested, once per fact
/// (the key is unique), and a township accepts it into the case's findings or dismisses it with a reason.
/// <list type="bullet">
/// <item>secretaryVacant (C1 书记长期缺职): the post vacant, since a removal, for more than
/// <c>Screening:VacantMonths</c> months (default 6).</item>
/// <item>electionOverdue (C4 长期不换届): the re-election's due day has passed and it is not completed.</item>
/// <item>classThree (seed 002, one of Baoji's six hard lines, "2022年度考核三类村"): rated class three in
/// last year's assessment (the year's latest quarterly evaluation); the screener names the criteria.</item>
/// <item>relapsedTwice: a case that relapsed twice (or more: each further relapse is a new fact).</item>
/// </list>
/// An organization whose case is already under way for the suggested criterion is not suggested.
/// </summary>
public static class ScreeningSuggestions
{
    public const int DefaultVacantMonths = 6;

    private const string Active = "('proposed', 'reviewed', 'open', 'acceptanceRequested')";

    /// <returns>How many new suggestions were made.</returns>
    public static async Task<int> SuggestAsync(NpgsqlDataSource db, DateOnly today, int vacantMonths)
    {
        await using var cmd = db.CreateCommand($"""
            WITH found AS (
                SELECT u.code, 'secretaryVacant' AS rule, u.secretary_vacant_since::text AS fact_key, ARRAY['C1'] AS criteria,
                       '党组织书记自' || to_char(u.secretary_vacant_since, 'YYYY-MM-DD') || '起空缺，已超过' || $2 || '个月' AS fact,
                       u.secretary_vacant_since AS fact_on
                  FROM units u LEFT JOIN cases c USING (code)
                 WHERE u.level = 'village' AND u.secretary_name IS NULL AND u.secretary_vacant_since IS NOT NULL
                   AND u.secretary_vacant_since <= ($1::date - make_interval(months => $2))::date
                   AND NOT (COALESCE(c.status, '') IN {Active} AND 'C1' = ANY (c.criteria))
                UNION ALL
                SELECT u.code, 'electionOverdue', u.election_next_due_on::text, ARRAY['C4'],
                       '换届应于' || to_char(u.election_next_due_on, 'YYYY-MM-DD') || '前完成，至今未完成换届', u.election_next_due_on
                  FROM units u LEFT JOIN cases c USING (code)
                 WHERE u.level = 'village' AND u.election_next_due_on < $1
                   AND (u.election_completed_on IS NULL OR u.election_completed_on < u.election_next_due_on)
                   AND NOT (COALESCE(c.status, '') IN {Active} AND 'C4' = ANY (c.criteria))
                UNION ALL
                SELECT c.code, 'classThree', (extract(year FROM $1::date)::int - 1)::text, ARRAY[]::text[],
                       (extract(year FROM $1::date)::int - 1) || '年度考核评为三类村', make_date(extract(year FROM $1::date)::int - 1, 12, 31)
                  FROM cases c
                 WHERE c.work -> 'classThreeYears' @> to_jsonb(extract(year FROM $1::date)::int - 1) AND c.status NOT IN {Active}
                UNION ALL
                SELECT c.code, 'relapsedTwice', c.relapses::text, c.criteria, '整顿销号后已反弹' || c.relapses || '次', NULL::date
                  FROM cases c WHERE c.relapses >= 2)
            INSERT INTO screening_suggestions (code, rule, fact_key, criteria, fact, fact_on)
            SELECT code, rule, fact_key, criteria, fact, fact_on FROM found
            ON CONFLICT (code, rule, fact_key) DO NOTHING
            """);
        cmd.Parameters.Add(new NpgsqlParameter { Value = today, NpgsqlDbType = NpgsqlDbType.Date });
        cmd.Parameters.Add(new NpgsqlParameter { Value = vacantMonths, NpgsqlDbType = NpgsqlDbType.Integer });
        return await cmd.ExecuteNonQueryAsync();
    }
}
