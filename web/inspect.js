// The inspectors' form for one drawn house (/route/inspect?draw=…&house=…), offline first. The page, like
// /route, comes from the service worker route-sw.js when there is no signal; the form definition and the
// house's data come from the API when online and from this account's IndexedDB otherwise (inspect-store.js;
// the route page keeps every house of the team's plan there). Every change is kept on the phone at once
// (已保存在本机); "保存草稿" and "提交" queue the change, photos queue as they are taken, and the outbox
// (inspect-sync.js) sends them in order when there is signal (待上传 n 项 → 已同步). A 409 conflict shows the
// server's version beside the phone's until the inspector chooses. Positions: when the form is first opened
// and when it is submitted, with the distance to the house and a warning past the radius.
import { ApiError, dateTime, getJson, me } from "/web/api.js";
import { el, say, showUser } from "/web/dom.js";
import { validate } from "/web/inspection-rules.js";
import { FormView, clean, registryText } from "/web/inspect-form.js";
import { preparePhoto } from "/web/inspect-photo.js";
import { locate, metres } from "/web/inspect-position.js";
import { Store, houseKey } from "/web/inspect-store.js";
import { dropPhoto, keepMine, queuePhoto, queueSave, sameAnswers, sync, takeServer } from "/web/inspect-sync.js";

const WHO = "spotcheck.route.inspect.who"; // under route.js's prefix: logout (web/dom.js) forgets it
const ROUTE_WHO = "spotcheck.route.v1.who"; // route.js's copy of /api/v1/me
const LOCKED = ["submitted", "approved"];
const params = new URLSearchParams(location.search);
const drawId = Number(params.get("draw")), houseId = Number(params.get("house"));
const key = houseKey(drawId, houseId);
const $ = (id) => document.getElementById(id);
const state = { who: null, store: null, form: null, house: null, draft: null, view: null, photos: [], outbox: 0,
  urls: new Map(), all: false, syncing: null, again: false };  // fmt: skip
window.spotcheckInspect = { state, sync: () => runSync() }; // what the browser tests read

// ---- small helpers -------------------------------------------------------------------------------------

function uuid() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 15) | 64;
  b[8] = (b[8] & 63) | 128;
  const h = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

const editable = () => !state.draft.submit && !LOCKED.includes(state.draft.server?.status);

/** The API's answer (kept), or without signal the kept copy (null if none). */
async function onlineFirst(load, keep, kept) {
  try {
    const data = await load();
    await keep(data);
    return { data, fresh: true };
  } catch (err) {
    if (!(err instanceof ApiError) || err.status !== 0) throw err;
    const data = await kept();
    return data ? { data, fresh: false } : null;
  }
}

// ---- the draft -----------------------------------------------------------------------------------------

function fromServer(s) {
  return { client_id: s.client_id, base_version: s.version, form_version: s.form_version, server: s,
    answers: structuredClone(s.answers), payload: s.answers, submit: LOCKED.includes(s.status) };  // fmt: skip
}

async function initialDraft(fresh) {
  const server = state.house.inspection;
  const kept = await state.store.get("drafts", key);
  const blank = { key, draw_id: drawId, house_id: houseId, client_id: uuid(), base_version: 0, answers: {},
    payload: {}, form_version: state.house.form_version, opened: null, submitted: null, submit: false,
    dirty: false, server: null, conflict: null, error: null };  // fmt: skip
  if (!kept) return { ...blank, ...(server ? fromServer(server) : {}) };
  const pending = (await state.store.byHouse("outbox", key)).length;
  if (fresh && server && !pending && !kept.dirty && !kept.conflict) {
    return { ...kept, ...fromServer(server) }; // nothing of the phone's unsent: the server's is the latest
  }
  return kept;
}

/** Keep the page's part of the draft (the sync writes its own part in the same record). */
async function keepDraft(change) {
  const d = await state.store.change("drafts", key, change);
  if (d) state.draft = d;
}

async function answersChanged() {
  const answers = state.view.answers, payload = clean(state.form, answers, state.house.registry);
  // "dirty": the phone holds answers the server has not (whatever was queued or sent before).
  await keepDraft((d) => Object.assign(d, { answers, payload, dirty: !sameAnswers(payload, d.server?.answers), saved_at: Date.now() }));
  await refresh();
}

async function reload() {
  state.draft = await state.store.get("drafts", key);
  state.photos = (await state.store.byHouse("photos", key)).sort((a, b) => a.added_at - b.added_at);
  state.outbox = (await state.store.byHouse("outbox", key)).length;
}

async function runSync() {
  if (state.syncing) {
    state.again = true;
    return state.syncing;
  }
  state.syncing = (async () => {
    do {
      state.again = false;
      await sync(state.store, () => reload().then(draw)).catch((err) => say($("message"), `上传失败：${err.message}`));
    } while (state.again);
    state.syncing = null;
    await refresh();
  })();
  return state.syncing;
}

