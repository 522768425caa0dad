// Document review (/evaluation/review): every county's total and item scores compared; one county's items
// with their evidence (the county office uploads files per item) and scores (the firm scores each item with
// a comment; a score changed meanwhile by someone else is a 409: the typed text stays, the current score is
// shown beside it and the form takes its version, so that sending again is a deliberate choice); the
// province changes the weights; the county withdraws a file sent by mistake until its item is scored.
// Everything comes from /api/v1/evaluation/review; what a user may do follows
// /api/v1/me's permissions (the server checks them again). Data is always set as text, never as HTML.
import { dateTime, getJson, me, postForm, request } from "/web/api.js";
import { el, say, showUser } from "/web/dom.js";

const API = "/api/v1/evaluation/review";
const NUMERALS = "一二三四五六七八九十";
const state = { who: null, can: new Set(), year: null, compare: null, unit: null, open: null, loads: 0 };
window.spotcheckReview = state; // what the browser tests read

const $ = (id) => document.getElementById(id);
const message = $("message");
const fmt = (v) => (v === null || v === undefined ? "—" : Number(v).toFixed(2).replace(/\.?0+$/, ""));
const size = (n) => (n >= 1048576 ? `${(n / 1048576).toFixed(1)} MB` : `${Math.max(1, Math.round(n / 1024))} KB`);
const label = (i) => NUMERALS[i] || String(i + 1);

async function act(work, done) {
  try {
    await work();
    say(message, done, "ok");
    await loadYear();
    return true;
  } catch (e) {
    say(message, e.message || String(e));
    return false;
  }
}

// ---- comparison across counties -------------------------------------------------------------------------

function bar(total) {
  const node = el("span", { className: "bar" });
  node.style.width = `${(total * 0.6).toFixed(1)}px`;
  return node;
}

function renderCompare(c) {
  const items = c.checklist.items;
  const head = el("tr", {}, el("th", { text: "县区" }), el("th", { text: "市州" }),
    ...items.map((it, i) => el("th", { className: "num", title: `${it.title}（权重 ${fmt(it.weight)}）`, text: label(i) })),
    el("th", { className: "num", text: "已评" }), el("th", { className: "num", text: "总分" }));
  $("compare-table").querySelector("thead").replaceChildren(head);
  const rows = c.units.map((u) => {
    const tr = el("tr", { dataset: { unit: u.unit_code }, className: u.unit_code === state.open ? "selected" : "" },
      el("td", { text: u.unit_name }), el("td", { text: u.city_name || "" }),
      ...u.lines.map((x) => el("td", { className: "num", title: x.comment || "", text: fmt(x.score) })),
      el("td", { className: "num", text: `${u.scored}/${u.items}` }),
      el("td", { className: "num total-cell" },
        u.total === null ? "" : bar(u.total), fmt(u.total)));
    tr.addEventListener("click", () => openUnit(u.unit_code).catch((e) => say(message, e.message)));
    return tr;
  });
  $("compare-table").querySelector("tbody").replaceChildren(...rows);
  const means = el("tr", {}, el("td", { text: "各县区平均" }), el("td"),
    ...items.map((it) => el("td", { className: "num", text: fmt(c.item_means[it.key]) })), el("td"), el("td"));
  $("compare-table").querySelector("tfoot").replaceChildren(c.units.length ? means : "");
  $("units-count").textContent = `（${c.units.length} 个县区）`;
  $("units-empty").hidden = c.units.length > 0;
  $("checklist-title").textContent = `${c.checklist.title}（${c.checklist.source}）`;
}

function renderWeights(checklist) {
  const form = $("weights-form");
  const inputs = checklist.items.map((it) => el("input", { type: "number", name: it.key, min: 0.01, max: 100, step: 0.01,
    value: it.weight, required: true }));
  const sum = el("span", { className: "sum" });
  const total = () => { sum.textContent = `合计 ${fmt(inputs.reduce((s, i) => s + Number(i.value || 0), 0))}`; };
  inputs.forEach((i) => i.addEventListener("input", total));
  total();
  form.replaceChildren(
    ...checklist.items.map((it, k) => el("label", { className: "row" }, `${label(k)}、${it.title} `, inputs[k])),
    el("div", { className: "row" }, sum, el("button", { type: "submit", text: "保存权重" })));
  form.onsubmit = (ev) => {
    ev.preventDefault();
    const weights = Object.fromEntries(inputs.map((i) => [i.name, Number(i.value)]));
    act(() => request("PUT", `${API}/${state.year}/checklist/weights`, { body: { version: checklist.version, weights } }),
      "权重已保存，各县区总分已重算。");
  };
  $("weights").hidden = false;
}

// ---- one county ----------------------------------------------------------------------------------------

function evidenceList(line) {
  if (!line.evidence.length) return el("p", { className: "hint", text: "尚未上传佐证材料。" });
  // The county office withdraws a file sent by mistake until the item is scored (the server checks both).
  const withdrawable = state.can.has("evaluation.evidence") && line.version === null;
  return el("ul", { className: "files" }, ...line.evidence.map((f) => el("li", { dataset: { evidence: f.id } },
    el("a", { href: `${API}/evidence/${f.id}`, text: f.filename, className: "file" }),
    ` （${size(f.size_bytes)}，${f.uploaded_by} ${dateTime(f.uploaded_at)}）`, f.synthetic ? "【合成】" : "",
    withdrawable ? withdrawButton(f) : "")));
}

function withdrawButton(f) {
  const button = el("button", { type: "button", className: "withdraw", text: "撤回", "aria-label": `撤回 ${f.filename}` });
  button.addEventListener("click", () => {
    if (!window.confirm(`撤回佐证材料“${f.filename}”？撤回后第三方机构不再看到该文件（系统留存记录）。`)) return;
    act(() => request("DELETE", `${API}/evidence/${f.id}`), `已撤回“${f.filename}”。`);
  });
  return button;
}

