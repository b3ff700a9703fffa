//! The open connections of one listener: how many there may be, which are
//! busy with a request, and which one makes room when the limit is reached.
//!
//! At the limit the oldest connection without a request in flight (one that
//! never sent a whole request, or a keep-alive one waiting for its next) is
//! closed for the newcomer: an attacker holding idle sockets only pushes out
//! their own oldest ones, and a webhook that just arrived is never the one
//! dropped. Only when every connection is in the middle of a request is the
//! newcomer itself closed at once.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use tokio::sync::{watch, Notify};

pub struct Conns {
    limit: usize,
    inner: Mutex<Inner>,
    /// How many are open, for waiting until none are.
    open: watch::Sender<usize>,
}

#[derive(Default)]
struct Inner {
    next_id: u64,
    /// By id, so the first entries are the oldest.
    slots: BTreeMap<u64, Arc<Slot>>,
}

/// One connection's shared state.
#[derive(Default)]
pub struct Slot {
    in_flight: AtomicUsize,
    /// Told when the connection is let go to make room.
    pub evicted: Notify,
}

impl Slot {
    /// Marks a request in flight until the guard is dropped (the guard
    /// travels with the response body, so a response still being sent
    /// counts as busy).
    pub fn busy(self: &Arc<Self>) -> Busy {
        self.in_flight.fetch_add(1, Ordering::SeqCst);
        Busy(self.clone())
    }

    fn idle(&self) -> bool {
        self.in_flight.load(Ordering::SeqCst) == 0
    }
}

pub struct Busy(Arc<Slot>);

impl Drop for Busy {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::SeqCst);
    }
}

/// A place among the open connections; dropping it frees the place.
pub struct Admitted {
    id: u64,
    pub slot: Arc<Slot>,
    conns: Arc<Conns>,
}

impl Drop for Admitted {
    fn drop(&mut self) {
        let mut inner = self.conns.lock();
        if inner.slots.remove(&self.id).is_some() {
            self.conns.open.send_replace(inner.slots.len());
        }
    }
}

impl Conns {
    pub fn new(limit: usize) -> Arc<Conns> {
        Arc::new(Conns {
            limit: limit.max(1),
            inner: Mutex::default(),
            open: watch::channel(0).0,
        })
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A place for a new connection, making room if needed; `None` when
    /// every open connection is busy with a request.
    pub fn admit(self: &Arc<Self>) -> Option<Admitted> {
        let mut inner = self.lock();
        if inner.slots.len() >= self.limit && !Self::evict_oldest_idle(&mut inner) {
            return None;
        }
        let id = inner.next_id;
        inner.next_id += 1;
        let slot = Arc::new(Slot::default());
        inner.slots.insert(id, slot.clone());
        self.open.send_replace(inner.slots.len());
        Some(Admitted {
            id,
            slot,
            conns: self.clone(),
        })
    }

    /// Lets the oldest idle connection go (when the process ran out of file
    /// descriptors); `false` if every connection is busy.
    pub fn make_room(&self) -> bool {
        let mut inner = self.lock();
        let made = Self::evict_oldest_idle(&mut inner);
        self.open.send_replace(inner.slots.len());
        made
    }

    fn evict_oldest_idle(inner: &mut Inner) -> bool {
        let oldest = inner
            .slots
            .iter()
            .find(|(_, s)| s.idle())
            .map(|(id, _)| *id);
        match oldest.and_then(|id| inner.slots.remove(&id)) {
            Some(slot) => {
                slot.evicted.notify_one();
                true
            }
            None => false,
        }
    }

    pub fn open(&self) -> usize {
        self.lock().slots.len()
    }

    pub fn limit(&self) -> usize {
        self.limit
    }

    /// Resolves once no connection is open.
    pub async fn all_closed(&self) {
        let mut open = self.open.subscribe();
        let _ = open.wait_for(|n| *n == 0).await;
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[tokio::test]
    async fn at_the_limit_the_oldest_idle_connection_makes_room() {
        let conns = Conns::new(2);
        let first = conns.admit().unwrap();
        let second = conns.admit().unwrap();
        let _busy = first.slot.busy();
        let third = conns.admit().expect("the idle second one makes room");
        assert_eq!(conns.open(), 2);
        tokio::time::timeout(Duration::from_secs(1), second.slot.evicted.notified())
            .await
            .expect("the idle one is told to close");
        drop(second); // its task ends; it had already left the count
        assert_eq!(conns.open(), 2);
        let _also_busy = third.slot.busy();
        assert!(conns.admit().is_none(), "all busy: the newcomer is refused");
        drop(third);
        assert_eq!(conns.open(), 1);
        drop(first);
        tokio::time::timeout(Duration::from_secs(1), conns.all_closed())
            .await
            .expect("none open");
    }
}
