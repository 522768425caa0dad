// A firm's field work (/firm): every team's day routes on one map and in one table, progress against the
// deadline, the houses the planner could not schedule; for managers (field.manage) the houses' teams,
// automatic assignment and re-planning a team. Everything comes from the field-work API (/api/v1/field);
// this file only draws, and sends what the user chose.
import { dateTime, dec, esc, getJson, me, num, patchJson, pct, postJson } from "/web/api.js";
import { el, say, showUser } from "/web/dom.js";
import { replaceButton, replacementsOf, showReplacements } from "/web/firm-replace.js";
import { showProgress } from "/web/field-progress.js";

const FIELD = "/api/v1/field";
// Presentation only: one colour per team, in the order of the teams' ids.
const TEAM_COLOURS = ["#1f5fa8", "#d9480f", "#2b8a3e", "#862e9c", "#c2255c", "#0b7285", "#e67700", "#5c940d"];
// The working day a re-plan asks for (the service's defaults); the form sets only the dates.
const WORK_DAY = {
  day_start: "08:30", day_end: "17:30", lunch_start: "12:00", lunch_end: "14:00", lunch_minutes: 60,
};
const FIGURES = [["houses_assigned", "已分配", "户"], ["houses_planned", "已排入路线", "户"],
  ["houses_visited", "已入户", "户"], ["houses_left", "待入户", "户"], ["days_left", "距截止", "天"]];

const state = {
  who: null, config: null, today: null, firms: [], firm: null, overview: null, assignments: [], manager: false,
  unitNames: new Map(), colours: new Map(), forms: new Map(), selected: null, loads: 0,
};
window.spotcheckFirm = state; // what the browser tests read

const $ = (id) => document.getElementById(id);
const message = $("message");
const dayKey = (d) => `${d.team_id}/${d.day}/${d.vehicle}`;
const utc = (iso) => new Date(`${iso}T00:00:00Z`);
const addDays = (iso, n) => new Date(utc(iso).getTime() + n * 86400000).toISOString().slice(0, 10);
const dayLabel = (iso) => `${iso}（周${"日一二三四五六"[utc(iso).getUTCDay()]}）`;
const vehicleLabel = (v) => `第 ${v + 1} 车`;
const unitName = (code) => (state.unitNames.has(code) ? `${state.unitNames.get(code)}（${code}）` : code);
const colour = (teamId) => state.colours.get(teamId) || "#52606d";
const swatch = (teamId) => {
  const node = el("span", { className: "swatch", "aria-hidden": "true" });
  node.style.background = colour(teamId);
  return node;
};

// ---- the map -------------------------------------------------------------------------------------------

let map;
let basemapLayer = null;
const [unitLayer, houseLayer, lineLayer, baseLayer] = [0, 1, 2, 3].map(() => L.featureGroup());
const lines = new Map(); // day key -> {layer, day}

function createMap() {
  const c = state.config;
  map = L.map("map", { center: c.center, zoom: c.zoom, maxZoom: c.max_zoom, minZoom: c.min_zoom, zoomSnap: 0.5 });
  map.attributionControl.setPrefix("Leaflet");
  map.createPane("units").style.zIndex = 350;
  map.createPane("houses").style.zIndex = 390; // beneath the lines, so that a click finds the line
  map.createPane("bases").style.zIndex = 450;
  L.control.scale({ imperial: false, position: "bottomleft" }).addTo(map);
  for (const layer of [unitLayer, houseLayer, lineLayer, baseLayer]) layer.addTo(map);
  const legend = L.control({ position: "topright" });
  legend.onAdd = () => {
    const node = $("legend");
    L.DomEvent.disableClickPropagation(node);
    L.DomEvent.disableScrollPropagation(node);
    return node;
  };
  legend.addTo(map);
  const select = $("basemap");
  for (const b of c.basemaps) select.add(new Option(b.name, b.id));
  select.value = c.default_basemap;
  select.addEventListener("change", () => setBasemap(select.value));
  setBasemap(select.value);
  window.spotcheckMap = map;
}

