// The managers' questionnaire page (/evaluation/survey; province, firm, inspector): batches of resident links
// per county with their printable QR sheets (links stopped when a sheet is lost), the paper questionnaires typed in (any group), and the results
// of the scope (web/survey-results.js; a role without the results' permission sees the first two only).
// Everything shown comes from the API and is set as text. window.spotcheckSurvey.loads counts the loads.

import { ApiError, dateTime, getJson, me, postJson } from "/web/api.js";
import { el, say, showUser } from "/web/dom.js";
import { drawForm, newClientId, readForm } from "/web/survey-form.js";
import { showResults } from "/web/survey-results.js";

const API = "/api/v1/evaluation/survey";
const $ = (id) => document.getElementById(id);
const hooks = (window.spotcheckSurvey = { loads: 0 });
let definition = null;
let paperClient = newClientId();

function message(text, kind = "error") {
  say($("message"), text, kind);
}

function fillUnits(units) {
  for (const select of document.querySelectorAll("select.units")) {
    select.replaceChildren(...units.map((u) => el("option", { value: u.code, text: `${u.name}（${u.code}）` })));
  }
}

// A link handed to the wrong people, or a lost sheet, is stopped: one link, or every link not answered yet.
// Answers already given stay; the server refuses a stopped link (问卷链接无效或已停用).
async function revoke(b, tokens, question) {
  if (!window.confirm(question)) return;
  try {
    const after = await postJson(`${API}/batches/${b.id}/revoke`, tokens ? { tokens } : {});
    message(`已停用；该批次共停用 ${after.revoked} 个链接，已填写的问卷保留。`, "ok");
    await loadBatches();
    drawBatch(after);
  } catch (e) {
    message(e.message);
  }
}

function linkItem(b, t) {
  const state = t.revoked ? "（已停用）" : t.answered ? "（已填写）" : "";
  const li = el("li", { className: [t.answered && "used", t.revoked && "revoked"].filter(Boolean).join(" "),
    dataset: { token: t.token } }, el("a", { href: t.url, target: "_blank", rel: "noopener", text: t.url }), state);
  if (!t.revoked && !t.answered) {
    const stop = el("button", { type: "button", className: "small stop-link", text: "停用" });
    stop.addEventListener("click", () => revoke(b, [t.token], "停用这个链接？停用后扫码将无法填写。"));
    li.append(" ", stop);
  }
  return li;
}

function drawBatch(b) {
  const box = $("batch-links");
  const open = b.tokens.filter((t) => !t.revoked && !t.answered).length;
  const all = el("button", { type: "button", className: "small", id: "stop-all", text: `停用全部未填写的链接（${open} 个）`,
    disabled: open === 0 });
  all.addEventListener("click", () => revoke(b, null, `停用该批次全部 ${open} 个未填写的链接？已填写的问卷保留。`));
  box.replaceChildren(
    el("h3", { text: `${[b.unit_name || b.unit_code, b.label].filter(Boolean).join(" ")}：${b.size} 个链接，已填写 ${b.answered} 个` +
      (b.revoked ? `，已停用 ${b.revoked} 个` : "") }),
    el("div", { className: "inline" }, all),
    el("ol", {}, ...b.tokens.map((t) => linkItem(b, t))));
  box.dataset.batch = b.id;
  box.hidden = false;
}

async function showBatch(id) {
  drawBatch(await getJson(`${API}/batches/${id}`));
}

function batchRow(b) {
  const sheet = el("a", { href: `${API}/batches/${b.id}/sheet`, target: "_blank", rel: "noopener", text: "打印二维码" });
  const links = el("button", { type: "button", className: "small", text: "查看链接" });
  links.addEventListener("click", () => showBatch(b.id).catch((e) => message(e.message)));
  return el("tr", { dataset: { batchId: b.id } },
    el("td", {}, b.unit_name || b.unit_code, b.synthetic ? el("span", { className: "synthetic-tag", text: "合成" }) : null),
    el("td", { text: String(b.year) }), el("td", { text: b.label || "—" }), el("td", { text: String(b.size) }),
    el("td", { className: "answered", text: String(b.answered) + (b.revoked ? `（停用 ${b.revoked}）` : "") }),
    el("td", { text: dateTime(b.created_at) }),
    el("td", {}, sheet, " ", links));
}

async function loadBatches() {
  const batches = await getJson(`${API}/batches`);
  $("batch-table").querySelector("tbody").replaceChildren(...batches.map(batchRow));
  return batches;
}

function drawPaper() {
  const g = $("paper-group").value;
  const d = definition;
  drawForm($("paper-questions"), { year: d.year, parts: d.parts, scale: d.scale, group: g, ...d.groups[g] });
}

async function savePaper(event) {
  event.preventDefault();
  const { answer, missing } = readForm($("paper-questions"));
  if (missing.length) return say($("paper-message"), `还有 ${missing.length} 道必答题未录入：${missing.join("；")}`);
  const body = { client_id: paperClient, group: $("paper-group").value, year: hooks.year, unit_code: $("paper-unit").value,
    paper_ref: $("paper-ref").value.trim() || null, ...answer };
  try {
    const r = await postJson(`${API}/paper`, body);
    paperClient = newClientId();
    $("paper-ref").value = "";
    drawPaper();
    say($("paper-message"), r.replayed ? "该纸质问卷已录入过，未重复保存。" : "纸质问卷已保存（标记为纸质录入）。", "ok");
    await loadResults();
  } catch (e) {
    say($("paper-message"), e.message); // the same client id is sent again: a resend is stored once
  }
}

async function createBatch(event) {
  event.preventDefault();
  try {
    const b = await postJson(`${API}/batches`, { unit_code: $("batch-unit").value, year: hooks.year,
      size: Number($("batch-size").value), label: $("batch-label").value.trim() });
    message(`已生成 ${b.size} 个群众问卷链接。`, "ok");
    await loadBatches();
    await showBatch(b.id);
  } catch (e) {
    message(e.message);
  }
}

async function loadResults() {
  if (!hooks.canRead) return;
  const results = await getJson(`${API}/results${hooks.year ? `?year=${hooks.year}` : ""}`);
  showResults(results, results[0]?.year ?? hooks.year ?? new Date().getFullYear());
  $("synthetic-banner").hidden = !results.some((u) => u.synthetic);
  hooks.loads += 1;
}

async function start() {
  try {
    const who = await me();
    showUser(who);
    hooks.canRead = who.permissions.includes("evaluation.read");
    const [years, units] = await Promise.all([getJson(`${API}/definitions`), getJson(`${API}/units`)]);
    hooks.year = Number(new URLSearchParams(location.search).get("year")) || undefined; // else this year (server)
    definition = await getJson(`${API}/definitions/${years.current}`);
    fillUnits(units);
    drawPaper();
    $("paper-group").addEventListener("change", drawPaper);
    $("paper-form").addEventListener("submit", savePaper);
    $("batch-form").addEventListener("submit", createBatch);
    const batches = await loadBatches();
    $("results").hidden = !hooks.canRead;
    await loadResults();
    if (!hooks.canRead) hooks.loads += 1;
    if (batches.some((b) => b.synthetic)) $("synthetic-banner").hidden = false;
    $("content").hidden = false;
    document.body.dataset.state = "ready";
  } catch (e) {
    message(e instanceof ApiError ? e.message : "页面加载失败，请刷新重试。");
    document.body.dataset.state = "error";
  }
}

start();
