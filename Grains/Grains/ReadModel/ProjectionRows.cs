using System.Text.Json;
using Rectification.Cases;

namespace Rectification.ReadModel;

/// <summary>
/// A batch of queued items as the rows they become, one JSON array per table, which PostgreSQL expands
/// with <c>jsonb_to_recordset</c>: one statement per table for the whole batch rather than one per row.
/// Per row that spared the 10 to 22 parameter objects the silo built and bound, and PostgreSQL a
/// statement's start-up and end (docs/benchmarks.md, session 9). In a repair's batch a case or a month
/// that occurs twice keeps only its newest version (<see cref="Newest"/>), because an upsert may not
/// touch a row twice in one statement; the versions guard makes the older one a no-op anyway.
/// </summary>
public static class ProjectionRows
{
    public sealed record Case(string Code, string Status, string[] Criteria, string[] Categories, int ProblemsOpen, int ProblemsResolved,
        int ProblemsClosed, int ProblemsArchived, bool FourOnes, int Relapses, int Version, DateOnly? OpenedOn, string? LastReportMonth,
        bool? LastReportOnTime, DateOnly[] OpenDeadlines, string? MainProblems, string? Measures,
        [property: System.Text.Json.Serialization.JsonIgnore] string Digest, string? Leader,
        string? HelpingDepartment, string? HelpingDepartmentType, [property: System.Text.Json.Serialization.JsonIgnore] string Work, long? Tag = null);

    /// <param name="Doc">The whole report as the case is loaded from it (with its narrative).</param>
    public sealed record Report(string Code, string Month, DateTime ReceivedAt, bool OnTime, decimal FundsYuan, int Projects, int NewMembers,
        int Activists, int ReserveCadres, int Version, [property: System.Text.Json.Serialization.JsonIgnore] string Doc, long? Tag = null);

    /// <param name="Doc">The whole entry as the case is loaded from it (criteria, idempotency key, ...).</param>
    public sealed record History(string Code, int Version, DateTime At, string Actor, string Role, string Command, string FromStatus,
        string ToStatus, string Detail, string? Note, [property: System.Text.Json.Serialization.JsonIgnore] string? Changes,
        [property: System.Text.Json.Serialization.JsonIgnore] string Doc, long? Tag = null);

    /// <summary>The column names are the properties' in snake case; Chinese text stays UTF-8.</summary>
    private static readonly JsonSerializerOptions RowJson = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
    private static readonly JsonSerializerOptions WebJson = new(JsonSerializerDefaults.Web)
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>The rows as UTF-8 JSON, as PostgreSQL receives them: no text in UTF-16 first, twice the size.</summary>
    public static byte[] Json<T>(IReadOnlyCollection<T> rows) => JsonSerializer.SerializeToUtf8Bytes(rows, RowJson);

    /// <param name="tag">The tag of the state write these rows belong with; they apply only if it took (ReadModelSql).</param>
    public static Case CaseOf(CaseState s, Rollup.HeldDigest digest, Periods.DuePolicy policy, long? tag = null)
    {
        int Count(ProblemStatus st) => s.Problems.Count(p => p.Status == st);
        var row = LedgerRow.Of(s, policy);
        return new Case(s.Code, s.Status.ToWire(), s.Criteria, s.Categories, Count(ProblemStatus.Open), Count(ProblemStatus.Resolved),
            Count(ProblemStatus.Closed), Count(ProblemStatus.Archived), s.Assignment is not null, s.Relapses, s.Version,
            row.OpenedOn, row.LastReportMonth, row.LastReportOnTime, row.OpenDeadlines, row.MainProblems, row.Measures,
            digest.ToJson(), s.Assignment?.Leader, s.Assignment?.HelpingDepartment.Name,
            s.Assignment is { } a ? JsonNamingPolicy.CamelCase.ConvertName(a.HelpingDepartment.Type.ToString()) : null,
            JsonSerializer.Serialize(CaseWork.Of(s), WebJson), tag);
    }

    public static Report ReportOf(CaseState s, MonthlyReport r, long? tag = null) =>
        new(s.Code, r.Month.ToString(), Microseconds(r.ReceivedAt), r.OnTime, r.Figures.FundsYuan, r.Figures.Projects,
            r.Figures.NewMembers, r.Figures.Activists, r.Figures.ReserveCadres, s.Version, JsonSerializer.Serialize(r, CaseParts.Json), tag);

    public static History HistoryOf(CaseState s, HistoryEntry e, long? tag = null) =>
        new(s.Code, e.Version, Microseconds(e.At), e.By, e.Role.ToWire(), e.Command, e.From.ToWire(), e.To.ToWire(), e.Detail, e.Note,
            e.Changes is null ? null : JsonSerializer.Serialize(e.Changes, WebJson), JsonSerializer.Serialize(e, CaseParts.Json), tag);

    /// <summary>
    /// PostgreSQL keeps microseconds. As a parameter a timestamp was cut to them; as text PostgreSQL would
    /// round a seventh digit instead, so it is cut here, and a stored time stays what it was.
    /// </summary>
    private static DateTime Microseconds(DateTimeOffset at)
    {
        var ticks = at.UtcTicks;
        return new DateTime(ticks - ticks % 10, DateTimeKind.Utc);
    }

    /// <summary>The newest version of each key; the order of first appearance is kept.</summary>
    public static List<T> Newest<T, TKey>(IEnumerable<T> rows, Func<T, TKey> key, Func<T, int> version) where TKey : notnull
    {
        var at = new Dictionary<TKey, int>();
        var kept = new List<T>();
        foreach (var row in rows)
        {
            if (!at.TryGetValue(key(row), out var i))
            {
                at[key(row)] = kept.Count;
                kept.Add(row);
            }
            else if (version(row) > version(kept[i]))
            {
                kept[i] = row;
            }
        }
        return kept;
    }
}
