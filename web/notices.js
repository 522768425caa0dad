// What follows from the findings (/notices): control alerts for houses at risk of collapse (acknowledge,
// record measures), findings awaiting a rectification notice (issue with a deadline), the notices with their
// progress (the county office answers with text and files; the city office accepts or rejects), overdue
// notices highlighted. Everything comes from /api/v1/followup; what a user may do follows /api/v1/me's
// permissions (the server checks them again). Data is always set as text, never parsed as HTML.
import { dateTime, getJson, me, postForm, postJson } from "/web/api.js";
import { el, say, showUser } from "/web/dom.js";

const API = "/api/v1/followup";
const MEASURES = ["stop_use", "seal_and_warn", "evacuate"]; // a control record's (service/followup/models.py)
const state = { who: null, can: new Set(), measures: new Map(), notices: [], awaiting: [], controls: [], open: null, loads: 0 };
window.spotcheckNotices = state; // what the browser tests read

const $ = (id) => document.getElementById(id);
const message = $("message");
const shanghaiToday = () => new Date(Date.now() + 8 * 3600000).toISOString().slice(0, 10);
const addDays = (iso, n) => new Date(Date.parse(`${iso}T00:00:00Z`) + n * 86400000).toISOString().slice(0, 10);

async function act(work, done) {
  try {
    await work();
    say(message, done, "ok");
    await load();
  } catch (e) {
    say(message, e.message || String(e));
  }
}

// ---- control alerts ------------------------------------------------------------------------------------

function recordForm(c) {
  const boxes = MEASURES.map((code) => el("label", {}, el("input", { type: "checkbox", name: "measures", value: code }),
    ` ${state.measures.get(code) || code}`));
  const when = el("input", { type: "datetime-local", name: "taken_at", required: true });
  const form = el("form", { className: "act record-form" },
    el("div", { className: "row" }, "管控措施：", ...boxes),
    el("div", { className: "row" }, el("label", {}, "措施时间 ", when),
      el("label", {}, "责任人 ", el("input", { name: "responsible", maxLength: 50, required: true }))),
    el("label", {}, "说明 ", el("input", { name: "note", maxLength: 500 })),
    el("label", {}, "照片 ", el("input", { type: "file", name: "files", multiple: true, accept: "image/jpeg,image/png,image/webp" })),
    el("div", { className: "row" }, el("button", { type: "submit", text: "记录管控措施" })));
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const data = new FormData(form);
    if (!when.value) return say(message, "请填写措施时间。");
    data.set("taken_at", `${when.value}:00+08:00`); // the time as read on a clock in Gansu
    act(() => postForm(`${API}/controls/${c.id}/records`, data), "管控措施已记录。");
  });
  return form;
}

const isAlert = (c) => !c.acknowledged_at && !c.cleared_at;

function badge(c) {
  if (c.cleared_at) return el("span", { className: "badge cleared", text: `已解除：复核后不存在倒塌风险（${dateTime(c.cleared_at)}）` });
  if (!c.acknowledged_at) return el("span", { className: "badge alert", text: "未确认" });
  return el("span", { className: "badge ok", text: `已确认 ${c.acknowledged_by || ""}` });
}

function alertCard(c) {
  const unacknowledged = isAlert(c);
  const records = el("ul", { className: "records" }, ...c.records.map((r) => el("li", {},
    `${dateTime(r.taken_at)} ${r.measure_labels.join("、")}，责任人 ${r.responsible}`,
    r.note ? `；${r.note}` : "", r.source === "form" ? "（检查表）" : "", r.photos.length ? `；照片 ${r.photos.length} 张` : "")));
  const card = el("li", { className: `card${unacknowledged ? " unacknowledged" : ""}`, dataset: { caseId: c.id } },
    el("h3", {}, `${c.survey_code} · ${c.unit_name || c.unit_code}`, badge(c)),
    el("div", { text: `${c.address || ""}；发现时间 ${dateTime(c.opened_at)}` }), records);
  if (unacknowledged && state.can.has("controls.acknowledge")) {
    const button = el("button", { type: "button", className: "ack", text: "确认预警" });
    button.addEventListener("click", () => act(() => postJson(`${API}/controls/${c.id}/acknowledge`, { version: c.version }), "预警已确认。"));
    card.append(button);
  }
  if (state.can.has("controls.record")) card.append(recordForm(c));
  return card;
}

