//! CloudWatch Logs: log groups, their streams and events, and live tails of
//! them, in memory or, with `--data-dir`, on disk too.
//!
//! Served: CreateLogGroup, DeleteLogGroup, DescribeLogGroups, CreateLogStream,
//! DeleteLogStream, DescribeLogStreams, PutLogEvents, GetLogEvents and StartLiveTail; every
//! other operation answers `NotImplemented` from the generated router.
//! StartLiveTail streams what PutLogEvents ingests from then on (its
//! `sessionStart`, then a `sessionUpdate` each second with the events that
//! arrived and match), until the client goes away or the session's time is
//! up (`SessionTimeoutException`, as Logs ends a tail after three hours).
//! A filter pattern is read as Logs reads its terms: every plain or quoted
//! term must occur, `?term`s any of them, `-term`s none; JSON and
//! space-delimited patterns are refused.
//!
//! PutLogEvents's limits are AWS's: batches of at most 1,048,576 bytes (26
//! per event besides its message), events of at most 256 KB, a day's span,
//! events from the last 14 days to two hours ahead (others are not kept,
//! and the answer says which, as Logs says); events are charged to the
//! state budget.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use emulator_generated::logs::error::{
    InvalidParameterException, ResourceAlreadyExistsException, ResourceNotFoundException, SessionTimeoutException,
};
use emulator_generated::logs::operation::create_log_group::{CreateLogGroupError, CreateLogGroupRequest};
use emulator_generated::logs::operation::create_log_stream::{CreateLogStreamError, CreateLogStreamRequest};
use emulator_generated::logs::operation::delete_log_group::{DeleteLogGroupError, DeleteLogGroupRequest};
use emulator_generated::logs::operation::delete_log_stream::{DeleteLogStreamError, DeleteLogStreamRequest};
use emulator_generated::logs::operation::describe_log_groups::{
    DescribeLogGroupsError, DescribeLogGroupsRequest, DescribeLogGroupsResponse,
};
use emulator_generated::logs::operation::describe_log_streams::{
    DescribeLogStreamsError, DescribeLogStreamsRequest, DescribeLogStreamsResponse,
};
use emulator_generated::logs::operation::get_log_events::{
    GetLogEventsError, GetLogEventsRequest, GetLogEventsResponse,
};
use emulator_generated::logs::operation::put_log_events::{
    PutLogEventsError, PutLogEventsRequest, PutLogEventsResponse,
};
use emulator_generated::logs::operation::start_live_tail::{
    StartLiveTailError, StartLiveTailRequest, StartLiveTailResponse,
};
use emulator_generated::logs::service::Logs20140328;
use emulator_generated::logs::types::{
    LiveTailSessionLogEvent, LiveTailSessionMetadata, LiveTailSessionStart, LiveTailSessionUpdate, LogGroup, LogStream,
    OutputLogEvent, RejectedLogEventsInfo, StartLiveTailResponseStream,
};
use emulator_generated::runtime::context::RequestContext;
use emulator_generated::runtime::{EventStream, Unit, UnmodelledError};
use serde::{Deserialize, Serialize};
use tokio::sync::broadcast;

use crate::ids::Ids;
use crate::quota::{Budget, Charge};
use crate::store::{self, Change, Store, StoreError};
use crate::{ACCOUNT_ID, REGION};

/// How long a live tail lasts, as Logs has it.
const SESSION: Duration = Duration::from_secs(3 * 60 * 60);
/// How often a live tail sends what arrived.
const UPDATE_EVERY: Duration = Duration::from_secs(1);
/// The most events one update carries (Logs samples past 500 a second).
const MAX_PER_UPDATE: usize = 500;

/// The Logs service: log groups by name.
pub struct Logs {
    groups: Mutex<BTreeMap<String, Group>>,
    /// Every event ingested, for the live tails listening.
    ingested: broadcast::Sender<Ingested>,
    ids: Ids,
    /// The key of the next record of events.
    next_batch: AtomicU64,
    store: Arc<Store>,
    budget: Arc<Budget>,
}

struct Group {
    created: i64,
    streams: BTreeMap<String, Stream>,
}

#[derive(Default)]
struct Stream {
    created: i64,
    events: Vec<OutputLogEvent>,
    /// The events' shares of the state budget, one per PutLogEvents call.
    charges: Vec<Charge>,
}

/// When a group or stream was made, as its record keeps it (milliseconds
/// since the epoch).
#[derive(Serialize, Deserialize)]
struct Made {
    created: i64,
}

