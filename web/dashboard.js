// The leaders' dashboard (/evaluation): the drawn county units on a map coloured by one key figure, and
// sortable tables per city and per county with the estimates' intervals and n. Everything comes from
// /api/v1/evaluation/figures(.geojson), already limited to the caller's scope; data is always set as text
// (el(), textContent, tooltips built as elements), never parsed as HTML.
import { dec, getJson, me, num, pct } from "/web/api.js";
import { el, say, showUser } from "/web/dom.js";

const API = "/api/v1/evaluation";
const RAMP_BAD = ["#fff5d6", "#fdd38a", "#fc9c4f", "#e8552f", "#b3161b"];
const RAMP_GOOD = ["#f2f0c9", "#c2e19a", "#7fc47a", "#36a152", "#00673a"];
const NO_DATA = "#d9d9d9";
// The figures the map may be coloured by: key in the GeoJSON properties, kind (share 0–1, score 0–100,
// count), whether more is better.
const FIGURES = [
  { key: "paper_rectification_share", label: "数字整治率", kind: "share", good: false },
  { key: "accurate_share", label: "检查记录准确率", kind: "share", good: true },
  { key: "notices_overdue", label: "逾期整改通知", kind: "count", good: false },
  { key: "review_total", label: "资料查阅得分", kind: "score", good: true },
  { key: "satisfaction_index", label: "满意度指数", kind: "score", good: true },
];
const state = { figure: FIGURES[0].key, data: null, units: null, cities: null, layer: null, map: null,
  sort: { city: { key: "name", dir: 1 }, unit: { key: "city", dir: 1 } }, colours: {} };
window.spotcheckDashboard = state; // what the browser tests read

const $ = (id) => document.getElementById(id);
const figureOf = (key) => FIGURES.find((f) => f.key === key);
const missing = (v) => v === null || v === undefined;

// ---- the map ------------------------------------------------------------------------------------------

function classes(figure, values) {
  // Fixed fifths for shares (0–1) and scores (0–100); for counts 0, then up to four equal steps to the maximum.
  const ramp = figure.good ? RAMP_GOOD : RAMP_BAD;
  if (figure.kind !== "count") {
    const top = figure.kind === "share" ? 1 : 100;
    const show = (v) => (figure.kind === "share" ? pct(v, 0) : String(v));
    return ramp.map((colour, i) => ({ colour, low: (i * top) / 5, high: ((i + 1) * top) / 5,
      label: `${show((i * top) / 5)} – ${show(((i + 1) * top) / 5)}` }));
  }
  const max = Math.max(0, ...values.filter((v) => !missing(v)));
  const out = [{ colour: ramp[0], low: 0, high: 0, label: "0" }];
  const step = Math.max(1, Math.ceil(max / 4));
  for (let i = 0, low = 1; low <= max; i += 1, low += step) {
    const high = Math.min(max, low + step - 1);
    out.push({ colour: ramp[Math.min(ramp.length - 1, i + 1)], low, high, label: low === high ? `${low}` : `${low} – ${high}` });
  }
  return out;
}

function colourOf(cls, figure, v) {
  if (missing(v)) return NO_DATA;
  const hit = cls.find((c, i) => (figure.kind === "count" ? v >= c.low && v <= c.high : v >= c.low && (v < c.high || i === cls.length - 1)));
  return (hit || cls[cls.length - 1]).colour;
}

function show(figure, v) {
  if (missing(v)) return "暂无";
  if (figure.kind === "share") return pct(v);
  if (figure.kind === "score") return dec(v, 1);
  return num(v);
}

function recolour() {
  const figure = figureOf(state.figure);
  const values = state.units.features.map((f) => f.properties[figure.key]);
  const cls = classes(figure, values);
  state.colours = {};
  state.layer.eachLayer((layer) => {
    const p = layer.feature.properties;
    const colour = colourOf(cls, figure, p[figure.key]);
    state.colours[p.code] = colour;
    layer.setStyle({ fillColor: colour });
    layer.setTooltipContent(tip(p, figure));
  });
  const legend = $("legend");
  legend.replaceChildren(el("h3", { text: figure.label }),
    ...cls.map((c) => el("div", { className: "legend-row" }, el("span", { className: "swatch", style: `background:${c.colour}` }), c.label)),
    el("div", { className: "legend-row" }, el("span", { className: "swatch", style: `background:${NO_DATA}` }), "暂无数据"));
  legend.dataset.figure = figure.key;
  document.body.dataset.figure = figure.key;
}

function tip(p, figure) {
  const n = p[`${figure.key}_n`];
  return el("div", { className: "unit-tip" }, el("b", { text: `${p.name}（${p.city_name}）` }),
    `${figure.label}：${show(figure, p[figure.key])}`, figure.kind === "share" && !missing(n) ? `（n=${n}）` : "");
}

