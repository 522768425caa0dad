// The service worker of the inspectors' pages (scope /route, registered by route.js and inspect.js): keeps
// the shell (HTML, scripts, styles and Leaflet) of the route page /route and of the inspection form
// /route/inspect, so that both open in a village without signal. Its cache holds no data: route.js keeps
// every API answer in localStorage, the form keeps the form definition, the houses, drafts, photos and its
// outbox in IndexedDB, both per account, so that logout can forget one account's data (web/dom.js). When
// the route page asks, this worker fetches the form data of the plan's houses into that IndexedDB (below).
//
// Network first: online, every shell file comes from the service (an update applies at once) and refreshes
// the kept copy; only when the network fails is the kept copy served. Nothing else is touched: /api/...,
// /route/sheet (rendered per request) and every other URL go to the network as if there were no worker.
// Only a plain 200 is kept, never a redirect (a logged-out /route answers 303 to /login) nor an error.
// The shell holds no personal data, so logout leaves it (web/dom.js clears the kept routes and forms).

importScripts("/web/inspect-db.js"); // the inspection database's name and schema, as inspect-store.js has them

// A new version when this file's logic changes; a new worker re-keeps every file of SHELL at install and
// its activation drops what SHELL no longer lists, so a longer list keeps the name.
const CACHE = "spotcheck-route-shell-v1";
const PAGE = "/route"; // /route?team=…&day=… is the same page: kept once, under /route
const INSPECT = "/route/inspect"; // /route/inspect?draw=…&house=…: kept once too
const SHELL = [
  PAGE, INSPECT,
  "/web/route.js", "/web/api.js", "/web/dom.js", // route.js and the modules it imports (dom.js imports api.js)
  "/web/route.css", "/web/style.css",
  // the form and its modules (route.js and dom.js import inspect-store.js and inspect-sync.js too)
  "/web/inspect.js", "/web/inspect-store.js", "/web/inspect-db.js", "/web/inspect-sync.js", "/web/inspect-form.js",
  "/web/inspect-photo.js", "/web/inspect-position.js", "/web/inspection-rules.js", "/web/inspect.css",
  "/web/vendor/leaflet/leaflet.js", "/web/vendor/leaflet/leaflet.css",
  // The basemap switcher's icon (leaflet.css); the stops and the base are divIcons, no marker images.
  "/web/vendor/leaflet/images/layers.png", "/web/vendor/leaflet/images/layers-2x.png",
];
const ASSETS = new Set(SHELL.filter((u) => u !== PAGE));

/** A response worth keeping: a 200 of the service itself, not reached through a redirect. */
const keepable = (r) => r.status === 200 && r.type === "basic" && !r.redirected;

/** The service's answer, revalidated (never a stale copy of the HTTP cache). */
const fromNetwork = (url, init = {}) => fetch(url, { cache: "no-cache", credentials: "same-origin", ...init });

self.addEventListener("install", (event) => {
  // All or nothing: a shell missing a file would not open offline; a failed install is tried again when
  // route.js registers the worker next time.
  event.waitUntil((async () => {
    const answers = await Promise.all(SHELL.map((u) => fromNetwork(u, { redirect: "manual" })));
    const bad = answers.findIndex((r) => !keepable(r));
    if (bad >= 0) throw new Error(`shell not kept: ${SHELL[bad]} answered ${answers[bad].status}`);
    const cache = await caches.open(CACHE);
    await Promise.all(answers.map((r, i) => cache.put(SHELL[i], r)));
    await self.skipWaiting(); // the logic is network first: a new worker may take over at once
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith("spotcheck-route-shell-") && name !== CACHE) await caches.delete(name);
    }
    const cache = await caches.open(CACHE);
    for (const request of await cache.keys()) {
      if (!SHELL.includes(new URL(request.url).pathname)) await cache.delete(request);
    }
    await self.clients.claim(); // the page that registered the worker is controlled without a reload
  })());
});

