// The review of submitted inspections (/review): a queue of the inspections in the caller's scope with the
// server's flags (a position or a photo far from the house, photos without EXIF, serious findings), one
// inspection with the platform's record beside what was found, the photos, the positions on a map and the
// review steps; approve, or return with a comment. Everything comes from /api/v1/inspections (the flags,
// result classes and colours included); this file only draws, and sends what the reviewer chose.
import { dateTime, esc, getJson, me, num, postJson } from "/web/api.js";
import { el, say, showUser } from "/web/dom.js";
import { compareRows, valueText } from "/web/review-compare.js";

const API = "/api/v1/inspections";
const TABS = [["submitted", "待审核"], ["returned", "已退回"], ["approved", "已通过"], ["draft", "草稿"], ["", "全部"]];
const ACTIONS = { submit: "提交审核", approve: "审核通过", return: "退回修改" };
const SUMMARY = [["record_accurate", "排查信息准确"], ["hazard_correct", "隐患判定准确"],
  ["hazard_determination", "现场隐患判定"], ["rectification_observed", "现场整治状态"],
  ["paper_rectification", "数字整治"], ["collapse_risk", "倒塌风险"], ["missed_houses", "漏排房屋（户）"],
  ["platform_updated", "平台已及时更新"]];
// Map marks (presentation only).
const MARKS = { house: "#8b1a1a", opened: "#1f5fa8", submitted: "#2b8a3e", photo: "#e67700", far: "#d9480f" };

const state = {
  who: null, items: [], status: "submitted", team: "", unit: "", current: null, house: null, forms: new Map(),
  comments: new Map(), loads: 0, photo: 0,
};
window.spotcheckReview = state; // what the browser tests read

const $ = (id) => document.getElementById(id);
const message = $("message");
const metres = (d) => (d === null || d === undefined ? "—" : `${num(Math.round(d))} 米`);
const byId = (id) => state.items.find((i) => i.id === id);

// ---- the queue -----------------------------------------------------------------------------------------

function inFilters(i) {
  return (!state.team || String(i.team_id) === state.team) && (!state.unit || i.unit_code === state.unit);
}

function queue() {
  const shown = state.items.filter((i) => inFilters(i) && (!state.status || i.status === state.status));
  const t = (i) => i.submitted_at || i.updated_at;
  // Awaiting review: the oldest submission first; the others: the latest change first.
  return shown.sort((a, b) => (state.status === "submitted" ? (t(a) < t(b) ? -1 : 1) : (t(a) < t(b) ? 1 : -1)));
}

function flagList(flags) {
  return flags.map((f) => el("li", { className: `flag flag-${f.kind}`, dataset: { code: f.code }, text: f.label }));
}

function renderFilters() {
  const fill = (select, pairs) => {
    const keep = select.value;
    select.replaceChildren(select.options[0], ...[...pairs].map(([v, t]) => new Option(t, v)));
    select.value = [...pairs.keys()].includes(keep) ? keep : "";
  };
  fill($("team-filter"), new Map(state.items.map((i) => [String(i.team_id), i.team_name])));
  fill($("unit-filter"), new Map(state.items.map((i) => [i.unit_code, i.unit_name ? `${i.unit_name}（${i.unit_code}）` : i.unit_code])));
}

function renderTabs() {
  const counted = state.items.filter(inFilters);
  $("status-tabs").replaceChildren(...TABS.map(([code, label]) => {
    const n = counted.filter((i) => !code || i.status === code).length;
    const tab = el("button", { type: "button", role: "tab", className: "tab", dataset: { status: code },
      ariaSelected: String(state.status === code) }, label, el("span", { className: "count", text: num(n) }));
    tab.addEventListener("click", () => { state.status = code; renderQueue(); });
    return tab;
  }));
}

