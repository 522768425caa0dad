// One draw on the planners' page: its seed and the commitment it used (with the service's warnings), who did
// each step and when, the drawn units, and the steps still to take: house draws, the coverage report (and a
// comparison with another draw), publication (confirmed), verification, exports, replacements.
import { dateTime, getJson, num, pct, postJson } from "/web/api.js";
import { el, say } from "/web/dom.js";

const KINDS = {
  units_drawn: "抽取县区", houses_drawn: "抽取房屋", published: "发布（冻结）", verified: "复核",
  replacement_used: "使用备选房屋",
};
const REASONS_OF_UNITS = { seat: "政府驻地（必抽）", stands_alone: "单独抽样单元", random: "随机抽取", fixed: "方案指定", include: "方案必抽" };
const CHECKS = {
  algorithm_version: "算法版本", plan_digest: "方案摘要", units: "抽中县区", frame_digest: "抽样框摘要",
  houses: "抽中房屋和备选名单", result_digest: "结果摘要",
};
const EXPORTS = [["xlsx", "Excel 表格（.xlsx）"], ["csv", "CSV"], ["geojson", "GeoJSON（地图）"]];

const message = () => document.getElementById("message");

function fact(dl, term, ...value) {
  dl.append(el("dt", { text: term }), el("dd", {}, ...value));
}

function seedRecord(draw) {
  const box = document.getElementById("seed-record");
  const c = draw.seed_commitment;
  const promise = el("dl", { className: "facts", id: "seed-commitment-facts" });
  if (c) {
    fact(promise, "种子来源", c.source);
    fact(promise, "数值公布时间", c.public_at ? dateTime(c.public_at) : "未注明");
    fact(promise, "确定时间（服务器）", dateTime(c.fixed_at));
    fact(promise, "确定人", c.fixed_by);
  } else {
    fact(promise, "种子来源", el("strong", { className: "bad", text: "未事先公布种子来源" }));
  }
  const seed = el("dl", { className: "facts", id: "seed-value-facts" });
  fact(seed, "种子数值", el("code", { text: draw.seed }));
  fact(seed, "抽样时间", dateTime(draw.created_at));
  fact(seed, "抽样人", draw.created_by || "—");
  fact(seed, "算法版本", el("code", { text: draw.algorithm_version }));
  const warnings = draw.seed_warnings.map((w) => el("p", { className: "message seed-warning", dataset: { kind: "error" }, text: w }));
  box.replaceChildren(
    el("div", { className: "seed-pair" },
      el("div", {}, el("h3", { text: "事先承诺" }), promise),
      el("div", {}, el("h3", { text: "抽样时填入" }), seed)),
    ...warnings);
}

function steps(draw, plan) {
  const rows = [];
  const row = (key, step, who, at, note) => rows.push(el("tr", { dataset: { step: key } }, el("td", { text: step }),
    el("td", { text: who || "—" }), el("td", { text: dateTime(at) }), el("td", { text: note || "" })));
  row("plan", "制定方案", plan.created_by || "（未记录）", plan.created_at, `${plan.name}（方案 ${plan.id}）`);
  const c = draw.seed_commitment;
  if (c) row("seed", "公布种子来源", c.fixed_by, c.fixed_at, c.source);
  for (const e of draw.events) {
    let note = "";
    if (e.kind === "units_drawn") note = `${num((e.detail.units || []).length)} 个县区；种子 ${draw.seed}`;
    else if (e.kind === "houses_drawn") note = `抽样框 ${num(e.detail.frame_size)} 户`;
    else if (e.kind === "published") note = `结果摘要 ${String(e.detail.result_digest || "").slice(0, 16)}…`;
    else if (e.kind === "verified") note = e.detail.identical ? "复核一致" : "复核不一致";
    else if (e.kind === "replacement_used") {
      note = `房屋 ${e.survey_code || e.house_id} → 备选 ${e.replacement_survey_code || e.replacement_house_id}；${draw.replacement_reasons[e.reason] || e.reason}` +
        (e.note ? `；${e.note}` : "");
    }
    row(e.kind, KINDS[e.kind] || e.kind, e.actor, e.at, note);
  }
  document.getElementById("step-rows").replaceChildren(...rows);
}

