// The portal: a reference client of the public API. Hash routes: #/signin, #/unit/{code}, #/ledger/{code},
// #/case/{code}; the period and filters ride in the query of the hash. Figures refresh by polling.
import { api, download, session, ApiError } from "./api.js";
import { t, toggleLang, currentLang } from "./i18n.js";
import { groups, ranking, valueOf } from "./figures.js";
import { lineChart } from "./chart.js";
import { commands, bodyOf } from "./forms.js";

const POLL_MS = 5000;
const main = document.getElementById("main");
let poll = null;

// ---- small DOM helpers (text is always set as text, never parsed as HTML) ----
function h(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else if (k === "text") e.textContent = v;
    else e.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) if (c !== null && c !== undefined) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return e;
}
const label = (zh, en) => (currentLang() === "en" ? en : zh);
const thisMonth = () => new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 7);

function route() {
  const [path, query] = location.hash.slice(1).split("?");
  return { parts: path.split("/").filter(Boolean), params: new URLSearchParams(query || "") };
}
const go = (hash) => { location.hash = hash; };

function fail(err) {
  if (err instanceof ApiError && err.status === 401) { session.token = null; go("#/signin"); return; }
  main.replaceChildren(h("p", { class: "error", role: "alert" }, err.message));
}

async function render() {
  clearInterval(poll);
  document.querySelectorAll("[data-i18n]").forEach(e => { e.textContent = t(e.dataset.i18n); });
  document.getElementById("lang").textContent = currentLang() === "zh" ? "English" : "中文";
  const claims = session.claims;
  document.getElementById("who").textContent = claims ? `${claims.sub} · ${claims.role} · ${claims.unit}` : "";
  document.getElementById("signout").hidden = !claims;
  const { parts, params } = route();
  if (!claims || parts[0] === "signin" || location.hash.includes("access_token=")) return signIn();
  try {
    if (parts[0] === "ledger") return await ledgerPage(parts[1], params);
    if (parts[0] === "case") return await casePage(parts[1]);
    return await unitPage(parts[1] || claims.unit, params);
  } catch (err) { fail(err); }
}

// ---- sign-in: a token from the identity provider, or (local runs) one minted by the dev route ----
function signIn() {
  // An identity provider's implicit-flow answer comes back as #access_token=…&token_type=…
  const fragment = location.hash.slice(1);
  const fromIdp = new URLSearchParams(fragment.includes("?") ? fragment.split("?")[1] : fragment).get("access_token");
  if (fromIdp) {
    session.token = fromIdp;
    history.replaceState(null, "", location.pathname);   // the token leaves the address bar and the history
    go("#/");
    return render();
  }
  const tokenBox = h("textarea", { id: "token", rows: 3, class: "wide" });
  const error = h("p", { class: "error", role: "alert" });
  const dev = h("form", { class: "command", id: "dev-signin", onsubmit: async (e) => {
    e.preventDefault();
    const f = new FormData(e.target);
    try {
      const r = await api("/dev/tokens", { method: "POST", body: { sub: f.get("sub"), unit: f.get("unit"), role: f.get("role") } });
      session.token = r.token;
      go("#/");
      render();
    } catch (err) { error.textContent = err.status === 404 ? t("devUnavailable") : err.message; }
  } },
    h("label", {}, t("sub"), h("input", { name: "sub", value: "officer", required: true })),
    h("label", {}, t("unit"), h("input", { name: "unit", value: "150000000000", pattern: "\\d{12}", required: true })),
    h("label", {}, t("role"), h("select", { name: "role" }, ...["viewer", "reporter", "reviewer", "approver", "admin"].map(r => h("option", { value: r, selected: r === "reviewer" }, r)))),
    h("div", { class: "actions" }, h("button", { class: "primary", type: "submit" }, t("signIn"))));
  main.replaceChildren(h("h1", {}, t("signIn")),
    h("div", { class: "panel" }, h("h2", {}, t("token")), tokenBox,
      h("p", {}, h("button", { class: "primary", type: "button", id: "use-token", onclick: () => { session.token = tokenBox.value.trim(); go("#/"); render(); } }, t("useToken")))),
    h("div", { class: "panel" }, h("h2", {}, t("devSignIn")), dev), error);
}

