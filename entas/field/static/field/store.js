/*
 * The facilitator's data on the phone, every record sealed by the vault: the device and its token,
 * the caseload (everything but the families, with a short summary of each for the lists), one record
 * per family (so opening a family decrypts only that one), the outbox of commands not yet sent
 * (oldest first), conflicts waiting for a supervisor and refused changes.
 */
(function (root) {
  "use strict";

  const EF = (root.EntasField = root.EntasField || {});
  const vault = () => EF.vault;
  let caseloadCache = null;

  async function put(store, value, key) {
    const sealed = await vault().seal(value);
    return (await vault().db()).put(store, sealed, key);
  }

  async function get(store, key) {
    const record = await (await vault().db()).get(store, key);
    return record === undefined ? null : vault().unseal(record);
  }

  // Sealing is done first: an IndexedDB transaction closes itself while a non-IDB promise is awaited.
  async function putMany(store, items, { clear = false } = {}) {
    const sealed = await Promise.all(items.map((item) => vault().seal(item.value)));
    const tx = (await vault().db()).transaction(store, "readwrite");
    const work = clear ? [tx.store.clear()] : [];
    sealed.forEach((record, i) => work.push(items[i].key === undefined ? tx.store.add(record) : tx.store.put(record, items[i].key)));
    await Promise.all([...work, tx.done]);
  }

  async function entries(store, count) {
    const tx = (await vault().db()).transaction(store);
    const [keys, records] = await Promise.all([tx.store.getAllKeys(null, count), tx.store.getAll(null, count), tx.done]);
    const values = await Promise.all(records.map((record) => vault().unseal(record)));
    return keys.map((key, i) => ({ key, value: values[i] }));
  }

  async function removeKeys(store, keys) {
    const tx = (await vault().db()).transaction(store, "readwrite");
    await Promise.all([...keys.map((key) => tx.store.delete(key)), tx.done]);
  }

  async function count(store) {
    return (await vault().db()).count(store);
  }

  // --- the device --------------------------------------------------------------------------------

  function saveSession(session) {
    return put("records", session, "session");
  }

  function session() {
    return get("records", "session");
  }

  // --- the caseload and the families ---------------------------------------------------------------

  function summaryOf(family) {
    return {
      enrolment: family.enrolment, name: family.head ? family.head.name : "", village: family.village.name,
      status_label: family.status_label, due: family.due, last_visit: family.last_visit,
    };
  }

  async function caseload() {
    if (!caseloadCache) caseloadCache = await get("records", "caseload");
    return caseloadCache;
  }

  async function family(enrolment) {
    return get("families", Number(enrolment));
  }

  async function saveFamily(changed) {
    await put("families", changed, changed.enrolment);
    const current = await caseload();
    if (!current) return;
    current.summary = current.summary.map((s) => (s.enrolment === changed.enrolment ? summaryOf(changed) : s));
    await put("records", current, "caseload");
  }

  // Changes still in the outbox are applied again to the fresh families, so that what the phone
  // shows never goes back to before a change the facilitator made.
  async function replaceCaseload(fresh) {
    const pending = (await allPending()).map((entry) => entry.value);
    const families = fresh.families.map((f) => pending.filter((c) => c.enrolment === f.enrolment).reduce(applyLocal, f));
    const rest = Object.assign({}, fresh, { families: undefined, summary: families.map(summaryOf) });
    await putMany("families", families.map((f) => ({ key: f.enrolment, value: f })), { clear: true });
    await put("records", rest, "caseload");
    caseloadCache = rest;
  }

  function later(a, b) {
    return !a || (b && b > a) ? b : a;
  }

  function applyLocal(family, command) {
    const changed = Object.assign({}, family, { local: Object.assign({ sessions: [], follow_ups: [] }, family.local) });
    const data = command.data;
    if (command.kind === "visit") {
      changed.last_visit = later(family.last_visit, data.date);
      if (data.assessment && (!family.assessment || data.date >= family.assessment.date)) {
        changed.assessment = { date: data.date, values: data.assessment };
      }
      const settled = data.assessment ? ["visit", "assessment"] : ["visit"];
      changed.due = (family.due || []).filter((d) => !settled.includes(d.kind));
    } else if (command.kind === "attendance") {
      changed.local.sessions = changed.local.sessions.concat([data.session]);
    } else if (command.kind === "follow_up") {
      changed.local.follow_ups = changed.local.follow_ups.concat([data.month]);
      changed.due = (family.due || []).filter((d) => d.kind !== "follow_up");
    }
    return changed;
  }

  // --- the outbox ------------------------------------------------------------------------------------

  function localIso(date) {
    const pad = (n) => String(Math.abs(n)).padStart(2, "0");
    const offset = -date.getTimezoneOffset();
    return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:` +
      `${pad(date.getMinutes())}:${pad(date.getSeconds())}${offset >= 0 ? "+" : "-"}${pad(offset / 60 | 0)}:${pad(offset % 60)}`;
  }

  function command(kind, family, data) {
    return { id: crypto.randomUUID(), kind, enrolment: family.enrolment, version: family.version,
      recorded_at: localIso(new Date()), data };
  }

  // The command goes to the outbox first: the family's record only shows what is safely queued.
  async function enqueue(cmd) {
    await putMany("outbox", [{ value: cmd }]);
    const current = await family(cmd.enrolment);
    if (current) await saveFamily(applyLocal(current, cmd));
  }

  // For tests and bulk imports of commands: no family is touched.
  function enqueueMany(commands) {
    return putMany("outbox", commands.map((value) => ({ value })));
  }

  function pendingCount() {
    return count("outbox");
  }

  function outboxChunk(size) {
    return entries("outbox", size);
  }

  function allPending() {
    return entries("outbox");
  }

  function removeFromOutbox(keys) {
    return removeKeys("outbox", keys);
  }

  // --- what the server did not apply ----------------------------------------------------------------

  function nameOf(enrolment) {
    const found = caseloadCache && caseloadCache.summary.find((s) => s.enrolment === enrolment);
    return found ? found.name : "";
  }

  function addConflicts(items) {
    return putMany("conflicts", items.map((item) => ({ value: Object.assign({ name: nameOf(item.command.enrolment) }, item) })));
  }

  function addErrors(items) {
    return putMany("errors", items.map((item) => ({ value: Object.assign({ name: nameOf(item.command.enrolment) }, item) })));
  }

  const conflicts = (limit) => entries("conflicts", limit);
  const errors = (limit) => entries("errors", limit);
  const conflictsCount = () => count("conflicts");
  const errorsCount = () => count("errors");
  const dismissError = (key) => removeKeys("errors", [key]);
  const dismissConflict = (key) => removeKeys("conflicts", [key]);
  const dismissAllErrors = async () => (await vault().db()).clear("errors");

  async function lastSync() {
    return get("records", "last_sync");
  }

  function setLastSync(iso) {
    return put("records", iso, "last_sync");
  }

  function forget() {
    caseloadCache = null;
  }

  EF.store = {
    saveSession, session, caseload, family, saveFamily, replaceCaseload, applyLocal, command, enqueue, enqueueMany,
    pendingCount, outboxChunk, allPending, removeFromOutbox, addConflicts, addErrors, conflicts, errors,
    conflictsCount, errorsCount, dismissError, dismissAllErrors, dismissConflict, lastSync, setLastSync, forget, localIso,
  };
})(self);
