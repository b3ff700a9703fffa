//! Tests for [`super`]: exact markup of typical responses (insta snapshots)
//! and escaping of hostile text.

use super::*;
use crate::flow::Speech;
use quick_xml::events::Event;
use quick_xml::Reader;

const LINKS: Links = Links {
    public_url: "https://hotline.example.org",
};

fn say(text: &str, voice: Option<&str>) -> Action {
    Action::Say(Speech {
        text: text.to_owned(),
        tts_lang: "de-DE".to_owned(),
        voice: voice.map(str::to_owned),
    })
}

fn resume(step: &str, lang: &str) -> Resume {
    Resume {
        step: step.to_owned(),
        lang: lang.to_owned(),
        ..Resume::default()
    }
}

/// One element per line, so a snapshot diff shows which verb changed. Lossless:
/// every `<` in the output is markup (text has `&lt;`), so `>\n<` undoes cleanly.
fn view(xml: &str) -> String {
    xml.replace("><", ">\n<")
}

/// All text and attribute values, unescaped by a real XML parser.
fn parsed_values(xml: &str) -> Vec<String> {
    let mut reader = Reader::from_str(xml);
    let mut out = Vec::new();
    loop {
        match reader.read_event().expect("well-formed XML") {
            Event::Eof => return out,
            Event::Start(e) | Event::Empty(e) => {
                for a in e.attributes() {
                    out.push(a.unwrap().unescape_value().unwrap().into_owned());
                }
            }
            Event::Text(t) => out.push(t.unescape().unwrap().into_owned()),
            _ => {}
        }
    }
}

#[test]
fn greeting_and_menu() {
    let actions = [
        say(
            "Willkommen bei der Starken Stelle.",
            Some("Polly.Vicki-Neural"),
        ),
        Action::Play {
            file: "hinweis datenschutz.wav".to_owned(),
        },
        Action::Pause { seconds: 1 },
        Action::Gather {
            prompts: vec![
                say("Für Beratung drücken Sie die 1.", None),
                say("For English, press 2.", None),
            ],
            max_digits: 1,
            timeout_s: 5,
            then: resume("menu", "de"),
        },
    ];
    insta::assert_snapshot!(view(&render(&actions, &LINKS)));
}

#[test]
fn off_hours() {
    let actions = [
        say(
            "Sie erreichen uns montags bis freitags von 9 bis 16 Uhr.",
            None,
        ),
        say("Schreiben Sie uns: info@starkestelle.de", None),
        say("In akuter Gefahr wählen Sie bitte die 110.", None),
        Action::Pause { seconds: 2 },
        Action::Hangup,
    ];
    insta::assert_snapshot!(view(&render(&actions, &LINKS)));
}

#[test]
fn empty_response_is_a_document() {
    assert_eq!(
        render(&[], &LINKS),
        r#"<?xml version="1.0" encoding="UTF-8"?><Response></Response>"#
    );
}

#[test]
fn redirect_and_link_encoding() {
    let then = resume("hold loop&x=1", "de DE/ü");
    let url = "https://hotline.example.org/twilio/voice?step=hold+loop%26x%3D1&lang=de+DE%2F%C3%BC";
    assert_eq!(link(&LINKS, &then), url);
    let xml = render(&[Action::Redirect { then }], &LINKS);
    assert!(xml.contains(&format!(
        r#"<Redirect method="POST">{}</Redirect>"#,
        url.replace('&', "&amp;")
    )));
    assert_eq!(parsed_values(&xml), ["POST", url]);
}

/// What a waiting caller has heard travels in the callback URL and comes
/// back unchanged, so any instance continues their company where it was.
#[test]
fn progress_round_trips_through_the_callback_url() {
    let then = Resume {
        progress: Progress {
            since: Some(1_774_857_600),
            told: 2,
            rung: 1,
            company: 3,
        },
        ..resume("counsellor", "de")
    };
    let url = link(&LINKS, &then);
    assert!(
        url.ends_with("&since=1774857600&told=2&rung=1&heard=3"),
        "{url}"
    );
    let cb = parse_callback(url.split_once('?').unwrap().1);
    assert_eq!(cb.progress, then.progress);
    assert_eq!(parse_callback("step=x&heard=oops").progress.company, 0);
}

#[test]
fn audio_file_is_one_encoded_segment() {
    let play = |file: &str| {
        let xml = render(&[Action::Play { file: file.into() }], &LINKS);
        parsed_values(&xml).pop().unwrap()
    };
    let base = "https://hotline.example.org/audio/";
    assert_eq!(play("greeting.wav"), format!("{base}greeting.wav"));
    assert_eq!(play("a b+c.wav"), format!("{base}a%20b%2Bc.wav"));
    assert_eq!(
        play("../de/ä?.wav"),
        format!("{base}..%2Fde%2F%C3%A4%3F.wav")
    );
}

#[test]
fn hostile_text_stays_text() {
    let hostile = r#"</Say><Dial>+4930</Dial><Say a="&amp;'"#;
    let actions = [
        Action::Say(Speech {
            text: hostile.to_owned(),
            tts_lang: r#"de"><Hangup/>"#.to_owned(),
            voice: Some(r#"x" evil='1"#.to_owned()),
        }),
        Action::Gather {
            prompts: vec![say(hostile, None)],
            max_digits: 3,
            timeout_s: 7,
            then: resume(r#"a"&<b>"#, "de"),
        },
    ];
    let xml = render(&actions, &LINKS);
    assert!(!xml.contains("<Dial") && !xml.contains("<Hangup"), "{xml}");
    let values = parsed_values(&xml);
    assert!(values.contains(&hostile.to_owned()), "{values:?}");
    assert!(values.contains(&r#"de"><Hangup/>"#.to_owned()));
    assert!(values.contains(&r#"x" evil='1"#.to_owned()));
}

#[test]
fn gather_keeps_only_say_play_pause() {
    let gather = Action::Gather {
        prompts: vec![
            say("Eins", None),
            Action::Hangup,
            Action::Redirect {
                then: resume("x", "de"),
            },
            Action::Pause { seconds: 1 },
        ],
        max_digits: 1,
        timeout_s: 5,
        then: resume("menu", "de"),
    };
    let xml = render(&[gather], &LINKS);
    assert!(xml.contains(r#"<Say language="de-DE">Eins</Say><Pause length="1"/></Gather>"#));
    assert!(
        !xml.contains("Hangup") && !xml.contains("Redirect"),
        "{xml}"
    );
}

#[test]
fn content_type_is_xml_utf8() {
    assert_eq!(CONTENT_TYPE, "text/xml; charset=utf-8");
}