function setBasemap(id) {
  if (basemapLayer) map.removeLayer(basemapLayer);
  basemapLayer = null;
  const b = state.config.basemaps.find((x) => x.id === id);
  if (!b || !b.url) return; // "none": the units' outlines are the basemap
  basemapLayer = L.tileLayer(b.url, {
    attribution: b.attribution || "", subdomains: b.subdomains || "abc", maxZoom: state.config.max_zoom,
  }).addTo(map);
  basemapLayer.bringToBack();
}

// The firm's units in the caller's scope: their outlines on the map and their names.
async function loadUnits() {
  const who = state.who;
  const codes = state.overview.firm.units.filter((u) => who.scope_all || who.scope_units.includes(u));
  const features = await Promise.all(codes.map((c) => getJson(`/api/v1/divisions/${encodeURIComponent(c)}?digits=5`)));
  for (const f of features) {
    state.unitNames.set(f.properties.code, f.properties.name);
    if (!f.geometry) continue;
    L.geoJSON(f, {
      pane: "units", interactive: false,
      style: { color: "#5b6670", weight: 1.5, dashArray: "5 4", fillColor: "#e4e7eb", fillOpacity: 0.25 },
    }).addTo(unitLayer);
  }
}

function lineStyle(key) {
  const d = lines.get(key).day;
  const base = { color: colour(d.team_id), className: "day-line" };
  if (!state.selected) return { ...base, weight: 4, opacity: 0.85 };
  return key === state.selected ? { ...base, weight: 7, opacity: 1 } : { ...base, weight: 3, opacity: 0.3 };
}

function renderMap() {
  for (const layer of [houseLayer, lineLayer, baseLayer]) layer.clearLayers();
  lines.clear();
  for (const a of state.assignments) {
    L.circleMarker([a.lat, a.lon], {
      pane: "houses", radius: 4, weight: 1, color: "#fff", fillColor: colour(a.team_id),
      fillOpacity: a.visited_at ? 0.35 : 0.9, className: "house-dot",
    }).bindTooltip(esc(`${a.survey_code} · ${a.team_name}${a.visited_at ? " · 已入户" : ""}`)).addTo(houseLayer);
  }
  for (const d of state.overview.days) {
    if (!d.line || !d.line.coordinates) continue;
    const key = dayKey(d);
    const latlngs = L.GeoJSON.coordsToLatLngs(d.line.coordinates, d.line.type === "MultiLineString" ? 1 : 0);
    const layer = L.polyline(latlngs);
    lines.set(key, { layer, day: d });
    layer.setStyle(lineStyle(key));
    const tip = `${d.team_name} · ${dayLabel(d.day)} · ${vehicleLabel(d.vehicle)} · ${num(d.houses)} 户`;
    layer.bindTooltip(esc(`${tip} · ${dec(d.distance_km, 1)} 公里`), { sticky: true });
    layer.on("click", () => select(key, "map"));
    layer.addTo(lineLayer);
    Object.assign(layer.getElement().dataset, { key, team: d.team_id, day: d.day, vehicle: d.vehicle });
  }
  for (const team of state.overview.firm.teams) {
    for (const b of team.bases) {
      L.circleMarker([b.lat, b.lon], {
        pane: "bases", radius: 7, weight: 3, color: colour(team.id), fillColor: "#fff", fillOpacity: 1,
        className: "base-dot",
      }).bindTooltip(esc(`${b.name}（${team.name}，${b.valid_from} 至 ${b.valid_to}）`)).addTo(baseLayer);
    }
  }
  if (state.selected && !lines.has(state.selected)) state.selected = null;
  select(state.selected, null, true);
}

function renderLegend() {
  const row = (mark, text) => el("div", { className: "legend-row" }, mark, text);
  const mark = (className) => el("span", { className });
  $("legend").replaceChildren(el("h3", { text: "检查组（线：每日路线）" }),
    ...teams().map((t) => row(swatch(t.id), t.name)), row(mark("dot"), "房屋（浅色：已入户）"),
    row(mark("dot ring"), "驻地"), row(mark("swatch dashed"), "抽样单元边界"));
}

