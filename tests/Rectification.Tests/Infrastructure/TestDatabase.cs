using Npgsql;
using Rectification.Hosting;
using Rectification.Storage;

namespace Rectification.Tests.Infrastructure;

/// <summary>
/// A fresh database per fixture on the PostgreSQL cluster that ./test.sh started (RECT_TEST_PG), with
/// the schema migrated and the real region loaded. Tests never skip: without the cluster they fail.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private readonly string _admin;

    public string Name { get; }
    public string ConnectionString { get; }
    public NpgsqlDataSource DataSource { get; }

    private TestDatabase(string admin, string name)
    {
        _admin = admin;
        Name = name;
        ConnectionString = new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString;
        DataSource = SiloConfiguration.CreateDataSource(ConnectionString, maxPoolSize: 30);
    }

    public static string AdminConnectionString =>
        Environment.GetEnvironmentVariable("RECT_TEST_PG")
        ?? throw new InvalidOperationException("RECT_TEST_PG is not set: run the tests through ./test.sh, which starts PostgreSQL.");

    public static Task<TestDatabase> CreateAsync() => CreateAsync(AdminConnectionString);

    /// <summary>A fresh database with the schema only up to a script, to test how a later one moves data.</summary>
    public static Task<TestDatabase> CreateThroughAsync(int script) => CreateAsync(AdminConnectionString, script);

    /// <summary>A fresh database on another cluster (a fault test's own PostgreSQL).</summary>
    public static async Task<TestDatabase> CreateAsync(string admin, int? migrateThrough = null)
    {
        var name = $"t_{Guid.NewGuid():N}";
        await using (var conn = new NpgsqlConnection(admin))
        {
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand($"CREATE DATABASE {name}", conn);
            await cmd.ExecuteNonQueryAsync();
        }
        var db = new TestDatabase(admin, name);
        await Migrator.ApplyAsync(db.DataSource, through: migrateThrough);
        await RegistryImport.LoadIfNewAsync(db.DataSource);
        return db;
    }

    public async Task<T?> ScalarAsync<T>(string sql, params object[] args)
    {
        await using var cmd = DataSource.CreateCommand(sql);
        foreach (var a in args) cmd.Parameters.AddWithValue(a);
        var value = await cmd.ExecuteScalarAsync();
        return value is DBNull or null ? default : (T)value;
    }

    public async ValueTask DisposeAsync()
    {
        await DataSource.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        await using var conn = new NpgsqlConnection(_admin);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand($"DROP DATABASE IF EXISTS {Name} WITH (FORCE)", conn);
        await cmd.ExecuteNonQueryAsync();
    }
}