// ---- the tree: a unit's summary for a period, its children ranked, its last twelve months ----
async function unitPage(code, params) {
  const period = params.get("period") || thisMonth();
  const sort = params.get("sort") || "-cases.active";
  const unit = await api(`/units/${code}`);
  const crumbs = h("div", { class: "crumbs" });
  breadcrumbs(unit, crumbs);
  const periodInput = h("input", { id: "period", value: period, size: 8, onchange: e => go(`#/unit/${code}?period=${e.target.value}&sort=${sort}`) });
  // Children rank by any figure the tree shows (the API ranks by any number of the summary).
  const rankable = [...ranking, ...groups.flatMap(g => g.figures).filter(([f]) => !ranking.some(([r]) => r === f))];
  const sortSelect = h("select", { id: "sort", onchange: e => go(`#/unit/${code}?period=${period}&sort=${e.target.value}`) },
    ...rankable.flatMap(([f, zh, en]) => [h("option", { value: `-${f}`, selected: sort === `-${f}` }, `${label(zh, en)} ↓`), h("option", { value: f, selected: sort === f }, `${label(zh, en)} ↑`)]));
  const cards = h("div", { class: "cards", id: "cards" });
  const status = h("p", { class: "muted", id: "asof" });
  const children = h("div", { class: "scroll", id: "children" });
  const chart = h("div", { class: "chart", id: "chart" });
  const inbox = h("div", { id: "notices" });
  const forms = h("p", {}, ...[["summary-table?category=rural&", "summaryTable"], ["weak-organizations?", "weakList"], ["difficult-elections?", "elections"]]
    .flatMap(([p, k]) => ["csv", "xlsx"].map(fmt => h("button", { type: "button", class: "link", onclick: () => download(`/units/${code}/reports/${p}period=${period}&format=${fmt}`, `${k}.${fmt}`).catch(fail) }, `${t(k)} (${fmt}) `))));
  main.replaceChildren(...[crumbs, h("h1", {}, unit.name, " ", h("span", { class: "badge" }, unit.level)),
    h("div", { class: "toolbar" }, h("label", {}, t("period"), periodInput), unit.level !== "village" ? h("label", {}, t("sortBy"), sortSelect) : null,
      h("a", { href: `#/ledger/${code}?period=${period}` }, t("ledger")), unit.level === "village" ? h("a", { href: `#/case/${code}` }, t("case")) : null),
    status, cards, ...(unit.level !== "village" ? [h("h2", {}, t("children")), children] : []),
    h("h2", {}, t("notices")), inbox,
    h("h2", {}, t("chart")), chart, h("p", { class: "legend" }, h("span", { class: "k1" }, "— " + t("active")), h("span", { class: "k2" }, "— " + t("reportsMissing"))),
    h("h2", {}, t("forms")), forms].flat().filter(x => x !== null));

  async function refresh() {
    const summary = await api(`/units/${code}/summary?period=${period}`);
    cards.replaceChildren(...groups.map(g => h("div", { class: "card" }, h("h3", {}, t(g.key)),
      ...g.figures.map(([f, zh, en, drill]) => drill === false
        ? h("div", { class: "figure" }, label(zh, en), " ", h("b", { "data-figure": f }, valueOf(summary, f) ?? "—"))
        : h("a", { class: "figure", href: `#/ledger/${code}?figure=${f}&period=${period}`, "data-figure": f }, label(zh, en), h("b", {}, valueOf(summary, f)))))));
    status.replaceChildren(`${t("updated")} ${new Date().toLocaleTimeString()} · v${summary.version} `,
      ...(summary.reconciling ? [h("span", { class: "badge warn" }, t("reconciling"))] : []));
    if (unit.level !== "village") {
      const list = await api(`/units/${code}/summary/children?period=${period}&sort=${encodeURIComponent(sort)}`);
      children.replaceChildren(h("table", { id: "children-table" },
        h("thead", {}, h("tr", {}, h("th", {}, t("name")), ...ranking.map(([, zh, en]) => h("th", { class: "num" }, label(zh, en))))),
        h("tbody", {}, ...list.items.map(c => h("tr", { "data-unit": c.unit },
          h("td", {}, h("a", { href: `#/unit/${c.unit}?period=${period}` }, c.name ?? c.unit)),
          ...ranking.map(([f]) => h("td", { class: "num" }, f.endsWith("Percent") ? valueOf(c, f) ?? "—"
            : h("a", { href: `#/ledger/${c.unit}?figure=${f}&period=${period}` }, valueOf(c, f)))))))));
    }
  }
  await refresh();
  await showNotices(code, inbox);
  await drawChart(code, period, chart);
  // Live figures: the summary is re-read every few seconds while the page is open (docs/portal.md).
  poll = setInterval(() => refresh().catch(() => {}), POLL_MS);
}

