// Texts of the page in German (default) and English, and the formatting of
// times in the hotline's own time zone. The chosen language is remembered
// on this device only.

const TEXTS = {
  de: {
    loading: "Wird geladen …",
    signout: "Abmelden",
    "signin.title": "Anmelden",
    "signin.label": "Ihr Zugangsschlüssel",
    "signin.submit": "Anmelden",
    "signin.hint": "Den Schlüssel erhalten Sie vom Betrieb der Hotline. Sie geben ihn einmal pro Schicht ein: Dieses Gerät bleibt dann bis zu 12 Stunden angemeldet, bis Sie sich abmelden. Anrufe erreichen Sie nur, solange diese Seite geöffnet ist.",
    "alarm.signedout.title": "Sie sind abgemeldet",
    "alarm.signedout.text": "Ohne Anmeldung hält diese Seite Sie nicht erreichbar: Nach spätestens {s} Sekunden erreichen Sie keine Anrufe mehr. Bitte melden Sie sich neu an.",
    "alarm.offline.title": "Sie sind nicht mehr verfügbar",
    "alarm.offline.text": "Anrufe erreichen Sie nicht. Ihre Verfügbarkeit ist abgelaufen (Seite geschlossen, Gerät im Ruhezustand, keine Verbindung) oder der Betrieb hat Sie offline gesetzt.",
    "alarm.away.title": "Sie sind auf Pause gesetzt",
    "alarm.away.text": "Anrufe erreichen Sie nicht, bis Sie wieder „Verfügbar“ wählen (nach verpassten Anrufen oder durch den Betrieb).",
    "alarm.again": "Wieder verfügbar",
    "signin.empty": "Bitte geben Sie Ihren Zugangsschlüssel ein.",
    "signin.wrong": "Dieser Zugangsschlüssel ist nicht gültig. Bitte prüfen Sie ihn und versuchen Sie es erneut.",
    "signin.expired": "Ihre Sitzung ist abgelaufen. Bitte melden Sie sich erneut an.",
    "signin.out": "Sie sind abgemeldet.",
    hello: "Hallo {name}",
    "status.you": "Ihr Status",
    choices: "Status ändern",
    "set.available": "Verfügbar",
    "set.away": "Pause",
    "set.offline": "Offline",
    "status.available": "Verfügbar",
    "status.away": "Pause",
    "status.offline": "Offline",
    "status.ringing": "Es klingelt",
    "status.in_call": "Im Gespräch",
    "status.wrap_up": "Nachbereitung",
    "ringing.hint": "Ihr Telefon klingelt – nehmen Sie ab und drücken Sie die 1.",
    since: "seit {time}",
    "wrap.left": "noch {s} Sekunden",
    lease: "Solange diese Seite geöffnet ist, bleiben Sie erreichbar; schließen Sie sie oder schläft Ihr Gerät ein, werden Sie nach spätestens {s} Sekunden nicht mehr angerufen.",
    "hotline.title": "Hotline",
    "hotline.open": "Die Hotline ist jetzt geöffnet, bis {time}.",
    "hotline.closed": "Die Hotline ist geschlossen. Sie öffnet wieder {time}.",
    "hotline.closed_long": "Die Hotline ist geschlossen.",
    "hotline.waiting": "Anrufende in der Warteschleife: {n}",
    "hotline.available": "Verfügbare Beratende: {n}",
    "operator.title": "Team",
    "operator.calls": "Anrufe heute: {n}",
    "operator.pin_locked": "Telefon-PIN gesperrt bis {time} (falsche PINs)",
    "operator.offline": "Offline setzen",
    "operator.offline_label": "{name} offline setzen",
    "error.store": "Der Status kann gerade nicht gelesen oder geändert werden. Bitte versuchen Sie es gleich noch einmal.",
    "error.network": "Keine Verbindung zum Server. Die Anzeige ist vielleicht nicht aktuell.",
    "error.generic": "Das hat nicht geklappt. Bitte versuchen Sie es erneut.",
    switchTo: "English",
  },
  en: {
    loading: "Loading …",
    signout: "Sign out",
    "signin.title": "Sign in",
    "signin.label": "Your access key",
    "signin.submit": "Sign in",
    "signin.hint": "The hotline's operator gives you the key. You enter it once per shift: this device then stays signed in for up to 12 hours, until you sign out. Calls reach you only while this page is open.",
    "alarm.signedout.title": "You are signed out",
    "alarm.signedout.text": "Without a session this page cannot keep you reachable: within {s} seconds no calls will reach you. Please sign in again.",
    "alarm.offline.title": "You are no longer available",
    "alarm.offline.text": "Calls do not reach you. Your availability lapsed (page closed, device asleep, no connection) or the operator set you offline.",
    "alarm.away.title": "You have been paused",
    "alarm.away.text": "Calls do not reach you until you choose \"Available\" again (after missed calls, or set by the operator).",
    "alarm.again": "Available again",
    "signin.empty": "Please enter your access key.",
    "signin.wrong": "This access key is not valid. Please check it and try again.",
    "signin.expired": "Your session has ended. Please sign in again.",
    "signin.out": "You are signed out.",
    hello: "Hello {name}",
    "status.you": "Your status",
    choices: "Change status",
    "set.available": "Available",
    "set.away": "Pause",
    "set.offline": "Offline",
    "status.available": "Available",
    "status.away": "Paused",
    "status.offline": "Offline",
    "status.ringing": "Ringing",
    "status.in_call": "In a call",
    "status.wrap_up": "Wrap-up",
    "ringing.hint": "Your phone is ringing – answer it and press 1.",
    since: "since {time}",
    "wrap.left": "{s} seconds left",
    lease: "While this page is open you stay reachable; if you close it or your device sleeps, you stop getting calls within {s} seconds.",
    "hotline.title": "Hotline",
    "hotline.open": "The hotline is open now, until {time}.",
    "hotline.closed": "The hotline is closed. It opens again {time}.",
    "hotline.closed_long": "The hotline is closed.",
    "hotline.waiting": "Callers waiting: {n}",
    "hotline.available": "Counsellors available: {n}",
    "operator.title": "Team",
    "operator.calls": "Calls today: {n}",
    "operator.pin_locked": "Phone PIN locked until {time} (wrong PINs)",
    "operator.offline": "Set offline",
    "operator.offline_label": "Set {name} offline",
    "error.store": "Your status cannot be read or changed right now. Please try again in a moment.",
    "error.network": "No connection to the server. What you see may be out of date.",
    "error.generic": "That did not work. Please try again.",
    switchTo: "Deutsch",
  },
};

