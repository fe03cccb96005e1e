//! SQS: standard and FIFO queues and their messages, in memory or, with
//! `--data-dir`, on disk too.
//!
//! Every operation of the model is served: queues (create, URL, list,
//! delete, purge, attributes, tags, permissions), messages one at a time
//! and in batches (send, receive, delete, change visibility), long polling
//! (a waiting call holds no thread, and answers as soon as a message
//! arrives), dead-letter queues (a message received more than the source's
//! `maxReceiveCount` moves there) and message move tasks back out of them.
//! FIFO queues keep each group's order, hold back a group while one of its
//! messages is in flight, and drop a send whose deduplication id (or body,
//! with content-based deduplication) was seen in the last five minutes.
//!
//! Limits are AWS's: a message of at most the queue's `MaximumMessageSize`
//! (1 MiB unless the queue says less, AWS's limit since August 2025; the
//! model's documentation still says 256 KiB), its body and every message
//! attribute's name, type and value counted, at most 10 attributes, batches
//! of 10 entries and 1 MiB; every message kept is charged to the emulator's
//! state budget ([`crate::quota`]).
//!
//! On disk, a queue and each of its messages is a record; a message's
//! receipt (its visibility timeout, receive count) and a FIFO queue's
//! recent deduplication ids are not kept, so after a restart every message
//! not deleted is visible again, as if its visibility timeout had ended.

mod checks;
mod digest;
mod messages;
mod queue;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, PoisonError};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use emulator_generated::runtime::context::RequestContext;
use emulator_generated::runtime::{Blob, Unit, UnmodelledError, excerpt};
use emulator_generated::sqs::error::{
    InvalidAttributeName, InvalidMessageContents, MessageNotInflight, OverLimit, PurgeQueueInProgress,
    QueueDoesNotExist, QueueNameExists, ReceiptHandleIsInvalid, ResourceNotFoundException, UnsupportedOperation,
};
use emulator_generated::sqs::operation::add_permission::{AddPermissionError, AddPermissionRequest};
use emulator_generated::sqs::operation::cancel_message_move_task::{
    CancelMessageMoveTaskError, CancelMessageMoveTaskRequest, CancelMessageMoveTaskResult,
};
use emulator_generated::sqs::operation::change_message_visibility::{
    ChangeMessageVisibilityError, ChangeMessageVisibilityRequest,
};
use emulator_generated::sqs::operation::change_message_visibility_batch::{
    ChangeMessageVisibilityBatchError, ChangeMessageVisibilityBatchRequest, ChangeMessageVisibilityBatchResult,
};
use emulator_generated::sqs::operation::create_queue::{CreateQueueError, CreateQueueRequest, CreateQueueResult};
use emulator_generated::sqs::operation::delete_message::{DeleteMessageError, DeleteMessageRequest};
use emulator_generated::sqs::operation::delete_message_batch::{
    DeleteMessageBatchError, DeleteMessageBatchRequest, DeleteMessageBatchResult,
};
use emulator_generated::sqs::operation::delete_queue::{DeleteQueueError, DeleteQueueRequest};
use emulator_generated::sqs::operation::get_queue_attributes::{
    GetQueueAttributesError, GetQueueAttributesRequest, GetQueueAttributesResult,
};
use emulator_generated::sqs::operation::get_queue_url::{GetQueueUrlError, GetQueueUrlRequest, GetQueueUrlResult};
use emulator_generated::sqs::operation::list_dead_letter_source_queues::{
    ListDeadLetterSourceQueuesError, ListDeadLetterSourceQueuesRequest, ListDeadLetterSourceQueuesResult,
};
use emulator_generated::sqs::operation::list_message_move_tasks::{
    ListMessageMoveTasksError, ListMessageMoveTasksRequest, ListMessageMoveTasksResult,
};
use emulator_generated::sqs::operation::list_queue_tags::{
    ListQueueTagsError, ListQueueTagsRequest, ListQueueTagsResult,
};
use emulator_generated::sqs::operation::list_queues::{ListQueuesError, ListQueuesRequest, ListQueuesResult};
use emulator_generated::sqs::operation::purge_queue::{PurgeQueueError, PurgeQueueRequest};
use emulator_generated::sqs::operation::receive_message::{
    ReceiveMessageError, ReceiveMessageRequest, ReceiveMessageResult,
};
use emulator_generated::sqs::operation::remove_permission::{RemovePermissionError, RemovePermissionRequest};
use emulator_generated::sqs::operation::send_message::{SendMessageError, SendMessageRequest, SendMessageResult};
use emulator_generated::sqs::operation::send_message_batch::{
    SendMessageBatchError, SendMessageBatchRequest, SendMessageBatchResult,
};
use emulator_generated::sqs::operation::set_queue_attributes::{SetQueueAttributesError, SetQueueAttributesRequest};
use emulator_generated::sqs::operation::start_message_move_task::{
    StartMessageMoveTaskError, StartMessageMoveTaskRequest, StartMessageMoveTaskResult,
};
use emulator_generated::sqs::operation::tag_queue::{TagQueueError, TagQueueRequest};
use emulator_generated::sqs::operation::untag_queue::{UntagQueueError, UntagQueueRequest};
use emulator_generated::sqs::service::AmazonSqs;
use emulator_generated::sqs::types::{
    BatchResultErrorEntry, ChangeMessageVisibilityBatchResultEntry, DeleteMessageBatchResultEntry,
    ListMessageMoveTasksResultEntry, Message as SqsMessage, MessageAttributeValue, MessageSystemAttributeName,
    QueueAttributeName, SendMessageBatchResultEntry,
};
use sha2::{Digest, Sha256};

use crate::ids::Ids;
use crate::quota::Budget;
use crate::store::{Change, Pending, Store, StoreError};
use crate::{ACCOUNT_ID, REGION};
use checks::{BatchRefusal, Outgoing, Refusal};
use digest::{md5_hex, md5_of_attributes};
use queue::{
    AttributeRecord, MAX_IN_FLIGHT, Message, MessageRecord, Queue, QueueRecord, Settings, SettingsError,
    SystemAttributes, attribute_wanted, epoch_millis, epoch_seconds, message_bytes, message_key, sequence_number,
};

/// The most tags a queue may have.
const MAX_TAGS: usize = 50;
/// The largest batch of messages, all entries' bodies and attributes together.
const MAX_BATCH_BYTES: usize = 1_048_576;
/// What a kept message costs beyond its bytes: its id, digests, times.
const MESSAGE_OVERHEAD: usize = 160;
/// The name of the service's records.
const SERVICE: &str = "sqs";

/// The SQS service: queues by name. Cloning it shares them: SNS delivers
/// to the same queues ([`Inner::deliver`]).
#[derive(Clone)]
pub struct Sqs(Arc<Inner>);

impl std::ops::Deref for Sqs {
    type Target = Inner;

    fn deref(&self) -> &Inner {
        &self.0
    }
}

/// The queues, and what keeps them.
pub struct Inner {
    /// `http://<host>:<port>`: the start of queue URLs for a request that
    /// names no host.
    endpoint: OnceLock<String>,
    queues: Mutex<BTreeMap<String, Queue>>,
    /// Message move tasks, newest last.
    tasks: Mutex<Vec<MoveTask>>,
    ids: Ids,
    store: Arc<Store>,
    budget: Arc<Budget>,
}

