using Rectification.Api.Criteria;
using Rectification.Api.Units;
using Rectification.Cases;
using Rectification.Periods;

namespace Rectification.Api.Ledger;

/// <summary>The ledger list's query parameters as they arrive (and as the OpenAPI document lists them).</summary>
public sealed record LedgerQuery(
    [property: System.ComponentModel.Description("Statuses, comma-separated: screened, proposed, reviewed, open, acceptanceRequested, signedOff, rejected.")] [property: Microsoft.AspNetCore.Mvc.FromQuery(Name = "status")] string? Status,
    [property: System.ComponentModel.Description("A criterion of the catalogue (C1..C6, F1..F4, ...).")] [property: Microsoft.AspNetCore.Mvc.FromQuery(Name = "criterion")] string? Criterion,
    [property: System.ComponentModel.Description("A lagging category (L1..L4, ...).")] [property: Microsoft.AspNetCore.Mvc.FromQuery(Name = "laggingCategory")] string? LaggingCategory,
    [property: System.ComponentModel.Description("The same as laggingCategory (the contract's name).")] [property: Microsoft.AspNetCore.Mvc.FromQuery(Name = "category")] string? Category,
    [property: System.ComponentModel.Description("Organization categories, comma-separated (rural, gacha, community, school, ...).")] [property: Microsoft.AspNetCore.Mvc.FromQuery(Name = "organizationCategory")] string? OrganizationCategory,
    [property: System.ComponentModel.Description("true: only cases with a problem past its deadline today; false: only those without.")] [property: Microsoft.AspNetCore.Mvc.FromQuery(Name = "overdue")] string? Overdue,
    [property: System.ComponentModel.Description("complete or incomplete: the four ones (四个一).")] [property: Microsoft.AspNetCore.Mvc.FromQuery(Name = "fourOnes")] string? FourOnes,
    [property: System.ComponentModel.Description("true: only organizations marked 换届选举难点村.")] [property: Microsoft.AspNetCore.Mvc.FromQuery(Name = "electionDifficult")] string? ElectionDifficult,
    [property: System.ComponentModel.Description("Part of the name, or the start of the code.")] [property: Microsoft.AspNetCore.Mvc.FromQuery(Name = "q")] string? Q,
    [property: System.ComponentModel.Description("The month (2026-10) or quarter (2026-Q4) a figure or report filter is for.")] [property: Microsoft.AspNetCore.Mvc.FromQuery(Name = "period")] string? Period,
    [property: System.ComponentModel.Description("A summary figure to drill through, e.g. byCriterion.C3, cases.active, reports.missing.")] [property: Microsoft.AspNetCore.Mvc.FromQuery(Name = "figure")] string? Figure,
    [property: System.ComponentModel.Description("missing, late, onTime, pending or due: the monthly reports of the period.")] [property: Microsoft.AspNetCore.Mvc.FromQuery(Name = "report")] string? Report,
    [property: System.ComponentModel.Description("missing, late, onTime, pending or due: the activity plans due in the period (for the month after).")] [property: Microsoft.AspNetCore.Mvc.FromQuery(Name = "activityPlan")] string? ActivityPlan,
    [property: System.ComponentModel.Description("onTrack or behind: the member-development targets (seed 002) as of the period (required with it).")] [property: Microsoft.AspNetCore.Mvc.FromQuery(Name = "memberTargets")] string? MemberTargets,
    [property: System.ComponentModel.Description("code, name, opened or updated; - before it for descending.")] [property: Microsoft.AspNetCore.Mvc.FromQuery(Name = "sort")] string? Sort,
    [property: System.ComponentModel.Description("Rows per page, 1 to 500 (default 50).")] [property: Microsoft.AspNetCore.Mvc.FromQuery(Name = "limit")] int? Limit,
    [property: System.ComponentModel.Description("nextCursor of the previous page.")] [property: Microsoft.AspNetCore.Mvc.FromQuery(Name = "cursor")] string? Cursor,
    [property: System.ComponentModel.Description("json (default), csv or xlsx: the export of every matching row.")] [property: Microsoft.AspNetCore.Mvc.FromQuery(Name = "format")] string? Format);

