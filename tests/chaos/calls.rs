//! What callers, counsellors' phones and Twilio do in the simulation: each
//! event posts the webhooks Twilio would post, and the answer decides what
//! happens next.

use crate::helpers::{incoming, pairs, CALLER};
use crate::wire::{dial, gather_action, recording_callback, redirect};
use crate::world::{Event, Phase, World};

/// Seconds Twilio plays the hold music before it follows the redirect.
const HOLD_S: i64 = 12;
const RING_TIMEOUT_S: i64 = 20;

impl World {
    pub async fn arrive(&mut self, i: usize) {
        let sid = self.calls[i].sid.clone();
        let (status, menu) = self.node().post("/twilio/voice", &incoming(&sid)).await;
        let Some(action) = gather_action(&menu).filter(|_| status == 200) else {
            self.violation(format!("new call answered {status}: {menu}"));
            return self.finish(i).await;
        };
        let params = pairs(&[("CallSid", &sid), ("From", CALLER), ("Digits", "1")]);
        let (status, body) = self.node().post(&action, &params).await;
        self.respond(i, status, body).await;
    }

    /// Follows the caller's leg wherever the answer leads.
    pub async fn respond(&mut self, i: usize, mut status: u16, mut body: String) {
        loop {
            if status != 200 {
                self.violation(format!("caller's webhook answered {status}: {body}"));
                return self.finish(i).await;
            }
            if let Some(ring) = dial(&body) {
                return self.ring(i, ring).await;
            }
            if let Some(callback) = recording_callback(&body) {
                let rec = format!("RE{:016x}{i:04}", self.seed);
                self.calls[i].recording = Some((rec, callback));
                self.calls[i].phase = Phase::Recording;
                let at = self.now + self.rng.range(5, 60);
                return self.plan(at, Event::Recorded(i));
            }
            // A hold turn is a key-press wait around the music (a key
            // leaves a message instead); these callers wait without one,
            // and Twilio follows the trailing redirect.
            let holding = gather_action(&body).is_some_and(|a| a.contains("step=counsellor"));
            if let Some(redirect) = redirect(&body).filter(|_| holding) {
                return self.hold(i, redirect).await;
            }
            if let Some(action) = gather_action(&body) {
                // The voicemail's consent question: 1, or nothing.
                let key = if self.rng.chance(50) { "1" } else { "" };
                let sid = self.calls[i].sid.clone();
                let params = pairs(&[("CallSid", &sid), ("From", CALLER), ("Digits", key)]);
                (status, body) = self.node().post(&action, &params).await;
                continue;
            }
            if let Some(redirect) = redirect(&body) {
                return self.hold(i, redirect).await;
            }
            return self.finish(i).await;
        }
    }

    async fn ring(&mut self, i: usize, ring: (String, String, String)) {
        let who = ring.0.clone();
        self.report.dialled += 1;
        self.calls[i].tried.insert(who.clone());
        self.calls[i].dial = Some(ring);
        self.calls[i].phase = Phase::Ringing;
        let p = &self.people[&who];
        let busy = if let Some(other) = p.talking {
            Some(format!(
                "{who} dialled for call {i} while talking to call {other}"
            ))
        } else {
            p.ringing
                .map(|other| format!("{who} dialled for call {i} while ringing for call {other}"))
        };
        if let Some(what) = busy {
            self.violation(what);
            return self.plan(
                self.now,
                Event::RingFails {
                    call: i,
                    status: "busy",
                },
            );
        }
        self.people.get_mut(&who).unwrap().ringing = Some(i);
        let roll = self.rng.below(100);
        let after = self.now + self.rng.range(2, 10);
        match roll {
            0..60 => self.plan(
                after,
                Event::PickUp {
                    call: i,
                    press: true,
                },
            ),
            60..75 => self.plan(
                after,
                Event::PickUp {
                    call: i,
                    press: false,
                },
            ),
            _ => self.plan(
                self.now + RING_TIMEOUT_S,
                Event::RingFails {
                    call: i,
                    status: "no-answer",
                },
            ),
        }
    }

    async fn hold(&mut self, i: usize, redirect: String) {
        if !self.calls[i].held {
            self.calls[i].held = true;
            self.report.held += 1;
            if self.rng.chance(20) {
                let at = self.now + self.rng.range(20, 240);
                self.plan(at, Event::HangUp(i));
            }
        }
        self.calls[i].phase = Phase::Holding { redirect };
        self.plan(self.now + HOLD_S, Event::Follow(i));
        if self.redis_up && self.settled() {
            self.check_fair(i).await;
        }
    }

    pub async fn follow(&mut self, i: usize) {
        let Phase::Holding { redirect } = self.calls[i].phase.clone() else {
            return;
        };
        let sid = self.calls[i].sid.clone();
        let params = pairs(&[("CallSid", &sid), ("From", CALLER)]);
        let (status, body) = self.node().post(&redirect, &params).await;
        self.respond(i, status, body).await;
    }

