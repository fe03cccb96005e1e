//! When a request may be handled, and what a body may hold while it
//! arrives.
//!
//! A request is admitted (takes one of the places in flight, and one of
//! the places for large requests if its body is large) only once its body
//! has arrived whole: a body that has not arrived costs its own connection
//! time, not everyone a place. While it arrives, the bytes it holds are
//! counted against one budget for the whole server; past it, the
//! connection whose body has been quiet longest is closed to make room.
//! Waiting for a place has a deadline, past which the request is refused
//! as the server being busy.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;

use super::body::ServerBusy;
use super::connections::{Connections, Watch};

/// What every request's admission shares.
pub(super) struct Admission {
    /// One permit per request that may be in flight.
    in_flight: Arc<Semaphore>,
    /// One permit per large request that may be in flight.
    large: Arc<Semaphore>,
    /// Bodies longer than this are large.
    large_body_bytes: usize,
    /// How long a request may wait for its places.
    queue_timeout: Duration,
    /// Bytes of bodies arriving or waiting for their places.
    buffered: AtomicUsize,
    /// The most `buffered` may be before a connection is closed for room.
    budget: usize,
    connections: Connections,
}

impl Admission {
    pub(super) fn new(
        connections: Connections,
        in_flight: usize,
        large: usize,
        large_body_bytes: usize,
        queue_timeout: Duration,
        budget: usize,
    ) -> Self {
        Admission {
            in_flight: Arc::new(Semaphore::new(in_flight.clamp(1, Semaphore::MAX_PERMITS))),
            large: Arc::new(Semaphore::new(large.clamp(1, Semaphore::MAX_PERMITS))),
            large_body_bytes,
            queue_timeout,
            buffered: AtomicUsize::new(0),
            budget,
            connections,
        }
    }
}

/// One request's account: the bytes its body holds while it arrives, its
/// places once admitted, and its connection, whose quiet time its body's
/// bytes keep up to date.
pub(super) struct Ticket {
    admission: Arc<Admission>,
    watch: Arc<Watch>,
    /// Body bytes received so far.
    received: AtomicUsize,
    /// Of those, the bytes counted against the budget.
    counted: AtomicUsize,
    /// The body is handed on as a stream, unbuffered: its bytes are the
    /// handler's to hold or not, and are not counted.
    streamed: AtomicBool,
    /// The request was answered: nothing more is counted or admitted.
    finished: AtomicBool,
    places: Mutex<Option<Places>>,
}

/// The places an admitted request holds.
struct Places {
    _in_flight: OwnedSemaphorePermit,
    _large: Option<OwnedSemaphorePermit>,
}

impl Ticket {
    /// A request that has just arrived on the connection `watch` watches.
    pub(super) fn new(admission: Arc<Admission>, watch: Arc<Watch>) -> Self {
        // Its head has just arrived: the connection is not quiet.
        watch.quiet_since(Instant::now());
        Ticket {
            admission,
            watch,
            received: AtomicUsize::new(0),
            counted: AtomicUsize::new(0),
            streamed: AtomicBool::new(false),
            finished: AtomicBool::new(false),
            places: Mutex::new(None),
        }
    }

    /// `bytes` more of the body arrived. Past the budget, the connection
    /// whose body has been quiet longest (not this one) is closed.
    pub(super) fn received(&self, bytes: usize) {
        self.received.fetch_add(bytes, Ordering::Relaxed);
        self.watch.quiet_since(Instant::now());
        if self.streamed.load(Ordering::Acquire) || self.finished.load(Ordering::Acquire) {
            return;
        }
        self.counted.fetch_add(bytes, Ordering::AcqRel);
        self.watch.buffering(bytes as isize);
        let buffered = self.admission.buffered.fetch_add(bytes, Ordering::AcqRel) + bytes;
        if buffered > self.admission.budget {
            self.admission.connections.close_quietest_buffering(&self.watch);
        }
    }

    /// The body goes on as a stream: what was counted is let go, and
    /// nothing more is.
    pub(super) fn streamed(&self) {
        self.streamed.store(true, Ordering::Release);
        self.uncount();
    }

    /// Whether the body goes on as a stream.
    pub(super) fn is_streamed(&self) -> bool {
        self.streamed.load(Ordering::Acquire)
    }

    /// Takes the request's places, once its body has arrived: a place in
    /// flight, and a large one for a large body; within the queue's
    /// deadline, or [`ServerBusy`].
    pub(super) async fn admit(self: Arc<Self>) -> Result<(), ServerBusy> {
        let admission = &self.admission;
        let large = self.received.load(Ordering::Relaxed) > admission.large_body_bytes;
        let places = async {
            let in_flight = admission.in_flight.clone().acquire_owned().await.expect("never closed");
            let large = match large {
                true => Some(admission.large.clone().acquire_owned().await.expect("never closed")),
                false => None,
            };
            Places { _in_flight: in_flight, _large: large }
        };
        let places = tokio::time::timeout(admission.queue_timeout, places)
            .await
            .map_err(|_| ServerBusy(admission.queue_timeout))?;
        if self.finished.load(Ordering::Acquire) {
            return Ok(());
        }
        // In flight, its body is bounded by the places, not the budget.
        self.uncount();
        self.watch.admitted(1);
        *self.places.lock().unwrap_or_else(PoisonError::into_inner) = Some(places);
        Ok(())
    }

    /// The request was answered (or abandoned): its places and its count
    /// are given back.
    pub(super) fn finish(&self) {
        if self.finished.swap(true, Ordering::AcqRel) {
            return;
        }
        self.uncount();
        if self.places.lock().unwrap_or_else(PoisonError::into_inner).take().is_some() {
            self.watch.admitted(-1);
        }
    }

    fn uncount(&self) {
        let counted = self.counted.swap(0, Ordering::AcqRel);
        if counted > 0 {
            self.watch.buffering(-(counted as isize));
            self.admission.buffered.fetch_sub(counted, Ordering::AcqRel);
        }
    }
}

impl Drop for Ticket {
    fn drop(&mut self) {
        self.finish();
    }
}

/// A request's [`Ticket`], in its extensions, for the protocols to say
/// that they stream its body rather than buffer it.
#[derive(Clone)]
pub(crate) struct BodyAccount(pub(super) Arc<Ticket>);

impl BodyAccount {
    /// The body is handed to the handler as a stream.
    pub(crate) fn streamed(&self) {
        self.0.streamed();
    }
}
