// Inspected houses on a Leaflet map, coloured by result (the leaders' map and the coverage view). The houses,
// their result class, its Chinese label and colour, and the counts come from the service
// (/api/v1/maps/inspections.geojson); this module only draws them, a legend and a popup per house.
import { esc, getJson, num } from "/web/api.js";
import { el } from "/web/dom.js";

const OUTLINE = "#1f2933"; // a dark ring tells inspected houses from the hazard map's own points

/**
 * Load and show the inspected houses of a published draw (default: the newest) on `map`, the legend in
 * `legendBox` (an element this module fills). Options: `drawId`, `unit` (one unit only), `pane`.
 * Resolves to `{ layer, data }`, or `{ layer: null, data: null, error }` when the draw has none to show
 * (unpublished, out of scope): the legend then says why.
 */
export async function showInspections(map, legendBox, { drawId = null, unit = null, pane = undefined } = {}) {
  const q = new URLSearchParams();
  if (drawId) q.set("draw_id", drawId);
  if (unit) q.set("unit", unit);
  legendBox.dataset.state = "loading";
  let data;
  try {
    data = await getJson(`/api/v1/maps/inspections.geojson${q.toString() ? `?${q}` : ""}`);
  } catch (err) {
    legendBox.replaceChildren(heading(), note(err.status === 404 ? "该抽样尚未发布，暂无入户检查结果。" : `入户检查结果不可用：${err.message}`));
    legendBox.dataset.state = "error";
    return { layer: null, data: null, error: err };
  }
  const colours = Object.fromEntries(data.classes.map((c) => [c.code, c.colour]));
  if (pane && !map.getPane(pane)) map.createPane(pane).style.zIndex = 445; // above house tiles, below sites
  const renderer = L.svg(pane ? { pane } : {});
  const layer = L.geoJSON(data, {
    pointToLayer: (f, latlng) => L.circleMarker(latlng, {
      renderer, pane, radius: 6, weight: 1.5, color: OUTLINE, fillColor: colours[f.properties.result] || "#777777",
      fillOpacity: 0.95, className: `inspection-marker result-${f.properties.result}`,
    }),
    onEachFeature: (f, l) => l.bindPopup(popup(f.properties), { maxWidth: 320 }),
  }).addTo(map);
  renderLegend(legendBox, data, map, layer);
  legendBox.dataset.state = "ready";
  legendBox.dataset.total = data.total;
  return { layer, data };
}

const heading = () => el("h3", { text: "入户检查结果" });
const note = (text) => el("div", { className: "legend-row note", text });

function renderLegend(box, data, map, layer) {
  const rows = data.classes.map((c) => el("div", { className: "legend-row", dataset: { result: c.code } },
    el("span", { className: "dot", style: `background:${c.colour};border:1.5px solid ${OUTLINE}` }), c.label,
    el("b", { className: "count", text: ` ${num(c.count)}` })));
  const shown = el("input", { type: "checkbox", checked: true });
  shown.addEventListener("change", () => (shown.checked ? layer.addTo(map) : layer.remove()));
  const toggle = el("label", { className: "legend-row no-print" }, shown, ` 显示（共 ${num(data.total)} 户）`);
  const notes = [note("已提交和审核通过的检查；倒塌风险“已管控”指检查表中已采取管控措施。")];
  if (data.synthetic) notes.push(note("入户检查为合成演示数据，非真实检查结果"));
  box.replaceChildren(heading(), toggle, ...rows, ...notes);
}

function popup(p) {
  const synthetic = p.synthetic ? ' <span class="tag synthetic">合成数据</span>' : "";
  const rows = [
    ["检查结果", p.result_label],
    ["检查日期", p.inspected_on || "—"],
    ["检查组", [p.team_name, p.firm_name].filter(Boolean).join(" · ")],
    ["所在单元", p.unit_name || p.unit_code],
    ["审核状态", p.status_label],
  ];
  return `<div class="popup"><h3>房屋 <span class="survey-code">${esc(p.survey_code)}</span>${synthetic}</h3>
    <table class="kv">${rows.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(v ?? "—")}</td></tr>`).join("")}</table></div>`;
}

/** The leaders' map: the inspected houses' legend below the map's own (in `#legend .legend-body`). */
export function addInspectionsToMap(map) {
  const box = el("div", { id: "legend-inspections" });
  document.querySelector("#legend .legend-body").appendChild(box);
  return showInspections(map, box, { pane: "inspections" }).then((r) => {
    document.body.dataset.inspections = r.data ? "loaded" : "none";
    window.spotcheckInspections = r.data; // what the browser tests read
    return r;
  });
}

/** The coverage view: a published draw's inspected houses of one unit on a pane's map, legend in a corner. */
export function addInspectionsToPane(map, drawId, unit, paneNode) {
  const control = L.control({ position: "topright" });
  const box = el("div", { className: "legend inspections-legend" });
  control.onAdd = () => {
    L.DomEvent.disableClickPropagation(box);
    return box;
  };
  control.addTo(map);
  return showInspections(map, box, { drawId, unit, pane: "inspections" }).then((r) => {
    paneNode.dataset.inspections = r.data ? r.data.total : "none";
    return r;
  });
}
