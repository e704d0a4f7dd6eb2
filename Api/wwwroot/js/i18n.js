// Chinese first (the users' language), English on the toggle; the choice is kept in this browser.
const zh = {
  title: "软弱涣散基层党组织整顿", signOut: "退出", signIn: "登录", token: "令牌（JWT）", useToken: "使用此令牌",
  devSignIn: "本地试用登录", sub: "用户名", unit: "单位代码", role: "角色", devUnavailable: "本环境未开放试用令牌，请使用身份提供方登录后获得的令牌。",
  period: "统计期", sortBy: "排序", children: "下级单位", chart: "近12个月", active: "在册整顿对象", reportsMissing: "月报缺报",
  byStatus: "整顿对象状态", lagging: "后进类别", problems: "问题", reports: "月度报告", work: "帮扶与队伍建设", fourOnes: "四个一",
  updated: "更新于", reconciling: "正在核对", ledger: "台账", filters: "筛选", search: "名称或代码", apply: "查询", more: "更多",
  exportCsv: "导出 CSV", exportXlsx: "导出 Excel", forms: "报表", summaryTable: "情况汇总表", weakList: "简要情况一览表", elections: "换届选举难点村",
  case: "整顿对象", status: "状态", plan: "整顿方案与问题清单", evaluations: "季度评估", history: "变更记录", commands: "可办理事项",
  submit: "提交", done: "已提交", name: "名称", code: "代码", figureOf: "数字来源", total: "合计", none: "无",
  problemsOpen: "未销号问题", overdue: "逾期", completeness: "报送率", timeliness: "及时率", opened: "列入台账",
  notices: "待办提醒", campaign: "结对帮扶、培训、问责、活动计划",
  "status.normal": "正常", "status.screened": "排查中", "status.proposed": "初评", "status.reviewed": "复核通过", "status.open": "整顿中",
  "status.acceptanceRequested": "申请销号", "status.signedOff": "已销号", "status.rejected": "未列入",
};
const en = {
  title: "Rectifying weak Party organizations", signOut: "Sign out", signIn: "Sign in", token: "Token (JWT)", useToken: "Use this token",
  devSignIn: "Local trial sign-in", sub: "User", unit: "Unit code", role: "Role", devUnavailable: "Trial tokens are off here: use a token from the identity provider's sign-in.",
  period: "Period", sortBy: "Sort by", children: "Units below", chart: "Last 12 months", active: "Cases in the ledger", reportsMissing: "Reports missing",
  byStatus: "Cases by status", lagging: "Lagging categories", problems: "Problems", reports: "Monthly reports", work: "Support and cadres", fourOnes: "Four ones",
  updated: "Updated", reconciling: "reconciling", ledger: "Ledger", filters: "Filters", search: "Name or code", apply: "Search", more: "More",
  exportCsv: "Export CSV", exportXlsx: "Export Excel", forms: "Forms", summaryTable: "Summary table", weakList: "List of weak organizations", elections: "Difficult elections",
  case: "Case", status: "Status", plan: "Plan and problems", evaluations: "Quarterly evaluations", history: "History", commands: "What you can do now",
  submit: "Submit", done: "Submitted", name: "Name", code: "Code", figureOf: "Cases behind", total: "Total", none: "None",
  problemsOpen: "Open problems", overdue: "Overdue", completeness: "Completeness", timeliness: "On time", opened: "In the ledger since",
  notices: "Notices", campaign: "Pairing, training, accountability, activity plans",
  "status.normal": "Normal", "status.screened": "Screened", "status.proposed": "Proposed", "status.reviewed": "Reviewed", "status.open": "Rectifying",
  "status.acceptanceRequested": "Sign-off requested", "status.signedOff": "Signed off", "status.rejected": "Rejected",
};

let lang = localStorage.getItem("rectification.lang") || "zh";

export const t = (key) => (lang === "en" ? en : zh)[key] ?? key;
export const currentLang = () => lang;
export function toggleLang() {
  lang = lang === "zh" ? "en" : "zh";
  localStorage.setItem("rectification.lang", lang);
  document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
}
