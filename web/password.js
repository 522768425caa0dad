// Changing one's own password: the server asks for the current one again and judges the new one's strength.
import { me, postJson } from "/web/api.js";
import { say, showUser } from "/web/dom.js";

const form = document.getElementById("password-form");
const message = document.getElementById("message");

async function start() {
  const who = await me();
  showUser(who);
  document.getElementById("required").hidden = !who.must_change_password;
  document.getElementById("back").hidden = who.must_change_password;
  form.querySelector("button[type=submit]").disabled = false;
  document.body.dataset.state = "ready";
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const current = form.elements.current.value;
  const fresh = form.elements.new.value;
  if (!current || !fresh) {
    say(message, "请输入当前密码和新密码。");
    return;
  }
  if (fresh !== form.elements.again.value) {
    say(message, "两次输入的新密码不一致，请重新输入。");
    return;
  }
  const button = form.querySelector("button[type=submit]");
  button.disabled = true;
  say(message, "");
  try {
    await postJson("/api/v1/me/password", { current, new: fresh });
    say(message, "密码已修改，正在进入首页…", "ok");
    location.assign("/");
  } catch (err) {
    say(message, err.message);
    button.disabled = false;
  }
});

start().catch((err) => {
  say(message, `加载失败：${err.message}`);
  document.body.dataset.state = "error";
});
