using Rectification.Security;
using Rectification.Api.Auth;
using Rectification.Api.Criteria;
using Rectification.Api.Ledger;
using Rectification.Api.Setup;
using Rectification.Api.Units;
using Rectification.Periods;

namespace Rectification.Api.Forms;

/// <summary>
/// The three forms of seed 004's attachments, for a unit's subtree and a period, as json, csv or xlsx:
/// the summary table (附件1), the list of weak organizations (附件2), the villages with difficult elections (附件3).
/// </summary>
public static class FormsApi
{
    private static readonly string[] Standards = ["C1", "C2", "C3", "C4", "C5", "C6"];

    public static void MapForms(this RouteGroupBuilder v1)
    {
        var group = v1.MapGroup("/units/{code}/reports").WithTags("Printed reports");
        Document(group.MapGet("/summary-table", SummaryTable).Produces<SummaryTableDto>(),
            "软弱涣散基层党组织情况汇总表 (seed 004, attachment 1) for one or more organization categories (category, comma-separated; all when absent).");
        Document(group.MapGet("/weak-organizations", WeakOrganizations).Produces<FormList<WeakOrganizationDto>>(),
            "软弱涣散基层党组织简要情况一览表 (attachment 2): the cases in the ledger at the period's end.");
        Document(group.MapGet("/difficult-elections", DifficultElections).Produces<FormList<FormQueries.DifficultElection>>(),
            "党组织换届选举难点村简要情况一览表 (attachment 3): the organizations marked difficult, with their cases' problems and measures.");
    }