self.addEventListener("fetch", (event) => {
  const { request } = event;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== location.origin) return;
  let key = null;
  if (request.mode === "navigate") key = [PAGE, INSPECT].includes(url.pathname) ? url.pathname : null; // not /route/sheet
  else if (!url.search && ASSETS.has(url.pathname)) key = url.pathname;
  if (!key) return; // not the shell (an API answer, the sheet, an export...): the network's, untouched
  event.respondWith(networkFirst(event, key));
});

async function networkFirst(event, key) {
  const { request } = event;
  let answer;
  try {
    // A navigation is passed on as it is: its redirect mode is "manual", so a 303 to /login reaches the
    // browser, which follows it. An asset is asked for again, revalidated with the service.
    answer = await (request.mode === "navigate" ? fetch(request) : fromNetwork(request.url));
  } catch (err) {
    const copy = await caches.match(key, { cacheName: CACHE });
    if (copy) return copy;
    throw err; // nothing kept: the browser's own offline error
  }
  if (keepable(answer)) {
    const copy = answer.clone();
    // The fresh copy replaces the kept one (storage full or refused: the answer is still served).
    event.waitUntil(caches.open(CACHE).then((cache) => cache.put(key, copy)).catch(() => {}));
  }
  return answer;
}

// ---- the inspection form's houses, fetched for use without signal ----------------------------------------
// The route page asks (web/inspect-store.js prefetchHouses, a message with a reply port): the form and the
// form data of every house of the team's plan go into the account's IndexedDB, the very records
// inspect-store.js keeps. Done here, a page reloaded or left meanwhile cuts nothing off.

const INSPECT_DB = self.spotcheckInspectDb; // loaded at the top of this file

function openInspectDb(username) {
  return new Promise((resolve, reject) => {
    const r = indexedDB.open(INSPECT_DB.prefix + username, INSPECT_DB.version);
    r.onupgradeneeded = () => INSPECT_DB.upgrade(r.result);
    r.onsuccess = () => {
      r.result.onversionchange = () => r.result.close(); // logout deletes the database
      resolve(r.result);
    };
    r.onerror = () => reject(r.error);
    r.onblocked = () => reject(new Error("blocked"));
  });
}

function keepRecord(db, store, value, key) {
  return new Promise((resolve, reject) => {
    const tx = db.transaction(store, "readwrite");
    tx.objectStore(store).put(value, key);
    tx.oncomplete = resolve;
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error || new Error("aborted"));
  });
}

async function apiJson(url) {
  const r = await fetch(url, { credentials: "same-origin", cache: "no-store", headers: { Accept: "application/json" } });
  if (!r.ok) throw new Error(`${url} answered ${r.status}`);
  return r.json();
}

async function prefetchHouses({ username, drawId, houses, formVersion }) {
  const db = await openInspectDb(username);
  try {
    const form = await apiJson(`/api/v1/inspections/form?version=${encodeURIComponent(formVersion)}`);
    await keepRecord(db, "meta", { data: form, saved_at: Date.now() }, `form.${form.version}`);
    const queue = [...new Set(houses)];
    let kept = 0;
    const next = async () => {
      while (queue.length) {
        const id = queue.shift();
        const data = await apiJson(`/api/v1/inspections/houses/${drawId}/${id}`);
        await keepRecord(db, "houses", { data, saved_at: Date.now() }, `${drawId}/${id}`);
        kept++;
      }
    };
    await Promise.all([next(), next(), next()]);
    return kept;
  } finally {
    db.close();
  }
}

self.addEventListener("message", (event) => {
  const m = event.data;
  if (m?.type !== "prefetch-houses" || typeof m.username !== "string") return;
  const reply = event.ports[0];
  event.waitUntil(prefetchHouses(m).then((kept) => reply?.postMessage({ kept }),
    (err) => reply?.postMessage({ error: String(err?.message || err) })));
});
