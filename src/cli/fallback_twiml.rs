//! `lotse fallback-twiml`: prints the markup for the provider's "primary
//! handler fails" URL (a Twilio TwiML Bin), so that a caller who rings while
//! `lotse` is down or unreachable still hears the hotline's fallback prompt
//! (hotline, hours, email spelled out, 110) instead of the provider's
//! English error. Static: run it again after changing the flow.

use std::process::ExitCode;

use super::ConfigArg;

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    config: ConfigArg,
    /// The language of the message (default: the flow's default language).
    #[arg(long)]
    lang: Option<String>,
}

pub fn run(args: &Args) -> ExitCode {
    let settings = match super::load(&args.config) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let lang = args
        .lang
        .clone()
        .unwrap_or_else(|| settings.flow.default_language.clone());
    if !settings.flow.languages.contains_key(&lang) {
        let known: Vec<&str> = settings.flow.languages.keys().map(String::as_str).collect();
        eprintln!("error: --lang {lang}: the flow speaks {}", known.join(", "));
        return ExitCode::from(2);
    }
    println!("{}", crate::http::fallback::when_down(&settings, &lang));
    ExitCode::SUCCESS
}
