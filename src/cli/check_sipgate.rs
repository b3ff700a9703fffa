//! What `lotse check` says about sipgate.io when `[sipgate] enabled`:
//! which prompts are recorded and which are synthesized (and whether the
//! TTS engine works, by synthesizing a sentence per language), and a
//! warning for every part of the flow sipgate cannot do as Twilio does.

use crate::audio::{wav, Piece, Playlist, Renderer};
use crate::config::{Phone, Settings};
use crate::flow::Step;

/// Lines for the operator, and whether everything needed works.
pub fn report(settings: &Settings) -> (Vec<String>, bool) {
    let s = &settings.sipgate;
    let flow = &settings.flow;
    let mut out = vec![format!(
        "sipgate: enabled; point the number's incoming-call URL at {}/sipgate/call",
        settings.public_url
    )];
    let engine = s.tts.command.first().cloned().unwrap_or_default();
    let mut synthesized = Vec::new();
    let mut recorded = Vec::new();
    for (name, prompt) in &flow.prompts {
        for lang in flow.languages.keys() {
            match prompt.audio.get(lang) {
                Some(file) => recorded.push(format!("{name} ({lang}: {file})")),
                None => synthesized.push(format!("{name} ({lang})")),
            }
        }
    }
    for (name, step) in &flow.steps {
        if let Step::Counsellor { hold_music, .. } = step {
            recorded.push(format!("hold music of steps.{name} ({hold_music})"));
        }
    }
    out.push(format!(
        "sipgate: {} prompt texts synthesized by {engine}: {}",
        synthesized.len(),
        synthesized.join(", ")
    ));
    out.push(format!(
        "sipgate: {} recorded: {}",
        recorded.len(),
        recorded.join(", ")
    ));
    let (lines, engine_ok) = try_engine(settings);
    out.extend(lines);
    out.extend(
        warnings(settings)
            .into_iter()
            .map(|w| format!("warning: {w}")),
    );
    if s.token.is_none() {
        out.push("note: no sipgate call-control token (LOTSE_SIPGATE__TOKEN): calls are not ended after a final message".into());
    }
    (out, engine_ok)
}

/// Synthesizes one sentence per language and reads every recording, in a
/// scratch directory (the real cache is not touched).
fn try_engine(settings: &Settings) -> (Vec<String>, bool) {
    let scratch = std::env::temp_dir().join(format!("lotse-check-{}", std::process::id()));
    let renderer = Renderer::with(
        settings.sipgate.tts.clone(),
        &scratch,
        64 << 20,
        settings.audio_dir.clone(),
    );
    let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    else {
        return (
            vec!["error: cannot start a runtime to try the TTS engine".into()],
            false,
        );
    };
    let mut out = Vec::new();
    let mut ok = true;
    for (lang, language) in &settings.flow.languages {
        let list = Playlist(vec![Piece::Speech(
            settings.hotline.name.clone(),
            language.tts.clone(),
        )]);
        match runtime.block_on(renderer.render(&list)) {
            Ok(r) => out.push(format!(
                "sipgate: TTS works for {lang} (voice {}, {:.1} s of 8 kHz mono audio for {:?})",
                settings.sipgate.tts.voice(&language.tts),
                r.duration.as_secs_f64(),
                settings.hotline.name
            )),
            Err(e) => {
                ok = false;
                out.push(format!("error: sipgate.tts_command: {lang}: {e}"));
            }
        }
    }
    for (name, step) in &settings.flow.steps {
        if let Step::Counsellor { hold_music, .. } = step {
            match runtime.block_on(renderer.recording_bytes(hold_music)) {
                Ok(bytes) if wav::is_telephone(&bytes) => {}
                Ok(bytes) => match wav::to_telephone(&bytes) {
                    Ok(_) => out.push(format!("sipgate: steps.{name}.hold_music {hold_music} is converted to 8 kHz mono 16-bit when played")),
                    Err(e) => {
                        ok = false;
                        out.push(format!("error: steps.{name}.hold_music: {hold_music}: {e}"));
                    }
                },
                Err(e) => {
                    ok = false;
                    out.push(format!("error: steps.{name}.hold_music: {e}"));
                }
            }
        }
    }
    let _ = std::fs::remove_dir_all(&scratch);
    (out, ok)
}

/// What the flow and team ask that sipgate cannot do as Twilio does.
pub fn warnings(settings: &Settings) -> Vec<String> {
    let mut out = Vec::new();
    for (name, step) in &settings.flow.steps {
        match step {
            Step::Voicemail { next, .. } => out.push(format!(
                "steps.{name}: sipgate.io cannot record a message; sipgate callers skip this step and go on at {next:?}"
            )),
            Step::Counsellor { .. } => out.push(format!(
                "steps.{name}: sipgate.io has no whisper key press: a counsellor's personal voicemail that picks up takes the caller; a busy or rejected ring ends the call instead of trying the next counsellor"
            )),
            _ => {}
        }
    }
    for (i, c) in settings.counsellors.iter().enumerate() {
        if matches!(c.phone, Phone::Sip(_)) {
            out.push(format!(
                "counsellors.{i}.phone: {}: sipgate.io rings phone numbers only; sipgate callers skip this counsellor",
                c.id
            ));
        }
        if c.pin_sha256.is_some() {
            out.push(format!(
                "counsellors.{i}.pin_sha256: {}: presence by phone works through the Twilio number only",
                c.id
            ));
        }
    }
    if settings.routing.present_caller_id {
        out.push("routing.present_caller_id: on sipgate, counsellors see the hotline's number (the caller's is not kept between events)".into());
    }
    out
}
