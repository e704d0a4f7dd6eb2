using Npgsql;
using NpgsqlTypes;
using Rectification.Api.Auth;
using Rectification.Api.Setup;
using Rectification.Security;
using Rectification.Units;

namespace Rectification.Api.Campaign;

/// <summary>
/// Each unit's inbox of notices (催办, docs/campaign.md): problems past their deadline, reports and
/// activity plans due soon or missing, cases returned, suggestions waiting. Listed newest first and
/// marked read; the summary counts the open (unread) notices of a subtree by the recipient's level and
/// by kind, so the region sees where they pile up.
/// </summary>
public static class NoticesApi
{
    public sealed record NoticeDto(long Id, string Unit, string Kind, string Subject, string SubjectName, string Title, string? Detail,
        DateOnly? DueOn, DateTimeOffset CreatedAt, DateTimeOffset? ReadAt, string? ReadBy, DateTimeOffset? DeliveredAt);

    public sealed record NoticeSummary(string Unit, long Open, IReadOnlyDictionary<string, long> ByLevel, IReadOnlyDictionary<string, long> ByKind);

    public sealed record ReadAll(string Unit, int Marked);

    public static readonly string[] Kinds =
        ["problemOverdue", "reportDueSoon", "reportMissing", "planDueSoon", "planMissing", "caseReturned", "suggestionWaiting"];

    public static void MapNotices(this RouteGroupBuilder v1)
    {
        var group = v1.MapGroup("/units/{code}/notices").WithTags("Campaign work");
        group.MapGet("/", List).RequireAccess(AccessAction.Read)
            .WithSummary("The unit's notices (scope=subtree: also those of the units below), newest first, paged.")
            .WithEnum("status", "open", "read", "all").WithEnum("scope", "own", "subtree").WithEnum("kind", Kinds);
        group.MapGet("/summary", Summary).RequireAccess(AccessAction.Read)
            .WithSummary("Open (unread) notices in the subtree, by the recipient's level and by kind.");
        group.MapPost("/{id}/read", MarkRead).RequireAccess(AccessAction.Write).WithSummary("Marks one of the unit's notices read.");
        group.MapPost("/read", MarkAllRead).RequireAccess(AccessAction.Write).WithSummary("Marks every open notice of the unit read.");
        v1.MapPost("/campaign/sweep", Sweep).WithTags("Campaign work").RequireAccess(AccessAction.Administer, AccessTarget.Root)
            .WithSummary("Runs the campaign sweep now (suggestions and notices) instead of waiting for its reminder; an admin of the root unit.");
    }

    private static async Task<IResult> Sweep(IGrainFactory grains) =>
        TypedResults.Ok(await grains.GetGrain<Rectification.Campaign.ICampaignSweepGrain>("region").SweepAsync());

