// The planners' coverage view of a draw: one unit's frame, sample, replacements and townships on a map,
// with the coverage figures and the Chinese verdict computed by the server (/api/v1/draws/{id}/coverage).
// A second draw (?compare=ID) is shown beside the first, the two maps moving together. This file only draws.
import { dec, esc, getJson, num, pct } from "/web/api.js";
import { addInspectionsToPane } from "/web/inspection-layer.js";

const COLORS = { frame: "#7b8794", replacement: "#1f5fa8", link: "#52606d" };
const TOWN_STYLE = {
  covered: { fillColor: "#9ed39a", fillOpacity: 0.55 },
  uncovered: { fillColor: "#f6b38e", fillOpacity: 0.55 },
  empty: { fillColor: "#eeeeee", fillOpacity: 0.4 },
};
const REPLICATES = 50;

const params = new URLSearchParams(window.location.search);
const state = { draws: [], drawId: null, compareId: null, unit: null, maps: [], syncing: false };
window.spotcheckCoverage = state;

function showMessage(text) {
  const el = document.getElementById("message");
  el.hidden = !text;
  el.textContent = text || "";
}

function drawLabel(d) {
  const published = d.published_at ? "已发布" : "未发布";
  return `抽样 #${d.id} · ${d.plan_name}（${published}）`;
}

// ---- selectors -----------------------------------------------------------------------------------------

function fillDrawSelects() {
  const main = document.getElementById("draw-select");
  const compare = document.getElementById("compare-select");
  main.replaceChildren();
  for (const d of state.draws) {
    main.add(new Option(drawLabel(d), d.id));
    compare.add(new Option(drawLabel(d), d.id));
  }
  main.value = state.drawId;
  compare.value = state.compareId || "";
  main.addEventListener("change", () => { state.drawId = Number(main.value); state.unit = null; reload(); });
  compare.addEventListener("change", () => { state.compareId = compare.value ? Number(compare.value) : null; reload(); });
  document.getElementById("unit-select").addEventListener("change", (e) => { state.unit = e.target.value; reload(); });
}

function fillUnitSelect(draw) {
  const select = document.getElementById("unit-select");
  select.replaceChildren();
  for (const u of draw.units) {
    const drawn = u.houses_drawn ?? u.houses_requested;
    select.add(new Option(`${u.city_name} · ${u.unit_name}（${num(drawn)} 户）`, u.unit_code));
  }
  if (!state.unit || !draw.units.some((u) => u.unit_code === state.unit)) state.unit = draw.units[0]?.unit_code || null;
  select.value = state.unit || "";
}

function syncUrl() {
  const q = new URLSearchParams();
  q.set("draw", state.drawId);
  if (state.compareId) q.set("compare", state.compareId);
  if (state.unit) q.set("unit", state.unit);
  history.replaceState(null, "", `${location.pathname}?${q}`);
}

// ---- one pane: a draw's unit on a map, its figures and replacement list ---------------------------------

function newPane(drawId) {
  const node = document.getElementById("pane-template").content.firstElementChild.cloneNode(true);
  node.dataset.draw = drawId;
  document.getElementById("panes").appendChild(node);
  const map = L.map(node.querySelector(".unit-map"), { zoomSnap: 0.5, maxZoom: 18 });
  map.attributionControl.setPrefix("Leaflet");
  L.control.scale({ imperial: false }).addTo(map);
  return { node, map };
}

function townStyle(p) {
  const kind = p.covered ? "covered" : p.frame_count > 0 ? "uncovered" : "empty";
  return { color: "#5b6670", weight: 1, opacity: 0.8, dashArray: p.approximate ? "4 3" : null, ...TOWN_STYLE[kind] };
}

function samplePin(p) {
  const classes = ["sample-pin", p.commercial ? "commercial" : "", p.replaced_by ? "replaced" : ""].join(" ");
  return L.divIcon({ className: "", html: `<span class="${classes}" data-house="${p.house_id}">${p.position}</span>`, iconSize: [22, 22], iconAnchor: [11, 11] });
}

