/*
 * The phone's locked store: IndexedDB (through idb) where every record but the lock's own settings is
 * sealed with AES-GCM under a key derived from the facilitator's PIN. The key lives in memory only,
 * so a closed or reloaded app asks the PIN again; a lost phone gives away ciphertext.
 */
(function (root) {
  "use strict";

  const EF = (root.EntasField = root.EntasField || {});
  const DB_NAME = "entas-field";
  const DB_VERSION = 1;
  const ITERATIONS = 310000; // OWASP's figure for PBKDF2-HMAC-SHA256
  const MAX_TRIES = 5;
  const CHECK = "entas-field/check/1";
  const SEALED = ["records", "families", "outbox", "conflicts", "errors"];

  let opening = null;
  let key = null;

  // Each version only adds stores: the outbox holds changes not yet sent, and a new app version
  // must never drop them.
  function upgrade(db, oldVersion) {
    if (oldVersion < 1) {
      db.createObjectStore("meta"); // the lock's salt, check value and wrong tries: never sealed
      db.createObjectStore("records");
      db.createObjectStore("families");
      db.createObjectStore("outbox", { autoIncrement: true }); // keys in insertion order: oldest first
      db.createObjectStore("conflicts", { autoIncrement: true });
      db.createObjectStore("errors", { autoIncrement: true });
    }
  }

  function db() {
    if (!opening) {
      opening = root.idb.openDB(DB_NAME, DB_VERSION, {
        upgrade,
        // Another tab wants a newer version (a new app version): let it in rather than block it.
        blocking() { close(); },
      });
    }
    return opening;
  }

  async function close() {
    const pending = opening;
    opening = null;
    if (!pending) return;
    try {
      (await pending).close();
    } catch (failed) {
      // it never opened: nothing to close
    }
  }

  const encoder = new TextEncoder();
  const decoder = new TextDecoder();

  async function derive(pin, salt) {
    const material = await crypto.subtle.importKey("raw", encoder.encode(pin), "PBKDF2", false, ["deriveKey"]);
    return crypto.subtle.deriveKey(
      { name: "PBKDF2", hash: "SHA-256", salt, iterations: ITERATIONS },
      material, { name: "AES-GCM", length: 256 }, false, ["encrypt", "decrypt"]);
  }

  async function sealWith(secret, value) {
    const iv = crypto.getRandomValues(new Uint8Array(12));
    const data = await crypto.subtle.encrypt({ name: "AES-GCM", iv }, secret, encoder.encode(JSON.stringify(value)));
    return { iv, data };
  }

  async function unsealWith(secret, record) {
    const plain = await crypto.subtle.decrypt({ name: "AES-GCM", iv: record.iv }, secret, record.data);
    return JSON.parse(decoder.decode(plain));
  }

  function requireKey() {
    if (!key) throw new Error("locked");
    return key;
  }

  async function exists() {
    return Boolean(await (await db()).get("meta", "check"));
  }

  async function create(pin) {
    const salt = crypto.getRandomValues(new Uint8Array(16));
    const secret = await derive(pin, salt);
    const check = await sealWith(secret, CHECK);
    const handle = await db();
    const tx = handle.transaction("meta", "readwrite");
    await Promise.all([tx.store.put(salt, "salt"), tx.store.put(check, "check"), tx.store.put(0, "tries"), tx.done]);
    key = secret;
  }

  // The try is counted before the PIN is checked, so closing the app mid-check does not earn a free one.
  async function unlock(pin) {
    const handle = await db();
    const tries = ((await handle.get("meta", "tries")) || 0) + 1;
    await handle.put("meta", tries, "tries");
    const secret = await derive(pin, await handle.get("meta", "salt"));
    let right = false;
    try {
      right = (await unsealWith(secret, await handle.get("meta", "check"))) === CHECK;
    } catch (wrong) {
      right = false; // AES-GCM refuses a wrong key: that is what tells a wrong PIN
    }
    if (right) {
      await handle.put("meta", 0, "tries");
      key = secret;
      return { ok: true };
    }
    if (tries >= MAX_TRIES) {
      await wipe();
      return { ok: false, wiped: true };
    }
    return { ok: false, left: MAX_TRIES - tries };
  }

  async function triesLeft() {
    return MAX_TRIES - ((await (await db()).get("meta", "tries")) || 0);
  }

  function lock() {
    key = null;
  }

  function unlocked() {
    return key !== null;
  }

  function seal(value) {
    return sealWith(requireKey(), value);
  }

  function unseal(record) {
    return unsealWith(requireKey(), record);
  }

  // Everything on the phone goes: the database and any cache but the shell's (which holds no data).
  async function wipe() {
    key = null;
    await close();
    await root.idb.deleteDB(DB_NAME);
    if (root.caches) {
      const names = await caches.keys();
      await Promise.all(names.filter((name) => !name.startsWith("workbox-precache")).map((name) => caches.delete(name)));
    }
  }

  async function persist() {
    if (!navigator.storage || !navigator.storage.persist) return false;
    return (await navigator.storage.persisted()) || navigator.storage.persist();
  }

  async function persisted() {
    return Boolean(navigator.storage && navigator.storage.persisted && (await navigator.storage.persisted()));
  }

  EF.vault = { db, exists, create, unlock, triesLeft, lock, unlocked, seal, unseal, wipe, persist, persisted,
    SEALED, MAX_TRIES };
})(self);
