using Npgsql;
using Rectification.Units;

namespace Rectification.Api.Units;

/// <summary>Registry reads in SQL: one query per request, never a grain per unit.</summary>
public sealed class UnitQueries(NpgsqlDataSource db)
{
    private const string Select = """
        SELECT u.code, u.name, u.level, u.parent_code, u.category, u.form, u.members,
               u.secretary_name, u.secretary_contact,
               (SELECT count(*)::int FROM units c WHERE c.parent_code = u.code) AS child_count,
               u.version, u.election_last_on, u.election_next_due_on, u.election_difficult, u.election_difficult_reason,
               u.election_completed_on, u.secretary_vacant_since
          FROM units u
        """;

    public async Task<Unit?> FindAsync(string code)
    {
        await using var cmd = db.CreateCommand($"{Select} WHERE u.code = $1");
        cmd.Parameters.AddWithValue(code);
        return (await ReadAsync(cmd)).FirstOrDefault();
    }

    /// <summary>Children in code order after <paramref name="after"/>; one extra row tells whether more exist.</summary>
    public async Task<IReadOnlyList<Unit>> ChildrenAsync(string code, string? after, int take)
    {
        await using var cmd = db.CreateCommand($"{Select} WHERE u.parent_code = $1 AND u.code > $2 ORDER BY u.code LIMIT $3");
        cmd.Parameters.AddWithValue(code);
        cmd.Parameters.AddWithValue(after ?? "");
        cmd.Parameters.AddWithValue(take);
        return await ReadAsync(cmd);
    }

    private static async Task<List<Unit>> ReadAsync(NpgsqlCommand cmd)
    {
        var list = new List<Unit>();
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync())
        {
            list.Add(new Unit(r.GetString(0), r.GetString(1), UnitLevels.Parse(r.GetString(2)),
                Str(r, 3), Str(r, 4), Str(r, 5), r.IsDBNull(6) ? null : r.GetInt32(6), Str(r, 7), Str(r, 8), r.GetInt32(9),
                r.GetInt32(10), Day(r, 11), Day(r, 12), r.GetBoolean(13), Str(r, 14), Day(r, 15), Day(r, 16)));
        }
        return list;
    }

    private static string? Str(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

    private static DateOnly? Day(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetFieldValue<DateOnly>(i);
}
