// The managers' questionnaire page (/evaluation/survey; province, firm, inspector): batches of resident links
// per county with their printable QR sheets, the paper questionnaires typed in (any group), and the results
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

async function showBatch(id) {
  const b = await getJson(`${API}/batches/${id}`);
  const box = $("batch-links");
  box.replaceChildren(
    el("h3", { text: `${b.unit_name || b.unit_code} ${b.label || ""}：${b.size} 个链接，已填写 ${b.answered} 个` }),
    el("ol", {}, ...b.tokens.map((t) => el("li", { className: t.answered ? "used" : "" },
      el("a", { href: t.url, target: "_blank", rel: "noopener", text: t.url })))));
  box.hidden = false;
}

function batchRow(b) {
  const sheet = el("a", { href: `${API}/batches/${b.id}/sheet`, target: "_blank", rel: "noopener", text: "打印二维码" });
  const links = el("button", { type: "button", className: "small", text: "查看链接" });
  links.addEventListener("click", () => showBatch(b.id).catch((e) => message(e.message)));
  return el("tr", { dataset: { batchId: b.id } },
    el("td", {}, b.unit_name || b.unit_code, b.synthetic ? el("span", { className: "synthetic-tag", text: "合成" }) : null),
    el("td", { text: String(b.year) }), el("td", { text: b.label || "—" }), el("td", { text: String(b.size) }),
    el("td", { className: "answered", text: String(b.answered) }), el("td", { text: dateTime(b.created_at) }),
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