// ---- findings awaiting a notice ------------------------------------------------------------------------

function awaitingRow(a) {
  const deadline = el("input", { type: "date", min: addDays(shanghaiToday(), 1), value: addDays(shanghaiToday(), 30), required: true });
  const issue = el("button", { type: "button", className: "issue", text: "下发整改通知" });
  issue.addEventListener("click", () => act(() => postJson(`${API}/notices`, {
    inspection_id: a.inspection_id, deadline: deadline.value, notice_version: a.notice_version ?? undefined,
  }), "整改通知已下发。"));
  const problems = [a.collapse_risk ? "倒塌风险" : "严重隐患", a.paper_rectification ? "数字整治" : null].filter(Boolean).join("、");
  return el("tr", { dataset: { inspectionId: a.inspection_id } }, el("td", { text: a.survey_code }), el("td", { text: a.address || "" }),
    el("td", { text: a.unit_name || a.unit_code }), el("td", { text: problems }), el("td", {}, deadline), el("td", {}, issue));
}

// ---- notices -------------------------------------------------------------------------------------------

function noticeRow(n) {
  const more = el("button", { type: "button", className: "open", text: "详情" });
  more.addEventListener("click", () => openNotice(n.id));
  const doc = n.document_url ? el("a", { href: n.document_url, text: "下载 .docx" }) : "—";
  return el("tr", { className: [n.overdue ? "overdue" : "", state.open === n.id ? "selected" : ""].join(" ").trim(), dataset: { noticeId: n.id } },
    el("td", { text: n.number || "（草稿）" }), el("td", { text: n.survey_code }), el("td", { text: n.unit_name || n.unit_code }),
    el("td", {}, n.status_label, n.overdue ? el("span", { className: "badge overdue", text: "已逾期" }) : ""),
    el("td", { text: n.deadline || "—" }), el("td", {}, doc), el("td", {}, more));
}

function answerForm(n) {
  const form = el("form", { className: "act answer-form" },
    el("label", {}, "整改进展 ", el("textarea", { name: "text", maxLength: 2000, required: true })),
    el("label", {}, "佐证材料（照片或 PDF） ", el("input", { type: "file", name: "files", multiple: true, accept: "image/jpeg,image/png,image/webp,application/pdf" })),
    el("label", {}, el("input", { type: "checkbox", name: "done", value: "true" }), " 整改已完成，申请验收销号"),
    el("div", { className: "row" }, el("button", { type: "submit", text: "报送" })));
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const data = new FormData(form);
    data.set("version", String(n.version));
    if (!data.get("done")) data.delete("done");
    act(() => postForm(`${API}/notices/${n.id}/progress`, data), "整改进展已报送。");
  });
  return form;
}

function decisionForm(n) {
  const comment = el("textarea", { name: "comment", maxLength: 2000, placeholder: "退回时须写明意见" });
  const send = (action) => act(() => postJson(`${API}/notices/${n.id}/decision`, { action, version: n.version, comment: comment.value.trim() || null }),
    action === "accept" ? "已验收销号。" : "已退回整改。");
  const accept = el("button", { type: "button", className: "accept", text: "验收销号" });
  const reject = el("button", { type: "button", className: "reject", text: "退回整改" });
  accept.addEventListener("click", () => send("accept"));
  reject.addEventListener("click", () => send("reject"));
  return el("form", { className: "act decision-form" }, el("label", {}, "意见 ", comment), el("div", { className: "row" }, accept, reject));
}

