using Npgsql;

namespace Rectification.Api.Criteria;

public sealed record Criterion(string Code, string Kind, string NameZh, string NameEn, int Sort);

/// <summary>
/// The criteria catalogue from PostgreSQL, cached. An unknown code triggers one reload before it is
/// called unknown, so a code an admin added through another API instance is seen at once.
/// </summary>
public sealed class CriteriaCatalogue(NpgsqlDataSource db)
{
    private volatile IReadOnlyDictionary<string, Criterion>? _cache;

    public async Task<IReadOnlyList<Criterion>> AllAsync(bool fresh = false) =>
        (await GetAsync(fresh)).Values.OrderBy(c => c.Sort).ThenBy(c => c.Code).ToList();

    /// <summary>Codes that are not in the catalogue, or not of one of the expected kinds.</summary>
    public async Task<string[]> UnknownAsync(string[] codes, params string[] kinds)
    {
        var bad = Missing(await GetAsync(fresh: false), codes, kinds);
        return bad.Length == 0 ? bad : Missing(await GetAsync(fresh: true), codes, kinds);
    }

    private static string[] Missing(IReadOnlyDictionary<string, Criterion> all, string[] codes, string[] kinds) =>
        codes.Where(c => !(all.TryGetValue(c, out var known) && kinds.Contains(known.Kind))).ToArray();

    public async Task UpsertAsync(Criterion c)
    {
        await using var cmd = db.CreateCommand("""
            INSERT INTO criteria (code, kind, name_zh, name_en, sort) VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (code) DO UPDATE SET kind = excluded.kind, name_zh = excluded.name_zh,
                name_en = excluded.name_en, sort = excluded.sort, updated_at = now()
            """);
        cmd.Parameters.AddWithValue(c.Code);
        cmd.Parameters.AddWithValue(c.Kind);
        cmd.Parameters.AddWithValue(c.NameZh);
        cmd.Parameters.AddWithValue(c.NameEn);
        cmd.Parameters.AddWithValue(c.Sort);
        await cmd.ExecuteNonQueryAsync();
        _cache = null;
    }

    private async Task<IReadOnlyDictionary<string, Criterion>> GetAsync(bool fresh)
    {
        if (!fresh && _cache is { } cached) return cached;
        var all = new Dictionary<string, Criterion>();
        await using var cmd = db.CreateCommand("SELECT code, kind, name_zh, name_en, sort FROM criteria");
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync()) all[r.GetString(0)] = new Criterion(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetInt32(4));
        return _cache = all;
    }
}
