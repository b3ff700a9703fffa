//! sipgate's answer markup: `<Response onAnswer onHangup>` around one
//! action (`Gather`, `Play`, `Dial`, `Hangup`). Built with quick-xml's
//! writer, never by string formatting; every URL is absolute under the
//! public base URL. Rendering cannot fail.

use std::io;

use quick_xml::events::{BytesDecl, BytesText, Event};
use quick_xml::Writer;

use super::links::{Links, Route, Target};
use super::plan::Reply;
use super::request::digits;
use crate::flow::Dial;

/// The `Content-Type` of an answer.
pub const CONTENT_TYPE: &str = "application/xml";

/// The document for `reply`. Every answer asks for the hang-up event (so a
/// caller who hangs up in a menu or in line is released); a `Dial` also
/// for the answer event, both naming the counsellor rung.
pub fn render(reply: &Reply, links: &Links) -> String {
    let mut w = Writer::new(Vec::new());
    write(&mut w, reply, links).expect("writing to a Vec cannot fail");
    String::from_utf8(w.into_inner()).expect("quick-xml writes the UTF-8 it is given")
}

fn write(w: &mut Writer<Vec<u8>>, reply: &Reply, links: &Links) -> io::Result<()> {
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    let mut attrs: Vec<(&str, String)> = Vec::new();
    match reply {
        Reply::Dial(d) => {
            let target = Target {
                at: Some(d.then.clone()),
                counsellor: Some(d.counsellor.clone()),
                ..Target::default()
            };
            attrs.push(("onAnswer", links.to(Route::Answer, &target)));
            attrs.push(("onHangup", links.to(Route::Hangup, &target)));
        }
        _ => attrs.push(("onHangup", links.to(Route::Hangup, &Target::default()))),
    }
    let response = w
        .create_element("Response")
        .with_attributes(attrs.iter().map(|(k, v)| (*k, v.as_str())));
    if *reply == Reply::Nothing {
        response.write_empty()?;
        return Ok(());
    }
    response.write_inner_content(|w| match reply {
        Reply::Nothing => Ok(()),
        Reply::Gather {
            audio,
            max_digits,
            timeout_ms,
            next,
        } => {
            let on_data = links.to(Route::Call, next);
            let gather = w.create_element("Gather").with_attributes([
                ("onData", on_data.as_str()),
                ("maxDigits", max_digits.to_string().as_str()),
                ("timeout", timeout_ms.to_string().as_str()),
            ]);
            if audio.is_empty() {
                gather.write_empty()?;
            } else {
                gather.write_inner_content(|w| play(w, &links.audio(audio)))?;
            }
            Ok(())
        }
        Reply::PlayThenHangup { audio } => play(w, &links.audio(audio)),
        Reply::Dial(d) => dial(w, d),
        Reply::Hangup => {
            w.create_element("Hangup").write_empty()?;
            Ok(())
        }
    })?;
    Ok(())
}

fn play(w: &mut Writer<Vec<u8>>, url: &str) -> io::Result<()> {
    w.create_element("Play").write_inner_content(|w| {
        w.create_element("Url")
            .write_text_content(BytesText::new(url))?;
        Ok(())
    })?;
    Ok(())
}

/// The counsellor sees the hotline's number (or, where the hotline chose
/// so, a caller's number that was not withheld: the flow decided that in
/// `caller_id`); `anonymous="false"` so the account's default cannot hide it.
fn dial(w: &mut Writer<Vec<u8>>, d: &Dial) -> io::Result<()> {
    w.create_element("Dial")
        .with_attributes([
            ("callerId", digits(&d.caller_id).as_str()),
            ("anonymous", "false"),
        ])
        .write_inner_content(|w| {
            w.create_element("Number")
                .write_text_content(BytesText::new(&digits(&d.to)))?;
            Ok(())
        })?;
    Ok(())
}

#[cfg(test)]
#[path = "xml_tests.rs"]
mod tests;
