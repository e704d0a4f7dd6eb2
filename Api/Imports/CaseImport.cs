using System.Collections.Concurrent;
using Rectification.Api.Auth;
using Rectification.Api.Criteria;
using Rectification.Cases;
using Rectification.Units;

namespace Rectification.Api.Imports;

/// <summary>
/// The cases a region already keeps, from a file: one row per case, or several rows with the same code
/// when a case has several problems (the case's cells on the first, one problem on each). Every case
/// goes through its village grain, first as a preview (the rules decide without writing) and, only when
/// every row passes, for real; so the history says who imported it from which file and row, and every
/// roll-up follows. The same content imported again is unchanged.
/// </summary>
public sealed class CaseImport(IGrainFactory grains, UnitRegistry registry, CriteriaCatalogue criteria)
{
    private const int Parallelism = 16;

    public static readonly ImportColumn[] Columns =
    [
        new("code", "代码"), new("status", "状态"), new("criteria", "软弱涣散情形"), new("laggingCategories", "后进类别"),
        new("openedOn", "列入台账日期"), new("problem", "问题"), new("problemCriterion", "问题对应情形"), new("measures", "整顿措施"),
        new("target", "整顿目标"), new("deadline", "完成时限"), new("responsible", "责任人"), new("leader", "包联县级领导"),
        new("workingGroup", "工作组"), new("helpingDepartment", "帮扶部门"), new("helpingDepartmentType", "帮扶部门类型"),
        new("firstSecretary", "第一书记"), new("firstSecretaryDispatchedOn", "第一书记选派日期"),
    ];

    private static readonly string[] CaseKeys =
        ["status", "criteria", "laggingCategories", "openedOn", "leader", "workingGroup", "helpingDepartment", "helpingDepartmentType", "firstSecretary", "firstSecretaryDispatchedOn"];

    private sealed record Parsed(string Code, List<ImportRow> Rows, ImportCase? Command, List<RowReason> Reasons)
    {
        /// <summary>The rows that carry the plan's problems, in order: problems[i] of a refusal is on ProblemRows[i].</summary>
        public List<ImportRow> ProblemRows => [.. Rows.Where(r => r["problem"] is not null)];
    }

    public async Task<ImportReport> RunAsync(IReadOnlyList<ImportRow> rows, string? fileName, bool dryRun, Caller caller,
        Func<string, int, int, Task>? progress = null)
    {
        var actor = new Actor(caller.Sub, caller.Role, (await registry.FindAsync(caller.Unit))?.Level ?? UnitLevel.Village);
        var outcomes = new ConcurrentDictionary<int, RowOutcome>();
        var cases = new List<Parsed>();
        foreach (var group in rows.GroupBy(r => r["code"] ?? ""))
        {
            if (group.Key.Length == 0)
            {
                foreach (var r in group) outcomes[r.Row] = RowOutcome.Rejected(r.Row, null, new RowReason("code", "Required."));
                continue;
            }
            cases.Add(await ParseAsync(group.Key, [.. group], fileName, caller));
        }

        // Preview every case: the rules decide on the case as it stands, nothing is written.
        var decided = new ConcurrentDictionary<string, CaseResult>();
        var done = 0;
        await Parallel.ForEachAsync(cases.Where(c => c.Reasons.Count == 0), new ParallelOptions { MaxDegreeOfParallelism = Parallelism }, async (c, _) =>
        {
            decided[c.Code] = await grains.Village(c.Code).PreviewAsync(c.Command!, actor);
            var n = Interlocked.Increment(ref done);
            if (progress is not null && (n % 50 == 0 || n == cases.Count)) await progress("checking", n, cases.Count);
        });
        foreach (var c in cases)
        {
            var reasons = c.Reasons.Count > 0 ? c.Reasons : Reasons(decided[c.Code], c.ProblemRows);
            var outcome = reasons.Count > 0 ? "rejected" : decided[c.Code].Outcome == CaseOutcome.Unchanged ? "unchanged" : "created";
            foreach (var r in c.Rows) outcomes[r.Row] = new RowOutcome(r.Row, c.Code, outcome, reasons);
        }
        var report = ImportReport.Of("cases", fileName, dryRun, applied: false, [.. outcomes.Values.OrderBy(o => o.Row)]);
        if (dryRun || report.HasRejections) return report;

        // Every case passed: apply. A case that changed in between is refused by its grain and reported.
        var toApply = cases.Where(c => decided[c.Code].Outcome == CaseOutcome.Accepted).ToList();
        done = 0;
        var failed = new ConcurrentDictionary<string, List<RowReason>>();
        await Parallel.ForEachAsync(toApply, new ParallelOptions { MaxDegreeOfParallelism = Parallelism }, async (c, _) =>
        {
            var result = await grains.Village(c.Code).ExecuteAsync(c.Command!, actor, new CommandConditions());
            if (result.Outcome is not (CaseOutcome.Accepted or CaseOutcome.Unchanged)) failed[c.Code] = Reasons(result, c.ProblemRows);
            var n = Interlocked.Increment(ref done);
            if (progress is not null && (n % 50 == 0 || n == toApply.Count)) await progress("applying", n, toApply.Count);
        });
        if (failed.IsEmpty) return report with { Applied = true };
        var rowsAfter = report.Rows.Select(o => o.Code is { } code && failed.TryGetValue(code, out var why) ? RowOutcome.Rejected(o.Row, code, [.. why]) : o).ToList();
        return ImportReport.Of("cases", fileName, dryRun, applied: true, rowsAfter);
    }

