using System.Collections.Frozen;
using Npgsql;

namespace Rectification.Units;

/// <summary>
/// The registry's tree held in memory: about 16,000 units fit in a few megabytes, and every request's
/// subtree check and every grain's parent lookup would otherwise be a query. Loaded from PostgreSQL on
/// first use. Every registry change bumps <c>registry_version</c> in its transaction; each process
/// compares that number at most every <see cref="CheckEvery"/> (or at once, <see cref="RefreshAsync"/>)
/// and reloads when it moved, so an edit or a move made through any API instance reaches every silo.
/// </summary>
public sealed class UnitRegistry(NpgsqlDataSource db)
{
    public static readonly TimeSpan CheckEvery = TimeSpan.FromSeconds(2);
    private readonly SemaphoreSlim _loading = new(1, 1);
    private volatile Snapshot? _snapshot;
    private long _checkedAt;

    public sealed record Node(string Code, string Name, UnitLevel Level, string? ParentCode, string? Category);

    private sealed record Snapshot(long Version, FrozenDictionary<string, Node> Nodes, FrozenDictionary<string, string[]> Children, FrozenSet<string> Rural)
    {
        /// <summary>The one unit without a parent; found once per snapshot, not by a scan per request.</summary>
        public string? Root { get; } = Nodes.Values.FirstOrDefault(n => n.ParentCode is null)?.Code;

        public System.Collections.Concurrent.ConcurrentDictionary<string, IReadOnlyDictionary<string, long>> Organizations { get; } = new();
    }

    public async ValueTask<Node?> FindAsync(string code) =>
        (await GetAsync()).Nodes.GetValueOrDefault(code);

    /// <summary>Every unit, for checks that look at the whole tree at once (a move, an import).</summary>
    public async ValueTask<IReadOnlyDictionary<string, Node>> AllAsync() => (await GetAsync()).Nodes;

    /// <summary>The top of the tree (the region), or null while the registry is empty.</summary>
    public async ValueTask<string?> RootAsync() => (await GetAsync()).Root;

    public async ValueTask<IReadOnlyList<string>> ChildrenAsync(string code) =>
        (await GetAsync()).Children.GetValueOrDefault(code) ?? [];

    /// <summary>True when <paramref name="code"/> is <paramref name="ancestor"/> or lies below it.</summary>
    public async ValueTask<bool> IsWithinAsync(string code, string ancestor)
    {
        var nodes = (await GetAsync()).Nodes;
        for (var current = code; current is not null; current = nodes.GetValueOrDefault(current)?.ParentCode)
        {
            if (current == ancestor) return true;
        }
        return false;
    }

    /// <summary>The village-level codes below a unit, in code order.</summary>
    public async ValueTask<IReadOnlyList<string>> VillagesUnderAsync(string code)
    {
        var snapshot = await GetAsync();
        var result = new List<string>();
        var stack = new Stack<string>([code]);
        while (stack.TryPop(out var current))
        {
            if (snapshot.Nodes.TryGetValue(current, out var node) && node.Level == UnitLevel.Village) result.Add(current);
            foreach (var child in snapshot.Children.GetValueOrDefault(current) ?? []) stack.Push(child);
        }
        result.Sort(StringComparer.Ordinal);
        return result;
    }

