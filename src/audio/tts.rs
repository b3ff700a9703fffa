//! Runs the configured TTS engine (Debian's `espeak-ng` by default) for one
//! text: the text on standard input (never in an argument, so no text can
//! become an option), the WAV written to a private temporary file, the
//! process killed if it takes longer than the configured timeout.

use std::path::Path;
use std::process::Stdio;

use tokio::io::AsyncWriteExt;
use tokio::process::Command;

use crate::config::Tts;

#[derive(Debug, thiserror::Error)]
pub enum TtsError {
    #[error("cannot run the TTS command {program:?}: {error}")]
    Spawn {
        program: String,
        error: std::io::Error,
    },
    #[error("the TTS command exited with {0}")]
    Failed(std::process::ExitStatus),
    #[error("the TTS command took longer than {0:?}")]
    Timeout(std::time::Duration),
    #[error("the TTS command wrote no WAV: {0}")]
    NoOutput(std::io::Error),
}

/// The WAV the engine makes of `text` in `voice`; `scratch` is a directory
/// for its temporary output.
pub async fn speak(
    tts: &Tts,
    voice: &str,
    text: &str,
    scratch: &Path,
) -> Result<Vec<u8>, TtsError> {
    let mut name = [0u8; 12];
    getrandom::fill(&mut name).expect("the OS has randomness");
    let out = scratch.join(format!(
        "tts-{}.wav",
        name.iter().map(|b| format!("{b:02x}")).collect::<String>()
    ));
    let out_str = out.to_string_lossy().into_owned();
    let args: Vec<String> = tts
        .command
        .iter()
        .map(|a| a.replace("{voice}", voice).replace("{out}", &out_str))
        .collect();
    let program = args.first().cloned().unwrap_or_default();
    let spawn = Command::new(&program)
        .args(&args[1..])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true)
        .spawn();
    let mut child = spawn.map_err(|error| TtsError::Spawn {
        program: program.clone(),
        error,
    })?;
    let run = async {
        if let Some(mut stdin) = child.stdin.take() {
            // An engine that does not read its input (a test tone) is fine.
            let _ = stdin.write_all(text.as_bytes()).await;
            let _ = stdin.shutdown().await;
        }
        child.wait().await
    };
    let status = tokio::time::timeout(tts.timeout, run).await;
    let result = match status {
        Err(_) => Err(TtsError::Timeout(tts.timeout)),
        Ok(Err(error)) => Err(TtsError::Spawn { program, error }),
        Ok(Ok(s)) if !s.success() => Err(TtsError::Failed(s)),
        Ok(Ok(_)) => tokio::fs::read(&out).await.map_err(TtsError::NoOutput),
    };
    let _ = tokio::fs::remove_file(&out).await;
    result
}
