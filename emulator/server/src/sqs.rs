//! SQS: standard queues and their messages, in memory or, with
//! `--data-dir`, on disk too.
//!
//! Served: CreateQueue, GetQueueUrl, ListQueues, DeleteQueue, PurgeQueue,
//! SendMessage, ReceiveMessage (long polling included: a waiting call holds
//! no thread, and answers as soon as a message arrives) and DeleteMessage,
//! for standard queues (a FIFO queue answers `NotImplemented`); every other
//! operation answers `NotImplemented` from the generated router.
//!
//! Limits are AWS's: a message of at most the queue's `MaximumMessageSize`
//! (1 MiB unless the queue says less, AWS's limit since August 2025; the
//! model's documentation still says 256 KiB), its body and every message
//! attribute's name, type and value counted, at most 10 attributes; and
//! every message kept is charged to the emulator's state budget
//! ([`crate::quota`]).
//!
//! On disk, a queue and each of its messages is a record; a message's
//! receipt (its visibility timeout, receive count) is not kept, so after a
//! restart every message not deleted is visible again, as if its visibility
//! timeout had ended.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, PoisonError};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use emulator_generated::runtime::context::RequestContext;
use emulator_generated::runtime::{Blob, Operation, Unit, UnmodelledError, excerpt};
use emulator_generated::sqs::error::{
    InvalidAttributeValue, InvalidMessageContents, PurgeQueueInProgress, QueueDoesNotExist, QueueNameExists,
    ReceiptHandleIsInvalid,
};
use emulator_generated::sqs::operation::create_queue::{
    CreateQueue, CreateQueueError, CreateQueueRequest, CreateQueueResult,
};
use emulator_generated::sqs::operation::delete_message::{DeleteMessageError, DeleteMessageRequest};
use emulator_generated::sqs::operation::delete_queue::{DeleteQueueError, DeleteQueueRequest};
use emulator_generated::sqs::operation::get_queue_url::{GetQueueUrlError, GetQueueUrlRequest, GetQueueUrlResult};
use emulator_generated::sqs::operation::list_queues::{ListQueuesError, ListQueuesRequest, ListQueuesResult};
use emulator_generated::sqs::operation::purge_queue::{PurgeQueueError, PurgeQueueRequest};
use emulator_generated::sqs::operation::receive_message::{
    ReceiveMessage, ReceiveMessageError, ReceiveMessageRequest, ReceiveMessageResult,
};
use emulator_generated::sqs::operation::send_message::{
    SendMessage, SendMessageError, SendMessageRequest, SendMessageResult,
};
use emulator_generated::sqs::service::AmazonSqs;
use emulator_generated::sqs::types::{Message, MessageAttributeValue, MessageSystemAttributeName, QueueAttributeName};
use md5::{Digest, Md5};
use serde::{Deserialize, Serialize};
use tokio::sync::Notify;

use crate::ACCOUNT_ID;
use crate::ids::Ids;
use crate::quota::{Budget, Charge};
use crate::store::{Change, Store, StoreError};

/// The largest `MaximumMessageSize` a queue may have, and its default (1 MiB).
const MAX_MESSAGE_BYTES: usize = 1_048_576;
/// The smallest `MaximumMessageSize` a queue may have (1 KiB).
const MIN_MESSAGE_BYTES: usize = 1_024;
/// The most message attributes a message may have.
const MAX_MESSAGE_ATTRIBUTES: usize = 10;
/// The most tags a queue may have.
const MAX_TAGS: usize = 50;
/// What a kept message costs beyond its bytes: its id, digests, times.
const MESSAGE_OVERHEAD: usize = 160;
/// The name of the service's records.
const SERVICE: &str = "sqs";

/// The SQS service: queues by name.
pub struct Sqs {
    /// `http://<host>:<port>`: the start of queue URLs for a request that
    /// names no host.
    endpoint: OnceLock<String>,
    queues: Mutex<BTreeMap<String, Queue>>,
    ids: Ids,
    store: Arc<Store>,
    budget: Arc<Budget>,
}

struct Queue {
    /// The attributes it was created with, to tell a repeated CreateQueue
    /// from one that conflicts.
    attributes: BTreeMap<QueueAttributeName, String>,
    tags: BTreeMap<String, String>,
    settings: Settings,
    /// In the order they were sent.
    messages: Vec<Stored>,
    /// The sequence number of the next message: its record's key.
    next_sequence: u64,
    /// Woken when a message is sent, or the queue deleted: long polls wait on it.
    changed: Arc<Notify>,
    /// When PurgeQueue last ran: AWS allows one a minute.
    purged: Option<Instant>,
}

/// The attributes that change what the queue does.
#[derive(Clone, Copy)]
struct Settings {
    visibility_timeout: Duration,
    delay: Duration,
    maximum_message_size: usize,
    receive_wait: Duration,
    retention: Duration,
}

