// A form for each command a case allows now (its allowedCommands). Field names are the API's own
// (dotted for nested bodies), so the field errors of a 400 problem land next to the field they name.
const text = (name, zh, en, extra = {}) => ({ name, zh, en, type: "text", ...extra });
const num = (name, zh, en, extra = {}) => ({ name, zh, en, type: "number", ...extra });
const date = (name, zh, en) => ({ name, zh, en, type: "date" });
const list = (name, zh, en) => ({ name, zh, en, type: "list" });
const choice = (name, zh, en, options) => ({ name, zh, en, type: "select", options });
const area = (name, zh, en) => ({ name, zh, en, type: "textarea" });

const month = () => new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 7);

export const commands = {
  findings: { zh: "记录排查发现", en: "Record a finding", method: "POST", path: "findings",
    fields: [choice("source", "来源", "Source", ["selfCheck", "publicEvaluation", "fieldInvestigation", "inspection"]), list("criteria", "情形（如 C1,C5）", "Criteria (C1,C5)"), area("note", "说明", "Note")] },
  proposal: { zh: "初评（提出整顿对象）", en: "Propose (初评)", method: "POST", path: "proposal",
    fields: [list("criteria", "情形", "Criteria"), list("categories", "后进类别（L1..L4）", "Lagging categories (L1..L4)"), area("reason", "理由", "Reason")] },
  review: { zh: "复核", en: "Review (复核)", method: "POST", path: "review",
    fields: [choice("decision", "结论", "Decision", ["confirm", "reject"]), area("note", "意见", "Note")] },
  approval: { zh: "审定", en: "Approve (审定)", method: "POST", path: "approval",
    fields: [choice("decision", "结论", "Decision", ["approve", "reject"]), area("note", "意见", "Note")] },
  plan: { zh: "增加问题", en: "Add a problem to the plan", method: "PUT", path: "plan",
    fields: [text("problems[0].description", "问题", "Problem"), list("problems[0].measures", "措施", "Measures"), text("problems[0].criterion", "对应情形", "Criterion"),
      text("problems[0].target", "目标", "Target"), date("problems[0].deadline", "完成时限", "Deadline"), text("problems[0].responsible", "责任人", "Responsible")],
    // A plan change restates every problem it keeps: the new one goes first, the held ones after it.
    body: (v, c) => ({ problems: [v.problems[0], ...c.plan.problems.map(p => ({ id: p.id, description: p.description, criterion: p.criterion,
      measures: p.measures, target: p.target, deadline: p.deadline, responsible: p.responsible }))] }) },
  assignment: { zh: "落实“四个一”", en: "Set the four ones", method: "PUT", path: "assignment",
    fields: [text("leader", "县级联系领导", "County leader"), text("workingGroup", "工作组", "Working group"), text("helpingDepartment.name", "帮扶部门", "Helping department"),
      choice("helpingDepartment.type", "部门类型", "Department type", ["partyMass", "economic", "politicalLegal"]), text("firstSecretary.name", "第一书记", "First secretary"),
      date("firstSecretary.dispatchedOn", "选派日期", "Dispatched on")] },
  resolve: { zh: "问题落实", en: "Resolve a problem", method: "POST", path: v => `problems/${v.problem}/resolve`, fields: [{ name: "problem", zh: "问题", en: "Problem", type: "problem", status: "open" }] },
  close: { zh: "问题销号", en: "Close a problem", method: "POST", path: v => `problems/${v.problem}/close`, fields: [{ name: "problem", zh: "问题", en: "Problem", type: "problem", status: "resolved" }] },
  archive: { zh: "问题归档", en: "Archive a problem", method: "POST", path: v => `problems/${v.problem}/archive`, fields: [{ name: "problem", zh: "问题", en: "Problem", type: "problem", status: "closed" }] },
  report: { zh: "报送月度报告", en: "Submit the monthly report", method: "POST", path: v => `reports/${v.month}`,
    fields: [{ name: "month", zh: "月份", en: "Month", type: "month", value: month }, num("problemsResolved", "解决问题数", "Problems resolved"), num("measuresDone", "完成措施数", "Measures done"),
      num("fundsYuan", "到位资金（元）", "Funds (yuan)", { step: "0.01" }), num("projects", "项目", "Projects"), num("trainings", "培训", "Trainings"),
      num("newMembers", "发展党员", "New members"), num("activists", "入党积极分子", "Activists"), num("reserveCadres", "后备干部", "Reserve cadres"), area("narrative", "进展情况", "Narrative")],
    skip: ["month"] },
  evaluation: { zh: "季度评估", en: "Quarterly evaluation", method: "POST", path: v => `evaluations/${v.quarter}`,
    fields: [text("quarter", "季度（如 2026-Q4）", "Quarter (2026-Q4)"), num("score", "得分", "Score"), choice("class", "类别", "Class", ["1", "2", "3"]), num("stars", "星级", "Stars"), area("note", "意见", "Note")],
    skip: ["quarter"], numbers: ["class"] },
  acceptance: { zh: "申请销号", en: "Apply for sign-off", method: "POST", path: "acceptance", fields: [area("note", "说明", "Note")] },
  acceptanceDecision: { zh: "销号验收", en: "Decide the sign-off", method: "POST", path: "acceptance/decision",
    fields: [choice("decision", "结论", "Decision", ["signOff", "return"]), num("satisfactionPercent", "群众满意度 %", "Satisfaction %", { step: "0.1" }), area("note", "意见", "Note")] },
  relapse: { zh: "反弹重新整顿", en: "Relapse", method: "POST", path: "relapse", fields: [list("criteria", "情形", "Criteria"), area("reason", "理由", "Reason")] },
  pairing: { zh: "结对帮扶", en: "Pair", method: "POST", path: "pairings",
    fields: [choice("kind", "类型", "Kind", ["excellentSecretary", "organ", "enterprise"]), text("partner", "结对方", "Partner"), text("partnerUnit", "优秀书记所在村代码", "Excellent secretary's village"),
      date("since", "开始日期", "Since"), area("note", "说明", "Note")] },
  pairingSupport: { zh: "帮扶到位", en: "Support landed", method: "POST", path: v => `pairings/${v.pairing}/support`,
    fields: [{ name: "pairing", zh: "结对", en: "Pair", type: "pairing" }, date("on", "日期", "On"), num("fundsYuan", "资金（元）", "Funds (yuan)", { step: "0.01" }), num("projects", "项目", "Projects"), area("note", "说明", "Note")],
    skip: ["pairing"] },
  pairingEnd: { zh: "结束结对", en: "End a pair", method: "POST", path: v => `pairings/${v.pairing}/end`,
    fields: [{ name: "pairing", zh: "结对", en: "Pair", type: "pairing" }, date("on", "日期", "On"), area("reason", "原因", "Reason")], skip: ["pairing"] },
  memberTargets: { zh: "发展党员目标", en: "Member targets", method: "PUT", path: v => `member-targets/${v.year}`,
    fields: [num("year", "年度", "Year"), num("newMembers", "发展党员", "New members"), num("activists", "入党积极分子", "Activists"), num("reserveCadres", "后备干部", "Reserve cadres")], skip: ["year"] },
  training: { zh: "培训记录", en: "Record a training", method: "POST", path: "trainings",
    fields: [text("person", "参训人", "Person"), choice("role", "身份", "Role", ["secretary", "teamMember", "firstSecretary", "other"]), text("topic", "内容", "Topic"),
      date("from", "开始日期", "From"), num("days", "天数", "Days"), text("organizer", "组织单位", "Organizer")] },
  secretaryAction: { zh: "撤换育派", en: "Secretary action", method: "POST", path: "secretary-actions",
    fields: [choice("action", "方式", "Action", ["remove", "replace", "train", "dispatch"]), date("on", "日期", "On"), text("person", "原书记", "Person"),
      text("newSecretary.name", "新任书记", "New secretary"), text("newSecretary.contact", "联系方式", "Contact"), text("fromUnit", "派出单位", "From unit"), area("note", "说明", "Note")] },
  accountability: { zh: "问责", en: "Accountability", method: "POST", path: "accountability",
    fields: [text("person", "被问责人", "Person"), text("position", "职务", "Position"), choice("measure", "方式", "Measure", ["payDeduction", "admonishmentTalk", "removal", "other"]),
      date("on", "日期", "On"), area("reason", "事由", "Reason"), text("assessment", "考核依据", "Assessment")] },
  activityPlan: { zh: "活动计划", en: "Activity plan", method: "POST", path: v => `activity-plans/${v.month}`,
    fields: [{ name: "month", zh: "月份", en: "Month", type: "month", value: month }, area("activities", "活动（每行：日期 活动名称）", "Activities (one per line: date title)")],
    skip: ["month"],
    body: v => ({ activities: (v.activities || "").split("\n").map(l => l.trim()).filter(Boolean).map(l => ({ on: l.split(/\s+/)[0], title: l.split(/\s+/).slice(1).join(" ") })) }) },
};

/** The request body from a form's values: dotted and indexed names nest, lists split, numbers convert, empties stay out. */
export function bodyOf(command, values, theCase) {
  const spec = commands[command];
  const flat = {};
  for (const f of spec.fields) {
    if (spec.skip?.includes(f.name) || ["problem", "pairing"].includes(f.type)) continue;
    let v = values[f.name];
    if (v === undefined || v === "") continue;
    if (f.type === "number" || spec.numbers?.includes(f.name)) v = Number(v);
    if (f.type === "list") v = v.split(/[,，、;；\s]+/).filter(Boolean);
    flat[f.name] = v;
  }
  const body = {};
  for (const [path, v] of Object.entries(flat)) {
    const parts = path.replace(/\[(\d+)\]/g, ".$1").split(".");
    let node = body;
    parts.slice(0, -1).forEach((p, i) => { node = node[p] ??= /^\d+$/.test(parts[i + 1]) ? [] : {}; });
    node[parts.at(-1)] = v;
  }
  return spec.body ? spec.body({ ...values, ...body }, theCase) : body;
}
