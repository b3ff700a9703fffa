//! What frightened callers hear (issue 13), as `lotse simulate` shows it:
//! the off-hours message in the right order, a holiday, and five minutes
//! in the waiting line. The readable transcripts are kept in
//! `docs/transcripts.md`; this test fails when they no longer match the
//! binary (`UPDATE_TRANSCRIPTS=1 cargo test --test transcripts` rewrites
//! them).

use std::path::Path;
use std::process::Command;

use serde_json::Value;

/// (title, what it shows, arguments after `simulate`).
const SCENARIOS: &[(&str, &str, &[&str])] = &[
    (
        "Off hours, in the night",
        "Tuesday 02:30: a greeting for the hour, that we are closed, 110, the hours, the email, then the voicemail offer.",
        &["--at", "2026-03-31T02:30:00+02:00"],
    ),
    (
        "A public holiday",
        "Good Friday: the holiday named, and the next opening (after Easter Monday) in one sentence with the hours.",
        &["--at", "2026-04-03T10:00:00+02:00"],
    ),
    (
        "A public holiday, in English",
        "Good Friday evening, for an English caller.",
        &["--at", "2026-04-03T19:00:00+02:00", "--lang", "en"],
    ),
    (
        "Five minutes in the waiting line",
        "The only counsellor on duty is in a call. Company every minute, reassurance and position in turn, the offer to leave a message from the second minute; after `max_wait_s` (300 s) the alternatives and the voicemail.",
        &["--at", "2026-03-30T10:00:00+02:00", "--press", "1", "--busy", "1", "--wait", "300"],
    ),
    (
        "Leaving a message instead of waiting",
        "The caller presses 2 after the offer: the voicemail step's consent question, then the recording.",
        &["--at", "2026-03-30T10:00:00+02:00", "--press", "12", "--busy", "1", "--wait", "130"],
    ),
];