struct Stored {
    sequence: u64,
    id: String,
    body: String,
    md5_of_body: String,
    attributes: BTreeMap<String, MessageAttributeValue>,
    sent: SystemTime,
    /// Until then, ReceiveMessage does not return it (delayed, or received
    /// and not yet deleted).
    visible_at: Instant,
    /// The handle of its latest receipt, which DeleteMessage takes.
    receipt_handle: Option<String>,
    receive_count: u32,
    first_received: Option<SystemTime>,
    /// Its share of the state budget, given back when it is deleted.
    _charge: Charge,
}

/// A queue as its record keeps it.
#[derive(Serialize, Deserialize)]
struct QueueRecord {
    attributes: BTreeMap<String, String>,
    #[serde(default)]
    tags: BTreeMap<String, String>,
}

/// A message as its record keeps it.
#[derive(Serialize, Deserialize)]
struct MessageRecord {
    id: String,
    body: String,
    attributes: BTreeMap<String, AttributeRecord>,
    /// Milliseconds since the epoch.
    sent: u64,
    /// When its delay ends, in milliseconds since the epoch.
    visible: u64,
}

#[derive(Serialize, Deserialize)]
struct AttributeRecord {
    data_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    string: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    binary: Option<Vec<u8>>,
}

impl Sqs {
    /// The service, with the queues and messages an earlier run left in
    /// `store`; its messages charged to `budget`.
    pub fn new(store: Arc<Store>, budget: Arc<Budget>) -> Result<Self, StoreError> {
        let sqs = Sqs { endpoint: OnceLock::new(), queues: Mutex::default(), ids: Ids::new(), store, budget };
        sqs.load()?;
        Ok(sqs)
    }

    /// Makes `endpoint` the start of the URLs of queues that requests name
    /// no host for (once: later calls change nothing).
    pub fn set_endpoint(&self, endpoint: &str) {
        let _ = self.endpoint.set(endpoint.to_string());
    }

    /// Forgets every queue (long polls on them answer at once).
    pub fn reset(&self) {
        let mut queues = self.queues();
        for queue in queues.values() {
            queue.changed.notify_waiters();
        }
        queues.clear();
        if let Err(e) = self.store.clear(SERVICE) {
            tracing::error!(%e, "SQS could not forget its state");
        }
    }

    /// The queues; a handler that panicked while holding them (none should)
    /// does not make them unusable.
    fn queues(&self) -> MutexGuard<'_, BTreeMap<String, Queue>> {
        self.queues.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn commit(&self, change: Change) -> Result<(), UnmodelledError> {
        self.store.commit(SERVICE, change).map_err(|e| {
            tracing::error!(%e, "SQS could not keep its state");
            UnmodelledError::server("InternalFailure", "The request processing has failed because of an unknown error.")
        })
    }

    /// The URL of the queue `name`, on the host the request was sent to.
    fn url(&self, context: &RequestContext, name: &str) -> String {
        let host = context.headers().get("host").and_then(|host| host.to_str().ok());
        match host {
            Some(host) => format!("http://{host}/{ACCOUNT_ID}/{name}"),
            None => {
                let endpoint = self.endpoint.get().map_or("http://localhost:4566", String::as_str);
                format!("{endpoint}/{ACCOUNT_ID}/{name}")
            }
        }
    }

    /// Reads back what an earlier run kept.
    fn load(&self) -> Result<(), StoreError> {
        let mut queues = self.queues();
        let records = self.store.records(SERVICE)?;
        for record in records.iter().filter(|record| record.kind == "queue") {
            let kept: QueueRecord =
                serde_json::from_slice(&record.value).map_err(|_| StoreError::corrupt("an SQS queue"))?;
            let attributes: BTreeMap<QueueAttributeName, String> =
                kept.attributes.into_iter().filter_map(|(name, value)| Some((name.parse().ok()?, value))).collect();
            let settings = Settings::of(&attributes).map_err(|_| StoreError::corrupt("an SQS queue"))?;
            queues.insert(record.key.clone(), Queue::new(attributes, kept.tags, settings));
        }
        let now = (Instant::now(), SystemTime::now());
        for record in records.iter().filter(|record| record.kind == "message") {
            let corrupt = || StoreError::corrupt("an SQS message");
            let (name, sequence) = record.key.split_once('/').ok_or_else(corrupt)?;
            let sequence: u64 = sequence.parse().map_err(|_| corrupt())?;
            let kept: MessageRecord = serde_json::from_slice(&record.value).map_err(|_| corrupt())?;
            let Some(queue) = queues.get_mut(name) else { continue };
            let attributes = kept
                .attributes
                .into_iter()
                .map(|(name, value)| {
                    let value = MessageAttributeValue {
                        data_type: value.data_type,
                        string_value: value.string,
                        binary_value: value.binary.map(Blob::from),
                        string_list_values: None,
                        binary_list_values: None,
                    };
                    (name, value)
                })
                .collect::<BTreeMap<_, _>>();
            let charge = self
                .budget
                .charge(message_bytes(&kept.body, &attributes))
                .map_err(|e| StoreError::corrupt(format!("SQS's messages (more than {} bytes of state)", e.limit)))?;
            let delay = Duration::from_millis(kept.visible.saturating_sub(epoch_millis(now.1)));
            queue.messages.push(Stored {
                sequence,
                id: kept.id,
                md5_of_body: md5_hex(kept.body.as_bytes()),
                body: kept.body,
                attributes,
                sent: UNIX_EPOCH + Duration::from_millis(kept.sent),
                visible_at: now.0 + delay,
                receipt_handle: None,
                receive_count: 0,
                first_received: None,
                _charge: charge,
            });
            queue.next_sequence = queue.next_sequence.max(sequence + 1);
        }
        Ok(())
    }
}

