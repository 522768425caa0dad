// Talking to the service from a page, and the small formatting helpers every page shares.
//
// One error shape: every failed request throws an ApiError whose message is the server's Chinese
// `message` (the service answers every error as {code, message, message_en}). Writes carry the session's
// CSRF token in X-CSRF-Token (from the spotcheck_csrf cookie, or from /api/v1/me); the browser adds the
// same-origin Origin itself. A request that finds the session gone sends the browser to the login page,
// one that finds a password change due to the password page.

const CSRF_COOKIE = "spotcheck_csrf";
const WRITES = new Set(["POST", "PUT", "PATCH", "DELETE"]);

// Said when the server's answer carries no message of its own (a network failure, a proxy's page).
const FALLBACK = {
  0: "无法连接服务，请检查网络后重试。",
  401: "请先登录。",
  403: "没有权限进行此操作。",
  404: "没有找到所请求的内容。",
  413: "提交的内容太大。",
  429: "请求过于频繁，请稍后再试。",
  500: "服务内部错误，请联系管理员。",
  502: "服务暂时不可用，请稍后重试。",
  503: "服务暂时不可用，请稍后重试。",
  504: "服务响应超时，请稍后重试。",
};

/**
 * A refused or failed request: `status` (0 when the service could not be reached), `code`, Chinese `message`,
 * and `errors` (a 422's list of problems, each with its own message; empty otherwise).
 */
export class ApiError extends Error {
  constructor(status, code, message, errors = []) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.errors = errors;
  }
}

let csrfFromMe = null;

function cookie(name) {
  for (const part of document.cookie.split(";")) {
    const [key, ...value] = part.trim().split("=");
    if (key === name) return decodeURIComponent(value.join("="));
  }
  return null;
}

async function csrfToken() {
  const token = cookie(CSRF_COOKIE) || csrfFromMe;
  if (token) return token;
  return (await me()).csrf_token;
}

function here() {
  return location.pathname + location.search;
}

/** Send the browser to the login page, to come back here afterwards. */
export function goToLogin() {
  location.assign(`/login?next=${encodeURIComponent(here())}`);
}

/**
 * One request to the service, JSON in and out. `options.body` is sent as JSON (multipart when it is a
 * FormData: files); `options.login === false` keeps a 401 as an error instead of going to the login page
 * (the login form itself). Resolves to the parsed body (null for 204); rejects with an ApiError.
 */
export async function request(method, url, options = {}) {
  const headers = { Accept: "application/json" };
  const init = { method, headers, credentials: "same-origin" };
  if (options.body instanceof FormData) init.body = options.body; // the browser sets the multipart type
  else if (options.body !== undefined) {
    headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(options.body);
  }
  if (WRITES.has(method) && options.login !== false) headers["X-CSRF-Token"] = await csrfToken();
  let response;
  try {
    response = await fetch(url, init);
  } catch (_) {
    throw new ApiError(0, "network", FALLBACK[0]);
  }
  if (!response.ok) {
    let body = null;
    try {
      body = await response.json();
    } catch (_) { /* not JSON: a proxy's or the browser's own page */ }
    const error = new ApiError(
      response.status,
      body?.code || "http_error",
      (typeof body?.message === "string" && body.message) || FALLBACK[response.status] || `请求失败（${response.status}）。`,
      Array.isArray(body?.errors) ? body.errors : [],
    );
    if (response.status === 401 && options.login !== false) goToLogin();
    else if (error.code === "password_change_required") location.assign("/password");
    throw error;
  }
  if (response.status === 204) return null;
  return response.json();
}

export const getJson = (url) => request("GET", url);
export const postJson = (url, body = {}) => request("POST", url, { body });
/** A multipart POST of `form` (a FormData with files). */
export const postForm = (url, form) => request("POST", url, { body: form });
export const patchJson = (url, body) => request("PATCH", url, { body });

/** The logged-in caller: name, organisation, role, scope, permissions, tasks (and the CSRF token). */
export async function me() {
  const who = await getJson("/api/v1/me");
  csrfFromMe = who.csrf_token;
  return who;
}

/** End the session and go to the login page. */
export async function logout() {
  try {
    await request("DELETE", "/api/v1/session");
  } finally {
    location.assign("/login");
  }
}

// ---- formatting --------------------------------------------------------------------------------------

const numbers = new Intl.NumberFormat("zh-CN");
const missing = (v) => v === null || v === undefined || Number.isNaN(v);

/** A count with Chinese digit grouping; "—" when there is none. */
export const num = (v) => (missing(v) ? "—" : numbers.format(v));
/** A number with `digits` decimals; "—" when there is none. */
export const dec = (v, digits = 3) => (missing(v) ? "—" : Number(v).toFixed(digits));
/** A share (0–1) as a percentage with `digits` decimals; "—" when there is none. */
export const pct = (v, digits = 1) => (missing(v) ? "—" : (v * 100).toFixed(digits) + "%");
/** A timestamp as Chinese local date and time; "—" when there is none. */
export const dateTime = (v) => (v ? new Date(v).toLocaleString("zh-CN", { hour12: false }) : "—");

/**
 * Text made safe inside HTML that a library builds from a string (Leaflet's popups and tooltips). A page's
 * own elements take text through textContent instead.
 */
export const esc = (s) =>
  String(s ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
