// The leaders' provincial hazard map. Everything shown comes from the service: divisions with their
// figures (/api/v1/map/divisions), key figures (/api/v1/map/summary), hazardous houses as vector tiles,
// sites and their radii, and every Chinese label from /api/v1/vocabulary. This file only draws.
import { esc, getJson, me, num, pct } from "/web/api.js";
import { addNoticesToMap } from "/web/notices-layer.js";
import { addProgressToPanel } from "/web/field-progress.js";
import { addInspectionsToMap } from "/web/inspection-layer.js";

// Leaflet.VectorGrid 1.3.0 calls L.DomEvent.fakeStop, which Leaflet 1.8 removed (Leaflet.VectorGrid
// issue #274, fixed upstream in PR #288 but not released). This replaces the canvas tile renderer's
// click handler: a hit fires on the house feature, and a click that hits no house goes to the polygon
// underneath, so divisions stay clickable beneath the house tiles.
L.Canvas.Tile.include({
  _onClick: function (e) {
    const point = this._map.mouseEventToLayerPoint(e).subtract(this.getOffset());
    let hit = null;
    for (const id in this._layers) {
      const layer = this._layers[id];
      if (layer.options.interactive && layer._containsPoint(point) && !this._map._draggableMoved(layer)) {
        hit = layer;
      }
    }
    if (hit) {
      if (e.type === "click" || e.type === "dblclick") L.DomEvent.stop(e);
      // Fired on the feature itself (propagating to its VectorGrid) with a position: the map's own DOM
      // event path asks a tile point for getLatLng(), which it does not have (Leaflet.VectorGrid #281).
      hit.fire(e.type, {
        originalEvent: e,
        latlng: this._map.mouseEventToLatLng(e),
        containerPoint: this._map.mouseEventToContainerPoint(e),
      }, true);
    } else if (e.type === "click") {
      passClickThrough(this._container, e);
    }
  },
});

function passClickThrough(tile, e) {
  const before = tile.style.pointerEvents;
  tile.style.pointerEvents = "none";
  const below = document.elementFromPoint(e.clientX, e.clientY);
  tile.style.pointerEvents = before;
  if (!(below instanceof SVGElement)) return; // only the map beneath: let the click reach it
  L.DomEvent.stop(e);
  below.dispatchEvent(new MouseEvent("click", {
    bubbles: true, cancelable: true, view: window, button: e.button,
    clientX: e.clientX, clientY: e.clientY, screenX: e.screenX, screenY: e.screenY,
  }));
}

// Presentation only: colours, indicator names, class breaks for the legend.
const INDICATORS = [
  { key: "hazardous", label: "隐患房屋数", unit: "户", share: false },
  { key: "rectified_share", label: "已整治比例", unit: "", share: true },
  { key: "overdue", label: "逾期未整治", unit: "户", share: false },
  { key: "collapse_risk", label: "存在倒塌风险", unit: "户", share: false },
  { key: "near_school_hazardous", label: "学校周边隐患", unit: "户", share: false },
];
const RAMP_BAD = ["#fff5d6", "#fdd38a", "#fc9c4f", "#e8552f", "#b3161b"];
const RAMP_GOOD = ["#f2f0c9", "#c2e19a", "#7fc47a", "#36a152", "#00673a"];
const NO_DATA = "#d9d9d9";
const SITE_KINDS = ["college", "school", "kindergarten"]; // the notice's crowded places (codes)
const SITE_COLORS = { college: "#1f5fa8", school: "#0b7a75", kindergarten: "#c51b7d" };
const NEAR_RING = "#6a3d9a";
const SITES_MIN_ZOOM = 11;
const CHILD_LEVEL = { province: "city", city: "county", county: "township" };

const state = {
  config: null,
  vocab: null,
  radii: null,
  stack: [{ code: "620000", name: "甘肃省", level: "province" }],
  indicator: "hazardous",
  features: null,
  breaks: null,
};

