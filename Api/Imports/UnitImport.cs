using Npgsql;
using Rectification.Api.Auth;
using Rectification.Api.Units;
using Rectification.Units;

namespace Rectification.Api.Imports;

/// <summary>
/// Profiles and new organizations from a file. Each row is checked as a PUT of that profile would be,
/// against the tree as the rows before it leave it (a file may create a township and then its
/// organizations); then all rows are written in one transaction, or none. For a unit that exists, an
/// empty or absent cell keeps the stored value: a file of codes and secretaries updates just those.
/// </summary>
public sealed class UnitImport(NpgsqlDataSource db, UnitRegistry registry, OrganizationCategories categories, UnitMoves moves)
{
    public static readonly ImportColumn[] Columns =
    [
        new("code", "代码"), new("name", "名称"), new("level", "层级"), new("parentCode", "上级代码"), new("category", "党组织类别"),
        new("form", "组织形式"), new("members", "党员数"), new("secretaryName", "党组织书记"), new("secretaryContact", "联系方式"),
        new("electionLastOn", "上次换届日期"), new("electionNextDueOn", "下次换届日期"), new("electionDifficult", "换届选举难点村"),
        new("electionDifficultReason", "难点原因"), new("electionCompletedOn", "换届完成日期"),
    ];

    public async Task<ImportReport> RunAsync(IReadOnlyList<ImportRow> rows, string? fileName, bool dryRun, Caller caller)
    {
        var known = (await categories.AllAsync(fresh: true)).Select(c => c.Code).ToHashSet();
        await using var conn = await db.OpenConnectionAsync();
        await using var tx = await conn.BeginTransactionAsync();
        await UnitProfileStore.LockRegistryAsync(conn, tx);
        await registry.RefreshAsync();
        var tree = new RegistryView(await registry.AllAsync());
        var outcomes = new List<RowOutcome>();
        var writes = new List<(ImportRow Row, UnitProfile Profile, UnitProfile? Before, int Version)>();
        var seen = new HashSet<string>();
        foreach (var row in rows)
        {
            var code = row["code"];
            var stored = code is not null && UnitCode.IsWellFormed(code) ? await UnitProfileStore.ReadAsync(conn, tx, code) : null;
            var (body, parseErrors) = Parse(row, stored?.Profile);
            if (code is null || parseErrors.Count > 0 || !seen.Add(code))
            {
                var reasons = parseErrors.Select(e => new RowReason(e.Key, e.Value)).ToList();
                if (code is null) reasons.Add(new RowReason("code", "Required."));
                else if (seen.Contains(code) && parseErrors.Count == 0) reasons.Add(new RowReason("code", $"{code} appears on an earlier row of this file."));
                outcomes.Add(RowOutcome.Rejected(row.Row, code, [.. reasons]));
                continue;
            }
            var node = tree.Find(code);
            var (profile, errors) = UnitProfileRules.Check(code, body, node, tree, known);
            if (profile is null)
            {
                outcomes.Add(RowOutcome.Rejected(row.Row, code, [.. errors.SelectMany(e => e.Value.Select(m => new RowReason(e.Key, m)))]));
                continue;
            }
            bool Allowed(string target) => Security.AccessPolicy.Allows(caller.Role,
                Security.AccessPolicy.RelationOf(caller.Unit, target, c => tree.Find(c)?.ParentCode), Security.AccessAction.Administer);
            if ((node is not null && !Allowed(code)) || (profile.ParentCode != node?.ParentCode && !Allowed(profile.ParentCode!)))
            {
                outcomes.Add(RowOutcome.Rejected(row.Row, code, new RowReason("code", $"Outside the subtree of {caller.Unit}.")));
                continue;
            }
            if (stored is { } same && same.Profile == profile)
            {
                outcomes.Add(new RowOutcome(row.Row, code, "unchanged", []));
                continue;
            }
            tree.Apply(profile);
            writes.Add((row, profile, stored?.Profile, stored?.Version ?? 0));
            outcomes.Add(new RowOutcome(row.Row, code, stored is null ? "created" : "updated", []));
        }
        var report = ImportReport.Of("units", fileName, dryRun, applied: false, outcomes);
        if (dryRun || report.HasRejections || writes.Count == 0) return report;

        foreach (var w in writes)
        {
            await UnitProfileStore.SaveAsync(conn, tx, w.Profile, w.Before, w.Version, caller.Sub, $"import {fileName ?? "(upload)"} row {w.Row.Row}");
        }
        await tx.CommitAsync();
        await moves.ApplyAsync(writes.Select(w => new UnitMoves.Change(w.Profile.Code, UnitLevels.Parse(w.Profile.Level), w.Before?.ParentCode, w.Profile.ParentCode)).ToList());
        return report with { Applied = true };
    }

    /// <summary>A row as the profile body a PUT would carry; cells that are not of their type are reasons.</summary>
    private static (ProfileBody Body, Dictionary<string, string> Errors) Parse(ImportRow row, UnitProfile? stored)
    {
        var errors = new Dictionary<string, string>();
        int? Int(string key)
        {
            if (row[key] is not { } text) return null;
            if (int.TryParse(text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var n)) return n;
            errors[key] = "A whole number.";
            return null;
        }
        DateOnly? Day(string key)
        {
            if (row[key] is not { } text) return null;
            if (DateOnly.TryParseExact(text, ["yyyy-MM-dd", "yyyy/M/d", "yyyy-M-d", "yyyy.M.d"], out var d)) return d;
            errors[key] = "A date such as 2026-03-01.";
            return null;
        }
        bool? Flag(string key) => row[key] switch
        {
            null => null,
            "是" or "true" or "TRUE" or "True" or "1" or "Y" or "y" => true,
            "否" or "false" or "FALSE" or "False" or "0" or "N" or "n" => false,
            _ => Invalid(key),
        };
        bool? Invalid(string key)
        {
            errors[key] = "是 or 否 (true or false).";
            return null;
        }
        var level = row["level"] switch
        {
            "嘎查村社区" or "村" or "基层党组织" => "village",
            "苏木乡镇" or "乡镇" => "township",
            "旗县" => "banner",
            "盟市" => "league",
            var other => other,
        };
        var e = stored?.Election ?? ElectionRecord.None;
        var difficult = Flag("electionDifficult");
        var body = new ProfileBody(row["name"] ?? stored?.Name, level ?? stored?.Level, row["parentCode"] ?? stored?.ParentCode,
            row["category"] ?? stored?.Category, row["form"] ?? stored?.Form, Int("members") ?? stored?.Members,
            row["secretaryName"] ?? stored?.SecretaryName, row["secretaryContact"] ?? stored?.SecretaryContact,
            new ElectionBody(Day("electionLastOn") ?? e.LastOn, Day("electionNextDueOn") ?? e.NextDueOn, difficult ?? e.Difficult,
                row["electionDifficultReason"] ?? (difficult == false ? null : e.DifficultReason), Day("electionCompletedOn") ?? e.CompletedOn),
            // A row that names a secretary ends a vacancy; one that does not keeps it.
            row["secretaryName"] is null ? stored?.SecretaryVacantSince : null);
        return (body, errors);
    }
}
