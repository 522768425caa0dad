// The planners' page (provincial office): plans (from the 2024 preset or a form), the seed's source fixed
// in advance, the county draw with the seed value, and one draw's steps (web/plans-draw.js). Everything
// comes from the API; the page keeps the chosen plan and draw in its address (?plan=…&draw=…).
import { dateTime, getJson, me, postJson } from "/web/api.js";
import { el, say, showUser } from "/web/dom.js";
import { initForm, planBody, setUnits } from "/web/plans-form.js";
import { showDraw } from "/web/plans-draw.js";

const message = document.getElementById("message");
const params = new URLSearchParams(location.search);
const state = { plans: [], plan: null, commitments: [], draws: [], drawId: Number(params.get("draw")) || null };
window.spotcheckPlans = state;

function syncUrl() {
  const q = new URLSearchParams();
  if (state.plan) q.set("plan", state.plan.id);
  if (state.drawId) q.set("draw", state.drawId);
  history.replaceState(null, "", `${location.pathname}${q.size ? `?${q}` : ""}`);
}

async function guarded(button, run) {
  button.disabled = true;
  try {
    await run();
  } catch (err) {
    say(message, err.message);
  } finally {
    button.disabled = false;
  }
}

// ---- plans ------------------------------------------------------------------------------------------------

function planRow(p) {
  const choose = el("button", { type: "button", className: "small", text: "打开", onclick: () => openPlan(p.id) });
  return el("tr", { dataset: { plan: p.id }, className: state.plan?.id === p.id ? "chosen" : "" },
    el("td", { text: p.id }), el("td", { text: p.name }), el("td", { text: p.year }), el("td", { text: p.deadline || "—" }),
    el("td", { text: p.source.startsWith("preset:") ? `预置方案 ${p.source.slice(7)}` : "表单" }),
    el("td", { text: p.created_by || "（未记录）" }), el("td", { text: dateTime(p.created_at) }), el("td", {}, choose));
}

async function loadPlans() {
  state.plans = await getJson("/api/v1/plans");
  document.getElementById("plan-rows").replaceChildren(...state.plans.map(planRow));
  document.getElementById("no-plans").hidden = state.plans.length > 0;
}

function planFacts(p) {
  const dl = document.getElementById("plan-facts");
  const s = p.spec;
  const fact = (t, v) => dl.append(el("dt", { text: t }), el("dd", { text: v }));
  dl.replaceChildren();
  fact("方案", `${p.name}（编号 ${p.id}，${p.year} 年）`);
  fact("截止日期", p.deadline || "—");
  fact("县区", s.fixed_units ? `方案指定 ${s.fixed_units.length} 个` : `每市州 ${s.default_units_per_city} 个（另有 ${Object.keys(s.units_per_city).length} 个市州单独规定）`);
  fact("每县区房屋", `${s.houses_per_unit} 户，其中经营性不少于 ${s.commercial_min} 户；单元调整 ${Object.keys(s.unit_overrides).length} 项`);
  fact("分组", s.groups.length ? s.groups.map((g) => `${g.name}：${g.firm}（${g.units.length} 个县区）`).join("；") : "未分组");
  fact("制定", `${p.created_by || "（未记录）"} · ${dateTime(p.created_at)}`);
  fact("方案摘要 SHA-256", p.spec_sha256);
}

async function openPlan(id, keepDraw = false) {
  state.plan = await getJson(`/api/v1/plans/${id}`);
  if (!keepDraw) state.drawId = null;
  planFacts(state.plan);
  document.getElementById("plan-section").hidden = false;
  document.getElementById("draws-section").hidden = false;
  document.getElementById("draw-section").hidden = true;
  for (const tr of document.querySelectorAll("#plan-rows tr")) tr.classList.toggle("chosen", Number(tr.dataset.plan) === id);
  await Promise.all([loadCommitments(), loadDraws()]);
  if (state.drawId) await openDraw(state.drawId);
  syncUrl();
}

async function createFrom(url, body, button) {
  await guarded(button, async () => {
    const plan = await postJson(url, body);
    await loadPlans();
    await openPlan(plan.id);
    document.getElementById("plan-form-box").open = false;
    say(message, `已新建方案 ${plan.id}：${plan.name}。下一步：记录种子来源。`, "ok");
  });
}

// ---- seed commitments ---------------------------------------------------------------------------------------

