// The login form: the server checks the password (and counts failures, locks, limits the rate) and says
// where to go next: the page asked for, or the password page when a first or reset password is due.
import { request } from "/web/api.js";
import { say } from "/web/dom.js";

const form = document.getElementById("login-form");
const message = document.getElementById("message");
const next = new URLSearchParams(location.search).get("next");

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const username = form.elements.username.value.trim();
  const password = form.elements.password.value;
  if (!username || !password) {
    say(message, "请输入用户名和密码。");
    return;
  }
  const button = form.querySelector("button[type=submit]");
  button.disabled = true;
  say(message, "");
  try {
    const answer = await request("POST", "/api/v1/session", { body: { username, password, next }, login: false });
    location.assign(answer.next);
  } catch (err) {
    say(message, err.message);
    form.elements.password.value = "";
    form.elements.password.focus();
    button.disabled = false;
  }
});
form.querySelector("button[type=submit]").disabled = false; // the form works once this module runs
document.body.dataset.state = "ready";