function renderUnitMap(pane, unitMap) {
  const { map } = pane;
  const towns = Object.fromEntries(unitMap.townships.features.map((f) => [f.properties.code, f.properties]));
  const townName = (code) => towns[code]?.name || code || "—";
  const byId = Object.fromEntries(unitMap.frame.features.map((f) => [f.properties.house_id, f]));
  const latlng = (f) => [f.geometry.coordinates[1], f.geometry.coordinates[0]];

  const townLayer = L.geoJSON(unitMap.townships, {
    style: (f) => townStyle(f.properties),
    onEachFeature: (f, layer) => {
      const p = f.properties;
      layer.bindTooltip(
        `<b>${esc(p.name)}</b>${p.synthetic ? "（合成边界）" : ""}<br>隐患房屋（抽样总体）${num(p.frame_count)} 户<br>样本 ${num(p.sample_count)} 户 · ${p.covered ? "已覆盖" : "未覆盖"}`,
        { sticky: true },
      );
    },
  }).addTo(map);

  const frameLayer = L.layerGroup().addTo(map);
  const replacementLayer = L.layerGroup().addTo(map);
  const sampleLayer = L.layerGroup().addTo(map);
  const renderer = L.canvas({ padding: 0.2 });
  for (const f of unitMap.frame.features) {
    const p = f.properties;
    if (p.role === "frame") {
      L.circleMarker(latlng(f), { renderer, radius: 2.5, stroke: false, fillColor: COLORS.frame, fillOpacity: 0.7, interactive: false }).addTo(frameLayer);
    } else if (p.role === "replacement") {
      L.circleMarker(latlng(f), { radius: 6, fill: false, color: COLORS.replacement, weight: 2, className: "replacement-marker" })
        .bindTooltip(`备选第 ${p.position} 位 · ${esc(p.survey_code)}<br>${esc(townName(p.township_code))}`)
        .addTo(replacementLayer);
    }
  }
  for (const f of unitMap.frame.features) {
    const p = f.properties;
    if (p.role !== "sample") continue;
    const marker = L.marker(latlng(f), { icon: samplePin(p), zIndexOffset: 1000 - p.position, title: p.survey_code });
    let text = `<div class="popup"><h3>样本第 ${p.position} 号</h3><table class="kv">
      <tr><th>调查编码</th><td>${esc(p.survey_code)}</td></tr>
      <tr><th>乡镇</th><td>${esc(townName(p.township_code))}</td></tr>
      <tr><th>经营性</th><td>${p.commercial ? "是" : "否"}</td></tr>
      <tr><th>入样概率</th><td>${dec(p.inclusion_probability, 4)}</td></tr>`;
    if (p.replaced_by) {
      const r = byId[p.replaced_by];
      text += `<tr><th>已替换为</th><td>${esc(r ? r.properties.survey_code : p.replaced_by)}</td></tr>`;
      if (r) L.polyline([latlng(f), latlng(r)], { color: COLORS.link, weight: 1.5, dashArray: "4 4", interactive: false }).addTo(sampleLayer);
    }
    marker.bindPopup(text + "</table></div>").addTo(sampleLayer);
  }

  const towns_ = townLayer.getBounds();
  const all = L.latLngBounds(unitMap.frame.features.map(latlng));
  pane.bounds = towns_.isValid() ? towns_ : all.isValid() ? all : null;
  fitPane(pane);

  renderReplacementTable(pane, unitMap, townName, byId);
  const counts = { sample: 0, replacement: 0, frame: 0 };
  for (const f of unitMap.frame.features) counts[f.properties.role] += 1;
  return counts;
}

function fitPane(pane) {
  pane.map.invalidateSize();
  if (pane.bounds) pane.map.fitBounds(pane.bounds, { padding: [12, 12], animate: false });
  else pane.map.setView([36.06, 103.83], 8, { animate: false });
}

function renderReplacementTable(pane, unitMap, townName, byId) {
  const replacedBy = {};
  for (const f of unitMap.frame.features) {
    if (f.properties.replaced_by) replacedBy[f.properties.replaced_by] = f.properties;
  }
  const body = pane.node.querySelector(".replacements tbody");
  body.replaceChildren();
  const rows = unitMap.frame.features.filter((f) => f.properties.role === "replacement");
  for (const f of rows) {
    const p = f.properties;
    const used = replacedBy[p.house_id];
    const tr = document.createElement("tr");
    if (used) tr.className = "used";
    const cells = [
      p.position, p.survey_code, townName(p.township_code), p.commercial ? "是" : "否", dec(p.inclusion_probability, 4),
      used ? `已启用：替换第 ${used.position} 号样本（${used.survey_code}）` : "备用",
    ];
    for (const v of cells) {
      const td = document.createElement("td");
      td.textContent = v;
      tr.appendChild(td);
    }
    body.appendChild(tr);
  }
  if (!rows.length) {
    const tr = document.createElement("tr");
    const td = document.createElement("td");
    td.colSpan = 6;
    td.textContent = "该单元没有备选房屋。";
    tr.appendChild(td);
    body.appendChild(tr);
  }
}

function renderVerdict(pane, unitReport, overall) {
  const box = pane.node.querySelector(".verdict");
  const text = box.querySelector(".verdict-text");
  const dl = box.querySelector(".balance");
  dl.replaceChildren();
  pane.node.querySelector(".overall").textContent = overall?.summary_zh ? `全部单元：${overall.summary_zh}` : "";
  if (!unitReport) {
    text.textContent = "该单元没有覆盖评估结果。";
    return;
  }
  box.dataset.level = unitReport.verdict_level;
  text.textContent = unitReport.verdict_zh;
  const items = [
    ["样本量 / 抽样总体", `${num(unitReport.sample_size)} / ${num(unitReport.frame_size)} 户`],
    ["覆盖乡镇（街道）", `${num(unitReport.townships_covered)} / ${num(unitReport.townships_with_hazard)} 个有隐患房屋的乡镇`],
    ["空间均衡度（越小越均衡）", dec(unitReport.balance)],
    ["简单随机抽样参照", `均值 ${dec(unitReport.srs_balance_mean)}（5%–95%：${dec(unitReport.srs_balance_p05)}–${dec(unitReport.srs_balance_p95)}）`],
    ["优于简单随机样本", pct(unitReport.balance_percentile, 0)],
  ];
  for (const [k, v] of items) {
    const div = document.createElement("div");
    const dt = document.createElement("dt");
    dt.textContent = k;
    const dd = document.createElement("dd");
    dd.textContent = v;
    div.append(dt, dd);
    dl.appendChild(div);
  }
}

