// The outbox: what the phone still has to send, in the order it was done, per account (inspect-store.js).
//
// A "save" entry sends the house's draft (PUT /api/v1/inspections/by-client/{client_id}, with the version the
// answers were made from); a "photo" entry sends one photo (POST .../{id}/photos with its client_id). An
// entry's request is fixed the first time it is sent (`body`, `client_id`) and resent unchanged after a lost
// answer, so the server stores it once (it knows the request by its SHA-256; a photo by its client_id).
// A save not yet sent takes the draft as it is when it goes, so edits made meanwhile travel with it and
// the outbox holds at most one such save per house. Entries go one at a time: a network failure stops the
// round (the rest waits for the next `online` event or page open); a 409 conflict stops that house's entries
// until the inspector chooses (inspect.js: keep mine or take the server's); a 422 on a submission reopens
// the draft with the server's problems. One round runs at a time across the account's pages (Web Locks).
import { ApiError, getJson, request } from "/web/api.js";

const API = "/api/v1/inspections";
let localLock = Promise.resolve();

function exclusive(name, fn) {
  if (navigator.locks) return navigator.locks.request(name, fn);
  const run = localLock.then(fn, fn);
  localLock = run.catch(() => {});
  return run;
}

const canonical = (v) => (Array.isArray(v) ? `[${v.map(canonical).join(",")}]`
  : v && typeof v === "object" ? `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`).join(",")}}`
    : JSON.stringify(v ?? null));

/** Whether two sets of answers are the same (the server's JSON keeps no key order). */
export const sameAnswers = (a, b) => canonical(a || {}) === canonical(b || {});

/** The body of a save made from `draft` now (the answers cleaned by the page, its positions). */
function saveBody(draft, submit) {
  return {
    draw_id: draft.draw_id, house_id: draft.house_id, version: draft.base_version,
    form_version: draft.form_version, answers: draft.payload || {}, opened: draft.opened || null,
    opened_at: draft.opened?.at || null, submit, submitted: submit ? draft.submitted || null : null,
  };
}

/** Queue a save of the house's draft (or, with `submit`, its submission) behind what is queued. */
export async function queueSave(store, key, submit = false) {
  const mine = await store.byHouse("outbox", key);
  const last = mine.at(-1);
  if (last && last.kind === "save" && !last.body) {
    last.submit = last.submit || submit;
    return store.put("outbox", last);
  }
  return store.put("outbox", { key, kind: "save", submit, body: null, client_id: null });
}

/** Queue a photo kept in the photos store; a house not on the server yet gets a save before it. */
export async function queuePhoto(store, key, photoId) {
  const draft = await store.get("drafts", key);
  const mine = await store.byHouse("outbox", key);
  if (!draft.server && !mine.some((e) => e.kind === "save")) await queueSave(store, key);
  return store.put("outbox", { key, kind: "photo", photo_id: photoId, sent: false });
}

/** Take a photo back before it is sent: false when its upload has begun (the server may have it). */
export async function dropPhoto(store, photoId) {
  const entry = (await store.all("outbox")).find((e) => e.kind === "photo" && e.photo_id === photoId);
  if (entry?.sent) return false;
  if (entry) await store.del("outbox", entry.id);
  await store.del("photos", photoId);
  return true;
}

async function sendSave(store, entry, draft) {
  if (!entry.body) {
    entry.body = saveBody(draft, entry.submit);
    entry.client_id = draft.client_id;
    await store.put("outbox", entry); // fixed from now on: a resend is the same request
  }
  const out = await request("PUT", `${API}/by-client/${entry.client_id}`, { body: entry.body });
  await update(store, entry.key, (d) => {
    Object.assign(d, { server: out, base_version: out.version, client_id: out.client_id, error: null });
    d.dirty = !sameAnswers(d.payload, out.answers); // edits made since it went
    if (out.status === "submitted" || out.status === "approved") d.submit = true;
  });
}

/** Change the kept draft as it is now (the inspector may have edited it while a request was out). */
const update = (store, key, change) => store.change("drafts", key, change);

async function sendPhoto(store, entry, draft) {
  const photo = await store.get("photos", entry.photo_id);
  if (!photo) return;
  if (!entry.sent) await store.put("outbox", { ...entry, sent: true });
  const form = new FormData();
  form.append("file", photo.blob, `${photo.client_id}.jpg`);
  form.append("client_id", photo.client_id);
  if (photo.caption) form.append("caption", photo.caption);
  const out = await request("POST", `${API}/${draft.server.id}/photos`, { body: form });
  const stored = out.photos.find((p) => p.client_id === photo.client_id);
  // Changed in place: a caption typed while the upload was out is kept on the phone.
  await store.change("photos", photo.client_id, (p) => Object.assign(p, { uploaded: true, server: stored || null, error: null }));
  await update(store, entry.key, (d) => { d.server = out; });
}

async function refused(store, entry, draft, err) {
  if (err.status === 409 && entry.kind === "save") {
    // The server's copy beside the phone's (none if the connection went meanwhile: fetched again on open).
    const house = await getJson(`${API}/houses/${draft.draw_id}/${draft.house_id}`).catch(() => null);
    if (house) await store.keepHouse(house);
    const conflict = { message: err.message, server: house?.inspection || null, at: Date.now() };
    await update(store, entry.key, (d) => { d.conflict = conflict; });
    return true; // the house waits for the inspector's choice
  }
  if (entry.kind === "photo") {
    const photo = await store.get("photos", entry.photo_id);
    if (photo) await store.change("photos", photo.client_id, (p) => { p.error = err.message; });
    await store.del("outbox", entry.id);
    return false;
  }
  if (err.status === 422) {
    const error = { message: err.message, errors: err.errors || [] };
    await update(store, entry.key, (d) => Object.assign(d, { submit: false, submitted: null, error }));
    await store.del("outbox", entry.id);
    return false;
  }
  await update(store, entry.key, (d) => { d.error = { message: err.message, errors: [] }; });
  return true;
}

/**
 * Send what is queued, oldest first. Resolves to {sent, offline, stopped: [house keys waiting]}; `onStep`
 * is called after each entry (the page redraws).
 */
export function sync(store, onStep = () => {}) {
  return exclusive(`spotcheck-inspect-sync.${store.username}`, async () => {
    const report = { sent: 0, offline: false, stopped: [] };
    const stopped = new Set();
    for (;;) {
      const entry = (await store.all("outbox")).find((e) => !stopped.has(e.key));
      if (!entry) break;
      const draft = await store.get("drafts", entry.key);
      if (!draft) {
        await store.del("outbox", entry.id);
        continue;
      }
      if (draft.conflict || (entry.kind === "photo" && !draft.server)) {
        stopped.add(entry.key); // a choice to make, or a photo whose inspection is not on the server yet
        continue;
      }
      try {
        await (entry.kind === "save" ? sendSave(store, entry, draft) : sendPhoto(store, entry, draft));
        await store.del("outbox", entry.id);
        report.sent++;
      } catch (err) {
        if (!(err instanceof ApiError) || err.status === 0) {
          report.offline = true;
          break;
        }
        if (await refused(store, entry, draft, err)) stopped.add(entry.key);
      }
      onStep(entry.key);
    }
    report.stopped = [...stopped];
    return report;
  });
}

/** The inspector keeps the phone's answers: they are sent again, made from the server's version. */
export async function keepMine(store, key) {
  const draft = await update(store, key, (d) => {
    const server = d.conflict?.server;
    Object.assign(d, { conflict: null, error: null, base_version: server ? server.version : 0 });
    if (server) d.client_id = server.client_id;
  });
  const mine = await store.byHouse("outbox", key);
  for (const e of mine) if (e.kind === "save") await store.put("outbox", { ...e, body: null, client_id: null });
  if (!mine.some((e) => e.kind === "save")) await queueSave(store, key, draft.submit);
}

/** The inspector takes the server's version: its answers replace the phone's; queued saves are dropped. */
export async function takeServer(store, key) {
  const server = (await store.get("drafts", key))?.conflict?.server;
  if (!server) return;
  for (const e of await store.byHouse("outbox", key)) if (e.kind === "save") await store.del("outbox", e.id);
  await update(store, key, (d) => Object.assign(d, {
    conflict: null, error: null, server, base_version: server.version, client_id: server.client_id,
    answers: structuredClone(server.answers), payload: server.answers, dirty: false,
    submit: server.status === "submitted" || server.status === "approved",
  }));
}
