// Replacing a drawn house a team cannot visit (/firm, for field managers): the reason and a note go to
// POST /api/v1/draws/{id}/replacements; the service takes the next house the design allows, hands it to
// the same team and re-plans that team's route. This file asks and says; the page then reads the firm again.
// It also lists the replacements made (the draw's log as the API gives it to the caller).
import { dateTime, getJson, postJson } from "/web/api.js";
import { el, say } from "/web/dom.js";

const $ = (id) => document.getElementById(id);
const reasons = new Map(); // draw id -> {code: Chinese label}, as the draw's API gives them

async function reasonsOf(drawId) {
  if (!reasons.has(drawId)) reasons.set(drawId, (await getJson(`/api/v1/draws/${drawId}`)).replacement_reasons);
  return reasons.get(drawId);
}

/** The replacements made in the draw, as the draw's log has them (the API shows the caller's houses only). */
export async function replacementsOf(drawId) {
  const draw = await getJson(`/api/v1/draws/${drawId}`);
  reasons.set(drawId, draw.replacement_reasons);
  return draw.events.filter((e) => e.kind === "replacement_used").reverse(); // newest first
}

/** The log of replacements under the assignments: which house, by which, why, who and when. */
export function showReplacements(events, drawId) {
  const labels = reasons.get(drawId) || {};
  $("replacement-log").replaceChildren(...(events.length ? events.map((e) => el("li", { dataset: { house: e.house_id } },
    `${dateTime(e.at)} ${e.survey_code || e.house_id} → ${e.replacement_survey_code || e.replacement_house_id}：`,
    `${labels[e.reason] || e.reason}${e.note ? `（${e.note}）` : ""}，${e.actor || "—"}`)) : [el("li", { className: "note", text: "尚无替换。" })]));
}

/**
 * The row's 替换 button for assignment `a` (a house not visited yet). `act(work, failed)` is the page's
 * write: it runs `work`, shows `failed`'s message on a refusal, then reads the firm again.
 */
export function replaceButton(a, act) {
  const label = `替换无法入户的房屋 ${a.survey_code}`;
  const button = el("button", { type: "button", className: "replace-house", text: "替换…", "aria-label": label });
  button.addEventListener("click", () => ask(a, act).catch((err) => say($("assign-message"), err.message)));
  return button;
}

async function ask(a, act) {
  const dialog = $("replace-dialog");
  $("replace-reason").replaceChildren(...Object.entries(await reasonsOf(a.draw_id))
    .map(([code, label]) => new Option(label, code)));
  $("replace-house").textContent = `${a.survey_code}（${a.team_name}）`;
  $("replace-note").value = "";
  $("replace-form").onsubmit = (event) => {
    event.preventDefault();
    const body = { house_id: a.house_id, reason: $("replace-reason").value, note: $("replace-note").value.trim() || null };
    dialog.close();
    const box = $("assign-message");
    act(async () => {
      const r = await postJson(`/api/v1/draws/${a.draw_id}/replacements`, body);
      say(box, `已将 ${r.survey_code} 替换为备选房屋 ${r.replacement_survey_code}，` +
        (r.team_id === null ? "请将其分配给检查组。" : `仍由${a.team_name}入户；该组已有路线的，已按新名单重新规划。`), "ok");
    }, (err) => say(box, err.message));
  };
  $("replace-cancel").onclick = () => dialog.close();
  dialog.showModal();
  $("replace-reason").focus();
}
