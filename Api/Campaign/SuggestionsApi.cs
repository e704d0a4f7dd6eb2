using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using Rectification.Api.Auth;
using Rectification.Api.Cases;
using Rectification.Api.Criteria;
using Rectification.Api.Setup;
using Rectification.Cases;
using Rectification.Security;
using Rectification.Units;

namespace Rectification.Api.Campaign;

/// <summary>
/// Screening suggestions (docs/campaign.md): organizations the campaign sweep found meeting a criterion
/// by facts already held, listed for the township that screens them, each accepted into the case's
/// findings (a finding from source <c>screeningSuggestion</c>, in the case's history) or dismissed with
/// a reason. Both are kept; a decided suggestion is not decided again.
/// </summary>
public static class SuggestionsApi
{
    public sealed record SuggestionDto(long Id, string Code, string Name, string Rule, string[] Criteria, string Fact, DateOnly? FactOn,
        DateTimeOffset CreatedAt, string Status, DateTimeOffset? DecidedAt, string? DecidedBy, string? Reason, string[]? FindingCriteria,
        int? CaseVersion);

    public sealed record AcceptBody(string[]? Criteria, string? Note);
    public sealed record DismissBody(string? Reason);

    private static readonly string[] Statuses = ["open", "accepted", "dismissed"];
    private static readonly string[] Rules = ["secretaryVacant", "electionOverdue", "classThree", "relapsedTwice"];

    public static void MapSuggestions(this RouteGroupBuilder v1)
    {
        var group = v1.MapGroup("/units/{code}/screening-suggestions").WithTags("Campaign work");
        group.MapGet("/", List).RequireAccess(AccessAction.Read)
            .WithSummary("Screening suggestions for organizations in the subtree, each with the fact behind it (paged, newest first).")
            .WithEnum("status", Statuses).WithEnum("rule", Rules);
        group.MapPost("/{id}/accept", Accept).RequireAccess(AccessAction.Write, village: true)
            .WithSummary("Accepts a suggestion into the organization's findings (township or above); criteria default to the suggestion's.");
        group.MapPost("/{id}/dismiss", Dismiss).RequireAccess(AccessAction.Write, village: true)
            .WithSummary("Dismisses a suggestion with the reason (township or above); it is kept, and the same fact is not suggested again.");
    }

    private static async Task<IResult> List(string code, string? status, string? rule, int? limit, string? cursor, UnitRegistry registry,
        NpgsqlDataSource db)
    {
        if (status is not null && !Statuses.Contains(status)) return Problems.Validation("status", "open, accepted or dismissed.");
        if (rule is not null && !Rules.Contains(rule)) return Problems.Validation("rule", string.Join(", ", Rules) + ".");
        if (!Paging.TryParse(limit, cursor, out var paging, out var bad)) return bad!;
        var before = long.TryParse(paging.After, out var b) ? b : long.MaxValue;
        var villages = await registry.VillagesUnderAsync(code);
        await using var cmd = db.CreateCommand($"""
            SELECT {Columns} FROM screening_suggestions s JOIN units u USING (code)
             WHERE s.code = ANY($1) AND ($2::text IS NULL OR s.status = $2) AND ($3::text IS NULL OR s.rule = $3) AND s.id < $4
             ORDER BY s.id DESC LIMIT $5
            """);
        cmd.Parameters.Add(new NpgsqlParameter { Value = villages.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)status ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)rule ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        cmd.Parameters.AddWithValue(before);
        cmd.Parameters.AddWithValue(paging.Limit + 1);
        var rows = await ReadAsync(cmd);
        var items = rows.Take(paging.Limit).ToList();
        var next = rows.Count > paging.Limit ? Paging.Encode(items[^1].Id.ToString(System.Globalization.CultureInfo.InvariantCulture)) : null;
        return TypedResults.Ok(new Page<SuggestionDto>(items, next));
    }