impl Queue {
    fn new(
        attributes: BTreeMap<QueueAttributeName, String>,
        tags: BTreeMap<String, String>,
        settings: Settings,
    ) -> Self {
        Queue {
            attributes,
            tags,
            settings,
            messages: Vec::new(),
            next_sequence: 0,
            changed: Arc::new(Notify::new()),
            purged: None,
        }
    }

    fn record(&self) -> Vec<u8> {
        let attributes = self.attributes.iter().map(|(name, value)| (name.to_string(), value.clone())).collect();
        serde_json::to_vec(&QueueRecord { attributes, tags: self.tags.clone() }).expect("a record serialises")
    }

    /// Drops the messages older than the queue's retention period: the
    /// keys of their records.
    fn expire(&mut self, name: &str, now: SystemTime) -> Change {
        let retention = self.settings.retention;
        let mut change = Change::default();
        self.messages.retain(|message| {
            let keep = now.duration_since(message.sent).map_or(true, |age| age < retention);
            if !keep {
                change = std::mem::take(&mut change).delete("message", message_key(name, message.sequence));
            }
            keep
        });
        change
    }
}

impl Settings {
    /// The settings `attributes` give a queue, or why they cannot.
    fn of(attributes: &BTreeMap<QueueAttributeName, String>) -> Result<Settings, InvalidAttributeValue> {
        let seconds = |name, default, min, max| -> Result<Duration, InvalidAttributeValue> {
            let value = number_attribute(attributes, name, default, min, max)?;
            Ok(Duration::from_secs(value))
        };
        let size = number_attribute(
            attributes,
            QueueAttributeName::MaximumMessageSize,
            MAX_MESSAGE_BYTES as u64,
            MIN_MESSAGE_BYTES as u64,
            MAX_MESSAGE_BYTES as u64,
        )?;
        Ok(Settings {
            visibility_timeout: seconds(QueueAttributeName::VisibilityTimeout, 30, 0, 43_200)?,
            delay: seconds(QueueAttributeName::DelaySeconds, 0, 0, 900)?,
            maximum_message_size: usize::try_from(size).unwrap_or(MAX_MESSAGE_BYTES),
            receive_wait: seconds(QueueAttributeName::ReceiveMessageWaitTimeSeconds, 0, 0, 20)?,
            retention: seconds(QueueAttributeName::MessageRetentionPeriod, 345_600, 60, 1_209_600)?,
        })
    }

    /// The value this queue has for `name`, as CreateQueue compares it.
    fn value(&self, name: QueueAttributeName) -> Option<String> {
        let seconds = |duration: Duration| Some(duration.as_secs().to_string());
        match name {
            QueueAttributeName::VisibilityTimeout => seconds(self.visibility_timeout),
            QueueAttributeName::DelaySeconds => seconds(self.delay),
            QueueAttributeName::MaximumMessageSize => Some(self.maximum_message_size.to_string()),
            QueueAttributeName::ReceiveMessageWaitTimeSeconds => seconds(self.receive_wait),
            QueueAttributeName::MessageRetentionPeriod => seconds(self.retention),
            _ => None,
        }
    }
}

/// The key of a message's record: its queue's name and its sequence
/// number, so that a queue's records sort in the order they were sent.
fn message_key(queue: &str, sequence: u64) -> String {
    format!("{queue}/{sequence:020}")
}

/// A message's size as SQS counts it against `MaximumMessageSize`: its body
/// and each attribute's name, type and value.
fn message_bytes(body: &str, attributes: &BTreeMap<String, MessageAttributeValue>) -> usize {
    attributes.iter().fold(body.len(), |total, (name, value)| {
        let bytes = attribute_value(value).map_or(0, |(_, bytes)| bytes.len());
        total.saturating_add(name.len() + value.data_type.len() + bytes)
    })
}

/// The name of the queue a queue URL names: `<endpoint>/<account>/<name>`.
/// The endpoint is not compared, so `localhost` and `127.0.0.1` name the same queue.
fn queue_name(url: &str) -> Option<&str> {
    let (rest, name) = url.rsplit_once('/')?;
    let account = rest.rsplit('/').next()?;
    (account == ACCOUNT_ID).then_some(name)
}

