//! `lotse simulate` with the `[abuse]` screening in front of the flow: what
//! a blocked caller (`--caller-blocked`), a caller over the hourly limit
//! (`--calls-this-hour N`) or a withheld caller during a burst
//! (`--withheld-this-minute N`, then `--press 5`) hears. The decision is
//! the real one ([`crate::abuse::decide`]) on the facts given here; `--json`
//! adds `"screen": {"verdict", "abuse_enabled"}` to the transcript.

use serde_json::{json, Value};

use super::{describe, transcript, Scenario, Transcript};
use crate::abuse::{self, Checked, Facts, Verdict};
use crate::config::Settings;
use crate::connect::ConnectError;
use crate::flow::Action;
use crate::providers::twilio::twiml;

#[derive(clap::Args, Default)]
pub struct AbuseArgs {
    /// The caller's number has a live ban.
    #[arg(long)]
    caller_blocked: bool,
    /// This call is the caller's Nth within the hour ([abuse] max_calls_per_hour).
    #[arg(long, value_name = "N")]
    calls_this_hour: Option<u64>,
    /// The number is withheld, and this is the Nth withheld call within the
    /// minute ([abuse] anonymous_check); --press then answers the check first.
    #[arg(long, value_name = "N")]
    withheld_this_minute: Option<u64>,
}

impl AbuseArgs {
    /// Any screening fact was given on the command line.
    pub fn given(&self) -> bool {
        self.caller_blocked || self.calls_this_hour.is_some() || self.withheld_this_minute.is_some()
    }

    fn facts(&self) -> Option<Facts> {
        self.given().then(|| Facts {
            withheld: self.withheld_this_minute.is_some(),
            banned: self.caller_blocked,
            calls_this_hour: self.calls_this_hour.unwrap_or(1),
            withheld_this_minute: self.withheld_this_minute.unwrap_or(1),
        })
    }
}

/// The transcript, and the screening's verdict when abuse flags were given.
pub struct Screened {
    pub transcript: Transcript,
    pub screen: Option<Value>,
}

impl Screened {
    pub fn json(&self) -> String {
        let mut value = serde_json::to_value(&self.transcript).unwrap_or_default();
        if let (Some(screen), Some(map)) = (&self.screen, value.as_object_mut()) {
            map.insert("screen".into(), screen.clone());
        }
        serde_json::to_string_pretty(&value).unwrap_or_default()
    }

    pub fn human(&self) -> String {
        let head = match &self.screen {
            Some(s) => format!(
                "screen: {}{}\n",
                s["verdict"].as_str().unwrap_or("?"),
                if s["abuse_enabled"] == true {
                    ""
                } else {
                    " (note: serve does this only with LOTSE_ABUSE__KEY set)"
                }
            ),
            None => String::new(),
        };
        head + &self.transcript.human()
    }
}

pub async fn with_screening(
    settings: &Settings,
    scenario: &Scenario<'_>,
    args: &AbuseArgs,
) -> Result<Screened, ConnectError> {
    let (at, press) = (scenario.at, scenario.press);
    let Some(facts) = args.facts() else {
        let transcript = transcript(settings, scenario).await?;
        return Ok(Screened {
            transcript,
            screen: None,
        });
    };
    let flow = &settings.flow;
    let lang = scenario.lang.unwrap_or(&flow.default_language);
    let sit = crate::http::situation(settings, at);
    let mut turns: Vec<Vec<Action>> = Vec::new();
    let mut keys = press.chars();
    let verdict = abuse::decide(&settings.abuse, &facts);
    let outcome = match verdict {
        Verdict::Pass => "pass",
        Verdict::Blocked => "blocked",
        Verdict::Limited => "limited",
        Verdict::Check => loop {
            let asked = turns.len() as u32;
            turns.push(abuse::question(flow, &sit, lang, asked));
            let key: String = keys.by_ref().take(1).collect();
            match abuse::judge(Some(&key), asked + 1) {
                Checked::Passed => break "check_passed",
                Checked::Again { .. } => {}
                Checked::Failed => break "check_failed",
            }
        },
    };
    let refused = matches!(outcome, "blocked" | "limited" | "check_failed");
    if refused {
        turns.push(abuse::refusal(flow, &sit, lang));
    }
    // The schedule's part of the transcript is the flow's own; a refused
    // caller never reaches the flow, so its steps are replaced.
    let rest: String = keys.collect();
    let rest_of_call = Scenario {
        press: if refused { "" } else { &rest },
        lang: Some(lang),
        ..*scenario
    };
    let mut t = transcript(settings, &rest_of_call).await?;
    let links = twiml::Links {
        public_url: &settings.twilio.public_url,
    };
    let step = flow.refused.as_deref().unwrap_or("refused");
    let mut steps = Vec::new();
    for (i, actions) in turns.iter().enumerate() {
        let name = if refused && i + 1 == turns.len() {
            step
        } else {
            abuse::CHECK_STEP
        };
        steps.extend(actions.iter().map(|a| describe::step(name, a, 0)));
        if name == abuse::CHECK_STEP {
            steps.push(match press.chars().nth(i) {
                Some(key) => json!({"step": name, "do": "press", "digits": key.to_string()}),
                None => json!({"step": name, "do": "wait", "note": "no key pressed"}),
            });
        }
    }
    let mut responses: Vec<String> = turns.iter().map(|a| twiml::render(a, &links)).collect();
    if refused {
        t.steps = steps;
        t.responses = responses;
    } else {
        steps.append(&mut t.steps);
        responses.append(&mut t.responses);
        (t.steps, t.responses) = (steps, responses);
    }
    t.twiml = t.responses[0].clone();
    let screen = json!({"verdict": outcome, "abuse_enabled": settings.abuse.enabled()});
    Ok(Screened {
        transcript: t,
        screen: Some(screen),
    })
}