fn simulate(args: &[&str], json: bool) -> String {
    let mut all = vec!["simulate"];
    all.extend_from_slice(args);
    if json {
        all.push("--json");
    }
    let out = Command::new(env!("CARGO_BIN_EXE_lotse"))
        .args(&all)
        .env_remove("LOTSE_CONFIG")
        .output()
        .expect("run lotse");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn said(args: &[&str]) -> Vec<(i64, String)> {
    let v: Value = serde_json::from_str(&simulate(args, true)).unwrap();
    let mut out = Vec::new();
    for s in v["steps"].as_array().unwrap() {
        let t = s["t"].as_i64().unwrap();
        let prompts = s["prompts"].as_array().cloned().unwrap_or_default();
        for p in std::iter::once(s).chain(prompts.iter()) {
            if let Some(text) = p["text"].as_str() {
                out.push((t, text.to_owned()));
            }
        }
    }
    out
}

/// Everything said, one sentence group a line.
fn text_of(args: &[&str]) -> String {
    said(args).into_iter().map(|(_, t)| t + "\n").collect()
}

/// Where `needle` first appears in everything said, in order.
fn at(all: &str, needle: &str) -> usize {
    all.find(needle)
        .unwrap_or_else(|| panic!("{needle:?} not said in {all}"))
}

#[test]
fn off_hours_order_who_closed_110_back_write_then_voicemail() {
    let all = text_of(SCENARIOS[0].2);
    assert!(
        all.starts_with("Hallo, hier ist die starke Stelle."),
        "{all}"
    );
    let order = [
        "hier ist die starke Stelle",
        "außerhalb unserer Sprechzeiten",
        "Notruf 110",
        "Sie erreichen uns montags bis freitags von 9 bis 16 Uhr.",
        "E-Mail schreiben: info ät starkestelle Punkt D E",
        "Nachricht hinterlassen",
    ];
    for pair in order.windows(2) {
        assert!(at(&all, pair[0]) < at(&all, pair[1]), "{pair:?} in\n{all}");
    }
    assert!(
        !all.contains("Guten Tag") && !all.contains("für Sie da"),
        "{all}"
    );
}

#[test]
fn a_holiday_says_the_next_opening_once() {
    let all = text_of(SCENARIOS[1].2);
    assert!(
        all.starts_with("Guten Morgen, hier ist die starke Stelle."),
        "{all}"
    );
    assert!(
        all.contains("Heute ist ein gesetzlicher Feiertag: Karfreitag."),
        "{all}"
    );
    assert!(
        all.contains("Ab Dienstag, dem 7. April, erreichen Sie uns wieder montags bis freitags von 9 bis 16 Uhr."),
        "{all}"
    );
    assert_eq!(all.matches("9 bis 16 Uhr").count(), 1, "{all}");
    assert!(at(&all, "110") < at(&all, "Ab Dienstag"), "{all}");
    let en = text_of(SCENARIOS[2].2);
    assert!(
        en.starts_with("Good evening, this is the starke Stelle."),
        "{en}"
    );
    assert!(
        en.contains(
            "From Tuesday 7 April, you can reach us again Monday to Friday from 9 am to 4 pm."
        ),
        "{en}"
    );
}

#[test]
fn five_minutes_in_line_keep_company() {
    let heard = said(SCENARIOS[3].2);
    let when = |needle: &str| -> Vec<i64> {
        heard
            .iter()
            .filter(|(_, text)| text.contains(needle))
            .map(|(t, _)| *t)
            .collect()
    };
    let minute = |ts: Vec<i64>| ts.into_iter().map(|t| t / 60).collect::<Vec<_>>();
    assert_eq!(minute(when("Danke für Ihre Geduld")), [1, 3], "{heard:#?}");
    assert_eq!(
        minute(when("Sie sind an Position 1")),
        [0, 2, 4],
        "{heard:#?}"
    );
    assert_eq!(
        minute(when("lieber eine Nachricht")),
        [1, 2, 3, 4],
        "{heard:#?}"
    );
    assert_eq!(when("Notruf 110").first(), Some(&0), "110 when joining");
    let gave_up = when("keine Beraterin und kein Berater");
    assert!(gave_up.len() == 1 && gave_up[0] >= 300, "{heard:#?}");
    // Never more than a minute and a half of music without a word.
    let talk: Vec<i64> = heard.iter().map(|(t, _)| *t).collect();
    assert!(talk.windows(2).all(|w| w[1] - w[0] <= 90), "{talk:?}");
}

#[test]
fn the_transcript_shows_the_voice_of_every_sentence() {
    let text = simulate(SCENARIOS[3].2, false);
    for line in text.lines().filter(|l| l.contains("] say")) {
        // The menu's offer of English is said by the English voice.
        let english = line.contains("For English, please press 9.");
        let voice = match english {
            true => "say (en-GB, Polly.Amy-Neural): ",
            false => "say (de-DE, Polly.Vicki-Neural): ",
        };
        assert!(line.contains(voice), "{line}");
    }
    let en = simulate(SCENARIOS[2].2, false);
    assert!(
        en.contains("say (en-GB, Polly.Amy-Neural): Good evening"),
        "{en}"
    );
}

#[test]
fn docs_hold_the_current_transcripts() {
    let mut doc = String::from(
        "# What callers hear\n\n\
         Transcripts of `lotse simulate` with the built-in configuration and call flow\n\
         (issue 13). `tests/transcripts.rs` checks that they are current; \
         `UPDATE_TRANSCRIPTS=1 cargo test --test transcripts` rewrites this file.\n\
         Each sentence shows its language and voice; `+m:ss` is the simulated time\n\
         once the caller waits in line.\n",
    );
    for (title, what, args) in SCENARIOS {
        doc += &format!(
            "\n## {title}\n\n{what}\n\n```\n$ lotse simulate {}\n{}```\n",
            args.join(" "),
            simulate(args, false)
        );
    }
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/transcripts.md");
    if std::env::var_os("UPDATE_TRANSCRIPTS").is_some() {
        std::fs::write(&path, &doc).unwrap();
    }
    let kept = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        kept == doc,
        "docs/transcripts.md is out of date: UPDATE_TRANSCRIPTS=1 cargo test --test transcripts"
    );
}
