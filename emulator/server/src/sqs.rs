//! SQS in memory: standard queues and their messages.
//!
//! Served: CreateQueue, GetQueueUrl, ListQueues, SendMessage, ReceiveMessage
//! and DeleteMessage, for standard queues (a FIFO queue answers
//! `NotImplemented`); every other operation answers `NotImplemented` from
//! the generated router. ReceiveMessage answers at once, even when
//! `WaitTimeSeconds` asks it to wait for messages.

use std::collections::BTreeMap;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use emulator_generated::runtime::context::RequestContext;
use emulator_generated::runtime::{Blob, Operation, Unit, UnmodelledError, excerpt};
use emulator_generated::sqs::error::{
    InvalidAttributeValue, InvalidMessageContents, QueueDoesNotExist, QueueNameExists, ReceiptHandleIsInvalid,
};
use emulator_generated::sqs::operation::create_queue::{
    CreateQueue, CreateQueueError, CreateQueueRequest, CreateQueueResult,
};
use emulator_generated::sqs::operation::delete_message::{DeleteMessageError, DeleteMessageRequest};
use emulator_generated::sqs::operation::get_queue_url::{GetQueueUrlError, GetQueueUrlRequest, GetQueueUrlResult};
use emulator_generated::sqs::operation::list_queues::{ListQueuesError, ListQueuesRequest, ListQueuesResult};
use emulator_generated::sqs::operation::receive_message::{
    ReceiveMessage, ReceiveMessageError, ReceiveMessageRequest, ReceiveMessageResult,
};
use emulator_generated::sqs::operation::send_message::{
    SendMessage, SendMessageError, SendMessageRequest, SendMessageResult,
};
use emulator_generated::sqs::service::AmazonSqs;
use emulator_generated::sqs::types::{Message, MessageAttributeValue, MessageSystemAttributeName, QueueAttributeName};
use md5::{Digest, Md5};

use crate::ACCOUNT_ID;
use crate::ids::Ids;

/// The largest message body, in bytes (256 KiB).
const MAX_BODY_BYTES: usize = 262_144;

/// The SQS service: queues by name.
pub struct Sqs {
    /// `http://<host>:<port>`, the start of every queue URL.
    endpoint: String,
    queues: Mutex<BTreeMap<String, Queue>>,
    ids: Ids,
}

struct Queue {
    url: String,
    /// The attributes CreateQueue was given, to tell a repeated CreateQueue
    /// from one that conflicts.
    attributes: BTreeMap<QueueAttributeName, String>,
    visibility_timeout: Duration,
    delay: Duration,
    /// In the order they were sent.
    messages: Vec<Stored>,
}

struct Stored {
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
}

impl Sqs {
    /// A service whose queue URLs start with `endpoint` (`http://127.0.0.1:9324`).
    pub fn new(endpoint: String) -> Self {
        Sqs { endpoint, queues: Mutex::default(), ids: Ids::new() }
    }

    /// Forgets every queue.
    pub fn reset(&self) {
        self.queues().clear();
    }

    /// The queues; a handler that panicked while holding them (none should)
    /// does not make them unusable.
    fn queues(&self) -> MutexGuard<'_, BTreeMap<String, Queue>> {
        self.queues.lock().unwrap_or_else(PoisonError::into_inner)
    }
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
    if input.message_body.len() > MAX_BODY_BYTES {
        return Err(Refusal::Invalid(
            "InvalidParameterValue",
            format!("One or more parameters are invalid. Reason: Message must be shorter than {MAX_BODY_BYTES} bytes."),
        ));
    }
    if let Some(delay) = input.delay_seconds.filter(|d| !(0..=900).contains(d)) {
        return Err(out_of_range("DelaySeconds", delay, "DelaySeconds must be >= 0 and <= 900."));
    }
    for (name, value) in input.message_attributes.iter().flatten() {
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

fn epoch_millis(time: SystemTime) -> String {
    time.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis()).to_string()
}

/// A duration from a queue attribute's value in seconds, within `max`.
fn seconds_attribute(
    attributes: &BTreeMap<QueueAttributeName, String>,
    name: QueueAttributeName,
    default: u64,
    max: u64,
) -> Result<Duration, InvalidAttributeValue> {
    match attributes.get(&name) {
        None => Ok(Duration::from_secs(default)),
        Some(value) => match value.parse::<u64>() {
            Ok(seconds) if seconds <= max => Ok(Duration::from_secs(seconds)),
            _ => Err(InvalidAttributeValue { message: Some(format!("Invalid value for the parameter {name}.")) }),
        },
    }
}

