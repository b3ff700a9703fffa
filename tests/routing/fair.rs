//! The fair line and replays, through signed webhooks: a caller behind the
//! first in line gets the counsellor the first already tried, and a
//! counsellor-step request replayed after the answer rings nobody.

use crate::helpers::*;
use crate::*;
use lotse::routing::{Presence, Status};

impl TestApp {
    /// The counsellor's leg of a `<Dial>` presses 1 in the whisper.
    pub async fn takes(&self, call: &str, dial: &str) -> Reply {
        let whisper = whisper_url(dial);
        let leg = pairs(&[
            ("CallSid", "CAcounsellorleg"),
            ("ParentCallSid", call),
            ("CallStatus", "in-progress"),
        ]);
        let ask = self.voice(&whisper, &leg).await;
        let mut pressed = leg;
        pressed.push(("Digits".into(), "1".into()));
        self.voice(&gather_action(&ask.body), &pressed).await
    }

    pub async fn later(&self, seconds: i64) {
        self.clock
            .set(self.clock.now() + chrono::Duration::seconds(seconds));
    }
}

/// Issue 9's first scenario: c2 talks, c1 is free. Z, first in line, is
/// offered c1, who does not answer; Z is back at the head. U, second, gets
/// c1 at U's next hold turn instead of hold music until `max_wait_s`.
#[tokio::test]
async fn the_second_in_line_gets_whom_the_first_could_not_reach() {
    let redis = RedisServer::start();
    let app = instance(&redis, OPEN).await;
    app.set("c2", Presence::Available).await;
    let talk = app.wants_counsellor("CAtalking").await;
    app.takes("CAtalking", &talk.body).await;
    assert_eq!(app.status("c2").await, Status::InCall);

    let z = app.wants_counsellor("CAfirst").await;
    assert!(z.body.contains("Position 1 "), "{}", z.body);
    let u = app.wants_counsellor("CAsecond").await;
    assert!(u.body.contains("Position 2 "), "{}", u.body);
    app.set("c1", Presence::Available).await;
    app.later(12).await;
    let z2 = app.follow("CAfirst", &z.body).await;
    assert_eq!(dialled(&z2.body).as_deref(), Some("c1"), "{}", z2.body);
    app.later(20).await;
    let back = app
        .ring_result("CAfirst", &z2.body, "no-answer", false)
        .await;
    assert_eq!(
        dialled(&back.body),
        None,
        "nobody else free for Z: {}",
        back.body
    );
    assert!(back.body.contains("hold.wav"), "{}", back.body);
    assert_eq!(app.status("c1").await, Status::Available);

    let u2 = app.follow("CAsecond", &u.body).await;
    assert_eq!(dialled(&u2.body).as_deref(), Some("c1"), "{}", u2.body);
    let stats = app.app.store.stats(app.clock.now()).await.unwrap();
    assert_eq!(
        (stats.waiting, stats.count(Status::Available)),
        (1, 0),
        "Z waits, c1 rings for U"
    );
}

/// A signed counsellor-step request replayed after the counsellor took the
/// call (by an attacker, or a provider retry) rings nobody, changes no
/// state, and the first counsellor is released as usual at the end.
#[tokio::test]
async fn a_replayed_counsellor_step_after_the_answer_rings_nobody() {
    let redis = RedisServer::start();
    let app = instance(&redis, OPEN).await;
    app.set("c1", Presence::Available).await;
    app.set("c2", Presence::Available).await;
    let first = app.wants_counsellor("CAreplay").await;
    assert_eq!(dialled(&first.body).as_deref(), Some("c1"));
    assert!(
        first.body.contains("timeLimit=\"14400\""),
        "the conversation has Twilio's own limit, as the store's deadline: {}",
        first.body
    );
    app.takes("CAreplay", &first.body).await;
    assert_eq!(app.status("c1").await, Status::InCall);

    for _ in 0..2 {
        let replay = app.wants_counsellor("CAreplay").await;
        assert_eq!(replay.status, 200);
        assert!(replay.body.contains("<Hangup/>"), "{}", replay.body);
        assert_eq!(dialled(&replay.body), None, "{}", replay.body);
        assert!(!replay.body.contains("hold.wav"), "{}", replay.body);
    }
    assert_eq!(app.status("c1").await, Status::InCall);
    assert_eq!(app.status("c2").await, Status::Available);
    assert_eq!(
        app.app.store.waiting_count(app.clock.now()).await.unwrap(),
        0
    );

    // The conversation ends as usual; a replay afterwards is as harmless.
    app.ring_result("CAreplay", &first.body, "completed", true)
        .await;
    assert_eq!(app.status("c1").await, Status::WrapUp);
    let late = app.wants_counsellor("CAreplay").await;
    assert!(late.body.contains("<Hangup/>"), "{}", late.body);
    assert_eq!(app.status("c2").await, Status::Available);
}