// ---- drawing -------------------------------------------------------------------------------------------

function photoCount() {
  const local = state.photos.filter((p) => !p.error);
  const ids = new Set(local.map((p) => p.client_id));
  return local.length + (state.draft.server?.photos || []).filter((p) => !ids.has(p.client_id)).length;
}

function problems() {
  return validate(state.form, state.view.answers, state.house.registry, photoCount());
}

function drawStatus() {
  const d = state.draft, box = $("sync-status");
  let kind = "synced", text = "已同步";
  if (d.conflict) [kind, text] = ["conflict", "版本冲突：请在下方选择保留哪个版本"];
  else if (state.outbox) [kind, text] = ["pending", `待上传 ${state.outbox} 项${navigator.onLine ? "" : "（离线，有信号后自动上传）"}`];
  else if (d.dirty || !d.server) [kind, text] = ["local", "已保存在本机"];
  box.dataset.sync = kind;
  box.textContent = text;
  document.body.dataset.sync = kind;
  const local = d.submit && !LOCKED.includes(d.server?.status);
  $("status-badge").textContent = local ? "已提交（待上传）" : d.server ? `${d.server.status_label} · 第 ${d.server.version} 版` : "新检查（尚未上传）";
}

function drawPositions() {
  const d = state.draft, house = { lon: state.house.lon, lat: state.house.lat }, radius = state.house.radius_m;
  const line = (label, p) => `${label}：距房屋约 ${Math.round(metres(p, house))} 米（定位精度 ±${Math.round(p.accuracy_m ?? 0)} 米，${dateTime(p.at)}）`;
  $("position-opened").textContent = d.opened ? line("打开检查表时", d.opened) : state.positionError || "正在定位…";
  $("position-submitted").hidden = !d.submitted;
  if (d.submitted) $("position-submitted").textContent = line("提交时", d.submitted);
  const far = [["打开检查表", d.opened], ["提交", d.submitted]].filter(([, p]) => p && metres(p, house) > radius)
    .map(([label, p]) => `${label}时的位置距房屋 ${Math.round(metres(p, house))} 米，超过 ${Math.round(radius)} 米：请确认是否在房屋现场。`);
  for (const w of d.server?.position_warnings || []) if (!far.includes(w)) far.push(`服务器：${w}`);
  say($("position-warning"), far.join("\n"), "info");
  $("locate-again").hidden = !!d.opened || !editable();
}

function drawConflict() {
  const c = state.draft.conflict, box = $("conflict");
  box.hidden = !c;
  if (!c) return;
  box.querySelector(".conflict-message").textContent = c.message;
  const s = c.server;
  box.querySelector(".conflict-server").textContent = s
    ? `服务器上为第 ${s.version} 版（${s.status_label}），${s.updated_by} 于 ${dateTime(s.updated_at)} 保存。` : "暂时取不到服务器上的版本（离线），有信号时重新打开本页即可查看。";
  const fields = state.form.sections.flatMap((x) => x.fields);
  const mine = state.draft.payload || {}, theirs = s?.answers || {};
  const show = (f, v) => (v === undefined ? "未填" : f.type === "repeat" ? `${v.length} 条` : registryText(f, v));
  const diff = fields.filter((f) => !sameAnswers({ v: mine[f.name] }, { v: theirs[f.name] }));
  box.querySelector(".conflict-diff").replaceChildren(...diff.map((f) => el("li", {},
    el("strong", { text: f.label }), el("span", { className: "mine", text: `本机：${show(f, mine[f.name])}` }),
    el("span", { className: "theirs", text: `服务器：${show(f, theirs[f.name])}` }))));
  const locked = s && LOCKED.includes(s.status);
  $("keep-mine").disabled = !!locked;
  $("keep-mine").textContent = locked ? "服务器上已提交，不能覆盖" : `保留本机的填写（在第 ${s ? s.version : 0} 版上重新上传）`;
  $("take-server").disabled = !s;
}

function drawReviews() {
  const returns = (state.draft.server?.reviews || []).filter((r) => r.action === "return");
  $("reviews").hidden = !returns.length || state.draft.server.status !== "returned";
  $("reviews").querySelector(".review-list").replaceChildren(...returns.reverse().map((r) =>
    el("li", {}, el("p", { className: "comment", text: r.comment || "" }), el("span", { className: "note", text: `${r.by} · ${dateTime(r.at)} · 第 ${r.version} 版` }))));
}

function photoUrl(p) {
  if (!state.urls.has(p.client_id)) state.urls.set(p.client_id, URL.createObjectURL(p.blob));
  return state.urls.get(p.client_id);
}

