//! The server's open connections: at most so many, and when a new one
//! needs room, the quiet connection that has been quiet longest is closed.
//!
//! A connection may be closed to make room while no request of it has been
//! admitted ([`super::admission`]): while it is idle between requests, or
//! receiving a request's head, or its body. Closing one loses no request
//! the server took on (a client that trickled its head or withheld its
//! body sent nothing the server accepted), so idle and stalled clients
//! cannot keep a well-behaved one out, however many they open. It is quiet
//! from when it became idle, or from the last byte of a body it is
//! sending. Connections with admitted requests are never closed to make
//! room; if every connection has one, a new one waits for one to end.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicIsize, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::Waker;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;

use super::deadline::InFlight;

/// The open connections, shared by the accept loop and the connections.
#[derive(Clone)]
pub(super) struct Connections {
    shared: Arc<Shared>,
}

struct Shared {
    /// One permit per connection that may be open.
    room: Arc<Semaphore>,
    open: Mutex<HashMap<u64, Arc<Watch>>>,
    next_id: AtomicU64,
    /// When the server started: quiet times are counted from it.
    epoch: Instant,
}

/// What the registry knows of one connection, and how it closes it.
pub(super) struct Watch {
    in_flight: InFlight,
    /// Its requests admitted and not yet answered: while there are any, it
    /// is not closed to make room.
    admitted: AtomicUsize,
    /// The bytes its requests' bodies hold against the server's budget.
    buffering: AtomicIsize,
    /// When it last became quiet (milliseconds from the epoch).
    quiet_since: AtomicU64,
    /// It has been chosen to close: its next read fails.
    closing: AtomicBool,
    /// Its reader, to wake when it is chosen while waiting for data.
    reader: Mutex<Option<Waker>>,
    epoch: Instant,
}

impl Watch {
    /// The connection has been quiet since `now`.
    pub(super) fn quiet_since(&self, now: Instant) {
        let millis = now.saturating_duration_since(self.epoch).as_millis() as u64;
        self.quiet_since.store(millis, Ordering::Relaxed);
    }

    /// The connection's requests in flight.
    pub(super) fn in_flight(&self) -> &InFlight {
        &self.in_flight
    }

    /// `change` more requests of the connection were admitted.
    pub(super) fn admitted(&self, change: isize) {
        if change >= 0 {
            self.admitted.fetch_add(change as usize, Ordering::AcqRel);
        } else {
            self.admitted.fetch_sub(change.unsigned_abs(), Ordering::AcqRel);
        }
    }

    /// `change` more bytes of its bodies are counted against the budget.
    pub(super) fn buffering(&self, change: isize) {
        self.buffering.fetch_add(change, Ordering::AcqRel);
    }

    /// Whether it may be closed to make room: no request of it admitted,
    /// and not closing already.
    fn closable(&self) -> bool {
        self.admitted.load(Ordering::Acquire) == 0 && !self.closing.load(Ordering::Acquire)
    }

    /// Whether the connection has been chosen to close.
    pub(super) fn closing(&self) -> bool {
        self.closing.load(Ordering::Acquire)
    }

    /// Whether the connection has been chosen to close; if not, `reader`
    /// is woken when it is.
    pub(super) fn closing_or_wake(&self, reader: &Waker) -> bool {
        if self.closing() {
            return true;
        }
        let mut slot = self.reader.lock().unwrap_or_else(PoisonError::into_inner);
        if !slot.as_ref().is_some_and(|waker| waker.will_wake(reader)) {
            *slot = Some(reader.clone());
        }
        drop(slot);
        // Chosen between the first look and the waker being stored.
        self.closing.load(Ordering::Acquire)
    }

    fn close(&self) {
        self.closing.store(true, Ordering::Release);
        if let Some(reader) = self.reader.lock().unwrap_or_else(PoisonError::into_inner).take() {
            reader.wake();
        }
    }
}

/// A connection's place: its permit and its entry, given back when the
/// connection ends.
pub(super) struct Place {
    _permit: OwnedSemaphorePermit,
    id: u64,
    shared: Arc<Shared>,
}

impl Drop for Place {
    fn drop(&mut self) {
        self.shared.open.lock().unwrap_or_else(PoisonError::into_inner).remove(&self.id);
    }
}

impl Connections {
    /// Room for `max` connections (at least one).
    pub(super) fn new(max: usize) -> Self {
        let shared = Shared {
            room: Arc::new(Semaphore::new(max.clamp(1, Semaphore::MAX_PERMITS))),
            open: Mutex::new(HashMap::new()),
            next_id: AtomicU64::new(0),
            epoch: Instant::now(),
        };
        Connections { shared: Arc::new(shared) }
    }

    /// Room for one more (just accepted) connection: at once if there is
    /// some; otherwise the longest-quiet connection is closed to make it,
    /// or, if every connection has a request in flight, when one of them
    /// ends.
    pub(super) async fn room(&self) -> OwnedSemaphorePermit {
        if let Ok(permit) = self.shared.room.clone().try_acquire_owned() {
            return permit;
        }
        self.close_quietest();
        self.shared.room.clone().acquire_owned().await.expect("the semaphore is never closed")
    }

    /// Registers a connection in the room `permit` holds.
    pub(super) fn open(&self, permit: OwnedSemaphorePermit, in_flight: InFlight) -> (Place, Arc<Watch>) {
        let id = self.shared.next_id.fetch_add(1, Ordering::Relaxed);
        let watch = Arc::new(Watch {
            in_flight,
            admitted: AtomicUsize::new(0),
            buffering: AtomicIsize::new(0),
            quiet_since: AtomicU64::new(0),
            closing: AtomicBool::new(false),
            reader: Mutex::new(None),
            epoch: self.shared.epoch,
        });
        watch.quiet_since(Instant::now());
        self.shared.open.lock().unwrap_or_else(PoisonError::into_inner).insert(id, watch.clone());
        (Place { _permit: permit, id, shared: self.shared.clone() }, watch)
    }

    /// Closes the connection that has been quiet longest, of those that may
    /// be closed; whether there was one.
    pub(super) fn close_quietest(&self) -> bool {
        self.close_quietest_where(|watch| watch.closable())
    }

    /// Closes the connection whose body has been quiet longest, of those
    /// holding body bytes against the budget, other than `except`'s.
    pub(super) fn close_quietest_buffering(&self, except: &Arc<Watch>) -> bool {
        self.close_quietest_where(|watch| {
            watch.closable() && watch.buffering.load(Ordering::Acquire) > 0 && !Arc::ptr_eq(watch, except)
        })
    }

    fn close_quietest_where(&self, closable: impl Fn(&Arc<Watch>) -> bool) -> bool {
        let open = self.shared.open.lock().unwrap_or_else(PoisonError::into_inner);
        let quietest =
            open.values().filter(|watch| closable(watch)).min_by_key(|watch| watch.quiet_since.load(Ordering::Relaxed));
        match quietest {
            Some(watch) => {
                watch.close();
                true
            }
            None => false,
        }
    }
}