function uploadForm(unit, line) {
  const input = el("input", { type: "file", name: "file", required: true,
    accept: ".pdf,.jpg,.jpeg,.png,.docx,.xlsx,application/pdf,image/jpeg,image/png" });
  const form = el("form", { className: "act upload-form" },
    el("div", { className: "row" }, "佐证材料 ", input, el("button", { type: "submit", text: "上传" })),
    el("span", { className: "hint", text: "PDF、JPEG、PNG、Word（.docx）或 Excel（.xlsx），单个文件不超过 20 MB。" }));
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    if (!input.files.length) return say(message, "请选择要上传的文件。");
    const data = new FormData();
    data.set("file", input.files[0]);
    act(() => postForm(`${API}/${state.year}/units/${unit}/items/${line.key}/evidence`, data), "佐证材料已上传。");
  });
  return form;
}

function scoreForm(unit, line) {
  const score = el("input", { type: "number", name: "score", min: 0, max: 100, step: 0.01, required: true,
    value: line.score ?? "" });
  const comment = el("textarea", { name: "comment", maxLength: 2000, required: true, value: line.comment || "" });
  const conflict = el("p", { className: "conflict message", hidden: true });
  const form = el("form", { className: "act score-form", dataset: { version: line.version ?? "" } },
    el("div", { className: "row" }, el("label", {}, "得分（0–100） ", score)),
    el("label", {}, "评分说明 ", comment), conflict,
    el("div", { className: "row" }, el("button", { type: "submit", text: line.version ? "修改评分" : "保存评分" })));
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const body = { score: Number(score.value), comment: comment.value };
    if (form.dataset.version) body.version = Number(form.dataset.version);
    try {
      await request("PUT", `${API}/${state.year}/units/${unit}/items/${line.key}/score`, { body });
    } catch (e) {
      say(message, e.message || String(e));
      if (e.status === 409) await showConflict(unit, line.key, form, conflict);
      return;
    }
    say(message, "评分已保存。", "ok");
    await loadYear();
  });
  return form;
}

async function showConflict(unit, key, form, box) {
  // The typed score and comment stay; the form now carries the current version, shown beside them.
  const current = (await getJson(`${API}/${state.year}/units/${unit}`)).lines.find((x) => x.key === key);
  form.dataset.version = current.version ?? "";
  box.textContent = `他人已保存的评分：${fmt(current.score)} 分（${current.scored_by || ""} ${dateTime(current.scored_at)}）`
    + `，评分说明：${current.comment || "—"}。您填写的内容仍在下方；确认后再次提交将覆盖该评分。`;
  box.dataset.kind = "error";
  box.hidden = false;
}

function itemCard(unit, line, index) {
  const card = el("li", { className: "card item", dataset: { key: line.key } },
    el("h3", {}, `${label(index)}、${line.title}`, el("span", { className: "count", text: ` 权重 ${fmt(line.weight)}` })),
    el("p", { className: "guidance", text: `应提供：${line.guidance}` }),
    el("p", {}, "得分：", el("span", { className: "score", text: fmt(line.score) }),
      line.scored_by ? el("span", { className: "count", text: `（${line.scored_by} ${dateTime(line.scored_at)}）` }) : ""),
    line.comment ? el("p", { className: "comment", text: `评分说明：${line.comment}` }) : "",
    evidenceList(line));
  if (state.can.has("evaluation.evidence")) card.append(uploadForm(unit, line));
  if (state.can.has("evaluation.score")) card.append(scoreForm(unit, line));
  return card;
}

async function openUnit(code) {
  const u = await getJson(`${API}/${state.year}/units/${code}`);
  state.unit = u;
  state.open = code;
  $("detail-title").textContent = `${u.unit_name}（${u.city_name || ""}）资料查阅`;
  $("detail-total").textContent = `总分 ${fmt(u.total)}（已评 ${u.scored}/${u.items} 项）`;
  $("items").replaceChildren(...u.lines.map((line, i) => itemCard(code, line, i)));
  $("detail").hidden = false;
  for (const tr of $("compare-table").querySelectorAll("tbody tr")) tr.classList.toggle("selected", tr.dataset.unit === code);
}

async function loadYear() {
  const c = await getJson(`${API}/${state.year}/units`);
  state.compare = c;
  renderCompare(c);
  if (state.can.has("evaluation.configure")) renderWeights(c.checklist);
  $("synthetic-banner").hidden = !c.synthetic;
  const open = state.open && c.units.some((u) => u.unit_code === state.open) ? state.open
    : c.units.length === 1 ? c.units[0].unit_code : null;
  if (open) await openUnit(open);
  else $("detail").hidden = true;
  state.loads += 1;
}

async function main() {
  try {
    state.who = await me();
    state.can = new Set(state.who.permissions);
    showUser(state.who);
    const years = await getJson(`${API}/years`);
    const select = $("year");
    select.replaceChildren(...years.years.map((y) => el("option", { value: y, text: `${y} 年` })));
    if (!years.default) throw new Error("还没有已发布的抽样结果，暂无可查阅的县区。");
    select.value = String(years.default);
    state.year = years.default;
    select.addEventListener("change", () => {
      state.year = Number(select.value);
      state.open = null;
      loadYear().catch((e) => say(message, e.message));
    });
    await loadYear();
    $("content").hidden = false;
    document.body.dataset.state = "ready";
  } catch (e) {
    say(message, e.message || String(e));
    document.body.dataset.state = "error";
  }
}

main();
