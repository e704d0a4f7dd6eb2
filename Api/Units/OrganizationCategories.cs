using System.Text.Json;
using Npgsql;

namespace Rectification.Api.Units;

/// <summary>An organization category (党组织类别): rural village, gacha, community, school, enterprise, ...</summary>
public sealed record OrganizationCategory(string Code, string NameZh, string NameEn, bool Rural, int Sort, int Version = 1);

public sealed record OrganizationCategoryChange(string Code, int Version, DateTimeOffset At, string By, OrganizationCategory? Before, OrganizationCategory After);

/// <summary>
/// The catalogue of organization categories, reference data like the criteria: cached, re-read before a
/// code is called unknown, changed only with the version read, every change kept.
/// </summary>
public sealed class OrganizationCategories(NpgsqlDataSource db)
{
    private volatile IReadOnlyDictionary<string, OrganizationCategory>? _cache;

    public async Task<IReadOnlyList<OrganizationCategory>> AllAsync(bool fresh = false) =>
        (await GetAsync(fresh)).Values.OrderBy(c => c.Sort).ThenBy(c => c.Code, StringComparer.Ordinal).ToList();

    public async Task<OrganizationCategory?> FindAsync(string code, bool fresh = false)
    {
        var found = (await GetAsync(fresh)).GetValueOrDefault(code);
        return found ?? (fresh ? null : (await GetAsync(true)).GetValueOrDefault(code));
    }

    public async Task<(Criteria.CatalogueOutcome Outcome, OrganizationCategory? Current)> PutAsync(OrganizationCategory wanted, int? ifMatch, string by)
    {
        await using var conn = await db.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        OrganizationCategory? before = null;
        await using (var read = new NpgsqlCommand("SELECT code, name_zh, name_en, rural, sort, version FROM organization_categories WHERE code = $1 FOR UPDATE", conn, tx))
        {
            read.Parameters.AddWithValue(wanted.Code);
            await using var r = await read.ExecuteReaderAsync();
            if (await r.ReadAsync()) before = Read(r);
        }
        if (before is not null && before with { Version = 0 } == wanted with { Version = 0 }) return (Criteria.CatalogueOutcome.Unchanged, before);
        if (before is not null && ifMatch is null) return (Criteria.CatalogueOutcome.PreconditionRequired, before);
        if (ifMatch is { } expected && expected != (before?.Version ?? 0)) return (Criteria.CatalogueOutcome.PreconditionFailed, before);

        var after = wanted with { Version = (before?.Version ?? 0) + 1 };
        await using (var write = new NpgsqlCommand("""
            INSERT INTO organization_categories (code, name_zh, name_en, rural, sort, version, updated_by, updated_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, now())
            ON CONFLICT (code) DO UPDATE SET name_zh = excluded.name_zh, name_en = excluded.name_en, rural = excluded.rural,
                sort = excluded.sort, version = excluded.version, updated_by = excluded.updated_by, updated_at = now()
            """, conn, tx))
        {
            write.Parameters.AddWithValue(after.Code);
            write.Parameters.AddWithValue(after.NameZh);
            write.Parameters.AddWithValue(after.NameEn);
            write.Parameters.AddWithValue(after.Rural);
            write.Parameters.AddWithValue(after.Sort);
            write.Parameters.AddWithValue(after.Version);
            write.Parameters.AddWithValue(by);
            await write.ExecuteNonQueryAsync();
        }
        await using (var log = new NpgsqlCommand(
            "INSERT INTO organization_category_history (code, version, actor, before, after) VALUES ($1, $2, $3, $4::jsonb, $5::jsonb)", conn, tx))
        {
            log.Parameters.AddWithValue(after.Code);
            log.Parameters.AddWithValue(after.Version);
            log.Parameters.AddWithValue(by);
            log.Parameters.AddWithValue(before is null ? DBNull.Value : JsonSerializer.Serialize(before));
            log.Parameters.AddWithValue(JsonSerializer.Serialize(after));
            await log.ExecuteNonQueryAsync();
        }
        // Which categories count as rural is part of every summary's organization figures.
        await using (var bump = new NpgsqlCommand("UPDATE registry_version SET version = version + 1", conn, tx)) await bump.ExecuteNonQueryAsync();
        await tx.CommitAsync();
        _cache = null;
        return (before is null ? Criteria.CatalogueOutcome.Created : Criteria.CatalogueOutcome.Updated, after);
    }

    public async Task<IReadOnlyList<OrganizationCategoryChange>> HistoryAsync(string code)
    {
        var list = new List<OrganizationCategoryChange>();
        await using var cmd = db.CreateCommand(
            "SELECT code, version, at, actor, before::text, after::text FROM organization_category_history WHERE code = $1 ORDER BY version");
        cmd.Parameters.AddWithValue(code);
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync())
        {
            list.Add(new OrganizationCategoryChange(r.GetString(0), r.GetInt32(1), r.GetFieldValue<DateTimeOffset>(2), r.GetString(3),
                r.IsDBNull(4) ? null : JsonSerializer.Deserialize<OrganizationCategory>(r.GetString(4)),
                JsonSerializer.Deserialize<OrganizationCategory>(r.GetString(5))!));
        }
        return list;
    }

    private static OrganizationCategory Read(NpgsqlDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.GetString(2), r.GetBoolean(3), r.GetInt32(4), r.GetInt32(5));

    private async Task<IReadOnlyDictionary<string, OrganizationCategory>> GetAsync(bool fresh)
    {
        if (!fresh && _cache is { } cached) return cached;
        var all = new Dictionary<string, OrganizationCategory>();
        await using var cmd = db.CreateCommand("SELECT code, name_zh, name_en, rural, sort, version FROM organization_categories");
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync()) all[r.GetString(0)] = Read(r);
        return _cache = all;
    }
}
