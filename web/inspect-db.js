// The inspection form's IndexedDB, one database per account ("spotcheck-inspect.<username>"): its version,
// its stores, the form's and the houses' records, and the fetch of a plan's houses for use without signal.
// One file for the two places that open the database: the pages (web/inspect-store.js imports it) and the
// service worker web/route-sw.js (importScripts). So that both can load it, it is a plain script without
// import or export: it sets self.spotcheckInspectDb.
self.spotcheckInspectDb = (() => {
  const PREFIX = "spotcheck-inspect.";
  const VERSION = 1;
  const houseKey = (drawId, houseId) => `${drawId}/${houseId}`;

  /** The database of `username` (created at first use); `blocked`: the error's text when an older tab holds it. */
  function open(username, blocked = "blocked") {
    return new Promise((resolve, reject) => {
      const r = indexedDB.open(PREFIX + username, VERSION);
      r.onupgradeneeded = () => {
        const db = r.result;
        db.createObjectStore("meta");
        db.createObjectStore("houses");
        db.createObjectStore("drafts", { keyPath: "key" });
        db.createObjectStore("photos", { keyPath: "client_id" }).createIndex("key", "key");
        db.createObjectStore("outbox", { keyPath: "id", autoIncrement: true }).createIndex("key", "key");
      };
      r.onsuccess = () => {
        r.result.onversionchange = () => r.result.close(); // a logout elsewhere deletes the database
        resolve(r.result);
      };
      r.onerror = () => reject(r.error);
      r.onblocked = () => reject(new Error(blocked));
    });
  }

  /** Put one record, in its own transaction (resolves when it is committed). */
  function keep(db, store, value, key) {
    return new Promise((resolve, reject) => {
      const tx = db.transaction(store, "readwrite");
      tx.objectStore(store).put(value, key);
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error || new Error("aborted"));
    });
  }

  const keepForm = (db, form) => keep(db, "meta", { data: form, saved_at: Date.now() }, `form.${form.version}`);
  const keepHouse = (db, data) => keep(db, "houses", { data, saved_at: Date.now() }, houseKey(data.draw_id, data.house_id));

  /**
   * Keep the form and the form data of the given houses, three requests at a time, each answer from
   * `fetchJson(url)`. Resolves to the number of houses kept; a failure leaves the rest kept.
   */
  async function prefetch(db, fetchJson, drawId, houseIds, formVersion) {
    await keepForm(db, await fetchJson(`/api/v1/inspections/form?version=${encodeURIComponent(formVersion)}`));
    const queue = [...new Set(houseIds)];
    let kept = 0;
    const next = async () => {
      while (queue.length) {
        await keepHouse(db, await fetchJson(`/api/v1/inspections/houses/${drawId}/${queue.shift()}`));
        kept++;
      }
    };
    await Promise.all([next(), next(), next()]);
    return kept;
  }

  return { PREFIX, houseKey, open, keepForm, keepHouse, prefetch };
})();
