//! Provider-neutral call-control actions: what the flow engine decides, before
//! any provider turns it into markup. Adding a provider means rendering these;
//! no flow changes.

/// Where the call continues after the caller answers a menu (or after a
/// redirect): a step of the flow and the language the call is in. Providers
/// turn it into a callback URL, so any instance can serve the next step.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Resume {
    pub step: String,
    pub lang: String,
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