/// The events one PutLogEvents call kept: timestamps, messages and the
/// time they were ingested.
type Batch = Vec<(i64, String, i64)>;

/// The name of the service's records.
const SERVICE: &str = "logs";
/// The largest batch, and the largest event, with 26 bytes per event
/// counted besides its message.
const MAX_BATCH_BYTES: usize = 1_048_576;
const MAX_EVENT_BYTES: usize = 262_144;
const EVENT_OVERHEAD: usize = 26;
/// How far apart a batch's events may be, and how old and how far ahead.
const MAX_SPAN_MILLIS: i64 = 24 * 3_600_000;
const MAX_AGE_MILLIS: i64 = 14 * 24 * 3_600_000;
const MAX_AHEAD_MILLIS: i64 = 2 * 3_600_000;

/// One event, as a live tail sees it.
#[derive(Clone)]
struct Ingested {
    group: String,
    stream: String,
    event: OutputLogEvent,
}

impl Logs {
    /// The service, with the groups, streams and events an earlier run left
    /// in `store`, events charged to `budget`.
    pub fn new(store: Arc<Store>, budget: Arc<Budget>) -> Result<Self, StoreError> {
        let corrupt = || StoreError::corrupt("CloudWatch Logs' records");
        let mut groups = BTreeMap::new();
        for (name, made) in store.load::<Made>(SERVICE, "group")? {
            groups.insert(name, Group { created: made.created, streams: BTreeMap::new() });
        }
        for (key, made) in store.load::<Made>(SERVICE, "stream")? {
            let (group, stream) = key.split_once(':').ok_or_else(corrupt)?;
            let group = groups.get_mut(group).ok_or_else(corrupt)?;
            group.streams.insert(stream.to_string(), Stream { created: made.created, ..Stream::default() });
        }
        let mut next_batch = 0;
        for (key, batch) in store.load::<Batch>(SERVICE, "events")? {
            let mut parts = key.splitn(3, ':');
            let (Some(group), Some(stream), Some(number)) = (parts.next(), parts.next(), parts.next()) else {
                return Err(corrupt());
            };
            next_batch = next_batch.max(number.parse::<u64>().map_err(|_| corrupt())? + 1);
            let stream = groups.get_mut(group).and_then(|g| g.streams.get_mut(stream)).ok_or_else(corrupt)?;
            let bytes = batch.iter().map(|(_, message, _)| message.len() + EVENT_OVERHEAD).sum();
            stream.charges.push(budget.charge(bytes).map_err(|_| corrupt())?);
            stream.events.extend(batch.into_iter().map(|(timestamp, message, ingested)| OutputLogEvent {
                timestamp: Some(timestamp),
                message: Some(message),
                ingestion_time: Some(ingested),
            }));
        }
        Ok(Logs {
            groups: Mutex::new(groups),
            ingested: broadcast::channel(4096).0,
            ids: Ids::new(),
            next_batch: AtomicU64::new(next_batch),
            store,
            budget,
        })
    }

    /// Forgets every log group (live tails go on, for the groups made next).
    pub fn reset(&self) {
        self.groups().clear();
        if let Err(e) = self.store.clear(SERVICE) {
            tracing::error!(%e, "CloudWatch Logs could not forget its state");
        }
    }

    fn commit(&self, change: Change) -> Result<(), UnmodelledError> {
        self.store.commit(SERVICE, change).map_err(|e| {
            tracing::error!(%e, "CloudWatch Logs could not keep its state");
            UnmodelledError::server("ServiceUnavailableException", "The service cannot complete the request.")
                .with_status(500)
        })
    }

    fn groups(&self) -> MutexGuard<'_, BTreeMap<String, Group>> {
        self.groups.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

fn now_millis() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64)
}

fn group_arn(name: &str) -> String {
    format!("arn:aws:logs:{REGION}:{ACCOUNT_ID}:log-group:{name}")
}

fn group_not_found() -> ResourceNotFoundException {
    ResourceNotFoundException { message: Some("The specified log group does not exist.".to_string()) }
}

fn stream_not_found() -> ResourceNotFoundException {
    ResourceNotFoundException { message: Some("The specified log stream does not exist.".to_string()) }
}

fn invalid(message: &str) -> InvalidParameterException {
    InvalidParameterException { message: Some(message.to_string()) }
}