function units(draw) {
  document.getElementById("unit-rows").replaceChildren(...draw.units.map((u) => el("tr", { dataset: { unit: u.unit_code } },
    el("td", { text: u.city_name }), el("td", { text: `${u.unit_name}（${u.unit_code}）` }),
    el("td", { text: REASONS_OF_UNITS[u.reason] || u.reason }), el("td", { text: pct(u.inclusion_probability) }),
    el("td", { text: u.group_name ? `${u.group_name} · ${u.firm}` : "—" }),
    el("td", { text: num(u.houses_requested) }), el("td", { text: num(u.commercial_min) }),
    el("td", { text: num(u.houses_drawn) }), el("td", { text: num(u.commercial_drawn) }))));
}

function link(href, text, props = {}) {
  return el("a", { href, text, className: "button-link", ...props });
}

function actions(draw, others, refresh) {
  const bar = document.getElementById("draw-actions");
  const act = (id, text, run, confirmText) => el("button", { type: "button", id, className: "primary", text, onclick: async (e) => {
    if (confirmText && !confirm(confirmText)) return;
    e.target.disabled = true;
    try {
      await run();
    } catch (err) {
      say(message(), err.message);
    } finally {
      e.target.disabled = false;
    }
  } });
  const items = [];
  if (draw.status === "units_drawn") {
    items.push(act("houses-button", "抽取房屋", async () => {
      await postJson(`/api/v1/draws/${draw.id}/houses`);
      say(message(), `抽样 ${draw.id} 已抽取房屋。`, "ok");
      await refresh();
    }));
  }
  if (draw.status !== "units_drawn") {
    items.push(link(`/coverage?draw=${draw.id}`, "覆盖性评价与地图", { id: "coverage-link" }));
    const compare = el("select", { id: "compare-select" }, el("option", { value: "", text: "选择对比抽样" }),
      ...others.filter((d) => d.id !== draw.id && d.status !== "units_drawn")
        .map((d) => el("option", { value: d.id, text: `抽样 ${d.id}` })));
    const compareLink = link("#", "对比两次抽样", { id: "compare-link", hidden: true });
    compare.addEventListener("change", () => {
      compareLink.href = `/coverage?draw=${draw.id}&compare=${compare.value}`;
      compareLink.hidden = !compare.value;
    });
    items.push(el("span", { className: "compare" }, compare, compareLink));
  }
  if (draw.status === "houses_drawn") {
    items.push(act("publish-button", "发布抽样结果", async () => {
      await postJson(`/api/v1/draws/${draw.id}/publish`);
      say(message(), `抽样 ${draw.id} 已发布，结果已冻结。`, "ok");
      await refresh();
    }, `发布后抽样 ${draw.id} 的结果将冻结，不能再修改或重抽。确定发布？`));
  }
  items.push(act("verify-button", "复核", async () => {
    const v = await postJson(`/api/v1/draws/${draw.id}/verify`);
    await refresh(true); // the log holds the verification first, then the result is shown
    const box = document.getElementById("verify-result");
    box.replaceChildren(el("strong", { className: v.identical ? "ok" : "bad", text: v.identical ? "复核一致：由方案、种子、算法和抽样框重算的结果与记录完全相同。" : "复核不一致！" }),
      el("ul", {}, ...Object.entries(v.checks).map(([k, ok]) => el("li", { className: ok ? "ok" : "bad", text: `${CHECKS[k] || k}：${ok ? "一致" : "不一致"}` }))));
    box.hidden = false;
  }));
  if (draw.status !== "units_drawn") {
    items.push(el("span", { className: "exports" }, "导出：",
      ...EXPORTS.map(([f, text]) => link(`/api/v1/draws/${draw.id}/export?format=${f}`, text, { className: "button-link export-link", dataset: { format: f }, download: "" }))));
  }
  bar.replaceChildren(...items);
}

