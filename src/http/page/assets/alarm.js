// The page's alarm: a full-width banner, plus a vibration and a short tone
// where the device allows, when the counsellor stops being reachable
// without having chosen it: signed out (session ended, lotse lost it) or no
// longer available (the lease lapsed while the device slept, or lotse set
// them away or offline). A quiet line of text is easy to miss on a phone in
// a pocket; a counsellor who believes they are on duty while no call can
// reach them is the failure this guards against.

import { t } from "./i18n.js";

const $ = (id) => document.getElementById(id);
let audio = null;
let raised = "";
let vars = {};

/// Browsers allow sound only after a user gesture: call this from one.
export function unlockSound() {
  try {
    audio = audio || new AudioContext();
    if (audio.state === "suspended") audio.resume();
  } catch {
    audio = null;
  }
}

function tone() {
  if (!audio || audio.state !== "running") return;
  const start = audio.currentTime;
  for (let i = 0; i < 3; i += 1) {
    const osc = audio.createOscillator();
    const gain = audio.createGain();
    osc.frequency.value = 880;
    gain.gain.value = 0.2;
    osc.connect(gain).connect(audio.destination);
    osc.start(start + i * 0.35);
    osc.stop(start + i * 0.35 + 0.2);
  }
}

/// Shows the banner for `kind` ("signedout" | "offline" | "away"); the
/// vibration and tone only when it newly appears.
export function raise(kind, values = {}) {
  const banner = $("alarm");
  banner.dataset.kind = kind;
  vars = values;
  $("alarm-title").textContent = t(`alarm.${kind}.title`);
  $("alarm-text").textContent = t(`alarm.${kind}.text`, vars);
  $("alarm-again").hidden = kind === "signedout";
  banner.hidden = false;
  if (raised !== kind) {
    raised = kind;
    if (navigator.vibrate) navigator.vibrate([300, 150, 300, 150, 300]);
    tone();
  }
}

export function clear() {
  raised = "";
  $("alarm").hidden = true;
}

/// Re-renders the banner's text after a language switch.
export function retranslate() {
  if (raised) {
    $("alarm-title").textContent = t(`alarm.${raised}.title`);
    $("alarm-text").textContent = t(`alarm.${raised}.text`, vars);
  }
}