function renderQueue() {
  renderTabs();
  const rows = queue();
  $("queue").replaceChildren(...rows.map((i) => {
    const button = el("button", { type: "button", className: "queue-item", dataset: { id: i.id, status: i.status } },
      el("span", { className: "q-code" }, el("code", { text: i.survey_code }),
        el("span", { className: "q-status", text: i.status_label })),
      el("span", { className: "q-where", text: `${i.unit_name || i.unit_code} · ${i.team_name}` }),
      el("span", { className: "q-address", text: i.address || "" }),
      el("span", { className: "q-time", text: `提交 ${dateTime(i.submitted_at)} · 照片 ${num(i.photos)} 张` }),
      el("ul", { className: "flags" }, ...flagList(i.flags)));
    button.addEventListener("click", () => open(i.id));
    return el("li", { className: i.id === state.current?.id ? "selected" : "" }, button);
  }));
  const empty = { submitted: "没有待审核的检查记录。", "": "范围内还没有检查记录。" }[state.status] ?? "没有该状态的检查记录。";
  $("queue-empty").textContent = empty;
  $("queue-empty").hidden = rows.length > 0;
}

function move(step) {
  const rows = queue();
  if (!rows.length) return;
  const at = rows.findIndex((i) => i.id === state.current?.id);
  const next = rows[Math.min(rows.length - 1, Math.max(0, at < 0 ? 0 : at + step))];
  if (next && next.id !== state.current?.id) open(next.id).then(() => {
    document.querySelector(`.queue-item[data-id="${next.id}"]`)?.scrollIntoView({ block: "nearest" });
  });
}

// ---- one inspection ------------------------------------------------------------------------------------

function renderSummary(form, item, summary) {
  const top = new Map(form.sections.flatMap((s) => s.fields).map((f) => [f.name, f]));
  const spec = { hazard_determination: top.get("hazard_observed"), rectification_observed: top.get("rectification_observed") };
  const result = $("result");
  result.replaceChildren();
  result.dataset.result = item?.result_class || "";
  if (item?.result_label) {
    const dot = el("span", { className: "result-dot", "aria-hidden": "true" });
    dot.style.background = item.result_colour;
    result.append(dot, el("strong", { text: item.result_label }));
  } else result.append(el("span", { className: "note", text: "草稿：尚无核查结论。" }));
  $("summary").replaceChildren(...SUMMARY.map(([key, label]) => el("div", { dataset: { key } },
    el("dt", { text: label }), el("dd", { text: valueText(spec[key], summary[key]) }))));
}

function renderFacts(h, ins, item) {
  const reg = h.registry;
  const facts = [["抽样单元", item?.unit_name ? `${item.unit_name}（${h.unit_code}）` : h.unit_code],
    ["检查组", item?.team_name || String(ins.team_id)], ["地址", reg.address || reg.village],
    ["提交时间", dateTime(ins.submitted_at)], ["最后修改", `${ins.updated_by} · ${dateTime(ins.updated_at)}`]];
  $("house-facts").replaceChildren(...facts.map(([k, v]) => el("div", {}, el("dt", { text: k }), el("dd", { text: v || "—" }))));
  $("house-code").textContent = h.survey_code;
  const badge = $("status-badge");
  badge.textContent = ins.status_label;
  badge.dataset.status = ins.status;
  $("detail-flags").replaceChildren(...flagList(item?.flags || []));
  $("synthetic-banner").hidden = !ins.synthetic;
}

// ---- photos --------------------------------------------------------------------------------------------

function photoFacts(p, radius) {
  const where = p.exif_distance_m === null ? "照片无 EXIF 位置" : `拍摄位置距房屋 ${metres(p.exif_distance_m)}`;
  return [["说明", p.caption || "—"], ["拍摄时间（EXIF）", p.taken_at ? dateTime(p.taken_at) : "照片无 EXIF 时间"],
    ["拍摄位置", where + (p.far ? `，超过 ${num(radius)} 米` : "")], ["尺寸", `${p.width} × ${p.height}`]];
}