    private static async Task<IResult> List(string code, string? status, string? scope, string? kind, int? limit, string? cursor,
        UnitRegistry registry, NpgsqlDataSource db)
    {
        if (status is not (null or "open" or "read" or "all")) return Problems.Validation("status", "open, read or all (default open).");
        if (scope is not (null or "own" or "subtree")) return Problems.Validation("scope", "own (default) or subtree.");
        if (kind is not null && !Kinds.Contains(kind)) return Problems.Validation("kind", string.Join(", ", Kinds) + ".");
        if (!Paging.TryParse(limit, cursor, out var paging, out var bad)) return bad!;
        var units = scope == "subtree" ? await SubtreeAsync(registry, code) : [code];
        var before = long.TryParse(paging.After, out var b) ? b : long.MaxValue;
        await using var cmd = db.CreateCommand($"""
            SELECT {Columns} FROM notices n JOIN units s ON s.code = n.subject
             WHERE n.unit = ANY($1) AND n.id < $2 AND ($3::text IS NULL OR n.kind = $3)
               AND ($4 = 'all' OR ($4 = 'open') = (n.read_at IS NULL))
             ORDER BY n.id DESC LIMIT $5
            """);
        cmd.Parameters.Add(new NpgsqlParameter { Value = units, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        cmd.Parameters.AddWithValue(before);
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)kind ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        cmd.Parameters.AddWithValue(status ?? "open");
        cmd.Parameters.AddWithValue(paging.Limit + 1);
        var rows = await ReadAsync(cmd);
        var items = rows.Take(paging.Limit).ToList();
        var next = rows.Count > paging.Limit ? Paging.Encode(items[^1].Id.ToString(System.Globalization.CultureInfo.InvariantCulture)) : null;
        return TypedResults.Ok(new Page<NoticeDto>(items, next));
    }

    private static async Task<IResult> Summary(string code, UnitRegistry registry, NpgsqlDataSource db)
    {
        var units = await SubtreeAsync(registry, code);
        await using var cmd = db.CreateCommand("""
            SELECT level, kind, count(*) FROM notices WHERE unit = ANY($1) AND read_at IS NULL GROUP BY level, kind
            """);
        cmd.Parameters.Add(new NpgsqlParameter { Value = units, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        var byLevel = new SortedDictionary<string, long>(StringComparer.Ordinal);
        var byKind = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var level in Enum.GetValues<UnitLevel>()) byLevel[level.ToWire()] = 0;
        foreach (var k in Kinds) byKind[k] = 0;
        await using (var r = await cmd.ExecuteReaderAsync())
        {
            while (await r.ReadAsync())
            {
                byLevel[r.GetString(0)] = byLevel.GetValueOrDefault(r.GetString(0)) + r.GetInt64(2);
                byKind[r.GetString(1)] = byKind.GetValueOrDefault(r.GetString(1)) + r.GetInt64(2);
            }
        }
        return TypedResults.Ok(new NoticeSummary(code, byKind.Values.Sum(), byLevel, byKind));
    }

    private static async Task<IResult> MarkRead(string code, string id, Access access, NpgsqlDataSource db)
    {
        if (!long.TryParse(id, out var number)) return Problems.NotFound($"No notice {id}.");
        // Reading twice keeps the first reader and time: the answer is the notice as it stands.
        await using var cmd = db.CreateCommand($"""
            WITH marked AS (UPDATE notices SET read_at = COALESCE(read_at, now()), read_by = COALESCE(read_by, $3)
                             WHERE id = $1 AND unit = $2 RETURNING *)
            SELECT {Columns} FROM marked n JOIN units s ON s.code = n.subject
            """);
        cmd.Parameters.AddWithValue(number);
        cmd.Parameters.AddWithValue(code);
        cmd.Parameters.AddWithValue(access.Caller.Sub);
        var row = (await ReadAsync(cmd)).SingleOrDefault();
        return row is null ? Problems.NotFound($"{code} has no notice {id}.") : TypedResults.Ok(row);
    }

    private static async Task<IResult> MarkAllRead(string code, Access access, NpgsqlDataSource db)
    {
        await using var cmd = db.CreateCommand("UPDATE notices SET read_at = now(), read_by = $2 WHERE unit = $1 AND read_at IS NULL");
        cmd.Parameters.AddWithValue(code);
        cmd.Parameters.AddWithValue(access.Caller.Sub);
        return TypedResults.Ok(new ReadAll(code, await cmd.ExecuteNonQueryAsync()));
    }

    /// <summary>The unit and every unit below it, from the registry in memory.</summary>
    private static async Task<string[]> SubtreeAsync(UnitRegistry registry, string code)
    {
        var all = await registry.AllAsync();
        bool Within(string? c)
        {
            for (; c is not null; c = all.GetValueOrDefault(c)?.ParentCode)
            {
                if (c == code) return true;
            }
            return false;
        }
        return [.. all.Keys.Where(Within)];
    }

    private const string Columns = """
        n.id, n.unit, n.kind, n.subject, s.name, n.title, n.detail, n.due_on, n.created_at, n.read_at, n.read_by, n.delivered_at
        """;

    private static async Task<List<NoticeDto>> ReadAsync(NpgsqlCommand cmd)
    {
        var list = new List<NoticeDto>();
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync())
        {
            string? S(int i) => r.IsDBNull(i) ? null : r.GetString(i);
            DateTimeOffset? T(int i) => r.IsDBNull(i) ? null : r.GetFieldValue<DateTimeOffset>(i);
            list.Add(new NoticeDto(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5), S(6),
                r.IsDBNull(7) ? null : r.GetFieldValue<DateOnly>(7), r.GetFieldValue<DateTimeOffset>(8), T(9), S(10), T(11)));
        }
        return list;
    }
}