// One day highlighted on the map and in the table (`key` null: none); a second click on it clears it.
function select(key, from, keep = false) {
  state.selected = keep ? key : state.selected === key ? null : key;
  for (const k of lines.keys()) lines.get(k).layer.setStyle(lineStyle(k));
  for (const row of document.querySelectorAll("#days-body tr[data-key]")) {
    row.classList.toggle("selected", row.dataset.key === state.selected);
  }
  document.body.dataset.selected = state.selected || "";
  if (!state.selected || !lines.has(state.selected)) return;
  const layer = lines.get(state.selected).layer;
  layer.bringToFront();
  const row = document.querySelector(`#days-body tr[data-key="${state.selected}"]`);
  if (from === "map") row?.scrollIntoView({ block: "nearest" });
  else if (from === "table") map.fitBounds(layer.getBounds(), { padding: [30, 30], maxZoom: 15 });
}

// ---- the firm, its progress, its days, its teams -------------------------------------------------------

const firmTeamsById = () => state.overview.firm.teams.slice().sort((a, b) => a.id - b.id);

// The teams of the page, by id: the firm's (an inspector sees their own) and any that has days.
function teams() {
  const byId = new Map(state.overview.firm.teams.map((t) => [t.id, t]));
  for (const d of state.overview.days) {
    if (!byId.has(d.team_id)) byId.set(d.team_id, { id: d.team_id, name: d.team_name });
  }
  return [...byId.values()].sort((a, b) => a.id - b.id);
}

function renderFirm() {
  const f = state.overview.firm;
  $("firm-name").textContent = f.name;
  $("firm-group").textContent = f.group_name;
  $("firm-units").textContent = f.units.map(unitName).join("、") || "—";
  $("firm-deadline").textContent = f.deadline || "未设定";
  document.title = `${f.name} · 检查机构外业 · 甘肃省自建房安全专项整治抽查评估系统`;
  $("synthetic-banner").hidden = !state.overview.synthetic;
}

function renderProgress() {
  const o = state.overview;
  $("figures").replaceChildren(...FIGURES.map(([key, label, unit]) => {
    const value = o[key];
    const overdue = key === "days_left" && value !== null && value < 0;
    const shown = value === null ? ["—"] : [num(overdue ? -value : value), el("small", { text: ` ${unit}` })];
    return el("div", { className: "figure", dataset: { key } }, el("dt", { text: overdue ? "已逾期" : label }),
      el("dd", { className: overdue ? "bad" : "", dataset: { value: value ?? "" } }, ...shown));
  }));
  const share = (n) => (o.houses_assigned ? n / o.houses_assigned : 0);
  $("bar-visited").style.width = `${share(o.houses_visited) * 100}%`;
  $("bar-planned").style.width = `${share(o.houses_planned) * 100}%`;
  const text = o.draw_id === null
    ? "本机构所在方案还没有已发布的抽样，暂无房屋。"
    : `已入户 ${num(o.houses_visited)} / ${num(o.houses_assigned)} 户（${pct(share(o.houses_visited))}），` +
      `已排入路线待入户 ${num(o.houses_planned)} 户（${pct(share(o.houses_planned))}）。` +
      (o.deadline ? `截止日期 ${o.deadline}。` : "");
  $("progress-bar").setAttribute("aria-label", text);
  $("progress-note").textContent = text;
  const last = o.days.reduce((m, d) => (d.day > m ? d.day : m), "");
  const warnings = [];
  if (o.deadline && last > o.deadline) warnings.push(`路线排到 ${last}，晚于截止日期 ${o.deadline}。`);
  if (o.days_left < 0 && o.houses_left > 0) warnings.push(`已过截止日期，仍有 ${num(o.houses_left)} 户未入户。`);
  say($("progress-warn"), warnings.join(""), "info");
}

