// The counsellor page: sign in once, then show what lotse believes about
// this counsellor (polled every second), switch status with three buttons,
// and renew the "available" lease while the page is open. When the page is
// closed or the device sleeps, no renewal is sent and the lease runs out on
// the server: that is the point, so nothing here tries to prevent it.

import * as alarm from "./alarm.js";
import * as api from "./api.js";
import { apply, hotlineText, t, time, toggle } from "./i18n.js";
import { renderOperator, wireOperator } from "./operator.js";
import { refreshBans, refreshBlock, renderBans, renderBlock, resetBlock, wireBlock } from "./block.js";

const $ = (id) => document.getElementById(id);
const POLL_MS = 1000;
/// Statuses whose lease the page keeps alive.
const HELD = new Set(["available", "ringing", "in_call", "wrap_up"]);

let session = null;
let me = null;
let hotline = null;
let pollTimer = 0;
let beatTimer = 0;

function show(view) {
  for (const id of ["loading", "signin", "counsellor", "operator"]) $(id).hidden = id !== view;
  $("signout").hidden = view === "signin" || view === "loading";
}

/// Back to the sign-in form; `note` says why (signed out, session over),
/// as news, not as an error. `alarmed`: the session ended without the
/// counsellor signing out.
function signedOut(note, alarmed = false) {
  if (alarmed && session && session.role === "counsellor") {
    alarm.raise("signedout", { s: session.presence_ttl_s });
  }
  clearTimeout(pollTimer);
  clearInterval(beatTimer);
  session = me = hotline = null;
  resetBlock();
  api.setCsrf("");
  $("signin-error").textContent = "";
  $("signin-note").textContent = note || "";
  show("signin");
}

function begin(s) {
  alarm.clear();
  session = s;
  api.setCsrf(s.csrf);
  $("signin-error").textContent = "";
  show(s.role);
  render();
  poll();
  if (s.role === "counsellor") {
    const every = Math.max(3, Math.floor(s.presence_ttl_s / 3)) * 1000;
    beatTimer = setInterval(beat, every);
  }
}

async function signIn(event) {
  event.preventDefault();
  alarm.unlockSound();
  const input = $("token");
  const token = input.value.trim();
  if (!token) {
    $("signin-error").textContent = t("signin.empty");
    input.focus();
    return;
  }
  $("signin-note").textContent = "";
  const r = await api.send("POST", "/session", { token });
  if (r.status === 200) {
    input.value = "";
    begin(r.data);
    return;
  }
  // Keep what was typed: one wrong character must not cost all 48. Selected,
  // so typing starts afresh and the arrow keys can fix it.
  $("signin-error").textContent = t(r.status === 401 ? "signin.wrong" : "error.generic");
  input.focus();
  input.select();
}

async function signOut() {
  await api.send("DELETE", "/session");
  signedOut(t("signin.out"));
}

/// A failed request: 401 ends the session on the page, others say so.
function failed(r, where) {
  if (r.status === 401) signedOut(t("signin.expired"), true);
  else $(where).textContent = t(r.status === 0 ? "error.network" : r.status === 503 ? "error.store" : "error.generic");
}

async function poll() {
  clearTimeout(pollTimer);
  if (!session) return;
  const where = session.role === "operator" ? "op-error" : "action-error";
  const path = session.role === "operator" ? "/api/v1/counsellors" : "/api/v1/me";
  const [who, line] = await Promise.all([api.get(path), api.get("/api/v1/hotline")]);
  if (!session) return;
  if (who.status !== 200 || line.status !== 200) {
    failed(who.status !== 200 ? who : line, where);
  } else {
    $(where).textContent = "";
    hotline = line.data;
    if (session.role === "operator") {
      renderOperator(who.data, hotline);
      await refreshBans();
    } else {
      update(who.data);
      await refreshBlock(me, zone());
    }
    if (!session) return;
    render();
  }
  if (session) pollTimer = setTimeout(poll, POLL_MS);
}

async function beat() {
  if (!session || !me || !HELD.has(me.status)) return;
  // Says what the page last saw: after the store lost its data, a
  // counsellor last seen in a call is not made available mid-conversation.
  const r = await api.send("POST", "/api/v1/me/heartbeat", { status: me.status });
  if (r.status === 200) {
    update(r.data);
    render();
  } else failed(r, "action-error");
}

/// The status the counsellor chose last; any other move from a reachable
/// status to away or offline was not theirs (lease lapsed, missed calls,
/// the operator) and raises the alarm.
let chosen = "";

function update(next) {
  const before = me ? me.status : "";
  me = next;
  if (HELD.has(me.status)) alarm.clear();
  else if (HELD.has(before) && me.status !== chosen) alarm.raise(me.status);
}

async function setStatus(status) {
  alarm.unlockSound();
  chosen = status;
  const r = await api.send("PUT", "/api/v1/me/status", { status });
  if (r.status === 200) {
    alarm.clear();
    me = r.data;
    $("action-error").textContent = "";
    render();
  } else failed(r, "action-error");
}

function render() {
  apply();
  alarm.retranslate();
  if (!session) return;
  if (session.role === "operator") {
    renderOperator(null, hotline);
    renderBans(zone());
    return;
  }
  $("hello").textContent = t("hello", { name: session.name || session.id });
  $("lease").textContent = t("lease", { s: session.presence_ttl_s });
  const [open, waiting] = hotlineText(hotline);
  $("hotline-open").textContent = open;
  $("hotline-waiting").textContent = waiting;
  if (!me) return;
  $("status").dataset.status = me.status;
  $("status-text").textContent = t("status." + me.status);
  $("status-hint").textContent = me.status === "ringing" ? t("ringing.hint") : "";
  const tz = hotline ? hotline.timezone : undefined;
  $("status-detail").textContent =
    me.status === "wrap_up" && me.wrap_up_left_s !== null
      ? t("wrap.left", { s: me.wrap_up_left_s })
      : t("since", { time: time(me.since, tz) });
  for (const b of document.querySelectorAll("[data-set]")) {
    b.setAttribute("aria-pressed", String(b.dataset.set === me.status));
  }
  renderBlock(tz);
}

/// The hotline's time zone, once known.
const zone = () => (hotline ? hotline.timezone : undefined);

function wire() {
  $("signin-form").addEventListener("submit", signIn);
  $("signout").addEventListener("click", signOut);
  $("lang").addEventListener("click", () => {
    toggle();
    render();
  });
  for (const b of document.querySelectorAll("[data-set]")) {
    b.addEventListener("click", () => setStatus(b.dataset.set));
  }
  $("alarm-again").addEventListener("click", () => setStatus("available"));
  // Back from sleep: renew at once if the lease is still alive, and show
  // the truth (perhaps "offline") without waiting for the next tick.
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible" && session) {
      beat();
      poll();
    }
  });
  wireOperator(() => session, failed, poll);
  wireBlock(zone);
}

async function start() {
  apply();
  wire();
  const r = await api.get("/session");
  if (r.status === 200) begin(r.data);
  else signedOut("");
}

start();
