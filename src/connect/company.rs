//! Company for a caller waiting in line: what each turn of the hold loop
//! says before the music, and the way out to a message.
//!
//! Joining, the caller hears the hold prompt (with 110) and their place
//! (and the offer below, if they join late, after unanswered rings).
//! After that a calm sentence every `reassure_every_s` keeps them company:
//! slot `n` falls `n × reassure_every_s` into the wait; odd slots say the
//! reassurance, even ones the position again. A new position is said when
//! it changes. From slot 1 on (the second minute by default) every sentence
//! of company ends with the offer to press `message_key` and leave a
//! message instead; the place in line is kept until they press.
//!
//! The turn is a `Gather` around the talk and the music, so a key pressed
//! at any moment reaches the counsellor step; on silence the provider comes
//! back the same way after one second (and a trailing `Redirect` loops for
//! one that falls through instead).

use tracing::warn;

use super::line::play;
use super::Ctx;
use crate::call::CallId;
use crate::flow::{Action, Progress, Resume, Step};
use crate::metrics::{CallOutcome, NoCounsellorReason};

/// Seconds of silence after the music before the loop comes round.
const LOOP_GAP_S: u32 = 1;

/// The actions of one hold turn at counsellor step `step` for a caller at
/// `position`, `waited_s` into the wait. `progress` is what the caller has
/// heard so far; the turn's callback carries what they will have heard.
pub(super) fn hold_turn(
    ctx: &Ctx<'_>,
    step: &Step,
    at: &Resume,
    mut progress: Progress,
    position: u32,
    waited_s: i64,
) -> Vec<Action> {
    let Step::Counsellor {
        hold_prompt,
        position_prompt,
        hold_music,
        reassure_prompt,
        reassure_every_s,
        message_step,
        message_prompt,
        ..
    } = step
    else {
        return Vec::new();
    };
    let say =
        |prompt: Option<&String>| play(ctx, prompt.map(String::as_str), &at.lang, Some(position));
    let slot =
        u32::try_from(waited_s.max(0) / i64::from((*reassure_every_s).max(1))).unwrap_or(u32::MAX);
    // Joining (perhaps late, after counsellors who did not answer) is this
    // slot's company: the hold prompt and the place, not a reassurance too.
    let joining = progress.told == 0;
    let due = !joining && slot > progress.company;
    let mut talk = Vec::new();
    if joining {
        talk.extend(say(Some(hold_prompt)));
        progress.company = slot;
    }
    let mut tell_position = position != progress.told;
    if due {
        progress.company = slot;
        match slot % 2 {
            1 => talk.extend(say(reassure_prompt.as_ref())),
            _ => tell_position = true,
        }
    }
    if tell_position {
        talk.extend(say(Some(position_prompt)));
        progress.told = position;
    }
    if (due || (joining && slot > 0)) && message_step.is_some() {
        talk.extend(say(message_prompt.as_ref()));
    }
    talk.push(Action::Play {
        file: hold_music.clone(),
    });
    let then = Resume {
        progress,
        ..at.clone()
    };
    vec![
        Action::Gather {
            prompts: talk,
            max_digits: 1,
            timeout_s: LOOP_GAP_S,
            then: then.clone(),
        },
        Action::Redirect { then },
    ]
}

/// The caller pressed the message key: they leave the line (not counted as
/// abandoned: they chose another way to reach the team). A store failure
/// only delays this: a place no longer refreshed drops out of the line.
pub async fn leave_line_for_message(ctx: &Ctx<'_>, call: &CallId, at: &Resume) {
    if let Err(e) = ctx.store.leave(call, false, ctx.now).await {
        warn!(error = %e, "could not leave the line; the place lapses unseen");
    }
    let wait_s = at.progress.since.map(|since| ctx.now.timestamp() - since);
    CallOutcome::NoCounsellor {
        lang: &at.lang,
        reason: NoCounsellorReason::ChoseMessage { wait_s },
    }
    .emit(ctx.metrics, Some(call));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::routing::{MemoryStore, Store};

    /// What one hold turn says (texts in order) and what the caller will
    /// then have heard, with the built-in flow.
    fn turn(told: u32, company: u32, waited_s: i64) -> (Vec<String>, Progress) {
        let settings = crate::config::load(None).expect("built-in settings");
        let store = Store::Memory(MemoryStore::new());
        let metrics = crate::metrics::Metrics::new(&["de".to_owned()]);
        let journal = crate::connect::Journal::new(store.clone(), metrics.durability.clone());
        let ctx = Ctx {
            settings: &settings,
            store: &store,
            journal: &journal,
            now: chrono::Utc::now(),
            metrics: &metrics,
        };
        let at = Resume {
            step: "counsellor".into(),
            lang: "de".into(),
            ..Resume::default()
        };
        let progress = Progress {
            since: Some(0),
            told,
            company,
            rung: 0,
        };
        let step = &settings.flow.steps["counsellor"];
        let actions = hold_turn(&ctx, step, &at, progress, 1, waited_s);
        let Some(Action::Gather { prompts, then, .. }) = actions.first() else {
            panic!("a gather first: {actions:?}");
        };
        let said = prompts
            .iter()
            .filter_map(|a| match a {
                Action::Say(s) => Some(s.text.split('.').next().unwrap_or("").to_owned()),
                _ => None,
            })
            .collect();
        (said, then.progress)
    }

    #[test]
    fn joining_says_the_hold_prompt_and_the_place() {
        let (said, heard) = turn(0, 0, 0);
        assert_eq!(
            said,
            [
                "Alle Beraterinnen und Berater sind gerade im Gespräch",
                "Sie sind an Position 1 in der Warteschleife"
            ]
        );
        assert_eq!((heard.told, heard.company), (1, 0));
    }

    #[test]
    fn joining_late_offers_the_message_at_once_but_no_second_sentence() {
        let (said, heard) = turn(0, 0, 70);
        assert_eq!(said.len(), 3, "{said:?}");
        assert!(
            said[2].starts_with("Wenn Sie uns lieber eine Nachricht"),
            "{said:?}"
        );
        assert_eq!((heard.told, heard.company), (1, 1));
    }

    #[test]
    fn company_alternates_and_stays_quiet_in_between() {
        let (said, heard) = turn(1, 0, 65);
        assert_eq!(said[0], "Danke für Ihre Geduld");
        assert!(said[1].starts_with("Wenn Sie uns lieber"), "{said:?}");
        assert_eq!(heard.company, 1);
        let (said, heard) = turn(1, 1, 125);
        assert_eq!(said[0], "Sie sind an Position 1 in der Warteschleife");
        assert_eq!((said.len(), heard.company), (2, 2));
        let (said, heard) = turn(1, 2, 130);
        assert!(said.is_empty(), "{said:?}");
        assert_eq!(heard.company, 2);
    }
}
