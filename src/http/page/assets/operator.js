// The operator's view: everyone's status and since when, callers waiting,
// and "set offline" for a counsellor who forgot to sign out.

import * as api from "./api.js";
import { hotlineText, t, time } from "./i18n.js";

const $ = (id) => document.getElementById(id);
let team = [];

/// Renders the team (or re-renders the last one with `null`, e.g. after a
/// language switch) and the hotline's counts.
export function renderOperator(next, hotline) {
  if (next) team = next;
  const tz = hotline ? hotline.timezone : undefined;
  if (hotline) {
    const [open, counts] = hotlineText(hotline);
    $("op-open").textContent = open;
    $("op-waiting").textContent = counts;
  }
  const list = $("team");
  const items = team.map((c) => {
    const li = document.createElement("li");
    li.dataset.id = c.id;
    li.dataset.status = c.status;
    const name = document.createElement("strong");
    name.textContent = c.name;
    const status = document.createElement("span");
    status.className = "pill";
    status.dataset.status = c.status;
    status.textContent = t("status." + c.status);
    const since = document.createElement("span");
    since.textContent = t("since", { time: time(c.since, tz) }) + " · " + t("operator.calls", { n: c.calls_today });
    const off = document.createElement("button");
    off.type = "button";
    off.className = "choice small";
    off.dataset.offline = c.id;
    off.textContent = t("operator.offline");
    off.setAttribute("aria-label", t("operator.offline_label", { name: c.name }));
    off.disabled = c.status === "offline";
    li.append(name, status, since, off);
    if (c.pin_locked_until) {
      // Wrong PINs by phone: presence by phone is locked for a while.
      const lock = document.createElement("span");
      lock.className = "pin-lock";
      lock.dataset.pinLocked = c.id;
      lock.textContent = t("operator.pin_locked", { time: time(c.pin_locked_until, tz) });
      li.append(lock);
    }
    return li;
  });
  // Keep keyboard focus on the same button across the once-a-second redraw.
  const focused = document.activeElement?.dataset?.offline;
  list.replaceChildren(...items);
  if (focused) list.querySelector(`[data-offline="${CSS.escape(focused)}"]`)?.focus();
}

export function wireOperator(session, failed, refresh) {
  $("team").addEventListener("click", async (event) => {
    const id = event.target.closest("[data-offline]")?.dataset.offline;
    if (!id || !session()) return;
    const path = `/api/v1/counsellors/${encodeURIComponent(id)}/status`;
    const r = await api.send("PUT", path, { status: "offline" });
    if (r.status === 200) refresh();
    else failed(r, "op-error");
  });
}