async function loadCommitments() {
  state.commitments = await getJson(`/api/v1/plans/${state.plan.id}/seed-commitments`);
  document.getElementById("commitment-rows").replaceChildren(...state.commitments.map((c) => el("tr", { dataset: { commitment: c.id } },
    el("td", { text: c.id }), el("td", { text: c.source }), el("td", { text: c.public_at ? dateTime(c.public_at) : "未注明" }),
    el("td", { text: dateTime(c.fixed_at) }), el("td", { text: c.fixed_by }),
    el("td", { text: c.used_by_draw_id ? `抽样 ${c.used_by_draw_id}` : "未使用" }))));
  const free = state.commitments.filter((c) => !c.used_by_draw_id);
  document.getElementById("d-commitment").replaceChildren(
    ...free.map((c) => el("option", { value: c.id, text: `承诺 ${c.id}：${c.source}（${dateTime(c.fixed_at)} 确定）` })),
    el("option", { value: "", text: "不使用承诺（记为“未事先公布种子来源”）" }));
}

async function commitSeed(event) {
  event.preventDefault();
  const publicAt = document.getElementById("s-public").value;
  await guarded(document.getElementById("seed-submit"), async () => {
    const c = await postJson(`/api/v1/plans/${state.plan.id}/seed-commitments`, {
      source: document.getElementById("s-source").value.trim(),
      public_at: publicAt ? `${publicAt}:00+08:00` : null,
    });
    say(message, `已记录种子来源（承诺 ${c.id}，${dateTime(c.fixed_at)}，${c.fixed_by}）。公布后在“抽样”中填入数值。`, "ok");
    document.getElementById("s-source").value = "";
    document.getElementById("s-public").value = "";
    await loadCommitments();
  });
}

// ---- draws ------------------------------------------------------------------------------------------------

async function loadDraws() {
  const all = await getJson("/api/v1/draws");
  state.draws = all.filter((d) => d.plan_id === state.plan.id);
  const labels = { units_drawn: "已抽取县区", houses_drawn: "已抽取房屋", published: "已发布（冻结）" };
  document.getElementById("draw-rows").replaceChildren(...state.draws.map((d) => el("tr", { dataset: { draw: d.id }, className: d.id === state.drawId ? "chosen" : "" },
    el("td", { text: d.id }), el("td", { text: labels[d.status] || d.status }), el("td", {}, el("code", { text: d.seed })),
    el("td", {}, d.seed_commitment_id ? `承诺 ${d.seed_commitment_id}` : el("span", { className: "bad", text: "未事先公布种子来源" })),
    el("td", { text: d.created_by || "—" }), el("td", { text: dateTime(d.created_at) }), el("td", { text: dateTime(d.published_at) }),
    el("td", {}, el("button", { type: "button", className: "small", text: "打开", onclick: () => openDraw(d.id) })))));
}

async function openDraw(id, keepMessage = false) {
  state.drawId = id;
  syncUrl();
  for (const tr of document.querySelectorAll("#draw-rows tr")) tr.classList.toggle("chosen", Number(tr.dataset.draw) === id);
  const refresh = async (keep = false) => {
    await Promise.all([loadDraws(), loadCommitments()]);
    await openDraw(id, keep);
  };
  if (!keepMessage) document.getElementById("verify-result").hidden = true;
  const shown = await showDraw(id, state.plan, state.draws, refresh);
  await shown.replacements();
  document.body.dataset.draw = `${id}:${shown.draw.status}:${shown.draw.events.length}`;
}

async function countyDraw(event) {
  event.preventDefault();
  const commitment = document.getElementById("d-commitment").value;
  const seed = document.getElementById("d-seed").value.trim();
  if (!commitment && !confirm("未选择事先记录的种子来源：本次抽样将记为“未事先公布种子来源”。确定继续？")) return;
  await guarded(document.getElementById("draw-submit"), async () => {
    const draw = await postJson("/api/v1/draws", {
      plan_id: state.plan.id, seed, seed_commitment_id: commitment ? Number(commitment) : null,
    });
    say(message, `抽样 ${draw.id} 已抽取 ${draw.units.length} 个县区。下一步：抽取房屋。`, "ok");
    document.getElementById("d-seed").value = "";
    await Promise.all([loadDraws(), loadCommitments()]);
    await openDraw(draw.id, true);
  });
}

// ---- start --------------------------------------------------------------------------------------------------

async function start() {
  const who = await me();
  showUser(who);
  initForm();
  document.getElementById("preset-button").addEventListener("click", (e) =>
    createFrom("/api/v1/plans/presets/gansu-2024", {}, e.currentTarget));
  document.getElementById("plan-form").addEventListener("submit", (e) => {
    e.preventDefault();
    createFrom("/api/v1/plans", planBody(), document.getElementById("plan-submit"));
  });
  document.getElementById("seed-form").addEventListener("submit", commitSeed);
  document.getElementById("draw-form").addEventListener("submit", countyDraw);
  const [units] = await Promise.all([getJson("/api/v1/sampling-units?digits=3"), loadPlans()]);
  setUnits(units.features);
  const wanted = Number(params.get("plan")) || null;
  if (wanted) await openPlan(wanted, true);
}

start()
  .catch((err) => say(message, err.message))
  .finally(() => { document.body.dataset.state = "ready"; });
