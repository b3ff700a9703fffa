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
use crate::connect::{self, ConnectError};
use crate::flow::{self, Action, Pending, Step, Turn};
use crate::providers::twilio::twiml;

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    config: ConfigArg,
    /// The instant of the call, RFC 3339 (e.g. 2026-12-24T10:00:00+01:00).
    #[arg(long, value_parser = super::simulate_setup::parse_instant)]
    at: DateTime<Utc>,
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
    /// Whose markup to show: `twilio` (TwiML) or `sipgate` (sipgate.io XML).
    #[arg(long, value_enum, default_value_t = Provider::Twilio)]
    provider: Provider,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Provider {
    Twilio,
    Sipgate,
}

pub fn run(args: &Args) -> ExitCode {
    let settings = match super::load(&args.config) {
        Ok(s) => s,
        Err(code) => return code,
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
    if args.provider == Provider::Sipgate {
        let walk = super::simulate_sipgate::transcript(
            &settings,
            args.at,
            &args.press,
            args.lang.as_deref(),
            args.available,
        );
        return super::simulate_sipgate::print(runtime.block_on(walk), args.json);
    }
    let simulated = transcript(
        &settings,
        args.at,
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
    let lang_or_default = lang.unwrap_or(&flow.default_language);
    let world = super::simulate_setup::World::new(settings, at, lang_or_default, available).await?;
    let ctx = world.ctx(settings, at);
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
    let (open, reason, holiday, next_open, closes_at) =
        super::simulate_setup::decision(settings, at);
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

pub(super) fn describe(step: &str, action: &Action) -> Value {
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
    pub(super) fn human(&self) -> String {
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

pub(super) fn line(s: &Value, indent: &str) -> String {
    let step = s["step"].as_str().unwrap_or("");
    let what = s["do"].as_str().unwrap_or("");
    let detail = ["text", "digits", "file", "note", "to", "counsellor"]
        .iter()
        .find_map(|k| s[*k].as_str())
        .unwrap_or("");
    format!("{indent}[{step}] {what}: {detail}\n")
}