/// A log group named by its name or its ARN (with or without `:*`).
fn group_name(identifier: &str) -> &str {
    let prefix = format!("arn:aws:logs:{REGION}:{ACCOUNT_ID}:log-group:");
    match identifier.strip_prefix(prefix.as_str()) {
        Some(name) => name.strip_suffix(":*").unwrap_or(name),
        None => identifier,
    }
}

/// The group a request names by exactly one of its name and its
/// identifier (a name or an ARN).
fn named_group<'a>(name: Option<&'a str>, identifier: Option<&'a str>) -> Result<&'a str, InvalidParameterException> {
    match (name, identifier) {
        (Some(name), None) => Ok(name),
        (None, Some(identifier)) => Ok(group_name(identifier)),
        _ => Err(invalid("Exactly one of logGroupName or logGroupIdentifier must be given.")),
    }
}

impl Logs20140328 for Logs {
    async fn create_log_group(
        &self,
        _: &RequestContext,
        input: CreateLogGroupRequest,
    ) -> Result<Unit, CreateLogGroupError> {
        let mut groups = self.groups();
        if groups.contains_key(&input.log_group_name) {
            let message = "The specified log group already exists".to_string();
            return Err(ResourceAlreadyExistsException { message: Some(message) }.into());
        }
        let created = now_millis();
        self.commit(Change::default().put("group", input.log_group_name.clone(), store::record(&Made { created })))?;
        groups.insert(input.log_group_name, Group { created, streams: BTreeMap::new() });
        Ok(Unit {})
    }

    async fn delete_log_group(
        &self,
        _: &RequestContext,
        input: DeleteLogGroupRequest,
    ) -> Result<Unit, DeleteLogGroupError> {
        let name = input.log_group_name;
        let mut groups = self.groups();
        if !groups.contains_key(&name) {
            return Err(group_not_found().into());
        }
        let change = Change::default()
            .delete("group", name.clone())
            .delete_prefix("stream", format!("{name}:"))
            .delete_prefix("events", format!("{name}:"));
        self.commit(change)?;
        groups.remove(&name);
        Ok(Unit {})
    }

    async fn describe_log_groups(
        &self,
        _: &RequestContext,
        input: DescribeLogGroupsRequest,
    ) -> Result<DescribeLogGroupsResponse, DescribeLogGroupsError> {
        let prefix = input.log_group_name_prefix.unwrap_or_default();
        let limit = input.limit.map_or(50, |limit| limit.max(1) as usize);
        let groups = self.groups();
        let log_groups = groups
            .iter()
            .filter(|(name, _)| name.starts_with(&prefix))
            .filter(|(name, _)| {
                input.log_group_name_pattern.as_ref().is_none_or(|pattern| name.contains(pattern.as_str()))
            })
            .take(limit)
            .map(|(name, group)| LogGroup {
                log_group_name: Some(name.clone()),
                creation_time: Some(group.created),
                metric_filter_count: Some(0),
                arn: Some(format!("{}:*", group_arn(name))),
                log_group_arn: Some(group_arn(name)),
                stored_bytes: Some(
                    group
                        .streams
                        .values()
                        .flat_map(|s| &s.events)
                        .map(|e| e.message.as_ref().map_or(0, |m| m.len() as i64))
                        .sum(),
                ),
                ..LogGroup::default()
            })
            .collect();
        Ok(DescribeLogGroupsResponse { log_groups: Some(log_groups), next_token: None })
    }

    async fn create_log_stream(
        &self,
        _: &RequestContext,
        input: CreateLogStreamRequest,
    ) -> Result<Unit, CreateLogStreamError> {
        let mut groups = self.groups();
        let group = groups.get_mut(&input.log_group_name).ok_or_else(group_not_found)?;
        if group.streams.contains_key(&input.log_stream_name) {
            let message = "The specified log stream already exists".to_string();
            return Err(ResourceAlreadyExistsException { message: Some(message) }.into());
        }
        let created = now_millis();
        let key = format!("{}:{}", input.log_group_name, input.log_stream_name);
        self.commit(Change::default().put("stream", key, store::record(&Made { created })))?;
        group.streams.insert(input.log_stream_name, Stream { created, ..Stream::default() });
        Ok(Unit {})
    }

    async fn delete_log_stream(
        &self,
        _: &RequestContext,
        input: DeleteLogStreamRequest,
    ) -> Result<Unit, DeleteLogStreamError> {
        let mut groups = self.groups();
        let group = groups.get_mut(&input.log_group_name).ok_or_else(group_not_found)?;
        if !group.streams.contains_key(&input.log_stream_name) {
            return Err(stream_not_found().into());
        }
        let key = format!("{}:{}", input.log_group_name, input.log_stream_name);
        let change = Change::default().delete("stream", key.clone()).delete_prefix("events", format!("{key}:"));
        self.commit(change)?;
        group.streams.remove(&input.log_stream_name);
        Ok(Unit {})
    }

