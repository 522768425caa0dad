// The questionnaire a respondent fills in (web/survey.html), on a phone first.
//   /survey?t=TOKEN          a resident's link (no account): the residents' questionnaire of the link's county;
//   /survey?group=official   an official (干部) or staff member (工作人员, group=staff) through their account.
// One answer per link, and per account, year and group: the page says so when it was given already. The
// submission carries a client id kept in localStorage until it is stored, so a resend (a lost answer, a
// second tap) is stored once. The page's state is in body[data-state]: loading, ready, sending, done,
// answered, error.

import { ApiError, getJson, me, request } from "/web/api.js";
import { el, say } from "/web/dom.js";
import { drawForm, newClientId, readForm } from "/web/survey-form.js";

const API = "/api/v1/evaluation/survey";
const GROUPS = { official: "干部", staff: "工作人员", resident: "群众" };
const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);
const token = params.get("t");
const group = params.get("group");
let target = null; // {url, body extras, key}

function state(s) {
  document.body.dataset.state = s;
}

function stop(text, s = "error", kind = "error") {
  say($("message"), text, kind);
  $("form").hidden = true;
  $("choose-unit").hidden = true;
  state(s);
}

function clientId(key) {
  try {
    let id = localStorage.getItem(key);
    if (!id) {
      id = newClientId();
      localStorage.setItem(key, id);
    }
    return id;
  } catch (_) {
    return newClientId(); // storage refused (a private window): a resend then is a new submission
  }
}

function forget(key) {
  try {
    localStorage.removeItem(key);
  } catch (_) { /* nothing kept */ }
}

function show(d, where) {
  $("title").textContent = d.questionnaire;
  $("subtitle").textContent = `${d.title}（${GROUPS[d.group]}）`;
  $("intro-text").textContent = d.intro;
  $("where").textContent = where;
  $("intro").hidden = false;
  drawForm($("questions"), d);
  $("form").hidden = false;
  state("ready");
}

async function resident() {
  let form;
  try {
    form = await request("GET", `${API}/public/${encodeURIComponent(token)}`, { login: false });
  } catch (e) {
    return stop(e.message);
  }
  if (form.answered) return stop("此链接已提交过问卷，每个链接只能填写一次。感谢您的参与！", "answered", "info");
  target = { url: `${API}/public/${encodeURIComponent(token)}`, extra: {}, key: `spotcheck.survey.${token}`, login: false };
  show(form.definition, `${form.unit_name || form.unit_code} · ${form.year} 年 · 群众问卷`);
}

function groupPart(d, g) {
  return { year: d.year, questionnaire: d.title, parts: d.parts, scale: d.scale, group: g, ...d.groups[g] };
}

async function account() {
  const who = await me(); // an anonymous browser goes to the login page and comes back here
  if (!who.permissions?.includes("survey.answer")) {
    return stop(`${GROUPS[group]}问卷由市、县级账户填写；您的账户（${who.role_label}）不能填写。`);
  }
  const mine = await getJson(`${API}/answers/mine`);
  if (mine.answered.includes(group)) {
    return stop(`您已填写过 ${mine.year} 年的${GROUPS[group]}问卷，每个账户每年每类问卷只能填写一次。感谢您的参与！`, "answered", "info");
  }
  const d = await getJson(`${API}/definitions/${mine.year}`);
  const select = $("unit");
  select.replaceChildren(...mine.units.map((u) => el("option", { value: u.code, text: `${u.name}（${u.code}）` })));
  $("choose-unit").hidden = mine.units.length <= 1;
  target = { url: `${API}/answers`, extra: { group, year: mine.year }, key: `spotcheck.survey.${who.username}.${mine.year}.${group}`, unit: true };
  show(groupPart(d, group), `${who.organisation} · ${who.name} · ${mine.year} 年`);
}

async function submit(event) {
  event.preventDefault();
  const { answer, missing } = readForm($("questions"));
  if (missing.length) {
    say($("form-message"), `还有 ${missing.length} 道必答题未作答：${missing.join("；")}`);
    document.querySelector("fieldset.missing")?.scrollIntoView({ block: "center" });
    return;
  }
  const body = { client_id: clientId(target.key), ...target.extra, ...answer };
  if (target.unit && $("unit").value) body.unit_code = $("unit").value;
  $("submit").disabled = true;
  state("sending");
  say($("form-message"), "");
  try {
    await request("POST", target.url, { body, login: target.login });
    forget(target.key);
    $("form").hidden = true;
    $("choose-unit").hidden = true;
    $("intro").hidden = true;
    $("thanks").hidden = false;
    window.scrollTo(0, 0);
    state("done");
  } catch (e) {
    if (e instanceof ApiError && e.status === 409) {
      forget(target.key);
      return stop(e.message, "answered", "info");
    }
    say($("form-message"), e.message); // kept: the same client id is sent again
    $("submit").disabled = false;
    state("ready");
  }
}

async function start() {
  $("form").addEventListener("submit", submit);
  $("questions").addEventListener("change", () => {
    if ($("form-message").hidden) return; // once told what is missing, the list follows the answers
    const { missing } = readForm($("questions"));
    say($("form-message"), missing.length ? `还有 ${missing.length} 道必答题未作答：${missing.join("；")}` : "");
  });
  try {
    if (token) await resident();
    else if (group === "official" || group === "staff") await account();
    else {
      stop("请通过问卷链接或二维码打开本页。市、县级账户可填写：", "error", "info");
      $("message").append(" ",
        el("a", { href: "/survey?group=official", text: "干部问卷" }), "、",
        el("a", { href: "/survey?group=staff", text: "工作人员问卷" }), "。");
    }
  } catch (e) {
    stop(e.message);
  }
}

start();
