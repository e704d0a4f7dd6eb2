using Rectification.Api.Forms;

namespace Rectification.Api.Ledger;

/// <summary>The ledger export (台账导出): every row of the list with its filters applied, under Chinese headers.</summary>
public static class LedgerExport
{
    /// <summary>Status names as the organization departments write them.</summary>
    public static string StatusZh(string status) => status switch
    {
        "screened" => "排查中",
        "proposed" => "初评",
        "reviewed" => "复核通过",
        "open" => "整顿中",
        "acceptanceRequested" => "申请销号",
        "signedOff" => "已销号",
        "rejected" => "未列入",
        _ => "正常",
    };

    private static readonly FormColumn[] Columns =
    [
        new("code", "代码", 15), new("name", "党组织名称", 30), new("township", "苏木乡镇", 16), new("banner", "旗县（市、区）", 16),
        new("league", "盟市", 12), new("status", "状态", 10), new("criteria", "软弱涣散情形", 14), new("laggingCategories", "后进类别", 10),
        new("organizationCategory", "党组织类别", 12), new("openedOn", "列入台账日期", 13), new("problemsOpen", "未落实问题", 10),
        new("problemsOverdue", "逾期问题", 9), new("lastReportMonth", "最近月报", 10), new("lastReportOnTime", "按时报送", 9),
        new("fourOnesComplete", "“四个一”落实", 12), new("electionDifficult", "换届难点村", 10), new("version", "版本", 6),
        // The campaign's work around the plan (docs/campaign.md); standings are for the month of the export.
        new("leader", "县级联系领导", 12), new("helpingDepartment", "帮扶部门", 16), new("departmentFits", "帮扶部门类型相符", 12),
        new("pairsInForce", "结对帮扶对数", 10), new("fundsLandedYuan", "结对帮扶资金到位（元）", 14), new("projectsLanded", "结对帮扶项目", 10),
        new("memberTargets", "党员发展目标（本年）", 12), new("trainings", "培训（次）", 9), new("trainingDays", "培训（天）", 9),
        new("secretaryActions", "撤换育派", 14), new("accountability", "问责（人次）", 10), new("lastActivityPlan", "最近活动计划", 12),
        new("activityPlanMissing", "本月应报活动计划未报", 12),
        new("secretaryName", "党组织书记", 10), new("secretaryContact", "联系方式", 15),
    ];

    public static async Task<FormTable> FormAsync(string unitName, LedgerQueries ledger, List<LedgerEntry> rows, Role role)
    {
        var today = ledger.Today;
        var month = Periods.Period.MonthOf(today);
        long Figure(LedgerEntry e, string name) => e.Digest is null ? 0 : CaseFigures.ValueOf(e.Digest, name, month, today, ledger.Policy);
        var places = new Dictionary<string, (string?, string?, string?)>();
        foreach (var parent in rows.Select(r => r.ParentCode).OfType<string>().Distinct())
        {
            var (t, b, l) = await ledger.PlaceAsync(parent);
            places[parent] = (t?.Name, b?.Name, l?.Name);
        }
        var personal = role.SeesPersonalData();
        var columns = personal ? Columns : Columns[..^2];
        return new FormTable("软弱涣散基层党组织整顿台账", $"台账-{unitName}", unitName, null, ledger.Today, columns, Rows());

        IEnumerable<object?[]> Rows()
        {
            foreach (var e in rows)
            {
                var (township, banner, league) = e.ParentCode is { } p ? places[p] : (null, null, null);
                object?[] cells =
                [
                    e.Code, e.Name, township, banner, league, StatusZh(e.Status), string.Join("、", e.Criteria), string.Join("、", e.LaggingCategories),
                    e.OrganizationCategory, e.OpenedOn, e.ProblemsOpen, e.ProblemsOverdue, e.LastReportMonth, e.LastReportOnTime,
                    e.FourOnesComplete, e.ElectionDifficult, e.Version,
                    e.Leader, e.HelpingDepartment, e.Work?.FourOnesFits, e.Work?.PairsInForce, e.Work?.FundsLandedYuan, e.Work?.ProjectsLanded,
                    Figure(e, "memberTargets.onTrack") > 0 ? "正常" : Figure(e, "memberTargets.behind") > 0 ? "滞后" : null,
                    e.Work?.Trainings, e.Work?.TrainingDays,
                    e.Work is { SecretaryActions: > 0 } w ? $"{w.SecretaryActions}（最近：{w.LastSecretaryAction}）" : null,
                    e.Work?.Accountability, e.Work?.LastActivityPlan, Figure(e, "activityPlans.missing") > 0,
                    e.SecretaryName, e.SecretaryContact,
                ];
                yield return personal ? cells : cells[..^2];
            }
        }
    }
}