// ---- replacements -----------------------------------------------------------------------------------------

async function houseChoices(draw, unit) {
  const select = document.getElementById("r-house");
  select.replaceChildren(el("option", { value: "", text: "正在读取…" }));
  const map = await getJson(`/api/v1/draws/${draw.id}/units/${encodeURIComponent(unit)}/map`);
  const houses = map.frame.features.map((f) => f.properties);
  const used = new Set(houses.map((h) => h.replaced_by).filter(Boolean));
  const inUse = houses.filter((h) => !h.replaced_by && (h.role === "sample" || used.has(h.house_id)))
    .sort((a, b) => (a.role === b.role ? a.position - b.position : a.role === "sample" ? -1 : 1));
  select.replaceChildren(...inUse.map((h) => el("option", { value: h.house_id,
    text: `${h.role === "sample" ? `样本 ${h.position}` : "已用备选"} · ${h.survey_code}${h.commercial ? "（经营性）" : ""}` })));
  return houses;
}

function replacement(draw, refresh) {
  const box = document.getElementById("replacement-box");
  box.hidden = draw.status === "units_drawn";
  if (box.hidden) return;
  const unit = document.getElementById("r-unit");
  unit.replaceChildren(...draw.units.map((u) => el("option", { value: u.unit_code, text: `${u.city_name} · ${u.unit_name}` })));
  document.getElementById("r-reason").replaceChildren(...Object.entries(draw.replacement_reasons)
    .map(([code, label]) => el("option", { value: code, text: label })));
  let houses = [];
  const load = async () => { houses = await houseChoices(draw, unit.value); };
  unit.onchange = () => load().catch((err) => say(message(), err.message));
  const form = document.getElementById("replace-form");
  form.onsubmit = async (event) => {
    event.preventDefault();
    const houseId = Number(document.getElementById("r-house").value);
    const chosen = houses.find((h) => h.house_id === houseId);
    try {
      const r = await postJson(`/api/v1/draws/${draw.id}/replacements`, {
        house_id: houseId, reason: document.getElementById("r-reason").value,
        note: document.getElementById("r-note").value.trim() || null,
      });
      const fresh = await getJson(`/api/v1/draws/${draw.id}/units/${encodeURIComponent(unit.value)}/map`);
      const got = fresh.frame.features.map((f) => f.properties).find((h) => h.house_id === r.replacement_house_id);
      say(document.getElementById("replace-result"),
        `已将 ${chosen ? chosen.survey_code : houseId} 替换为备选房屋 ${got ? got.survey_code : r.replacement_house_id}` +
        `${got ? `（备选第 ${got.position} 位${got.commercial ? "，经营性" : ""}）` : ""}。`, "ok");
      document.getElementById("r-note").value = "";
      await refresh(true);
      houses = await houseChoices(draw, unit.value);
    } catch (err) {
      say(message(), err.message);
    }
  };
  return load();
}

/** Show draw `id` of `plan` (others: the plan's draws, for the comparison); `refresh(keep)` reloads it. */
export async function showDraw(id, plan, others, refresh) {
  const draw = await getJson(`/api/v1/draws/${id}`);
  document.getElementById("draw-title").textContent = `四、抽样 ${draw.id} · ${draw.status_label}`;
  document.getElementById("draw-section").dataset.status = draw.status;
  document.getElementById("draw-section").dataset.draw = draw.id;
  seedRecord(draw);
  steps(draw, plan);
  units(draw);
  actions(draw, others, refresh);
  document.getElementById("draw-section").hidden = false;
  return { draw, replacements: () => replacement(draw, refresh) };
}