    private static void Document(RouteHandlerBuilder route, string summary) => route
        .RequireAccess(AccessAction.Read)
        .WithSummary(summary)
        .WithDescription("period: a month (2026-10) or a quarter (2026-Q4), the current month when absent. The secretary's name and contact only for reviewers and above. "
            + "xlsx carries the official title, 填报单位 and 填表时间 lines and a frozen header row; csv is UTF-8 with a byte-order mark, header row first.")
        .ProducesValidationProblem().ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound)
        .WithEnum("format", "json", "csv", "xlsx");

    /// <summary>A printed list as JSON.</summary>
    public sealed record FormList<T>(string Unit, string UnitName, string Period, int Total, IReadOnlyList<T> Items);

    public sealed record WeakOrganizationDto(string Code, string Name, int? Members, string MainProblems, string? SecretaryName, string? SecretaryContact);

    public sealed record SummaryTableDto(string Unit, string UnitName, string Period, string[]? Categories, FormOrganizations Organizations,
        WeakCount Weak, IReadOnlyList<StandardRow> Standards);

    public sealed record FormOrganizations(long Total, long Committee, long GeneralBranch, long Branch, long FormUnknown,
        decimal? CommitteePercent, decimal? GeneralBranchPercent, decimal? BranchPercent);

    public sealed record WeakCount(long Count, decimal? PercentOfAll);

    public sealed record StandardRow(string Code, string Name, long Count, decimal? PercentOfAll, decimal? PercentOfWeak);

    private sealed record Request(UnitCheck Unit, Period Period, string[]? Categories, string Format);

    private sealed record UnitCheck(string Code, string Name);

    private static async Task<(Request? Request, IResult? Problem)> ReadAsync(string code, string? period, string? category, string? format,
        Access access, OrganizationCategories categories, LedgerQueries ledger)
    {
        var node = access.Target;
        var errors = new Dictionary<string, string[]>();
        var p = Period.Month(ledger.Today.Year, ledger.Today.Month);
        if (period is not null && !(Period.TryParse(period, out p) && p.Kind is PeriodKind.Month or PeriodKind.Quarter))
        {
            errors["period"] = ["A month such as 2026-10 or a quarter such as 2026-Q4."];
        }
        var cats = category?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var c in cats ?? [])
        {
            if (await categories.FindAsync(c) is null) errors["category"] = [$"'{(c.Length > 40 ? c[..40] : c)}' is not an organization category of the catalogue."];
        }
        if (format is not (null or "json" or "csv" or "xlsx")) errors["format"] = ["json, csv or xlsx."];
        if (errors.Count > 0) return (null, Problems.Validation(errors));
        return (new Request(new UnitCheck(node!.Code, node.Name), p, cats is { Length: > 0 } ? cats : null, format ?? "json"), null);
    }

    private static async Task<IResult> SummaryTable(string code, string? period, string? category, string? format, Access access,
        OrganizationCategories categories, CriteriaCatalogue criteria, LedgerQueries ledger, FormQueries forms)
    {
        var (req, problem) = await ReadAsync(code, period, category, format, access, categories, ledger);
        if (req is null) return problem!;
        var orgs = await forms.OrganizationsAsync(code, req.Categories);
        var figures = await ledger.FiguresAsync(code, req.Categories, req.Period);
        var weak = figures.GetValueOrDefault("cases.active");
        var names = (await criteria.AllAsync()).ToDictionary(c => c.Code, c => c.NameZh);
        var standards = Standards.Select(s => new StandardRow(s, names.GetValueOrDefault(s, s), figures.GetValueOrDefault($"byCriterion.{s}"),
            Percent(figures.GetValueOrDefault($"byCriterion.{s}"), orgs.Total), Percent(figures.GetValueOrDefault($"byCriterion.{s}"), weak))).ToList();
        var categoryLine = req.Categories is null ? "全部" : string.Join("、", await Task.WhenAll(req.Categories.Select(async c => (await categories.FindAsync(c))!.NameZh)));

        if (req.Format == "json")
        {
            return TypedResults.Ok(new SummaryTableDto(code, req.Unit.Name, req.Period.ToString(), req.Categories,
                new FormOrganizations(orgs.Total, orgs.Committee, orgs.GeneralBranch, orgs.Branch, orgs.Total - orgs.Committee - orgs.GeneralBranch - orgs.Branch,
                    Percent(orgs.Committee, orgs.Total), Percent(orgs.GeneralBranch, orgs.Total), Percent(orgs.Branch, orgs.Total)),
                new WeakCount(weak, Percent(weak, orgs.Total)), standards));
        }
        var rows = new List<object?[]>
        {
            new object?[] { "所辖基层党组织", orgs.Total, "——", "——" },
            new object?[] { "其中：党委", orgs.Committee, Percent(orgs.Committee, orgs.Total), "——" },
            new object?[] { "党总支", orgs.GeneralBranch, Percent(orgs.GeneralBranch, orgs.Total), "——" },
            new object?[] { "党支部", orgs.Branch, Percent(orgs.Branch, orgs.Total), "——" },
            new object?[] { "软弱涣散基层党组织", weak, Percent(weak, orgs.Total), "——" },
        };
        rows.AddRange(standards.Select((s, i) => new object?[] { $"（{i + 1}）{s.Name}", s.Count, s.PercentOfAll, s.PercentOfWeak }));
        var form = new FormTable("软弱涣散基层党组织情况汇总表", $"汇总表-{req.Unit.Name}-{req.Period}", req.Unit.Name, categoryLine, ledger.Today,
            [new("item", "项目", 46), new("count", "数量（个）", 12), new("percentOfAll", "占所辖基层党组织总数比例（%）", 30),
             new("percentOfWeak", "占软弱涣散基层党组织总数比例（%）", 32)], rows);
        return new FormResult(form, req.Format);
    }

    private static async Task<IResult> WeakOrganizations(string code, string? period, string? category, string? format, Access access,
        OrganizationCategories categories, CriteriaCatalogue criteria, LedgerQueries ledger, PersonalDataLog log)
    {
        var (req, problem) = await ReadAsync(code, period, category, format, access, categories, ledger);
        if (req is null) return problem!;
        var filter = new LedgerFilter(null, null, null, req.Categories, null, null, null, null, req.Period, "cases.active", "code", false);
        var cases = await ledger.FindAsync(code, filter);
        var names = (await criteria.AllAsync()).ToDictionary(c => c.Code, c => c.NameZh);
        var personal = access.Caller.Role.SeesPersonalData();
        var items = cases.OrderBy(c => c.Code, StringComparer.Ordinal).Select(c => new WeakOrganizationDto(c.Code, c.Name, c.Members,
            c.MainProblems ?? string.Join("；", c.Criteria.Select(x => names.GetValueOrDefault(x, x))),
            personal ? c.SecretaryName : null, personal ? c.SecretaryContact : null)).ToList();
        await log.RecordAsync(items.Where(i => i.SecretaryContact is not null).Select(i => i.Code));
        if (req.Format == "json") return TypedResults.Ok(new FormList<WeakOrganizationDto>(code, req.Unit.Name, req.Period.ToString(), items.Count, items));
        var form = new FormTable("软弱涣散基层党组织简要情况一览表", $"一览表-{req.Unit.Name}-{req.Period}", req.Unit.Name, null, ledger.Today,
            [new("number", "序号", 6), new("name", "软弱涣散基层党组织名称", 34), new("members", "党员数", 8), new("mainProblems", "主要问题", 60),
             new("secretaryName", "党组织书记姓名", 14), new("secretaryContact", "党组织书记联系方式", 18)],
            items.Select((x, i) => new object?[] { i + 1, x.Name, x.Members, x.MainProblems, x.SecretaryName, x.SecretaryContact }));
        return new FormResult(form, req.Format);
    }

    private static async Task<IResult> DifficultElections(string code, string? period, string? category, string? format, Access access,
        OrganizationCategories categories, LedgerQueries ledger, FormQueries forms, PersonalDataLog log)
    {
        var (req, problem) = await ReadAsync(code, period, category, format, access, categories, ledger);
        if (req is null) return problem!;
        var personal = access.Caller.Role.SeesPersonalData();
        var items = (await forms.DifficultElectionsAsync(code, req.Categories))
            .Select(d => personal ? d : d with { SecretaryName = null, SecretaryContact = null }).ToList();
        await log.RecordAsync(items.Where(i => i.SecretaryContact is not null).Select(i => i.Code));
        if (req.Format == "json") return TypedResults.Ok(new FormList<FormQueries.DifficultElection>(code, req.Unit.Name, req.Period.ToString(), items.Count, items));
        var form = new FormTable("党组织换届选举难点村简要情况一览表", $"换届难点村-{req.Unit.Name}-{req.Period}", req.Unit.Name, null, ledger.Today,
            [new("number", "序号", 6), new("name", "村党组织名称", 30), new("members", "党员数", 8), new("mainProblems", "主要问题", 44),
             new("measures", "整顿措施", 44), new("completedOn", "换届选举完成时间", 16), new("secretaryName", "党组织书记姓名", 14),
             new("secretaryContact", "党组织书记联系方式", 18)],
            items.Select((x, i) => new object?[] { i + 1, x.Name, x.Members, x.MainProblems, x.Measures, x.CompletedOn, x.SecretaryName, x.SecretaryContact }));
        return new FormResult(form, req.Format);
    }

    /// <summary>A share in percent with two decimals; none when there is nothing to share.</summary>
    public static decimal? Percent(long part, long whole) =>
        whole == 0 ? null : Math.Round(part * 100m / whole, 2, MidpointRounding.AwayFromZero);
}
