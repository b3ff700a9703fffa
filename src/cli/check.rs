//! `lotse check`: the operator's dry run before deploying a change.

use std::process::ExitCode;

use super::ConfigArg;

pub fn run(arg: &ConfigArg) -> ExitCode {
    let settings = match super::load(arg) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let flow = &settings.flow;
    println!(
        "ok: {} — call flow with {} steps, {} prompts, languages {}",
        settings.source.name(),
        flow.steps.len(),
        flow.prompts.len(),
        flow.languages
            .keys()
            .cloned()
            .collect::<Vec<_>>()
            .join(", ")
    );
    match settings.abuse.enabled() {
        true => println!("{}", settings.abuse.describe()),
        false => println!("note: {}", settings.abuse.describe()),
    }
    if settings.twilio.verify_signatures && settings.twilio.tokens.is_empty() {
        println!("note: no Twilio auth token set (LOTSE_TWILIO__AUTH_TOKEN); webhooks will be refused until it is");
    }
    if settings.sipgate.enabled {
        let (lines, works) = super::check_sipgate::report(&settings);
        for line in lines {
            println!("{line}");
        }
        if !works {
            eprintln!("error: sipgate callers would hear the fallback: fix the TTS engine or recordings above");
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
}
