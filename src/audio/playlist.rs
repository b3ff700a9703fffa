//! What one answer plays, as a list of pieces: spoken text (per TTS
//! language), a recording of the flow, or silence. A provider without TTS
//! (sipgate) plays one WAV per answer, so the pieces are joined into one.
//!
//! A playlist travels in its audio URL as a recipe (compact JSON,
//! base64url), so whichever instance the provider fetches it from can
//! render it; the provider adapter adds a MAC so that only recipes lotse
//! made are ever rendered.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde::{Deserialize, Serialize};

use crate::flow::Action;

/// Limits on a recipe from a URL: far above any flow's, far below harm.
const MAX_RECIPE_BYTES: usize = 16 * 1024;
const MAX_PIECES: usize = 32;
const MAX_TEXT_CHARS: usize = 4000;
const MAX_SILENCE_S: u32 = 60;

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Piece {
    /// Text and the flow's TTS language tag (`de-DE`).
    #[serde(rename = "t")]
    Speech(String, String),
    /// A file of the flow's recordings (`call-flows/audio/`).
    #[serde(rename = "f")]
    Recording(String),
    /// Seconds of silence.
    #[serde(rename = "s")]
    Silence(u32),
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Playlist(pub Vec<Piece>);

impl Playlist {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Adds what `action` plays; anything but `Say`, `Play` and `Pause`
    /// plays nothing and is not added.
    pub fn push(&mut self, action: &Action) -> bool {
        let piece = match action {
            Action::Say(s) => Piece::Speech(s.text.clone(), s.tts_lang.clone()),
            Action::Play { file } => Piece::Recording(file.clone()),
            Action::Pause { seconds } => Piece::Silence(*seconds),
            _ => return false,
        };
        self.0.push(piece);
        true
    }

    /// The recipe for a URL: compact JSON, base64url without padding.
    pub fn encode(&self) -> String {
        let json = serde_json::to_vec(self).expect("a playlist serializes");
        URL_SAFE_NO_PAD.encode(json)
    }

    /// A recipe read back, within the limits; `None` for anything else.
    pub fn decode(recipe: &str) -> Option<Playlist> {
        if recipe.len() > MAX_RECIPE_BYTES * 4 / 3 + 4 {
            return None;
        }
        let json = URL_SAFE_NO_PAD.decode(recipe).ok()?;
        let list: Playlist = serde_json::from_slice(&json).ok()?;
        let sane = |p: &Piece| match p {
            Piece::Speech(text, lang) => {
                text.chars().count() <= MAX_TEXT_CHARS && !lang.is_empty() && lang.len() <= 35
            }
            Piece::Recording(file) => super::is_plain_file_name(file),
            Piece::Silence(s) => *s <= MAX_SILENCE_S,
        };
        (!list.0.is_empty() && list.0.len() <= MAX_PIECES && list.0.iter().all(sane))
            .then_some(list)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::flow::Speech;

    #[test]
    fn actions_become_pieces_and_round_trip_through_a_recipe() {
        let mut list = Playlist::default();
        let say = Action::Say(Speech {
            text: "Guten Tag & willkommen".into(),
            tts_lang: "de-DE".into(),
            voice: Some("Polly.Marlene".into()),
        });
        assert!(list.push(&say));
        assert!(list.push(&Action::Play {
            file: "hold.wav".into()
        }));
        assert!(list.push(&Action::Pause { seconds: 1 }));
        assert!(!list.push(&Action::Hangup));
        assert_eq!(list.0.len(), 3);
        let recipe = list.encode();
        assert!(recipe
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
        assert_eq!(Playlist::decode(&recipe), Some(list));
    }

    #[test]
    fn recipes_out_of_bounds_are_refused() {
        let enc = |l: Playlist| l.encode();
        assert_eq!(Playlist::decode(&enc(Playlist::default())), None);
        assert_eq!(
            Playlist::decode(&enc(Playlist(vec![Piece::Recording(
                "../etc/passwd".into()
            )]))),
            None
        );
        assert_eq!(
            Playlist::decode(&enc(Playlist(vec![Piece::Silence(3600)]))),
            None
        );
        assert_eq!(
            Playlist::decode(&enc(Playlist(vec![Piece::Speech(
                "x".repeat(5000),
                "de".into()
            )]))),
            None
        );
        assert_eq!(
            Playlist::decode(&enc(Playlist(vec![Piece::Silence(1); 33]))),
            None
        );
        assert_eq!(Playlist::decode("not base64 at all!"), None);
        assert_eq!(Playlist::decode(&URL_SAFE_NO_PAD.encode("{}")), None);
    }
}
