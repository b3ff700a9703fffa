//! What a screened caller hears, as provider-neutral actions: the refusal
//! (the flow's `refused` hang-up step, or its fallback prompt), and the
//! anonymous-caller check ("press 5") with one second chance.

use crate::flow::{self, Action, Flow, Progress, Resume, Situation, FALLBACK_PROMPT};

/// The callback step the check's answer comes back to. Reserved: a flow
/// may not have a step of this name (`lotse check` says so).
pub const CHECK_STEP: &str = "abuse-check";
/// The key that passes the check.
pub const CHECK_KEY: &str = "5";
/// Seconds the check waits for the key.
const CHECK_TIMEOUT_S: u32 = 8;
/// Asked at most this many times: a person who missed the key once gets a
/// second chance, a robocall that presses nothing or anything never passes.
pub const CHECK_TRIES: u32 = 2;

/// The calm, neutral message, then the end of the call. Never says why.
pub fn refusal(flow: &Flow, sit: &Situation<'_>, lang: &str) -> Vec<Action> {
    if let Some(step) = &flow.refused {
        let at = Resume {
            step: step.clone(),
            lang: lang.to_owned(),
            ..Resume::default()
        };
        if let Ok(turn) = flow::resume(flow, sit, &at, None) {
            return turn.actions();
        }
    }
    let mut actions = flow
        .prompts
        .get(FALLBACK_PROMPT)
        .map(|p| flow::play(flow, p, lang, sit))
        .unwrap_or_default();
    actions.push(Action::Hangup);
    actions
}

/// The check's question; `asked` counts earlier tries (0 at first) and
/// travels in the signed callback URL.
pub fn question(flow: &Flow, sit: &Situation<'_>, lang: &str, asked: u32) -> Vec<Action> {
    let prompts = flow
        .check_prompt
        .as_ref()
        .and_then(|p| flow.prompts.get(p))
        .map(|p| flow::play(flow, p, lang, sit))
        .unwrap_or_default();
    let then = Resume {
        step: CHECK_STEP.to_owned(),
        lang: lang.to_owned(),
        progress: Progress {
            rung: asked + 1,
            ..Progress::default()
        },
        ..Resume::default()
    };
    vec![Action::Gather {
        prompts,
        max_digits: 1,
        timeout_s: CHECK_TIMEOUT_S,
        then,
    }]
}

/// How the check was answered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Checked {
    Passed,
    /// Wrong or no key, with a try left.
    Again {
        asked: u32,
    },
    Failed,
}

/// `asked`: how often the question was asked before this answer.
pub fn judge(digits: Option<&str>, asked: u32) -> Checked {
    match digits {
        Some(CHECK_KEY) => Checked::Passed,
        _ if asked < CHECK_TRIES => Checked::Again { asked },
        _ => Checked::Failed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn five_passes_a_second_chance_then_fails() {
        assert_eq!(judge(Some("5"), 1), Checked::Passed);
        assert_eq!(judge(Some("5"), 2), Checked::Passed);
        assert_eq!(judge(Some(""), 1), Checked::Again { asked: 1 });
        assert_eq!(judge(Some("1"), 2), Checked::Failed);
        assert_eq!(judge(None, 2), Checked::Failed);
    }

    #[test]
    #[allow(clippy::result_large_err)] // figment::Jail's closure returns figment's own Result
    fn the_default_flow_refuses_neutrally_and_asks_for_5() {
        // In a jail: other tests set LOTSE_ variables for a moment.
        let mut settings = None;
        figment::Jail::expect_with(|_| {
            settings = Some(crate::config::load(None).map_err(|e| e.to_string())?);
            Ok(())
        });
        let settings = settings.expect("built-in defaults");
        let at = chrono::DateTime::parse_from_rfc3339("2026-03-30T10:00:00+02:00")
            .unwrap()
            .to_utc();
        let sit = crate::http::situation(&settings, at);
        let flow = &settings.flow;
        let said = |actions: &[Action]| format!("{actions:?}");
        let refused = refusal(flow, &sit, "de");
        assert_eq!(refused.last(), Some(&Action::Hangup));
        let text = said(&refused);
        assert!(
            text.contains("nicht annehmen") && text.contains("110"),
            "{text}"
        );
        assert!(!text.to_lowercase().contains("gesperrt"), "{text}");
        let asked = question(flow, &sit, "de", 0);
        let Some(Action::Gather { then, .. }) = asked.first() else {
            panic!("{asked:?}")
        };
        assert_eq!((then.step.as_str(), then.progress.rung), (CHECK_STEP, 1));
        assert!(said(&asked).contains("drücken Sie bitte die 5"));
    }
}
