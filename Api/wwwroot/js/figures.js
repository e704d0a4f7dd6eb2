// The summary's figures the tree shows, grouped as the organization departments read them. Each is a
// dotted name of the summary (the API's shape); drillable ones open the ledger at that figure.
export const groups = [
  { key: "byStatus", figures: [
    ["cases.active", "在册整顿对象", "In the ledger"], ["cases.byStatus.proposed", "初评", "Proposed"], ["cases.byStatus.reviewed", "复核通过", "Reviewed"],
    ["cases.byStatus.open", "整顿中", "Rectifying"], ["cases.byStatus.acceptanceRequested", "申请销号", "Sign-off requested"],
    ["cases.byStatus.signedOff", "已销号", "Signed off"], ["cases.opened", "本期列入", "Opened in period"], ["cases.relapsed", "本期反弹", "Relapsed in period"]] },
  { key: "lagging", figures: [
    ["byLaggingCategory.L1", "组织软弱涣散", "L1 weak and lax"], ["byLaggingCategory.L2", "村务财务管理混乱", "L2 chaotic affairs"],
    ["byLaggingCategory.L3", "经济社会发展落后", "L3 backward economy"], ["byLaggingCategory.L4", "矛盾问题较为突出", "L4 conflicts"]] },
  { key: "problems", figures: [
    ["problems.open", "未落实", "Open"], ["problems.resolved", "已落实", "Resolved"], ["problems.closed", "已销号", "Closed"],
    ["problems.overdue", "逾期", "Overdue"]] },
  { key: "reports", figures: [
    ["reports.due", "应报", "Due"], ["reports.onTime", "按时", "On time"], ["reports.late", "迟报", "Late"], ["reports.missing", "缺报", "Missing"],
    ["reports.completenessPercent", "报送率 %", "Completeness %", false], ["reports.timelinessPercent", "及时率 %", "On time %", false]] },
  { key: "fourOnes", figures: [
    ["fourOnes.covered", "已落实", "Complete"], ["fourOnes.missing", "未落实", "Missing"], ["fourOnes.mismatched", "帮扶部门类型不符", "Department mismatched"]] },
  { key: "work", figures: [
    ["pairing.unpaired", "未结对", "Not paired"], ["pairing.fundsLandedYuan", "帮扶资金到位（元）", "Funds landed (yuan)", false],
    ["memberTargets.behind", "发展党员滞后", "Member targets behind"], ["secretaries.newUntrained", "新任书记未培训", "New secretaries untrained"],
    ["activityPlans.missing", "活动计划未报", "Activity plans missing"], ["secretaries.replaced", "撤换书记", "Secretaries replaced"]] },
];

/** Columns of the children's ranking: figure, labels, and whether higher is worse (the default sort). */
export const ranking = [
  ["cases.active", "在册", "Active"], ["problems.overdue", "逾期问题", "Overdue"], ["reports.missing", "缺报", "Missing"],
  ["reports.completenessPercent", "报送率 %", "Complete %"], ["pairing.unpaired", "未结对", "Unpaired"],
];

export function valueOf(summary, dotted) {
  let node = summary;
  for (const part of dotted.split(".")) node = node?.[part];
  return node === undefined ? 0 : node;   // null: a rate with nothing to divide by
}