fn no_such_queue() -> QueueDoesNotExist {
    QueueDoesNotExist { message: Some("The specified queue does not exist.".to_string()) }
}

/// Why SQS refuses a request that the model accepts. The model does not
/// define these errors (AWS treats `InvalidParameterValue` as common to all
/// operations), so handlers return them as unmodelled errors; the service is
/// awsQuery-compatible, so clients read their codes from `x-amzn-query-error`.
enum Refusal {
    /// An error by its awsQuery code (`InvalidParameterValue`, `MissingParameter`).
    Invalid(&'static str, String),
    /// `NotImplemented`: the operation is served, but not with this feature.
    Unsupported(&'static str),
}

impl Refusal {
    fn into_error(self, operation: &str) -> UnmodelledError {
        match self {
            Refusal::Invalid(code, message) => UnmodelledError::client(code, message),
            Refusal::Unsupported(feature) => UnmodelledError::server(
                "NotImplemented",
                format!("{operation} with {feature} is not implemented by this emulator"),
            )
            .with_status(501),
        }
    }
}

fn out_of_range(parameter: &str, value: i32, reason: &str) -> Refusal {
    Refusal::Invalid(
        "InvalidParameterValue",
        format!("Value {value} for parameter {parameter} is invalid. Reason: {reason}"),
    )
}

fn check_create_queue(input: &CreateQueueRequest) -> Result<(), Refusal> {
    let fifo = input.attributes.as_ref().is_some_and(|a| a.contains_key(&QueueAttributeName::FifoQueue));
    if fifo || input.queue_name.ends_with(".fifo") {
        return Err(Refusal::Unsupported("FIFO queues"));
    }
    let name = &input.queue_name;
    let valid =
        (1..=80).contains(&name.len()) && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'));
    if !valid {
        return Err(Refusal::Invalid(
            "InvalidParameterValue",
            "Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length".to_string(),
        ));
    }
    Ok(())
}

fn check_send_message(input: &SendMessageRequest) -> Result<(), Refusal> {
    if input.message_body.is_empty() {
        return Err(Refusal::Invalid(
            "MissingParameter",
            "The request must contain the parameter MessageBody.".to_string(),
        ));
    }
    if let Some(delay) = input.delay_seconds.filter(|d| !(0..=900).contains(d)) {
        return Err(out_of_range("DelaySeconds", delay, "DelaySeconds must be >= 0 and <= 900."));
    }
    let attributes = input.message_attributes.as_ref();
    let count = attributes.map_or(0, BTreeMap::len);
    if count > MAX_MESSAGE_ATTRIBUTES {
        return Err(Refusal::Invalid(
            "InvalidParameterValue",
            format!("Number of message attributes [{count}] exceeds the allowed maximum [{MAX_MESSAGE_ATTRIBUTES}]."),
        ));
    }
    for (name, value) in attributes.into_iter().flatten() {
        check_attribute_name(name)?;
        if value.data_type.len() > 256 {
            return Err(Refusal::Invalid(
                "InvalidParameterValue",
                format!("Message attribute '{}' has a data type longer than 256 characters.", excerpt(name)),
            ));
        }
        if attribute_value(value).is_none() {
            return Err(Refusal::Invalid(
                "InvalidParameterValue",
                format!(
                    "The message attribute '{}' must contain non-empty message attribute value for message \
                     attribute type '{}'.",
                    excerpt(name),
                    excerpt(&value.data_type)
                ),
            ));
        }
    }
    Ok(())
}

/// A message attribute's name as SQS allows it: up to 256 of `A-Za-z0-9`,
/// `-`, `_` and `.`, no `.` first, last or twice in a row, and no `AWS.` or
/// `Amazon.` prefix (in any case), which AWS keeps for itself.
fn check_attribute_name(name: &str) -> Result<(), Refusal> {
    let lower = name.to_ascii_lowercase();
    let valid = !name.is_empty()
        && name.len() <= 256
        && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        && !name.starts_with('.')
        && !name.ends_with('.')
        && !name.contains("..")
        && !lower.starts_with("aws.")
        && !lower.starts_with("amazon.");
    if valid {
        return Ok(());
    }
    Err(Refusal::Invalid(
        "InvalidParameterValue",
        format!(
            "Message attribute name '{}' is invalid: up to 256 of A-Z, a-z, 0-9, '-', '_' and '.', not starting \
             or ending with '.', without '..', and not starting with 'AWS.' or 'Amazon.'.",
            excerpt(name)
        ),
    ))
}

fn check_receive_message(input: &ReceiveMessageRequest) -> Result<(), Refusal> {
    if let Some(n) = input.max_number_of_messages.filter(|n| !(1..=10).contains(n)) {
        return Err(out_of_range("MaxNumberOfMessages", n, "Must be between 1 and 10, if provided."));
    }
    if let Some(t) = input.visibility_timeout.filter(|t| !(0..=43_200).contains(t)) {
        return Err(out_of_range("VisibilityTimeout", t, "Must be between 0 and 43200, if provided."));
    }
    if let Some(w) = input.wait_time_seconds.filter(|w| !(0..=20).contains(w)) {
        return Err(out_of_range("WaitTimeSeconds", w, "Must be >= 0 and <= 20, if provided."));
    }
    Ok(())
}

/// A message attribute's value as SQS digests it: its transport type (1
/// for `String` and `Number` types, 2 for `Binary`) and bytes; `None` when
/// the value its type needs is missing or empty.
fn attribute_value(value: &MessageAttributeValue) -> Option<(u8, &[u8])> {
    let (transport, bytes) = if value.data_type.starts_with("Binary") {
        (2, value.binary_value.as_ref().map(Blob::as_bytes))
    } else if value.data_type.starts_with("String") || value.data_type.starts_with("Number") {
        (1, value.string_value.as_deref().map(str::as_bytes))
    } else {
        return None;
    };
    bytes.filter(|b| !b.is_empty()).map(|b| (transport, b))
}

/// The hexadecimal MD5 digest of `bytes`, as SQS reports bodies' digests.
fn md5_hex(bytes: &[u8]) -> String {
    Md5::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// SQS's digest of message attributes: for each attribute in name order,
/// its name, data type, transport type and value, each length-prefixed
/// (4 bytes, big-endian) except the transport type's single byte.
fn md5_of_attributes(attributes: &BTreeMap<String, MessageAttributeValue>) -> Option<String> {
    if attributes.is_empty() {
        return None;
    }
    let mut buffer = Vec::new();
    for (name, value) in attributes {
        // SendMessage refuses an attribute without a value.
        let (transport, bytes) = attribute_value(value)?;
        push_prefixed(&mut buffer, name.as_bytes());
        push_prefixed(&mut buffer, value.data_type.as_bytes());
        buffer.push(transport);
        push_prefixed(&mut buffer, bytes);
    }
    Some(md5_hex(&buffer))
}

fn push_prefixed(buffer: &mut Vec<u8>, bytes: &[u8]) {
    buffer.extend_from_slice(&u32::try_from(bytes.len()).unwrap_or(u32::MAX).to_be_bytes());
    buffer.extend_from_slice(bytes);
}

/// Whether a body has only the characters SQS allows: `#x9`, `#xA`, `#xD`,
/// and `#x20` to `#x10FFFF` except the surrogates and `#xFFFE`, `#xFFFF`.
fn allowed_body(body: &str) -> bool {
    body.chars().all(|c| matches!(c, '\t' | '\n' | '\r' | ' '..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..))
}

fn epoch_millis(time: SystemTime) -> u64 {
    time.duration_since(UNIX_EPOCH).map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

/// A queue attribute's whole number, between `min` and `max`.
fn number_attribute(
    attributes: &BTreeMap<QueueAttributeName, String>,
    name: QueueAttributeName,
    default: u64,
    min: u64,
    max: u64,
) -> Result<u64, InvalidAttributeValue> {
    match attributes.get(&name) {
        None => Ok(default),
        Some(value) => match value.parse::<u64>() {
            Ok(number) if (min..=max).contains(&number) => Ok(number),
            _ => Err(InvalidAttributeValue { message: Some(format!("Invalid value for the parameter {name}.")) }),
        },
    }
}

impl AmazonSqs for Sqs {
    async fn create_queue(
        &self,
        context: &RequestContext,
        input: CreateQueueRequest,
    ) -> Result<CreateQueueResult, CreateQueueError> {
        check_create_queue(&input).map_err(|refusal| refusal.into_error(CreateQueue::NAME))?;
        let attributes = input.attributes.unwrap_or_default();
        let settings = Settings::of(&attributes)?;
        let tags = input.tags.unwrap_or_default();
        if tags.len() > MAX_TAGS {
            let refusal = Refusal::Invalid(
                "InvalidParameterValue",
                format!("Too many tags added for queue {}: a queue may have at most {MAX_TAGS}.", input.queue_name),
            );
            return Err(refusal.into_error(CreateQueue::NAME).into());
        }
        let mut queues = self.queues();
        if let Some(queue) = queues.get(&input.queue_name) {
            // The same name with the same attributes is the same queue.
            let differ: Vec<String> = attributes
                .iter()
                .filter(|(name, value)| {
                    let current = queue.settings.value(**name).or_else(|| queue.attributes.get(name).cloned());
                    current.as_deref() != Some(value.as_str())
                })
                .map(|(name, _)| name.to_string())
                .collect();
            if differ.is_empty() {
                return Ok(CreateQueueResult { queue_url: Some(self.url(context, &input.queue_name)) });
            }
            return Err(QueueNameExists {
                message: Some(format!(
                    "A queue already exists with the same name and a different value for attribute(s) {}",
                    differ.join(", ")
                )),
            }
            .into());
        }
        let queue = Queue::new(attributes, tags, settings);
        self.commit(Change::default().put("queue", input.queue_name.clone(), queue.record()))?;
        let url = self.url(context, &input.queue_name);
        queues.insert(input.queue_name, queue);
        Ok(CreateQueueResult { queue_url: Some(url) })
    }

    async fn get_queue_url(
        &self,
        context: &RequestContext,
        input: GetQueueUrlRequest,
    ) -> Result<GetQueueUrlResult, GetQueueUrlError> {
        match self.queues().contains_key(&input.queue_name) {
            true => Ok(GetQueueUrlResult { queue_url: Some(self.url(context, &input.queue_name)) }),
            false => Err(no_such_queue().into()),
        }
    }

    async fn list_queues(
        &self,
        context: &RequestContext,
        input: ListQueuesRequest,
    ) -> Result<ListQueuesResult, ListQueuesError> {
        let prefix = input.queue_name_prefix.unwrap_or_default();
        // The token is the name of the last queue of the previous page.
        let after = input.next_token.unwrap_or_default();
        let limit = input.max_results.and_then(|n| usize::try_from(n).ok()).unwrap_or(1000);
        let queues = self.queues();
        let mut page: Vec<&String> = queues
            .keys()
            .filter(|name| name.starts_with(&prefix) && name.as_str() > after.as_str())
            .take(limit.saturating_add(1))
            .collect();
        let more = page.len() > limit;
        page.truncate(limit);
        let next_token =
            if more && input.max_results.is_some() { page.last().map(|name| name.to_string()) } else { None };
        let urls: Vec<String> = page.iter().map(|name| self.url(context, name)).collect();
        Ok(ListQueuesResult { queue_urls: (!urls.is_empty()).then_some(urls), next_token })
    }

    async fn delete_queue(
        &self,
        _context: &RequestContext,
        input: DeleteQueueRequest,
    ) -> Result<Unit, DeleteQueueError> {
        let mut queues = self.queues();
        let Some(name) = queue_name(&input.queue_url).filter(|name| queues.contains_key(*name)) else {
            return Err(no_such_queue().into());
        };
        let change = Change::default().delete("queue", name).delete_prefix("message", format!("{name}/"));
        self.commit(change)?;
        if let Some(queue) = queues.remove(name) {
            // Its long polls answer that it is gone.
            queue.changed.notify_waiters();
        }
        Ok(Unit {})
    }

    async fn purge_queue(&self, _context: &RequestContext, input: PurgeQueueRequest) -> Result<Unit, PurgeQueueError> {
        let mut queues = self.queues();
        let Some((name, queue)) = queue_name(&input.queue_url).and_then(|name| queues.get_mut(name).map(|q| (name, q)))
        else {
            return Err(no_such_queue().into());
        };
        if queue.purged.is_some_and(|purged| purged.elapsed() < Duration::from_secs(60)) {
            return Err(PurgeQueueInProgress {
                message: Some(format!("Only one PurgeQueue operation on {name} is allowed every 60 seconds.")),
            }
            .into());
        }
        self.commit(Change::default().delete_prefix("message", format!("{name}/")))?;
        queue.messages.clear();
        queue.purged = Some(Instant::now());
        Ok(Unit {})
    }

    async fn send_message(
        &self,
        _context: &RequestContext,
        input: SendMessageRequest,
    ) -> Result<SendMessageResult, SendMessageError> {
        check_send_message(&input).map_err(|refusal| refusal.into_error(SendMessage::NAME))?;
        if !allowed_body(&input.message_body) {
            return Err(InvalidMessageContents {
                message: Some("Invalid binary character in the message body: characters must be #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF".to_string()),
            }
            .into());
        }
        let attributes = input.message_attributes.unwrap_or_default();
        let size = message_bytes(&input.message_body, &attributes);
        let mut queues = self.queues();
        let Some((name, queue)) = queue_name(&input.queue_url).and_then(|name| queues.get_mut(name).map(|q| (name, q)))
        else {
            return Err(no_such_queue().into());
        };
        let maximum = queue.settings.maximum_message_size;
        if size > maximum {
            let refusal = Refusal::Invalid(
                "InvalidParameterValue",
                format!("One or more parameters are invalid. Reason: Message must be shorter than {maximum} bytes."),
            );
            return Err(refusal.into_error(SendMessage::NAME).into());
        }
        let charge = self
            .budget
            .charge(size + MESSAGE_OVERHEAD)
            .map_err(|e| UnmodelledError::client("OverLimit", e.message()).with_status(403))?;
        let delay = match input.delay_seconds.and_then(|d| u64::try_from(d).ok()) {
            Some(seconds) => Duration::from_secs(seconds),
            None => queue.settings.delay,
        };
        let sent = SystemTime::now();
        let stored = Stored {
            sequence: queue.next_sequence,
            id: self.ids.uuid(),
            md5_of_body: md5_hex(input.message_body.as_bytes()),
            body: input.message_body,
            sent,
            visible_at: Instant::now() + delay,
            receipt_handle: None,
            receive_count: 0,
            first_received: None,
            attributes,
            _charge: charge,
        };
        if self.store.is_durable() {
            let record = MessageRecord {
                id: stored.id.clone(),
                body: stored.body.clone(),
                attributes: stored
                    .attributes
                    .iter()
                    .map(|(name, value)| {
                        let kept = AttributeRecord {
                            data_type: value.data_type.clone(),
                            string: value.string_value.clone(),
                            binary: value.binary_value.as_ref().map(|blob| blob.as_bytes().to_vec()),
                        };
                        (name.clone(), kept)
                    })
                    .collect(),
                sent: epoch_millis(sent),
                visible: epoch_millis(sent + delay),
            };
            let value = serde_json::to_vec(&record).expect("a record serialises");
            self.commit(Change::default().put("message", message_key(name, stored.sequence), value))?;
        }
        let result = SendMessageResult {
            md5_of_message_body: Some(stored.md5_of_body.clone()),
            md5_of_message_attributes: md5_of_attributes(&stored.attributes),
            message_id: Some(stored.id.clone()),
            ..Default::default()
        };
        queue.next_sequence += 1;
        queue.messages.push(stored);
        queue.changed.notify_waiters();
        Ok(result)
    }

    async fn receive_message(
        &self,
        _context: &RequestContext,
        input: ReceiveMessageRequest,
    ) -> Result<ReceiveMessageResult, ReceiveMessageError> {
        check_receive_message(&input).map_err(|refusal| refusal.into_error(ReceiveMessage::NAME))?;
        let name = queue_name(&input.queue_url).ok_or_else(no_such_queue)?;
        let max = input.max_number_of_messages.and_then(|n| usize::try_from(n).ok()).unwrap_or(1);
        let system = SystemAttributes::requested(&input);
        let wanted = input.message_attribute_names.clone().unwrap_or_default();
        let mut deadline = None;
        loop {
            // Take what is visible; or, with time left to wait, wait for a
            // send, the next message to become visible, or the deadline.
            let (changed, until) = {
                let mut queues = self.queues();
                let queue = queues.get_mut(name).ok_or_else(no_such_queue)?;
                let messages = self.take_visible(name, queue, &input, max, &system, &wanted)?;
                let wait = match input.wait_time_seconds.and_then(|w| u64::try_from(w).ok()) {
                    Some(seconds) => Duration::from_secs(seconds),
                    None => queue.settings.receive_wait,
                };
                let deadline = *deadline.get_or_insert_with(|| Instant::now() + wait);
                if !messages.is_empty() || Instant::now() >= deadline {
                    return Ok(ReceiveMessageResult { messages: (!messages.is_empty()).then_some(messages) });
                }
                let next = queue.messages.iter().map(|message| message.visible_at).min();
                (queue.changed.clone(), next.map_or(deadline, |next| next.min(deadline)))
            };
            let woken = changed.notified();
            tokio::pin!(woken);
            woken.as_mut().enable();
            // A send between the look above and `enable` is seen here.
            let sent_meanwhile = self.queues().get(name).is_none_or(|queue| {
                let now = Instant::now();
                queue.messages.iter().any(|message| message.visible_at <= now)
            });
            if !sent_meanwhile {
                let _ = tokio::time::timeout_at(until.into(), woken).await;
            }
        }
    }

    async fn delete_message(
        &self,
        _context: &RequestContext,
        input: DeleteMessageRequest,
    ) -> Result<Unit, DeleteMessageError> {
        let mut queues = self.queues();
        let Some((name, queue)) = queue_name(&input.queue_url).and_then(|name| queues.get_mut(name).map(|q| (name, q)))
        else {
            return Err(no_such_queue().into());
        };
        let handle = Some(&input.receipt_handle);
        match queue.messages.iter().position(|m| m.receipt_handle.as_ref() == handle) {
            Some(index) => {
                let key = message_key(name, queue.messages[index].sequence);
                self.commit(Change::default().delete("message", key))?;
                queue.messages.remove(index);
                Ok(Unit {})
            }
            None => Err(ReceiptHandleIsInvalid {
                message: Some(format!(
                    "The input receipt handle \"{}\" is not a valid receipt handle.",
                    excerpt(&input.receipt_handle)
                )),
            }
            .into()),
        }
    }
}

impl Sqs {
    /// Receives up to `max` of the messages of `queue` (named `name`) that
    /// are visible now, dropping those past the queue's retention period.
    fn take_visible(
        &self,
        name: &str,
        queue: &mut Queue,
        input: &ReceiveMessageRequest,
        max: usize,
        system: &SystemAttributes,
        wanted: &[String],
    ) -> Result<Vec<Message>, UnmodelledError> {
        let expired = queue.expire(name, SystemTime::now());
        self.commit(expired)?;
        let visibility = match input.visibility_timeout.and_then(|t| u64::try_from(t).ok()) {
            Some(seconds) => Duration::from_secs(seconds),
            None => queue.settings.visibility_timeout,
        };
        let now = Instant::now();
        let mut messages = Vec::new();
        for stored in queue.messages.iter_mut().filter(|m| m.visible_at <= now).take(max) {
            let handle = self.ids.uuid();
            stored.receipt_handle = Some(handle.clone());
            stored.visible_at = now + visibility;
            stored.receive_count = stored.receive_count.saturating_add(1);
            let first_received = *stored.first_received.get_or_insert_with(SystemTime::now);
            let attributes: BTreeMap<String, MessageAttributeValue> = stored
                .attributes
                .iter()
                .filter(|(name, _)| attribute_wanted(wanted, name))
                .map(|(name, value)| (name.clone(), value.clone()))
                .collect();
            messages.push(Message {
                message_id: Some(stored.id.clone()),
                receipt_handle: Some(handle),
                md5_of_body: Some(stored.md5_of_body.clone()),
                body: Some(stored.body.clone()),
                attributes: system.of(stored, first_received),
                md5_of_message_attributes: md5_of_attributes(&attributes),
                message_attributes: (!attributes.is_empty()).then_some(attributes),
            });
        }
        Ok(messages)
    }
}

/// Whether a message attribute is among those ReceiveMessage asked for:
/// by name, `All` or `.*`, or a prefix (`order.*`).
fn attribute_wanted(wanted: &[String], name: &str) -> bool {
    wanted.iter().any(|w| {
        w == "All"
            || w == ".*"
            || w == name
            || w.strip_suffix(".*")
                .is_some_and(|prefix| name.strip_prefix(prefix).is_some_and(|rest| rest.starts_with('.')))
    })
}

/// The system attributes ReceiveMessage asked for, in either of its
/// members (`AttributeNames` is the deprecated one).
struct SystemAttributes(Vec<MessageSystemAttributeName>);

impl SystemAttributes {
    fn requested(input: &ReceiveMessageRequest) -> Self {
        let mut names = input.message_system_attribute_names.clone().unwrap_or_default();
        if input.attribute_names.iter().flatten().any(|n| *n == QueueAttributeName::All) {
            names.push(MessageSystemAttributeName::All);
        }
        SystemAttributes(names)
    }

    fn wants(&self, name: MessageSystemAttributeName) -> bool {
        self.0.iter().any(|n| *n == name || *n == MessageSystemAttributeName::All)
    }

    /// Those of a standard queue's message this server keeps.
    fn of(&self, stored: &Stored, first_received: SystemTime) -> Option<BTreeMap<MessageSystemAttributeName, String>> {
        let values = [
            (MessageSystemAttributeName::SenderId, ACCOUNT_ID.to_string()),
            (MessageSystemAttributeName::SentTimestamp, epoch_millis(stored.sent).to_string()),
            (MessageSystemAttributeName::ApproximateReceiveCount, stored.receive_count.to_string()),
            (MessageSystemAttributeName::ApproximateFirstReceiveTimestamp, epoch_millis(first_received).to_string()),
        ];
        let chosen: BTreeMap<_, _> = values.into_iter().filter(|(name, _)| self.wants(*name)).collect();
        (!chosen.is_empty()).then_some(chosen)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn md5_of_a_body() {
        assert_eq!(md5_hex(b"hello"), "5d41402abc4b2a76b9719d911017c592");
        assert_eq!(md5_hex(b""), "d41d8cd98f00b204e9800998ecf8427e");
    }

    #[test]
    fn queue_urls_name_queues_of_this_account() {
        assert_eq!(queue_name("http://127.0.0.1:9324/000000000000/jobs"), Some("jobs"));
        assert_eq!(queue_name("http://localhost:1/000000000000/jobs"), Some("jobs"));
        assert_eq!(queue_name("http://127.0.0.1:9324/123456789012/jobs"), None);
        assert_eq!(queue_name("jobs"), None);
    }

    #[test]
    fn message_attribute_names() {
        let wanted = |w: &[&str], name| attribute_wanted(&w.iter().map(|s| s.to_string()).collect::<Vec<_>>(), name);
        assert!(wanted(&["All"], "a"));
        assert!(wanted(&[".*"], "a"));
        assert!(wanted(&["order.*"], "order.id"));
        assert!(!wanted(&["order.*"], "orders"));
        assert!(wanted(&["a", "b"], "b"));
        assert!(!wanted(&[], "a"));
    }

    #[test]
    fn bodies_sqs_allows() {
        assert!(allowed_body("tab\there, newline\n, é, 😀"));
        assert!(!allowed_body("nul\u{0}"));
        assert!(!allowed_body("\u{FFFE}"));
    }
}
