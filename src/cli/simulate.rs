//! `lotse simulate`: what a caller would hear at a given instant, through
//! the real flow engine and the real TwiML renderer. `--json` prints one
//! object whose shape is a contract for tools:
//! `{"open", "reason", "holiday", "next_open", "steps", "twiml"}` (plus
//! `closes_at` and `responses`, the markup of every turn).

use std::process::ExitCode;

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::{json, Value};

use super::ConfigArg;
use crate::call::{CallId, Caller};
use crate::config::Settings;
use crate::connect::{self, ConnectError, Ctx};
use crate::flow::{self, Action, Pending, Step, Turn};
use crate::providers::twilio::twiml;
use crate::routing::{MemoryStore, Presence, Store, StoreError};
use crate::schedule::{ClosedReason, Decision};

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    config: ConfigArg,
    /// The instant of the call: local time in the schedule's time zone
    /// (2026-12-24T10:00) or RFC 3339 (2026-12-24T10:00:00+01:00).
    #[arg(long, value_parser = super::at::parse)]
    at: super::at::At,
    /// Keys the caller presses, one menu after another (e.g. 91 = English, then 1).
    #[arg(long, default_value = "")]
    press: String,
    /// The language the call starts in (default: the flow's).
    #[arg(long)]
    lang: Option<String>,
    /// Counsellors available (the first N of the configured team who speak
    /// the call's language, in an in-memory store), to see who would be rung.
    #[arg(long, default_value_t = 0)]
    available: usize,
    /// Print one JSON object instead of a readable transcript.
    #[arg(long)]
    json: bool,
}

