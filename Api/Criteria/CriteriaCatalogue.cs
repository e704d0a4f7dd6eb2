using Npgsql;

namespace Rectification.Api.Criteria;

public sealed record Criterion(string Code, string Kind, string NameZh, string NameEn, int Sort, int Version = 1);

/// <summary>One change to the catalogue: who, when, and the entry before and after.</summary>
public sealed record CriterionChange(string Code, int Version, DateTimeOffset At, string By, Criterion? Before, Criterion After);

public enum CatalogueOutcome { Created, Updated, Unchanged, PreconditionRequired, PreconditionFailed }

/// <summary>
/// The criteria catalogue from PostgreSQL, cached. An unknown code triggers one reload before it is
/// called unknown, so a code an admin added through another API instance is seen at once. Every
/// change names the version it read and is kept in <c>criteria_history</c> in the same transaction.
/// </summary>
public sealed class CriteriaCatalogue(NpgsqlDataSource db)
{
    private volatile IReadOnlyDictionary<string, Criterion>? _cache;

    public async Task<IReadOnlyList<Criterion>> AllAsync(bool fresh = false) =>
        (await GetAsync(fresh)).Values.OrderBy(c => c.Sort).ThenBy(c => c.Code).ToList();

    public async Task<Criterion?> FindAsync(string code) => (await GetAsync(fresh: true)).GetValueOrDefault(code);

    /// <summary>Codes that are not in the catalogue, or not of one of the expected kinds.</summary>
    public async Task<string[]> UnknownAsync(string[] codes, params string[] kinds)
    {
        var bad = Missing(await GetAsync(fresh: false), codes, kinds);
        return bad.Length == 0 ? bad : Missing(await GetAsync(fresh: true), codes, kinds);
    }

    private static string[] Missing(IReadOnlyDictionary<string, Criterion> all, string[] codes, string[] kinds) =>
        codes.Where(c => !(all.TryGetValue(c, out var known) && kinds.Contains(known.Kind))).ToArray();

    /// <summary>
    /// Creates or changes one entry. A change needs the version it was read at (If-Match); the same
    /// content again is no change at all (a retried PUT answers as the first did).
    /// </summary>
    public async Task<(CatalogueOutcome Outcome, Criterion? Current)> PutAsync(Criterion wanted, int? ifMatch, string by)
    {
        await using var conn = await db.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        Criterion? before = null;
        await using (var read = new NpgsqlCommand("SELECT code, kind, name_zh, name_en, sort, version FROM criteria WHERE code = $1 FOR UPDATE", conn, tx))
        {
            read.Parameters.AddWithValue(wanted.Code);
            await using var r = await read.ExecuteReaderAsync();
            if (await r.ReadAsync()) before = Read(r);
        }
        if (before is not null && before with { Version = 0 } == wanted with { Version = 0 }) return (CatalogueOutcome.Unchanged, before);
        if (before is not null && ifMatch is null) return (CatalogueOutcome.PreconditionRequired, before);
        if (ifMatch is { } expected && expected != (before?.Version ?? 0)) return (CatalogueOutcome.PreconditionFailed, before);

        var after = wanted with { Version = (before?.Version ?? 0) + 1 };
        await using (var write = new NpgsqlCommand("""
            INSERT INTO criteria (code, kind, name_zh, name_en, sort, version, updated_by, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, now())
            ON CONFLICT (code) DO UPDATE SET kind = excluded.kind, name_zh = excluded.name_zh, name_en = excluded.name_en,
                sort = excluded.sort, version = excluded.version, updated_by = excluded.updated_by, updated_at = now()
            """, conn, tx))
        {
            write.Parameters.AddWithValue(after.Code);
            write.Parameters.AddWithValue(after.Kind);
            write.Parameters.AddWithValue(after.NameZh);
            write.Parameters.AddWithValue(after.NameEn);
            write.Parameters.AddWithValue(after.Sort);
            write.Parameters.AddWithValue(after.Version);
            write.Parameters.AddWithValue(by);
            await write.ExecuteNonQueryAsync();
        }
        await using (var log = new NpgsqlCommand("INSERT INTO criteria_history (code, version, actor, before, after) VALUES ($1, $2, $3, $4::jsonb, $5::jsonb)", conn, tx))
        {
            log.Parameters.AddWithValue(after.Code);
            log.Parameters.AddWithValue(after.Version);
            log.Parameters.AddWithValue(by);
            log.Parameters.AddWithValue(before is null ? DBNull.Value : System.Text.Json.JsonSerializer.Serialize(before));
            log.Parameters.AddWithValue(System.Text.Json.JsonSerializer.Serialize(after));
            await log.ExecuteNonQueryAsync();
        }
        await tx.CommitAsync();
        _cache = null;
        return (before is null ? CatalogueOutcome.Created : CatalogueOutcome.Updated, after);
    }

    public async Task<IReadOnlyList<CriterionChange>> HistoryAsync(string code)
    {
        var list = new List<CriterionChange>();
        await using var cmd = db.CreateCommand("SELECT code, version, at, actor, before::text, after::text FROM criteria_history WHERE code = $1 ORDER BY version");
        cmd.Parameters.AddWithValue(code);
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync())
        {
            list.Add(new CriterionChange(r.GetString(0), r.GetInt32(1), r.GetFieldValue<DateTimeOffset>(2), r.GetString(3),
                r.IsDBNull(4) ? null : System.Text.Json.JsonSerializer.Deserialize<Criterion>(r.GetString(4)),
                System.Text.Json.JsonSerializer.Deserialize<Criterion>(r.GetString(5))!));
        }
        return list;
    }

    private static Criterion Read(NpgsqlDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetInt32(4), r.GetInt32(5));

    private async Task<IReadOnlyDictionary<string, Criterion>> GetAsync(bool fresh)
    {
        if (!fresh && _cache is { } cached) return cached;
        var all = new Dictionary<string, Criterion>();
        await using var cmd = db.CreateCommand("SELECT code, kind, name_zh, name_en, sort, version FROM criteria");
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync()) all[r.GetString(0)] = Read(r);
        return _cache = all;
    }
}
