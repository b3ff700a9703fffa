//! Presence by phone: a counsellor calls the hotline from their registered
//! number, presses the unannounced `*` in a menu, enters their PIN, and gets
//! a short menu (available, pause, offline). Everyone who presses `*` hears
//! the same PIN question, and a wrong PIN sounds the same as a number that
//! is not registered: the hotline never tells a caller (or someone spoofing
//! a caller id) whose phone is a counsellor's. The caller id alone never
//! authenticates: both the registered number and the PIN must match.
//!
//! The menu speaks the flow's default language; its few sentences are the
//! system's own, not the hotline's, so they live here, in German and English.

use std::time::Duration;

use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use tracing::info;

use super::pin_limits::{self, Refused};
use super::{presence_turns, ConnectError, Ctx};
use crate::call::{CallId, Caller};
use crate::config::{Counsellor, Phone};
use crate::flow::{Action, Hook, Progress, Resume, Speech};
use crate::kv::Kv;
use crate::routing::{Presence, Status};
use crate::schedule::Decision;

/// The key that opens the PIN question in any menu without a `*` option.
pub const KEY: &str = "*";

/// The counsellor whose registered number is calling, if they have a PIN.
pub fn counsellor_calling<'a>(ctx: &Ctx<'a>, caller: &Caller) -> Option<&'a Counsellor> {
    let Caller::Number(n) = caller else {
        return None;
    };
    ctx.settings
        .counsellors
        .iter()
        .find(|c| c.pin_sha256.is_some() && c.phone == Phone::Number(n.clone()))
}

/// What the presence menu does next.
pub enum Next {
    Actions(Vec<Action>),
    /// Not a counsellor after all (no PIN, or wrong too often): the
    /// ordinary caller flow.
    CallerFlow,
}

/// The PIN question; `tried` PINs this call entered before (its turn).
pub fn ask_pin(ctx: &Ctx<'_>, tried: u32, after_wrong: bool) -> Vec<Action> {
    let text = if after_wrong {
        t(ctx, PIN_WRONG)
    } else {
        t(ctx, PIN)
    };
    vec![gather(ctx, "pin", tried, 8, text)]
}

/// The unannounced `*`: the PIN question, the same for every caller, while
/// the call has PINs left ([`pin_limits::PER_CALL`]); `None` after that,
/// and the `*` is just a key without a function.
pub async fn on_star(
    ctx: &Ctx<'_>,
    kv: &Kv,
    call: &CallId,
) -> Result<Option<Vec<Action>>, ConnectError> {
    let tried = pin_limits::tried(kv, call, ctx.now).await?;
    Ok((tried < pin_limits::PER_CALL).then(|| ask_pin(ctx, tried as u32, false)))
}

/// One answer to a presence question: its stage (`pin` or `menu`), what
/// was pressed (empty: nothing), and the progress its callback URL carries.
pub struct Answer<'a> {
    pub stage: &'a str,
    pub digits: &'a str,
    pub progress: Progress,
}

/// The counsellor is found from the caller's number on every step, so the
/// callback URL names nobody. An answer that was used before, or comes long
/// after its question (a replay), hangs up and changes nothing.
pub async fn answer(
    ctx: &Ctx<'_>,
    kv: &Kv,
    call: &CallId,
    caller: &Caller,
    a: Answer<'_>,
) -> Result<Next, ConnectError> {
    let stage = match a.stage {
        "pin" => "pin",
        "menu" => "menu",
        _ => return Ok(Next::CallerFlow),
    };
    if stage == "pin" && a.digits.is_empty() {
        // Nothing entered: back to the caller flow, nothing touched, so no
        // marker is used either. Otherwise the same question, asked again
        // after `*` within the same second (same turn, same time), would
        // meet this answer's marker and look like a replay.
        return Ok(Next::CallerFlow);
    }
    if !presence_turns::first_use(kv, call, stage, &a.progress, ctx.now).await? {
        info!(stage, "presence answer replayed or stale; ignored");
        return Ok(Next::Actions(vec![Action::Hangup]));
    }
    let counsellor = counsellor_calling(ctx, caller);
    match (stage, counsellor) {
        ("pin", c) => pin(ctx, kv, call, c, a.digits).await,
        ("menu", Some(c)) => {
            let presence = match a.digits {
                "1" => Presence::Available,
                "2" => Presence::Away,
                "3" => Presence::Offline,
                _ => return menu(ctx, c, a.progress.rung.saturating_add(1)).await,
            };
            let state = ctx
                .store
                .set_status(&c.id, presence, ctx.now, lease(ctx))
                .await?;
            info!(counsellor = %c.id, status = state.status.as_str(), "presence set by phone");
            let said = match state.status {
                Status::Available => t(ctx, NOW_AVAILABLE),
                Status::Away => t(ctx, NOW_AWAY),
                _ => t(ctx, NOW_OFFLINE),
            };
            Ok(Next::Actions(vec![say(ctx, said), Action::Hangup]))
        }
        _ => Ok(Next::CallerFlow),
    }
}

