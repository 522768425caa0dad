// Building a page's elements from data, always as text (never parsed as HTML), and the header every
// logged-in page shares: who is logged in, and the logout button.

import { logout } from "/web/api.js";
import { forgetInspections, pendingCount } from "/web/inspect-store.js";

/**
 * A new element: `props` sets `className`, `text` (textContent), `dataset`, and any other property or
 * attribute (`href`, `type`, ...); `children` are elements or strings (added as text).
 */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null) continue;
    if (key === "text") node.textContent = value;
    else if (key === "className") node.className = value;
    else if (key === "dataset") Object.assign(node.dataset, value);
    else if (key in node) node[key] = value;
    else node.setAttribute(key, value);
  }
  node.append(...children.filter((c) => c !== null && c !== undefined && c !== false));
  return node;
}

/** Show `text` in the message box `node` (hidden when empty); `kind` is "error", "ok" or "info". */
export function say(node, text, kind = "error") {
  node.textContent = text || "";
  node.dataset.kind = kind;
  node.hidden = !text;
}

/** Fill the header's user box (#user) for the logged-in caller and wire its logout button. */
export function showUser(who) {
  const box = document.getElementById("user");
  if (!box) return;
  box.querySelector(".user-name").textContent = who.name;
  box.querySelector(".user-role").textContent = `${who.role_label} · ${who.scope_label}`;
  box.querySelector(".logout").addEventListener("click", async () => {
    // The inspection form's drafts, photos and outbox of this account (web/inspect-store.js) go too; what
    // is not sent yet is said first, as it is lost with them.
    const waiting = await pendingCount(who.username).catch(() => 0);
    if (waiting && !confirm(`本机还有 ${waiting} 项检查记录或照片未上传，退出登录将删除它们。确定退出？`)) return;
    await forgetInspections(who.username);
    forgetRoutes();
    window.addEventListener("pagehide", forgetRoutes); // and a copy an answer in flight kept meanwhile
    logout();
  });
  box.hidden = false;
}

/**
 * Logging out removes the copies of routes that /route keeps for use without signal (localStorage keys of
 * route.js's STORE, "spotcheck.route.v1.…", one set per account) from this browser: at the click, and again
 * when the page goes (a request still running at the click may have kept its answer since). The route
 * page's service-worker cache is left: it holds the page's shell only, no personal data.
 */
function forgetRoutes() {
  try {
    for (const key of Object.keys(localStorage)) {
      if (key.startsWith("spotcheck.route.")) localStorage.removeItem(key);
    }
  } catch (_) { /* storage refused: nothing was kept */ }
}