    async fn describe_log_streams(
        &self,
        _: &RequestContext,
        input: DescribeLogStreamsRequest,
    ) -> Result<DescribeLogStreamsResponse, DescribeLogStreamsError> {
        let name = named_group(input.log_group_name.as_deref(), input.log_group_identifier.as_deref())?;
        let prefix = input.log_stream_name_prefix.unwrap_or_default();
        let groups = self.groups();
        let group = groups.get(name).ok_or_else(group_not_found)?;
        let log_streams = group
            .streams
            .iter()
            .filter(|(stream, _)| stream.starts_with(&prefix))
            .take(input.limit.map_or(50, |limit| limit.max(1) as usize))
            .map(|(stream_name, stream)| LogStream {
                log_stream_name: Some(stream_name.clone()),
                creation_time: Some(stream.created),
                first_event_timestamp: stream.events.iter().filter_map(|e| e.timestamp).min(),
                last_event_timestamp: stream.events.iter().filter_map(|e| e.timestamp).max(),
                last_ingestion_time: stream.events.last().and_then(|e| e.ingestion_time),
                arn: Some(format!("{}:log-stream:{stream_name}", group_arn(name))),
                ..LogStream::default()
            })
            .collect();
        Ok(DescribeLogStreamsResponse { log_streams: Some(log_streams), next_token: None })
    }

    async fn put_log_events(
        &self,
        _: &RequestContext,
        input: PutLogEventsRequest,
    ) -> Result<PutLogEventsResponse, PutLogEventsError> {
        // Logs takes a batch in the order of its timestamps.
        if input.log_events.windows(2).any(|pair| pair[0].timestamp > pair[1].timestamp) {
            return Err(invalid("Log events in a single PutLogEvents request must be in chronological order.").into());
        }
        let bytes: usize = input.log_events.iter().map(|event| event.message.len() + EVENT_OVERHEAD).sum();
        if bytes > MAX_BATCH_BYTES {
            return Err(invalid(&format!("Upload too large: {bytes} bytes exceeds limit of {MAX_BATCH_BYTES}")).into());
        }
        if let Some(event) =
            input.log_events.iter().find(|event| event.message.len() + EVENT_OVERHEAD > MAX_EVENT_BYTES)
        {
            let size = event.message.len() + EVENT_OVERHEAD;
            return Err(
                invalid(&format!("Log event too large: {size} bytes exceeds limit of {MAX_EVENT_BYTES}")).into()
            );
        }
        if let (Some(first), Some(last)) = (input.log_events.first(), input.log_events.last()) {
            if last.timestamp - first.timestamp > MAX_SPAN_MILLIS {
                return Err(invalid(
                    "The batch of log events in a single PutLogEvents request cannot span more than 24 hours.",
                )
                .into());
            }
        }
        let ingested_at = now_millis();
        // Events too old or too far ahead are not kept; the answer says which.
        let too_old = input.log_events.iter().take_while(|e| e.timestamp < ingested_at - MAX_AGE_MILLIS).count();
        let too_new = input.log_events.iter().position(|e| e.timestamp > ingested_at + MAX_AHEAD_MILLIS);
        let kept_events = &input.log_events[too_old..too_new.unwrap_or(input.log_events.len()).max(too_old)];
        let batch: Batch = kept_events.iter().map(|e| (e.timestamp, e.message.clone(), ingested_at)).collect();
        let charge = self
            .budget
            .charge(batch.iter().map(|(_, message, _)| message.len() + EVENT_OVERHEAD).sum())
            .map_err(|e| UnmodelledError::client("LimitExceededException", e.message()))?;
        let mut groups = self.groups();
        let group = groups.get_mut(&input.log_group_name).ok_or_else(group_not_found)?;
        let stream = group.streams.get_mut(&input.log_stream_name).ok_or_else(stream_not_found)?;
        if self.store.is_durable() && !batch.is_empty() {
            let number = self.next_batch.fetch_add(1, Ordering::Relaxed);
            let key = format!("{}:{}:{number:020}", input.log_group_name, input.log_stream_name);
            self.commit(Change::default().put("events", key, store::record(&batch)))?;
        }
        stream.charges.push(charge);
        for (timestamp, message, ingestion_time) in batch {
            let event = OutputLogEvent {
                timestamp: Some(timestamp),
                message: Some(message),
                ingestion_time: Some(ingestion_time),
            };
            stream.events.push(event.clone());
            // No tail listening is no error.
            let _ = self.ingested.send(Ingested {
                group: input.log_group_name.clone(),
                stream: input.log_stream_name.clone(),
                event,
            });
        }
        let index = |n: usize| i32::try_from(n).ok();
        let rejected = (too_old > 0 || too_new.is_some()).then(|| RejectedLogEventsInfo {
            too_old_log_event_end_index: (too_old > 0).then(|| index(too_old)).flatten(),
            too_new_log_event_start_index: too_new.and_then(index),
            expired_log_event_end_index: None,
        });
        Ok(PutLogEventsResponse { rejected_log_events_info: rejected, ..PutLogEventsResponse::default() })
    }

