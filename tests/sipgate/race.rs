//! A Twilio caller and a sipgate caller want the same counsellor at the
//! same moment, on two instances sharing one real Redis: the store's atomic
//! claim gives her to exactly one; the other waits in the same line and is
//! next when she is free. The providers compete on equal terms.

use lotse::clock::Clock;
use lotse::routing::{Presence, Status};

use crate::helpers::{pairs, CALLER};
use crate::redis_server::RedisServer;
use crate::support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_twilio_and_a_sipgate_caller_race_for_one_counsellor() {
    let redis = RedisServer::start();
    let url = redis.url();
    let env = [("LOTSE_REDIS__URL", url.as_str())];
    let a = spawn_env(OPEN, TONE_TTS, "", &env).await;
    let b = spawn_env(OPEN, TONE_TTS, "", &env).await;
    for round in 0..5 {
        // Only Clara is on duty (and free).
        for who in ["anna", "ben"] {
            a.set(who, Presence::Offline).await;
        }
        a.set("clara", Presence::Available).await;
        let twilio_call = format!("CArace{round}");
        let sipgate_call = format!("SGRACE{round}");
        let menu = b
            .post("/sipgate/call", &new_call(&sipgate_call, FROM))
            .await
            .body;
        let on_data = attr(&menu, "Gather", "onData").unwrap();
        let twilio_params = pairs(&[("CallSid", &twilio_call), ("From", CALLER), ("Digits", "1")]);
        let dtmf_body = dtmf(&sipgate_call, "1");
        let (twilio, sipgate) = tokio::join!(
            a.app
                .voice("/twilio/voice?step=menu&lang=de", &twilio_params),
            b.post(&on_data, &dtmf_body),
        );
        let twilio_rings = twilio.body.contains("<Dial");
        let sipgate_next = attr(&sipgate.body, "Gather", "onData").unwrap();
        let sipgate_rings = sipgate_next.contains("dial=1");
        assert!(
            twilio_rings ^ sipgate_rings,
            "round {round}: exactly one is rung: {} / {}",
            twilio.body,
            sipgate.body
        );
        assert_eq!(a.status("clara").await, Status::Ringing);
        let now = a.app.clock.now();
        assert_eq!(
            a.app.app.store.waiting_count(now).await.unwrap(),
            1,
            "the other waits"
        );

        // The winner's call ends without a talk; the one waiting is next,
        // whichever provider they came by.
        if twilio_rings {
            a.app
                .voice(
                    "/twilio/status",
                    &pairs(&[("CallSid", &twilio_call), ("CallStatus", "completed")]),
                )
                .await;
            let next = b.post(&sipgate_next, &dtmf(&sipgate_call, "")).await.body;
            assert!(
                attr(&next, "Gather", "onData").unwrap().contains("dial=1"),
                "round {round}: {next}"
            );
            b.post(
                &attr(&next, "Response", "onHangup").unwrap(),
                &body(&[
                    ("event", "hangup"),
                    ("cause", "normalClearing"),
                    ("callId", &sipgate_call),
                ]),
            )
            .await;
        } else {
            let hangup = body(&[
                ("event", "hangup"),
                ("cause", "cancel"),
                ("callId", &sipgate_call),
            ]);
            b.post(
                &attr(&sipgate.body, "Response", "onHangup").unwrap(),
                &hangup,
            )
            .await;
            let target = crate::redirect(&twilio.body);
            let next = a
                .app
                .voice(
                    &target,
                    &pairs(&[("CallSid", &twilio_call), ("From", CALLER)]),
                )
                .await;
            assert!(next.body.contains("<Dial"), "round {round}: {}", next.body);
            a.app
                .voice(
                    "/twilio/status",
                    &pairs(&[("CallSid", &twilio_call), ("CallStatus", "completed")]),
                )
                .await;
        }
        for app in [&a, &b] {
            let later = app.app.clock.now() + chrono::Duration::seconds(120);
            app.app.clock.set(later);
        }
    }
}