function drawPhotos() {
  const slot = state.view.photoSlot;
  let box = slot.querySelector(".photo-box");
  if (!box) {
    const input = el("input", { type: "file", accept: "image/*", multiple: true, id: "photo-input", className: "photo-input" });
    input.setAttribute("capture", "environment");
    input.addEventListener("change", () => addPhotos([...input.files]).finally(() => { input.value = ""; }));
    box = el("div", { className: "photo-box" }, el("label", { className: "take-photo big", htmlFor: "photo-input", text: "📷 拍照或选择照片" }),
      input, el("ul", { className: "photos" }));
    slot.insertBefore(box, slot.querySelector(".problem"));
  }
  const ids = new Set(state.photos.map((p) => p.client_id));
  const server = (state.draft.server?.photos || []).filter((p) => !ids.has(p.client_id));
  const items = [...state.photos.map((p) => ({ local: p })), ...server.map((p) => ({ remote: p }))];
  // Each photo keeps its element across redraws (a sync step redraws while the inspector types a caption).
  const list = box.querySelector("ul.photos");
  const kept = new Map([...list.children].map((li) => [li.dataset.client, li]));
  const nodes = items.map(({ local, remote }) => {
    const id = (local || remote).client_id;
    const li = kept.get(id) || photoItem(id, local);
    const caption = li.querySelector(".caption"), img = li.querySelector("img");
    const src = local ? photoUrl(local) : remote.url;
    if (img.getAttribute("src") !== src) img.src = src;
    if (caption !== document.activeElement) caption.value = (local ? local.caption : remote.caption) || "";
    const sent = remote || local.uploaded;
    li.dataset.uploaded = String(!!sent);
    li.querySelector(".photo-state").textContent = local?.error ? `未能上传：${local.error}` : sent ? "已上传" : "待上传";
    caption.disabled = li.querySelector(".drop-photo").hidden = !!sent || !editable();
    return li;
  });
  // Moving an element takes the focus from it: the list is rebuilt only when its photos change.
  if (nodes.length !== list.children.length || nodes.some((li, k) => list.children[k] !== li)) list.replaceChildren(...nodes);
}

/** A photo's list item; its caption is kept on the phone as it is typed. */
function photoItem(id, local) {
  const li = $("photo-template").content.firstElementChild.cloneNode(true);
  li.dataset.client = id;
  const caption = li.querySelector(".caption");
  if (local) {
    caption.addEventListener("input", () => state.store.change("photos", id, (p) => { p.caption = caption.value.trim(); }));
    li.querySelector(".drop-photo").addEventListener("click", () => removePhoto(local));
  }
  return li;
}

function drawMissing() {
  const list = problems();
  $("missing-box").hidden = !editable();
  $("missing-count").textContent = list.length ? `提交前还需完成 ${list.length} 项：` : "已填写完整，可以提交。";
  $("missing").replaceChildren(...list.map((p) => {
    const li = el("li", { text: p.message, dataset: { field: p.field } });
    li.addEventListener("click", () => document.querySelector(`.field[data-name="${CSS.escape(p.field)}"]`)?.scrollIntoView({ block: "center" }));
    return li;
  }));
  state.view.refresh(list, state.all);
  const err = state.draft.error;
  if (err) say($("message"), [err.message, ...err.errors.map((e) => e.message)].join("\n"));
}

function draw() {
  if (!state.view) return;
  state.view.setReadOnly(!editable());
  $("actions").hidden = !editable();
  drawStatus();
  drawPositions();
  drawConflict();
  drawReviews();
  drawPhotos();
  drawMissing();
}

async function refresh() {
  await reload();
  draw();
}

// ---- actions -------------------------------------------------------------------------------------------

async function addPhotos(files) {
  for (const file of files) {
    try {
      const p = await preparePhoto(file);
      const photo = { client_id: uuid(), key, blob: p.blob, width: p.width, height: p.height, resized: p.resized,
        exif: p.exif, caption: "", name: file.name, added_at: Date.now(), uploaded: false, error: null };  // fmt: skip
      await state.store.put("photos", photo);
      await queuePhoto(state.store, key, photo.client_id);
    } catch (err) {
      say($("message"), err.message);
    }
  }
  await refresh();
  runSync();
}

async function removePhoto(photo) {
  if (!(await dropPhoto(state.store, photo.client_id))) say($("message"), "该照片正在上传，不能删除。");
  URL.revokeObjectURL(state.urls.get(photo.client_id));
  state.urls.delete(photo.client_id);
  await refresh();
}

async function saveDraft() {
  say($("message"), "");
  await queueSave(state.store, key, false);
  await refresh();
  await runSync();
}