function label(enumName, code) {
  if (code === null || code === undefined) return "—";
  const entry = (state.vocab.enums[enumName] || []).find((m) => m.code === code);
  return entry ? entry.label : code;
}

function labels(enumName) {
  return state.vocab.enums[enumName] || [];
}

// ---- the map -------------------------------------------------------------------------------------------

let map;
let divisionLayer = null;
let clusterLayer = null;
let houseLayer = null;
let basemapLayer = null;
const sitesGroup = L.layerGroup();

function createMap() {
  const c = state.config;
  map = L.map("map", {
    center: c.center,
    zoom: c.zoom,
    maxZoom: c.max_zoom,
    minZoom: 4,
    zoomSnap: 0.5,
    fadeAnimation: false,
    attributionControl: true,
    preferCanvas: false,
  });
  map.attributionControl.setPrefix("Leaflet");
  map.createPane("houses").style.zIndex = 430;
  map.createPane("sites").style.zIndex = 450;
  L.control.scale({ imperial: false, position: "bottomleft" }).addTo(map);
  // The legend sits on the map, so that it is always in view and printed with it.
  const legend = L.control({ position: "topright" }); // the empty corner of Gansu's outline
  legend.onAdd = () => {
    const el = document.getElementById("legend");
    L.DomEvent.disableClickPropagation(el);
    L.DomEvent.disableScrollPropagation(el);
    return el;
  };
  legend.addTo(map);
  document.getElementById("legend-toggle").addEventListener("click", () => {
    const el = document.getElementById("legend");
    el.classList.toggle("collapsed");
    document.getElementById("legend-toggle").textContent = el.classList.contains("collapsed") ? "图例 ▸" : "图例 ▾";
  });
  map.on("zoomend", () => divisionLayer && divisionLayer.setStyle(divisionStyle));
  sitesGroup.addTo(map);
  window.spotcheck = { houseFeatureCount, houseFeatures }; // what the browser tests and the bench read
  window.spotcheckMap = map;
}

// ---- basemaps ------------------------------------------------------------------------------------------

function setupBasemaps() {
  const select = document.getElementById("basemap");
  for (const b of state.config.basemaps) {
    const opt = document.createElement("option");
    opt.value = b.id;
    opt.textContent = b.name;
    select.appendChild(opt);
  }
  select.value = state.config.default_basemap;
  select.addEventListener("change", () => setBasemap(select.value));
  setBasemap(select.value);
}

function setBasemap(id) {
  if (basemapLayer) map.removeLayer(basemapLayer);
  basemapLayer = null;
  const b = state.config.basemaps.find((x) => x.id === id);
  if (!b || !b.url) return; // "none": the boundaries are the basemap
  basemapLayer = L.tileLayer(b.url, {
    attribution: b.attribution || "",
    subdomains: b.subdomains || "abc",
    maxZoom: state.config.max_zoom,
  }).addTo(map);
  basemapLayer.bringToBack();
}

// ---- divisions: choropleth and drill-down --------------------------------------------------------------

function indicator() {
  return INDICATORS.find((i) => i.key === state.indicator);
}

function niceCeil(v) {
  if (v <= 10) return Math.ceil(v);
  const step = Math.pow(10, Math.floor(Math.log10(v))) / 2;
  return Math.ceil(v / step) * step;
}

// Class breaks for the legend: fixed fifths for shares, rounded quintiles of the shown values for counts.
function computeBreaks(values, ind) {
  if (ind.share) return [0.2, 0.4, 0.6, 0.8];
  const sorted = values.filter((v) => v !== null && v !== undefined).sort((a, b) => a - b);
  if (!sorted.length) return [];
  const out = [];
  for (const q of [0.2, 0.4, 0.6, 0.8]) {
    const b = niceCeil(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]);
    if (!out.includes(b) && b < sorted[sorted.length - 1]) out.push(b);
  }
  return out;
}

function classOf(value) {
  if (value === null || value === undefined) return -1;
  const i = state.breaks.findIndex((b) => (indicator().share ? value < b : value <= b));
  return i === -1 ? state.breaks.length : i;
}

