//! TwiML: provider-neutral [`Action`]s rendered as Twilio's markup.
//!
//! Built with quick-xml's writer, never by string formatting, so text from a
//! flow file (or anything else) cannot break out of an element or attribute.
//! Rendering cannot fail: every input yields a complete, valid document, since
//! invalid TwiML means Twilio plays its error message to a person in distress.

use std::io;

use quick_xml::events::{BytesDecl, BytesText, Event};
use quick_xml::Writer;

use crate::flow::{Action, Dial, Hook, Progress, Resume};

/// The `Content-Type` of a TwiML response.
pub const CONTENT_TYPE: &str = "text/xml; charset=utf-8";

/// Where Twilio reaches us: the configured public base URL, never one rebuilt
/// from the request (a TLS-terminating proxy would turn `https` into `http`).
#[derive(Clone, Copy, Debug)]
pub struct Links<'a> {
    /// Base URL without trailing slash, e.g. `https://hotline.example.org`.
    pub public_url: &'a str,
}

/// The callback URL for `resume`: `{public_url}/twilio/voice?step=…&lang=…`
/// (`/twilio/whisper?…&c=…` for a counsellor's leg), plus the call's
/// progress, values form-encoded. Twilio signs exactly this URL when it
/// calls back, so the query cannot be tampered with.
pub fn link(links: &Links, resume: &Resume) -> String {
    match &resume.hook {
        Hook::Caller => callback(links, "voice", resume, None),
        Hook::Presence => callback(links, "presence", resume, None),
        Hook::Whisper { counsellor, asked } => {
            let url = callback(links, "whisper", resume, Some(counsellor));
            if *asked {
                url + "&asked=1"
            } else {
                url
            }
        }
    }
}

fn callback(links: &Links, route: &str, resume: &Resume, counsellor: Option<&str>) -> String {
    let mut q = form_urlencoded::Serializer::new(String::new());
    crate::providers::append_position(&mut q, resume);
    if let Some(c) = counsellor {
        q.append_pair("c", c);
    }
    format!("{}/twilio/{route}?{}", links.public_url, q.finish())
}

/// What a callback URL made by [`link`] carries, read back from its query.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Callback {
    pub step: Option<String>,
    pub lang: Option<String>,
    pub progress: Progress,
    /// The counsellor a ring or whisper callback is about.
    pub counsellor: Option<String>,
    /// A whisper's key-press answer rather than its start.
    pub asked: bool,
}

/// Reads `step`, `lang`, progress and counsellor from a callback's query;
/// unknown or malformed values are ignored (the URL was signed, so they can
/// only come from an older version of `lotse`).
pub fn parse_callback(query: &str) -> Callback {
    let mut cb = Callback::default();
    for (k, v) in form_urlencoded::parse(query.as_bytes()) {
        if crate::providers::read_progress(&mut cb.progress, &k, &v) {
            continue;
        }
        match &*k {
            "step" => cb.step = Some(v.into_owned()),
            "lang" => cb.lang = Some(v.into_owned()),
            "c" => cb.counsellor = Some(v.into_owned()),
            "asked" => cb.asked = v == "1",
            _ => {}
        }
    }
    cb
}

/// Seconds of silence that end a recording: generous, since a frightened
/// caller may pause to collect themselves (Twilio's default is 5).
const RECORD_SILENCE_S: &str = "10";

/// Where Twilio reports a finished recording:
/// `{public_url}/twilio/recording?callback=yes|no&lang=…`. The caller's
/// answer to the consent question travels here, signed with the rest.
pub fn recording_link(links: &Links, callback_requested: bool, lang: &str) -> String {
    let query = form_urlencoded::Serializer::new(String::new())
        .append_pair("callback", if callback_requested { "yes" } else { "no" })
        .append_pair("lang", lang)
        .finish();
    format!("{}/twilio/recording?{query}", links.public_url)
}

/// A complete TwiML document: `<?xml …?><Response>…</Response>`.
pub fn render(actions: &[Action], links: &Links) -> String {
    let mut w = Writer::new(Vec::new());
    write_document(&mut w, actions, links).expect("writing to a Vec cannot fail");
    String::from_utf8(w.into_inner()).expect("quick-xml writes the UTF-8 it is given")
}

fn write_document(w: &mut Writer<Vec<u8>>, actions: &[Action], links: &Links) -> io::Result<()> {
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    w.create_element("Response")
        .write_inner_content(|w| actions.iter().try_for_each(|a| write_action(w, a, links)))?;
    Ok(())
}

