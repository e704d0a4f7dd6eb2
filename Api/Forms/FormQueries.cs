using Npgsql;
using NpgsqlTypes;
using Rectification.Units;

namespace Rectification.Api.Forms;

/// <summary>The registry side of the printed forms: organizations by form, and the villages whose election is difficult.</summary>
public sealed class FormQueries(NpgsqlDataSource db, UnitRegistry registry)
{
    public sealed record FormCounts(long Total, long Committee, long GeneralBranch, long Branch);

    public sealed record DifficultElection(string Code, string Name, int? Members, string? MainProblems, string? Measures, DateOnly? CompletedOn,
        string? SecretaryName, string? SecretaryContact);

    public async Task<FormCounts> OrganizationsAsync(string unit, string[]? categories)
    {
        await using var cmd = db.CreateCommand("""
            SELECT count(*), count(*) FILTER (WHERE form = 'committee'), count(*) FILTER (WHERE form = 'generalBranch'),
                   count(*) FILTER (WHERE form = 'branch')
              FROM units WHERE code = ANY($1) AND ($2::text[] IS NULL OR category = ANY($2))
            """);
        await AddScope(cmd, unit, categories);
        await using var r = await cmd.ExecuteReaderAsync();
        await r.ReadAsync();
        return new FormCounts(r.GetInt64(0), r.GetInt64(1), r.GetInt64(2), r.GetInt64(3));
    }

    public async Task<List<DifficultElection>> DifficultElectionsAsync(string unit, string[]? categories)
    {
        await using var cmd = db.CreateCommand("""
            SELECT u.code, u.name, u.members, coalesce(c.main_problems, u.election_difficult_reason), c.measures, u.election_completed_on,
                   u.secretary_name, u.secretary_contact
              FROM units u LEFT JOIN cases c USING (code)
             WHERE u.code = ANY($1) AND ($2::text[] IS NULL OR u.category = ANY($2)) AND u.election_difficult
             ORDER BY u.code
            """);
        await AddScope(cmd, unit, categories);
        var list = new List<DifficultElection>();
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync())
        {
            string? S(int i) => r.IsDBNull(i) ? null : r.GetString(i);
            list.Add(new DifficultElection(r.GetString(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetInt32(2), S(3), S(4),
                r.IsDBNull(5) ? null : r.GetFieldValue<DateOnly>(5), S(6), S(7)));
        }
        return list;
    }

    private async Task AddScope(NpgsqlCommand cmd, string unit, string[]? categories)
    {
        cmd.Parameters.Add(new NpgsqlParameter { Value = (await registry.VillagesUnderAsync(unit)).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)categories ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
    }
}
