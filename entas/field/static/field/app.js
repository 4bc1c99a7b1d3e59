/*
 * The screens of the field app: sign-in, PIN, home (sync, due list, families, conflicts, errors) and
 * one family (facts, criteria checklist, visit, attendance and follow-up forms). Data comes from
 * EntasField.store; every change is a command put in the outbox, sent by EntasField.sync.
 * Nodes are built with textContent only: nothing from the server is ever parsed as HTML.
 */
(function (root) {
  "use strict";

  const EF = root.EntasField;
  const t = EF.i18n.t;
  const LOCK_AFTER_MS = 5 * 60 * 1000;
  const LIST_LIMIT = 50; // issues shown at once; a phone with 5,000 refused changes stays usable
  const FOLD_AFTER = 5;
  const MEASURES = [
    ["per_capita_income", "rupiah"], ["income_sources", "count"], ["business_months", "count"], ["savings", "rupiah"],
    ["cooperative_member", "yes_no"], ["school_age_children", "count"], ["children_in_school", "count"],
    ["food_shortage", "yes_no"],
  ];
  const CLOSED = ["sustained", "exited"]; // kept for their history: nothing more is recorded for them
  const URGENCY = ["follow_up", "visit", "assessment", "graduate", "mark_ready", "override"]; // graduation/due.py
  const SYMBOLS = { met: "✔", unmet: "✘", missing: "?", na: "–" };
  const OPERATORS = { ">=": "≥", ">": ">", "<=": "≤", "<": "<", "=": "=" };

  const state = { caseload: null, family: null, registered: null, syncing: null, hiddenAt: 0, reloading: false };

  // --- small helpers --------------------------------------------------------------------------------

  const $ = (selector, scope = document) => scope.querySelector(selector);
  const testid = (name) => $(`[data-testid="${name}"]`);

  function el(tag, attrs = {}, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs)) {
      if (value === null || value === undefined || value === false) continue;
      if (name === "text") node.textContent = value;
      else node.setAttribute(name, value === true ? "" : String(value));
    }
    children.flat().forEach((child) => { if (child !== null && child !== undefined) node.append(child); });
    return node;
  }

  function pad(n) {
    return String(n).padStart(2, "0");
  }

  function today() {
    const now = new Date();
    return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
  }

  function longDate(iso) {
    if (!iso) return t("family.none");
    const [y, m, d] = iso.slice(0, 10).split("-").map(Number);
    return new Date(Date.UTC(y, m - 1, d)).toLocaleDateString(EF.i18n.locale,
      { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });
  }

  function moment(iso) {
    return new Date(iso).toLocaleString(EF.i18n.locale, { dateStyle: "medium", timeStyle: "short" });
  }

  function number(n) {
    return Number(n).toLocaleString(EF.i18n.locale);
  }

  function rupiah(n) {
    return `Rp ${number(n)}`;
  }

  function masked(text) {
    return text ? `•••• •••• •••• ${String(text).slice(-4)}` : t("family.none");
  }

  function show(screen) {
    document.querySelectorAll("[data-screen]").forEach((node) => { node.hidden = node.dataset.screen !== screen; });
    document.body.dataset.current = screen;
    root.scrollTo(0, 0);
  }

  function say(text, tone = "info") {
    const box = testid("message");
    box.textContent = text || "";
    box.dataset.tone = tone;
    box.hidden = !text;
  }

  function formError(form, text, field, tone = "error") {
    const box = $(".form-error", form);
    box.textContent = text || "";
    box.hidden = !text;
    box.dataset.tone = tone;
    form.querySelectorAll("[aria-invalid]").forEach((node) => node.removeAttribute("aria-invalid"));
    const input = field && form.elements[field];
    if (input) {
      input.setAttribute("aria-invalid", "true");
      input.focus();
    }
  }

  function busy(form, working) {
    form.querySelectorAll("button, input, select, textarea").forEach((node) => { node.disabled = working; });
  }

  // --- network indicator -------------------------------------------------------------------------

  function renderNetwork() {
    const badge = testid("network");
    const reached = EF.sync.network.lastOk;
    const stateName = !navigator.onLine ? "offline" : reached === false ? "unreachable" : "online";
    badge.dataset.state = stateName;
    badge.textContent = t(`net.${stateName}`);
  }

  // --- sign-in and the PIN -------------------------------------------------------------------------

  async function onSignIn(form) {
    const username = form.elements.username.value.trim();
    const password = form.elements.password.value;
    const label = form.elements.label.value.trim();
    if (!username || !password || !label) return formError(form, t("signin.missing"), !username ? "username" : !password ? "password" : "label");
    formError(form, t("signin.working"), null, "info");
    busy(form, true);
    try {
      state.registered = await EF.sync.register(username, password, label);
      form.reset();
      formError(form, "");
      show("pin-setup");
      $("#pin-new").focus();
    } catch (error) {
      formError(form, error.kind === "offline" ? t("signin.offline") : error.message, error.field);
    } finally {
      busy(form, false);
    }
  }

  async function onPinSetup(form) {
    const pin = form.elements.pin.value;
    if (!/^\d{6}$/.test(pin)) return formError(form, t("pin_setup.format"), "pin");
    if (form.elements.again.value !== pin) return formError(form, t("pin_setup.mismatch"), "again");
    formError(form, t("pin_setup.working"), null, "info");
    busy(form, true);
    try {
      await EF.vault.create(pin);
      await EF.store.saveSession(state.registered);
      state.registered = null;
      form.reset();
      formError(form, "");
      await EF.vault.persist();
      await enterHome();
      await sync(); // the first caseload, while the sign-in's signal is still there
    } finally {
      busy(form, false);
    }
  }

  async function onUnlock(form) {
    const pin = form.elements.pin.value;
    formError(form, t("lock.working"), null, "info");
    busy(form, true);
    let result;
    try {
      result = await EF.vault.unlock(pin);
    } finally {
      busy(form, false);
    }
    form.reset();
    if (result.ok) {
      formError(form, "");
      say("");
      await route();
    } else if (result.wiped) {
      await signedOut(t("lock.wiped", { max: EF.vault.MAX_TRIES }));
    } else {
      formError(form, t("lock.wrong", { left: result.left }), "pin");
    }
  }

  function lockNow(reason) {
    EF.vault.lock();
    EF.store.forget();
    state.caseload = null;
    state.family = null;
    show("lock");
    if (reason) say(reason);
  }

  async function signedOut(message) {
    EF.store.forget();
    await EF.vault.wipe();
    Object.assign(state, { caseload: null, family: null, registered: null });
    show("signin");
    say(message, "warning");
  }

  // --- home --------------------------------------------------------------------------------------------

  async function enterHome() {
    state.caseload = await EF.store.caseload();
    await renderHome();
    show("home");
  }

  async function renderHome() {
    const caseload = (state.caseload = await EF.store.caseload());
    testid("greeting").textContent = caseload ? t("home.greeting", { name: caseload.facilitator.name }) : t("home.greeting_plain");
    const last = await EF.store.lastSync();
    testid("last-sync").textContent = last ? moment(last) : t("home.never");
    testid("pending-count").textContent = String(await EF.store.pendingCount());
    testid("errors-count").textContent = String(await EF.store.errorsCount());
    testid("storage").textContent = t((await EF.vault.persisted()) ? "storage.persistent" : "storage.temporary");
    renderDue(caseload);
    renderFamilies(caseload);
    await renderIssues();
  }

  // One line per family, the most urgent first: by the kind of its most urgent item (the server's
  // order of kinds), then by how long it has been due.
  function renderDue(caseload) {
    const rank = (due) => (URGENCY.includes(due.kind) ? URGENCY.indexOf(due.kind) : URGENCY.length);
    const rows = (caseload ? caseload.summary : []).filter((family) => (family.due || []).length).map((family) => ({
      family, rank: Math.min(...family.due.map(rank)),
      on: family.due.map((d) => d.on || "9999").sort()[0],
    }));
    rows.sort((a, b) => a.rank - b.rank || a.on.localeCompare(b.on) || a.family.enrolment - b.family.enrolment);
    const list = $('[data-list="due"]');
    list.replaceChildren(...rows.map(({ family }) => el("li", { "data-testid": `due-${family.enrolment}` },
      el("a", { href: `#family/${family.enrolment}` }, el("strong", { text: family.name }),
        family.due.slice().sort((a, b) => rank(a) - rank(b)).map((due) => el("span", { class: "due-item", "data-kind": due.kind },
          el("span", { text: due.label }), due.on ? el("span", { class: "when", text: ` · ${longDate(due.on)}` }) : null))))));
    if (!rows.length) list.append(el("li", { class: "empty", text: t("home.due_none") }));
  }

  function renderFamilies(caseload) {
    const families = caseload ? caseload.summary : [];
    testid("families-title").textContent = t("home.families", { n: families.length });
    const list = $('[data-list="families"]');
    list.replaceChildren(...families.map((family) => el("li", { "data-testid": `family-${family.enrolment}` },
      el("a", { href: `#family/${family.enrolment}` },
        el("strong", { text: family.name }),
        el("span", { text: `${family.village} · ${family.status_label}` }),
        el("span", { class: "muted", text: family.last_visit ? t("home.last_visit", { date: longDate(family.last_visit) }) : t("home.no_visit") })))));
    if (!families.length) list.append(el("li", { class: "empty", text: t("home.families_none") }));
  }

  // The supervisor's decision on a conflict, from the last caseload download (none while it waits).
  function decisionOf(cmd) {
    const found = ((state.caseload && state.caseload.decisions) || []).find((d) => d.command === cmd.id);
    return found ? t("home.decided", { label: found.label, note: found.note || "—", when: moment(found.decided_at) }) : "";
  }

  function issueItem(entry, action, buttonText) {
    const cmd = entry.value.command;
    const decided = action === "hide-conflict" ? decisionOf(cmd) : "";
    return el("li", { "data-testid": `${action}-${cmd.id}`, "data-enrolment": cmd.enrolment },
      el("strong", { text: `${entry.value.name || cmd.enrolment} · ${t(`kind.${cmd.kind}`)}${cmd.data && cmd.data.date ? ` · ${longDate(cmd.data.date)}` : ""}` }),
      el("p", { text: decided || entry.value.message || "", "data-decided": decided ? "yes" : "no" }),
      el("button", { type: "button", class: "secondary small", "data-action": action, "data-key": entry.key, text: buttonText }));
  }

  async function renderIssueList(name, entries, total, action, buttonText) {
    const panel = testid(name);
    panel.hidden = total === 0;
    const list = $(`[data-list="${name}"]`);
    list.replaceChildren(...entries.map((entry) => issueItem(entry, action, buttonText)));
    if (total > entries.length) list.append(el("li", { class: "empty", text: t("home.more", { n: number(total - entries.length) }) }));
  }

  // Refused changes fold away once there are more than a few: the families stay in reach below.
  async function renderIssues() {
    await renderIssueList("conflicts", await EF.store.conflicts(LIST_LIMIT), await EF.store.conflictsCount(), "hide-conflict", t("home.hide"));
    const errors = await EF.store.errorsCount();
    await renderIssueList("errors", await EF.store.errors(LIST_LIMIT), errors, "dismiss-error", t("home.dismiss"));
    testid("errors-total").textContent = `(${number(errors)})`;
    testid("errors-details").open = errors <= FOLD_AFTER;
  }

  // --- sync ---------------------------------------------------------------------------------------------

  function progress(done, total) {
    const bar = testid("sync-progress");
    bar.hidden = total === 0;
    bar.max = Math.max(total, 1);
    bar.value = done;
    testid("sync-progress-text").textContent = total ? t("sync.progress", { done: number(done), total: number(total) }) : "";
  }

  function sync() {
    if (!state.syncing) state.syncing = runSync().finally(() => { state.syncing = null; });
    return state.syncing;
  }

  async function runSync() {
    const button = testid("sync");
    button.disabled = true;
    button.textContent = t("home.syncing");
    try {
      const tally = await EF.sync.run(progress);
      const sent = tally.applied + tally.duplicate + tally.conflict + tally.refused;
      say(sent ? t("sync.done", tally) : t("sync.fresh"), tally.conflict || tally.refused ? "warning" : "ok");
    } catch (error) {
      if (error.kind === "revoked") return signedOut(t("revoked"));
      say(error.kind === "offline" ? t("sync.offline") : error.kind === "server" ? t("sync.server")
        : error.kind === "refused" ? t("sync.refused", { error: error.message }) : t("error.generic", { error: error.message }), "warning");
    } finally {
      button.disabled = false;
      button.textContent = t("home.sync");
      progress(0, 0);
      renderNetwork();
    }
    if (EF.vault.unlocked()) await refreshCurrent();
  }

  async function refreshCurrent() {
    await renderHome();
    if (document.body.dataset.current === "family" && state.family) {
      const family = await EF.store.family(state.family.enrolment);
      if (family) renderFamily(family);
      else route();
    }
  }

  // --- logout --------------------------------------------------------------------------------------------

  async function onLogout() {
    const pending = await EF.store.pendingCount();
    if (pending > 0) {
      testid("logout-warning").textContent = t("logout.pending", { n: number(pending) });
      testid("logout-confirm").hidden = false;
      return;
    }
    await logoutNow();
  }

  async function logoutNow() {
    testid("logout-confirm").hidden = true;
    if (navigator.onLine) {
      try {
        await EF.sync.logout();
      } catch (error) {
        // Offline or already revoked: the phone's data goes all the same; the supervisor can revoke later.
      }
    }
    await signedOut(t("logout.done"));
  }

  // --- a family ---------------------------------------------------------------------------------------

  async function openFamily(enrolment) {
    const family = await EF.store.family(enrolment);
    if (!family) {
      say(t("family.missing"), "warning");
      return false;
    }
    renderFamily(family);
    show("family");
    return true;
  }

  function renderFamily(family) {
    state.family = family;
    const programme = state.caseload && state.caseload.programmes[String(family.programme)];
    testid("family-name").textContent = family.head ? family.head.name : `#${family.enrolment}`;
    testid("family-status").textContent = family.status_label;
    testid("family-status").dataset.status = family.status;
    testid("family-programme").textContent = programme ? programme.name : "";
    renderFacts(family);
    renderFamilyDue(family);
    renderAssessment(family);
    renderChecklist(family, family.assessment ? family.assessment.values : null, family.assessment ? family.assessment.date : today());
    renderMembers(family);
    resetVisitForm(family);
    renderAttendance(family);
    renderFollowUp(family);
  }

  function renderFacts(family) {
    const facts = [
      ["family.nik", masked(family.head && family.head.nik), "nik"], ["family.kk", masked(family.kk), "kk"],
      ["family.village", family.village.name, "village"], ["family.address", family.address || t("family.none"), "address"],
      ["family.enrolled", longDate(family.enrolled_on), "enrolled"], ["family.last_visit", longDate(family.last_visit), "last-visit"],
    ];
    if (family.graduated_on) facts.push(["family.graduated", longDate(family.graduated_on), "graduated"]);
    testid("family-facts").replaceChildren(...facts.map(([key, value, id]) => el("div", {},
      el("dt", { text: t(key) }), el("dd", { "data-testid": `fact-${id}`, text: value }))));
  }

  function renderFamilyDue(family) {
    const due = family.due || [];
    testid("family-due").hidden = !due.length;
    $('[data-list="family-due"]').replaceChildren(...due.map((d) => el("li", { "data-kind": d.kind },
      el("strong", { text: d.label }), d.on ? el("span", { class: "when", text: longDate(d.on) }) : null)));
  }

  function shown(type, value) {
    if (value === null || value === undefined) return t("choice.unknown");
    if (type === "rupiah") return rupiah(value);
    if (type === "yes_no") return t(value ? "choice.yes" : "choice.no");
    if (type === "share") return `${value} %`;
    return number(value);
  }

  function renderAssessment(family) {
    const box = testid("latest-assessment");
    if (!family.assessment) {
      box.textContent = t("family.no_assessment");
      return;
    }
    const values = family.assessment.values || {};
    box.replaceChildren(el("span", { class: "muted", text: t("family.assessed_on", { date: longDate(family.assessment.date) }) }),
      el("dl", { class: "values" }, MEASURES.filter(([name]) => values[name] !== null && values[name] !== undefined)
        .map(([name, type]) => el("div", {}, el("dt", { text: t(`measure.${name}`) }), el("dd", { text: shown(type, values[name]) })))));
  }

  function target(result, rules) {
    const measure = rules.measures[result.field];
    if (measure && measure.type === "yes_no") return `${t(result.threshold ? "choice.yes" : "choice.no")}`;
    const unit = rules.measures._units[result.unit];
    const amount = result.unit === "rp" ? rupiah(result.threshold) : `${number(result.threshold)} ${unit ? unit.label : ""}`;
    return `${OPERATORS[result.operator] || result.operator} ${amount}`.trim();
  }

  function renderChecklist(family, values, date) {
    const list = testid("checklist");
    const verdict = testid("verdict");
    const programme = state.caseload && state.caseload.programmes[String(family.programme)];
    const rules = programme && programme.rules;
    list.replaceChildren();
    if (!rules || !EF.criteria) {
      verdict.textContent = t(rules ? "checklist.unavailable" : "checklist.no_rules");
      verdict.dataset.passed = "unknown";
      return;
    }
    const line = EF.criteria.lineOn((state.caseload.lines || {})[family.line] || [], date || today());
    const results = EF.criteria.judge(rules, values || {}, line);
    results.forEach((result) => list.append(criterionItem(result, rules)));
    const passed = EF.criteria.allEssentialPassed(results);
    verdict.textContent = t(passed ? "checklist.all" : "checklist.not_all");
    verdict.dataset.passed = passed ? "yes" : "no";
  }

  function criterionItem(result, rules) {
    const status = !result.applies ? "na" : result.missing ? "missing" : result.met ? "met" : "unmet";
    const measure = rules.measures[result.field] || {};
    const value = result.value === null || result.value === undefined ? null : shown(measure.type, result.value);
    return el("li", { "data-criterion": result.code, "data-state": status, "data-essential": result.essential ? "yes" : "no" },
      el("span", { class: "symbol", "aria-hidden": "true", text: SYMBOLS[status] }),
      el("span", { class: "criterion" },
        el("strong", { text: result.label }),
        el("span", { class: "muted", text: ` ${t("checklist.target", { target: target(result, rules) })}` }),
        value === null ? null : el("span", { class: "muted", text: ` · ${t("checklist.value", { value })}` })),
      el("span", { class: "state", text: t(`checklist.${status}`) }),
      el("span", { class: result.essential ? "tag essential" : "tag", text: t(result.essential ? "checklist.essential" : "checklist.supporting") }));
  }

  function renderMembers(family) {
    testid("members").replaceChildren(...(family.members || []).map((m) => el("li", {},
      el("strong", { text: m.name }),
      el("span", { class: "muted", text: [m.relationship, m.sex, m.age === null || m.age === undefined ? "" : t("family.age", { age: m.age })].filter(Boolean).join(" · ") }))));
  }

  // --- the visit form ---------------------------------------------------------------------------------

  function dateProblem(iso, family) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(iso || "")) return t("date.missing");
    if (iso > today()) return t("date.future", { today: longDate(today()) });
    if (family.enrolled_on && iso < family.enrolled_on) return t("date.before_enrolment", { date: longDate(family.enrolled_on) });
    return null;
  }

  function resetVisitForm(family) {
    testid("visit").hidden = CLOSED.includes(family.status);
    const form = $('[data-form="visit"]');
    form.reset();
    formError(form, "");
    form.elements.date.value = today();
    form.elements.date.max = today();
    form.elements.date.min = family.enrolled_on || "";
  }

  // The assessment as typed: integers, booleans and null; `problems` names what cannot be read.
  function readAssessment(form) {
    const values = {};
    const problems = [];
    for (const [name, type] of MEASURES) {
      const raw = form.elements[name].value.trim();
      if (type === "yes_no") {
        values[name] = raw === "yes" ? true : raw === "no" ? false : null;
        continue;
      }
      const digits = type === "rupiah" ? raw.replace(/^rp\.?\s*/i, "").replace(/[.\s]/g, "") : raw;
      if (digits === "") values[name] = null;
      else if (/^\d{1,15}$/.test(digits)) values[name] = Number(digits);
      else {
        values[name] = null;
        problems.push({ field: name, message: t("visit.not_whole", { field: t(`measure.${name}`) }) });
      }
    }
    if (values.children_in_school !== null && values.school_age_children !== null && values.children_in_school > values.school_age_children) {
      problems.push({ field: "children_in_school", message: t("visit.children") });
    }
    const empty = Object.values(values).every((value) => value === null);
    return { values, assessment: empty ? null : values, problems };
  }

  function onVisitInput(form) {
    if (!state.family) return;
    const { values } = readAssessment(form);
    const date = form.elements.date.value || today();
    const base = state.family.assessment ? state.family.assessment.values : null;
    const typed = Object.values(values).some((value) => value !== null);
    renderChecklist(state.family, typed ? values : base, date);
  }

  async function onVisit(form) {
    const family = state.family;
    const date = form.elements.date.value;
    const problem = dateProblem(date, family);
    if (problem) return formError(form, problem, "date");
    const { assessment, problems } = readAssessment(form);
    if (problems.length) return formError(form, problems[0].message, problems[0].field);
    const command = EF.store.command("visit", family, { date, notes: form.elements.notes.value.trim(), assessment });
    await saveCommand(form, command, "visit.saved");
  }

  async function saveCommand(form, command, savedKey) {
    busy(form, true);
    try {
      await EF.store.enqueue(command);
    } finally {
      busy(form, false);
    }
    const family = await EF.store.family(command.enrolment);
    state.caseload = await EF.store.caseload();
    renderFamily(family);
    say(t(savedKey), "ok");
    testid("pending-count").textContent = String(await EF.store.pendingCount());
  }

  // --- attendance and follow-up -------------------------------------------------------------------

  function within(village, region) {
    return village === region || village.startsWith(`${region}.`);
  }

  function openSessions(family) {
    const done = new Set((family.local && family.local.sessions) || []);
    return ((state.caseload && state.caseload.sessions) || []).filter((s) => s.programme === family.programme &&
      within(family.village.code, s.region.code) && !s.attendees.includes(family.enrolment) && !done.has(s.id));
  }

  function renderAttendance(family) {
    const sessions = openSessions(family);
    // Graduated families still attend (their enrolment is open); sustained and exited ones no longer.
    const open = !CLOSED.includes(family.status) && sessions.length > 0;
    testid("attendance").hidden = !open;
    testid("attendance-none").hidden = open;
    const form = $('[data-form="attendance"]');
    formError(form, "");
    form.elements.session.replaceChildren(...sessions.map((s) => el("option", { value: s.id,
      text: `${longDate(s.date)} · ${s.kind_label}: ${s.topic} (${s.region.name})` })));
  }

  async function onAttendance(form) {
    const session = Number(form.elements.session.value);
    if (!session) return formError(form, t("attendance.choose"), "session");
    await saveCommand(form, EF.store.command("attendance", state.family, { session }), "attendance.saved");
  }

  function followUpDue(family) {
    const next = family.next_follow_up;
    if (!next) return null;
    const done = (family.local && family.local.follow_ups) || [];
    return next.on <= today() && !done.includes(next.month) ? next : null;
  }

  function renderFollowUp(family) {
    const next = followUpDue(family);
    testid("follow-up").hidden = !next;
    if (!next) return;
    const form = $('[data-form="follow-up"]');
    formError(form, "");
    form.elements.month.value = String(next.month);
    Array.from(form.elements.month.options).forEach((option) => { option.disabled = option.value !== String(next.month); });
    form.elements.date.value = today();
    form.elements.date.max = today();
    form.elements.date.min = next.on;
  }

  async function onFollowUp(form) {
    const next = followUpDue(state.family);
    const date = form.elements.date.value;
    const problem = dateProblem(date, state.family);
    if (problem) return formError(form, problem, "date");
    if (next && date < next.on) return formError(form, t("follow_up.too_early", { month: next.month, date: longDate(next.on) }), "date");
    const month = Number(form.elements.month.value);
    await saveCommand(form, EF.store.command("follow_up", state.family, { month, date }), "follow_up.saved");
  }

  // --- navigation ---------------------------------------------------------------------------------------

  async function route() {
    if (!EF.vault.unlocked()) return;
    state.caseload = await EF.store.caseload();
    const match = /^#family\/(\d+)$/.exec(root.location.hash);
    if (match && (await openFamily(Number(match[1])))) return;
    state.family = null;
    await enterHome();
  }

  function goHome() {
    if (root.location.hash) root.location.hash = "";
    else route();
  }

  const FORMS = { signin: onSignIn, "pin-setup": onPinSetup, unlock: onUnlock, visit: onVisit, attendance: onAttendance, "follow-up": onFollowUp };

  const ACTIONS = {
    sync: () => sync(),
    logout: () => onLogout(),
    "logout-sync": async () => { testid("logout-confirm").hidden = true; await sync(); },
    "logout-anyway": () => logoutNow(),
    "logout-cancel": () => { testid("logout-confirm").hidden = true; },
    "dismiss-error": async (button) => { await EF.store.dismissError(Number(button.dataset.key)); await renderHome(); },
    "dismiss-all-errors": async () => { await EF.store.dismissAllErrors(); await renderHome(); },
    "hide-conflict": async (button) => { await EF.store.dismissConflict(Number(button.dataset.key)); await renderHome(); },
    home: () => goHome(),
    language: () => switchLanguage(),
    update: () => applyUpdate(),
  };

  function report(error) {
    say(t("error.generic", { error: error && error.message ? error.message : String(error) }), "warning");
  }

  function bind() {
    document.addEventListener("submit", (event) => {
      const handler = FORMS[event.target.dataset.form];
      if (!handler) return;
      event.preventDefault();
      Promise.resolve(handler(event.target)).catch(report);
    });
    document.addEventListener("click", (event) => {
      const target = event.target.closest("[data-action]");
      if (!target || !ACTIONS[target.dataset.action]) return;
      event.preventDefault();
      Promise.resolve(ACTIONS[target.dataset.action](target)).catch(report);
    });
    const visit = $('[data-form="visit"]');
    visit.addEventListener("input", () => onVisitInput(visit));
    visit.addEventListener("change", () => onVisitInput(visit));
    root.addEventListener("hashchange", () => { route().catch(report); });
    // A new connection: the last failed call says nothing about it any more, and what waits is sent.
    root.addEventListener("online", () => {
      EF.sync.network.lastOk = null;
      renderNetwork();
      if (EF.vault.unlocked()) sync().catch(report);
    });
    root.addEventListener("offline", renderNetwork);
    root.addEventListener("entas:network", renderNetwork);
    document.addEventListener("visibilitychange", onVisibility);
  }

  // Away for more than 5 minutes: the key leaves memory and the PIN is asked again.
  function onVisibility() {
    if (document.hidden) {
      state.hiddenAt = Date.now();
      return;
    }
    if (EF.vault.unlocked() && state.hiddenAt && Date.now() - state.hiddenAt > LOCK_AFTER_MS) lockNow(t("lock.idle"));
    state.hiddenAt = 0;
  }

  function switchLanguage() {
    EF.i18n.set(EF.i18n.lang === "id" ? "en" : "id");
    applyTexts();
    if (EF.vault.unlocked()) refreshCurrent().catch(report);
  }

  function applyTexts() {
    EF.i18n.apply(document);
    const toggle = testid("language");
    toggle.textContent = t("language.switch");
    toggle.setAttribute("aria-label", t("language.label"));
    toggle.setAttribute("lang", EF.i18n.lang === "id" ? "en" : "id");
    renderNetwork();
  }

  // --- the service worker ------------------------------------------------------------------------------

  function offerUpdate(worker) {
    state.waiting = worker;
    testid("update").hidden = false;
  }

  function applyUpdate() {
    if (!state.waiting) return root.location.reload();
    state.reloading = true;
    state.waiting.postMessage({ type: "SKIP_WAITING" });
  }

  async function registerWorker() {
    if (!("serviceWorker" in navigator)) return;
    const registration = await navigator.serviceWorker.register(document.body.dataset.worker, { scope: document.body.dataset.scope });
    if (registration.waiting && navigator.serviceWorker.controller) offerUpdate(registration.waiting);
    registration.addEventListener("updatefound", () => {
      const worker = registration.installing;
      worker.addEventListener("statechange", () => {
        if (worker.state === "installed" && navigator.serviceWorker.controller) offerUpdate(worker);
      });
    });
    // Only a reload the facilitator asked for: the pending outbox stays in IndexedDB either way.
    navigator.serviceWorker.addEventListener("controllerchange", () => { if (state.reloading) root.location.reload(); });
  }

  async function start() {
    bind();
    applyTexts();
    registerWorker().catch(() => {}); // no worker (a private window): the app still works online
    show((await EF.vault.exists()) ? "lock" : "signin");
  }

  EF.app = { openFamily, sync, state, route };
  start().catch(report);
})(self);