/// A message move task: the emulator moves the messages at once, so every
/// task is `COMPLETED` by the time StartMessageMoveTask answers.
struct MoveTask {
    handle: String,
    source_arn: String,
    destination_arn: Option<String>,
    moved: i64,
    started: i64,
}

/// Why a message was not sent: each a different answer to SendMessage, and
/// a batch entry's failure.
enum SendFailure {
    NoQueue,
    Contents(String),
    Refused(Refusal),
    Failed(UnmodelledError),
}

impl From<SendFailure> for SendMessageError {
    fn from(failure: SendFailure) -> Self {
        match failure {
            SendFailure::NoQueue => no_such_queue().into(),
            SendFailure::Contents(message) => InvalidMessageContents { message: Some(message) }.into(),
            SendFailure::Refused(refusal) => UnmodelledError::from(refusal).into(),
            SendFailure::Failed(e) => e.into(),
        }
    }
}

/// What a send answers.
struct Sent {
    id: String,
    md5_of_body: String,
    md5_of_attributes: Option<String>,
    sequence_number: Option<String>,
    /// The message's record, to await once the queues are released.
    pending: Pending,
}

impl Sqs {
    /// The service, with the queues and messages an earlier run left in
    /// `store`; its messages charged to `budget`.
    pub fn new(store: Arc<Store>, budget: Arc<Budget>) -> Result<Self, StoreError> {
        let inner = Inner {
            endpoint: OnceLock::new(),
            queues: Mutex::default(),
            tasks: Mutex::default(),
            ids: Ids::new(),
            store,
            budget,
        };
        inner.load()?;
        Ok(Sqs(Arc::new(inner)))
    }
}