function renderPhotos(ins) {
  const box = $("photos");
  if (!ins.photos.length) return box.replaceChildren(el("p", { className: "note", text: "没有照片。" }));
  box.replaceChildren(...ins.photos.map((p, k) => {
    const warn = p.far ? `距房屋 ${metres(p.exif_distance_m)}` : p.exif_distance_m === null ? "无位置" : "";
    const button = el("button", { type: "button", className: "thumb", "aria-label": `查看第 ${k + 1} 张照片` },
      el("img", { src: p.url, alt: p.caption || `照片 ${k + 1}`, loading: "lazy" }));
    button.addEventListener("click", () => showPhoto(k));
    return el("figure", { className: p.far ? "photo far" : "photo", dataset: { photo: p.id } }, button,
      el("figcaption", {}, el("span", { className: "cap", text: p.caption || `照片 ${k + 1}` }),
        el("span", { className: "when", text: p.taken_at ? dateTime(p.taken_at) : "无拍摄时间" }),
        warn ? el("span", { className: "warn-tag", text: warn }) : null));
  }));
}

function showPhoto(k) {
  const photos = state.house.inspection.photos;
  state.photo = (k + photos.length) % photos.length;
  const p = photos[state.photo];
  $("viewer-title").textContent = `第 ${state.photo + 1} / ${photos.length} 张：${p.caption || "照片"}`;
  $("viewer-img").src = p.url;
  $("viewer-img").alt = p.caption || "照片";
  $("viewer-facts").replaceChildren(...photoFacts(p, state.house.radius_m).map(([k2, v]) =>
    el("div", { className: k2 === "拍摄位置" && p.far ? "far" : "" }, el("dt", { text: k2 }), el("dd", { text: v }))));
  if (!$("viewer").open) $("viewer").showModal();
}

// ---- the position check ---------------------------------------------------------------------------------

let map;
const layer = L.featureGroup();

function renderMap(h) {
  const ins = h.inspection;
  if (!map) {
    map = L.map("map", { zoomSnap: 0.5, attributionControl: false });
    L.control.scale({ imperial: false, position: "bottomleft" }).addTo(map);
    layer.addTo(map);
    window.spotcheckMap = map;
  }
  const house = [h.lat, h.lon];
  map.invalidateSize();
  map.setView(house, 16, { animate: false }); // a view before any layer: a circle needs one to project
  layer.clearLayers();
  L.circle(house, { radius: h.radius_m, color: MARKS.house, weight: 1, dashArray: "4 4", fillOpacity: 0.05, interactive: false }).addTo(layer);
  const mark = (at, colour, tip, cls, r = 7) => L.circleMarker(at, { radius: r, color: "#fff", weight: 2, fillColor: colour,
    fillOpacity: 0.95, className: cls }).bindTooltip(esc(tip)).addTo(layer);
  const rows = [];
  const dot = (colour) => el("span", { className: "swatch-dot", style: `background:${colour}` });
  const spot = (pos, dist, label, colour, cls) => {
    const far = dist !== null && dist > h.radius_m;
    if (pos) {
      L.polyline([house, [pos.lat, pos.lon]], { color: far ? MARKS.far : colour, weight: 2, dashArray: "6 4", interactive: false }).addTo(layer);
      mark([pos.lat, pos.lon], colour, `${label}：距房屋 ${metres(dist)}`, cls);
    }
    const acc = pos?.accuracy_m != null ? `（定位精度 ${metres(pos.accuracy_m)}）` : "";
    rows.push(el("li", { className: far ? "far" : "", dataset: { kind: cls } }, dot(colour),
      `${label}：${pos || dist !== null ? `距房屋 ${metres(dist)}${acc}` : "未记录位置"}`, far ? el("strong", { text: " 超出范围" }) : null));
  };
  spot(ins.opened_position, ins.opened_distance_m, "打开检查表时", MARKS.opened, "opened");
  spot(ins.submitted_position, ins.submitted_distance_m, "提交时", MARKS.submitted, "submitted");
  ins.photos.forEach((p, k) => {
    if (p.far) rows.push(el("li", { className: "far", dataset: { kind: "photo" } }, dot(MARKS.far),
      `照片 ${k + 1}（EXIF）：距房屋 ${metres(p.exif_distance_m)}`, el("strong", { text: " 超出范围" })));
    if (p.exif_lon === null) return;
    const tip = `照片 ${k + 1}${p.caption ? `（${p.caption}）` : ""}：距房屋 ${metres(p.exif_distance_m)}`;
    mark([p.exif_lat, p.exif_lon], p.far ? MARKS.far : MARKS.photo, tip, "photo-point", 5).on("click", () => showPhoto(k));
  });
  const [near, blind] = [(p) => p.exif_lon !== null && !p.far, (p) => p.exif_lon === null].map((f) => ins.photos.filter(f).length);
  if (ins.photos.length) rows.push(el("li", { dataset: { kind: "photos" } }, dot(MARKS.photo),
    `${num(near)} 张照片拍摄位置在范围内` + (blind ? `，${num(blind)} 张无 EXIF 位置` : "")));
  mark(house, MARKS.house, `房屋 ${h.survey_code}`, "house-point", 8);
  $("positions").replaceChildren(...rows);
  $("radius-note").textContent = `虚线圆为允许范围（${num(h.radius_m)} 米）；橙色点为照片的 EXIF 拍摄位置。距离按椭球面计算。`;
  map.fitBounds(layer.getBounds(), { padding: [24, 24], maxZoom: 17, animate: false });
}

