// "Block this caller" on the counsellor's view (their current or last call,
// with a reason and a duration), and the operator's list of bans with
// "lift". Nobody sees a number: a ban is a short hash prefix, a reason, who
// set it, since and until. Texts live here, in both languages of the page.

import * as api from "./api.js";
import { lang, time } from "./i18n.js";

const $ = (id) => document.getElementById(id);
const REFRESH_MS = 5000;

const TEXTS = {
  de: {
    title: "Anrufer sperren",
    current: "Ihr aktuelles Gespräch (angenommen um {time})",
    last: "Ihr letztes Gespräch (angenommen um {time})",
    withheld: "Die Nummer war unterdrückt: dieser Anruf kann nicht gesperrt werden.",
    reason: "Grund",
    choose: "Bitte wählen …",
    threat: "Bedrohung",
    harassment: "Belästigung",
    prank: "Scherzanruf",
    other: "Anderer Grund",
    days: "Dauer in Tagen",
    submit: "Anrufer sperren",
    done: "Gesperrt bis {time}. Ruft diese Nummer wieder an, hört sie eine neutrale Ansage; niemand wird angerufen.",
    none: "Es gibt keinen Anruf, den Sie sperren könnten.",
    days_bad: "Bitte eine Dauer von 1 bis {max} Tagen angeben.",
    failed: "Das Sperren hat nicht geklappt. Bitte versuchen Sie es erneut.",
    bans: "Gesperrte Anrufer",
    counts: "Aktive Sperren: {active} · heute abgewiesen: {blocked} gesperrt, {limited} begrenzt",
    off: "Sperren ist ausgeschaltet (kein Schlüssel LOTSE_ABUSE__KEY).",
    ban: "von {by} · seit {since} · bis {until}",
    lift: "Aufheben",
    lift_label: "Sperre {prefix} aufheben",
  },
  en: {
    title: "Block this caller",
    current: "Your current call (answered at {time})",
    last: "Your last call (answered at {time})",
    withheld: "The number was withheld: this call cannot be blocked.",
    reason: "Reason",
    choose: "Please choose …",
    threat: "Threat",
    harassment: "Harassment",
    prank: "Prank call",
    other: "Other reason",
    days: "Duration in days",
    submit: "Block this caller",
    done: "Blocked until {time}. If this number calls again it hears a neutral message; nobody is rung.",
    none: "There is no call you could block.",
    days_bad: "Please give a duration of 1 to {max} days.",
    failed: "Blocking did not work. Please try again.",
    bans: "Blocked callers",
    counts: "Active bans: {active} · refused today: {blocked} blocked, {limited} limited",
    off: "Blocking is off (no key LOTSE_ABUSE__KEY).",
    ban: "by {by} · since {since} · until {until}",
    lift: "Lift",
    lift_label: "Lift ban {prefix}",
  },
};

function t(key, vars = {}) {
  const text = TEXTS[lang()][key] ?? TEXTS.de[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, k) => String(vars[k] ?? ""));
}

let mine = null;
let fetched = 0;
let seenStatus = "";
let bans = null;
let bansFetched = 0;

export function resetBlock() {
  mine = bans = null;
  fetched = bansFetched = 0;
  seenStatus = "";
}

/// Asks the server about the counsellor's call when their status changes,
/// every second while a call is on but not yet known here, else every 5 s.
export async function refreshBlock(me, tz) {
  if (!me) return;
  const waiting = me.status === "in_call" && !mine?.call?.current;
  const due = me.status !== seenStatus || waiting || Date.now() - fetched > REFRESH_MS;
  if (!due) return;
  seenStatus = me.status;
  fetched = Date.now();
  const r = await api.get("/api/v1/me/block");
  if (r.status === 200) {
    mine = r.data;
    renderBlock(tz);
  }
}

export function renderBlock(tz) {
  const call = mine?.enabled ? mine.call : null;
  $("block").hidden = !call;
  if (!call) return;
  $("block-title").textContent = t("title");
  $("block-which").textContent = t(call.current ? "current" : "last", { time: time(call.answered_at, tz) });
  $("block-reason-label").textContent = t("reason");
  $("block-days-label").textContent = t("days");
  $("block-submit").textContent = t("submit");
  for (const o of $("block-reason").options) o.textContent = t(o.value || "choose");
  const days = $("block-days");
  days.max = String(mine.max_days);
  if (!days.value && document.activeElement !== days) days.value = String(mine.default_days);
  $("block-form").hidden = call.withheld || Boolean(call.blocked_until);
  $("block-done").textContent = call.withheld
    ? t("withheld")
    : call.blocked_until
      ? t("done", { time: time(call.blocked_until, tz, true) })
      : "";
  $("block-submit").disabled = !$("block-reason").value;
}

async function submit(event, tz) {
  event.preventDefault();
  const days = Number($("block-days").value);
  if (!Number.isInteger(days) || days < 1 || days > mine.max_days) {
    $("block-error").textContent = t("days_bad", { max: mine.max_days });
    return;
  }
  const r = await api.send("POST", "/api/v1/me/block", { reason: $("block-reason").value, days });
  if (r.status === 201) {
    $("block-error").textContent = "";
    mine.call.blocked_until = r.data.until;
    $("block-reason").value = "";
  } else {
    $("block-error").textContent = t(r.status === 404 ? "none" : "failed");
  }
  renderBlock(tz());
}

/// The operator's list, every 5 s (or at once with `now`).
export async function refreshBans(now = false) {
  if (!now && Date.now() - bansFetched < REFRESH_MS) return;
  bansFetched = Date.now();
  const r = await api.get("/api/v1/blocks");
  if (r.status === 200) {
    bans = r.data;
    $("bans-error").textContent = "";
  } else {
    $("bans-error").textContent = t("failed");
  }
}

export function renderBans(tz) {
  $("bans-title").textContent = t("bans");
  if (!bans) return;
  const c = bans.counts;
  $("bans-counts").textContent = bans.enabled
    ? t("counts", { active: c.active, blocked: c.blocked_today, limited: c.limited_today })
    : t("off");
  const items = bans.bans.map((b) => {
    const li = document.createElement("li");
    li.dataset.ban = b.id;
    const name = document.createElement("strong");
    name.textContent = b.prefix + "…";
    const reason = document.createElement("span");
    reason.className = "pill";
    reason.textContent = t(b.reason);
    const when = document.createElement("span");
    when.textContent = t("ban", { by: b.by, since: time(b.since, tz, true), until: time(b.until, tz, true) });
    const lift = document.createElement("button");
    lift.type = "button";
    lift.className = "choice small";
    lift.dataset.lift = b.id;
    lift.textContent = t("lift");
    lift.setAttribute("aria-label", t("lift_label", { prefix: b.prefix }));
    li.append(name, reason, when, lift);
    return li;
  });
  $("ban-list").replaceChildren(...items);
}

export function wireBlock(tz) {
  $("block-form").addEventListener("submit", (e) => submit(e, tz));
  $("block-reason").addEventListener("change", () => renderBlock(tz()));
  $("ban-list").addEventListener("click", async (event) => {
    const id = event.target.closest("[data-lift]")?.dataset.lift;
    if (!id) return;
    const r = await api.send("DELETE", `/api/v1/blocks/${encodeURIComponent(id)}`);
    if (r.status !== 204 && r.status !== 404) $("bans-error").textContent = t("failed");
    await refreshBans(true);
    renderBans(tz());
  });
}