/** The unit's open notices (催办), newest first, each marked read with one click. */
async function showNotices(code, into) {
  const list = await api(`/units/${code}/notices?limit=20`).catch(() => ({ items: [] }));
  into.replaceChildren(list.items.length === 0 ? h("p", { class: "muted" }, t("none"))
    : h("ul", {}, ...list.items.map(n => h("li", { "data-notice": n.id }, n.title, " ", h("span", { class: "muted" }, n.subjectName, n.dueOn ? ` · ${n.dueOn}` : ""), " ",
      h("button", { type: "button", class: "link", onclick: async () => {
        await api(`/units/${code}/notices/${n.id}/read`, { method: "POST", body: {} }).catch(fail);
        showNotices(code, into);
      } }, label("已阅", "Mark read"))))));
}

async function breadcrumbs(unit, into) {
  const chain = [];
  for (let u = unit; u; ) {
    chain.unshift(u);
    if (!u.parentCode || u.code === session.claims.unit) break;
    u = await api(`/units/${u.parentCode}`).catch(() => null);
  }
  into.replaceChildren(...chain.flatMap((u, i) => [i ? " › " : "", h("a", { href: `#/unit/${u.code}` }, u.name)]));
}

async function drawChart(code, period, into) {
  const end = period.includes("Q") ? thisMonth() : period;
  const [y, m] = end.split("-").map(Number);
  const start = new Date(Date.UTC(y, m - 12, 1)).toISOString().slice(0, 7);
  const series = await api(`/units/${code}/summary/series?from=${start}&to=${end}`);
  const labels = series.items.map(s => s.period);
  into.replaceChildren(lineChart(labels, [
    { values: series.items.map(s => valueOf(s, "cases.active")), cls: "line1" },
    { values: series.items.map(s => valueOf(s, "reports.missing")), cls: "line2" }]));
}

// ---- the ledger: the list with its filters, opened at a figure of the tree (drill-through) ----
async function ledgerPage(code, params) {
  const q = new URLSearchParams(params);
  q.set("limit", "100");
  const page = await api(`/units/${code}/cases?${q}`);
  const filters = h("form", { class: "toolbar", id: "filters", onsubmit: e => {
    e.preventDefault();
    const f = new URLSearchParams(new FormData(e.target));
    for (const [k, v] of [...f]) if (!v) f.delete(k);
    go(`#/ledger/${code}?${f}`);
  } },
    h("label", {}, t("status"), h("select", { name: "status" }, h("option", { value: "" }, "—"),
      ...["proposed", "reviewed", "open", "acceptanceRequested", "signedOff", "rejected"].map(s => h("option", { value: s, selected: params.get("status") === s }, t(`status.${s}`))))),
    h("label", {}, "C1..F4", h("input", { name: "criterion", size: 4, value: params.get("criterion") || "" })),
    h("label", {}, "L1..L4", h("input", { name: "laggingCategory", size: 4, value: params.get("laggingCategory") || "" })),
    h("label", {}, t("search"), h("input", { name: "q", value: params.get("q") || "" })),
    h("input", { type: "hidden", name: "figure", value: params.get("figure") || "" }),
    h("label", {}, t("period"), h("input", { name: "period", size: 8, value: params.get("period") || "" })),
    h("button", { class: "primary", type: "submit" }, t("apply")));
  const rows = h("tbody", {});
  const addRows = items => rows.append(...items.map(r => h("tr", { "data-code": r.code },
    h("td", {}, h("a", { href: `#/case/${r.code}` }, r.name), h("div", { class: "muted" }, r.code)),
    h("td", { class: "hide-narrow" }, [r.township?.name, r.banner?.name].filter(Boolean).join(" · ")),
    h("td", {}, t(`status.${r.status}`)), h("td", {}, r.criteria.join(" ")), h("td", { class: "num" }, r.problems.open),
    h("td", { class: "num" }, r.problems.overdue), h("td", {}, r.lastReport ? `${r.lastReport.month}${r.lastReport.onTime ? "" : " ⚠"}` : "—"),
    params.get("figure") ? h("td", { class: "num" }, r.figureValue) : null)));
  addRows(page.items);
  let next = page.nextCursor;
  const more = h("button", { type: "button", class: "link", hidden: !next, onclick: async () => {
    q.set("cursor", next);
    const p = await api(`/units/${code}/cases?${q}`);
    addRows(p.items);
    next = p.nextCursor;
    more.hidden = !next;
  } }, t("more"));
  const exportQuery = new URLSearchParams(params);
  main.replaceChildren(...[h("h1", {}, t("ledger"), " · ", h("a", { href: `#/unit/${code}` }, code)), filters,
    page.figure ? h("p", { id: "figure-total" }, `${t("figureOf")} ${page.figure.name} (${page.figure.period}): `, h("b", {}, page.figure.value)) : null,
    h("p", { class: "muted" }, `${t("total")} ${page.total}`, " · ",
      ...["csv", "xlsx"].map(fmt => h("button", { type: "button", class: "link", onclick: () => {
        exportQuery.set("format", fmt);
        download(`/units/${code}/cases?${exportQuery}`, `ledger.${fmt}`).catch(fail);
      } }, `${t(fmt === "csv" ? "exportCsv" : "exportXlsx")} `))),
    h("div", { class: "scroll" }, h("table", { id: "ledger" }, h("thead", {}, h("tr", {}, h("th", {}, t("name")), h("th", { class: "hide-narrow" }, ""), h("th", {}, t("status")),
      h("th", {}, "C"), h("th", { class: "num" }, t("problemsOpen")), h("th", { class: "num" }, t("overdue")), h("th", {}, t("reports")),
      params.get("figure") ? h("th", { class: "num" }, params.get("figure")) : null)), rows)), more].filter(x => x !== null));
}

