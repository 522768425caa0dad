// Account administration (provincial office): every account, a new real-name account with its first
// password shown once, disabling and enabling, and resetting a password (the new one shown once).
import { dateTime, getJson, me, patchJson, postJson } from "/web/api.js";
import { el, say, showUser } from "/web/dom.js";

const form = document.getElementById("create-form");
const message = document.getElementById("message");
const role = document.getElementById("f-role");
let myId = null;

// A one-time password is shown in one place, until the next action replaces or clears it.
function showOnce(text, password) {
  document.getElementById("once-text").textContent = text;
  document.getElementById("once-password").textContent = password;
  document.getElementById("once").hidden = false;
}

function clearOnce() {
  document.getElementById("once-password").textContent = "";
  document.getElementById("once").hidden = true;
}

function scopeText(a) {
  if (a.scope_plan_id) return `方案 ${a.scope_plan_id} · ${a.scope_group}`;
  return a.scope_code || "—";
}

function status(a) {
  if (!a.active) return ["inactive", "已停用"];
  if (a.locked_until && new Date(a.locked_until) > new Date()) return ["locked", `锁定至 ${dateTime(a.locked_until)}`];
  if (a.must_change_password) return ["first", "待修改初始密码"];
  return ["active", "正常"];
}

function accountRow(a) {
  const [code, text] = status(a);
  const actions = el("td", { className: "actions" });
  if (a.id === myId) {
    // One's own account: the password is changed on the password page, and it cannot be disabled here.
    actions.append(el("a", { href: "/password", text: "本人（修改密码）" }));
  } else {
    const toggle = el("button", { type: "button", className: "small toggle", text: a.active ? "停用" : "启用" });
    toggle.addEventListener("click", () => setActive(a, !a.active));
    const reset = el("button", { type: "button", className: "small reset", text: "重置密码" });
    reset.addEventListener("click", () => resetPassword(a));
    actions.append(toggle, reset);
  }
  return el("tr", { className: a.active ? "" : "inactive", dataset: { username: a.username } },
    el("td", {}, el("code", { text: a.username })),
    el("td", { text: a.name }),
    el("td", { text: a.organisation }),
    el("td", { text: a.phone || "—" }),
    el("td", { text: a.role_label }),
    el("td", { text: scopeText(a) }),
    el("td", {}, el("span", { className: "status", dataset: { status: code }, text })),
    el("td", { text: dateTime(a.created_at) }),
    actions,
  );
}

async function loadAccounts() {
  const rows = await getJson("/api/v1/accounts");
  document.querySelector("#accounts tbody").replaceChildren(...rows.map(accountRow));
}

async function act(work) {
  say(message, "");
  clearOnce();
  try {
    await work();
  } catch (err) {
    say(message, err.message);
  }
}

function setActive(a, active) {
  const verb = active ? "启用" : "停用";
  if (!active && !window.confirm(`停用账户 ${a.name}（${a.username}）？停用后其登录会话和令牌立即失效。`)) return;
  return act(async () => {
    await patchJson(`/api/v1/accounts/${a.id}`, { active });
    await loadAccounts();
    say(message, `已${verb}账户 ${a.name}（${a.username}）。`, "ok");
  });
}

function resetPassword(a) {
  if (!window.confirm(`重置 ${a.name}（${a.username}）的密码？原密码和登录会话立即失效。`)) return;
  return act(async () => {
    const answer = await postJson(`/api/v1/accounts/${a.id}/password-reset`);
    await loadAccounts();
    showOnce(`已重置 ${a.name}（${a.username}）的密码。`, answer.password);
  });
}

function newAccount() {
  const value = (name) => form.elements[name].value.trim() || null;
  const plan = value("scope_plan_id");
  return {
    username: value("username") || "", name: value("name") || "", organisation: value("organisation") || "",
    phone: value("phone"), role: role.value, scope_code: value("scope_code"),
    scope_plan_id: plan === null ? null : Number(plan), scope_group: value("scope_group"),
  };
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  const button = form.querySelector("button[type=submit]");
  button.disabled = true;
  act(async () => {
    const created = await postJson("/api/v1/accounts", newAccount());
    form.reset();
    showRoleScope();
    await loadAccounts();
    const a = created.account;
    showOnce(`已创建账户 ${a.name}（${a.username}，${a.role_label}）。首次登录密码如下。`, created.password);
  }).finally(() => { button.disabled = false; });
});

function showRoleScope() {
  const option = role.selectedOptions[0];
  document.getElementById("role-scope").textContent = option ? `辖区：${option.dataset.scope}` : "";
}

async function start() {
  const who = await me();
  myId = who.id;
  showUser(who);
  role.addEventListener("change", showRoleScope);
  showRoleScope();
  await loadAccounts();
  form.querySelector("button[type=submit]").disabled = false;
  document.body.dataset.state = "ready";
}

start().catch((err) => {
  say(message, `加载失败：${err.message}`);
  document.body.dataset.state = "error";
});
