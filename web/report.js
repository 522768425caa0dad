// The evaluation reports (/evaluation/report): pick a drawn county (or, seeing the whole province, the
// provincial summary), read each section drafted from the figures, edit and save it under the version read
// (a 409 keeps the typed text in the box, with the other version shown to merge by hand), download the
// .docx as it stands, and export the final copy (stored with its SHA-256). Everything comes from
// /api/v1/evaluation/reports; data is always set as text, never parsed as HTML.
import { dateTime, getJson, me, request } from "/web/api.js";
import { el, say, showUser } from "/web/dom.js";

const API = "/api/v1/evaluation/reports";
const state = { who: null, can: new Set(), target: null, report: null, loads: 0 };
window.spotcheckReport = state; // what the browser tests read

const $ = (id) => document.getElementById(id);
const message = $("message");
const base = (target) => (target === "province" ? `${API}/province` : `${API}/county/${encodeURIComponent(target)}`);

function sectionCard(s) {
  const box = el("textarea", { value: s.text, rows: Math.min(16, 4 + s.text.split("\n").length), disabled: !state.report.can_edit });
  box.dataset.version = String(s.version);
  const meta = el("div", { className: "meta", text: s.edited ? `已编辑：第 ${s.version} 版，${s.edited_by || ""} ${dateTime(s.edited_at)}` : "草稿（由数据生成，尚未编辑）" });
  const conflict = el("div", { className: "conflict", hidden: true });
  const card = el("li", { className: `section level-${s.level}`, dataset: { key: s.key } },
    el("h3", {}, s.heading, el("span", { className: `badge${s.edited ? " edited" : ""}`, text: s.edited ? "已编辑" : "草稿" })),
    meta, box, conflict);
  if (state.report.can_edit) {
    const save = el("button", { type: "button", className: "save", text: "保存本部分" });
    const reset = el("button", { type: "button", className: "reset", text: "恢复为数据生成的草稿" });
    reset.addEventListener("click", () => { box.value = s.drafted; });
    save.addEventListener("click", async () => {
      try {
        const out = await request("PUT", `${base(state.target)}/sections/${s.key}`, { body: { text: box.value, version: Number(box.dataset.version) } });
        box.dataset.version = String(out.version);
        meta.textContent = `已保存：第 ${out.version} 版，${dateTime(out.edited_at)}`;
        conflict.hidden = true;
        say(message, `“${s.heading}”已保存。`, "ok");
      } catch (e) {
        if (e.status === 409) {
          // keep what was typed; show the version saved meanwhile so it can be merged, then saved over it
          const fresh = await getJson(`${base(state.target)}`).catch(() => null);
          const now = fresh?.sections.find((x) => x.key === s.key);
          conflict.hidden = false;
          conflict.textContent = `${e.message} 他人保存的文字（第 ${now ? now.version : "?"} 版）：${now ? now.text : ""}`;
          if (now) box.dataset.version = String(now.version);
        }
        say(message, e.message || String(e));
      }
    });
    card.append(el("div", { className: "row" }, save, reset));
  }
  return card;
}

function exportRow(x) {
  return el("tr", { dataset: { exportId: x.id } }, el("td", { text: dateTime(x.exported_at) }), el("td", { text: x.exported_by || "" }),
    el("td", {}, el("a", { href: `${API}/exports/${x.id}`, text: x.filename })), el("td", { className: "sha", text: x.sha256 }));
}

async function load() {
  const r = await getJson(base(state.target));
  state.report = r;
  $("report-title").textContent = `${r.title}${r.synthetic ? "（含合成演示数据）" : ""}`;
  $("synthetic-banner").hidden = !r.synthetic;
  $("sections").replaceChildren(...r.sections.map(sectionCard));
  $("download").href = `${base(state.target)}/document`;
  $("export").hidden = !r.can_edit;
  $("exports").querySelector("tbody").replaceChildren(...r.exports.map(exportRow));
  $("exports-empty").hidden = r.exports.length > 0;
  state.loads += 1;
}

async function main() {
  try {
    state.who = await me();
    state.can = new Set(state.who.permissions);
    showUser(state.who);
    const units = await getJson(`${API}/units`);
    const options = units.map((u) => el("option", { value: u.code, text: `${u.city_name}${u.name}${u.firm ? `（${u.firm}）` : ""}` }));
    if (state.who.scope_all) options.unshift(el("option", { value: "province", text: "全省汇总报告" }));
    if (!options.length) throw new Error("您的辖区内没有抽中的县区。");
    $("target").replaceChildren(...options);
    const wanted = new URLSearchParams(location.search).get("unit");
    state.target = options.some((o) => o.value === wanted) ? wanted : options[0].value;
    $("target").value = state.target;
    $("target").addEventListener("change", () => {
      state.target = $("target").value;
      load().catch((e) => say(message, e.message));
    });
    $("export").addEventListener("click", async () => {
      try {
        const x = await request("POST", `${base(state.target)}/exports`);
        say(message, `定稿已导出：${x.filename}（SHA-256 ${x.sha256.slice(0, 12)}…）`, "ok");
        await load();
      } catch (e) {
        say(message, e.message || String(e));
      }
    });
    await load();
    $("content").hidden = false;
    document.body.dataset.state = "ready";
  } catch (e) {
    say(message, e.message || String(e));
    document.body.dataset.state = "error";
  }
}

main();