pub fn run(args: &Args) -> ExitCode {
    let settings = match super::load(&args.config) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let Some(at) = args.at.instant(settings.schedule.tz) else {
        return ExitCode::from(2);
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let simulated = transcript(
        &settings,
        at,
        &args.press,
        args.lang.as_deref(),
        args.available,
    );
    match runtime.block_on(simulated) {
        Ok(t) if args.json => {
            println!("{}", serde_json::to_string_pretty(&t).unwrap_or_default());
            ExitCode::SUCCESS
        }
        Ok(t) => {
            print!("{}", t.human());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

#[derive(Debug, Serialize)]
pub struct Transcript {
    pub open: bool,
    pub reason: Option<&'static str>,
    pub holiday: Option<&'static str>,
    pub next_open: Option<String>,
    pub closes_at: Option<String>,
    pub steps: Vec<Value>,
    pub twiml: String,
    pub responses: Vec<String>,
}

/// Walks the call: the first webhook, then one menu answer per pressed key
/// (as many keys as the menu takes), until the call ends or waits for keys
/// that were not given.
pub async fn transcript(
    settings: &Settings,
    at: DateTime<Utc>,
    press: &str,
    lang: Option<&str>,
    available: usize,
) -> Result<Transcript, ConnectError> {
    let flow = &settings.flow;
    let store = simulated_store(
        settings,
        at,
        lang.unwrap_or(&flow.default_language),
        available,
    )
    .await?;
    let languages: Vec<String> = flow.languages.keys().cloned().collect();
    let metrics = crate::metrics::Metrics::new(&languages); // a simulated call counts nowhere
    let ctx = Ctx {
        settings,
        store: &store,
        now: at,
        metrics: &metrics,
    };
    let call = CallId::parse("CAsimulated").expect("a valid id");
    let sit = crate::http::situation(settings, at);
    let links = twiml::Links {
        public_url: &settings.twilio.public_url,
    };
    let mut keys = press.chars();
    let mut steps = Vec::new();
    let mut responses = Vec::new();
    let mut turn: Turn = flow::start(flow, &sit, lang)?;
    loop {
        if let Some(Pending::Connect(at)) = turn.pending.take() {
            let more = connect::at_counsellor_step(&ctx, &call, &Caller::Withheld, &at).await?;
            turn.played.extend(more.played);
        }
        responses.push(twiml::render(&turn.actions(), &links));
        for (step, action) in &turn.played {
            steps.push(describe(step, action));
        }
        let next = match turn.played.last().map(|(_, a)| a) {
            Some(Action::Gather {
                max_digits, then, ..
            }) => {
                let digits: String = keys.by_ref().take(usize::from(*max_digits)).collect();
                let voicemail = matches!(
                    flow.steps.get(&then.step),
                    Some(flow::Step::Voicemail { .. })
                );
                if digits.is_empty() && voicemail {
                    // The consent question times out: no call back, the recording follows.
                    steps.push(json!({"step": then.step, "do": "wait", "note": "no key pressed: no call back"}));
                    turn = flow::resume(flow, &sit, then, Some(""))?;
                    continue;
                }
                if digits.is_empty() {
                    steps.push(json!({"step": then.step, "do": "wait", "note": "waits for a key; none left to press"}));
                    break;
                }
                steps.push(json!({"step": then.step, "do": "press", "digits": digits}));
                flow::resume(flow, &sit, then, Some(&digits))?
            }
            Some(Action::Redirect { then })
                if matches!(flow.steps.get(&then.step), Some(Step::Counsellor { .. })) =>
            {
                steps.push(json!({"step": then.step, "do": "wait", "note": "waits in line; nobody frees up in a simulation"}));
                break;
            }
            Some(Action::Redirect { then }) => flow::resume(flow, &sit, then, None)?,
            // The caller speaks, then ends the message with `#`.
            Some(Action::Record { then, .. }) => flow::resume(flow, &sit, then, Some("#"))?,
            _ => break,
        };
        turn = next;
    }
    let (open, reason, holiday, next_open, closes_at) = match settings.schedule.decide(at) {
        Decision::Open { closes_at } => (true, None, None, None, Some(closes_at.to_rfc3339())),
        Decision::Closed { reason, next_open } => {
            let holiday = match &reason {
                ClosedReason::Holiday(h) => Some(h.name_de),
                _ => None,
            };
            (
                false,
                Some(reason.code()),
                holiday,
                next_open.map(|t| t.to_rfc3339()),
                None,
            )
        }
    };
    Ok(Transcript {
        open,
        reason,
        holiday,
        next_open,
        closes_at,
        steps,
        twiml: responses[0].clone(),
        responses,
    })
}

/// An in-memory store with the team registered and `available` of those
/// who speak `lang` set available at `at`.
async fn simulated_store(
    settings: &Settings,
    at: DateTime<Utc>,
    lang: &str,
    available: usize,
) -> Result<Store, StoreError> {
    let store = Store::Memory(MemoryStore::new());
    for c in &settings.counsellors {
        store.register(&c.id, &c.pools, at).await?;
    }
    let speakers = settings
        .counsellors
        .iter()
        .filter(|c| c.pools.iter().any(|p| p.as_str() == lang));
    for c in speakers.take(available) {
        store
            .set_status(
                &c.id,
                Presence::Available,
                at,
                settings.routing.presence_ttl,
            )
            .await?;
    }
    Ok(store)
}

fn describe(step: &str, action: &Action) -> Value {
    match action {
        Action::Say(s) => json!({"step": step, "do": "say", "lang": s.tts_lang, "text": s.text}),
        Action::Play { file } => json!({"step": step, "do": "play", "file": file}),
        Action::Pause { seconds } => json!({"step": step, "do": "pause", "seconds": seconds}),
        Action::Gather {
            prompts,
            max_digits,
            timeout_s,
            ..
        } => json!({
            "step": step, "do": "gather", "max_digits": max_digits, "timeout_s": timeout_s,
            "prompts": prompts.iter().map(|p| describe(step, p)).collect::<Vec<_>>(),
        }),
        Action::Redirect { then } => json!({"step": step, "do": "redirect", "to": then.step}),
        Action::Dial(d) => {
            json!({"step": step, "do": "dial", "counsellor": d.counsellor, "timeout_s": d.timeout_s, "caller_id": d.caller_id})
        }
        Action::Hangup => json!({"step": step, "do": "hangup"}),
        Action::Record {
            max_length_s,
            callback_requested,
            then,
        } => json!({
            "step": step, "do": "record", "max_length_s": max_length_s,
            "callback_requested": callback_requested, "then": then.step,
            "note": format!("message for the team, up to {max_length_s} s; call back: {}", if *callback_requested { "yes" } else { "no" }),
        }),
    }
}

impl Transcript {
    fn human(&self) -> String {
        let mut out = match (self.open, self.reason) {
            (true, _) => format!(
                "open (closes {})\n",
                self.closes_at.as_deref().unwrap_or("?")
            ),
            (false, reason) => format!(
                "closed: {}{} — next opening {}\n",
                reason.unwrap_or("?"),
                self.holiday.map(|h| format!(" ({h})")).unwrap_or_default(),
                self.next_open.as_deref().unwrap_or("none")
            ),
        };
        for s in &self.steps {
            out += &line(s, "");
            if let Some(prompts) = s["prompts"].as_array() {
                for p in prompts {
                    out += &line(p, "    ");
                }
            }
        }
        out
    }
}

fn line(s: &Value, indent: &str) -> String {
    let step = s["step"].as_str().unwrap_or("");
    let what = s["do"].as_str().unwrap_or("");
    let detail = ["text", "digits", "file", "note", "to", "counsellor"]
        .iter()
        .find_map(|k| s[*k].as_str())
        .unwrap_or("");
    format!("{indent}[{step}] {what}: {detail}\n")
}