// ---- a case: its whole story, and the commands the caller may take now as forms ----
async function casePage(code) {
  const c = await api(`/cases/${code}`);
  const history = await api(`/cases/${code}/history?limit=500`);
  const table = (heads, rows) => h("div", { class: "scroll" }, h("table", {}, h("thead", {}, h("tr", {}, ...heads.map(x => h("th", {}, x)))),
    h("tbody", {}, ...rows.map(r => h("tr", {}, ...r.map(x => h("td", {}, x ?? "—")))))));
  const a = c.assignment;
  main.replaceChildren(
    h("p", { class: "crumbs" }, h("a", { href: `#/unit/${code}` }, c.name)),
    h("h1", {}, c.name, " ", h("span", { class: "badge", id: "case-status" }, t(`status.${c.status}`)), " ", h("span", { class: "muted" }, `v${c.version}`)),
    h("p", {}, `${c.criteria.join(" ")} · ${c.categories.join(" ")}`),
    h("h2", {}, t("plan")), table(["#", t("problems"), label("情形", "Criterion"), label("措施", "Measures"), label("完成时限", "Deadline"), t("status")], c.plan.problems.map(p => [p.id, p.description, p.criterion, p.measures.join("；"), p.deadline, p.status])),
    h("h2", {}, t("fourOnes")), h("p", {}, a ? `${a.leader} · ${a.workingGroup} · ${a.helpingDepartment.name} (${a.helpingDepartment.type}) · ${a.firstSecretary.name} ${a.firstSecretary.dispatchedOn}` : t("none")),
    h("h2", {}, t("reports")), table([label("月份", "Month"), label("按时", "On time"), label("资金（元）", "Funds (yuan)"), label("党员/积极分子/后备", "Members/activists/cadres"), label("进展", "Narrative")], c.reports.map(r => [r.month, r.onTime ? "✓" : "⚠", r.figures.fundsYuan,
      `${r.figures.newMembers}/${r.figures.activists}/${r.figures.reserveCadres}`, r.figures.narrative])),
    h("h2", {}, t("evaluations")), table([label("季度", "Quarter"), label("得分", "Score"), label("类别", "Class"), label("星级", "Stars")], c.evaluations.map(e => [e.quarter, e.score, e.class, e.stars])),
    h("h2", {}, t("campaign")), table(["#", label("内容", "What"), label("日期", "When")], [
      ...c.pairings.map(p => [p.id, `${p.kind} ${p.partner}`, `${p.since}${p.endedOn ? " – " + p.endedOn : ""}`]),
      ...c.trainings.map(x => [x.id, `${x.person} ${x.topic}`, `${x.from} · ${x.days}d`]),
      ...c.secretaryActions.map(x => [x.id, `${x.kind} ${x.person ?? ""} ${x.newSecretary ?? ""}`, x.on]),
      ...c.accountability.map(x => [x.id, `${x.measure} ${x.person}`, x.on]),
      ...c.activityPlans.map(x => [x.month, x.activities.map(y => y.title).join("；"), x.onTime ? "✓" : "⚠"])]),
    h("h2", {}, t("history")), table([label("版本", "Version"), label("时间", "At"), label("办理人", "By"), label("事项", "Command"), label("内容", "Detail")], history.items.map(e => [e.version, e.at.slice(0, 16).replace("T", " "), e.by, e.command, e.detail])));
  // The commands this caller may take now: the case's allowedCommands narrowed to the caller's role and level.
  const mine = (c.callerCommands ?? c.allowedCommands).filter(n => commands[n]);
  main.querySelector("h2").before(h("h2", {}, t("commands")), h("div", { id: "commands" }, ...(mine.length ? mine.map(n => commandForm(n, c)) : [h("p", { class: "muted" }, t("none"))])));
}

