using System.Text.Json;
using Npgsql;
using NpgsqlTypes;

namespace Rectification.Api.Units;

/// <summary>
/// Profiles in PostgreSQL. Every registry write runs in a transaction that first takes one advisory
/// lock, so two moves can never each pass the cycle check against a tree the other is changing, and
/// writes the unit, its history row and the registry's new version together.
/// </summary>
public static class UnitProfileStore
{
    private const long LockKey = 0x554E_4954_5752; // "UNITWR"
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static async Task LockRegistryAsync(NpgsqlConnection conn, NpgsqlTransaction tx)
    {
        await using var cmd = new NpgsqlCommand($"SELECT pg_advisory_xact_lock({LockKey})", conn, tx);
        await cmd.ExecuteNonQueryAsync();
    }

    public static async Task<(UnitProfile Profile, int Version)?> ReadAsync(NpgsqlConnection conn, NpgsqlTransaction? tx, string code)
    {
        await using var cmd = new NpgsqlCommand("""
            SELECT code, name, level, parent_code, category, form, members, secretary_name, secretary_contact,
                   election_last_on, election_next_due_on, election_difficult, election_difficult_reason, election_completed_on, version,
                   secretary_vacant_since
              FROM units WHERE code = $1
            """, conn, tx);
        cmd.Parameters.AddWithValue(code);
        await using var r = await cmd.ExecuteReaderAsync();
        if (!await r.ReadAsync()) return null;
        string? S(int i) => r.IsDBNull(i) ? null : r.GetString(i);
        DateOnly? D(int i) => r.IsDBNull(i) ? null : r.GetFieldValue<DateOnly>(i);
        var profile = new UnitProfile(r.GetString(0), r.GetString(1), r.GetString(2), S(3), S(4), S(5), r.IsDBNull(6) ? null : r.GetInt32(6),
            S(7), S(8), new ElectionRecord(D(9), D(10), r.GetBoolean(11), S(12), D(13))) with { SecretaryVacantSince = D(15) };
        return (profile, r.GetInt32(14));
    }

    /// <summary>Writes a changed or new profile with its history row; returns the new version.</summary>
    public static async Task<int> SaveAsync(NpgsqlConnection conn, NpgsqlTransaction tx, UnitProfile after, UnitProfile? before, int beforeVersion,
        string actor, string? source)
    {
        var version = beforeVersion + 1;
        await using (var write = new NpgsqlCommand("""
            INSERT INTO units (code, name, level, parent_code, category, form, members, secretary_name, secretary_contact,
                               election_last_on, election_next_due_on, election_difficult, election_difficult_reason,
                               election_completed_on, version, updated_by, updated_at, secretary_vacant_since)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, now(), $17)
            ON CONFLICT (code) DO UPDATE SET
                name = excluded.name, parent_code = excluded.parent_code, category = excluded.category, form = excluded.form,
                members = excluded.members, secretary_name = excluded.secretary_name, secretary_contact = excluded.secretary_contact,
                election_last_on = excluded.election_last_on, election_next_due_on = excluded.election_next_due_on,
                election_difficult = excluded.election_difficult, election_difficult_reason = excluded.election_difficult_reason,
                election_completed_on = excluded.election_completed_on, version = excluded.version,
                updated_by = excluded.updated_by, updated_at = now(), secretary_vacant_since = excluded.secretary_vacant_since
            """, conn, tx))
        {
            var p = write.Parameters;
            p.AddWithValue(after.Code);
            p.AddWithValue(after.Name);
            p.AddWithValue(after.Level);
            Add(p, after.ParentCode, NpgsqlDbType.Varchar);
            Add(p, after.Category, NpgsqlDbType.Varchar);
            Add(p, after.Form, NpgsqlDbType.Varchar);
            Add(p, after.Members, NpgsqlDbType.Integer);
            Add(p, after.SecretaryName, NpgsqlDbType.Varchar);
            Add(p, after.SecretaryContact, NpgsqlDbType.Varchar);
            Add(p, after.Election.LastOn, NpgsqlDbType.Date);
            Add(p, after.Election.NextDueOn, NpgsqlDbType.Date);
            p.AddWithValue(after.Election.Difficult);
            Add(p, after.Election.DifficultReason, NpgsqlDbType.Varchar);
            Add(p, after.Election.CompletedOn, NpgsqlDbType.Date);
            p.AddWithValue(version);
            p.AddWithValue(actor);
            Add(p, after.SecretaryVacantSince, NpgsqlDbType.Date);
            await write.ExecuteNonQueryAsync();
        }
        await using (var log = new NpgsqlCommand(
            "INSERT INTO unit_history (code, version, actor, source, changes) VALUES ($1, $2, $3, $4, $5::jsonb)", conn, tx))
        {
            log.Parameters.AddWithValue(after.Code);
            log.Parameters.AddWithValue(version);
            log.Parameters.AddWithValue(actor);
            Add(log.Parameters, source, NpgsqlDbType.Varchar);
            log.Parameters.AddWithValue(JsonSerializer.Serialize(after.ChangesFrom(before), Json));
            await log.ExecuteNonQueryAsync();
        }
        await using (var bump = new NpgsqlCommand("UPDATE registry_version SET version = version + 1", conn, tx)) await bump.ExecuteNonQueryAsync();
        return version;
    }

    public static async Task<IReadOnlyList<UnitChange>> HistoryAsync(NpgsqlDataSource db, string code)
    {
        var list = new List<UnitChange>();
        await using var cmd = db.CreateCommand("SELECT version, at, actor, source, changes::text FROM unit_history WHERE code = $1 ORDER BY version");
        cmd.Parameters.AddWithValue(code);
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync())
        {
            list.Add(new UnitChange(r.GetInt32(0), r.GetFieldValue<DateTimeOffset>(1), r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3),
                JsonSerializer.Deserialize<List<UnitFieldChange>>(r.GetString(4), Json)!));
        }
        return list;
    }

    private static void Add(NpgsqlParameterCollection p, object? value, NpgsqlDbType type) =>
        p.Add(new NpgsqlParameter { Value = value ?? DBNull.Value, NpgsqlDbType = type });
}
