//! Which voice names a flow may give its languages. Twilio knows its basic
//! voices (`man`, `woman`, `alice`), Amazon Polly voices (`Polly.Vicki`,
//! `Polly.Vicki-Neural`, `…-Generative`) and Google voices
//! (`Google.de-DE-Neural2-F`, `Google.de-DE-Chirp3-HD-Aoede`). A name of
//! another form, or a voice of another language, would make Twilio log
//! warning 13511 and perhaps skip the sentence: silence for a caller. So
//! `lotse check` refuses both. A well-formed name Twilio does not offer
//! (say, a voice added after this list) cannot be told apart and passes.

/// Polly voices by language, enough to catch a voice copied to the wrong
/// language (Twilio's list: `Polly.<Name>` plus `-Neural` where offered).
const POLLY: &[(&str, &[&str])] = &[
    ("de-DE", &["Vicki", "Daniel", "Marlene", "Hans"]),
    ("de-AT", &["Hannah"]),
    ("en-GB", &["Amy", "Emma", "Brian", "Arthur"]),
    (
        "en-US",
        &[
            "Joanna", "Matthew", "Ivy", "Kendra", "Kimberly", "Salli", "Joey", "Justin", "Kevin",
            "Ruth", "Stephen",
        ],
    ),
    ("en-AU", &["Nicole", "Olivia", "Russell"]),
    (
        "fr-FR",
        &["Celine", "Céline", "Lea", "Léa", "Mathieu", "Remi", "Rémi"],
    ),
    ("es-ES", &["Conchita", "Lucia", "Enrique", "Sergio"]),
    ("it-IT", &["Carla", "Bianca", "Giorgio", "Adriano"]),
    ("nl-NL", &["Lotte", "Ruben", "Laura"]),
    ("tr-TR", &["Filiz", "Burcu"]),
];

const BASIC: &[&str] = &["man", "woman", "alice"];

/// Why `voice` cannot speak `tts`, or `None` if it may.
pub(super) fn mismatch(voice: &str, tts: &str) -> Option<String> {
    if BASIC.contains(&voice) {
        return None;
    }
    if let Some(rest) = voice.strip_prefix("Polly.") {
        let name = rest
            .strip_suffix("-Neural")
            .or_else(|| rest.strip_suffix("-Generative"))
            .unwrap_or(rest);
        if name.is_empty() || !name.chars().all(char::is_alphabetic) {
            return Some(format!(
                "{voice:?} is not a Polly voice name (Polly.Vicki-Neural)"
            ));
        }
        let speaks = POLLY.iter().find(|(_, names)| names.contains(&name));
        return match speaks {
            Some((lang, _)) if !lang.eq_ignore_ascii_case(tts) => {
                Some(format!("{voice} speaks {lang}, not {tts}"))
            }
            _ => None,
        };
    }
    if let Some(rest) = voice.strip_prefix("Google.") {
        let lang: String = rest.splitn(3, '-').take(2).collect::<Vec<_>>().join("-");
        let model = rest.get(lang.len() + 1..).unwrap_or("");
        if model.is_empty() || !model.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            return Some(format!(
                "{voice:?} is not a Google voice name (Google.de-DE-Neural2-F)"
            ));
        }
        return (!lang.eq_ignore_ascii_case(tts))
            .then(|| format!("{voice} speaks {lang}, not {tts}"));
    }
    Some(format!(
        "unknown voice {voice:?}: Twilio takes Polly.<Name>[-Neural], Google.<language>-<model>, man, woman or alice"
    ))
}

#[cfg(test)]
mod tests {
    use super::mismatch;

    #[test]
    fn voices_twilio_offers_for_the_language_pass() {
        for (voice, tts) in [
            ("Polly.Vicki-Neural", "de-DE"),
            ("Polly.Daniel-Neural", "de-DE"),
            ("Polly.Amy-Neural", "en-GB"),
            ("Polly.Amy", "en-GB"),
            ("Google.de-DE-Neural2-F", "de-DE"),
            ("Google.en-GB-Chirp3-HD-Aoede", "en-GB"),
            ("Polly.Someone-Neural", "de-DE"),
            ("woman", "de-DE"),
        ] {
            assert_eq!(mismatch(voice, tts), None, "{voice}");
        }
    }

    #[test]
    fn wrong_language_or_form_is_refused() {
        for (voice, tts, says) in [
            ("Polly.Amy-Neural", "de-DE", "speaks en-GB, not de-DE"),
            ("Google.en-GB-Neural2-A", "de-DE", "speaks en-GB"),
            ("Vicki", "de-DE", "unknown voice"),
            ("Polly.", "de-DE", "not a Polly voice"),
            ("Google.de-DE", "de-DE", "not a Google voice"),
            ("polly.vicki-neural", "de-DE", "unknown voice"),
        ] {
            let err = mismatch(voice, tts).unwrap_or_default();
            assert!(err.contains(says), "{voice}: {err}");
        }
    }
}