/// <summary>
/// The ledger list's query: filters, the figure to drill through, sort and paging. Each parameter is
/// checked on its own and named in the 400 when it is wrong.
/// </summary>
public sealed record LedgerFilter(
    string[]? Statuses, string? Criterion, string? LaggingCategory, string[]? OrganizationCategories, bool? Overdue,
    bool? FourOnesIncomplete, bool? ElectionDifficult, string? Search, Period? Period, string? Figure, string Sort, bool Descending)
{
    public static readonly string[] Sorts = ["code", "name", "opened", "updated"];

    public bool NeedsDigest => Figure is not null;

    public static async Task<(LedgerFilter? Filter, Dictionary<string, string[]> Errors)> ParseAsync(LedgerQuery q,
        CriteriaCatalogue criteria, OrganizationCategories categories)
    {
        var errors = new Dictionary<string, string[]>();
        void Add(string field, string message) => errors[field] = [message];
        var values = new Dictionary<string, string?>
        {
            ["status"] = q.Status, ["criterion"] = q.Criterion, ["laggingCategory"] = q.LaggingCategory, ["category"] = q.Category,
            ["organizationCategory"] = q.OrganizationCategory, ["overdue"] = q.Overdue, ["fourOnes"] = q.FourOnes,
            ["electionDifficult"] = q.ElectionDifficult, ["q"] = q.Q, ["period"] = q.Period, ["figure"] = q.Figure, ["report"] = q.Report, ["memberTargets"] = q.MemberTargets, ["activityPlan"] = q.ActivityPlan,
            ["sort"] = q.Sort,
        };
        string? One(string name) => values[name] is { Length: > 0 } s ? s : null;
        string[]? List(string name) => One(name)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        bool? Flag(string name)
        {
            var text = One(name);
            if (text is null) return null;
            if (bool.TryParse(text, out var b)) return b;
            Add(name, "true or false.");
            return null;
        }

        var statuses = List("status");
        var wire = Enum.GetValues<CaseStatus>().Select(s => s.ToWire()).ToArray();
        if (statuses?.FirstOrDefault(s => !wire.Contains(s)) is { } badStatus) Add("status", $"'{Clip(badStatus)}' is not a status; one or more of {string.Join(", ", wire)}.");

        var criterion = One("criterion");
        if (criterion is not null && (await criteria.UnknownAsync([criterion], "standard", "focus", "other")).Length > 0)
        {
            Add("criterion", $"'{Clip(criterion)}' is not a criterion of the catalogue (C1..C6, F1..F4, ...).");
        }
        var lagging = One("laggingCategory") ?? One("category");
        if (lagging is not null && (await criteria.UnknownAsync([lagging], "lagging")).Length > 0)
        {
            Add(One("laggingCategory") is null ? "category" : "laggingCategory", $"'{Clip(lagging)}' is not a lagging category (L1..L4, ...).");
        }
        var orgCategories = List("organizationCategory");
        foreach (var c in orgCategories ?? [])
        {
            if (await categories.FindAsync(c) is null) Add("organizationCategory", $"'{Clip(c)}' is not an organization category of the catalogue.");
        }
        var overdue = Flag("overdue");
        bool? fourOnesIncomplete = One("fourOnes") switch
        {
            null => null,
            "incomplete" => true,
            "complete" => false,
            var other => Invalid("fourOnes", "complete or incomplete."),
        };
        var electionDifficult = Flag("electionDifficult");
        var search = One("q");
        if (search is { Length: > 100 }) Add("q", "At most 100 characters.");

        Period? period = null;
        if (One("period") is { } periodText)
        {
            if (Periods.Period.TryParse(periodText, out var p) && p.Kind is PeriodKind.Month or PeriodKind.Quarter) period = p;
            else Add("period", "A month such as 2026-10 or a quarter such as 2026-Q4.");
        }
        var figure = One("figure");
        if (One("report") is { } report)
        {
            if (report is "missing" or "late" or "onTime" or "pending" or "due")
            {
                if (figure is not null && figure != $"reports.{report}") Add("report", "Give either report or a different figure, not both.");
                figure = $"reports.{report}";
            }
            else Add("report", "missing, late, onTime, pending or due (for the period).");
        }
        if (One("activityPlan") is { } plan)
        {
            if (plan is "missing" or "late" or "onTime" or "pending" or "due")
            {
                if (figure is not null && figure != $"activityPlans.{plan}") Add("activityPlan", "Give either activityPlan or a different figure or filter, not both.");
                figure = $"activityPlans.{plan}";
            }
            else Add("activityPlan", "missing, late, onTime, pending or due (the plans due in the period).");
        }
        if (One("memberTargets") is { } standing)
        {
            if (standing is "onTrack" or "behind")
            {
                if (figure is not null && figure != $"memberTargets.{standing}") Add("memberTargets", "Give either memberTargets or a different figure or report filter, not both.");
                figure = $"memberTargets.{standing}";
            }
            else Add("memberTargets", "onTrack or behind (as of the period).");
        }
        if (figure is not null && !CaseFigures.IsKnown(figure)) Add("figure", CaseFigures.Help);
        if (figure is not null && period is null && !errors.ContainsKey("period")) Add("period", "Required with a figure, a report or a memberTargets filter: the month or quarter it is for.");

        var sort = One("sort") ?? "code";
        var descending = sort.StartsWith('-');
        if (!Sorts.Contains(sort.TrimStart('-'))) Add("sort", $"One of {string.Join(", ", Sorts)}, with - before it for descending.");

        if (errors.Count > 0) return (null, errors);
        return (new LedgerFilter(statuses, criterion, lagging, orgCategories, overdue, fourOnesIncomplete, electionDifficult, search, period,
            figure, sort.TrimStart('-'), descending), errors);

        bool? Invalid(string field, string message)
        {
            Add(field, message);
            return null;
        }
    }

    private static string Clip(string s) => s.Length <= 40 ? s : s[..40] + "…";
}
