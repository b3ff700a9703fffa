//! Drives calls through signed webhooks, as Twilio would send them: the
//! counsellor step, the whisper key press, ring results, hang-ups in line.

use chrono::Duration;
use lotse::clock::Clock;
use lotse::routing::{CounsellorId, Presence};

use crate::helpers::*;

fn attr<'a>(twiml: &'a str, element: &str, name: &str) -> Option<&'a str> {
    let at = twiml.find(&format!("<{element} "))?;
    let rest = &twiml[at..];
    let start = rest.find(&format!("{name}=\""))? + name.len() + 2;
    Some(&rest[start..start + rest[start..].find('"')?])
}

fn local(url: &str) -> String {
    let url = url.replace("&amp;", "&");
    url.strip_prefix(PUBLIC_URL).expect("public URL").to_owned()
}

impl TestApp {
    pub async fn available(&self, who: &str) {
        let ttl = self.app.settings.routing.presence_ttl;
        let id = CounsellorId::parse(who).unwrap();
        let now = self.clock.now();
        let store = &self.app.store;
        store
            .set_status(&id, Presence::Available, now, ttl)
            .await
            .unwrap();
    }

    pub fn later(&self, seconds: i64) {
        self.clock
            .set(self.clock.now() + Duration::seconds(seconds));
    }

    /// A new call: the first webhook.
    pub async fn incoming_call(&self, call: &str) -> Reply {
        let r = self.voice("/twilio/voice", &incoming(call)).await;
        assert_eq!(r.status, 200, "{}", r.body);
        r
    }

    /// Pressed 1 in the menu: reaches the counsellor step.
    pub async fn asks_for_counsellor(&self, call: &str) -> Reply {
        let params = pairs(&[("CallSid", call), ("From", CALLER), ("Digits", "1")]);
        self.voice("/twilio/voice?step=menu&lang=de", &params).await
    }

    /// The counsellor picks up the `<Dial>` of `twiml` and presses 1.
    pub async fn counsellor_accepts(&self, call: &str, twiml: &str) {
        let whisper = local(attr(twiml, "Number", "url").expect("a <Dial><Number url>"));
        let leg = pairs(&[("CallSid", "CAleg0001"), ("ParentCallSid", call)]);
        let ask = self.voice(&whisper, &leg).await;
        let mut pressed = leg.clone();
        pressed.push(("Digits".into(), "1".into()));
        let answer = gather_action(&ask.body);
        let bridged = self.voice(&answer, &pressed).await;
        assert!(!bridged.body.contains("<Hangup"), "{}", bridged.body);
    }

    /// How the `<Dial>` of `twiml` ended, as its action callback says.
    pub async fn ring_result(&self, call: &str, twiml: &str, status: &str, bridged: bool) -> Reply {
        let action = local(attr(twiml, "Dial", "action").expect("a <Dial action>"));
        let params = pairs(&[
            ("CallSid", call),
            ("CallStatus", "in-progress"),
            ("From", CALLER),
            ("DialCallStatus", status),
            ("DialBridged", if bridged { "true" } else { "false" }),
        ]);
        self.voice(&action, &params).await
    }

    /// Twilio's final status callback: the caller hung up.
    pub async fn hang_up(&self, call: &str) {
        let params = pairs(&[
            ("CallSid", call),
            ("From", CALLER),
            ("CallStatus", "completed"),
        ]);
        let r = self.voice("/twilio/status", &params).await;
        assert_eq!(r.status, 200, "{}", r.body);
    }

    /// A forged webhook: signed with the wrong token.
    pub async fn forged(&self, call: &str) {
        let r = self
            .post("/twilio/voice", &incoming(call), Some("wrong-token"))
            .await;
        assert_eq!(r.status, 403);
    }

    /// The mix every metrics test starts from, at [`crate::OPEN`]: one
    /// caller connected after 12 s, one who hung up in line after 40 s, one
    /// who hung up while a counsellor was rung after 3 s; then, in the
    /// evening, two calls to a closed hotline; and two forged webhooks.
    pub async fn drive_the_mix(&self) {
        self.clock.set(instant(crate::OPEN));
        self.available("c2").await;
        self.incoming_call("CAmix0001").await;
        let dial = self.asks_for_counsellor("CAmix0001").await;
        assert!(dial.body.contains("<Dial"), "{}", dial.body);
        let waits = self.asks_for_counsellor("CAmix0002").await;
        assert!(
            waits.body.contains("<Redirect"),
            "c2 is busy: waits {}",
            waits.body
        );
        self.later(12);
        self.counsellor_accepts("CAmix0001", &dial.body).await;
        self.later(28);
        self.hang_up("CAmix0002").await;
        self.ring_result("CAmix0001", &dial.body, "completed", true)
            .await;
        self.hang_up("CAmix0001").await;

        self.later(120); // c2's wrap-up is over, and so is the lease
        self.available("c2").await;
        let rung = self.asks_for_counsellor("CAmix0003").await;
        assert!(rung.body.contains("<Dial"), "{}", rung.body);
        self.later(3);
        self.ring_result("CAmix0003", &rung.body, "canceled", false)
            .await;

        self.clock.set(instant(crate::EVENING));
        self.incoming_call("CAmix0004").await;
        self.incoming_call("CAmix0005").await;
        self.forged("CAmix0006").await;
        self.forged("CAmix0007").await;
        self.clock.set(instant(crate::OPEN) + Duration::hours(1));
    }
}