async function loadPane(drawId) {
  const pane = newPane(drawId);
  state.maps.push(pane.map);
  const draw = drawId === state.drawId ? state.primary : await getJson(`/api/v1/draws/${drawId}`);
  const unit = draw.units.find((u) => u.unit_code === state.unit);
  const title = pane.node.querySelector(".pane-title");
  title.textContent = `${drawLabel(state.draws.find((d) => d.id === drawId) || { id: drawId, plan_name: "" })}`;
  pane.node.querySelector(".pane-sub").textContent =
    `随机种子：${draw.seed} · 总体摘要 ${draw.frame_digest ? draw.frame_digest.slice(0, 12) + "…" : "—"}` +
    (unit ? ` · ${unit.city_name}${unit.unit_name}${unit.group_name ? " · " + unit.group_name : ""}${unit.firm ? "（" + unit.firm + "）" : ""}` : "");
  if (!unit) {
    pane.node.querySelector(".verdict-text").textContent = "该抽样未抽中此单元，无法对比。";
    pane.map.setView([36.06, 103.83], 8);
    pane.node.dataset.state = "absent";
    return pane;
  }
  const unitMap = await getJson(`/api/v1/draws/${drawId}/units/${encodeURIComponent(state.unit)}/map`);
  const counts = renderUnitMap(pane, unitMap);
  if (draw.published_at) addInspectionsToPane(pane.map, drawId, state.unit, pane.node); // inspected houses by result
  Object.assign(pane.node.dataset, { samples: counts.sample, replacements: counts.replacement, frame: counts.frame, state: "ready" });
  getJson(`/api/v1/draws/${drawId}/coverage?replicates=${REPLICATES}`)
    .then((report) => {
      renderVerdict(pane, report.units.find((u) => u.unit_code === state.unit), report.overall);
      pane.node.dataset.coverage = "ready";
    })
    .catch((err) => {
      pane.node.querySelector(".verdict-text").textContent = `覆盖评估不可用：${err.message}`;
      pane.node.dataset.coverage = "error";
    });
  return pane;
}

function synchronize(maps) {
  for (const a of maps) {
    a.on("move", () => {
      if (state.syncing) return;
      state.syncing = true;
      for (const b of maps) if (b !== a) b.setView(a.getCenter(), a.getZoom(), { animate: false });
      state.syncing = false;
    });
  }
}

async function reload() {
  document.body.dataset.state = "loading";
  showMessage("");
  for (const m of state.maps) m.remove();
  state.maps = [];
  document.getElementById("panes").replaceChildren();
  state.primary = await getJson(`/api/v1/draws/${state.drawId}`);
  fillUnitSelect(state.primary);
  syncUrl();
  if (!state.unit) {
    showMessage("该抽样尚未抽取县区单元。");
    document.body.dataset.state = "ready";
    return;
  }
  const ids = [state.drawId, ...(state.compareId && state.compareId !== state.drawId ? [state.compareId] : [])];
  document.getElementById("panes").classList.toggle("two", ids.length > 1);
  const panes = [];
  for (const id of ids) panes.push(await loadPane(id));
  for (const p of panes) fitPane(p); // the page's final layout is known now
  if (panes.length > 1) {
    const first = panes[0].map;
    for (const p of panes.slice(1)) p.map.setView(first.getCenter(), first.getZoom(), { animate: false });
    synchronize(panes.map((p) => p.map));
  }
  document.body.dataset.state = "ready";
}

async function start() {
  const [draws, config] = await Promise.all([getJson("/api/v1/draws"), getJson("/api/v1/map/config")]);
  state.draws = draws;
  document.getElementById("synthetic-banner").hidden = !config.synthetic_frame;
  document.getElementById("print-button").addEventListener("click", () => window.print());
  if (!draws.length) {
    showMessage("尚无抽样。请先在接口或命令行中创建抽样方案并抽取县区与房屋。");
    document.body.dataset.state = "ready";
    return;
  }
  state.drawId = Number(params.get("draw")) || draws[0].id;
  state.compareId = Number(params.get("compare")) || null;
  state.unit = params.get("unit");
  fillDrawSelects();
  await reload();
}

start().catch((err) => {
  showMessage(`加载失败：${err.message}`);
  document.body.dataset.state = "error";
});
