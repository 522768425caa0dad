// An inspection team's day route on a phone: the day's stops in visiting order with their records,
// arrival times and navigation links, the line on a map, downloads (GPX, KML, offline map, A4 sheet) and
// "visited" marks. Everything comes from /api/v1/field (the plan and its order are the server's); this
// file only draws. Each answer is kept in localStorage, so that without signal the page shows the route
// saved last instead of an error; the page itself (HTML, scripts, styles, Leaflet) is kept by the service
// worker route-sw.js, so that /route also opens without signal.
import { ApiError, esc, getJson, me, num, postJson } from "/web/api.js";
import { el, say, showUser } from "/web/dom.js";
import { Store, prefetchHouses } from "/web/inspect-store.js";
import { sync } from "/web/inspect-sync.js";

const TZ = "Asia/Shanghai"; // the service's times are Gansu's (+08:00)
const STORE = "spotcheck.route.v1";
const LINE_COLOURS = ["#1f5fa8", "#0b7a75", "#8a3ffc", "#b35c00"]; // one per vehicle
const PRIORITIES = ["collapse_risk", "near_school", "normal"]; // the legend's order (labels: the server's)
// The stop's link to its inspection form, styled here (route.css is the route page's own).
const params = new URLSearchParams(location.search);
const $ = (id) => document.getElementById(id);

const state = {
  who: null, config: null, plan: null, teamId: null, teamFromUrl: false, today: null, day: null,
  vehicles: [], savedAt: null, canVisit: false, map: null, layer: null, basemap: null,
  markers: new Map(), items: new Map(), focused: null, loading: 0,
};

// ---- offline copies ------------------------------------------------------------------------------------

// Copies are kept per account (the caller's own answer, /api/v1/me, is the one kept for whoever came last).
const slot = (key) => `${STORE}.${state.who ? `${state.who.username}.` : ""}${key}`;

function keep(key, data, savedAt = Date.now()) {
  try {
    localStorage.setItem(slot(key), JSON.stringify({ saved_at: savedAt, data }));
  } catch (_) { /* storage full or refused: the page still works online */ }
}

function kept(key) {
  try {
    return JSON.parse(localStorage.getItem(slot(key)));
  } catch (_) {
    return null;
  }
}

/** `load()`'s answer, kept under `key`; without network the copy kept last: {data, savedAt (null: fresh)}. */
async function cached(key, load) {
  try {
    const data = await load();
    keep(key, data);
    return { data, savedAt: null };
  } catch (err) {
    const copy = err instanceof ApiError && err.status === 0 ? kept(key) : null;
    if (!copy) throw err;
    return { data: copy.data, savedAt: copy.saved_at };
  }
}

// ---- formatting ----------------------------------------------------------------------------------------