impl AmazonSqs for Sqs {
    async fn create_queue(
        &self,
        _context: &RequestContext,
        input: CreateQueueRequest,
    ) -> Result<CreateQueueResult, CreateQueueError> {
        check_create_queue(&input).map_err(|refusal| refusal.into_error(CreateQueue::NAME))?;
        let attributes = input.attributes.unwrap_or_default();
        let visibility_timeout = seconds_attribute(&attributes, QueueAttributeName::VisibilityTimeout, 30, 43_200)?;
        let delay = seconds_attribute(&attributes, QueueAttributeName::DelaySeconds, 0, 900)?;
        let mut queues = self.queues();
        if let Some(queue) = queues.get(&input.queue_name) {
            // The same name with the same attributes is the same queue.
            let differ: Vec<String> = attributes
                .iter()
                .filter(|(name, value)| {
                    let current = match name {
                        QueueAttributeName::VisibilityTimeout => Some(queue.visibility_timeout.as_secs().to_string()),
                        QueueAttributeName::DelaySeconds => Some(queue.delay.as_secs().to_string()),
                        _ => queue.attributes.get(name).cloned(),
                    };
                    current.as_deref() != Some(value.as_str())
                })
                .map(|(name, _)| name.to_string())
                .collect();
            if differ.is_empty() {
                return Ok(CreateQueueResult { queue_url: Some(queue.url.clone()) });
            }
            return Err(QueueNameExists {
                message: Some(format!(
                    "A queue already exists with the same name and a different value for attribute(s) {}",
                    differ.join(", ")
                )),
            }
            .into());
        }
        let url = format!("{}/{ACCOUNT_ID}/{}", self.endpoint, input.queue_name);
        let queue = Queue { url: url.clone(), attributes, visibility_timeout, delay, messages: Vec::new() };
        queues.insert(input.queue_name, queue);
        Ok(CreateQueueResult { queue_url: Some(url) })
    }

    async fn get_queue_url(
        &self,
        _context: &RequestContext,
        input: GetQueueUrlRequest,
    ) -> Result<GetQueueUrlResult, GetQueueUrlError> {
        match self.queues().get(&input.queue_name) {
            Some(queue) => Ok(GetQueueUrlResult { queue_url: Some(queue.url.clone()) }),
            None => Err(no_such_queue().into()),
        }
    }

    async fn list_queues(
        &self,
        _context: &RequestContext,
        input: ListQueuesRequest,
    ) -> Result<ListQueuesResult, ListQueuesError> {
        let prefix = input.queue_name_prefix.unwrap_or_default();
        // The token is the name of the last queue of the previous page.
        let after = input.next_token.unwrap_or_default();
        let limit = input.max_results.and_then(|n| usize::try_from(n).ok()).unwrap_or(1000);
        let queues = self.queues();
        let mut page: Vec<(&String, &Queue)> = queues
            .iter()
            .filter(|(name, _)| name.starts_with(&prefix) && name.as_str() > after.as_str())
            .take(limit.saturating_add(1))
            .collect();
        let more = page.len() > limit;
        page.truncate(limit);
        let next_token =
            if more && input.max_results.is_some() { page.last().map(|(name, _)| name.to_string()) } else { None };
        let urls: Vec<String> = page.iter().map(|(_, queue)| queue.url.clone()).collect();
        Ok(ListQueuesResult { queue_urls: (!urls.is_empty()).then_some(urls), next_token })
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
        let mut queues = self.queues();
        let Some(queue) = queue_name(&input.queue_url).and_then(|name| queues.get_mut(name)) else {
            return Err(no_such_queue().into());
        };
        let delay = match input.delay_seconds.and_then(|d| u64::try_from(d).ok()) {
            Some(seconds) => Duration::from_secs(seconds),
            None => queue.delay,
        };
        let attributes = input.message_attributes.unwrap_or_default();
        let stored = Stored {
            id: self.ids.uuid(),
            md5_of_body: md5_hex(input.message_body.as_bytes()),
            body: input.message_body,
            sent: SystemTime::now(),
            visible_at: Instant::now() + delay,
            receipt_handle: None,
            receive_count: 0,
            first_received: None,
            attributes,
        };
        let result = SendMessageResult {
            md5_of_message_body: Some(stored.md5_of_body.clone()),
            md5_of_message_attributes: md5_of_attributes(&stored.attributes),
            message_id: Some(stored.id.clone()),
            ..Default::default()
        };
        queue.messages.push(stored);
        Ok(result)
    }

    async fn receive_message(
        &self,
        _context: &RequestContext,
        input: ReceiveMessageRequest,
    ) -> Result<ReceiveMessageResult, ReceiveMessageError> {
        check_receive_message(&input).map_err(|refusal| refusal.into_error(ReceiveMessage::NAME))?;
        let mut queues = self.queues();
        let Some(queue) = queue_name(&input.queue_url).and_then(|name| queues.get_mut(name)) else {
            return Err(no_such_queue().into());
        };
        let max = input.max_number_of_messages.and_then(|n| usize::try_from(n).ok()).unwrap_or(1);
        let visibility = match input.visibility_timeout.and_then(|t| u64::try_from(t).ok()) {
            Some(seconds) => Duration::from_secs(seconds),
            None => queue.visibility_timeout,
        };
        let system = SystemAttributes::requested(&input);
        let wanted = input.message_attribute_names.unwrap_or_default();
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
                .filter(|(name, _)| attribute_wanted(&wanted, name))
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
        Ok(ReceiveMessageResult { messages: (!messages.is_empty()).then_some(messages) })
    }

    async fn delete_message(
        &self,
        _context: &RequestContext,
        input: DeleteMessageRequest,
    ) -> Result<Unit, DeleteMessageError> {
        let mut queues = self.queues();
        let Some(queue) = queue_name(&input.queue_url).and_then(|name| queues.get_mut(name)) else {
            return Err(no_such_queue().into());
        };
        let handle = Some(&input.receipt_handle);
        match queue.messages.iter().position(|m| m.receipt_handle.as_ref() == handle) {
            Some(index) => {
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
            (MessageSystemAttributeName::SentTimestamp, epoch_millis(stored.sent)),
            (MessageSystemAttributeName::ApproximateReceiveCount, stored.receive_count.to_string()),
            (MessageSystemAttributeName::ApproximateFirstReceiveTimestamp, epoch_millis(first_received)),
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
