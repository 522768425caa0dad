// The questionnaire results of the managers' page (web/survey-admin.html): a table per county and group,
// an SVG chart per county (S and 满意率 of each group and overall with their 95% intervals; the same figures
// as the API's PNG), and the open answers grouped by theme. Every text from the API is set as text.

import { dec, pct } from "/web/api.js";
import { el } from "/web/dom.js";

const GROUPS = [["official", "干部"], ["staff", "工作人员"], ["resident", "群众"], ["overall", "全部"]];
const COLOURS = { official: "#2b6cb0", staff: "#2f855a", resident: "#c05621", overall: "#4a5568" };
const SVG = "http://www.w3.org/2000/svg";

function svg(tag, attrs = {}, text = null) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== null) node.textContent = text;
  return node;
}

const interval = (ci, f) => (ci ? `（${f(ci[0])}–${f(ci[1])}）` : "");
const scoreOf = (u, g) => (g === "overall" ? u.overall : u.groups[g]);

/** One chart: two panels (S 0–100, 满意率 0–100%), a bar per group with answers, whiskers for the interval. */
function chart(u) {
  const shown = GROUPS.filter(([g]) => scoreOf(u, g).n > 0);
  const W = 640, H = 240, top = 30, bottom = 40, panel = W / 2, h = H - top - bottom;
  const root = svg("svg", { viewBox: `0 0 ${W} ${H}`, class: "chart", role: "img",
    "aria-label": `${u.unit_name}满意度指数与满意率` });
  const panels = [
    ["满意度指数 S", (s) => s.index, (s) => s.index_ci, 100, (v) => dec(v, 1)],
    ["满意率", (s) => (s.satisfied_rate === null ? null : s.satisfied_rate * 100),
      (s) => (s.satisfied_ci ? s.satisfied_ci.map((x) => x * 100) : null), 100, (v) => `${dec(v, 1)}%`],
  ];
  panels.forEach(([title, value, ci, max, fmt], p) => {
    const x0 = p * panel + 40, width = panel - 60, step = width / Math.max(shown.length, 1);
    const y = (v) => top + h - (v / max) * h;
    root.append(svg("text", { x: x0 + width / 2, y: 16, "text-anchor": "middle", "font-size": 13 }, title));
    root.append(svg("line", { x1: x0, y1: top + h, x2: x0 + width, y2: top + h, stroke: "#999" }));
    for (const t of [0, 50, 100]) {
      root.append(svg("text", { x: x0 - 6, y: y(t) + 4, "text-anchor": "end", "font-size": 10, fill: "#666" }, String(t)));
    }
    shown.forEach(([g, label], i) => {
      const s = scoreOf(u, g), v = value(s), c = ci(s), cx = x0 + step * (i + 0.5);
      if (v !== null) {
        root.append(svg("rect", { x: cx - step * 0.3, y: y(v), width: step * 0.6, height: top + h - y(v),
          fill: COLOURS[g], class: `bar ${g}` }));
        if (c) {
          root.append(svg("line", { x1: cx, x2: cx, y1: y(c[0]), y2: y(c[1]), stroke: "#1a202c" }));
          for (const e of c) root.append(svg("line", { x1: cx - 5, x2: cx + 5, y1: y(e), y2: y(e), stroke: "#1a202c" }));
        }
        root.append(svg("text", { x: cx, y: y(c ? c[1] : v) - 4, "text-anchor": "middle", "font-size": 10 }, fmt(v)));
      }
      root.append(svg("text", { x: cx, y: top + h + 15, "text-anchor": "middle", "font-size": 11 }, label));
      root.append(svg("text", { x: cx, y: top + h + 29, "text-anchor": "middle", "font-size": 10, fill: "#666" }, `n=${s.n}`));
    });
  });
  return root;
}

function themes(u) {
  if (!u.open_answers.length) return el("p", { className: "hint", text: "暂无开放性问题的回答。" });
  return el("div", { className: "themes" },
    ...u.open_answers.flatMap((g) => [
      el("h4", { text: `${g.theme}（${g.answers.length}）` }),
      el("ul", {}, ...g.answers.map((a) => el("li", { className: "open-answer", text: a }))),
    ]));
}

/** Fill the results table and the county cards from the API's results (a list of SurveyResult). */
export function showResults(results, year) {
  document.getElementById("results-year").textContent = `${year} 年`;
  document.getElementById("results-empty").hidden = results.length > 0;
  const body = document.querySelector("#results-table tbody");
  body.replaceChildren();
  const cards = document.getElementById("charts");
  cards.replaceChildren();
  for (const u of results) {
    for (const [g, label] of GROUPS) {
      const s = scoreOf(u, g);
      if (!s.n && g !== "overall") continue;
      body.append(el("tr", { dataset: { unit: u.unit_code, group: g } },
        el("td", { text: u.unit_name }), el("td", { text: label }), el("td", { text: String(s.n) }),
        el("td", { className: "index", text: `${dec(s.index, 1)}${interval(s.index_ci, (v) => dec(v, 1))}` }),
        el("td", { className: "rate", text: `${pct(s.satisfied_rate)}${interval(s.satisfied_ci, (v) => pct(v))}` })));
    }
    const png = `/api/v1/evaluation/survey/results/${encodeURIComponent(u.unit_code)}/chart.png?year=${year}`;
    cards.append(el("article", { className: "unit-card", dataset: { unit: u.unit_code } },
      el("h3", {}, u.unit_name, u.synthetic ? el("span", { className: "synthetic-tag", text: "合成数据" }) : null),
      chart(u),
      el("p", { className: "hint" }, el("a", { href: png, text: "下载图表（PNG）" })),
      el("h4", { text: "开放性问题（按主题归类）" }),
      themes(u)));
  }
}
