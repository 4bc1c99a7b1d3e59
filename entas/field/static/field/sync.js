/*
 * Talking to the server (docs/field.md): registering the phone, sending the outbox in chunks and
 * taking the caseload back, ending the device. A failed connection leaves everything as it was.
 */
(function (root) {
  "use strict";

  const EF = (root.EntasField = root.EntasField || {});
  const CHUNK = 200;
  const GONE = ["device_revoked", "device_unknown"];

  class ApiError extends Error {
    // kind: "offline" (no answer), "revoked" (the device no longer counts), "refused" (an answer saying no)
    constructor(kind, message, field) {
      super(message || kind);
      this.kind = kind;
      this.field = field || null;
    }
  }

  const network = { lastOk: null };

  function noteNetwork(ok) {
    network.lastOk = ok;
    root.dispatchEvent(new CustomEvent("entas:network", { detail: { ok } }));
  }

  function base() {
    return document.body.dataset.api;
  }

  async function call(method, path, body, token) {
    const headers = { Accept: "application/json", "Accept-Language": EF.i18n.lang };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (token) headers.Authorization = `Device ${token}`;
    let response;
    try {
      response = await fetch(base() + path, {
        method, headers, body: body === undefined ? undefined : JSON.stringify(body),
        credentials: "omit", cache: "no-store",
      });
    } catch (failure) {
      noteNetwork(false);
      throw new ApiError("offline");
    }
    noteNetwork(true);
    const answer = await response.json().catch(() => ({}));
    if (response.status === 401 && GONE.includes(answer.code)) throw new ApiError("revoked", answer.error);
    if (!response.ok) throw new ApiError(response.status >= 500 ? "server" : "refused", answer.error, answer.field);
    return answer;
  }

  async function token() {
    const session = await EF.store.session();
    if (!session) throw new ApiError("revoked");
    return session.token;
  }

  function register(username, password, label) {
    return call("POST", "devices/", { username, password, label });
  }

  // A duplicate repeats its first outcome: a command whose first answer was lost is settled by it.
  function outcomeOf(result) {
    if (result.status !== "duplicate" || !result.first) return result.status;
    return typeof result.first === "string" ? result.first : result.first.status;
  }

  async function settle(chunk, results, tally) {
    const byId = new Map(results.filter((r) => r && r.id).map((r) => [r.id, r]));
    const done = [];
    const conflicts = [];
    const refused = [];
    for (const entry of chunk) {
      const result = byId.get(entry.value.id);
      if (!result) continue; // no answer for it: it stays and goes again next time
      const outcome = outcomeOf(result);
      tally[result.status] = (tally[result.status] || 0) + 1;
      done.push(entry.key);
      if (outcome === "conflict") conflicts.push({ command: entry.value, message: result.message });
      if (outcome === "refused") refused.push({ command: entry.value, message: result.message, field: result.field });
    }
    await EF.store.addConflicts(conflicts);
    await EF.store.addErrors(refused);
    await EF.store.removeFromOutbox(done);
    return done.length;
  }

  async function sendOutbox(secret, onProgress, tally) {
    const total = await EF.store.pendingCount();
    let sent = 0;
    onProgress(sent, total);
    for (;;) {
      const chunk = await EF.store.outboxChunk(CHUNK);
      if (!chunk.length) break;
      const answer = await call("POST", "sync", { commands: chunk.map((entry) => entry.value) }, secret);
      const settled = await settle(chunk, answer.results || [], tally);
      sent += settled;
      onProgress(sent, Math.max(total, sent));
      if (settled < chunk.length) break; // the server left some unanswered: never loop on them
    }
  }

  async function run(onProgress = () => {}) {
    const secret = await token();
    const tally = { applied: 0, duplicate: 0, conflict: 0, refused: 0 };
    await sendOutbox(secret, onProgress, tally);
    await EF.store.replaceCaseload(await call("GET", "caseload", undefined, secret));
    await EF.store.setLastSync(new Date().toISOString());
    return tally;
  }

  async function logout() {
    return call("POST", "logout", {}, await token());
  }

  EF.sync = { ApiError, network, register, run, logout, CHUNK };
})(self);