    /// <summary>
    /// Grassroots organizations in a unit's subtree as summary figures: <c>organizations.total</c>,
    /// <c>organizations.byCategory.{category}</c> and <c>organizations.rural</c> (the categories the catalogue marks rural: gacha and village);
    /// also <c>units.townships</c>, the townships in the subtree (each owes half-monthly progress reports).
    /// </summary>
    public async ValueTask<IReadOnlyDictionary<string, long>> OrganizationsAsync(string code)
    {
        var snapshot = await GetAsync();
        if (snapshot.Organizations.TryGetValue(code, out var cached)) return cached;
        var figures = new Dictionary<string, long>();
        foreach (var village in await VillagesUnderAsync(code))
        {
            var category = snapshot.Nodes[village].Category ?? VillageCategory.Other;
            figures["organizations.total"] = figures.GetValueOrDefault("organizations.total") + 1;
            figures[$"organizations.byCategory.{category}"] = figures.GetValueOrDefault($"organizations.byCategory.{category}") + 1;
            if (snapshot.Rural.Contains(category)) figures["organizations.rural"] = figures.GetValueOrDefault("organizations.rural") + 1;
        }
        var townships = 0L;
        var stack = new Stack<string>([code]);
        while (stack.TryPop(out var current))
        {
            if (snapshot.Nodes.TryGetValue(current, out var node) && node.Level == UnitLevel.Township) townships++;
            foreach (var child in snapshot.Children.GetValueOrDefault(current) ?? []) stack.Push(child);
        }
        if (townships > 0) figures["units.townships"] = townships;
        return snapshot.Organizations[code] = figures;
    }

    /// <summary>Forget the cached tree; the next lookup reloads it.</summary>
    public void Invalidate() => _snapshot = null;

    /// <summary>The registry's version as this process holds it.</summary>
    public async ValueTask<long> VersionAsync() => (await GetAsync()).Version;

    /// <summary>Compare with the database now and reload if the registry changed (after a move, before acting on it).</summary>
    public async Task RefreshAsync()
    {
        await _loading.WaitAsync();
        try
        {
            var current = await ReadVersionAsync();
            if (_snapshot is not { } held || held.Version != current) _snapshot = await LoadAsync();
            _checkedAt = Environment.TickCount64;
        }
        finally
        {
            _loading.Release();
        }
    }

    private async ValueTask<Snapshot> GetAsync()
    {
        if (_snapshot is { } ready && Environment.TickCount64 - Interlocked.Read(ref _checkedAt) < CheckEvery.TotalMilliseconds) return ready;
        await _loading.WaitAsync();
        try
        {
            if (_snapshot is { } held)
            {
                if (Environment.TickCount64 - _checkedAt < CheckEvery.TotalMilliseconds) return held;
                try
                {
                    if (await ReadVersionAsync() == held.Version)
                    {
                        _checkedAt = Environment.TickCount64;
                        return held;
                    }
                }
                catch (NpgsqlException)
                {
                    // The database is away: the tree held is the best answer until it is back.
                    return held;
                }
            }
            _snapshot = await LoadAsync();
            _checkedAt = Environment.TickCount64;
            return _snapshot;
        }
        finally
        {
            _loading.Release();
        }
    }

    private async Task<long> ReadVersionAsync()
    {
        await using var cmd = db.CreateCommand("SELECT version FROM registry_version");
        return await cmd.ExecuteScalarAsync() is long v ? v : 0;
    }

    private async Task<Snapshot> LoadAsync()
    {
        // The version is read first: a change committed during the load is seen again at the next check.
        var version = await ReadVersionAsync();
        var nodes = new Dictionary<string, Node>();
        await using (var cmd = db.CreateCommand("SELECT code, name, level, parent_code, category FROM units"))
        await using (var reader = await cmd.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                var node = new Node(reader.GetString(0), reader.GetString(1), UnitLevels.Parse(reader.GetString(2)),
                    reader.IsDBNull(3) ? null : reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetString(4));
                nodes[node.Code] = node;
            }
        }
        // Which categories are rural (嘎查村) is reference data an admin can extend.
        var rural = new HashSet<string>();
        await using (var cmd = db.CreateCommand("SELECT code FROM organization_categories WHERE rural"))
        await using (var reader = await cmd.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync()) rural.Add(reader.GetString(0));
        }
        var children = nodes.Values
            .Where(n => n.ParentCode is not null)
            .GroupBy(n => n.ParentCode!)
            .ToFrozenDictionary(g => g.Key, g => g.Select(n => n.Code).Order(StringComparer.Ordinal).ToArray());
        return new Snapshot(version, nodes.ToFrozenDictionary(), children, rural.ToFrozenSet());
    }
}
