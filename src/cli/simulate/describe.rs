//! How a simulated call is shown: each action as one JSON step (the
//! `steps` of `--json`), and the steps as readable lines.

use serde_json::{json, Value};

use crate::flow::Action;

/// One step of the transcript; `t` is the simulated second of the call.
pub fn step(step: &str, action: &Action, t: i64) -> Value {
    let mut v = describe(step, action);
    v["t"] = json!(t);
    v
}

/// A note between turns: what the caller does (`press`, `wait`).
pub fn note(step: &str, what: &str, detail: (&str, &str), t: i64) -> Value {
    let mut v = json!({"step": step, "do": what, "t": t});
    v[detail.0] = json!(detail.1);
    v
}

fn describe(step: &str, action: &Action) -> Value {
    match action {
        Action::Say(s) => json!({
            "step": step, "do": "say", "lang": s.tts_lang, "voice": s.voice, "text": s.text,
        }),
        Action::Play { file } => json!({"step": step, "do": "play", "file": file}),
        Action::Pause { seconds } => json!({"step": step, "do": "pause", "seconds": seconds}),
        Action::Gather {
            prompts,
            max_digits,
            timeout_s,
            ..
        } => json!({
            "step": step, "do": "gather", "max_digits": max_digits, "timeout_s": timeout_s,
            "note": format!("listens for up to {max_digits} key(s) while this plays, then {timeout_s} s more"),
            "prompts": prompts.iter().map(|p| describe(step, p)).collect::<Vec<_>>(),
        }),
        Action::Redirect { then } => json!({"step": step, "do": "redirect", "to": then.step}),
        Action::Dial(d) => {
            json!({"step": step, "do": "dial", "counsellor": d.counsellor, "timeout_s": d.timeout_s, "caller_id": d.caller_id})
        }
        Action::Hangup => json!({"step": step, "do": "hangup"}),
        Action::Record {
            max_length_s,
            callback_requested,
            then,
        } => json!({
            "step": step, "do": "record", "max_length_s": max_length_s,
            "callback_requested": callback_requested, "then": then.step,
            "note": format!("message for the team, up to {max_length_s} s; call back: {}", if *callback_requested { "yes" } else { "no" }),
        }),
    }
}

/// The readable transcript of `steps`: one line each, a gather's prompts
/// indented below it, the simulated time once it moved on (`+1:05`), and
/// the voice of every sentence.
pub fn human(steps: &[Value]) -> String {
    let mut out = String::new();
    for s in steps {
        out += &line(s, "");
        for p in s["prompts"].as_array().into_iter().flatten() {
            out += &line(p, "    ");
        }
    }
    out
}

fn line(s: &Value, indent: &str) -> String {
    let step = s["step"].as_str().unwrap_or("");
    let what = s["do"].as_str().unwrap_or("");
    let t = match s["t"].as_i64() {
        Some(t) if t > 0 => format!(" +{}:{:02}", t / 60, t % 60),
        _ => String::new(),
    };
    let voice = match (s["lang"].as_str(), s["voice"].as_str()) {
        (Some(lang), Some(voice)) => format!(" ({lang}, {voice})"),
        (Some(lang), None) => format!(" ({lang}, the provider's default voice)"),
        _ => String::new(),
    };
    let detail = ["text", "digits", "file", "note", "to", "counsellor"]
        .iter()
        .find_map(|k| s[*k].as_str())
        .unwrap_or("");
    let detail = match detail {
        "" => String::new(),
        d => format!(": {d}"),
    };
    format!("{indent}[{step}{t}] {what}{voice}{detail}\n")
}