    private static async Task<IResult> Accept(string code, string id, AcceptBody body, HttpContext http, Access access, UnitRegistry registry,
        CriteriaCatalogue catalogue, IdempotentAnswers answers, IGrainFactory grains, NpgsqlDataSource db)
    {
        var bad = answers.TryRead(http, JsonSerializer.Serialize(body), out var key);
        if (bad is not null) return bad;
        if (await answers.ReplayAsync(key) is { } replay) return replay;
        var (suggestion, refused) = await OpenAsync(code, id, access, registry, db);
        if (refused is not null) return refused;

        var criteria = body.Criteria is { Length: > 0 } given ? given : suggestion!.Criteria;
        if (criteria.Length == 0) return Problems.Validation("criteria", "This suggestion names no criterion: give the criteria the finding records.");
        if (body.Note is { Length: > 2000 }) return Problems.Validation("note", "At most 2000 characters.");
        if (await catalogue.UnknownAsync(criteria, "standard", "focus", "other") is { Length: > 0 } unknown)
        {
            return Problems.Validation("criteria", $"Not in the criteria catalogue: {string.Join(", ", unknown)}.");
        }
        var caller = access.Caller;
        var note = $"排查建议 {suggestion!.Id}：{suggestion.Fact}" + (body.Note is { Length: > 0 } n ? $"；{n}" : "");
        var finding = new RecordFinding(FindingSource.ScreeningSuggestion, criteria, note);
        // Keyed by the suggestion: if marking it accepted fails after the finding is stored, accepting again records nothing twice.
        var conditions = new CommandConditions(IdempotencyKey: $"suggestion:{suggestion.Id}", RequestHash: string.Join(",", criteria));
        var level = (await registry.FindAsync(caller.Unit))?.Level ?? UnitLevel.Village;
        var result = await grains.Village(code).ExecuteAsync(finding, new Actor(caller.Sub, caller.Role, level), conditions);
        if (result.Outcome != CaseOutcome.Accepted) return CaseCommandRunner.ToHttp(http, result);

        await using var cmd = db.CreateCommand($"""
            UPDATE screening_suggestions s SET status = 'accepted', decided_at = now(), decided_by = $2, reason = $3, finding_criteria = $4, case_version = $5
              FROM units u WHERE s.id = $1 AND s.status = 'open' AND u.code = s.code
            RETURNING {Columns}
            """);
        cmd.Parameters.AddWithValue(suggestion.Id);
        cmd.Parameters.AddWithValue(caller.Sub);
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)body.Note ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        cmd.Parameters.Add(new NpgsqlParameter { Value = criteria, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        cmd.Parameters.AddWithValue(result.Ack!.Version);
        return await AnswerAsync(cmd, key, answers, suggestion.Id);
    }

    private static async Task<IResult> Dismiss(string code, string id, DismissBody body, HttpContext http, Access access, UnitRegistry registry,
        IdempotentAnswers answers, NpgsqlDataSource db)
    {
        var bad = answers.TryRead(http, JsonSerializer.Serialize(body), out var key);
        if (bad is not null) return bad;
        if (await answers.ReplayAsync(key) is { } replay) return replay;
        if (string.IsNullOrWhiteSpace(body.Reason)) return Problems.Validation("reason", "Required: why the suggestion does not hold.");
        if (body.Reason.Length > 2000 || !TextRules.IsClean(body.Reason)) return Problems.Validation("reason", "At most 2000 characters, no control characters.");
        var (suggestion, refused) = await OpenAsync(code, id, access, registry, db);
        if (refused is not null) return refused;
        await using var cmd = db.CreateCommand($"""
            UPDATE screening_suggestions s SET status = 'dismissed', decided_at = now(), decided_by = $2, reason = $3
              FROM units u WHERE s.id = $1 AND s.status = 'open' AND u.code = s.code
            RETURNING {Columns}
            """);
        cmd.Parameters.AddWithValue(suggestion!.Id);
        cmd.Parameters.AddWithValue(access.Caller.Sub);
        cmd.Parameters.AddWithValue(body.Reason);
        return await AnswerAsync(cmd, key, answers, suggestion.Id);
    }

    /// <summary>The open suggestion for this organization, or the answer why not: 404, 403 below a township, 409 decided.</summary>
    private static async Task<(SuggestionDto? Suggestion, IResult? Refused)> OpenAsync(string code, string id, Access access, UnitRegistry registry,
        NpgsqlDataSource db)
    {
        if (!long.TryParse(id, out var number)) return (null, Problems.NotFound($"No suggestion {id}."));
        if ((await registry.FindAsync(access.Caller.Unit))?.Level is not (UnitLevel.Township or UnitLevel.Banner or UnitLevel.League or UnitLevel.Region))
        {
            return (null, Problems.Forbidden("Suggestions are screened by the township (乡镇党委) or above, not by the organization itself.",
                new Dictionary<string, object?> { ["rule"] = CaseRuleNames.Authority }));
        }
        await using var cmd = db.CreateCommand($"SELECT {Columns} FROM screening_suggestions s JOIN units u USING (code) WHERE s.id = $1 AND s.code = $2");
        cmd.Parameters.AddWithValue(number);
        cmd.Parameters.AddWithValue(code);
        var found = (await ReadAsync(cmd)).SingleOrDefault();
        if (found is null) return (null, Problems.NotFound($"{code} has no suggestion {id}."));
        if (found.Status != "open")
        {
            return (null, Problems.Conflict($"Suggestion {id} was already {found.Status} by {found.DecidedBy} on {found.DecidedAt:yyyy-MM-dd}.",
                new Dictionary<string, object?> { ["rule"] = "suggestionDecidedOnce", ["currentStatus"] = found.Status }));
        }
        return (found, null);
    }

    private static async Task<IResult> AnswerAsync(NpgsqlCommand cmd, IdempotentAnswers.Key? key, IdempotentAnswers answers, long id)
    {
        var row = (await ReadAsync(cmd)).SingleOrDefault();
        if (row is null)
        {
            return Problems.Conflict($"Suggestion {id} was decided by someone else just now.", new Dictionary<string, object?> { ["rule"] = "suggestionDecidedOnce" });
        }
        await answers.RememberAsync(key, StatusCodes.Status200OK, row);
        return TypedResults.Ok(row);
    }

    private const string Columns = """
        s.id, s.code, u.name, s.rule, s.criteria, s.fact, s.fact_on, s.created_at, s.status, s.decided_at, s.decided_by, s.reason,
        s.finding_criteria, s.case_version
        """;

    private static async Task<List<SuggestionDto>> ReadAsync(NpgsqlCommand cmd)
    {
        var list = new List<SuggestionDto>();
        await using var r = await cmd.ExecuteReaderAsync();
        while (await r.ReadAsync())
        {
            string? S(int i) => r.IsDBNull(i) ? null : r.GetString(i);
            list.Add(new SuggestionDto(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetFieldValue<string[]>(4), r.GetString(5),
                r.IsDBNull(6) ? null : r.GetFieldValue<DateOnly>(6), r.GetFieldValue<DateTimeOffset>(7), r.GetString(8),
                r.IsDBNull(9) ? null : r.GetFieldValue<DateTimeOffset>(9), S(10), S(11), r.IsDBNull(12) ? null : r.GetFieldValue<string[]>(12),
                r.IsDBNull(13) ? null : r.GetInt32(13)));
        }
        return list;
    }
}