function drawMap() {
  const map = L.map("map", { zoomSnap: 0.25, attributionControl: false });
  state.map = map;
  const cities = L.geoJSON(state.cities, { interactive: false, style: { color: "#5b6670", weight: 1, fill: false, dashArray: "4 3" } });
  cities.addTo(map);
  state.layer = L.geoJSON(state.units, {
    style: { color: "#1f2933", weight: 1.2, fillOpacity: 0.85, fillColor: NO_DATA },
    onEachFeature: (feature, layer) => {
      layer.bindTooltip(el("span"), { sticky: true });
      layer.on("click", () => highlight(feature.properties.code));
    },
  }).addTo(map);
  const bounds = state.layer.getBounds();
  if (bounds.isValid()) map.fitBounds(bounds, { padding: [16, 16] });
  else map.setView([37.5, 102.5], 5);
}

function highlight(code) {
  for (const row of document.querySelectorAll("#unit-table tbody tr")) row.classList.toggle("selected", row.dataset.code === code);
  const row = document.querySelector(`#unit-table tbody tr[data-code="${CSS.escape(code)}"]`);
  if (row) row.scrollIntoView({ block: "nearest" });
}

// ---- the tables ---------------------------------------------------------------------------------------

const estimate = (e, kind = "share") => {
  if (!e || missing(e.value)) return [el("span", { text: "—" }), e && e.n ? el("span", { className: "ci", text: `n=${e.n}` }) : null];
  const fmt = kind === "share" ? (v) => pct(v) : (v) => dec(v, 2);
  const ci = e.ci ? `[${fmt(e.ci[0])}, ${fmt(e.ci[1])}]` : "";
  return [el("span", { text: fmt(e.value) }), el("span", { className: "ci", text: `${ci} n=${e.n}` })];
};
const estValue = (e) => (e && !missing(e.value) ? e.value : null);

// Columns: header, sort value, cell content (an array of nodes or text), right-aligned.
const COMMON = [
  { key: "drawn", head: "抽样户数", value: (r) => r.drawn, cell: (r) => num(r.drawn), num: true },
  { key: "inspected", head: "已检查", value: (r) => r.inspected, cell: (r) => num(r.inspected), num: true },
  { key: "approved", head: "审核通过", value: (r) => r.approved, cell: (r) => num(r.approved), num: true },
  { key: "accurate_share", head: "检查记录准确率", value: (r) => estValue(r.accurate_share), cell: (r) => estimate(r.accurate_share) },
  { key: "hazard_correct_share", head: "隐患判定准确率", value: (r) => estValue(r.hazard_correct_share), cell: (r) => estimate(r.hazard_correct_share) },
  { key: "paper_rectification_share", head: "数字整治率", value: (r) => estValue(r.paper_rectification_share), cell: (r) => estimate(r.paper_rectification_share) },
  { key: "missed_per_house", head: "户均漏排", value: (r) => estValue(r.missed_per_house), cell: (r) => estimate(r.missed_per_house, "mean") },
  { key: "collapse_risk", head: "倒塌风险", value: (r) => r.collapse_risk, cell: (r) => num(r.collapse_risk), num: true, bad: (r) => r.collapse_risk > 0 },
  { key: "notices_issued", head: "整改通知", value: (r) => r.notices_issued, cell: (r) => num(r.notices_issued), num: true },
  { key: "notices_open", head: "未销号", value: (r) => r.notices_open, cell: (r) => num(r.notices_open), num: true },
  { key: "notices_overdue", head: "逾期", value: (r) => r.notices_overdue, cell: (r) => num(r.notices_overdue), num: true, bad: (r) => r.notices_overdue > 0 },
  { key: "review_total", head: "资料查阅得分", value: (r) => r.review_total, cell: (r) => (missing(r.review_total) ? "—" : dec(r.review_total, 1)), num: true },
  { key: "satisfaction_index", head: "满意度指数", value: (r) => r.satisfaction_index,
    cell: (r) => [missing(r.satisfaction_index) ? "—" : dec(r.satisfaction_index, 1),
      r.satisfaction_ci ? el("span", { className: "ci", text: `[${dec(r.satisfaction_ci[0], 1)}, ${dec(r.satisfaction_ci[1], 1)}]` }) : null,
      r.satisfaction_n ? el("span", { className: "ci", text: `n=${r.satisfaction_n}` }) : null] },
  { key: "satisfied_rate", head: "满意率", value: (r) => r.satisfied_rate, cell: (r) => pct(r.satisfied_rate), num: true },
];
const TABLES = {
  city: { id: "city-table", rows: () => state.data.cities, code: (r) => r.city_code, columns: [
    { key: "name", head: "市州", value: (r) => r.city_name, cell: (r) => r.city_name },
    { key: "units", head: "抽中县区", value: (r) => r.units, cell: (r) => num(r.units), num: true },
    ...COMMON] },
  unit: { id: "unit-table", rows: () => state.data.units, code: (r) => r.unit_code, columns: [
    { key: "name", head: "县区", value: (r) => r.unit_name, cell: (r) => r.unit_name },
    { key: "city", head: "市州", value: (r) => `${r.city_code}${r.unit_code}`, cell: (r) => r.city_name },
    { key: "group", head: "组别 / 评估单位", value: (r) => r.group || "", cell: (r) => [r.group || "—", r.firm ? el("span", { className: "ci", text: r.firm }) : null] },
    ...COMMON] },
};

