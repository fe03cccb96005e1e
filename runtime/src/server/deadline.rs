//! Deadlines on one connection: how long it may sit idle with no request
//! under way, how long a request's head may take once its first byte has
//! arrived, and how long a client may keep the server waiting to take its
//! response.
//!
//! hyper has one timer for both reads (its header-read timeout runs from the
//! moment it waits for a request), so an idle keep-alive connection and a
//! client trickling its headers could not be given different limits; the
//! wrapper here keeps them apart. While a request is in flight (its body
//! being read, its handler running, its response being written) neither
//! applies.
//!
//! Writes have a floor on their rate ([`SendFloor`]): a client that reads
//! its response slowly keeps the response in memory, and each write it
//! takes would otherwise count as activity for ever.

use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::time::{Instant, Sleep};

use super::connections::Watch;

/// Counts a connection's requests between the service's call and its
/// answer; shared by the connection's I/O and its service.
#[derive(Clone, Debug, Default)]
pub(super) struct InFlight(Arc<Counts>);

#[derive(Debug, Default)]
struct Counts {
    /// Requests called and not yet answered.
    open: AtomicUsize,
    /// Requests called so far.
    started: AtomicUsize,
    /// The connection's reader, parked while a request was in flight: hyper
    /// may not read again once it has answered (it waits for the socket),
    /// so the end of a request wakes it to start the idle deadline.
    reader: Mutex<Option<Waker>>,
}

impl InFlight {
    /// Marks a request in flight until the guard is dropped.
    pub(super) fn start(&self) -> InFlightGuard {
        self.0.started.fetch_add(1, Ordering::AcqRel);
        self.0.open.fetch_add(1, Ordering::AcqRel);
        InFlightGuard(self.0.clone())
    }

    /// Wakes `waker` when the requests in flight end (at once if they
    /// ended since they were last counted).
    fn park(&self, waker: &Waker) {
        *self.0.reader.lock().unwrap_or_else(PoisonError::into_inner) = Some(waker.clone());
        if self.0.open.load(Ordering::Acquire) == 0 {
            waker.wake_by_ref();
        }
    }

    /// Whether a request is in flight, and how many have started.
    fn read(&self) -> (bool, usize) {
        (self.0.open.load(Ordering::Acquire) > 0, self.0.started.load(Ordering::Acquire))
    }
}

/// A request in flight; dropping it (answered or abandoned) ends it.
pub(super) struct InFlightGuard(Arc<Counts>);

impl Drop for InFlightGuard {
    fn drop(&mut self) {
        self.0.open.fetch_sub(1, Ordering::AcqRel);
        let reader = self.0.reader.lock().unwrap_or_else(PoisonError::into_inner).take();
        if let Some(reader) = reader {
            reader.wake();
        }
    }
}

/// Where the connection is, as its reads see it.
#[derive(Clone, Copy, Debug)]
enum Phase {
    /// No request under way since this instant (the connection's start, or
    /// the last byte written of the previous response).
    Idle(Instant),
    /// A request's head began arriving at this instant.
    Head(Instant),
    /// A request is in flight.
    Busy,
}

/// How fast a client must take its responses: while the server waits on it
/// (a write blocked), at `rate` bytes a second after `grace`. A response
/// of `n` bytes may keep the server waiting `grace + n / rate` in all.
#[derive(Clone, Copy, Debug)]
pub(super) struct SendFloor {
    /// Bytes a second; 0 for no floor.
    pub(super) rate: u64,
    pub(super) grace: Duration,
}

/// What the current response has written, and how long the client has
/// kept it waiting.
#[derive(Debug, Default)]
struct Sending {
    written: u64,
    /// Waiting finished so far.
    waited: Duration,
    /// Since when a write has been waiting, if one is.
    waiting_since: Option<Instant>,
}

/// A connection's I/O with the deadlines applied to its reads: a read that
/// is still waiting when the deadline passes fails with `TimedOut`, and
/// hyper closes the connection. A read also fails once the server has
/// chosen the connection to close, to make room for another. A write that
/// waits past what [`SendFloor`] allows fails with `TimedOut` too.
pub(super) struct Deadlines<I> {
    io: I,
    /// The connection as the server's registry sees it: its requests in
    /// flight, and whether it was chosen to close.
    watch: Arc<Watch>,
    idle_timeout: Duration,
    header_read_timeout: Duration,
    phase: Phase,
    /// How many requests had started when the phase was last brought up to
    /// date: a request can begin and end between two reads (its body came
    /// with its head), leaving no `Busy` phase behind.
    started: usize,
    timer: Pin<Box<Sleep>>,
    armed_for: Option<Instant>,
    floor: SendFloor,
    sending: Sending,
    /// How many requests had started when `sending` was begun.
    sending_for: usize,
    write_timer: Pin<Box<Sleep>>,
    write_armed_for: Option<Instant>,
}

impl<I> Deadlines<I> {
    pub(super) fn new(
        io: I,
        watch: Arc<Watch>,
        idle_timeout: Duration,
        header_read_timeout: Duration,
        floor: SendFloor,
    ) -> Self {
        let now = Instant::now();
        Deadlines {
            io,
            watch,
            idle_timeout,
            header_read_timeout,
            phase: Phase::Idle(now),
            started: 0,
            timer: Box::pin(tokio::time::sleep_until(now + idle_timeout)),
            armed_for: None,
            floor,
            sending: Sending::default(),
            sending_for: 0,
            write_timer: Box::pin(tokio::time::sleep_until(now)),
            write_armed_for: None,
        }
    }

