//! The renderer with a real engine stand-in (sox) and the built-in hold music.

use super::*;

fn tone_tts() -> Tts {
    // A real engine stand-in that needs no voice data: sox makes 0.3 s of tone.
    let command = [
        "sox", "-n", "-r", "16000", "-c", "2", "-b", "16", "{out}", "synth", "0.3", "sine", "440",
    ];
    Tts {
        command: command.map(String::from).to_vec(),
        voices: Default::default(),
        timeout: Duration::from_secs(10),
    }
}

#[tokio::test]
async fn pieces_join_into_one_telephone_wav_and_speech_is_cached() {
    let dir = tempfile::tempdir().unwrap();
    let r = Renderer::with(tone_tts(), dir.path(), 1 << 20, None);
    let list = Playlist(vec![
        Piece::Speech("Hallo".into(), "de-DE".into()),
        Piece::Silence(1),
        Piece::Recording("hold.wav".into()),
    ]);
    let out = r.render(&list).await.unwrap();
    assert!(wav::is_telephone(&out.wav));
    // 0.3 s + 1 s + 12 s of hold music + two gaps of 0.25 s
    assert!(
        (out.duration.as_secs_f64() - 13.8).abs() < 0.01,
        "{:?}",
        out.duration
    );
    let cached = std::fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "wav"))
        .count();
    assert_eq!(cached, 1, "one synthesized piece cached");
}

#[tokio::test]
async fn an_unwritable_cache_directory_falls_back_to_the_temporary_one() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("not-a-dir");
    std::fs::write(&file, b"x").unwrap();
    let r = Renderer::with(tone_tts(), &file.join("cache"), 1 << 20, None);
    let out = r
        .render(&Playlist(vec![Piece::Speech(
            "Hallo".into(),
            "de-DE".into(),
        )]))
        .await;
    assert!(wav::is_telephone(&out.unwrap().wav));
}

#[tokio::test]
async fn a_missing_engine_or_recording_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let mut tts = tone_tts();
    tts.command[0] = "/nonexistent/tts".into();
    let r = Renderer::with(tts, dir.path(), 1 << 20, None);
    let err = r
        .render(&Playlist(vec![Piece::Speech("x".into(), "de".into())]))
        .await;
    assert!(
        matches!(err, Err(AudioError::Tts(TtsError::Spawn { .. }))),
        "{err:?}"
    );
    let err = r
        .render(&Playlist(vec![Piece::Recording("nope.wav".into())]))
        .await;
    assert!(matches!(err, Err(AudioError::NoRecording(_))));
}
