//! `lotse simulate --provider sipgate`: the same walk through the real flow
//! engine, answered as lotse answers sipgate.io — one action per answer,
//! prompts as audio URLs, the hold loop as Gathers, the final message as
//! `Play` followed by the call-control hang-up. `--json` prints
//! `{"provider": "sipgate", "open", "reason", "holiday", "next_open",
//! "closes_at", "steps", "xml", "responses"}` (`xml`: the first answer).

use std::process::ExitCode;

use chrono::{DateTime, Utc};
use serde_json::{json, Value};

use super::{describe, world, Transcript};
use crate::call::{CallId, Caller};
use crate::config::Settings;
use crate::connect::{self, ConnectError, Ctx};
use crate::flow::{self, Dial, Step, Turn};
use crate::providers::sipgate::{adapt, plan, render, LinkKey, Links, Reply, Then};

pub fn print(walked: Result<Transcript, ConnectError>, json: bool) -> ExitCode {
    match walked {
        Ok(t) if json => {
            let mut v = serde_json::to_value(&t).unwrap_or_default();
            if let Some(o) = v.as_object_mut() {
                let first = o.remove("twiml").unwrap_or_default();
                o.insert("xml".into(), first);
                o.insert("provider".into(), "sipgate".into());
            }
            println!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
            ExitCode::SUCCESS
        }
        Ok(t) => {
            print!("{}", t.human());
            for (i, xml) in t.responses.iter().enumerate() {
                println!("--- sipgate answer {} ---\n{xml}", i + 1);
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Walks the call as [`super::transcript`] does, answering as
/// `/sipgate/call` would; `twiml` of the result holds the first sipgate
/// answer (renamed `xml` when printed).
pub async fn transcript(
    settings: &Settings,
    at: DateTime<Utc>,
    press: &str,
    lang: Option<&str>,
    available: usize,
) -> Result<Transcript, ConnectError> {
    let flow = &settings.flow;
    let lang = lang.unwrap_or(&flow.default_language);
    let store = world::store(settings, at, lang, available, 0).await?;
    let languages: Vec<String> = flow.languages.keys().cloned().collect();
    let metrics = crate::metrics::Metrics::new(&languages); // a simulated call counts nowhere
    let journal = connect::Journal::new(store.clone(), metrics.durability.clone());
    let ctx = Ctx {
        settings,
        store: &store,
        journal: &journal,
        now: at,
        metrics: &metrics,
    };
    let call = CallId::parse("simulated").expect("a valid id");
    let key = LinkKey::derive(b"lotse simulate");
    let links = Links {
        public_url: &settings.public_url,
        key: &key,
        call: &call,
    };
    let sit = crate::http::situation(settings, at);
    let mut keys = press.chars();
    let (mut steps, mut responses) = (Vec::new(), Vec::new());
    let mut turn: Turn = flow::start(flow, &sit, Some(lang))?;
    loop {
        connect::finish_turn(&ctx, &call, &Caller::Withheld, &mut turn).await?;
        let turn_now = adapt::without_voicemail(flow, &sit, turn)?;
        let turn_now = adapt::without_message_offer(flow, &sit, turn_now);
        steps.extend(turn_now.played.iter().map(|(s, a)| describe::step(s, a, 0)));
        let reply = plan(&turn_now.actions());
        responses.push(render(&reply, &links));
        let Reply::Gather {
            max_digits, next, ..
        } = &reply
        else {
            if matches!(reply, Reply::PlayThenHangup { .. }) {
                steps.push(note(
                    "hangup",
                    "after the message: DELETE /calls/{callId} (call control)",
                ));
            }
            break;
        };
        let Some(at) = &next.at else { break };
        turn = match next.then {
            Then::Answer => {
                let digits: String = keys.by_ref().take(usize::from(*max_digits)).collect();
                if digits.is_empty() {
                    steps.push(note(&at.step, "waits for a key; none left to press"));
                    break;
                }
                steps.push(json!({"step": at.step, "do": "press", "digits": digits}));
                flow::resume(flow, &sit, at, Some(&digits))?
            }
            Then::Continue if matches!(flow.steps.get(&at.step), Some(Step::Counsellor { .. })) => {
                steps.push(note(
                    &at.step,
                    "waits in line; nobody frees up in a simulation",
                ));
                break;
            }
            Then::Continue => flow::resume(flow, &sit, at, None)?,
            Then::Dial => {
                let dial = Dial {
                    to: dialled(settings, next.counsellor.as_deref()),
                    caller_id: next.caller_id.clone().unwrap_or_default(),
                    timeout_s: settings.routing.ring_timeout_s,
                    time_limit_s: settings.routing.max_call_s(),
                    counsellor: next.counsellor.clone().unwrap_or_default(),
                    then: at.clone(),
                };
                responses.push(render(&Reply::Dial(dial), &links));
                break;
            }
        };
    }
    Ok(Transcript::new(settings, at, steps, responses))
}

fn note(step: &str, note: &str) -> Value {
    json!({"step": step, "do": "wait", "note": note})
}

/// The number of the counsellor a continuation rings.
fn dialled(settings: &Settings, counsellor: Option<&str>) -> String {
    settings
        .counsellors
        .iter()
        .find(|c| Some(c.id.as_str()) == counsellor)
        .map(|c| match &c.phone {
            crate::config::Phone::Number(n) => n.expose().to_owned(),
            crate::config::Phone::Sip(s) => s.clone(),
        })
        .unwrap_or_default()
}
