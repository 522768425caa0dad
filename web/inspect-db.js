// The inspection form's IndexedDB on the phone: its name (one database per account) and its schema, defined
// once for the pages (web/inspect-store.js imports this file) and the route's service worker
// (web/route-sw.js loads it with importScripts): a new store or index changes `version` and `upgrade` here.
// A classic script that leaves its definition on the global object, so both kinds of script can load it.
self.spotcheckInspectDb = Object.freeze({
  prefix: "spotcheck-inspect.", // + username
  version: 1,
  /** Create the stores of a new database (onupgradeneeded). */
  upgrade(db) {
    db.createObjectStore("meta");
    db.createObjectStore("houses");
    db.createObjectStore("drafts", { keyPath: "key" });
    db.createObjectStore("photos", { keyPath: "client_id" }).createIndex("key", "key");
    db.createObjectStore("outbox", { keyPath: "id", autoIncrement: true }).createIndex("key", "key");
  },
});