function renderHistory(ins) {
  const rows = ins.reviews.map((r) => el("tr", { dataset: { action: r.action } }, el("td", { text: ACTIONS[r.action] || r.action }),
    el("td", { text: `第 ${r.version} 版` }), el("td", { text: r.by }), el("td", { text: dateTime(r.at) }),
    el("td", { className: "comment", text: r.comment || "" })));
  $("history-body").replaceChildren(...(rows.length ? rows : [el("tr", {}, el("td", { colSpan: 5, className: "note", text: "尚未提交。" }))]));
}

async function formOf(version) {
  if (!state.forms.has(version)) state.forms.set(version, await getJson(`${API}/form?version=${encodeURIComponent(version)}`));
  return state.forms.get(version);
}

function renderDetail() {
  const [h, ins] = [state.house, state.house.inspection];
  const [item, form] = [byId(ins.id), state.forms.get(ins.form_version)];
  renderFacts(h, ins, item);
  $("compare-body").replaceChildren(...compareRows(form, h.registry, ins.answers, ins.summary || {}));
  renderSummary(form, item, ins.summary || {});
  renderPhotos(ins);
  renderHistory(ins);
  $("review-box").hidden = !(ins.status === "submitted" && state.who.permissions.includes("inspections.review"));
  $("review-version").textContent = String(ins.version);
  $("comment").value = state.comments.get(ins.id) || "";
  $("detail").hidden = false;
  renderMap(h);
}

// Open an inspection (read afresh). `keepMessage`: the review message stays (after a review or a conflict);
// `last`: this is the end of the user's action (the page is then "ready").
async function open(id, keepMessage = false, last = true) {
  if (state.current) state.comments.set(state.current.id, $("comment").value);
  document.body.dataset.state = "loading";
  if (!keepMessage) for (const box of [message, $("review-message")]) say(box, "");
  try {
    const where = byId(id) || (await getJson(`${API}/${id}`)); // the house's form holds the inspection
    const house = await getJson(`${API}/houses/${where.draw_id}/${where.house_id}`);
    await formOf(house.inspection.form_version);
    Object.assign(state, { current: house.inspection, house });
    history.replaceState(null, "", `/review?id=${id}`);
    renderDetail();
    renderQueue();
  } catch (err) {
    say(message, err.message);
  }
  if (last) loaded();
}