    private static List<RowReason> Reasons(CaseResult result, List<ImportRow> problemRows) => result.Outcome switch
    {
        CaseOutcome.Accepted or CaseOutcome.Unchanged => [],
        CaseOutcome.Invalid => result.Errors?.SelectMany(e => e.Value.Select(m => Column(e.Key, m, problemRows))).ToList() ?? [new RowReason("row", result.Detail ?? "Not valid.")],
        _ => [new RowReason(result.Rule ?? "code", result.Detail ?? result.Outcome.ToString())],
    };

    /// <summary>The rules name the command's fields (problems[1].target); a file's user needs the column and the row.</summary>
    private static RowReason Column(string field, string message, List<ImportRow> problemRows)
    {
        var match = System.Text.RegularExpressions.Regex.Match(field, @"^problems\[(\d+)\]\.(\w+)$");
        if (!match.Success) return new RowReason(field, message);
        var column = match.Groups[2].Value switch { "description" => "problem", "criterion" => "problemCriterion", var other => other };
        var index = int.Parse(match.Groups[1].Value);
        return new RowReason(column, index < problemRows.Count ? $"Row {problemRows[index].Row}: {message}" : message);
    }

    private async Task<Parsed> ParseAsync(string code, List<ImportRow> rows, string? fileName, Caller caller)
    {
        var reasons = new List<RowReason>();
        var first = rows[0];
        if (!UnitCode.IsWellFormed(code) || await registry.FindAsync(code) is not { } node)
        {
            reasons.Add(new RowReason("code", $"No unit has the code {Clip(code)}."));
            return new Parsed(code, rows, null, reasons);
        }
        if (node.Level != UnitLevel.Village) reasons.Add(new RowReason("code", $"{code} is a {node.Level.ToWire()}, not a grassroots organization."));
        var nodes = await registry.AllAsync();
        var relation = Security.AccessPolicy.RelationOf(caller.Unit, code, c => nodes.GetValueOrDefault(c)?.ParentCode);
        if (!Security.AccessPolicy.Allows(caller.Role, relation, Security.AccessAction.Administer))
        {
            reasons.Add(new RowReason("code", $"Outside the subtree of {caller.Unit}: the access policy does not let this token import it."));
        }
        foreach (var r in rows.Skip(1))
        {
            foreach (var key in CaseKeys.Where(k => r[k] is not null && r[k] != first[k]))
            {
                reasons.Add(new RowReason(key, $"Row {r.Row} gives another {key} for {code} than row {first.Row}; a case's cells go on its first row."));
            }
        }
        var status = first["status"] switch
        {
            "proposed" or "初评" => CaseStatus.Proposed,
            "reviewed" or "复核" or "复核通过" => CaseStatus.Reviewed,
            "open" or "整顿中" or "已审定" or "审定" => CaseStatus.Open,
            null => CaseStatus.Open,
            _ => (CaseStatus?)null,
        };
        if (status is null) reasons.Add(new RowReason("status", "proposed (初评), reviewed (复核) or open (整顿中); open when empty."));
        var crit = Codes(first["criteria"]);
        var lagging = Codes(first["laggingCategories"]);
        foreach (var bad in await criteria.UnknownAsync(crit, "standard", "focus", "other")) reasons.Add(new RowReason("criteria", $"'{Clip(bad)}' is not a criterion of the catalogue."));
        foreach (var bad in await criteria.UnknownAsync(lagging, "lagging")) reasons.Add(new RowReason("laggingCategories", $"'{Clip(bad)}' is not a lagging category."));
        var openedOn = Day(first, "openedOn", reasons);

        var problems = new List<PlannedProblem>();
        foreach (var r in rows.Where(r => r["problem"] is not null))
        {
            var deadline = Day(r, "deadline", reasons);
            var problemCriterion = r["problemCriterion"] ?? crit.FirstOrDefault() ?? "";
            foreach (var bad in await criteria.UnknownAsync([problemCriterion], "standard", "focus", "other", "lagging"))
            {
                reasons.Add(new RowReason("problemCriterion", $"Row {r.Row}: '{Clip(bad)}' is not a criterion of the catalogue."));
            }
            problems.Add(new PlannedProblem(null, r["problem"]!, problemCriterion, Split(r["measures"]), r["target"] ?? "", deadline ?? default, r["responsible"] ?? ""));
        }

        Assignment? assignment = null;
        if (first["leader"] is not null || first["firstSecretary"] is not null || first["helpingDepartment"] is not null || first["workingGroup"] is not null)
        {
            var type = first["helpingDepartmentType"] switch
            {
                "partyMass" or "党群" or "党群部门" => DepartmentType.PartyMass,
                "economic" or "经济" or "经济部门" => DepartmentType.Economic,
                "politicalLegal" or "政法" or "政法部门" => DepartmentType.PoliticalLegal,
                _ => (DepartmentType?)null,
            };
            if (type is null) reasons.Add(new RowReason("helpingDepartmentType", "partyMass (党群), economic (经济) or politicalLegal (政法)."));
            var dispatched = Day(first, "firstSecretaryDispatchedOn", reasons);
            assignment = new Assignment(first["leader"] ?? "", first["workingGroup"] ?? "", new HelpingDepartment(first["helpingDepartment"] ?? "", type ?? default),
                new FirstSecretary(first["firstSecretary"] ?? "", dispatched ?? openedOn ?? default));
        }
        var source = $"{fileName ?? "(upload)"} row {first.Row}" + (rows.Count > 1 ? $"–{rows[^1].Row}" : "");
        var command = status is { } s ? new ImportCase(s, crit, lagging, openedOn, [.. problems], assignment, source) : null;
        return new Parsed(code, rows, reasons.Count == 0 ? command : null, reasons);
    }

    private static DateOnly? Day(ImportRow row, string key, List<RowReason> reasons)
    {
        if (row[key] is not { } text) return null;
        if (DateOnly.TryParseExact(text, ["yyyy-MM-dd", "yyyy/M/d", "yyyy-M-d", "yyyy.M.d"], out var d)) return d;
        reasons.Add(new RowReason(key, $"Row {row.Row}: a date such as 2026-03-01."));
        return null;
    }

    private static string[] Codes(string? text) =>
        text?.Split([';', '；', ',', '，', '、', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];

    private static string[] Split(string? text) =>
        text?.Split([';', '；', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];

    private static string Clip(string s) => s.Length <= 40 ? s : s[..40] + "…";
}
