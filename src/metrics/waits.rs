//! When each caller in line started waiting, and in which language.
//!
//! A caller who hangs up during hold music is seen only by Twilio's status
//! callback, which carries neither the language nor the waiting start (the
//! hold loop's callback URL does). Each hold-loop turn notes both here, so
//! the status callback can count the abandonment with its language and
//! wait. In-process only: if the status callback reaches another instance,
//! the abandonment is still counted there (language `other`, no wait); the
//! store's `lotse_line_abandoned_total` counts every one regardless.

use std::collections::HashMap;
use std::sync::Mutex;

use crate::call::CallId;

/// A forgotten entry (a call whose end never arrived) is dropped after this
/// long; the longest configured wait is far shorter.
const FORGET_AFTER_S: i64 = 3 * 3600;
/// Prune at most this often, by entry count, to keep inserts cheap.
const PRUNE_ABOVE: usize = 1024;

#[derive(Default)]
pub(super) struct Waits(Mutex<HashMap<String, Waiting>>);

#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Waiting {
    pub lang: String,
    pub since_s: i64,
}

impl Waits {
    pub fn note(&self, call: &CallId, waiting: Waiting, now_s: i64) {
        let mut map = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if map.len() >= PRUNE_ABOVE {
            map.retain(|_, w| now_s - w.since_s < FORGET_AFTER_S);
        }
        map.insert(call.as_str().to_owned(), waiting);
    }

    pub fn take(&self, call: &CallId) -> Option<Waiting> {
        let mut map = self.0.lock().unwrap_or_else(|e| e.into_inner());
        map.remove(call.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_noted_wait_is_taken_once_and_old_ones_are_pruned() {
        let w = Waits::default();
        let call = CallId::parse("CAwait0001").unwrap();
        let at = |since_s| Waiting {
            lang: "de".into(),
            since_s,
        };
        w.note(&call, at(100), 100);
        assert_eq!(w.take(&call), Some(at(100)));
        assert_eq!(w.take(&call), None);
        for i in 0..PRUNE_ABOVE {
            let id = CallId::parse(&format!("CAold{i:06}")).unwrap();
            w.note(&id, at(0), 0);
        }
        w.note(&call, at(FORGET_AFTER_S), FORGET_AFTER_S);
        assert_eq!(w.0.lock().unwrap().len(), 1, "old entries pruned");
    }
}