    /// Brings the phase up to date with the requests in flight.
    fn observe(&mut self) {
        let (busy, started) = self.watch.in_flight().read();
        let answered_since = started != self.started || matches!(self.phase, Phase::Busy);
        self.started = started;
        if busy {
            self.phase = Phase::Busy;
        } else if answered_since {
            self.idle_from(Instant::now());
        }
    }

    fn idle_from(&mut self, now: Instant) {
        self.phase = Phase::Idle(now);
        self.watch.quiet_since(now);
    }

    /// Ready when the phase's deadline has passed.
    fn poll_deadline(&mut self, cx: &mut Context<'_>) -> Poll<io::Error> {
        let (deadline, what) = match self.phase {
            Phase::Idle(since) => (since + self.idle_timeout, "the connection was idle too long"),
            Phase::Head(since) => (since + self.header_read_timeout, "the request's headers took too long"),
            Phase::Busy => {
                self.watch.in_flight().park(cx.waker());
                return Poll::Pending;
            }
        };
        if self.armed_for != Some(deadline) {
            self.timer.as_mut().reset(deadline);
            self.armed_for = Some(deadline);
        }
        match self.timer.as_mut().poll(cx) {
            Poll::Ready(()) => Poll::Ready(io::Error::new(io::ErrorKind::TimedOut, what)),
            Poll::Pending => Poll::Pending,
        }
    }

    /// Writing (the tail of a response) is activity, not idling; what is
    /// written counts toward the response's allowance of waiting.
    fn wrote(&mut self, written: usize) {
        let now = Instant::now();
        self.sending_up_to_date();
        if let Some(since) = self.sending.waiting_since.take() {
            self.sending.waited += now.saturating_duration_since(since);
        }
        self.sending.written += written as u64;
        if written > 0 && matches!(self.phase, Phase::Idle(_)) {
            self.idle_from(now);
        }
    }

    /// A new request's response starts a new account.
    fn sending_up_to_date(&mut self) {
        let (_, started) = self.watch.in_flight().read();
        if started != self.sending_for {
            self.sending_for = started;
            self.sending = Sending::default();
        }
    }

    /// A write is waiting on the client: ready with an error once it has
    /// waited longer than the response's allowance.
    fn poll_send_floor(&mut self, cx: &mut Context<'_>) -> Poll<io::Error> {
        if self.floor.rate == 0 {
            return Poll::Pending;
        }
        self.sending_up_to_date();
        let now = Instant::now();
        let since = *self.sending.waiting_since.get_or_insert(now);
        let allowance =
            self.floor.grace + Duration::from_secs_f64(self.sending.written as f64 / self.floor.rate as f64);
        let deadline = since + allowance.saturating_sub(self.sending.waited);
        if self.write_armed_for != Some(deadline) {
            self.write_timer.as_mut().reset(deadline);
            self.write_armed_for = Some(deadline);
        }
        match self.write_timer.as_mut().poll(cx) {
            Poll::Ready(()) => Poll::Ready(io::Error::new(
                io::ErrorKind::TimedOut,
                "the client took its response more slowly than the server allows",
            )),
            Poll::Pending => Poll::Pending,
        }
    }

    /// A write's result, the floor applied while it waits.
    fn after_write(&mut self, cx: &mut Context<'_>, written: Poll<io::Result<usize>>) -> Poll<io::Result<usize>> {
        match written {
            Poll::Ready(Ok(n)) => {
                self.wrote(n);
                Poll::Ready(Ok(n))
            }
            Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
            Poll::Pending => self.poll_send_floor(cx).map(Err),
        }
    }
}

impl<I: AsyncRead + Unpin> AsyncRead for Deadlines<I> {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if this.watch.closing() {
            return Poll::Ready(Err(closed()));
        }
        this.observe();
        let before = buf.filled().len();
        match Pin::new(&mut this.io).poll_read(cx, buf) {
            Poll::Ready(Ok(())) => {
                if buf.filled().len() > before && matches!(this.phase, Phase::Idle(_)) {
                    this.phase = Phase::Head(Instant::now());
                }
                Poll::Ready(Ok(()))
            }
            Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
            Poll::Pending if this.watch.closing_or_wake(cx.waker()) => Poll::Ready(Err(closed())),
            Poll::Pending => this.poll_deadline(cx).map(Err),
        }
    }
}

fn closed() -> io::Error {
    io::Error::new(io::ErrorKind::ConnectionAborted, "the connection was closed to make room for another")
}

impl<I: AsyncWrite + Unpin> AsyncWrite for Deadlines<I> {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, bytes: &[u8]) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let written = Pin::new(&mut this.io).poll_write(cx, bytes);
        this.after_write(cx, written)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let written = Pin::new(&mut this.io).poll_write_vectored(cx, bufs);
        this.after_write(cx, written)
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        match Pin::new(&mut this.io).poll_flush(cx) {
            Poll::Ready(flushed) => {
                this.wrote(0);
                Poll::Ready(flushed)
            }
            Poll::Pending => this.poll_send_floor(cx).map(Err),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_shutdown(cx)
    }
}