impl Inner {
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
        self.tasks().clear();
        if let Err(e) = self.store.clear(SERVICE) {
            tracing::error!(%e, "SQS could not forget its state");
        }
    }

    /// The queues; a handler that panicked while holding them (none should)
    /// does not make them unusable.
    fn queues(&self) -> MutexGuard<'_, BTreeMap<String, Queue>> {
        self.queues.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn tasks(&self) -> MutexGuard<'_, Vec<MoveTask>> {
        self.tasks.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn commit(&self, change: Change) -> Result<(), UnmodelledError> {
        self.store.commit(SERVICE, change).map_err(unkept)
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
        let corrupt = |what: &str| StoreError::corrupt(format!("an SQS {what}"));
        for (name, kept) in self.store.load::<QueueRecord>(SERVICE, "queue")? {
            let attributes: BTreeMap<QueueAttributeName, String> =
                kept.attributes.into_iter().filter_map(|(name, value)| Some((name.parse().ok()?, value))).collect();
            let settings = Settings::of(&attributes, name.ends_with(".fifo")).map_err(|_| corrupt("queue"))?;
            let created = UNIX_EPOCH + Duration::from_secs(kept.created);
            let mut queue = Queue::new(attributes, kept.tags, settings, created);
            queue.modified = UNIX_EPOCH + Duration::from_secs(kept.modified);
            queues.insert(name, queue);
        }
        let now = (Instant::now(), SystemTime::now());
        for (key, kept) in self.store.load::<MessageRecord>(SERVICE, "message")? {
            let (name, sequence) = key.split_once('/').ok_or_else(|| corrupt("message"))?;
            let sequence: u64 = sequence.parse().map_err(|_| corrupt("message"))?;
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
                .charge(message_bytes(&kept.body, &attributes) + MESSAGE_OVERHEAD)
                .map_err(|e| StoreError::corrupt(format!("SQS's messages (more than {} bytes of state)", e.limit)))?;
            let delay = Duration::from_millis(kept.visible.saturating_sub(epoch_millis(now.1)));
            queue.messages.push(Message {
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
                group_id: kept.group_id,
                deduplication_id: kept.deduplication_id,
                dead_letter_source: kept.dead_letter_source,
                _charge: charge,
            });
            queue.next_sequence = queue.next_sequence.max(sequence + 1);
        }
        Ok(())
    }

    /// Checks what a queue's settings name: a dead-letter queue that exists
    /// and is of the queue's type.
    fn check_redrive(queues: &BTreeMap<String, Queue>, settings: &Settings) -> Result<(), SettingsError> {
        let Some(redrive) = &settings.redrive else { return Ok(()) };
        let reason = match queues.get(&redrive.target) {
            None => "Dead letter target does not exist.",
            Some(target) if target.settings.fifo != settings.fifo => {
                "Dead-letter queue must be the same type of queue as the source."
            }
            Some(_) => return Ok(()),
        };
        Err(SettingsError::Invalid(Refusal::invalid(format!(
            "Value {} for parameter RedrivePolicy is invalid. Reason: {reason}",
            excerpt(&arn(&redrive.target))
        ))))
    }

    /// Sends `message` to the queue `name` (under the queues' lock).
    fn send(
        &self,
        queues: &mut BTreeMap<String, Queue>,
        name: &str,
        message: Outgoing<'_>,
    ) -> Result<Sent, SendFailure> {
        if !checks::allowed_body(message.body) {
            return Err(SendFailure::Contents(
                "Invalid binary character in the message body: characters must be #x9 | #xA | #xD | #x20 to #xD7FF \
                 | #xE000 to #xFFFD | #x10000 to #x10FFFF"
                    .to_string(),
            ));
        }
        checks::check_message(&message).map_err(SendFailure::Refused)?;
        let queue = queues.get_mut(name).ok_or(SendFailure::NoQueue)?;
        let no_attributes = BTreeMap::new();
        let attributes = message.attributes.unwrap_or(&no_attributes);
        let size = message_bytes(message.body, attributes);
        let maximum = queue.settings.maximum_message_size;
        if size > maximum {
            return Err(SendFailure::Refused(Refusal::invalid(format!(
                "One or more parameters are invalid. Reason: Message must be shorter than {maximum} bytes."
            ))));
        }
        let now = Instant::now();
        let (group_id, deduplication_id) = if queue.settings.fifo {
            let Some(group) = message.group_id else {
                return Err(SendFailure::Refused(Refusal::Invalid(
                    "MissingParameter",
                    "The request must contain the parameter MessageGroupId.".to_string(),
                )));
            };
            if let Some(delay) = message.delay_seconds {
                return Err(SendFailure::Refused(checks::out_of_range(
                    "DelaySeconds",
                    delay,
                    "The request include parameter that is not valid for this queue type.",
                )));
            }
            let deduplication = match (message.deduplication_id, queue.settings.content_based_deduplication) {
                (Some(id), _) => id.to_string(),
                (None, true) => Sha256::digest(message.body.as_bytes()).iter().map(|b| format!("{b:02x}")).collect(),
                (None, false) => {
                    return Err(SendFailure::Refused(Refusal::invalid(
                        "The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId \
                         provided explicitly",
                    )));
                }
            };
            (Some(group.to_string()), Some(deduplication))
        } else {
            if let Some(id) = message.deduplication_id {
                return Err(SendFailure::Refused(Refusal::invalid(format!(
                    "Value {} for parameter MessageDeduplicationId is invalid. Reason: The request includes a \
                     parameter that is not valid for this queue type.",
                    excerpt(id)
                ))));
            }
            // Standard queues take a group id too (fair queues), and keep it.
            (message.group_id.map(str::to_string), None)
        };
        let md5_of_attributes = md5_of_attributes(attributes);
        let md5_of_body = md5_hex(message.body.as_bytes());
        let deduplication_key =
            deduplication_id.as_ref().map(|id| match (&group_id, queue.settings.deduplication_per_group) {
                (Some(group), true) => format!("{group}\u{0}{id}"),
                _ => id.clone(),
            });
        if let Some(key) = &deduplication_key {
            // Sent within five minutes: accepted, and not delivered again.
            if let Some((id, sequence)) = queue.deduplicated(key, now) {
                // The first send's record may not be on disk yet.
                let pending = self.store.barrier();
                return Ok(Sent { id, md5_of_body, md5_of_attributes, sequence_number: Some(sequence), pending });
            }
        }
        let charge = self
            .budget
            .charge(size + MESSAGE_OVERHEAD)
            .map_err(|e| SendFailure::Failed(UnmodelledError::client("OverLimit", e.message()).with_status(403)))?;
        let delay = match message.delay_seconds.and_then(|d| u64::try_from(d).ok()) {
            Some(seconds) => Duration::from_secs(seconds),
            None => queue.settings.delay,
        };
        let sent = SystemTime::now();
        let stored = Message {
            sequence: queue.next_sequence,
            id: self.ids.uuid(),
            md5_of_body: md5_of_body.clone(),
            body: message.body.to_string(),
            attributes: attributes.clone(),
            sent,
            visible_at: now + delay,
            receipt_handle: None,
            receive_count: 0,
            first_received: None,
            group_id,
            deduplication_id,
            dead_letter_source: None,
            _charge: charge,
        };
        let pending = match self.store.is_durable() {
            true => {
                let value = crate::store::record(&message_record(&stored, sent + delay));
                self.store.submit(SERVICE, Change::default().put("message", message_key(name, stored.sequence), value))
            }
            false => Pending::done(),
        };
        let sequence_number = queue.settings.fifo.then(|| sequence_number(stored.sequence));
        let answer = Sent { id: stored.id.clone(), md5_of_body, md5_of_attributes, sequence_number, pending };
        if let (Some(key), Some(sequence)) = (deduplication_key, &answer.sequence_number) {
            queue.deduplicated.insert(key, (now, answer.id.clone(), sequence.clone()));
        }
        queue.next_sequence += 1;
        queue.messages.push(stored);
        queue.changed.notify_waiters();
        Ok(answer)
    }

    /// Moves the messages of queue `name` received as often as its redrive
    /// policy allows to its dead-letter queue, instead of delivering them
    /// again.
    fn redrive(&self, queues: &mut BTreeMap<String, Queue>, name: &str, now: Instant) -> Result<(), UnmodelledError> {
        let Some(source) = queues.get(name) else { return Ok(()) };
        let Some(redrive) = source.settings.redrive.clone() else { return Ok(()) };
        if !queues.contains_key(&redrive.target) || redrive.target == name {
            return Ok(());
        }
        let source = queues.get_mut(name).expect("looked up above");
        source.messages.reveal(now);
        let due = source.messages.received_at_least(redrive.max_receive_count);
        if due.is_empty() {
            return Ok(());
        }
        let target_sequence = queues[&redrive.target].next_sequence;
        let source = &queues[name];
        let mut change = Change::default();
        for (next, sequence) in (target_sequence..).zip(&due) {
            let message = source.messages.get(*sequence).expect("listed above");
            change = change.delete("message", message_key(name, message.sequence));
            let mut record = message_record(message, message.sent);
            record.dead_letter_source = Some(arn(name));
            change = change.put("message", message_key(&redrive.target, next), crate::store::record(&record));
        }
        self.commit(change)?;
        let source = queues.get_mut(name).expect("looked up above");
        let moved: Vec<Message> = due.into_iter().filter_map(|sequence| source.messages.remove(sequence)).collect();
        let target = queues.get_mut(&redrive.target).expect("looked up above");
        for mut message in moved {
            message.sequence = target.next_sequence;
            target.next_sequence += 1;
            message.receipt_handle = None;
            message.receive_count = 0;
            message.first_received = None;
            message.dead_letter_source = Some(arn(name));
            target.messages.push(message);
        }
        target.changed.notify_waiters();
        Ok(())
    }

    /// Receives up to `max` of the messages of queue `name` (which the
    /// caller found) that may be received now, dropping those past the
    /// retention period and moving those received too often to the
    /// dead-letter queue.
    fn take(
        &self,
        queues: &mut BTreeMap<String, Queue>,
        name: &str,
        input: &ReceiveMessageRequest,
        max: usize,
        system: &SystemAttributes,
        wanted: &[String],
    ) -> Result<Vec<SqsMessage>, UnmodelledError> {
        let now = Instant::now();
        self.redrive(queues, name, now)?;
        // Redriving moves messages, never the queue.
        let queue = queues.get_mut(name).expect("the caller found the queue");
        let expired = queue.expire(name, SystemTime::now());
        self.commit(expired)?;
        let visibility = match input.visibility_timeout.and_then(|t| u64::try_from(t).ok()) {
            Some(seconds) => Duration::from_secs(seconds),
            None => queue.settings.visibility_timeout,
        };
        let mut messages = Vec::new();
        for sequence in queue.receivable(now, max) {
            let handle = self.ids.uuid();
            let stored = queue.messages.receive(sequence, handle.clone(), now + visibility).expect("receivable");
            let first_received = stored.first_received.unwrap_or_else(SystemTime::now);
            let attributes: BTreeMap<String, MessageAttributeValue> = stored
                .attributes
                .iter()
                .filter(|(name, _)| attribute_wanted(wanted, name))
                .map(|(name, value)| (name.clone(), value.clone()))
                .collect();
            messages.push(SqsMessage {
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

    /// Deletes the message of queue `name` whose latest receipt is
    /// `handle`: its record's removal, to await once the queues are released.
    fn delete_by_handle(&self, queue: &mut Queue, name: &str, handle: &str) -> Option<Pending> {
        match queue.messages.by_handle(handle) {
            Some(sequence) => {
                let key = message_key(name, sequence);
                let pending = self.store.submit(SERVICE, Change::default().delete("message", key));
                queue.messages.remove(sequence);
                Some(pending)
            }
            // A handle of ours for a message deleted, or received again
            // since: SQS answers success.
            // The deletion that answered first may not be on disk yet.
            None if is_handle(handle) => Some(self.store.barrier()),
            None => None,
        }
    }

    /// Changes the visibility timeout of the message of `queue` whose latest
    /// receipt is `handle`.
    fn change_visibility(queue: &mut Queue, handle: &str, timeout: i32) -> Result<(), VisibilityFailure> {
        if !(0..=43_200).contains(&timeout) {
            return Err(VisibilityFailure::Refused(checks::out_of_range(
                "VisibilityTimeout",
                timeout,
                "VisibilityTimeout must be an integer between 0 and 43200",
            )));
        }
        let now = Instant::now();
        let Some(sequence) = queue.messages.by_handle(handle) else {
            return Err(if is_handle(handle) { VisibilityFailure::NotInFlight } else { VisibilityFailure::Invalid });
        };
        let message = queue.messages.get(sequence).expect("found by its handle");
        if message.visible_at <= now {
            return Err(VisibilityFailure::NotInFlight);
        }
        let timeout = Duration::from_secs(timeout.unsigned_abs().into());
        let in_flight = message.first_received.and_then(|first| SystemTime::now().duration_since(first).ok());
        if in_flight.is_some_and(|so_far| so_far + timeout > MAX_IN_FLIGHT) {
            return Err(VisibilityFailure::Refused(checks::out_of_range(
                "VisibilityTimeout",
                i32::try_from(timeout.as_secs()).unwrap_or(i32::MAX),
                "Total VisibilityTimeout for the message is beyond the limit [43200 seconds]",
            )));
        }
        queue.messages.hide_until(sequence, now + timeout);
        if timeout.is_zero() {
            queue.changed.notify_waiters();
        }
        Ok(())
    }

    /// Queue `name`'s attributes `names` (`All` for every one), as
    /// GetQueueAttributes answers them.
    fn attributes_of(queue: &Queue, name: &str, names: &[QueueAttributeName]) -> BTreeMap<QueueAttributeName, String> {
        let all = names.contains(&QueueAttributeName::All);
        let (visible, in_flight, delayed) = queue.messages.counts(Instant::now());
        let every = [
            QueueAttributeName::ApproximateNumberOfMessages,
            QueueAttributeName::ApproximateNumberOfMessagesNotVisible,
            QueueAttributeName::ApproximateNumberOfMessagesDelayed,
            QueueAttributeName::CreatedTimestamp,
            QueueAttributeName::LastModifiedTimestamp,
            QueueAttributeName::QueueArn,
            QueueAttributeName::VisibilityTimeout,
            QueueAttributeName::MaximumMessageSize,
            QueueAttributeName::MessageRetentionPeriod,
            QueueAttributeName::DelaySeconds,
            QueueAttributeName::ReceiveMessageWaitTimeSeconds,
            QueueAttributeName::SqsManagedSseEnabled,
            QueueAttributeName::Policy,
            QueueAttributeName::RedrivePolicy,
            QueueAttributeName::RedriveAllowPolicy,
            QueueAttributeName::KmsMasterKeyId,
            QueueAttributeName::KmsDataKeyReusePeriodSeconds,
            QueueAttributeName::FifoQueue,
            QueueAttributeName::ContentBasedDeduplication,
            QueueAttributeName::DeduplicationScope,
            QueueAttributeName::FifoThroughputLimit,
        ];
        every
            .into_iter()
            .filter(|attribute| all || names.contains(attribute))
            .filter_map(|attribute| {
                let value = match attribute {
                    QueueAttributeName::ApproximateNumberOfMessages => Some(visible.to_string()),
                    QueueAttributeName::ApproximateNumberOfMessagesNotVisible => Some(in_flight.to_string()),
                    QueueAttributeName::ApproximateNumberOfMessagesDelayed => Some(delayed.to_string()),
                    QueueAttributeName::CreatedTimestamp => Some(epoch_seconds(queue.created).to_string()),
                    QueueAttributeName::LastModifiedTimestamp => Some(epoch_seconds(queue.modified).to_string()),
                    QueueAttributeName::QueueArn => Some(arn(name)),
                    // SSE-SQS is on unless the queue has a KMS key.
                    QueueAttributeName::SqsManagedSseEnabled => {
                        queue.attributes.get(&attribute).cloned().or_else(|| {
                            Some((!queue.attributes.contains_key(&QueueAttributeName::KmsMasterKeyId)).to_string())
                        })
                    }
                    _ => queue.settings.value(attribute).or_else(|| queue.attributes.get(&attribute).cloned()),
                };
                Some((attribute, value.filter(|value| !value.is_empty())?))
            })
            .collect()
    }
}

/// Why ChangeMessageVisibility did not change it.
enum VisibilityFailure {
    Invalid,
    NotInFlight,
    Refused(Refusal),
}

/// SQS's answer to a change its store could not keep.
fn unkept(e: StoreError) -> UnmodelledError {
    tracing::error!(%e, "SQS could not keep its state");
    UnmodelledError::server("InternalFailure", "The request processing has failed because of an unknown error.")
}

/// A message as its record keeps it, visible from `visible`.
fn message_record(message: &Message, visible: SystemTime) -> MessageRecord {
    MessageRecord {
        id: message.id.clone(),
        body: message.body.clone(),
        attributes: message
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
        sent: epoch_millis(message.sent),
        visible: epoch_millis(visible),
        group_id: message.group_id.clone(),
        deduplication_id: message.deduplication_id.clone(),
        dead_letter_source: message.dead_letter_source.clone(),
    }
}

/// Whether `handle` is one this server could have given (a UUID).
fn is_handle(handle: &str) -> bool {
    handle.len() == 36 && handle.chars().all(|c| c.is_ascii_hexdigit() || c == '-')
}

/// The ARN of the queue `name`.
fn arn(name: &str) -> String {
    format!("arn:aws:sqs:{REGION}:{ACCOUNT_ID}:{name}")
}

/// The name of the queue an ARN of this account and region names.
fn queue_of_arn(arn: &str) -> Option<&str> {
    let name = arn.strip_prefix("arn:aws:sqs:")?.strip_prefix(REGION)?.strip_prefix(':')?;
    name.strip_prefix(ACCOUNT_ID)?.strip_prefix(':').filter(|name| !name.is_empty())
}

/// The name of the queue a queue URL names: `<endpoint>/<account>/<name>`.
/// The endpoint is not compared, so `localhost` and `127.0.0.1` name the same queue.
fn queue_name(url: &str) -> Option<&str> {
    let (rest, name) = url.rsplit_once('/')?;
    let account = rest.rsplit('/').next()?;
    (account == ACCOUNT_ID).then_some(name)
}

/// The queue a queue URL names, and its name.
fn named<'q, 'u>(
    queues: &'q mut BTreeMap<String, Queue>,
    url: &'u str,
) -> Result<(&'u str, &'q mut Queue), QueueDoesNotExist> {
    let name = queue_name(url).ok_or_else(no_such_queue)?;
    let queue = queues.get_mut(name).ok_or_else(no_such_queue)?;
    Ok((name, queue))
}

fn no_such_queue() -> QueueDoesNotExist {
    QueueDoesNotExist { message: Some("The specified queue does not exist.".to_string()) }
}

fn invalid_handle(handle: &str) -> ReceiptHandleIsInvalid {
    ReceiptHandleIsInvalid {
        message: Some(format!("The input receipt handle \"{}\" is not a valid receipt handle.", excerpt(handle))),
    }
}

fn not_in_flight() -> MessageNotInflight {
    MessageNotInflight {}
}

/// A batch entry's failure.
fn entry_failure(id: String, code: &str, message: &str, sender_fault: bool) -> BatchResultErrorEntry {
    BatchResultErrorEntry { id, sender_fault, code: code.to_string(), message: Some(message.to_string()) }
}

/// The error a batch refused whole answers, in each batch operation's type.
macro_rules! batch_refusal {
    ($refusal:expr, $error:ty) => {
        match $refusal {
            BatchRefusal::Empty(e) => <$error>::from(e),
            BatchRefusal::TooMany(e) => <$error>::from(e),
            BatchRefusal::InvalidId(e) => <$error>::from(e),
            BatchRefusal::NotDistinct(e) => <$error>::from(e),
        }
    };
}

/// The error attributes that make no queue answer, in CreateQueue's and
/// SetQueueAttributes' types.
macro_rules! settings_error {
    ($error:expr, $type:ty) => {
        match $error {
            SettingsError::Value(e) => <$type>::from(e),
            SettingsError::Name(message) => <$type>::from(InvalidAttributeName { message: Some(message) }),
            SettingsError::Invalid(refusal) => <$type>::from(UnmodelledError::from(refusal)),
        }
    };
}

impl AmazonSqs for Sqs {
    async fn create_queue(
        &self,
        context: &RequestContext,
        input: CreateQueueRequest,
    ) -> Result<CreateQueueResult, CreateQueueError> {
        let attributes = input.attributes.unwrap_or_default();
        let fifo = match attributes.get(&QueueAttributeName::FifoQueue).map(|v| v.to_ascii_lowercase()) {
            None => false,
            Some(value) if value == "true" => true,
            Some(value) if value == "false" => false,
            Some(_) => {
                return Err(settings_error!(
                    SettingsError::Value(emulator_generated::sqs::error::InvalidAttributeValue {
                        message: Some("Invalid value for the parameter FifoQueue.".to_string())
                    }),
                    CreateQueueError
                ));
            }
        };
        checks::check_queue_name(&input.queue_name, fifo).map_err(UnmodelledError::from)?;
        let settings = Settings::of(&attributes, fifo).map_err(|e| settings_error!(e, CreateQueueError))?;
        let tags = input.tags.unwrap_or_default();
        if tags.len() > MAX_TAGS {
            let message =
                format!("Too many tags added for queue {}: a queue may have at most {MAX_TAGS}.", input.queue_name);
            return Err(UnmodelledError::from(Refusal::invalid(message)).into());
        }
        let mut queues = self.queues();
        Inner::check_redrive(&queues, &settings).map_err(|e| settings_error!(e, CreateQueueError))?;
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
        let queue = Queue::new(attributes, tags, settings, SystemTime::now());
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
        let (name, queue) = named(&mut queues, &input.queue_url)?;
        if queue.purged.is_some_and(|purged| purged.elapsed() < Duration::from_secs(60)) {
            return Err(PurgeQueueInProgress {
                message: Some(format!("Only one PurgeQueue operation on {name} is allowed every 60 seconds.")),
            }
            .into());
        }
        self.commit(Change::default().delete_prefix("message", format!("{name}/")))?;
        queue.messages.take_all();
        queue.purged = Some(Instant::now());
        Ok(Unit {})
    }

    async fn get_queue_attributes(
        &self,
        _context: &RequestContext,
        input: GetQueueAttributesRequest,
    ) -> Result<GetQueueAttributesResult, GetQueueAttributesError> {
        let queues = self.queues();
        let Some((name, queue)) = queue_name(&input.queue_url).and_then(|name| queues.get(name).map(|q| (name, q)))
        else {
            return Err(no_such_queue().into());
        };
        let attributes = Inner::attributes_of(queue, name, &input.attribute_names.unwrap_or_default());
        Ok(GetQueueAttributesResult { attributes: (!attributes.is_empty()).then_some(attributes) })
    }

    async fn set_queue_attributes(
        &self,
        _context: &RequestContext,
        input: SetQueueAttributesRequest,
    ) -> Result<Unit, SetQueueAttributesError> {
        let mut queues = self.queues();
        let Some(name) = queue_name(&input.queue_url).filter(|name| queues.contains_key(*name)) else {
            return Err(no_such_queue().into());
        };
        if input.attributes.contains_key(&QueueAttributeName::FifoQueue) {
            let message = "Unknown Attribute FifoQueue.".to_string();
            return Err(InvalidAttributeName { message: Some(message) }.into());
        }
        let queue = &queues[name];
        let mut attributes = queue.attributes.clone();
        attributes.extend(input.attributes);
        let settings =
            Settings::of(&attributes, queue.settings.fifo).map_err(|e| settings_error!(e, SetQueueAttributesError))?;
        Inner::check_redrive(&queues, &settings).map_err(|e| settings_error!(e, SetQueueAttributesError))?;
        let queue = queues.get_mut(name).expect("looked up above");
        let before = (std::mem::replace(&mut queue.attributes, attributes), queue.settings.clone(), queue.modified);
        queue.settings = settings;
        queue.modified = SystemTime::now();
        if let Err(e) = self.commit(Change::default().put("queue", name, queue.record())) {
            (queue.attributes, queue.settings, queue.modified) = before;
            return Err(e.into());
        }
        // A shorter wait or delay may let a long poll answer now.
        queue.changed.notify_waiters();
        Ok(Unit {})
    }

    async fn tag_queue(&self, _context: &RequestContext, input: TagQueueRequest) -> Result<Unit, TagQueueError> {
        let mut queues = self.queues();
        let (name, queue) = named(&mut queues, &input.queue_url)?;
        let mut tags = queue.tags.clone();
        tags.extend(input.tags);
        if tags.len() > MAX_TAGS {
            let message = format!("Too many tags added for queue {name}: a queue may have at most {MAX_TAGS}.");
            return Err(UnmodelledError::from(Refusal::invalid(message)).into());
        }
        let before = std::mem::replace(&mut queue.tags, tags);
        if let Err(e) = self.commit(Change::default().put("queue", name, queue.record())) {
            queue.tags = before;
            return Err(e.into());
        }
        Ok(Unit {})
    }

    async fn untag_queue(&self, _context: &RequestContext, input: UntagQueueRequest) -> Result<Unit, UntagQueueError> {
        let mut queues = self.queues();
        let (name, queue) = named(&mut queues, &input.queue_url)?;
        let mut tags = queue.tags.clone();
        for key in &input.tag_keys {
            tags.remove(key);
        }
        let before = std::mem::replace(&mut queue.tags, tags);
        if let Err(e) = self.commit(Change::default().put("queue", name, queue.record())) {
            queue.tags = before;
            return Err(e.into());
        }
        Ok(Unit {})
    }

    async fn list_queue_tags(
        &self,
        _context: &RequestContext,
        input: ListQueueTagsRequest,
    ) -> Result<ListQueueTagsResult, ListQueueTagsError> {
        let queues = self.queues();
        let queue = queue_name(&input.queue_url).and_then(|name| queues.get(name)).ok_or_else(no_such_queue)?;
        Ok(ListQueueTagsResult { tags: (!queue.tags.is_empty()).then(|| queue.tags.clone()) })
    }

    async fn add_permission(
        &self,
        _context: &RequestContext,
        input: AddPermissionRequest,
    ) -> Result<Unit, AddPermissionError> {
        let mut queues = self.queues();
        let (name, queue) = named(&mut queues, &input.queue_url)?;
        let mut policy = policy_of(queue, name);
        let statements = policy["Statement"].as_array_mut().expect("a policy's statements");
        if statements.iter().any(|s| s["Sid"] == input.label.as_str()) {
            let message =
                format!("Value {} for parameter Label is invalid. Reason: Already exists.", excerpt(&input.label));
            return Err(UnmodelledError::from(Refusal::invalid(message)).into());
        }
        if statements.len() >= 7 {
            let message = "7 statements is the limit of a queue's policy".to_string();
            return Err(OverLimit { message: Some(message) }.into());
        }
        let principals: Vec<String> =
            input.aws_account_ids.iter().map(|id| format!("arn:aws:iam::{id}:root")).collect();
        let actions: Vec<String> = input.actions.iter().map(|action| format!("SQS:{action}")).collect();
        statements.push(serde_json::json!({
            "Sid": input.label,
            "Effect": "Allow",
            "Principal": {"AWS": principals},
            "Action": actions,
            "Resource": arn(name),
        }));
        self.set_policy(queue, name, policy)?;
        Ok(Unit {})
    }

    async fn remove_permission(
        &self,
        _context: &RequestContext,
        input: RemovePermissionRequest,
    ) -> Result<Unit, RemovePermissionError> {
        let mut queues = self.queues();
        let (name, queue) = named(&mut queues, &input.queue_url)?;
        let mut policy = policy_of(queue, name);
        let statements = policy["Statement"].as_array_mut().expect("a policy's statements");
        let before = statements.len();
        statements.retain(|s| s["Sid"] != input.label.as_str());
        if statements.len() == before {
            let message = format!(
                "Value {} for parameter Label is invalid. Reason: can't find label on existing policy.",
                excerpt(&input.label)
            );
            return Err(UnmodelledError::from(Refusal::invalid(message)).into());
        }
        self.set_policy(queue, name, policy)?;
        Ok(Unit {})
    }

    async fn send_message(
        &self,
        _context: &RequestContext,
        input: SendMessageRequest,
    ) -> Result<SendMessageResult, SendMessageError> {
        let name = queue_name(&input.queue_url).ok_or_else(no_such_queue)?;
        let outgoing = Outgoing {
            body: &input.message_body,
            delay_seconds: input.delay_seconds,
            attributes: input.message_attributes.as_ref(),
            group_id: input.message_group_id.as_deref(),
            deduplication_id: input.message_deduplication_id.as_deref(),
        };
        let sent = self.send(&mut self.queues(), name, outgoing)?;
        sent.pending.durable().await.map_err(unkept)?;
        Ok(SendMessageResult {
            md5_of_message_body: Some(sent.md5_of_body),
            md5_of_message_attributes: sent.md5_of_attributes,
            message_id: Some(sent.id),
            sequence_number: sent.sequence_number,
            ..Default::default()
        })
    }

    async fn send_message_batch(
        &self,
        _context: &RequestContext,
        input: SendMessageBatchRequest,
    ) -> Result<SendMessageBatchResult, SendMessageBatchError> {
        checks::check_batch(input.entries.iter().map(|e| e.id.as_str()))
            .map_err(|refusal| batch_refusal!(refusal, SendMessageBatchError))?;
        let name = queue_name(&input.queue_url).ok_or_else(no_such_queue)?;
        let total: usize = input
            .entries
            .iter()
            .map(|e| message_bytes(&e.message_body, e.message_attributes.as_ref().unwrap_or(&BTreeMap::new())))
            .sum();
        if total > MAX_BATCH_BYTES {
            let message =
                format!("Batch requests cannot be longer than {MAX_BATCH_BYTES} bytes. You have sent {total} bytes.");
            return Err(emulator_generated::sqs::error::BatchRequestTooLong { message: Some(message) }.into());
        }
        let (successful, failed, pending) = {
            let mut queues = self.queues();
            if !queues.contains_key(name) {
                return Err(no_such_queue().into());
            }
            let (mut successful, mut failed, mut pending) = (Vec::new(), Vec::new(), Vec::new());
            for entry in &input.entries {
                let outgoing = Outgoing {
                    body: &entry.message_body,
                    delay_seconds: entry.delay_seconds,
                    attributes: entry.message_attributes.as_ref(),
                    group_id: entry.message_group_id.as_deref(),
                    deduplication_id: entry.message_deduplication_id.as_deref(),
                };
                match self.send(&mut queues, name, outgoing) {
                    Ok(sent) => {
                        pending.push(sent.pending);
                        successful.push(SendMessageBatchResultEntry {
                            id: entry.id.clone(),
                            message_id: sent.id,
                            md5_of_message_body: sent.md5_of_body,
                            md5_of_message_attributes: sent.md5_of_attributes,
                            md5_of_message_system_attributes: None,
                            sequence_number: sent.sequence_number,
                        })
                    }
                    Err(failure) => failed.push(match failure {
                        SendFailure::NoQueue => entry_failure(
                            entry.id.clone(),
                            "AWS.SimpleQueueService.NonExistentQueue",
                            "The specified queue does not exist.",
                            true,
                        ),
                        SendFailure::Contents(message) => {
                            entry_failure(entry.id.clone(), "InvalidMessageContents", &message, true)
                        }
                        SendFailure::Refused(refusal) => {
                            let (code, message) = refusal.parts();
                            entry_failure(entry.id.clone(), code, message, true)
                        }
                        SendFailure::Failed(e) => {
                            let message = e.message.clone().unwrap_or_default();
                            entry_failure(entry.id.clone(), &e.type_name, &message, e.status < 500)
                        }
                    }),
                }
            }
            (successful, failed, pending)
        };
        for pending in pending {
            pending.durable().await.map_err(unkept)?;
        }
        Ok(SendMessageBatchResult { successful, failed })
    }

    async fn receive_message(
        &self,
        _context: &RequestContext,
        input: ReceiveMessageRequest,
    ) -> Result<ReceiveMessageResult, ReceiveMessageError> {
        checks::check_receive(input.max_number_of_messages, input.visibility_timeout, input.wait_time_seconds)
            .map_err(UnmodelledError::from)?;
        let name = queue_name(&input.queue_url).ok_or_else(no_such_queue)?;
        let max = input.max_number_of_messages.and_then(|n| usize::try_from(n).ok()).unwrap_or(1);
        let mut names = input.message_system_attribute_names.clone().unwrap_or_default();
        if input.attribute_names.iter().flatten().any(|n| *n == QueueAttributeName::All) {
            names.push(MessageSystemAttributeName::All);
        }
        let system = SystemAttributes(names);
        let wanted = input.message_attribute_names.clone().unwrap_or_default();
        let mut deadline = None;
        loop {
            // Take what may be received; or, with time left to wait, wait
            // for a send, the next message to become visible, or the deadline.
            let (changed, until) = {
                let mut queues = self.queues();
                if !queues.contains_key(name) {
                    return Err(no_such_queue().into());
                }
                let messages = self.take(&mut queues, name, &input, max, &system, &wanted)?;
                let queue = &queues[name];
                let wait = match input.wait_time_seconds.and_then(|w| u64::try_from(w).ok()) {
                    Some(seconds) => Duration::from_secs(seconds),
                    None => queue.settings.receive_wait,
                };
                let deadline = *deadline.get_or_insert_with(|| Instant::now() + wait);
                if !messages.is_empty() || Instant::now() >= deadline {
                    return Ok(ReceiveMessageResult { messages: (!messages.is_empty()).then_some(messages) });
                }
                let next = queue.messages.next_visible(Instant::now());
                (queue.changed.clone(), next.map_or(deadline, |next| next.min(deadline)))
            };
            let woken = changed.notified();
            tokio::pin!(woken);
            woken.as_mut().enable();
            // A send between the look above and `enable` is seen here.
            let sent_meanwhile =
                self.queues().get_mut(name).is_none_or(|queue| !queue.receivable(Instant::now(), 1).is_empty());
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
        let deleted = {
            let mut queues = self.queues();
            let (name, queue) = named(&mut queues, &input.queue_url)?;
            self.delete_by_handle(queue, name, &input.receipt_handle)
        };
        match deleted {
            Some(pending) => {
                pending.durable().await.map_err(unkept)?;
                Ok(Unit {})
            }
            None => Err(invalid_handle(&input.receipt_handle).into()),
        }
    }

    async fn delete_message_batch(
        &self,
        _context: &RequestContext,
        input: DeleteMessageBatchRequest,
    ) -> Result<DeleteMessageBatchResult, DeleteMessageBatchError> {
        checks::check_batch(input.entries.iter().map(|e| e.id.as_str()))
            .map_err(|refusal| batch_refusal!(refusal, DeleteMessageBatchError))?;
        let (successful, failed, pending) = {
            let mut queues = self.queues();
            let (name, queue) = named(&mut queues, &input.queue_url)?;
            let (mut successful, mut failed, mut pending) = (Vec::new(), Vec::new(), Vec::new());
            for entry in input.entries {
                match self.delete_by_handle(queue, name, &entry.receipt_handle) {
                    Some(deleted) => {
                        pending.push(deleted);
                        successful.push(DeleteMessageBatchResultEntry { id: entry.id })
                    }
                    None => {
                        let message = invalid_handle(&entry.receipt_handle).message.unwrap_or_default();
                        failed.push(entry_failure(entry.id, "ReceiptHandleIsInvalid", &message, true));
                    }
                }
            }
            (successful, failed, pending)
        };
        for pending in pending {
            pending.durable().await.map_err(unkept)?;
        }
        Ok(DeleteMessageBatchResult { successful, failed })
    }

    async fn change_message_visibility(
        &self,
        _context: &RequestContext,
        input: ChangeMessageVisibilityRequest,
    ) -> Result<Unit, ChangeMessageVisibilityError> {
        let mut queues = self.queues();
        let queue = queue_name(&input.queue_url).and_then(|name| queues.get_mut(name)).ok_or_else(no_such_queue)?;
        match Inner::change_visibility(queue, &input.receipt_handle, input.visibility_timeout) {
            Ok(()) => Ok(Unit {}),
            Err(VisibilityFailure::Invalid) => Err(invalid_handle(&input.receipt_handle).into()),
            Err(VisibilityFailure::NotInFlight) => Err(not_in_flight().into()),
            Err(VisibilityFailure::Refused(refusal)) => Err(UnmodelledError::from(refusal).into()),
        }
    }

    async fn change_message_visibility_batch(
        &self,
        _context: &RequestContext,
        input: ChangeMessageVisibilityBatchRequest,
    ) -> Result<ChangeMessageVisibilityBatchResult, ChangeMessageVisibilityBatchError> {
        checks::check_batch(input.entries.iter().map(|e| e.id.as_str()))
            .map_err(|refusal| batch_refusal!(refusal, ChangeMessageVisibilityBatchError))?;
        let mut queues = self.queues();
        let queue = queue_name(&input.queue_url).and_then(|name| queues.get_mut(name)).ok_or_else(no_such_queue)?;
        let (mut successful, mut failed) = (Vec::new(), Vec::new());
        for entry in input.entries {
            let timeout = entry.visibility_timeout.unwrap_or(0);
            match Inner::change_visibility(queue, &entry.receipt_handle, timeout) {
                Ok(()) => successful.push(ChangeMessageVisibilityBatchResultEntry { id: entry.id }),
                Err(VisibilityFailure::Invalid) => {
                    let message = invalid_handle(&entry.receipt_handle).message.unwrap_or_default();
                    failed.push(entry_failure(entry.id, "ReceiptHandleIsInvalid", &message, true));
                }
                Err(VisibilityFailure::NotInFlight) => failed.push(entry_failure(
                    entry.id,
                    "AWS.SimpleQueueService.MessageNotInflight",
                    "Message does not exist or is not available for visibility timeout change.",
                    true,
                )),
                Err(VisibilityFailure::Refused(refusal)) => {
                    let (code, message) = refusal.parts();
                    failed.push(entry_failure(entry.id, code, message, true));
                }
            }
        }
        Ok(ChangeMessageVisibilityBatchResult { successful, failed })
    }

    async fn list_dead_letter_source_queues(
        &self,
        context: &RequestContext,
        input: ListDeadLetterSourceQueuesRequest,
    ) -> Result<ListDeadLetterSourceQueuesResult, ListDeadLetterSourceQueuesError> {
        let queues = self.queues();
        let name = queue_name(&input.queue_url).filter(|name| queues.contains_key(*name)).ok_or_else(no_such_queue)?;
        let after = input.next_token.unwrap_or_default();
        let limit = input.max_results.and_then(|n| usize::try_from(n).ok()).unwrap_or(1000);
        let mut sources: Vec<&String> = queues
            .iter()
            .filter(|(source, queue)| {
                source.as_str() > after.as_str() && queue.settings.redrive.as_ref().is_some_and(|r| r.target == name)
            })
            .map(|(source, _)| source)
            .take(limit.saturating_add(1))
            .collect();
        let more = sources.len() > limit;
        sources.truncate(limit);
        let next_token = if more && input.max_results.is_some() { sources.last().map(|s| s.to_string()) } else { None };
        Ok(ListDeadLetterSourceQueuesResult {
            queue_urls: sources.iter().map(|source| self.url(context, source)).collect(),
            next_token,
        })
    }

    async fn start_message_move_task(
        &self,
        _context: &RequestContext,
        input: StartMessageMoveTaskRequest,
    ) -> Result<StartMessageMoveTaskResult, StartMessageMoveTaskError> {
        let not_found = || ResourceNotFoundException {
            message: Some("The resource that you specified for the SourceArn parameter doesn't exist.".to_string()),
        };
        let mut queues = self.queues();
        let source = queue_of_arn(&input.source_arn)
            .filter(|name| queues.contains_key(*name))
            .ok_or_else(not_found)?
            .to_string();
        let is_dead_letter_queue =
            queues.values().any(|q| q.settings.redrive.as_ref().is_some_and(|r| r.target == source));
        if !is_dead_letter_queue {
            let message = "Source queue must be configured as a Dead Letter Queue.".to_string();
            return Err(UnsupportedOperation { message: Some(message) }.into());
        }
        let destination = match &input.destination_arn {
            Some(arn) => Some(
                queue_of_arn(arn)
                    .filter(|name| queues.contains_key(*name))
                    .ok_or_else(|| ResourceNotFoundException {
                        message: Some(
                            "The resource that you specified for the DestinationArn parameter doesn't exist."
                                .to_string(),
                        ),
                    })?
                    .to_string(),
            ),
            None => None,
        };
        // Each message goes to the destination, or back to the queue it
        // came from; those whose queue is gone stay.
        let taken = queues.get_mut(&source).expect("looked up above").messages.take_all();
        let mut change = Change::default();
        let mut moved = 0;
        let mut stay = Vec::new();
        let mut moving = Vec::new();
        for message in taken {
            let target = destination
                .clone()
                .or_else(|| message.dead_letter_source.as_deref().and_then(queue_of_arn).map(str::to_string));
            match target.filter(|target| queues.contains_key(target)) {
                Some(target) => moving.push((target, message)),
                None => stay.push(message),
            }
        }
        let mut sequences: BTreeMap<String, u64> = BTreeMap::new();
        for (target, message) in &moving {
            let next = sequences.entry(target.clone()).or_insert_with(|| queues[target].next_sequence);
            change = change.delete("message", message_key(&source, message.sequence));
            let mut record = message_record(message, SystemTime::now());
            record.dead_letter_source = None;
            change = change.put("message", message_key(target, *next), crate::store::record(&record));
            *next += 1;
        }
        if let Err(e) = self.commit(change) {
            let queue = queues.get_mut(&source).expect("looked up above");
            for message in stay.into_iter().chain(moving.into_iter().map(|(_, m)| m)) {
                queue.messages.push(message);
            }
            return Err(e.into());
        }
        let queue = queues.get_mut(&source).expect("looked up above");
        for message in stay {
            queue.messages.push(message);
        }
        for (target, mut message) in moving {
            let queue = queues.get_mut(&target).expect("checked above");
            message.sequence = queue.next_sequence;
            queue.next_sequence += 1;
            message.dead_letter_source = None;
            message.receipt_handle = None;
            message.receive_count = 0;
            message.first_received = None;
            message.visible_at = Instant::now();
            queue.messages.push(message);
            queue.changed.notify_waiters();
            moved += 1;
        }
        let handle = self.ids.uuid();
        let started = i64::try_from(epoch_millis(SystemTime::now())).unwrap_or(i64::MAX);
        self.tasks().push(MoveTask {
            handle: handle.clone(),
            source_arn: input.source_arn,
            destination_arn: input.destination_arn,
            moved,
            started,
        });
        Ok(StartMessageMoveTaskResult { task_handle: Some(handle) })
    }

    async fn list_message_move_tasks(
        &self,
        _context: &RequestContext,
        input: ListMessageMoveTasksRequest,
    ) -> Result<ListMessageMoveTasksResult, ListMessageMoveTasksError> {
        let max = input.max_results.and_then(|n| usize::try_from(n).ok()).unwrap_or(1).clamp(1, 10);
        let tasks = self.tasks();
        let results = tasks
            .iter()
            .rev()
            .filter(|task| task.source_arn == input.source_arn)
            .take(max)
            .map(|task| ListMessageMoveTasksResultEntry {
                task_handle: None,
                status: Some("COMPLETED".to_string()),
                source_arn: Some(task.source_arn.clone()),
                destination_arn: task.destination_arn.clone(),
                approximate_number_of_messages_moved: task.moved,
                approximate_number_of_messages_to_move: Some(task.moved),
                started_timestamp: task.started,
                ..Default::default()
            })
            .collect::<Vec<_>>();
        Ok(ListMessageMoveTasksResult { results: Some(results) })
    }

    async fn cancel_message_move_task(
        &self,
        _context: &RequestContext,
        input: CancelMessageMoveTaskRequest,
    ) -> Result<CancelMessageMoveTaskResult, CancelMessageMoveTaskError> {
        // Tasks complete before StartMessageMoveTask answers: none runs.
        let known = self.tasks().iter().any(|task| task.handle == input.task_handle);
        if known {
            let message = "Only a task in the RUNNING status can be cancelled.".to_string();
            return Err(UnsupportedOperation { message: Some(message) }.into());
        }
        let message = "The task handle does not name a message move task.".to_string();
        Err(ResourceNotFoundException { message: Some(message) }.into())
    }
}

impl Inner {
    /// Sends a message from another service (SNS) to the queue `queue_arn`
    /// names, as SendMessage would: why not, if it was not sent.
    pub fn deliver(
        &self,
        queue_arn: &str,
        body: &str,
        attributes: &BTreeMap<String, MessageAttributeValue>,
        group_id: Option<&str>,
        deduplication_id: Option<&str>,
    ) -> Result<(), String> {
        let name =
            queue_of_arn(queue_arn).ok_or_else(|| format!("{} is not a queue of this account", excerpt(queue_arn)))?;
        let outgoing = Outgoing {
            body,
            delay_seconds: None,
            attributes: (!attributes.is_empty()).then_some(attributes),
            group_id,
            deduplication_id,
        };
        match self.send(&mut self.queues(), name, outgoing) {
            Ok(sent) => sent.pending.wait().map_err(|e| e.to_string()),
            Err(SendFailure::NoQueue) => Err("the queue does not exist".to_string()),
            Err(SendFailure::Contents(message)) => Err(message),
            Err(SendFailure::Refused(refusal)) => Err(refusal.parts().1.to_string()),
            Err(SendFailure::Failed(e)) => Err(e.message.unwrap_or(e.type_name)),
        }
    }

    /// Sets queue `name`'s policy to `policy`, recorded before it is.
    fn set_policy(&self, queue: &mut Queue, name: &str, policy: serde_json::Value) -> Result<(), UnmodelledError> {
        let empty = policy["Statement"].as_array().is_none_or(Vec::is_empty);
        let before = queue.attributes.clone();
        if empty {
            queue.attributes.remove(&QueueAttributeName::Policy);
        } else {
            queue.attributes.insert(QueueAttributeName::Policy, policy.to_string());
        }
        if let Err(e) = self.commit(Change::default().put("queue", name, queue.record())) {
            queue.attributes = before;
            return Err(e);
        }
        Ok(())
    }
}

/// Queue `name`'s policy, or an empty one to add statements to.
fn policy_of(queue: &Queue, name: &str) -> serde_json::Value {
    let policy = queue.attributes.get(&QueueAttributeName::Policy).and_then(|text| serde_json::from_str(text).ok());
    match policy {
        Some(serde_json::Value::Object(mut policy)) => {
            if !policy.get("Statement").is_some_and(serde_json::Value::is_array) {
                policy.insert("Statement".to_string(), serde_json::json!([]));
            }
            serde_json::Value::Object(policy)
        }
        _ => serde_json::json!({
            "Version": "2012-10-17",
            "Id": format!("{}/SQSDefaultPolicy", arn(name)),
            "Statement": [],
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queue_urls_and_arns_name_queues_of_this_account() {
        assert_eq!(queue_name("http://127.0.0.1:9324/000000000000/jobs"), Some("jobs"));
        assert_eq!(queue_name("http://localhost:1/000000000000/jobs"), Some("jobs"));
        assert_eq!(queue_name("http://127.0.0.1:9324/123456789012/jobs"), None);
        assert_eq!(queue_name("jobs"), None);
        assert_eq!(queue_of_arn(&arn("dead.fifo")), Some("dead.fifo"));
        assert_eq!(queue_of_arn("arn:aws:sqs:eu-west-1:000000000000:dead"), None);
        assert!(is_handle(&Ids::new().uuid()));
        assert!(!is_handle("not a handle"));
    }
}
