// The start page: who is logged in and what their role does (the tasks come from /api/v1/me).
import { me } from "/web/api.js";
import { el, say, showUser } from "/web/dom.js";

function showTasks(tasks) {
  const list = document.getElementById("tasks");
  list.replaceChildren(
    ...tasks.map((t) =>
      el("li", {}, el("a", { href: t.href },
        el("span", { className: "task-title", text: t.title }),
        el("span", { className: "task-description", text: t.description }),
      )),
    ),
  );
}

async function start() {
  const who = await me();
  showUser(who);
  document.getElementById("who-name").textContent = who.name;
  document.getElementById("who-organisation").textContent = who.organisation;
  document.getElementById("who-role").textContent = who.role_label;
  document.getElementById("who-scope").textContent = who.scope_label;
  document.getElementById("who-username").textContent = who.username;
  showTasks(who.tasks);
  document.body.dataset.state = "ready";
}

start().catch((err) => {
  say(document.getElementById("message"), `加载失败：${err.message}`);
  document.body.dataset.state = "error";
});