function ramp() {
  const colours = indicator().share ? RAMP_GOOD : RAMP_BAD;
  const n = state.breaks.length + 1;
  if (n >= colours.length) return colours;
  // fewer classes than colours: spread them over the ramp
  return Array.from({ length: n }, (_, i) => colours[Math.round((i * (colours.length - 1)) / Math.max(1, n - 1))]);
}

function fillFor(props) {
  const k = classOf(props[state.indicator]);
  return k < 0 ? NO_DATA : ramp()[k];
}

function currentLevel() {
  return state.stack[state.stack.length - 1];
}

function divisionStyle(feature) {
  const township = feature.properties.level === "township";
  const housesShown = map.getZoom() >= state.config.cluster_below_zoom; // let the house points show through
  return {
    color: "#5b6670",
    weight: township ? 0.8 : 1.2,
    opacity: 0.9,
    fillColor: fillFor(feature.properties),
    fillOpacity: housesShown ? 0.3 : township ? 0.5 : 0.7,
    dashArray: feature.properties.approximate ? "4 3" : null,
  };
}

function divisionLabel(p) {
  const ind = indicator();
  const value = ind.share ? pct(p[ind.key]) : num(p[ind.key]);
  const approx = p.approximate ? "*" : "";
  if (p.level === "township") return `<span class="name">${esc(p.name)}</span>`;
  return `<span class="name">${esc(p.name)}${approx}</span><span class="value">${esc(value)}</span>`;
}

function renderDivisions(fc) {
  if (divisionLayer) map.removeLayer(divisionLayer);
  state.features = fc.features;
  state.breaks = computeBreaks(fc.features.map((f) => f.properties[state.indicator]), indicator());
  divisionLayer = L.geoJSON(fc, {
    style: divisionStyle,
    onEachFeature: (feature, layer) => {
      layer.bindTooltip(divisionLabel(feature.properties), {
        permanent: true, direction: "center", className: "division-label", interactive: false,
      });
      layer.on("mouseover", () => layer.setStyle({ weight: 2.5, color: "#1f2933" }));
      layer.on("mouseout", () => divisionLayer.resetStyle(layer));
      layer.on("click", (e) => onDivisionClick(feature, layer, e));
    },
  }).addTo(map);
  divisionLayer.eachLayer((l) => l.getElement && l.getElement()?.setAttribute("data-code", l.feature.properties.code));
  renderChoroplethLegend();
}

function restyleDivisions() {
  if (!divisionLayer) return;
  state.breaks = computeBreaks(state.features.map((f) => f.properties[state.indicator]), indicator());
  divisionLayer.setStyle(divisionStyle);
  divisionLayer.eachLayer((l) => l.setTooltipContent(divisionLabel(l.feature.properties)));
  renderChoroplethLegend();
}

function onDivisionClick(feature, layer, e) {
  const p = feature.properties;
  if (CHILD_LEVEL[p.level]) {
    state.stack.push({ code: p.code, name: p.name, level: p.level, bounds: layer.getBounds() });
    loadLevel();
  } else {
    L.popup({ maxWidth: 320, ...clearOfLegend() })
      .setLatLng(e.latlng)
      .setContent(divisionPopup(p))
      .openOn(map);
  }
}

function divisionPopup(p) {
  const rows = INDICATORS.map((i) => `<tr><th>${esc(i.label)}</th><td>${i.share ? pct(p[i.key]) : num(p[i.key])}</td></tr>`);
  const flags = [p.synthetic ? '<span class="tag synthetic">合成数据</span>' : "", p.approximate ? '<span class="tag">近似边界</span>' : ""].join("");
  return `<div class="popup"><h3>${esc(p.name)} ${flags}</h3><table>
    <tr><th>房屋总数</th><td>${num(p.houses)}</td></tr>${rows.join("")}</table></div>`;
}