const clock = new Intl.DateTimeFormat("zh-CN", { timeZone: TZ, hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
const dayName = new Intl.DateTimeFormat("zh-CN", { timeZone: TZ, month: "long", day: "numeric", weekday: "short" });
const hm = (iso) => (iso ? clock.format(new Date(iso)) : "—");
const dayLabel = (d) => dayName.format(new Date(`${d}T12:00:00+08:00`));
const minutes = (m) => (m >= 60 ? `${Math.floor(m / 60)} 小时 ${m % 60} 分` : `${m} 分钟`);
const localDay = (t) => new Intl.DateTimeFormat("en-CA", { timeZone: TZ }).format(new Date(t));

function savedLabel(t) {
  return localDay(t) === localDay(Date.now()) ? hm(t) : `${dayLabel(localDay(t))} ${hm(t)}`;
}

// ---- the map -------------------------------------------------------------------------------------------

function createMap() {
  const c = state.config;
  state.map = L.map("map", { zoomSnap: 0.5, maxZoom: c?.max_zoom || 18, fadeAnimation: false });
  state.map.attributionControl.setPrefix("Leaflet");
  L.control.scale({ imperial: false, position: "bottomleft" }).addTo(state.map);
  state.layer = L.layerGroup().addTo(state.map);
  state.map.setView(c?.center || [36.06, 103.83], c?.zoom || 8);
  const basemaps = {};
  for (const b of c?.basemaps || []) {
    basemaps[b.name] = b.url
      ? L.tileLayer(b.url, { attribution: b.attribution || "", subdomains: b.subdomains || "abc", maxZoom: c.max_zoom })
      : L.layerGroup();
    if (b.id === c.default_basemap) basemaps[b.name].addTo(state.map);
  }
  if (Object.keys(basemaps).length > 1) L.control.layers(basemaps, null, { position: "topright" }).addTo(state.map);
  window.spotcheckRoute = state; // what the browser tests read
}

function stopIcon(stop) {
  const visited = stop.visited ? " visited" : "";
  return L.divIcon({
    className: `stop-marker p-${stop.priority}${visited}`,
    html: `<span>${esc(stop.seq)}</span>`,
    iconSize: [28, 28],
    iconAnchor: [14, 14],
    popupAnchor: [0, -14],
  });
}

function drawMap() {
  state.layer.clearLayers();
  state.markers.clear();
  const bounds = L.latLngBounds([]);
  state.vehicles.forEach((v, i) => {
    const colour = LINE_COLOURS[i % LINE_COLOURS.length];
    if (v.line) {
      const line = L.geoJSON(v.line, { style: { color: colour, weight: 4, opacity: 0.8 } }).addTo(state.layer);
      bounds.extend(line.getBounds());
    }
    const base = L.marker([v.base_lat, v.base_lon], {
      icon: L.divIcon({ className: "base-marker", html: "<span>驻</span>", iconSize: [26, 26], iconAnchor: [13, 13] }),
      keyboard: false, zIndexOffset: -100,
    }).bindTooltip(`驻地：${esc(v.base_name)}`).addTo(state.layer);
    bounds.extend(base.getLatLng());
    for (const stop of v.stops) {
      const key = stopKey(v, stop);
      const marker = L.marker([stop.lat, stop.lon], { icon: stopIcon(stop), title: `${stop.seq} ${stop.survey_code}` })
        .bindPopup(() => popupHtml(stop), { autoPan: true })
        .on("click", () => focusStop(key, "map"))
        .addTo(state.layer);
      state.markers.set(key, marker);
      bounds.extend(marker.getLatLng());
    }
  });
  state.map.invalidateSize();
  if (bounds.isValid()) state.map.fitBounds(bounds, { padding: [24, 24], maxZoom: 16, animate: false });
}

function popupHtml(stop) {
  const place = stop.address || [stop.township_name, stop.village].filter(Boolean).join(" ");
  return `<strong>${esc(stop.seq)}. ${esc(stop.survey_code)}</strong><br>${esc(hm(stop.arrival))} 到达 · ${esc(place)}`;
}

// ---- the list ------------------------------------------------------------------------------------------

const stopKey = (v, stop) => `${v.vehicle}-${stop.seq}`;

function summaryRows(v) {
  const lunch = v.break_start ? `${hm(v.break_start)}–${hm(v.break_end)}` : "不安排";
  return [
    ["出发", hm(v.start_at)], ["返回", hm(v.end_at)], ["午休", lunch], ["房屋", `${num(v.houses)} 户`],
    ["里程", `${v.distance_km.toFixed(1)} 公里`], ["用时", minutes(v.duration_minutes)],
    ["途中", minutes(v.travel_minutes)],
    ["驻地", v.base_name],
  ];
}

function exportUrl(v, format) {
  const q = new URLSearchParams({ day: v.day, format, vehicle: v.vehicle });
  return `/api/v1/field/teams/${state.teamId}/days/export?${q}`;
}

function renderVehicle(v) {
  const node = $("vehicle-template").content.firstElementChild.cloneNode(true);
  node.dataset.vehicle = v.vehicle;
  const which = state.vehicles.length > 1 ? `车辆 ${v.vehicle + 1} · ` : "";
  node.querySelector(".vehicle-title").textContent = `${which}${dayLabel(v.day)} 路线`;
  node.querySelector(".summary").append(...summaryRows(v).map(([k, value]) =>
    el("div", {}, el("dt", { text: k }), el("dd", { text: value }))));
  for (const format of ["gpx", "kml", "html"]) node.querySelector(`.dl.${format}`).href = exportUrl(v, format);
  const sheet = new URLSearchParams({ team: state.teamId, day: v.day, vehicle: v.vehicle });
  node.querySelector(".dl.sheet").href = `/route/sheet?${sheet}`;
  const list = node.querySelector(".stops");
  if (!v.stops.length) list.append(el("li", { className: "empty", text: "当天没有安排入户。" }));
  for (const stop of v.stops) list.append(renderStop(v, stop));
  return node;
}

function renderStop(v, stop) {
  const li = $("stop-template").content.firstElementChild.cloneNode(true);
  const key = stopKey(v, stop);
  li.dataset.key = key;
  li.dataset.house = stop.house_id;
  li.dataset.seq = stop.seq;
  state.items.set(key, li);
  fillStop(li, stop);
  li.addEventListener("click", (e) => { if (!e.target.closest("a, button")) focusStop(key, "list"); });
  li.addEventListener("keydown", (e) => { if (e.key === "Enter" && e.target === li) focusStop(key, "list"); });
  li.querySelector(".mark").addEventListener("click", (e) => markVisited(v, stop, e.currentTarget));
  if (state.canInspect) { // the form of this house (web/inspect.js), also without signal
    const q = new URLSearchParams({ draw: state.plan.draw_id, house: stop.house_id });
    li.querySelector(".stop-actions").prepend(el("a", { className: "inspect-link", href: `/route/inspect?${q}`, text: "填写检查表" }));
  }
  return li;
}

function fillStop(li, stop) {
  li.dataset.priority = stop.priority;
  li.dataset.visited = stop.visited;
  li.querySelector(".pin").textContent = stop.seq;
  li.querySelector(".arrival").textContent = `${hm(stop.arrival)} 到达`;
  li.querySelector(".code").textContent = stop.survey_code;
  const priority = li.querySelector(".priority");
  priority.textContent = stop.priority === "normal" ? "" : stop.priority_label;
  priority.hidden = stop.priority === "normal";
  li.querySelector(".visit").textContent = stop.visited ? "已入户" : "未入户";
  const place = li.querySelector(".place");
  const area = [stop.township_name, stop.village].filter(Boolean).join(" · ");
  place.replaceChildren(el("span", { className: "address", text: stop.address || area || "—" }),
    stop.address && area ? el("span", { className: "area", text: area }) : null);
  const facts = [stop.use_class_label, stop.floors ? `${stop.floors} 层` : null, stop.hazard_label,
    `停留约 ${stop.service_minutes} 分钟`, `途中 ${stop.travel_minutes} 分钟 / ${(stop.distance_m / 1000).toFixed(1)} 公里`];
  li.querySelector(".facts").textContent = facts.filter(Boolean).join(" · ");
  const appointment = li.querySelector(".appointment");
  appointment.hidden = !stop.appointment_start;
  appointment.textContent = stop.appointment_start ? `预约 ${hm(stop.appointment_start)}–${hm(stop.appointment_end)}` : "";
  for (const app of ["amap", "baidu", "tencent"]) li.querySelector(`.nav.${app}`).href = stop.links[app];
  li.querySelector(".mark").hidden = !state.canVisit || stop.visited;
}

function focusStop(key, from) {
  if (state.focused) {
    state.items.get(state.focused)?.classList.remove("focused");
    state.markers.get(state.focused)?.getElement()?.classList.remove("focused");
  }
  state.focused = key;
  const li = state.items.get(key);
  const marker = state.markers.get(key);
  li?.classList.add("focused");
  if (!marker) return;
  marker.getElement()?.classList.add("focused");
  if (from === "list") {
    state.map.setView(marker.getLatLng(), Math.max(state.map.getZoom(), 15), { animate: false });
    marker.openPopup();
  } else {
    li?.scrollIntoView({ block: "nearest", behavior: "smooth" });
  }
}

async function markVisited(v, stop, button) {
  if (!confirm(`确认已到 ${stop.seq} 号 ${stop.survey_code} 入户？`)) return;
  const key = stopKey(v, stop);
  const note = state.items.get(key).querySelector(".stop-message");
  say(note, "");
  button.disabled = true;
  try {
    const answer = await postJson(`/api/v1/field/assignments/${state.plan.draw_id}/${stop.house_id}/visited`);
    stop.visited = answer.visited_at !== null;
    keep(`day.${state.teamId}.${state.day}`, state.vehicles, state.savedAt ?? Date.now());
    fillStop(state.items.get(key), stop);
    state.markers.get(key)?.setIcon(stopIcon(stop)); // a new element: keep the focus mark on it
    if (state.focused === key) state.markers.get(key)?.getElement()?.classList.add("focused");
  } catch (err) {
    say(note, err.status === 0 ? "离线，无法标记已入户，请有信号时再试。" : `标记失败：${err.message}`);
  } finally {
    button.disabled = false;
  }
}

// ---- a day ---------------------------------------------------------------------------------------------

function syncUrl() {
  const q = new URLSearchParams();
  if (state.teamFromUrl) q.set("team", state.teamId);
  q.set("day", state.day);
  history.replaceState(null, "", `${location.pathname}?${q}`);
}

function showOffline() {
  const note = $("offline-note");
  note.hidden = state.savedAt === null;
  note.textContent = state.savedAt === null ? "" : `离线：显示 ${savedLabel(state.savedAt)} 保存的路线`;
}

async function showDay(day) {
  const ticket = ++state.loading;
  document.body.dataset.state = "loading";
  state.day = day;
  syncUrl();
  say($("message"), "");
  let answer;
  try {
    answer = await cached(`day.${state.teamId}.${day}`,
      () => getJson(`/api/v1/field/teams/${state.teamId}/days?day=${encodeURIComponent(day)}`));
  } catch (err) {
    if (ticket !== state.loading) return;
    const offline = err instanceof ApiError && err.status === 0;
    say($("message"), offline ? "离线：本机没有保存这一天的路线，请有信号时再打开。" : `路线加载失败：${err.message}`);
    state.vehicles = [];
    render();
    document.body.dataset.state = offline ? "ready" : "error";
    return;
  }
  if (ticket !== state.loading) return;
  state.vehicles = answer.data;
  state.savedAt = answer.savedAt;
  showOffline();
  render();
  document.body.dataset.state = "ready";
}

function renderLegend() {
  const labels = new Map();
  for (const v of state.vehicles) for (const s of v.stops) labels.set(s.priority, s.priority_label);
  const rows = PRIORITIES.filter((p) => labels.has(p)).map((p) =>
    el("span", { className: "legend-item" }, el("span", { className: `legend-pin p-${p}` }), labels.get(p)));
  if (rows.length) rows.push(el("span", { className: "legend-item" }, el("span", { className: "legend-pin visited" }), "已入户"));
  $("legend").replaceChildren(...rows);
}

function render() {
  renderLegend();
  state.items.clear();
  state.focused = null;
  const synthetic = state.plan.synthetic || state.vehicles.some((v) => v.stops.some((s) => s.synthetic));
  $("synthetic-banner").hidden = !synthetic;
  $("vehicles").replaceChildren(...state.vehicles.map(renderVehicle));
  if (!state.vehicles.length && $("message").hidden) say($("message"), "这一天没有安排路线。", "info");
  drawMap();
}

// ---- the plan and the team -----------------------------------------------------------------------------

function planDays(plan) {
  const houses = new Map();
  for (const d of plan.days) houses.set(d.day, (houses.get(d.day) || 0) + d.houses);
  return [...houses.keys()].sort().map((d) => ({ day: d, houses: houses.get(d) }));
}

function defaultDay(days) {
  const wanted = params.get("day");
  if (days.some((d) => d.day === wanted)) return wanted;
  return (days.find((d) => d.day === state.today) || days.find((d) => d.day > state.today) || days[0]).day;
}

/** Keep every day of a freshly read plan, so that days not opened yet are there without signal too. */
function keepPlan(plan) {
  const byDay = new Map();
  for (const d of plan.days) byDay.set(d.day, [...(byDay.get(d.day) || []), d]);
  for (const [d, vehicles] of byDay) keep(`day.${state.teamId}.${d}`, vehicles);
  keep(`plan.${state.teamId}`, { ...plan, days: plan.days.map(({ day, vehicle, houses }) => ({ day, vehicle, houses })) });
}

async function loadPlan() {
  try {
    const plan = await getJson(`/api/v1/field/teams/${state.teamId}/plan`);
    keepPlan(plan);
    if (state.canInspect) { // every house of the plan for the inspection form without signal (inspect-store.js)
      const houses = plan.days.flatMap((d) => d.stops.map((s) => s.house_id));
      state.prefetched = prefetchHouses(state.who.username, plan.draw_id, houses).catch(() => 0);
    }
    return plan;
  } catch (err) {
    const copy = err instanceof ApiError && err.status === 0 ? kept(`plan.${state.teamId}`) : null;
    if (!copy) throw err;
    return copy.data;
  }
}

function ready(text, kind = "info") {
  say($("message"), text, kind);
  document.body.dataset.state = "ready";
}

async function start() {
  state.who = (await cached("who", me)).data;
  showUser(state.who);
  state.canVisit = state.who.permissions.includes("field.visit");
  state.canInspect = state.who.permissions.includes("inspections.write");
  if (state.canInspect) { // what the inspection form still has to send goes when there is signal
    const send = () => Store.open(state.who.username).then((s) => sync(s).finally(() => s.close())).catch(() => {});
    send();
    window.addEventListener("online", send);
  }
  const field = (await cached("fieldme", () => getJson("/api/v1/field/me"))).data;
  state.today = field.today;
  state.teamFromUrl = params.has("team");
  state.teamId = state.teamFromUrl ? Number(params.get("team")) : field.team?.id;
  if (!state.teamId) {
    $("team-title").textContent = "未选择检查组";
    $("hint").hidden = false;
    if (state.who.role === "inspector") $("hint").textContent = "您还没有加入任何检查组，请联系检查机构负责人。";
    document.body.dataset.state = "ready";
    return;
  }
  if (!Number.isSafeInteger(state.teamId) || state.teamId < 1) throw new ApiError(400, "bad_team", "检查组编号无效。");
  const configAnswer = cached("config", () => getJson("/api/v1/map/config")).catch(() => ({ data: null }));
  let plan;
  try {
    plan = await loadPlan();
  } catch (err) {
    if (err.status !== 404) throw err;
    $("team-title").textContent = field.team?.id === state.teamId ? field.team.name : "检查组";
    return ready(err.message);
  }
  state.plan = plan;
  state.config = (await configAnswer).data;
  $("team-title").textContent = `${plan.firm_name} · ${plan.team_name}`;
  document.title = `${plan.team_name} 检查路线 · 甘肃省自建房安全专项整治抽查评估系统`;
  $("provider-note").textContent = `行程时间：${plan.provider_label}。${plan.provider_note || ""}`;
  const unscheduled = $("unscheduled");
  unscheduled.hidden = !plan.unscheduled.length;
  unscheduled.textContent = `另有 ${num(plan.unscheduled.length)} 户未能排入计划`;
  const days = planDays(plan);
  if (!days.length) return ready("当前路线规划没有安排任何一天。");
  const select = $("day-select");
  select.replaceChildren(...days.map((d) =>
    new Option(`${dayLabel(d.day)}${d.day === state.today ? "（今天）" : ""} · ${num(d.houses)} 户`, d.day)));
  select.value = defaultDay(days);
  select.addEventListener("change", () => {
    window.scrollTo({ top: 0 }); // a new list, and the offline note above it in view
    showDay(select.value);
  });
  $("route").hidden = false;
  createMap();
  window.addEventListener("online", () => state.savedAt !== null && showDay(state.day));
  await showDay(select.value);
}

// The shell's service worker (web/route-sw.js, allowed /route by the service's Service-Worker-Allowed
// header). Without one (an old browser, a private window, plain http off localhost) the page needs signal.
navigator.serviceWorker?.register("/web/route-sw.js", { scope: "/route" }).catch(() => {});

start().catch((err) => {
  say($("message"), `加载失败：${err.message}`);
  $("team-title").textContent = "无法显示路线";
  document.body.dataset.state = "error";
});
