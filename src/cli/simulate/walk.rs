//! Walks one call: the first webhook, then one answer per pressed key (as
//! many keys as the menu takes), through the waiting line if asked to,
//! until the call ends or waits for keys that were not given.
//!
//! Time stands still until the caller reaches the waiting line; there it
//! moves on by the estimated length of each hold turn (talk, music, the
//! pause before the loop comes round), so `--wait 300` shows five minutes
//! of company as a caller hears them.

use chrono::{DateTime, Duration, Utc};
use serde_json::Value;

use super::{describe, world};
use crate::call::{CallId, Caller};
use crate::config::Settings;
use crate::connect::{self, ConnectError, Ctx};
use crate::flow::{self, Action, Resume, Step, Turn};
use crate::providers::twilio::twiml;

/// The simulated call: when, in which language, who is on duty, and
/// what the caller does.
pub struct Scenario<'a> {
    pub at: DateTime<Utc>,
    pub press: &'a str,
    pub lang: Option<&'a str>,
    pub available: usize,
    pub busy: usize,
    /// Seconds they stay in the waiting line before pressing the next key
    /// (or, with none left, hanging up); `None`: stop at the first hold turn.
    pub wait: Option<i64>,
}

/// The steps and the markup of every turn.
pub async fn walk(
    settings: &Settings,
    who: &Scenario<'_>,
) -> Result<(Vec<Value>, Vec<String>), ConnectError> {
    let flow = &settings.flow;
    let lang = who.lang.unwrap_or(&flow.default_language);
    let store = world::store(settings, who.at, lang, who.available, who.busy).await?;
    let languages: Vec<String> = flow.languages.keys().cloned().collect();
    let metrics = crate::metrics::Metrics::new(&languages); // a simulated call counts nowhere
    let journal = connect::Journal::new(store.clone(), metrics.durability.clone());
    let call = CallId::parse("CAsimulated").expect("a valid id");
    let links = twiml::Links {
        public_url: &settings.twilio.public_url,
    };
    let mut keys = who.press.chars().peekable();
    let (mut steps, mut responses) = (Vec::new(), Vec::new());
    let mut t = 0; // simulated seconds since `at`
    let mut line: Option<i64> = None; // when the first hold turn started
    let mut patience_over = false;
    let mut turn: Turn = flow::start(flow, &crate::http::situation(settings, who.at), who.lang)?;
    loop {
        let now = who.at + Duration::seconds(t);
        let ctx = Ctx {
            settings,
            store: &store,
            journal: &journal,
            now,
            metrics: &metrics,
        };
        connect::finish_turn(&ctx, &call, &Caller::Withheld, &mut turn).await?;
        responses.push(twiml::render(&turn.actions(), &links));
        for (step, action) in &turn.played {
            steps.push(describe::step(step, action, t));
        }
        let situation = |t| crate::http::situation(settings, who.at + Duration::seconds(t));
        let sit = situation(t);
        let next = match turn.played.last().map(|(_, a)| a) {
            Some(Action::Redirect { then }) if at_counsellor(settings, then) => {
                let start = *line.get_or_insert(t);
                let Some(wait) = who.wait else {
                    let note = "waits in line (--wait SECONDS follows the wait)";
                    steps.push(describe::note(&then.step, "wait", ("note", note), t));
                    break;
                };
                if patience_over {
                    let note = format!("hangs up after {} s in line", t - start);
                    steps.push(describe::note(&then.step, "hangup", ("note", &note), t));
                    break;
                }
                let end = t + world::listening_s(settings, &turn.actions());
                let pressed = match keys.peek() {
                    Some(_) if end - start > wait => keys.next().map(String::from),
                    _ => None,
                };
                match pressed {
                    Some(key) => {
                        t = start + wait;
                        steps.push(describe::note(&then.step, "press", ("digits", &key), t));
                        flow::resume(flow, &situation(t), then, Some(&key))?
                    }
                    None => {
                        patience_over = end - start > wait;
                        t = end;
                        flow::resume(flow, &situation(t), then, None)?
                    }
                }
            }
            Some(Action::Gather {
                max_digits, then, ..
            }) => {
                let digits: String = keys.by_ref().take(usize::from(*max_digits)).collect();
                let voicemail = matches!(flow.steps.get(&then.step), Some(Step::Voicemail { .. }));
                if digits.is_empty() && voicemail {
                    let note = "no key pressed: no call back";
                    steps.push(describe::note(&then.step, "wait", ("note", note), t));
                    turn = flow::resume(flow, &sit, then, Some(""))?;
                    continue;
                }
                if digits.is_empty() {
                    let note = "waits for a key; none left to press";
                    steps.push(describe::note(&then.step, "wait", ("note", note), t));
                    break;
                }
                steps.push(describe::note(&then.step, "press", ("digits", &digits), t));
                flow::resume(flow, &sit, then, Some(&digits))?
            }
            Some(Action::Redirect { then }) => flow::resume(flow, &sit, then, None)?,
            // The caller speaks, then ends the message with `#`.
            Some(Action::Record { then, .. }) => flow::resume(flow, &sit, then, Some("#"))?,
            _ => break,
        };
        turn = next;
    }
    Ok((steps, responses))
}

fn at_counsellor(settings: &Settings, then: &Resume) -> bool {
    matches!(
        settings.flow.steps.get(&then.step),
        Some(Step::Counsellor { .. })
    )
}
