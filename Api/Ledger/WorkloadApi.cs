using Rectification.Api.Auth;
using Rectification.Api.Setup;
using Rectification.Cases;
using Rectification.Periods;
using Rectification.Security;

namespace Rectification.Api.Ledger;

/// <summary>
/// Who carries the subtree's cases (四个一): each county leader's and each helping department's cases in
/// the ledger and how many of them are lagging in their monthly reports for the period; the cases whose
/// helping department does not fit their lagging categories (党群包软、经济包穷、政法包乱); and each excellent
/// secretary's paired villages against seed 003's 2-3. A leader holding more than
/// <c>Workload:MaxCasesPerLeader</c> cases (default 3) is marked overloaded.
/// </summary>
public static class WorkloadApi
{
    public const int DefaultMaxCasesPerLeader = 3;
    public const int SecretaryMinVillages = 2, SecretaryMaxVillages = 3;

    public static void MapWorkload(this RouteGroupBuilder v1)
    {
        v1.MapGet("/units/{code}/workload", Get).WithTags("Campaign work").RequireAccess(AccessAction.Read)
            .WithSummary("Cases per county leader and per helping department (lagging in reports for the period), four-ones mismatches, excellent secretaries' villages.")
            .Produces<Workload>().ProducesValidationProblem().ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status404NotFound);
    }

    public sealed record Workload(string Unit, string Period, int MaxCasesPerLeader, IReadOnlyList<LeaderLoad> Leaders,
        IReadOnlyList<DepartmentLoad> Departments, IReadOnlyList<Mismatch> Mismatched, IReadOnlyList<SecretaryLoad> ExcellentSecretaries);

    /// <param name="Lagging">Cases with a monthly report of the period missing.</param>
    public sealed record LeaderLoad(string Leader, int Cases, int Lagging, bool Overloaded, string[] CaseCodes);

    public sealed record DepartmentLoad(string Name, string? Type, int Cases, int Lagging, int Mismatched, string[] CaseCodes);

    public sealed record Mismatch(string Code, string Name, string Department, string? Type, string[] LaggingCategories, string[] FittingTypes);

    /// <param name="WithinRange">Whether the secretary holds 2-3 villages, as seed 003 has each excellent secretary "承包" 2-3.</param>
    public sealed record SecretaryLoad(string Partner, string? PartnerUnit, int Villages, bool WithinRange, string[] CaseCodes);

    private static async Task<IResult> Get(string code, string? period, Access access, LedgerQueries ledger, IConfiguration config)
    {
        var today = ledger.Today;
        Period p;
        if (period is null) p = Period.MonthOf(today);
        else if (!Period.TryParse(period, out p) || p.Kind is not (PeriodKind.Month or PeriodKind.Quarter))
        {
            return Problems.Validation("period", "A month such as 2026-10 or a quarter such as 2026-Q4 (default: this month).");
        }
        var max = config.GetValue("Workload:MaxCasesPerLeader", DefaultMaxCasesPerLeader);
        var inLedger = new LedgerFilter(["open", "acceptanceRequested"], null, null, null, null, null, null, null, p, null, "code", false);
        var rows = await ledger.FindAsync(code, inLedger, withDigest: true);
        var lagging = rows.Where(r => r.Digest is not null && CaseFigures.ValueOf(r.Digest, "reports.missing", p, today, ledger.Policy) > 0)
            .Select(r => r.Code).ToHashSet();

        var leaders = rows.Where(r => r.Leader is not null).GroupBy(r => r.Leader!)
            .Select(g => new LeaderLoad(g.Key, g.Count(), g.Count(r => lagging.Contains(r.Code)), g.Count() > max, [.. g.Select(r => r.Code)]))
            .OrderByDescending(l => l.Cases).ThenBy(l => l.Leader, StringComparer.Ordinal).ToList();
        var departments = rows.Where(r => r.HelpingDepartment is not null).GroupBy(r => (r.HelpingDepartment!, r.HelpingDepartmentType))
            .Select(g => new DepartmentLoad(g.Key.Item1, g.Key.HelpingDepartmentType, g.Count(), g.Count(r => lagging.Contains(r.Code)),
                g.Count(r => r.Work?.FourOnesFits == false), [.. g.Select(r => r.Code)]))
            .OrderByDescending(d => d.Cases).ThenBy(d => d.Name, StringComparer.Ordinal).ToList();
        var mismatched = rows.Where(r => r.Work?.FourOnesFits == false)
            .Select(r => new Mismatch(r.Code, r.Name, r.HelpingDepartment!, r.HelpingDepartmentType, r.LaggingCategories,
                [.. DepartmentMatch.Fitting(r.LaggingCategories).Select(t => CamelCase(t.ToString()))]))
            .ToList();
        var secretaries = rows
            .SelectMany(r => (r.Work?.Pairings ?? []).Where(x => x.Kind == "excellentSecretary" && x.EndedOn is null).Select(x => (Pair: x, r.Code)))
            .GroupBy(x => (x.Pair.Partner, x.Pair.PartnerUnit))
            .Select(g =>
            {
                var villages = g.Select(x => x.Code).Distinct().ToArray();
                return new SecretaryLoad(g.Key.Partner, g.Key.PartnerUnit, villages.Length,
                    villages.Length is >= SecretaryMinVillages and <= SecretaryMaxVillages, villages);
            })
            .OrderByDescending(s => s.Villages).ThenBy(s => s.Partner, StringComparer.Ordinal).ToList();
        return TypedResults.Ok(new Workload(code, p.ToString(), max, leaders, departments, mismatched, secretaries));
    }

    private static string CamelCase(string s) => char.ToLowerInvariant(s[0]) + s[1..];
}
