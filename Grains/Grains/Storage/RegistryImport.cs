using System.Reflection;
using Npgsql;
using NpgsqlTypes;
using Rectification.Units;

namespace Rectification.Storage;

/// <summary>
/// Loads the real divisions of Inner Mongolia (deploy/data) into the registry on first start.
/// Idempotent: the load is recorded in registry_loads under an advisory lock, so a second start, or a
/// second silo starting at the same moment, loads nothing twice.
/// </summary>
public static class RegistryImport
{
    public const string Source = "inner-mongolia-divisions.csv (NBS 2023)";
    private const long LockKey = 0x5245_4749_5354_52; // "REGISTR"

    public sealed record Row(string Code, string Name, UnitLevel Level, string? ParentCode, string? Category, short? UrbanRural);

    /// <summary>Returns the number of units inserted (0 when the dataset was loaded before).</summary>
    public static async Task<int> LoadIfNewAsync(NpgsqlDataSource db, CancellationToken ct = default)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);
        await Exec(conn, tx, $"SELECT pg_advisory_xact_lock({LockKey})", ct);
        await using (var check = new NpgsqlCommand("SELECT 1 FROM registry_loads WHERE source = $1", conn, tx))
        {
            check.Parameters.AddWithValue(Source);
            if (await check.ExecuteScalarAsync(ct) is not null) return 0;
        }

        var rows = ReadRows();
        await Exec(conn, tx, "CREATE TEMP TABLE units_in (LIKE units INCLUDING DEFAULTS) ON COMMIT DROP", ct);
        await using (var copy = await conn.BeginBinaryImportAsync(
            "COPY units_in (code, name, level, parent_code, category, urban_rural) FROM STDIN (FORMAT BINARY)", ct))
        {
            foreach (var r in rows)
            {
                await copy.StartRowAsync(ct);
                await copy.WriteAsync(r.Code, NpgsqlDbType.Varchar, ct);
                await copy.WriteAsync(r.Name, NpgsqlDbType.Varchar, ct);
                await copy.WriteAsync(r.Level.ToWire(), NpgsqlDbType.Varchar, ct);
                await WriteNullable(copy, r.ParentCode, NpgsqlDbType.Varchar, ct);
                await WriteNullable(copy, r.Category, NpgsqlDbType.Varchar, ct);
                if (r.UrbanRural is { } ur) await copy.WriteAsync(ur, NpgsqlDbType.Smallint, ct);
                else await copy.WriteNullAsync(ct);
            }
            await copy.CompleteAsync(ct);
        }
        // Units an admin created or edited before the load keep their own values.
        int inserted;
        await using (var insert = new NpgsqlCommand("""
            INSERT INTO units (code, name, level, parent_code, category, urban_rural)
            SELECT code, name, level, parent_code, category, urban_rural FROM units_in ORDER BY code
            ON CONFLICT (code) DO NOTHING
            """, conn, tx))
        {
            inserted = await insert.ExecuteNonQueryAsync(ct);
        }
        await using (var record = new NpgsqlCommand("INSERT INTO registry_loads (source, rows) VALUES ($1, $2)", conn, tx))
        {
            record.Parameters.AddWithValue(Source);
            record.Parameters.AddWithValue(rows.Count);
            await record.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
        return inserted;
    }

    /// <summary>The dataset's rows, parents before children. Village categories come from names.</summary>
    public static IReadOnlyList<Row> ReadRows()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("data/inner-mongolia-divisions.csv")!;
        using var reader = new StreamReader(stream);
        var header = reader.ReadLine();
        if (header != "code,name,level,parent_code,urban_rural") throw new InvalidDataException($"Unexpected header '{header}'.");
        var rows = new List<Row>();
        while (reader.ReadLine() is { Length: > 0 } line)
        {
            // NBS names contain no commas, so a plain split is exact for this file.
            var f = line.Split(',');
            var level = UnitLevels.Parse(f[2]);
            rows.Add(new Row(f[0], f[1], level, f[3].Length == 0 ? null : f[3],
                level == UnitLevel.Village ? VillageCategory.FromName(f[1]) : null,
                f[4].Length == 0 ? null : short.Parse(f[4])));
        }
        return rows;
    }

    private static async Task WriteNullable(NpgsqlBinaryImporter copy, string? value, NpgsqlDbType type, CancellationToken ct)
    {
        if (value is null) await copy.WriteNullAsync(ct);
        else await copy.WriteAsync(value, type, ct);
    }

    private static async Task Exec(NpgsqlConnection conn, NpgsqlTransaction tx, string sql, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, conn, tx);
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