function dayRow(d) {
  const sheet = `/route/sheet?team=${d.team_id}&day=${d.day}&vehicle=${d.vehicle}`;
  const dataset = { key: dayKey(d), team: d.team_id, day: d.day, vehicle: d.vehicle };
  const row = el("tr", { className: d.day === state.today ? "today" : "", dataset },
    el("td", {}, swatch(d.team_id), d.team_name),
    el("td", { text: dayLabel(d.day) }),
    el("td", { text: vehicleLabel(d.vehicle) }),
    el("td", { className: "num houses", text: num(d.houses) }),
    el("td", { className: "num hours", text: dec(d.duration_minutes / 60, 1) }),
    el("td", { className: "num km", text: dec(d.distance_km, 1) }),
    el("td", { className: "links" },
      el("a", { href: `/route?team=${d.team_id}&day=${d.day}`, text: "路线" }), " ",
      el("a", { href: sheet, target: "_blank", text: "打印单" })),
  );
  row.addEventListener("click", (e) => { if (!e.target.closest("a")) select(dayKey(d), "table"); });
  return row;
}

function totalRow(className, label, days) {
  const sum = (f) => days.reduce((s, d) => s + f(d), 0);
  return el("tr", { className },
    el("td", { text: label }), el("td", { text: `${num(new Set(days.map((d) => d.day)).size)} 天` }), el("td"),
    el("td", { className: "num houses", text: num(sum((d) => d.houses)) }),
    el("td", { className: "num hours", text: dec(sum((d) => d.duration_minutes) / 60, 1) }),
    el("td", { className: "num km", text: dec(sum((d) => d.distance_km), 1) }), el("td"));
}

function renderDays() {
  const rows = [];
  for (const team of teams()) {
    const days = state.overview.days.filter((d) => d.team_id === team.id);
    if (!days.length) continue;
    rows.push(...days.map(dayRow));
    rows.push(totalRow("subtotal", `${team.name} 合计`, days));
  }
  if (!rows.length) rows.push(el("tr", {}, el("td", { colSpan: 7, className: "note", text: "还没有路线规划。" })));
  $("days-body").replaceChildren(...rows);
  const all = state.overview.days;
  $("days-foot").replaceChildren(...(all.length ? [totalRow("total", "全部检查组", all)] : []));
}

function teamCard(team) {
  const days = state.overview.days.filter((d) => d.team_id === team.id);
  const next = days.find((d) => d.day >= state.today)?.day || days[0]?.day || state.today;
  const units = team.units.map(unitName).join("、") || "—";
  const members = team.members.map((m) => m.name).join("、") || "—";
  const bases = team.bases.map((b) => `${b.name}（${b.valid_from} 至 ${b.valid_to}）`).join("；") || "尚未设置";
  const card = el("article", { className: "team", dataset: { team: team.id } },
    el("h3", {}, swatch(team.id), team.name),
    el("p", { text: `${num(team.houses)} 户 · ${num(team.vehicles)} 辆车 · 抽样单元：${units}` }),
    el("p", { text: `检查员：${members}` }), el("p", { text: `驻地：${bases}` }),
    el("p", { className: "links" }, el("a", { href: `/route?team=${team.id}&day=${next}`, text: "查看路线（手机版）" })));
  if (state.manager) card.append(replanForm(team, days));
  return card;
}

function replanForm(team, days) {
  const saved = state.forms.get(team.id) || {};
  const [deadline, fifth] = [state.overview.deadline, addDays(state.today, 4)];
  const first = saved.first || days[0]?.day || state.today;
  const last = saved.last || days[days.length - 1]?.day || (deadline >= state.today && deadline < fifth ? deadline : fifth);
  const note = el("p", { className: "message", role: "status", hidden: true });
  if (saved.note) say(note, saved.note.text, saved.note.kind);
  const form = el("form", { className: "replan" },
    el("label", {}, "开始日期 ", el("input", { type: "date", name: "first_day", value: first, required: true })),
    el("label", {}, "结束日期 ", el("input", { type: "date", name: "last_day", value: last, required: true })),
    el("button", { type: "submit", className: "small", text: "重新规划" }), note);
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    replan(team, form.elements.first_day.value, form.elements.last_day.value);
  });
  return form;
}