    async fn get_log_events(
        &self,
        _: &RequestContext,
        input: GetLogEventsRequest,
    ) -> Result<GetLogEventsResponse, GetLogEventsError> {
        let name = named_group(input.log_group_name.as_deref(), input.log_group_identifier.as_deref())?;
        let groups = self.groups();
        let group = groups.get(name).ok_or_else(group_not_found)?;
        let stream = group.streams.get(&input.log_stream_name).ok_or_else(stream_not_found)?;
        let in_range = |event: &&OutputLogEvent| {
            let at = event.timestamp.unwrap_or(0);
            input.start_time.is_none_or(|start| at >= start) && input.end_time.is_none_or(|end| at < end)
        };
        let limit = input.limit.map_or(10_000, |limit| limit.max(1) as usize);
        let matching: Vec<&OutputLogEvent> = stream.events.iter().filter(in_range).collect();
        // The newest `limit`, unless read from the head.
        let events: Vec<OutputLogEvent> = if input.start_from_head == Some(true) {
            matching.into_iter().take(limit).cloned().collect()
        } else {
            let skip = matching.len().saturating_sub(limit);
            matching.into_iter().skip(skip).cloned().collect()
        };
        let token = |direction: &str| Some(format!("{direction}/{}", stream.events.len()));
        Ok(GetLogEventsResponse {
            events: Some(events),
            next_forward_token: token("f"),
            next_backward_token: token("b"),
        })
    }

    async fn start_live_tail(
        &self,
        context: &RequestContext,
        input: StartLiveTailRequest,
    ) -> Result<StartLiveTailResponse, StartLiveTailError> {
        let filter = Filter::parse(input.log_event_filter_pattern.as_deref().unwrap_or(""))
            .map_err(|why| StartLiveTailError::from(invalid(&why)))?;
        let groups: Vec<String> = input.log_group_identifiers.iter().map(|id| group_name(id).to_string()).collect();
        {
            let known = self.groups();
            if let Some(missing) = groups.iter().find(|name| !known.contains_key(name.as_str())) {
                let message = format!("Log group {} does not exist.", group_arn(missing));
                return Err(ResourceNotFoundException { message: Some(message) }.into());
            }
        }
        let tail = Tail {
            groups,
            identifiers: input.log_group_identifiers.clone(),
            streams: input.log_stream_names.clone().unwrap_or_default(),
            prefixes: input.log_stream_name_prefixes.clone().unwrap_or_default(),
            filter,
        };
        let start = LiveTailSessionStart {
            request_id: Some(context.request_id().as_str().to_string()),
            session_id: Some(self.ids.uuid()),
            log_group_identifiers: Some(input.log_group_identifiers),
            log_stream_names: input.log_stream_names,
            log_stream_name_prefixes: input.log_stream_name_prefixes,
            log_event_filter_pattern: input.log_event_filter_pattern,
        };
        let mut ingested = self.ingested.subscribe();
        let (updates, stream) = EventStream::channel(4);
        tokio::spawn(async move {
            if updates.send(StartLiveTailResponseStream::SessionStart(start)).await.is_err() {
                return;
            }
            let ends = tokio::time::Instant::now() + SESSION;
            let mut tick = tokio::time::interval(UPDATE_EVERY);
            let mut pending = Vec::new();
            let mut sampled = false;
            loop {
                tokio::select! {
                    received = ingested.recv() => match received {
                        Ok(event) if tail.takes(&event) => {
                            if pending.len() < MAX_PER_UPDATE { pending.push(tail.result(event)) } else { sampled = true }
                        }
                        Ok(_) => {}
                        // Fell behind the ingestion: what was missed is sampled out.
                        Err(broadcast::error::RecvError::Lagged(_)) => sampled = true,
                        Err(broadcast::error::RecvError::Closed) => return,
                    },
                    _ = tick.tick() => {
                        let update = LiveTailSessionUpdate {
                            session_metadata: Some(LiveTailSessionMetadata { sampled }),
                            session_results: Some(std::mem::take(&mut pending)),
                        };
                        sampled = false;
                        // The client has gone: the tail ends.
                        if updates.send(StartLiveTailResponseStream::SessionUpdate(update)).await.is_err() {
                            return;
                        }
                    }
                    _ = tokio::time::sleep_until(ends) => {
                        let message = "Session timed out after 3 hours".to_string();
                        let timeout = SessionTimeoutException { message: Some(message) };
                        let _ = updates.send(StartLiveTailResponseStream::SessionTimeoutException(timeout)).await;
                        return;
                    }
                    _ = updates.closed() => return,
                }
            }
        });
        Ok(StartLiveTailResponse { response_stream: stream })
    }
}