function commandForm(name, theCase) {
  const spec = commands[name];
  const errorOf = {};
  const inputs = spec.fields.map(f => {
    let input;
    if (f.type === "select") input = h("select", { name: f.name }, ...f.options.map(o => h("option", { value: o }, o)));
    else if (f.type === "textarea") input = h("textarea", { name: f.name, rows: 2 });
    else if (f.type === "problem") input = h("select", { name: f.name }, ...theCase.plan.problems.filter(p => p.status === f.status).map(p => h("option", { value: p.id }, `${p.id} ${p.description}`)));
    else if (f.type === "pairing") input = h("select", { name: f.name }, ...theCase.pairings.filter(p => !p.endedOn).map(p => h("option", { value: p.id }, `${p.id} ${p.partner}`)));
    else input = h("input", { name: f.name, type: f.type === "list" ? "text" : f.type, step: f.step, value: f.value?.() });
    errorOf[f.name] = h("span", { class: "error", "data-error-for": f.name });
    return h("label", { class: f.type === "textarea" ? "wide" : null }, label(f.zh, f.en), input, errorOf[f.name]);
  });
  const outcome = h("span", { class: "error", role: "status" });
  const form = h("form", { class: "command", "data-command": name, onsubmit: async e => {
    e.preventDefault();
    Object.values(errorOf).forEach(x => { x.textContent = ""; });
    outcome.textContent = "";
    const values = Object.fromEntries(new FormData(form));
    const path = typeof spec.path === "function" ? spec.path(values) : spec.path;
    try {
      await api(`/cases/${theCase.code}/${path}`, { method: spec.method, body: bodyOf(name, values, theCase), headers: { "If-Match": `"${theCase.version}"` } });
      outcome.className = "ok";
      outcome.textContent = t("done");
      setTimeout(render, 300);
    } catch (err) {
      // Field errors go next to their field; the rest (409, 412, 403) under the form.
      const rest = [];
      for (const [field, messages] of Object.entries(err.problem?.errors || {})) {
        (errorOf[field] ?? errorOf[field.split("[")[0]]) ? ((errorOf[field] ?? errorOf[field.split("[")[0]]).textContent = messages.join(" ")) : rest.push(`${field}: ${messages.join(" ")}`);
      }
      outcome.className = "error";
      outcome.textContent = [err.problem?.errors ? "" : err.message, ...rest].filter(Boolean).join(" · ");
    }
  } }, ...inputs, h("div", { class: "actions" }, h("button", { class: "primary", type: "submit" }, t("submit")), outcome));
  return h("details", { class: "panel" }, h("summary", {}, label(spec.zh, spec.en)), form);
}

document.getElementById("lang").addEventListener("click", () => { toggleLang(); render(); });
document.getElementById("signout").addEventListener("click", () => { session.token = null; go("#/signin"); render(); });
window.addEventListener("hashchange", render);
render();
