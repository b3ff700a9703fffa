//! Provider-neutral call-control actions: what the flow engine decides, before
//! any provider turns it into markup. Adding a provider means rendering these;
//! no flow changes.

/// Where the call continues after the caller answers a menu (or after a
/// redirect): a step of the flow and the language the call is in. Providers
/// turn it into a callback URL, so any instance can serve the next step.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Resume {
    pub step: String,
    pub lang: String,
    /// How far the call has come in reaching a counsellor; travels with the
    /// call so that no instance has to remember it.
    pub progress: Progress,
    /// Which leg the callback serves.
    pub hook: Hook,
}

/// The leg and purpose of a callback; providers map each to their own URL.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Hook {
    /// The caller's leg: menus, redirects, the hold loop.
    #[default]
    Caller,
    /// A counsellor's leg before it is bridged: the whisper, and (`asked`)
    /// the answer to its key-press question.
    Whisper { counsellor: String, asked: bool },
    /// The presence-by-phone menu (after `*`); `step` of the resume is the
    /// menu's stage, `progress.rung` the PIN tries. It names nobody: the
    /// counsellor is found from the caller's number on every step.
    Presence,
}

/// A caller's way to a counsellor so far. Carried in callback URLs, which
/// the provider signs, so a caller cannot tamper with it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Progress {
    /// Unix seconds when the caller first asked for a counsellor: bounds the
    /// wait (`routing.max_wait_s`).
    pub since: Option<i64>,
    /// The waiting-line position last told to the caller (0: none yet), so
    /// a position is said only when it changes.
    pub told: u32,
    /// Counsellors rung so far for this call (`routing.max_attempts`).
    pub rung: u32,
    /// The last slot of company the waiting caller heard: slot `n` falls
    /// `n × reassure_every_s` into the wait (0: none yet). From slot 1 on,
    /// the message offer has been made.
    pub company: u32,
}

/// Ringing a counsellor. The counsellor first hears a whisper and must press
/// a key: a personal voicemail that picks up never takes the caller.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dial {
    /// E.164 number or `sip:` address.
    pub to: String,
    /// What the counsellor's phone shows: the hotline's number unless the
    /// hotline chose to present callers' numbers.
    pub caller_id: String,
    pub timeout_s: u32,
    /// The longest the bridged call may last (`routing.max_call_s`): the
    /// provider ends it then, and the store's `in_call` deadline matches.
    pub time_limit_s: u32,
    /// The counsellor's id, for the whisper and the result callback.
    pub counsellor: String,
    /// The caller's position in the flow; the ring's result (answered and
    /// over, or not answered) is reported there, naming the counsellor.
    pub then: Resume,
}

/// Spoken text, ready for a TTS engine.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Speech {
    pub text: String,
    /// BCP-47 tag the provider's TTS expects, e.g. `de-DE`.
    pub tts_lang: String,
    /// Provider voice name; `None` lets the provider choose for the language.
    pub voice: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    Say(Speech),
    /// A recorded prompt served by `lotse` at `/audio/{file}`.
    Play {
        file: String,
    },
    Pause {
        seconds: u32,
    },
    /// Plays its prompts while waiting for keys; the caller may press during
    /// the prompts. The answer (possibly empty) always goes to `then`.
    Gather {
        prompts: Vec<Action>,
        max_digits: u8,
        timeout_s: u32,
        then: Resume,
    },
    Redirect {
        then: Resume,
    },
    Dial(Dial),
    Hangup,
    /// Records a message for the team after a beep; the caller ends it with
    /// `#` (or by hanging up), silence is trimmed. The recording reaches the
    /// outbox through the provider's recording callback, which carries
    /// `callback_requested`; the call itself continues at `then`.
    Record {
        max_length_s: u32,
        callback_requested: bool,
        then: Resume,
    },
}