async function loadLevel() {
  document.body.dataset.state = "loading";
  map.closePopup();
  const top = currentLevel();
  const child = CHILD_LEVEL[top.level];
  const parent = top.level === "province" ? "" : `&parent=${encodeURIComponent(top.code)}`;
  const [fc, summary] = await Promise.all([
    getJson(`/api/v1/map/divisions?level=${child}${parent}`),
    getJson(`/api/v1/map/summary?code=${encodeURIComponent(top.code)}`),
  ]);
  top.name = summary.name;
  renderDivisions(fc);
  renderSummary(summary);
  renderBreadcrumb();
  const bounds = fc.features.length ? divisionLayer.getBounds() : top.bounds;
  // Without animation the tile layers start loading at once, before the page says it is ready.
  if (bounds && bounds.isValid()) {
    const legend = document.getElementById("legend");
    // Keep clear of the legend, except for the province, whose empty north-east corner holds it.
    const right = legend.classList.contains("collapsed") || top.level === "province" ? 16 : legend.offsetWidth + 24;
    map.fitBounds(bounds, { paddingTopLeft: [16, 16], paddingBottomRight: [right, 16], animate: false });
  }
  const empty = document.getElementById("sites-note");
  if (!fc.features.length && child === "township") empty.textContent = "该县区尚未导入乡镇边界。";
  document.body.dataset.level = child;
  document.body.dataset.code = top.code;
  document.body.dataset.state = "ready";
}

function renderBreadcrumb() {
  const nav = document.getElementById("breadcrumb");
  nav.replaceChildren();
  state.stack.forEach((entry, i) => {
    if (i > 0) {
      const sep = document.createElement("span");
      sep.className = "sep";
      sep.textContent = "›";
      nav.appendChild(sep);
    }
    const last = i === state.stack.length - 1;
    const el = document.createElement(last ? "span" : "button");
    el.textContent = entry.name;
    el.dataset.code = entry.code;
    if (last) el.className = "current";
    else {
      el.type = "button";
      el.addEventListener("click", () => {
        state.stack = state.stack.slice(0, i + 1);
        loadLevel();
      });
    }
    nav.appendChild(el);
  });
}

// ---- key figures ---------------------------------------------------------------------------------------

function renderSummary(s) {
  document.getElementById("figures-title").textContent = s.name;
  const statusLabel = (code) => label("RectificationStatus", code);
  const items = [
    ["houses", "排查房屋", num(s.houses)],
    ["hazardous", "隐患房屋", num(s.hazardous)],
    ["collapse_risk", label("HazardGrade", "collapse_risk"), num(s.collapse_risk)],
    ["pending", statusLabel("pending"), num(s.pending)],
    ["in_progress", statusLabel("in_progress"), num(s.in_progress)],
    ["done", statusLabel("done"), num(s.done)],
    ["rectified_share", "已整治比例", pct(s.rectified_share)],
    ["closed_out", "已销号", num(s.closed_out)],
    ["overdue", "逾期未整治", num(s.overdue)],
    ["near_school_hazardous", "学校周边隐患", num(s.near_school_hazardous)],
  ];
  const dl = document.getElementById("key-figures");
  dl.replaceChildren();
  for (const [key, name, value] of items) {
    const div = document.createElement("div");
    div.className = "figure";
    div.dataset.key = key;
    const dt = document.createElement("dt");
    dt.textContent = name;
    const dd = document.createElement("dd");
    dd.textContent = value;
    dd.dataset.value = s[key] ?? "";
    div.append(dt, dd);
    dl.appendChild(div);
  }
  // Progress bar: the three status counts side by side (widths from the server's counts).
  const bar = document.getElementById("status-bar");
  bar.replaceChildren();
  const total = (s.pending || 0) + (s.in_progress || 0) + (s.done || 0);
  for (const code of ["pending", "in_progress", "done"]) {
    const seg = document.createElement("span");
    seg.style.flexGrow = total ? s[code] : 0;
    seg.style.background = state.config.status_colors[code];
    seg.title = `${statusLabel(code)} ${num(s[code])}`;
    bar.appendChild(seg);
  }
}

// ---- hazardous houses from vector tiles ----------------------------------------------------------------