/// What a live tail listens to.
struct Tail {
    groups: Vec<String>,
    /// As the client named the groups, which results name them by.
    identifiers: Vec<String>,
    streams: Vec<String>,
    prefixes: Vec<String>,
    filter: Filter,
}

impl Tail {
    fn takes(&self, ingested: &Ingested) -> bool {
        self.groups.contains(&ingested.group)
            && (self.streams.is_empty() || self.streams.contains(&ingested.stream))
            && (self.prefixes.is_empty() || self.prefixes.iter().any(|p| ingested.stream.starts_with(p.as_str())))
            && self.filter.matches(ingested.event.message.as_deref().unwrap_or(""))
    }

    fn result(&self, ingested: Ingested) -> LiveTailSessionLogEvent {
        let position = self.groups.iter().position(|group| *group == ingested.group).unwrap_or(0);
        LiveTailSessionLogEvent {
            log_stream_name: Some(ingested.stream),
            log_group_identifier: self.identifiers.get(position).cloned(),
            message: ingested.event.message,
            timestamp: ingested.event.timestamp,
            ingestion_time: ingested.event.ingestion_time,
        }
    }
}

/// A filter pattern's terms.
#[derive(Debug, Default, PartialEq)]
struct Filter {
    all: Vec<String>,
    any: Vec<String>,
    none: Vec<String>,
}

impl Filter {
    fn parse(pattern: &str) -> Result<Filter, String> {
        let pattern = pattern.trim();
        if pattern.starts_with('{') || pattern.starts_with('[') {
            return Err("This emulator reads filter patterns of terms only, not JSON or space-delimited ones.".into());
        }
        let mut filter = Filter::default();
        let mut rest = pattern;
        while let Some(start) = rest.find(|c: char| !c.is_whitespace()) {
            rest = &rest[start..];
            let (kind, after) = match rest.as_bytes()[0] {
                b'?' => (1, &rest[1..]),
                b'-' => (2, &rest[1..]),
                _ => (0, rest),
            };
            let (term, remaining) = if let Some(quoted) = after.strip_prefix('"') {
                let end = quoted.find('"').ok_or("A quoted term of the filter pattern is not closed.")?;
                (&quoted[..end], &quoted[end + 1..])
            } else {
                let end = after.find(char::is_whitespace).unwrap_or(after.len());
                (&after[..end], &after[end..])
            };
            if !term.is_empty() {
                [&mut filter.all, &mut filter.any, &mut filter.none][kind].push(term.to_string());
            }
            rest = remaining;
        }
        Ok(filter)
    }

    fn matches(&self, message: &str) -> bool {
        self.all.iter().all(|term| message.contains(term.as_str()))
            && (self.any.is_empty() || self.any.iter().any(|term| message.contains(term.as_str())))
            && !self.none.iter().any(|term| message.contains(term.as_str()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filter_patterns_are_read_as_logs_reads_terms() {
        let filter = Filter::parse(r#"ERROR "disk full" ?db ?cache -retry"#).unwrap();
        assert!(filter.matches("ERROR db: disk full"));
        assert!(!filter.matches("ERROR db: disk full, retry"));
        assert!(!filter.matches("ERROR web: disk full"));
        assert!(!filter.matches("WARN db: disk full"));
        assert!(Filter::parse("").unwrap().matches("anything"));
        assert!(Filter::parse(r#"{ $.level = "ERROR" }"#).is_err());
        assert!(Filter::parse(r#""open"#).is_err());
    }
}