function renderTeams() {
  const shown = firmTeamsById();
  const none = el("p", { className: "note", text: "本机构还没有检查组。" });
  $("teams").replaceChildren(...(shown.length ? shown.map(teamCard) : [none]));
}

function renderUnscheduled() {
  const o = state.overview;
  $("unscheduled").replaceChildren(...o.unscheduled.map((u) => el("li", { dataset: { house: u.house_id } },
    el("code", { text: u.survey_code || `房屋 ${u.house_id}` }), " ", el("span", { className: "reason", text: u.reason_label }))));
  const unplanned = o.houses_left - o.houses_planned - o.unscheduled.length;
  const texts = [];
  if (!o.houses_assigned) texts.push("还没有分配给检查组的房屋。");
  else if (unplanned > 0) texts.push(`有 ${num(unplanned)} 户待入户的房屋不在当前路线中：检查组尚未规划，或分配调整后尚未重新规划。`);
  else if (!o.unscheduled.length) texts.push("全部已排入");
  $("unscheduled-note").textContent = texts.join("");
}

function renderAssignments() {
  $("manage").hidden = !state.manager;
  if (!state.manager) return;
  $("auto-assign").disabled = state.overview.draw_id === null || !state.overview.firm.teams.length;
  const firmTeams = firmTeamsById();
  $("assignments-body").replaceChildren(...state.assignments.map((a) => {
    const choice = el("select", { className: "team-select", "aria-label": `${a.survey_code} 的检查组` },
      ...firmTeams.map((t) => new Option(t.name, t.id)));
    choice.value = String(a.team_id);
    choice.addEventListener("change", () => move(a, Number(choice.value)));
    const tags = [a.source === "manual" && "手动", a.role === "replacement" && "替换"].filter(Boolean);
    return el("tr", { dataset: { house: a.house_id, team: a.team_id } },
      el("td", {}, el("code", { text: a.survey_code }), ...tags.map((text) => el("span", { className: "tag", text }))),
      el("td", { text: unitName(a.unit_code) }),
      el("td", { text: a.priority_label }),
      el("td", {}, swatch(a.team_id), choice),
      el("td", { className: a.visited_at ? "ok" : "", text: a.visited_at ? dateTime(a.visited_at) : "未入户" }),
      el("td", {}, a.visited_at ? "" : replaceButton(a, act)));
  }));
  showReplacements(state.replacements || [], state.overview.draw_id);
}

function render() {
  state.colours = new Map(teams().map((t, i) => [t.id, TEAM_COLOURS[i % TEAM_COLOURS.length]]));
  for (const part of [renderFirm, renderProgress, renderLegend, renderDays, renderTeams, renderUnscheduled,
    renderAssignments, renderMap]) part();
}

// ---- loading and writing -------------------------------------------------------------------------------

async function fetchFirm() {
  const firm = `${FIELD}/firms/${encodeURIComponent(state.firm)}`;
  const overview = await getJson(`${firm}/overview`);
  const drawn = overview.draw_id !== null;
  const [assignments, replacements] = await Promise.all([
    drawn ? getJson(`${firm}/assignments?draw_id=${overview.draw_id}`) : [],
    drawn && state.manager ? replacementsOf(overview.draw_id) : []]);
  Object.assign(state, { overview, assignments, replacements });
}

function loaded() {
  state.loads += 1;
  document.body.dataset.loads = String(state.loads);
  document.body.dataset.state = "ready";
}