fn write_action(w: &mut Writer<Vec<u8>>, action: &Action, links: &Links) -> io::Result<()> {
    match action {
        Action::Say(speech) => {
            let mut say = w
                .create_element("Say")
                .with_attribute(("language", speech.tts_lang.as_str()));
            if let Some(voice) = &speech.voice {
                say = say.with_attribute(("voice", voice.as_str()));
            }
            say.write_text_content(BytesText::new(&speech.text))?;
        }
        Action::Play { file } => {
            let url = audio_url(links, file);
            w.create_element("Play")
                .write_text_content(BytesText::new(&url))?;
        }
        Action::Pause { seconds } => {
            w.create_element("Pause")
                .with_attribute(("length", seconds.to_string().as_str()))
                .write_empty()?;
        }
        Action::Gather {
            prompts,
            max_digits,
            timeout_s,
            then,
        } => {
            w.create_element("Gather")
                .with_attributes([
                    ("input", "dtmf"),
                    ("numDigits", max_digits.to_string().as_str()),
                    ("timeout", timeout_s.to_string().as_str()),
                    ("action", link(links, then).as_str()),
                    ("method", "POST"),
                    ("actionOnEmptyResult", "true"),
                ])
                .write_inner_content(|w| {
                    prompts
                        .iter()
                        .filter(|p| nestable(p))
                        .try_for_each(|p| write_action(w, p, links))
                })?;
        }
        Action::Redirect { then } => {
            w.create_element("Redirect")
                .with_attribute(("method", "POST"))
                .write_text_content(BytesText::new(&link(links, then)))?;
        }
        Action::Dial(dial) => write_dial(w, dial, links)?,
        Action::Hangup => {
            w.create_element("Hangup").write_empty()?;
        }
        Action::Record {
            max_length_s,
            callback_requested,
            then,
        } => {
            let callback = recording_link(links, *callback_requested, &then.lang);
            w.create_element("Record")
                .with_attributes([
                    ("action", link(links, then).as_str()),
                    ("method", "POST"),
                    ("maxLength", max_length_s.to_string().as_str()),
                    ("finishOnKey", "#"),
                    ("timeout", RECORD_SILENCE_S),
                    ("playBeep", "true"),
                    ("trim", "trim-silence"),
                    ("recordingStatusCallback", callback.as_str()),
                    ("recordingStatusCallbackMethod", "POST"),
                    ("recordingStatusCallbackEvent", "completed absent"),
                ])
                .write_empty()?;
        }
    }
    Ok(())
}

/// `<Dial action=… timeout=… timeLimit=… callerId=…><Number url=whisper>…</Number></Dial>`
/// (`<Sip>` for `sip:` addresses). The result of the ring, whatever it is,
/// goes to `/twilio/dial`; the counsellor's leg runs the whisper first.
fn write_dial(w: &mut Writer<Vec<u8>>, dial: &Dial, links: &Links) -> io::Result<()> {
    let action = callback(links, "dial", &dial.then, Some(&dial.counsellor));
    // The whisper keeps only when the caller started waiting: its key
    // press is the moment they are connected (`lotse_call_wait_seconds`).
    let whisper = Resume {
        progress: Progress {
            since: dial.then.progress.since,
            ..Default::default()
        },
        hook: Hook::Whisper {
            counsellor: dial.counsellor.clone(),
            asked: false,
        },
        ..dial.then.clone()
    };
    let whisper = link(links, &whisper);
    let noun = if dial.to.starts_with("sip:") {
        "Sip"
    } else {
        "Number"
    };
    w.create_element("Dial")
        .with_attributes([
            ("action", action.as_str()),
            ("method", "POST"),
            ("timeout", dial.timeout_s.to_string().as_str()),
            ("timeLimit", dial.time_limit_s.to_string().as_str()),
            ("callerId", dial.caller_id.as_str()),
        ])
        .write_inner_content(|w| {
            w.create_element(noun)
                .with_attributes([("url", whisper.as_str()), ("method", "POST")])
                .write_text_content(BytesText::new(&dial.to))?;
            Ok(())
        })?;
    Ok(())
}

/// TwiML allows only `Say`, `Play` and `Pause` inside `Gather`. Anything else
/// is a flow bug; it is dropped so the caller still gets a valid document.
fn nestable(action: &Action) -> bool {
    matches!(
        action,
        Action::Say(_) | Action::Play { .. } | Action::Pause { .. }
    )
}

/// `{public_url}/audio/{file}`, the file name percent-encoded as one path
/// segment (a `/` in it becomes `%2F`; a space `%20`, not `+`).
fn audio_url(links: &Links, file: &str) -> String {
    // byte_serialize encodes a literal `+` as `%2B`, so every `+` left is a space.
    let segment: String = form_urlencoded::byte_serialize(file.as_bytes()).collect();
    format!("{}/audio/{}", links.public_url, segment.replace('+', "%20"))
}

#[cfg(test)]
#[path = "twiml_tests.rs"]
mod tests;
