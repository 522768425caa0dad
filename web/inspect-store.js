// What the inspection form keeps on the phone, per account: one IndexedDB database per username
// ("spotcheck-inspect.<username>"), so that two inspectors sharing a phone never see each other's work, and
// logging out deletes the account's database (web/dom.js calls forgetInspections).
//
// Stores: meta (the form definition, by "form.<version>"), houses (each house's form data as the API gave
// it, by "draw/house"), drafts (the inspection being made on this phone, by "draw/house"), photos (Blobs
// waiting or sent, by the photo's client_id), outbox (saves and photos to send, in order; inspect-sync.js).
// Houses come from the API whenever the page or the route page is online (prefetchHouses), so a house
// never opened with signal can still be inspected without it.
import { getJson } from "/web/api.js";
import "/web/inspect-db.js"; // the database's name and schema, shared with route-sw.js

const { prefix: PREFIX, version: VERSION, upgrade } = self.spotcheckInspectDb;
export const FORM_VERSION = "v1";
export const houseKey = (drawId, houseId) => `${drawId}/${houseId}`;

const done = (r) => new Promise((resolve, reject) => {
  r.onsuccess = () => resolve(r.result);
  r.onerror = () => reject(r.error);
});

function open(username) {
  return new Promise((resolve, reject) => {
    const r = indexedDB.open(PREFIX + username, VERSION);
    r.onupgradeneeded = () => upgrade(r.result);
    r.onsuccess = () => {
      r.result.onversionchange = () => r.result.close(); // a logout elsewhere deletes the database
      resolve(r.result);
    };
    r.onerror = () => reject(r.error);
    r.onblocked = () => reject(new Error("本机存储被占用，请关闭其他检查表页面后重试。"));
  });
}

/** One account's kept data. Every method is one transaction. */
export class Store {
  constructor(db, username) {
    this.db = db;
    this.username = username;
  }

  static async open(username) {
    return new Store(await open(username), username);
  }

  async run(names, mode, fn) {
    const tx = this.db.transaction(names, mode);
    const result = fn(...[names].flat().map((n) => tx.objectStore(n)));
    const value = result instanceof IDBRequest ? done(result) : Promise.resolve(result);
    await new Promise((resolve, reject) => {
      tx.oncomplete = resolve;
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error || new Error("aborted"));
    });
    return value;
  }

  get(store, key) { return this.run(store, "readonly", (s) => s.get(key)); }
  put(store, value, key) { return this.run(store, "readwrite", (s) => (key === undefined ? s.put(value) : s.put(value, key))); }
  del(store, key) { return this.run(store, "readwrite", (s) => s.delete(key)); }
  all(store) { return this.run(store, "readonly", (s) => s.getAll()); }
  byHouse(store, key) { return this.run(store, "readonly", (s) => s.index("key").getAll(key)); }
  close() { this.db.close(); }

  /** Change a kept record in one transaction (no other change comes between the read and the write). */
  async change(store, key, fn) {
    let value;
    await this.run(store, "readwrite", (s) => {
      const r = s.get(key);
      r.onsuccess = () => {
        if (r.result === undefined) return;
        value = r.result;
        fn(value);
        s.put(value);
      };
    });
    return value;
  }

  async form(version = FORM_VERSION) {
    return (await this.get("meta", `form.${version}`))?.data || null;
  }
  keepForm(form) { return this.put("meta", { data: form, saved_at: Date.now() }, `form.${form.version}`); }
  async house(key) { return (await this.get("houses", key)) || null; }
  keepHouse(data) { return this.put("houses", { data, saved_at: Date.now() }, houseKey(data.draw_id, data.house_id)); }
}

/** The active service worker of /route (web/route-sw.js), if one is there or comes within a few seconds. */
async function routeWorker() {
  if (!navigator.serviceWorker) return null;
  const late = new Promise((resolve) => setTimeout(resolve, 4000, null));
  return (await Promise.race([navigator.serviceWorker.ready, late]))?.active || null;
}

/**
 * Keep the form and the form data of the given houses for use without signal (the route page calls it with
 * every house of the team's plan). The service worker does it when there is one (route-sw.js, the same
 * database and records), so that a page left or reloaded meanwhile cuts nothing off; without one, this page
 * does. Resolves to the number of houses kept; a failure leaves the rest kept.
 */
export async function prefetchHouses(username, drawId, houseIds) {
  const worker = await routeWorker();
  if (worker) {
    return new Promise((resolve, reject) => {
      const channel = new MessageChannel();
      channel.port1.onmessage = (e) => (e.data.error ? reject(new Error(e.data.error)) : resolve(e.data.kept));
      worker.postMessage({ type: "prefetch-houses", username, drawId, houses: houseIds, formVersion: FORM_VERSION },
        [channel.port2]);
    });
  }
  const store = await Store.open(username);
  try {
    await store.keepForm(await getJson(`/api/v1/inspections/form?version=${FORM_VERSION}`));
    let kept = 0;
    const queue = [...new Set(houseIds)];
    const worker = async () => {
      while (queue.length) {
        const id = queue.shift();
        await store.keepHouse(await getJson(`/api/v1/inspections/houses/${drawId}/${id}`));
        kept++;
      }
    };
    await Promise.all([worker(), worker(), worker()]);
    return kept;
  } finally {
    store.close();
  }
}

/** How many saves and photos this account's phone still has to send (0 when nothing was kept). */
export async function pendingCount(username) {
  if (indexedDB.databases && !(await indexedDB.databases()).some((d) => d.name === PREFIX + username)) return 0;
  const store = await Store.open(username);
  try {
    return await store.run("outbox", "readonly", (s) => s.count());
  } finally {
    store.close();
  }
}

/** Delete everything the inspection form kept for this account (at logout). */
export function forgetInspections(username) {
  return done(indexedDB.deleteDatabase(PREFIX + username)).catch(() => {});
}