function compare(a, b) {
  if (missing(a) && missing(b)) return 0;
  if (missing(a)) return 1; // no data last, whichever the direction
  if (missing(b)) return -1;
  return typeof a === "string" ? a.localeCompare(b, "zh-CN") : a - b;
}

function drawTable(which) {
  const t = TABLES[which];
  const sort = state.sort[which];
  const table = $(t.id);
  table.tHead.replaceChildren(el("tr", {}, ...t.columns.map((c) => {
    const th = el("th", { text: c.head, scope: "col", dataset: { key: c.key }, tabIndex: 0 });
    th.setAttribute("aria-sort", c.key === sort.key ? (sort.dir > 0 ? "ascending" : "descending") : "none");
    const go = () => {
      state.sort[which] = { key: c.key, dir: sort.key === c.key ? -sort.dir : 1 };
      drawTable(which);
    };
    th.addEventListener("click", go);
    th.addEventListener("keydown", (e) => { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); go(); } });
    return th;
  })));
  const column = t.columns.find((c) => c.key === sort.key);
  const rows = [...t.rows()].sort((a, b) => {
    const va = column.value(a), vb = column.value(b);
    if (missing(va) || missing(vb)) return compare(va, vb);
    return sort.dir * compare(va, vb);
  });
  table.tBodies[0].replaceChildren(...rows.map((r) => el("tr", { dataset: { code: t.code(r) }, className: r.partial ? "partial" : "" },
    ...t.columns.map((c) => {
      const content = c.cell(r);
      return el("td", { className: [c.num ? "num" : "", c.bad && c.bad(r) ? "bad" : ""].join(" ").trim(), dataset: { key: c.key } },
        ...(Array.isArray(content) ? content : [content]));
    }))));
  const total = which === "city" ? state.data.total : null; // the scope's total, under the cities, unsorted
  table.createTFoot().replaceChildren(...(total ? [el("tr", { className: "total", dataset: { code: total.city_code } },
    ...t.columns.map((c) => {
      const content = c.cell(total);
      return el("td", { className: c.num ? "num" : "", dataset: { key: c.key } }, ...(Array.isArray(content) ? content : [content]));
    }))] : []));
}

// ---- the page -----------------------------------------------------------------------------------------

function choices() {
  $("figure-choice").replaceChildren(...FIGURES.map((f) => {
    const input = el("input", { type: "radio", name: "figure", value: f.key, checked: f.key === state.figure });
    input.addEventListener("change", () => { state.figure = f.key; recolour(); });
    return el("label", {}, input, f.label);
  }));
}

async function load() {
  const year = new URLSearchParams(location.search).get("year");
  const q = year && /^[0-9]{4}$/.test(year) ? `&year=${year}` : "";
  const [who, data, units, cities] = await Promise.all([me(), getJson(`${API}/figures?level=all${q}`),
    getJson(`${API}/figures.geojson?level=county${q}`), getJson(`${API}/figures.geojson?level=city${q}`)]);
  showUser(who);
  Object.assign(state, { data, units, cities });
  $("synthetic-banner").hidden = !data.synthetic;
  $("about").textContent = data.draw_id
    ? `${data.year} 年度抽样（编号 ${data.draw_id}），范围：${data.scope}；逾期按 ${data.today}（北京时间）计算。${data.note || ""}`
    : data.note || "尚无已发布的抽样。";
  $("cities-count").textContent = `（${data.cities.length}）`;
  $("units-count").textContent = `（${data.units.length}）`;
  $("content").hidden = false;
  choices();
  drawMap();
  recolour();
  drawTable("city");
  drawTable("unit");
  document.body.dataset.state = "ready";
}

load().catch((e) => {
  say($("message"), e.message || String(e));
  document.body.dataset.state = "error";
});