function filters() {
  const q = new URLSearchParams();
  const status = document.getElementById("filter-status").value;
  const grade = document.getElementById("filter-grade").value;
  const commercial = document.getElementById("filter-commercial").value;
  if (status) q.set("rectification_status", status);
  if (grade) q.set("hazard_grade", grade);
  if (commercial) q.set("commercial", commercial);
  if (document.getElementById("filter-near").checked) q.set("near", "true");
  return q.toString();
}

function tileUrl() {
  const q = filters();
  return state.config.house_tiles + (q ? `?${q}` : "");
}

function clusterStyle(p) {
  const colours = state.config.status_colors;
  const r = (n) => Math.min(24, 2.5 + 1.4 * Math.sqrt(n));
  // Nested circles, areas proportional to counts: all, then in progress + done, then done.
  const styles = [{ radius: r(p.count), fill: true, fillColor: colours.pending, fillOpacity: 0.85, color: "#ffffff", weight: 1, opacity: 0.9 }];
  if (p.in_progress + p.done > 0) {
    styles.push({ radius: r(p.in_progress + p.done) - 0.5, fill: true, fillColor: colours.in_progress, fillOpacity: 0.95, stroke: false });
  }
  if (p.done > 0) styles.push({ radius: r(p.done) - 1, fill: true, fillColor: colours.done, fillOpacity: 1, stroke: false });
  return styles;
}

function houseStyle(p) {
  const colour = state.config.status_colors[p.rs] || "#777777";
  const collapse = p.hg === "collapse_risk";
  const styles = [];
  if (p.n) styles.push({ radius: 8, fill: false, color: NEAR_RING, weight: 2, opacity: 0.9 });
  styles.push({
    radius: collapse ? 5 : 4, fill: true, fillColor: colour, fillOpacity: 0.95,
    color: collapse ? "#111111" : "#ffffff", weight: collapse ? 1.6 : 1,
  });
  return styles;
}

function tileLoading() {
  document.body.dataset.tiles = "loading";
}

function tileLoaded() {
  const busy = [clusterLayer, houseLayer].some((l) => l && l._map && l._loading);
  if (!busy) document.body.dataset.tiles = "loaded";
}

function createHouseLayers() {
  const cut = state.config.cluster_below_zoom;
  const common = {
    pane: "houses", rendererFactory: L.canvas.tile, maxNativeZoom: state.config.max_zoom,
    getFeatureId: (f) => f.properties.id,
  };
  clusterLayer = L.vectorGrid.protobuf(tileUrl(), {
    ...common,
    interactive: false,
    maxZoom: cut - 0.01,
    maxNativeZoom: cut - 1, // never ask a cluster layer for a tile the server sends as points
    getFeatureId: undefined,
    vectorTileLayerStyles: { clusters: clusterStyle, houses: houseStyle },
  });
  houseLayer = L.vectorGrid.protobuf(tileUrl(), {
    ...common,
    interactive: true,
    minZoom: cut,
    vectorTileLayerStyles: { houses: houseStyle, clusters: clusterStyle },
  });
  for (const layer of [clusterLayer, houseLayer]) {
    layer.on("loading", tileLoading);
    layer.on("load", tileLoaded);
    layer.addTo(map);
  }
  houseLayer.on("click", (e) => openHouse(e.layer.properties.id, e.latlng));
}

function applyFilters() {
  const url = tileUrl();
  tileLoading();
  clusterLayer.setUrl(url);
  houseLayer.setUrl(url);
}

// Test hooks: the house points drawn in the tiles currently loaded (VectorGrid keeps them per tile).
function houseFeatures() {
  const out = [];
  if (houseLayer && houseLayer._map) {
    for (const tile of Object.values(houseLayer._vectorTiles || {})) {
      for (const f of Object.values(tile._features || {})) out.push(f.feature.properties);
    }
  }
  return out;
}

function houseFeatureCount() {
  return houseFeatures().length;
}

// ---- one house: its record and hazard history ----------------------------------------------------------

