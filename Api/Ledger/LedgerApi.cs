using Rectification.Security;
using Rectification.Api.Auth;
using Rectification.Api.Criteria;
using Rectification.Api.Forms;
using Rectification.Api.Setup;
using Rectification.Api.Units;

namespace Rectification.Api.Ledger;

/// <summary>
/// The ledger (台账): GET /units/{code}/cases lists the subtree's cases with filters, sort and paging,
/// opened at any summary figure (<c>figure=byCriterion.C3&amp;period=2026-11</c>) to list exactly the cases
/// behind it; <c>format=csv|xlsx</c> exports every matching row.
/// </summary>
public static class LedgerApi
{
    public static void MapLedger(this RouteGroupBuilder v1)
    {
        v1.MapGet("/units/{code}/cases", List).WithTags("Ledger").RequireAccess(AccessAction.Read)
            .WithSummary("The cases in the unit's subtree: filters, drill-through to a summary figure, sort, paging; csv or xlsx export.")
            .WithDescription("With figure and period, lists exactly the cases the unit's summary counts in that figure: figure.value equals the summary's "
                + "figure and each row carries its figureValue (problems.* count problems, reports.* over a quarter count case-months). "
                + "The secretary is shown to reviewers and above.")
            .Produces<LedgerPage>()
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound)
            .WithEnum("format", "json", "csv", "xlsx").WithEnum("fourOnes", "complete", "incomplete")
            .WithEnum("report", "missing", "late", "onTime", "pending", "due").WithEnum("overdue", "true", "false")
            .WithEnum("electionDifficult", "true", "false").WithEnum("memberTargets", "onTrack", "behind")
            .WithEnum("activityPlan", "missing", "late", "onTime", "pending", "due")
            .WithEnum("sort", "code", "-code", "name", "-name", "opened", "-opened", "updated", "-updated");
    }

    private static async Task<IResult> List(string code, [AsParameters] LedgerQuery query, Access access,
        CriteriaCatalogue criteria, OrganizationCategories categories, LedgerQueries ledger, PersonalDataLog log)
    {
        var (limit, cursor, format) = (query.Limit, query.Cursor, query.Format);
        var node = access.Target;
        if (format is not (null or "json" or "csv" or "xlsx")) return Problems.Validation("format", "json, csv or xlsx.");
        var (filter, errors) = await LedgerFilter.ParseAsync(query, criteria, categories);
        if (filter is null) return Problems.Validation(errors);
        if (!Paging.TryParse(limit, cursor, out var paging, out var bad)) return bad!;

        var export = format is "csv" or "xlsx";
        var rows = LedgerOrder.Sort(await ledger.FindAsync(code, filter, withDigest: export), filter.Sort, filter.Descending);
        var role = access.Caller.Role;
        if (format is "csv" or "xlsx")
        {
            if (role.SeesPersonalData()) await log.RecordAsync(rows.Where(r => r.SecretaryContact is not null).Select(r => r.Code));
            var form = await LedgerExport.FormAsync(node!.Name, ledger, rows, role);
            return new FormResult(form, format);
        }

        var page = LedgerOrder.After(rows, paging.After, filter.Sort, filter.Descending).Take(paging.Limit + 1).ToList();
        var items = new List<LedgerRowDto>();
        foreach (var e in page.Take(paging.Limit)) items.Add(await ToDtoAsync(e, ledger, role));
        var next = page.Count > paging.Limit ? Paging.Encode(LedgerOrder.CursorOf(page[paging.Limit - 1], filter.Sort)) : null;
        await log.RecordAsync(items.Where(i => i.Secretary?.Contact is not null).Select(i => i.Code));
        var figure = filter.Figure is { } f && filter.Period is { } p
            ? new FigureTotal(f, p.ToString(), rows.Sum(r => r.FigureValue ?? 0), CaseFigures.CountsCases(f, p))
            : null;
        return TypedResults.Ok(new LedgerPage(code, rows.Count, figure, items, next));
    }

    /// <summary>A page of the ledger: the total of every matching row, the drilled-through figure if any, the rows, the next cursor.</summary>
    public sealed record LedgerPage(string Unit, int Total, FigureTotal? Figure, IReadOnlyList<LedgerRowDto> Items, string? NextCursor);

    /// <summary>The figure a list was opened at: its value equals the summary's for the same unit and period.</summary>
    public sealed record FigureTotal(string Name, string Period, long Value, bool CountsCases);

    private static async Task<LedgerRowDto> ToDtoAsync(LedgerEntry e, LedgerQueries ledger, Role role)
    {
        var (township, banner, league) = await ledger.PlaceAsync(e.ParentCode);
        return new LedgerRowDto(e.Code, e.Name, township, banner, league, e.Status, e.Criteria, e.LaggingCategories, e.OrganizationCategory,
            e.OpenedOn, new LedgerProblems(e.ProblemsOpen, e.ProblemsOverdue),
            e.LastReportMonth is { } m ? new LedgerLastReport(m, e.LastReportOnTime ?? false) : null,
            e.FourOnesComplete, e.ElectionDifficult, e.Version, e.UpdatedAt,
            role.SeesPersonalData() ? new LedgerSecretary(e.SecretaryName, e.SecretaryContact) : null, e.FigureValue,
            e.Leader, e.HelpingDepartment is { } d ? new LedgerDepartment(d, e.HelpingDepartmentType) : null, e.Work);
    }
}

/// <summary>Sort keys and the keyset cursor: (key, code) in ordinal order, descending by reversing both.</summary>
public static class LedgerOrder
{
    public static List<LedgerEntry> Sort(List<LedgerEntry> rows, string sort, bool descending)
    {
        rows.Sort((a, b) => Compare(KeyOf(a, sort), a.Code, KeyOf(b, sort), b.Code, descending));
        return rows;
    }

    /// <summary>The rows after the cursor's position; a cursor from another sort starts from the beginning.</summary>
    public static IEnumerable<LedgerEntry> After(List<LedgerEntry> rows, string? cursor, string sort, bool descending)
    {
        var parts = cursor?.Split('\u001f');
        if (parts is not { Length: 3 } || parts[0] != sort) return rows;
        return rows.Where(r => Compare(KeyOf(r, sort), r.Code, parts[1], parts[2], descending) > 0);
    }

    public static string KeyOf(LedgerEntry e, string sort) => sort switch
    {
        "name" => e.Name,
        "opened" => e.OpenedOn?.ToString("yyyy-MM-dd") ?? "",
        "updated" => e.UpdatedAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffffff"),
        _ => e.Code,
    };

    public static string CursorOf(LedgerEntry e, string sort) => $"{sort}\u001f{KeyOf(e, sort)}\u001f{e.Code}";

    private static int Compare(string keyA, string codeA, string keyB, string codeB, bool descending)
    {
        var c = string.CompareOrdinal(keyA, keyB);
        if (c == 0) c = string.CompareOrdinal(codeA, codeB);
        return descending ? -c : c;
    }
}