    pub async fn hang_up(&mut self, i: usize) {
        if matches!(self.calls[i].phase, Phase::Holding { .. }) {
            self.finish(i).await;
        }
    }

    pub async fn pick_up(&mut self, i: usize, press: bool) {
        let Some((who, _, whisper)) = self.calls[i].dial.clone() else {
            return;
        };
        let sid = self.calls[i].sid.clone();
        let leg_sid = format!("{sid}L{}", self.calls[i].tried.len());
        let leg = pairs(&[
            ("CallSid", &leg_sid),
            ("ParentCallSid", &sid),
            ("CallStatus", "in-progress"),
        ]);
        let (_, ask) = self.node().post(&whisper, &leg).await;
        let bridged = match gather_action(&ask) {
            Some(action) => {
                let mut pressed = leg.clone();
                pressed.push(("Digits".into(), if press { "1" } else { "" }.into()));
                let (status, body) = self.node().post(&action, &pressed).await;
                status == 200 && !body.contains("<Hangup")
            }
            None => false,
        };
        let person = self.people.get_mut(&who).unwrap();
        person.ringing = None;
        if !bridged {
            return self.ring_fails(i, "completed").await;
        }
        if let Some(other) = person.talking.replace(i) {
            self.violation(format!(
                "{who} bridged to call {i} while talking to call {other}"
            ));
        }
        self.report.bridged += 1;
        self.calls[i].phase = Phase::Talking;
        let at = self.now + self.rng.range(20, 120);
        self.plan(at, Event::TalkEnds(i));
    }

    pub async fn ring_fails(&mut self, i: usize, dial_status: &str) {
        let Some((who, action, _)) = self.calls[i].dial.clone() else {
            return;
        };
        let person = self.people.get_mut(&who).unwrap();
        if person.ringing == Some(i) {
            person.ringing = None;
        }
        let params = self.dial_result(i, dial_status, false);
        let (status, body) = self.node().post(&action, &params).await;
        self.respond(i, status, body).await;
    }

    pub async fn talk_ends(&mut self, i: usize) {
        let Some((who, action, _)) = self.calls[i].dial.clone() else {
            return;
        };
        let params = self.dial_result(i, "completed", true);
        let (status, body) = self.node().post(&action, &params).await;
        if status != 200 || !body.contains("<Hangup/>") {
            self.violation(format!("end of a conversation answered {status}: {body}"));
        }
        let person = self.people.get_mut(&who).unwrap();
        person.talking = None;
        person.last_end = Some(self.now);
        self.finish(i).await;
    }

    pub async fn recorded(&mut self, i: usize, again: bool) {
        let Some((rec, callback)) = self.calls[i].recording.clone() else {
            return;
        };
        let sid = self.calls[i].sid.clone();
        let url = format!("https://api.twilio.com/2010-04-01/Accounts/AC0/Recordings/{rec}");
        let params = pairs(&[
            ("CallSid", &sid),
            ("RecordingSid", &rec),
            ("RecordingUrl", &url),
            ("RecordingStatus", "completed"),
            ("RecordingDuration", "12"),
        ]);
        let (status, body) = self.node().post(&callback, &params).await;
        if status == 200 {
            self.report.recordings.insert(rec);
        } else {
            self.violation(format!("recording callback answered {status}: {body}"));
        }
        if !again {
            if self.rng.chance(30) {
                let at = self.now + self.rng.range(1, 90);
                self.plan(at, Event::RecordedAgain(i));
            }
            self.finish(i).await;
        }
    }

    /// What Twilio posts to a `<Dial action>` when the ring or the
    /// conversation ends.
    fn dial_result(&self, i: usize, dial_status: &str, bridged: bool) -> Vec<(String, String)> {
        let sid = &self.calls[i].sid;
        pairs(&[
            ("CallSid", sid),
            ("CallStatus", "in-progress"),
            ("From", CALLER),
            ("DialCallSid", &format!("{sid}L")),
            ("DialCallStatus", dial_status),
            ("DialBridged", if bridged { "true" } else { "false" }),
        ])
    }

    /// The caller's call is over: Twilio's status callback.
    pub async fn finish(&mut self, i: usize) {
        if self.calls[i].phase == Phase::Done {
            return;
        }
        self.calls[i].phase = Phase::Done;
        let sid = self.calls[i].sid.clone();
        let params = pairs(&[
            ("CallSid", &sid),
            ("CallStatus", "completed"),
            ("From", CALLER),
            ("CallDuration", "90"),
        ]);
        let (status, body) = self.node().post("/twilio/status", &params).await;
        if status != 200 {
            self.violation(format!("status callback answered {status}: {body}"));
        }
    }
}
