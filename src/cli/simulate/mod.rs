//! `lotse simulate`: what a caller would hear at a given instant, through
//! the real flow engine and the real TwiML renderer. `--json` prints one
//! object whose shape is a contract for tools:
//! `{"open", "reason", "holiday", "next_open", "steps", "twiml"}` (plus
//! `closes_at` and `responses`, the markup of every turn).

mod abuse;
mod describe;
mod sipgate;
mod walk;
mod world;

use std::process::ExitCode;

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;

use super::ConfigArg;
use crate::config::Settings;
use crate::connect::ConnectError;
use crate::schedule::{ClosedReason, Decision};

pub use walk::Scenario;

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
    /// Counsellors on duty but in a call (the next N of the team who speak
    /// the call's language): a caller who asks for one waits in line.
    #[arg(long, default_value_t = 0)]
    busy: usize,
    /// Seconds the caller stays in the waiting line, in simulated time (the
    /// hold loop comes round with company every turn); then they press the
    /// next key of --press, or, with none left, hang up. Without it the
    /// simulation stops at the first turn in line.
    #[arg(long, value_name = "SECONDS")]
    wait: Option<u32>,
    /// Print one JSON object instead of a readable transcript.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    abuse: abuse::AbuseArgs,
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
    let scenario = Scenario {
        at,
        press: &args.press,
        lang: args.lang.as_deref(),
        available: args.available,
        busy: args.busy,
        wait: args.wait.map(i64::from),
    };
    if args.provider == Provider::Sipgate {
        if args.abuse.given() {
            // Silently showing an unscreened call would mislead: the
            // decision is the same for both providers, its markup is shown
            // for Twilio.
            eprintln!("error: --caller-blocked, --calls-this-hour and --withheld-this-minute are shown with --provider twilio; sipgate callers are screened by the same decision");
            return ExitCode::from(2);
        }
        let walk = sipgate::transcript(
            &settings,
            at,
            &args.press,
            args.lang.as_deref(),
            args.available,
        );
        return sipgate::print(runtime.block_on(walk), args.json);
    }
    let simulated = abuse::with_screening(&settings, &scenario, &args.abuse);
    match runtime.block_on(simulated) {
        Ok(t) if args.json => {
            println!("{}", t.json());
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

/// What a caller would hear in `scenario`, with the schedule's decision at
/// its first instant.
pub async fn transcript(
    settings: &Settings,
    scenario: &Scenario<'_>,
) -> Result<Transcript, ConnectError> {
    let at = scenario.at;
    let (steps, responses) = walk::walk(settings, scenario).await?;
    Ok(Transcript::new(settings, at, steps, responses))
}

impl Transcript {
    /// The walked `steps` and provider `responses` (at least one), with the
    /// schedule's decision at `at`, the call's first instant.
    fn new(
        settings: &Settings,
        at: DateTime<Utc>,
        steps: Vec<Value>,
        responses: Vec<String>,
    ) -> Transcript {
        let (open, reason, holiday, next_open, closes_at) = match settings.schedule.decide(at) {
            Decision::Open { closes_at } => (true, None, None, None, Some(closes_at.to_rfc3339())),
            Decision::Closed { reason, next_open } => {
                let holiday = match &reason {
                    ClosedReason::Holiday(h) => Some(h.name_de),
                    _ => None,
                };
                let next = next_open.map(|t| t.to_rfc3339());
                (false, Some(reason.code()), holiday, next, None)
            }
        };
        Transcript {
            open,
            reason,
            holiday,
            next_open,
            closes_at,
            steps,
            twiml: responses[0].clone(),
            responses,
        }
    }

    fn human(&self) -> String {
        let head = match (self.open, self.reason) {
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
        head + &describe::human(&self.steps)
    }
}
