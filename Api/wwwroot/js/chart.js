// Two series over the last twelve months as an SVG line chart. Written here rather than taken from a
// charting library: it is forty lines, and the portal serves every script itself (no CDN).
const NS = "http://www.w3.org/2000/svg";

function el(name, attrs, text) {
  const e = document.createElementNS(NS, name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

/** labels: x labels; series: [{values, cls}]. */
export function lineChart(labels, series) {
  const w = 600, h = 200, left = 36, bottom = 22, top = 10, right = 10;
  const max = Math.max(1, ...series.flatMap(s => s.values));
  const x = i => left + (labels.length === 1 ? 0 : i * (w - left - right) / (labels.length - 1));
  const y = v => top + (h - top - bottom) * (1 - v / max);
  const svg = el("svg", { viewBox: `0 0 ${w} ${h}`, role: "img" });
  for (const f of [0, 0.5, 1]) {
    const v = Math.round(max * f);
    svg.append(el("line", { x1: left, x2: w - right, y1: y(v), y2: y(v), stroke: "#e5e8ee" }));
    svg.append(el("text", { x: 2, y: y(v) + 3 }, String(v)));
  }
  labels.forEach((l, i) => svg.append(el("text", { x: x(i) - 14, y: h - 6 }, l.slice(2))));
  for (const s of series) {
    svg.append(el("polyline", { class: s.cls, points: s.values.map((v, i) => `${x(i)},${y(v)}`).join(" ") }));
  }
  return svg;
}