// Popups pan the map so that they open below the legend (controls sit above popups in Leaflet).
function clearOfLegend() {
  const legend = document.getElementById("legend");
  return { autoPanPaddingTopLeft: L.point(10, legend.offsetHeight + 20) };
}

async function openHouse(id, latlng) {
  const popup = L.popup({ maxWidth: 520, minWidth: 420, className: "house-popup", ...clearOfLegend() })
    .setLatLng(latlng)
    .setContent('<div class="popup">正在读取房屋记录…</div>')
    .openOn(map);
  try {
    const house = await getJson(`/api/v1/houses/${encodeURIComponent(id)}`);
    popup.setContent(housePopup(house.properties));
  } catch (err) {
    popup.setContent(`<div class="popup">读取失败：${esc(err.message)}</div>`);
  }
}

function housePopup(p) {
  const synthetic = p.synthetic ? ' <span class="tag synthetic">合成数据</span>' : "";
  const rows = [
    ["地址", p.address],
    ["所在地", [p.county_name, p.township_name, p.village].filter(Boolean).join(" · ")],
    ["用途", label("UseClass", p.use_class)],
    ["结构", label("Structure", p.structure)],
    ["层数", p.floors ?? "—"],
    ["建成年代", label("BuildEra", p.build_era)],
  ];
  const history = (p.hazard_history || []).map((h) => `<tr>
      <td>${esc(h.opened_on || "—")}${h.closed_on ? " 至 " + esc(h.closed_on) : " 起（当前）"}</td>
      <td>${esc(label("InitialDetermination", h.initial_determination))}</td>
      <td>${esc(label("HazardGrade", h.hazard_grade))}</td>
      <td>${esc(h.appraisal_grade || "—")}</td>
      <td>${esc(label("RectificationStatus", h.rectification_status))}${h.rectification_deadline ? `<br><small>期限 ${esc(h.rectification_deadline)}</small>` : ""}</td>
      <td>${esc((h.measures || []).map((m) => label("Measure", m)).join("、") || "—")}</td>
      <td>${h.closed_out ? "已销号" : "未销号"}</td></tr>`);
  const sites = (p.near_sites || []).map((s) => `<li>${esc(label("SiteKind", s.kind))}：${esc(s.name)}（${num(Math.round(s.distance_m))} 米）</li>`);
  return `<div class="popup">
    <h3>房屋 <span class="survey-code">${esc(p.survey_code)}</span>${synthetic}</h3>
    <table class="kv">${rows.map(([k, v]) => `<tr><th>${k}</th><td>${esc(v ?? "—")}</td></tr>`).join("")}</table>
    <h4>隐患记录</h4>
    <table class="history"><thead><tr><th>时间</th><th>初判</th><th>等级</th><th>鉴定</th><th>整治</th><th>措施</th><th>销号</th></tr></thead>
    <tbody>${history.join("") || '<tr><td colspan="7">无隐患记录</td></tr>'}</tbody></table>
    ${sites.length ? `<h4>周边敏感场所</h4><ul class="sites">${sites.join("")}</ul>` : ""}
  </div>`;
}

// ---- sensitive sites -----------------------------------------------------------------------------------

let sitesRequest = 0;

