use super::*;

fn resume() -> Resume {
    Resume {
        step: "counsellor".into(),
        lang: "de".into(),
        progress: Progress {
            since: Some(1_700_000_000),
            told: 2,
            rung: 1,
            company: 3,
        },
        ..Resume::default()
    }
}

fn links<'a>(key: &'a LinkKey, call: &'a CallId) -> Links<'a> {
    Links {
        public_url: "https://h.example",
        key,
        call,
    }
}

#[test]
fn a_link_reads_back_for_its_own_call() {
    let key = LinkKey::derive(b"token");
    let call = CallId::parse("C1").unwrap();
    let links = links(&key, &call);
    let target = Target {
        at: Some(resume()),
        counsellor: Some("anna".into()),
        caller_id: None,
        then: Then::Dial,
    };
    let url = links.to(Route::Call, &target);
    assert!(url.starts_with("https://h.example/sipgate/call?step=counsellor&lang=de&since=1700000000&told=2&rung=1&heard=3&c=anna&dial=1&sig="), "{url}");
    let query = url.split_once('?').unwrap().1;
    assert_eq!(parse(query, &call, &key).unwrap(), target);
    // Another instance with the same secret accepts it.
    assert!(parse(query, &call, &LinkKey::derive(b"token")).is_ok());
}

#[test]
fn altered_moved_or_unsigned_links_are_refused() {
    let key = LinkKey::derive(b"token");
    let call = CallId::parse("C1").unwrap();
    let links = links(&key, &call);
    let target = Target {
        at: Some(resume()),
        ..Target::default()
    };
    let url = links.to(Route::Call, &target);
    let query = url.split_once('?').unwrap().1;
    let other = CallId::parse("C2").unwrap();
    assert_eq!(parse(query, &other, &key), Err(BadLink::Forged));
    assert_eq!(
        parse(&query.replace("rung=1", "rung=0"), &call, &key),
        Err(BadLink::Forged)
    );
    assert_eq!(
        parse("step=menu&lang=de", &call, &key),
        Err(BadLink::Unsigned)
    );
    assert_eq!(
        parse(query, &call, &LinkKey::derive(b"other")),
        Err(BadLink::Forged)
    );
    assert_eq!(parse("", &call, &key), Ok(Target::default()));
}

#[test]
fn a_bare_hangup_link_is_signed_too() {
    let key = LinkKey::random();
    let call = CallId::parse("C1").unwrap();
    let links = links(&key, &call);
    let url = links.to(Route::Hangup, &Target::default());
    let query = url.split_once('?').unwrap().1;
    assert!(query.starts_with("sig="));
    assert_eq!(parse(query, &call, &key), Ok(Target::default()));
}

#[test]
fn audio_urls_carry_their_recipe_and_only_lotse_makes_them() {
    use crate::audio::{Piece, Playlist};
    let key = LinkKey::derive(b"token");
    let list = Playlist(vec![Piece::Recording("hold.wav".into())]);
    let url = audio_url("https://h.example", &key, &list);
    let rest = url
        .strip_prefix("https://h.example/audio/rendered/")
        .unwrap();
    let (name, recipe) = rest.split_once(".wav?r=").unwrap();
    assert!(audio_authentic(&key, name, recipe));
    assert_eq!(Playlist::decode(recipe), Some(list));
    let other = Playlist(vec![Piece::Recording("other.wav".into())]).encode();
    assert!(!audio_authentic(&key, name, &other));
    assert!(!audio_authentic(&LinkKey::random(), name, recipe));
}