// ---- reviewing -----------------------------------------------------------------------------------------

async function review(action) {
  const ins = state.house.inspection;
  const comment = $("comment").value.trim();
  const box = $("review-message");
  if (action === "return" && !comment) {
    say(box, "退回修改时须写明意见。");
    return $("comment").focus();
  }
  const after = queue().map((i) => i.id);
  const rest = after.slice(after.indexOf(ins.id) + 1);
  for (const b of [$("approve"), $("return")]) b.disabled = true;
  document.body.dataset.state = "loading";
  try {
    const done = await postJson(`${API}/${ins.id}/review`, { action, version: ins.version, comment: comment || null });
    state.comments.delete(ins.id);
    $("comment").value = "";
    await loadList();
    const rows = queue().map((i) => i.id);
    const next = rest.find((id) => rows.includes(id)) ?? rows.find((id) => id !== ins.id);
    const text = `${done.survey_code} 已${action === "approve" ? "审核通过" : "退回修改"}。`;
    say(next ? box : message, next ? `${text}已打开下一条。` : `${text}队列已审完。`, "ok");
    if (next) await open(next, true, false);
    else { state.current = null; $("detail").hidden = true; renderQueue(); }
  } catch (err) {
    say(box, err.message);
    state.comments.set(ins.id, $("comment").value); // nothing typed is lost
    if (err.status === 409) {
      await loadList().catch(() => {});
      await open(ins.id, true, false);
    }
  } finally {
    for (const b of [$("approve"), $("return")]) b.disabled = false;
    loaded();
  }
}

// ---- loading -------------------------------------------------------------------------------------------

async function loadList() {
  state.items = await getJson(`${API}?limit=5000`);
  renderFilters();
  renderQueue();
}

function loaded() {
  state.loads += 1;
  document.body.dataset.loads = String(state.loads);
  document.body.dataset.state = "ready";
}

function keys(e) {
  if ($("viewer").open) {
    if (e.key === "ArrowRight") showPhoto(state.photo + 1);
    else if (e.key === "ArrowLeft") showPhoto(state.photo - 1);
    return;
  }
  if (e.target.closest("input, textarea, select") || e.ctrlKey || e.metaKey || e.altKey) return;
  const step = { j: 1, ArrowDown: 1, k: -1, ArrowUp: -1 }[e.key];
  if (step) { e.preventDefault(); move(step); }
}

async function start() {
  const who = await me();
  showUser(who);
  state.who = who;
  $("team-filter").addEventListener("change", (e) => { state.team = e.target.value; renderQueue(); });
  $("unit-filter").addEventListener("change", (e) => { state.unit = e.target.value; renderQueue(); });
  $("approve").addEventListener("click", () => review("approve"));
  $("return").addEventListener("click", () => review("return"));
  $("comment").addEventListener("input", () => state.current && state.comments.set(state.current.id, $("comment").value));
  $("viewer-close").addEventListener("click", () => $("viewer").close());
  $("viewer-prev").addEventListener("click", () => showPhoto(state.photo - 1));
  $("viewer-next").addEventListener("click", () => showPhoto(state.photo + 1));
  document.addEventListener("keydown", keys);
  await loadList();
  $("content").hidden = false;
  const wanted = new URLSearchParams(location.search).get("id");
  if (wanted !== null && !/^[1-9][0-9]{0,18}$/.test(wanted)) throw new Error("地址中的检查记录编号无效。");
  const first = wanted ? Number(wanted) : queue()[0]?.id;
  if (wanted && byId(first)) state.status = byId(first).status;
  if (first) return open(first);
  loaded();
}

start().catch((err) => {
  document.body.dataset.state = "error";
  say(message, err.message || "页面加载失败。");
});
