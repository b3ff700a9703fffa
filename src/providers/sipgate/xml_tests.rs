use super::*;
use crate::audio::{Piece, Playlist};
use crate::call::CallId;
use crate::flow::Resume;
use crate::providers::sipgate::links::{LinkKey, Then};

fn at(step: &str) -> Resume {
    Resume {
        step: step.into(),
        lang: "de".into(),
        ..Resume::default()
    }
}

fn rendered(reply: &Reply) -> String {
    let key = LinkKey::derive(b"test");
    let call = CallId::parse("C1").unwrap();
    let links = Links {
        public_url: "https://hotline.example.org",
        key: &key,
        call: &call,
    };
    render(reply, &links)
}

#[test]
fn menu_gather_plays_one_absolute_url_and_posts_to_on_data() {
    let xml = rendered(&Reply::Gather {
        audio: Playlist(vec![Piece::Speech("Hallo <&>".into(), "de-DE".into())]),
        max_digits: 1,
        timeout_ms: 6000,
        next: Target {
            at: Some(at("menu")),
            ..Target::default()
        },
    });
    assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response onHangup=\"https://hotline.example.org/sipgate/hangup?sig="), "{xml}");
    assert!(xml.contains("<Gather onData=\"https://hotline.example.org/sipgate/call?step=menu&amp;lang=de&amp;sig="), "{xml}");
    assert!(xml.contains("maxDigits=\"1\" timeout=\"6000\"><Play><Url>https://hotline.example.org/audio/rendered/"), "{xml}");
    assert!(xml.ends_with("</Url></Play></Gather></Response>"), "{xml}");
}

#[test]
fn dial_shows_the_hotline_without_plus_and_asks_for_answer_and_hangup() {
    let xml = rendered(&Reply::Dial(Dial {
        to: "+493023125001".into(),
        caller_id: "+498003009944".into(),
        timeout_s: 20,
        time_limit_s: 14400,
        counsellor: "anna".into(),
        then: at("counsellor"),
    }));
    assert!(xml.contains("onAnswer=\"https://hotline.example.org/sipgate/answer?step=counsellor&amp;lang=de&amp;c=anna&amp;sig="), "{xml}");
    assert!(xml.contains("onHangup=\"https://hotline.example.org/sipgate/hangup?step=counsellor&amp;lang=de&amp;c=anna&amp;sig="), "{xml}");
    assert!(xml.contains("<Dial callerId=\"498003009944\" anonymous=\"false\"><Number>493023125001</Number></Dial>"), "{xml}");
}

#[test]
fn play_hangup_and_nothing() {
    let xml = rendered(&Reply::PlayThenHangup {
        audio: Playlist(vec![Piece::Recording("hold.wav".into())]),
    });
    assert!(
        xml.contains("<Play><Url>https://hotline.example.org/audio/rendered/"),
        "{xml}"
    );
    assert!(!xml.contains("Hangup/>"));
    assert!(rendered(&Reply::Hangup).ends_with("><Hangup/></Response>"));
    let nothing = rendered(&Reply::Nothing);
    assert!(
        nothing.ends_with("/>") && nothing.contains("<Response onHangup="),
        "{nothing}"
    );
}

#[test]
fn a_continuation_without_audio_is_an_empty_gather() {
    let xml = rendered(&Reply::Gather {
        audio: Playlist::default(),
        max_digits: 1,
        timeout_ms: 1000,
        next: Target {
            at: Some(at("entry")),
            then: Then::Continue,
            ..Target::default()
        },
    });
    assert!(xml.contains("go=1&amp;sig="), "{xml}");
    assert!(xml.contains("timeout=\"1000\"/></Response>"), "{xml}");
}
