// A questionnaire's four parts (基本信息, 满意度, 需求, 开放性问题) drawn from its definition (the API's
// data: questions, options, the five-level scale), and the answer read back from the form. Shared by the
// respondent's page (web/survey.js) and the managers' paper entry (web/survey-admin.js). Every text of the
// definition is set as text; nothing is parsed as HTML.

import { el } from "/web/dom.js";

const NUMERALS = ["一", "二", "三", "四"];

let counter = 0;
const uid = (key) => `sq-${++counter}-${key}`;

function choice(q, multi) {
  const name = uid(q.key);
  const box = el("div", { className: multi ? "options multi" : "options" });
  for (const option of q.options) {
    box.append(
      el("label", { className: "option" },
        el("input", { type: multi ? "checkbox" : "radio", name, value: option, dataset: { key: q.key } }),
        el("span", { text: option })),
    );
  }
  return box;
}

function question(q, part) {
  const required = q.required ? el("span", { className: "required", text: "（必答）" }) : null;
  const node = el("fieldset", { className: `question ${part}`, dataset: { key: q.key, type: q.type, part } },
    el("legend", {}, el("span", { text: q.title }), required));
  if (q.type === "text") {
    node.append(el("input", { type: "text", maxLength: q.max_length || 100, dataset: { key: q.key } }));
  } else node.append(choice(q, q.type === "multi"));
  return node;
}

function rating(item, scale, index) {
  const name = uid(item.key);
  const row = el("div", { className: "scale" });
  for (const s of scale) {
    row.append(
      el("label", { className: "level" },
        el("input", { type: "radio", name, value: String(s.level), dataset: { key: item.key } }),
        el("span", { text: s.label })),
    );
  }
  return el("fieldset", { className: "question item", dataset: { key: item.key, part: "ratings" } },
    el("legend", {}, el("span", { text: `${index + 1}. ${item.title}` }), el("span", { className: "required", text: "（必答）" })),
    row);
}

function openQuestion(q) {
  return el("fieldset", { className: "question open", dataset: { key: q.key, part: "open" } },
    el("legend", { text: q.title }),
    el("textarea", { rows: 3, maxLength: 1000, dataset: { key: q.key }, placeholder: "选填，最多 1000 字" }));
}

/** Draw the questionnaire `d` (one group's part of a definition) into `container`. */
export function drawForm(container, d) {
  const parts = d.parts;
  const section = (i, title, ...children) =>
    el("section", { className: "part" }, el("h2", { text: `${NUMERALS[i]}、${title}` }), ...children);
  container.replaceChildren(
    section(0, parts.basic, ...d.basic.map((q) => question(q, "basic"))),
    section(1, parts.items, el("p", { className: "hint", text: "请对以下每一项作出评价。" }),
      ...d.items.map((item, i) => rating(item, d.scale, i))),
    section(2, parts.needs, ...d.needs.map((q) => question(q, "needs"))),
    section(3, parts.open, ...d.open.map(openQuestion)),
  );
}

/** The answer in `container` as the API takes it: {basic, ratings, needs, open_answers}; and what is missing. */
export function readForm(container) {
  const answer = { basic: {}, ratings: {}, needs: {}, open_answers: {} };
  const missing = [];
  for (const q of container.querySelectorAll("fieldset.question")) {
    const { key, part, type } = q.dataset;
    const title = q.querySelector("legend span")?.textContent || q.querySelector("legend").textContent;
    let value = null;
    if (part === "open") value = q.querySelector("textarea").value.trim() || null;
    else if (type === "text") value = q.querySelector("input").value.trim() || null;
    else if (type === "multi") {
      value = [...q.querySelectorAll("input:checked")].map((i) => i.value);
      if (!value.length) value = null;
    } else {
      const picked = q.querySelector("input:checked");
      value = picked ? (part === "ratings" ? Number(picked.value) : picked.value) : null;
    }
    const needed = part === "ratings" || q.querySelector(".required");
    q.classList.toggle("missing", Boolean(needed && value === null));
    if (needed && value === null) missing.push(title);
    if (value !== null) answer[part === "open" ? "open_answers" : part][key] = value;
  }
  return { answer, missing };
}

/** A random UUID (version 4), also where crypto.randomUUID is missing (a page served over plain HTTP). */
export function newClientId() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
