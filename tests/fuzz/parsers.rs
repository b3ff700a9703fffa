//! The pure parsers at the webhook edge: they never panic, whatever bytes
//! arrive, and the signature check accepts exactly what was signed.

use lotse::providers::twilio::{call_event, parse_callback, signature, status_event, Form};
use proptest::prelude::*;
use secrecy::SecretString;

/// Form-like bytes: mostly `k=v&…` with escapes, sometimes anything.
fn form_bytes() -> impl Strategy<Value = Vec<u8>> {
    let key = prop::sample::select(vec![
        "CallSid",
        "From",
        "To",
        "Digits",
        "CallStatus",
        "DialCallStatus",
        "DialCallSid",
        "CallDuration",
        "DialCallDuration",
        "RecordingSid",
        "x",
        "",
    ]);
    let value = prop::string::string_regex("[A-Za-z0-9%+&=*#. -]{0,40}").unwrap();
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..512),
        prop::collection::vec((key, value), 0..12).prop_map(|pairs| {
            pairs
                .into_iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join("&")
                .into_bytes()
        }),
    ]
}

proptest! {
    #![proptest_config(crate::config(4000))]

    #[test]
    fn webhook_form_bodies_never_panic(body in form_bytes(), initial in any::<bool>()) {
        let form = Form::parse(&body);
        let _ = call_event(&form, initial);
        let _ = status_event(&form);
    }

    #[test]
    fn callback_queries_never_panic(query in prop_oneof![
        ".{0,200}",
        prop::string::string_regex("((step|lang|since|told|rung|c|asked|callback)=[^&]{0,20}&){0,8}").unwrap(),
    ]) {
        let cb = parse_callback(&query);
        // What was read is what a URL we made would carry, or nothing.
        if let Some(step) = &cb.step {
            prop_assert!(query.contains("step="), "{step}");
        }
    }

    #[test]
    fn the_signature_check_never_panics(url in ".{0,120}", header in ".{0,60}", body in form_bytes()) {
        let tokens = [SecretString::from("token-a"), SecretString::from("token-b")];
        let form = Form::parse(&body);
        let _ = signature::verify(&tokens, &url, form.pairs(), &header);
    }

    #[test]
    fn the_signature_accepts_exactly_what_was_signed(
        path in "/[a-z/?=&]{0,40}",
        body in form_bytes(),
        flip in any::<prop::sample::Index>(),
    ) {
        let tokens = [SecretString::from("token-old"), SecretString::from("token-new")];
        let url = format!("https://hotline.example.org{path}");
        let form = Form::parse(&body);
        let good = signature::compute(b"token-new", &url, form.pairs());
        prop_assert!(signature::verify(&tokens, &url, form.pairs(), &good));
        let other = signature::compute(b"token-other", &url, form.pairs());
        prop_assert!(!signature::verify(&tokens, &url, form.pairs(), &other));
        let mut bad = good.into_bytes();
        let i = flip.index(bad.len() - 2); // not the padding, nor the spare bits before it
        bad[i] = if bad[i] == b'A' { b'B' } else { b'A' };
        let bad = String::from_utf8(bad).unwrap();
        prop_assert!(!signature::verify(&tokens, &url, form.pairs(), &bad));
    }
}
