//! The emulator's log: one line per call (`s3.PutObject => 200 (0.4 ms)`),
//! made from the runtime's request spans (their `service` and `operation`)
//! and the `answered` event every router logs with the status
//! (`runtime::protocol::REQUEST_LOG_TARGET`); the emulator's other events
//! as tracing formats them. `RUST_LOG` filters both (default `info`;
//! `RUST_LOG=warn` silences the calls, `awsgen::request=off` them alone).
//!
//! The call lines go to stderr from a thread of their own, a batch per
//! write: a write of its own per call cost a busy emulator a third of its
//! throughput (PutItem, 4 connections: 28k/s, 42k/s without the lines).
//! std's channel and a `BufWriter` do it; tracing-appender's worker would
//! bring crossbeam-channel and time for the same. Lines wait for the thread
//! only when thousands are queued, so none is dropped.

use std::fmt::Write as _;
use std::io::{BufWriter, Write as _};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::time::{Instant, SystemTime};

use emulator_generated::runtime::Timestamp;
use emulator_generated::runtime::protocol::REQUEST_LOG_TARGET;
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Subscriber};
use tracing_subscriber::layer::{Context, Layer, SubscriberExt as _};
use tracing_subscriber::registry::LookupSpan;
use tracing_subscriber::util::SubscriberInitExt as _;
use tracing_subscriber::{EnvFilter, filter};

/// Logs to stderr, filtered by `RUST_LOG`.
pub fn init() {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let others = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .with_filter(filter::filter_fn(|metadata| metadata.target() != REQUEST_LOG_TARGET));
    let (lines, queued) = sync_channel(QUEUED_LINES);
    let writer = std::thread::Builder::new().name("log".to_string()).spawn(move || write_lines(queued));
    let calls = Calls { lines: writer.is_ok().then_some(lines) };
    // Another subscriber already set (a test's) is left in place.
    let _ = tracing_subscriber::registry().with(filter).with(others).with(calls).try_init();
}

/// The call lines queued for the writer before a call waits for it.
const QUEUED_LINES: usize = 16_384;

/// How long the writer lets lines gather after the first of a batch: a call
/// that queues a line while the writer waits wakes it, a switch of threads
/// per call on a busy emulator.
const GATHER: std::time::Duration = std::time::Duration::from_millis(10);

/// Writes the queued lines to stderr, a batch at a time.
fn write_lines(queued: Receiver<String>) {
    let mut stderr = BufWriter::with_capacity(64 * 1024, std::io::stderr());
    while let Ok(line) = queued.recv() {
        // A stderr that has gone does not stop the emulator.
        let _ = writeln!(stderr, "{line}");
        std::thread::sleep(GATHER);
        while let Ok(line) = queued.try_recv() {
            let _ = writeln!(stderr, "{line}");
        }
        let _ = stderr.flush();
    }
}

/// What a request's span says of the call, and when it began.
struct Call {
    service: String,
    operation: String,
    started: Instant,
}

impl Visit for Call {
    fn record_str(&mut self, field: &Field, value: &str) {
        match field.name() {
            "service" => self.service = value.to_string(),
            "operation" => self.operation = value.to_string(),
            _ => {}
        }
    }

    fn record_debug(&mut self, _: &Field, _: &dyn std::fmt::Debug) {}
}

/// The status an `answered` event gives.
#[derive(Default)]
struct Status(Option<u64>);

impl Visit for Status {
    fn record_u64(&mut self, field: &Field, value: u64) {
        if field.name() == "status" {
            self.0 = Some(value);
        }
    }

    fn record_debug(&mut self, _: &Field, _: &dyn std::fmt::Debug) {}
}

/// The layer that makes the call lines, for the writer's thread (or, if it
/// could not start, written here).
struct Calls {
    lines: Option<SyncSender<String>>,
}

impl<S: Subscriber + for<'a> LookupSpan<'a>> Layer<S> for Calls {
    fn on_new_span(&self, attributes: &Attributes<'_>, id: &Id, context: Context<'_, S>) {
        if attributes.metadata().name() != "request" {
            return;
        }
        let mut call = Call { service: String::new(), operation: String::new(), started: Instant::now() };
        attributes.record(&mut call);
        if let Some(span) = context.span(id) {
            span.extensions_mut().insert(call);
        }
    }

    fn on_record(&self, id: &Id, values: &Record<'_>, context: Context<'_, S>) {
        if let Some(span) = context.span(id) {
            if let Some(call) = span.extensions_mut().get_mut::<Call>() {
                values.record(call);
            }
        }
    }

    fn on_event(&self, event: &Event<'_>, context: Context<'_, S>) {
        if event.metadata().target() != REQUEST_LOG_TARGET {
            return;
        }
        let mut status = Status::default();
        event.record(&mut status);
        let Some(span) = context.event_span(event) else { return };
        let extensions = span.extensions();
        let Some(call) = extensions.get::<Call>() else { return };
        let line = line(call, status.0);
        match &self.lines {
            Some(lines) => {
                let _ = lines.send(line);
            }
            // A stderr that has gone does not fail the request.
            None => {
                let _ = writeln!(std::io::stderr().lock(), "{line}");
            }
        }
    }
}

/// `2026-12-07T17:40:01.123Z  INFO s3.PutObject => 200 (0.4 ms)`: the
/// service by its emulator name where it has one, `-` for what no
/// operation of a service answered (an unknown target, a refused head).
fn line(call: &Call, status: Option<u64>) -> String {
    let now = Timestamp::try_from(SystemTime::now()).map(|t| millis(&t.to_string())).unwrap_or_default();
    let service =
        crate::admin::name_of(&call.service).unwrap_or(if call.service.is_empty() { "-" } else { &call.service });
    let operation = if call.operation.is_empty() { "-" } else { &call.operation };
    let mut line = format!("{now}  INFO {service}.{operation} => ");
    match status {
        Some(status) => write!(line, "{status}"),
        None => write!(line, "?"),
    }
    .expect("writing to a String");
    let elapsed = call.started.elapsed().as_secs_f64() * 1000.0;
    write!(line, " ({elapsed:.1} ms)").expect("writing to a String");
    line
}

/// `2026-12-07T17:45:16.741977997Z` to the millisecond, as log lines give
/// times.
fn millis(time: &str) -> String {
    match time.split_once('.') {
        Some((seconds, fraction)) => {
            let digits: String = fraction.chars().filter(char::is_ascii_digit).chain("000".chars()).take(3).collect();
            format!("{seconds}.{digits}Z")
        }
        None => time.replace('Z', ".000Z"),
    }
}