/// One PIN: counted for the call, checked unless the counsellor is locked,
/// and a refusal counted (against the counsellor whose number calls, if
/// any). Every refusal sounds the same.
async fn pin(
    ctx: &Ctx<'_>,
    kv: &Kv,
    call: &CallId,
    c: Option<&Counsellor>,
    digits: &str,
) -> Result<Next, ConnectError> {
    let tried = pin_limits::try_one(kv, call, ctx.now).await?;
    if tried > pin_limits::PER_CALL {
        return Ok(Next::CallerFlow);
    }
    let refused = match c {
        None => Some(Refused::Unregistered),
        Some(c) if pin_limits::locked_until(kv, c, ctx.now).await?.is_some() => {
            Some(Refused::Locked)
        }
        Some(c) if pin_matches(c, digits) => None,
        Some(_) => Some(Refused::Wrong),
    };
    match (refused, c) {
        (None, Some(c)) => menu(ctx, c, 0).await,
        (reason, c) => {
            let reason = reason.unwrap_or(Refused::Unregistered);
            pin_limits::refused(kv, ctx.metrics, reason, c, ctx.now).await?;
            if tried < pin_limits::PER_CALL {
                Ok(Next::Actions(ask_pin(ctx, tried as u32, true)))
            } else {
                info!("presence PIN wrong too often; ordinary call");
                Ok(Next::CallerFlow)
            }
        }
    }
}

/// The presence menu; `turn` counts how often this call heard it.
async fn menu(ctx: &Ctx<'_>, c: &Counsellor, turn: u32) -> Result<Next, ConnectError> {
    let state = ctx.store.state(&c.id, ctx.now).await?;
    let status = state.map_or(Status::Offline, |s| s.status);
    let text = format!(
        "{} {}",
        t(ctx, STATUS).replace("{status}", t(ctx, status_word(status))),
        t(ctx, MENU)
    );
    Ok(Next::Actions(vec![gather(ctx, "menu", turn, 1, &text)]))
}

/// "Available" set by phone has no page to renew it, so the lease lasts
/// until today's closing time (at least the usual TTL). A counsellor who
/// then misses calls is set away by the usual rule.
fn lease(ctx: &Ctx<'_>) -> Duration {
    let ttl = ctx.settings.routing.presence_ttl;
    match ctx.settings.schedule.decide(ctx.now) {
        Decision::Open { closes_at } => {
            let left = (closes_at.with_timezone(&chrono::Utc) - ctx.now)
                .to_std()
                .unwrap_or_default();
            left.max(ttl)
        }
        Decision::Closed { .. } => ttl,
    }
}

/// SHA-256 of `"<id>:<PIN>"`, compared in constant time.
fn pin_matches(c: &Counsellor, pin: &str) -> bool {
    let Some(expected) = &c.pin_sha256 else {
        return false;
    };
    let digest = Sha256::digest(format!("{}:{pin}", c.id).as_bytes());
    bool::from(digest.as_slice().ct_eq(expected))
}

/// A presence question. Its callback URL carries the turn (`rung`) and
/// when it was asked (`since`): see `presence_turns`.
fn gather(ctx: &Ctx<'_>, stage: &str, turn: u32, max_digits: u8, text: &str) -> Action {
    let then = Resume {
        step: stage.to_owned(),
        lang: ctx.settings.flow.default_language.clone(),
        progress: Progress {
            rung: turn,
            since: Some(ctx.now.timestamp()),
            ..Progress::default()
        },
        hook: Hook::Presence,
    };
    Action::Gather {
        prompts: vec![say(ctx, text)],
        max_digits,
        timeout_s: 8,
        then,
    }
}

fn say(ctx: &Ctx<'_>, text: &str) -> Action {
    let flow = &ctx.settings.flow;
    let lang = flow.languages.get(&flow.default_language);
    Action::Say(Speech {
        text: text.to_owned(),
        tts_lang: lang.map_or_else(|| "de-DE".to_owned(), |l| l.tts.clone()),
        voice: lang.and_then(|l| l.voice.clone()),
    })
}

type Words = (&'static str, &'static str);
const PIN: Words = (
    "Bitte geben Sie Ihre PIN ein und drücken Sie die Rautetaste. Wenn Sie die Hotline erreichen möchten, warten Sie einfach.",
    "Please enter your PIN followed by the hash key. To reach the hotline, simply wait.",
);
const PIN_WRONG: Words = (
    "Die PIN stimmt nicht. Bitte noch einmal.",
    "That PIN is not right. Please try again.",
);
const STATUS: Words = ("Ihr Status: {status}.", "Your status: {status}.");
const MENU: Words = (
    "Um verfügbar zu sein, drücken Sie die 1, für eine Pause die 2, zum Abmelden die 3.",
    "To be available, press 1; for a break, press 2; to sign off, press 3.",
);
const NOW_AVAILABLE: Words = (
    "Sie sind jetzt verfügbar und werden angerufen. Bis später.",
    "You are now available and will be called. Goodbye.",
);
const NOW_AWAY: Words = ("Sie sind jetzt in der Pause.", "You are now on a break.");
const NOW_OFFLINE: Words = (
    "Sie sind jetzt abgemeldet. Danke für Ihren Einsatz.",
    "You are now signed off. Thank you.",
);

fn status_word(s: Status) -> Words {
    match s {
        Status::Available => ("verfügbar", "available"),
        Status::Away => ("Pause", "on a break"),
        Status::Offline => ("abgemeldet", "signed off"),
        Status::Ringing => ("es klingelt", "ringing"),
        Status::InCall => ("im Gespräch", "in a call"),
        Status::WrapUp => ("Nachbereitung", "wrap-up"),
    }
}

fn t(ctx: &Ctx<'_>, words: Words) -> &'static str {
    if ctx.settings.flow.default_language == "de" {
        words.0
    } else {
        words.1
    }
}