async function refreshSites() {
  const checkbox = document.getElementById("layer-sites");
  const note = document.getElementById("sites-note");
  const request = ++sitesRequest;
  if (!checkbox.checked) {
    sitesGroup.clearLayers();
    note.textContent = "";
    document.body.dataset.sites = "off";
    return;
  }
  if (map.getZoom() < SITES_MIN_ZOOM) {
    sitesGroup.clearLayers();
    note.textContent = `当前缩放 ${map.getZoom().toFixed(0)} 级，请放大到 ${SITES_MIN_ZOOM} 级及以上查看敏感场所。`;
    document.body.dataset.sites = "zoom";
    return;
  }
  const b = map.getBounds();
  const bbox = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map((v) => v.toFixed(5)).join(",");
  document.body.dataset.sites = "loading";
  const collections = await Promise.all(SITE_KINDS.map((kind) => getJson(`/api/v1/sites?kind=${kind}&bbox=${bbox}`)));
  if (request !== sitesRequest) return; // a newer view replaced this one
  sitesGroup.clearLayers();
  const renderer = L.svg({ pane: "sites" });
  let count = 0;
  SITE_KINDS.forEach((kind, i) => {
    for (const f of collections[i].features) {
      const [lon, lat] = f.geometry.coordinates;
      const colour = SITE_COLORS[kind];
      L.circle([lat, lon], {
        radius: state.radii[kind], renderer, interactive: false,
        color: colour, weight: 1.5, dashArray: "5 4", fillColor: colour, fillOpacity: 0.07,
      }).addTo(sitesGroup);
      L.circleMarker([lat, lon], {
        radius: 6, renderer, color: "#ffffff", weight: 2, fillColor: colour, fillOpacity: 1, className: "site-marker",
      }).bindPopup(sitePopup(f.properties, kind), clearOfLegend()).addTo(sitesGroup);
      count += 1;
    }
  });
  note.textContent = `当前视野内敏感场所 ${num(count)} 处（虚线圆为周边范围）。`;
  document.body.dataset.sites = "loaded";
}

function sitePopup(p, kind) {
  const synthetic = p.synthetic ? ' <span class="tag synthetic">合成数据</span>' : "";
  return `<div class="popup"><h3>${esc(p.name)}${synthetic}</h3><table class="kv">
    <tr><th>类别</th><td>${esc(label("SiteKind", kind))}</td></tr>
    <tr><th>周边范围</th><td>${num(state.radii[kind])} 米</td></tr>
    <tr><th>范围内房屋</th><td>${num(p.houses_near)} 户</td></tr></table></div>`;
}

// ---- side panel: indicators, filters, legend -----------------------------------------------------------

function setupControls() {
  const box = document.getElementById("indicators");
  for (const ind of INDICATORS) {
    const lab = document.createElement("label");
    lab.className = "indicator";
    const input = document.createElement("input");
    input.type = "radio";
    input.name = "indicator";
    input.value = ind.key;
    input.checked = ind.key === state.indicator;
    input.addEventListener("change", () => {
      state.indicator = ind.key;
      restyleDivisions();
    });
    lab.append(input, " " + ind.label);
    box.appendChild(lab);
  }
  const fill = (id, enumName) => {
    const select = document.getElementById(id);
    for (const m of labels(enumName)) {
      const opt = document.createElement("option");
      opt.value = m.code;
      opt.textContent = m.label;
      select.appendChild(opt);
    }
  };
  fill("filter-status", "RectificationStatus");
  fill("filter-grade", "HazardGrade");
  for (const id of ["filter-status", "filter-grade", "filter-commercial", "filter-near"]) {
    document.getElementById(id).addEventListener("change", applyFilters);
  }
  document.getElementById("layer-sites").addEventListener("change", () => {
    document.body.classList.toggle("sites-on", document.getElementById("layer-sites").checked);
    refreshSites();
  });
  document.getElementById("print-button").addEventListener("click", () => window.print());
  window.addEventListener("beforeprint", () => {
    document.getElementById("print-footer").textContent =
      `甘肃省自建房隐患与整治地图 · ${currentLevel().name} · 打印于 ${new Date().toLocaleString("zh-CN")}` +
      (state.config.synthetic_frame ? " · 演示数据（合成）" : "");
    map.invalidateSize();
  });
  window.addEventListener("afterprint", () => map.invalidateSize());
}

function swatch(colour, text, extraClass = "") {
  return `<div class="legend-row"><span class="swatch ${extraClass}" style="background:${colour}"></span>${esc(text)}</div>`;
}

