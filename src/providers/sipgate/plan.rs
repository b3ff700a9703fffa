//! From the flow's actions to the one thing sipgate does next.
//!
//! A sipgate answer holds a single action, plays WAV files only, and `Play`
//! does not end the call (afterwards sipgate routes the call its own way).
//! So the audio before an action is joined into one playlist and:
//! - a menu (`Gather`) plays it inside the Gather, the keys go to `onData`;
//! - a redirect or the hold loop becomes a Gather that only waits for the
//!   audio to end (`onData` continues, keys ignored);
//! - ringing a counsellor after a prompt becomes such a Gather whose
//!   `onData` answers with the `Dial`;
//! - a hang-up after a message becomes `Play`, and the call-control API
//!   ends the call when the audio is over.

use crate::audio::Playlist;
use crate::flow::{Action, Dial};

use super::links::{Target, Then};

/// How long a continuation waits after its audio (sipgate's Gather timeout,
/// ms): long enough to be a breath, short enough to feel seamless.
pub const CONTINUE_MS: u32 = 1000;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reply {
    /// An empty answer: sipgate goes on as without lotse.
    Nothing,
    /// Plays `audio` (possibly nothing) and waits for keys; the result,
    /// empty on a timeout, goes to `next`.
    Gather {
        audio: Playlist,
        max_digits: u8,
        timeout_ms: u32,
        next: Target,
    },
    /// Plays `audio`; the call is ended by the call-control API afterwards.
    PlayThenHangup {
        audio: Playlist,
    },
    Dial(Dial),
    Hangup,
}

/// The reply for one turn's actions (see the module docs).
pub fn plan(actions: &[Action]) -> Reply {
    let mut audio = Playlist::default();
    for action in actions {
        if audio.push(action) {
            continue;
        }
        let continuation = |audio: Playlist, next: Target| Reply::Gather {
            audio,
            max_digits: 1,
            timeout_ms: CONTINUE_MS,
            next,
        };
        return match action {
            Action::Gather {
                prompts,
                max_digits,
                timeout_s,
                then,
            } => {
                prompts.iter().for_each(|p| {
                    audio.push(p);
                });
                Reply::Gather {
                    audio,
                    max_digits: (*max_digits).max(1),
                    timeout_ms: timeout_s.saturating_mul(1000).max(1),
                    next: Target {
                        at: Some(then.clone()),
                        ..Target::default()
                    },
                }
            }
            Action::Redirect { then } => continuation(
                audio,
                Target {
                    at: Some(then.clone()),
                    then: Then::Continue,
                    ..Target::default()
                },
            ),
            Action::Dial(d) if audio.is_empty() => Reply::Dial(d.clone()),
            Action::Dial(d) => continuation(
                audio,
                Target {
                    at: Some(d.then.clone()),
                    counsellor: Some(d.counsellor.clone()),
                    caller_id: Some(d.caller_id.clone()),
                    then: Then::Dial,
                },
            ),
            // No recording on sipgate: the adapter never lets one through;
            // if one did, the call ends after what was said.
            Action::Hangup | Action::Record { .. } => match audio.is_empty() {
                true => Reply::Hangup,
                false => Reply::PlayThenHangup { audio },
            },
            Action::Say(_) | Action::Play { .. } | Action::Pause { .. } => unreachable!("pushed"),
        };
    }
    // Audio and nothing after it: never hand the caller to sipgate's own
    // routing unannounced; end the call after it.
    match audio.is_empty() {
        true => Reply::Nothing,
        false => Reply::PlayThenHangup { audio },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audio::Piece;
    use crate::flow::{Resume, Speech};

    fn say(text: &str) -> Action {
        Action::Say(Speech {
            text: text.into(),
            tts_lang: "de-DE".into(),
            voice: None,
        })
    }

    fn at(step: &str) -> Resume {
        Resume {
            step: step.into(),
            lang: "de".into(),
            ..Resume::default()
        }
    }

    #[test]
    fn greeting_and_menu_are_one_gather() {
        let actions = [
            say("Hallo"),
            Action::Gather {
                prompts: vec![say("Menü")],
                max_digits: 1,
                timeout_s: 6,
                then: at("menu"),
            },
        ];
        let Reply::Gather {
            audio,
            max_digits,
            timeout_ms,
            next,
        } = plan(&actions)
        else {
            panic!()
        };
        assert_eq!(audio.0.len(), 2);
        assert_eq!((max_digits, timeout_ms), (1, 6000));
        assert_eq!(next.at, Some(at("menu")));
        assert_eq!(next.then, Then::Answer);
    }

    #[test]
    fn hold_loop_is_a_gather_that_continues() {
        let actions = [
            say("Position 2"),
            Action::Play {
                file: "hold.wav".into(),
            },
            Action::Redirect {
                then: at("counsellor"),
            },
        ];
        let Reply::Gather {
            audio,
            next,
            timeout_ms,
            ..
        } = plan(&actions)
        else {
            panic!()
        };
        assert_eq!(audio.0[1], Piece::Recording("hold.wav".into()));
        assert_eq!(next.then, Then::Continue);
        assert_eq!(timeout_ms, CONTINUE_MS);
    }

    #[test]
    fn message_then_hangup_plays_and_hangs_up_later() {
        assert_eq!(
            plan(&[say("Geschlossen"), say("Tschüss"), Action::Hangup]),
            Reply::PlayThenHangup {
                audio: Playlist(vec![
                    Piece::Speech("Geschlossen".into(), "de-DE".into()),
                    Piece::Speech("Tschüss".into(), "de-DE".into())
                ])
            }
        );
        assert_eq!(plan(&[Action::Hangup]), Reply::Hangup);
        assert_eq!(plan(&[]), Reply::Nothing);
    }

    #[test]
    fn a_prompt_before_a_dial_is_played_first() {
        let dial = Dial {
            to: "+493023125001".into(),
            caller_id: "+498003009944".into(),
            timeout_s: 20,
            time_limit_s: 14400,
            counsellor: "anna".into(),
            then: at("counsellor"),
        };
        assert_eq!(
            plan(&[Action::Dial(dial.clone())]),
            Reply::Dial(dial.clone())
        );
        let Reply::Gather { next, .. } = plan(&[say("Einen Moment"), Action::Dial(dial)]) else {
            panic!()
        };
        assert_eq!(next.then, Then::Dial);
        assert_eq!(next.counsellor.as_deref(), Some("anna"));
    }
}