// A write: `work` says its outcome, `failed` the service's refusal; then the firm is read again (after a
// conflict too: the page shows what is current). The body is "loading" from the click until it is shown.
async function act(work, failed) {
  document.body.dataset.state = "loading";
  say(message, "");
  say($("assign-message"), "");
  for (const saved of state.forms.values()) delete saved.note;
  await work().catch(failed);
  await fetchFirm().then(render).catch((err) => say(message, `刷新失败：${err.message}`));
  loaded();
}

function move(a, teamId) {
  const box = $("assign-message");
  act(async () => {
    const url = `${FIELD}/assignments/${a.draw_id}/${a.house_id}`;
    const moved = await patchJson(url, { version: a.version, team_id: teamId });
    say(box, `房屋 ${moved.survey_code} 已改由 ${moved.team_name} 检查，请重新规划相关检查组的路线。`, "ok");
  }, (err) => say(box, err.message));
}

function replan(team, first, last) {
  const saved = { first, last };
  state.forms.set(team.id, saved);
  act(async () => {
    const plan = await postJson(`${FIELD}/teams/${team.id}/plan`, { first_day: first, last_day: last, ...WORK_DAY });
    const left = plan.unscheduled.length ? `，${num(plan.unscheduled.length)} 户未能排入` : "，全部排入";
    saved.note = { kind: "ok", text: `已重新规划：${num(plan.days.length)} 个车日${left}。` };
  }, (err) => { saved.note = { kind: "error", text: err.message }; });
}

function autoAssign() {
  const box = $("assign-message");
  act(async () => {
    const r = await postJson(`${FIELD}/firms/${encodeURIComponent(state.firm)}/assign`,
      { draw_id: state.overview.draw_id, split_units: false, keep_manual: true });
    const parts = Object.entries(r.teams).map(([name, n]) => `${name} ${num(n)} 户`).join("、");
    say(box, `已自动分配：${parts}。请重新规划各检查组的路线。`, "ok");
  }, (err) => say(box, err.message));
}

function fillFirmSelect() {
  if (state.firms.length < 2) return;
  const choice = $("firm-select");
  for (const f of state.firms) choice.add(new Option(`${f.name}（${f.group_name}）`, f.id));
  choice.value = state.firm;
  choice.closest("label").hidden = false;
  choice.addEventListener("change", () => location.assign(`/firm?firm=${encodeURIComponent(choice.value)}`));
}

async function start() {
  const who = await me();
  showUser(who);
  const [config, mine, firms] = await Promise.all(["/api/v1/map/config", `${FIELD}/me`, `${FIELD}/firms`].map(getJson));
  Object.assign(state, { who, config, today: mine.today, firms, manager: who.permissions.includes("field.manage") });
  const wanted = new URLSearchParams(location.search).get("firm");
  if (wanted !== null && !/^[1-9][0-9]{0,18}$/.test(wanted)) throw new Error("地址中的检查机构编号无效。");
  state.firm = wanted || (firms.length ? String(firms[0].id) : null);
  if (!state.firm) {
    say(message, "您可查看的范围内还没有检查机构。", "info");
    return loaded();
  }
  await fetchFirm();
  $("content").hidden = false;
  if (config.crs_note) $("crs-note").textContent = `${config.crs_note}；里程与时长为路线规划的估计。`;
  fillFirmSelect();
  createMap();
  $("auto-assign").addEventListener("click", autoAssign);
  await loadUnits();
  render();
  // Inspections against the deadline: drawn, inspected, approved, expected by today (web/field-progress.js).
  $("progress").append(el("div", { id: "inspection-progress", hidden: true }));
  showProgress($("inspection-progress"), { firmId: Number(state.firm), title: "入户检查进度（对照截止日期）" });
  const bounds = L.latLngBounds([]);
  for (const group of [unitLayer, houseLayer, lineLayer, baseLayer]) {
    if (group.getLayers().length) bounds.extend(group.getBounds());
  }
  if (bounds.isValid()) map.fitBounds(bounds, { padding: [20, 20], maxZoom: 14, animate: false });
  loaded();
}

start().catch((err) => {
  document.body.dataset.state = "error";
  say(message, err.message || "页面加载失败。");
});