function renderChoroplethLegend() {
  const ind = indicator();
  const colours = ramp();
  const b = state.breaks;
  const fmtB = (v) => (ind.share ? (v * 100).toFixed(0) + "%" : num(v));
  const rows = [];
  for (let i = 0; i <= b.length; i++) {
    let text;
    if (ind.share) text = `${i === 0 ? "0%" : fmtB(b[i - 1])} – ${i === b.length ? "100%" : fmtB(b[i])}`;
    else if (i === 0) text = b.length ? `≤ ${fmtB(b[0])}` : "全部";
    else if (i === b.length) text = `> ${fmtB(b[i - 1])}`;
    else text = b[i - 1] + 1 === b[i] ? fmtB(b[i]) : `${fmtB(b[i - 1] + 1)} – ${fmtB(b[i])}`;
    rows.push(swatch(colours[i], `${text}${ind.unit ? " " + ind.unit : ""}`));
  }
  rows.push(swatch(NO_DATA, "无数据"));
  const levelName = label("DivisionLevel", CHILD_LEVEL[currentLevel().level]);
  document.getElementById("legend-choropleth").innerHTML =
    `<h3>${esc(ind.label)}（按${esc(levelName)}）</h3>${rows.join("")}` +
    (state.features && state.features.some((f) => f.properties.approximate) ? '<div class="legend-row"><span class="swatch dashed"></span>虚线、带 *：近似边界，非官方</div>' : "") +
    (state.features && state.features.some((f) => f.properties.synthetic) ? '<div class="legend-row note">乡镇边界为合成演示数据</div>' : "");
}

function renderHouseLegend() {
  const c = state.config;
  const status = labels("RectificationStatus");
  const rows = status.map((m) => `<div class="legend-row"><span class="dot" style="background:${c.status_colors[m.code]}"></span>${esc(m.label)}</div>`);
  rows.push(`<div class="legend-row"><span class="dot collapse"></span>黑边：${esc(label("HazardGrade", "collapse_risk"))}</div>`);
  rows.push(`<div class="legend-row" title="${SITE_KINDS.map((k) => esc(label("SiteKind", k))).join("、")}"><span class="dot ring" style="border-color:${NEAR_RING}"></span>紫环：学校周边</div>`);
  rows.push(`<div class="legend-row note">${c.cluster_below_zoom} 级以下聚合显示，圆面积为户数，由外向内：${status.map((m) => esc(m.label)).join("、")}</div>`);
  const sites = SITE_KINDS.map((k) => `<div class="legend-row"><span class="dot" style="background:${SITE_COLORS[k]}"></span>${esc(label("SiteKind", k))}（${num(state.radii[k])} 米）</div>`);
  document.getElementById("legend-houses").innerHTML = `<h3>隐患房屋</h3>${rows.join("")}<div class="legend-sites"><h3>敏感场所</h3>${sites.join("")}</div>`;
  document.body.classList.toggle("sites-on", document.getElementById("layer-sites").checked);
}

// ---- start ---------------------------------------------------------------------------------------------

async function start() {
  const [config, vocab, radii, who] = await Promise.all([
    getJson("/api/v1/map/config"),
    getJson("/api/v1/vocabulary"),
    getJson("/api/v1/sites/radii"),
    me(),
  ]);
  Object.assign(state, { config, vocab, radii });
  // The dashboard link only for those who may read it (inspectors may not: no link to a refusal).
  document.getElementById("evaluation-link").hidden = !who.permissions.includes("evaluation.read");
  document.getElementById("synthetic-banner").hidden = !config.synthetic_frame;
  document.getElementById("crs-note").textContent = config.crs_note || "";
  createMap();
  setupBasemaps();
  setupControls();
  renderHouseLegend();
  createHouseLayers();
  addNoticesToMap(map); // overdue rectification notices (web/notices-layer.js)
  addInspectionsToMap(map); // inspected houses by result, and the firms' progress (issue 11)
  addProgressToPanel();
  map.on("moveend", refreshSites);
  await loadLevel();
}

start().catch((err) => {
  document.body.dataset.state = "error";
  const banner = document.getElementById("synthetic-banner");
  banner.hidden = false;
  banner.className = "error-banner";
  banner.textContent = `地图加载失败：${err.message}`;
});