async function openNotice(id) {
  state.open = id;
  const n = await getJson(`${API}/notices/${id}`);
  const box = $("detail");
  const steps = el("ol", { className: "steps" }, ...n.steps.map((s) => el("li", { dataset: { action: s.action } },
    el("span", { className: "when", text: dateTime(s.at) }), `${s.action_label} · ${s.account_name}（${s.organisation || ""}）`,
    s.text ? el("span", { className: "text", text: s.text }) : "",
    ...s.files.map((f) => el("a", { href: f.url, text: ` 📎${f.filename}`, className: "file" })))));
  box.replaceChildren(
    el("h3", { text: `${n.number || "草稿"} · ${n.survey_code} · ${n.status_label}${n.overdue ? "（已逾期）" : ""}` }),
    el("p", { text: `整改期限：${n.deadline || "—"}；主送：${n.unit_name || n.unit_code}自建房安全专项整治工作专班` }),
    n.document_sha256 ? el("p", { className: "hint", text: `文书 SHA-256：${n.document_sha256}` }) : "",
    el("h4", { text: "整改要求" }), el("ul", {}, ...n.requirements.map((r) => el("li", { text: r }))),
    el("h4", { text: "办理过程" }), steps);
  if (state.can.has("notices.answer") && ["issued", "in_progress"].includes(n.status)) box.append(answerForm(n));
  if (state.can.has("notices.close") && n.status === "reported_done") box.append(decisionForm(n));
  box.hidden = false;
  for (const row of document.querySelectorAll("#notice-table tbody tr")) row.classList.toggle("selected", Number(row.dataset.noticeId) === id);
}

// ---- loading -------------------------------------------------------------------------------------------

async function load() {
  const overdue = $("only-overdue").checked ? "?overdue=true" : "";
  const issuer = state.can.has("notices.issue");
  const [controls, notices, awaiting] = await Promise.all([
    getJson(`${API}/controls`), getJson(`${API}/notices${overdue}`), issuer ? getJson(`${API}/awaiting`) : [],
  ]);
  Object.assign(state, { controls, notices, awaiting });
  $("alert-list").replaceChildren(...controls.map(alertCard));
  $("alerts-count").textContent = `（未确认 ${controls.filter(isAlert).length} / 共 ${controls.length}）`;
  $("alerts-empty").hidden = controls.length > 0;
  $("awaiting").hidden = !issuer;
  $("awaiting-table").querySelector("tbody").replaceChildren(...awaiting.map(awaitingRow));
  $("awaiting-count").textContent = `（${awaiting.length}）`;
  $("awaiting-empty").hidden = awaiting.length > 0;
  $("notice-table").querySelector("tbody").replaceChildren(...notices.map(noticeRow));
  $("notices-count").textContent = `（逾期 ${notices.filter((n) => n.overdue).length} / 共 ${notices.length}）`;
  $("notices-empty").hidden = notices.length > 0;
  $("synthetic-banner").hidden = ![...controls, ...notices, ...awaiting].some((x) => x.synthetic);
  if (state.open && notices.some((n) => n.id === state.open)) await openNotice(state.open);
  else $("detail").hidden = true;
  state.loads += 1;
}

async function main() {
  try {
    const [who, vocab] = await Promise.all([me(), getJson("/api/v1/vocabulary")]);
    state.who = who;
    state.can = new Set(who.permissions);
    state.measures = new Map(vocab.enums.Measure.map((m) => [m.code, m.label])); // the measures' Chinese labels
    showUser(state.who);
    $("only-overdue").addEventListener("change", () => load().catch((e) => say(message, e.message)));
    await load();
    $("content").hidden = false;
    document.body.dataset.state = "ready";
  } catch (e) {
    say(message, e.message || String(e));
    document.body.dataset.state = "error";
  }
}

main();