async function submit() {
  state.all = true;
  const list = problems();
  if (list.length) {
    draw();
    say($("message"), `还有 ${list.length} 项未完成，请按提示补全后再提交。`);
    $("missing-box").scrollIntoView({ block: "start" });
    return;
  }
  if (!confirm("提交后不能再修改（审核退回后可修改）。确认提交？")) return;
  let submitted = null;
  try {
    submitted = await locate();
  } catch (err) {
    say($("message"), `${err.message}（检查表照常提交，不带提交时的位置。）`, "info");
  }
  await keepDraft((d) => Object.assign(d, { submit: true, submitted, error: null }));
  await queueSave(state.store, key, true);
  await refresh();
  await runSync();
}

async function openedPosition() {
  if (state.draft.opened || !editable()) return;
  try {
    const opened = await locate();
    state.positionError = null;
    await keepDraft((d) => { d.opened = d.opened || opened; });
  } catch (err) {
    state.positionError = `未能取得位置：${err.message}`;
  }
  draw();
}

async function choose(fn) {
  await fn(state.store, key);
  await reload();
  state.view.fill(state.draft.answers);
  draw();
  await runSync();
}

// ---- start ---------------------------------------------------------------------------------------------

async function caller() {
  try {
    const who = await me();
    const { username, name, role_label, scope_label, permissions } = who;
    localStorage.setItem(WHO, JSON.stringify({ username, name, role_label, scope_label, permissions }));
    return who;
  } catch (err) {
    // Without signal: the caller this page kept last, or the one the route page kept (route.js's "who").
    const kept = err.status === 0
      ? JSON.parse(localStorage.getItem(WHO) || "null") || JSON.parse(localStorage.getItem(ROUTE_WHO) || "null")?.data : null;
    if (!kept) throw err;
    return kept;
  }
}

function drawHouse() {
  const h = state.house, r = h.registry;
  $("house-title").textContent = `${h.survey_code} · ${r.address || [r.township_name, r.village].filter(Boolean).join(" ")}`;
  $("synthetic-banner").hidden = !h.synthetic;
  const specs = new Map(state.form.registry_fields.map((x) => [x.name, x]));
  const rows = [["排查编码", h.survey_code], ["地址", r.address || "—"], ["乡镇", r.township_name || "—"], ["村（社区）", r.village || "—"],
    ...["use_class", "structure", "floors", "initial_determination", "hazard_grade"].map((k) => [specs.get(k)?.label || k, registryText(specs.get(k), r[k])])];
  $("house-facts").replaceChildren(...rows.map(([k, v]) => el("div", {}, el("dt", { text: k }), el("dd", { text: v }))));
}

async function start() {
  if (!(Number.isSafeInteger(drawId) && drawId > 0 && Number.isSafeInteger(houseId) && houseId > 0)) {
    throw new ApiError(400, "bad_house", "链接中缺少抽样或房屋编号，请从检查路线页面打开。");
  }
  state.who = await caller();
  showUser(state.who);
  state.store = await Store.open(state.who.username);
  const house = await onlineFirst(() => getJson(`/api/v1/inspections/houses/${drawId}/${houseId}`),
    (d) => state.store.keepHouse(d), async () => (await state.store.house(key))?.data);
  if (!house) throw new ApiError(0, "offline", "离线：本机没有这户房屋的资料，请有信号时先打开检查路线页面。");
  state.house = house.data;
  const version = state.house.form_version;
  const form = await onlineFirst(() => getJson(`/api/v1/inspections/form?version=${encodeURIComponent(version)}`),
    (f) => state.store.keepForm(f), () => state.store.form(version));
  if (!form) throw new ApiError(0, "offline", "离线：本机没有检查表，请有信号时先打开一次。");
  state.form = form.data;
  state.draft = await initialDraft(house.fresh);
  await state.store.put("drafts", state.draft);
  drawHouse();
  state.view = new FormView($("form"), state.form, state.draft.answers, {
    registry: state.house.registry, house: { lon: state.house.lon, lat: state.house.lat }, locate,
    onChange: () => answersChanged(),
  });
  state.view.fill(state.draft.answers);
  $("save").addEventListener("click", saveDraft);
  $("submit").addEventListener("click", submit);
  $("locate-again").addEventListener("click", openedPosition);
  $("keep-mine").addEventListener("click", () => choose(keepMine));
  $("take-server").addEventListener("click", () => choose(takeServer));
  window.addEventListener("online", () => runSync());
  window.addEventListener("offline", () => drawStatus());
  $("inspect").hidden = false;
  await refresh();
  document.body.dataset.state = "ready";
  await openedPosition();
  await runSync();
}

navigator.serviceWorker?.register("/web/route-sw.js", { scope: "/route" }).catch(() => {});

start().catch((err) => {
  say($("message"), err.status === 0 ? err.message : `加载失败：${err.message}`);
  $("house-title").textContent = "无法打开检查表";
  $("sync-status").hidden = true;
  document.body.dataset.state = "error";
});