let current = localStorage.getItem("lotse.lang") === "en" ? "en" : "de";

export function lang() {
  return current;
}

export function toggle() {
  current = current === "de" ? "en" : "de";
  localStorage.setItem("lotse.lang", current);
}

export function t(key, vars = {}) {
  const text = TEXTS[current][key] ?? TEXTS.de[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, k) => String(vars[k] ?? ""));
}

/// Sets every `data-i18n` element's text and the document language.
export function apply() {
  document.documentElement.lang = current;
  for (const el of document.querySelectorAll("[data-i18n]")) {
    el.textContent = t(el.dataset.i18n);
  }
  const button = document.getElementById("lang");
  button.textContent = t("switchTo");
  button.lang = current === "de" ? "en" : "de";
}

const LOCALE = { de: "de-DE", en: "en-GB" };

/// "14:05" today, or "Montag, 30. März, 09:00" further away.
export function time(iso, timeZone, withDay = false) {
  const opts = { timeZone, hour: "2-digit", minute: "2-digit" };
  if (withDay) Object.assign(opts, { weekday: "long", day: "numeric", month: "long" });
  return new Intl.DateTimeFormat(LOCALE[current], opts).format(new Date(iso));
}

/// The hotline's state in two sentences: open or when it opens, and counts.
export function hotlineText(h) {
  if (!h) return ["", ""];
  const open = h.open
    ? t("hotline.open", { time: time(h.closes_at, h.timezone) })
    : h.next_open
      ? t("hotline.closed", { time: time(h.next_open, h.timezone, true) })
      : t("hotline.closed_long");
  const counts = t("hotline.waiting", { n: h.waiting }) + " · " + t("hotline.available", { n: h.available });
  return [open, counts];
}
