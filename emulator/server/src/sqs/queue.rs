//! One SQS queue: its settings (from its attributes), its messages in the
//! order they were sent, what ReceiveMessage takes of them (a FIFO queue's
//! groups one message at a time), and the records that keep them.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use emulator_generated::runtime::excerpt;
use emulator_generated::sqs::error::InvalidAttributeValue;
use emulator_generated::sqs::types::{MessageAttributeValue, MessageSystemAttributeName, QueueAttributeName};
use serde::{Deserialize, Serialize};
use tokio::sync::Notify;

use super::checks::Refusal;
use super::digest::attribute_value;
use super::messages::Messages;
use crate::quota::Charge;
use crate::store::Change;

/// The largest `MaximumMessageSize` a queue may have, and its default (1 MiB).
pub const MAX_MESSAGE_BYTES: usize = 1_048_576;
/// The smallest `MaximumMessageSize` a queue may have (1 KiB).
const MIN_MESSAGE_BYTES: usize = 1_024;
/// How long a FIFO queue remembers a deduplication id.
const DEDUPLICATION_WINDOW: Duration = Duration::from_secs(300);
/// The longest a message stays in flight, counted from its first receipt.
pub const MAX_IN_FLIGHT: Duration = Duration::from_secs(43_200);

pub struct Queue {
    /// The attributes it was created or set with, as given.
    pub attributes: BTreeMap<QueueAttributeName, String>,
    pub tags: BTreeMap<String, String>,
    pub settings: Settings,
    /// In the order they were sent.
    pub messages: Messages,
    /// The sequence number of the next message: its record's key, and a
    /// FIFO message's `SequenceNumber`.
    pub next_sequence: u64,
    /// Woken when a message is sent, or the queue deleted: long polls wait on it.
    pub changed: Arc<Notify>,
    /// When PurgeQueue last ran: AWS allows one a minute.
    pub purged: Option<Instant>,
    pub created: SystemTime,
    pub modified: SystemTime,
    /// A FIFO queue's deduplication ids of the last five minutes: when
    /// each was sent, the message id and sequence number answered.
    pub deduplicated: HashMap<String, (Instant, String, String)>,
}

/// What the queue's attributes make it do.
#[derive(Clone, Debug)]
pub struct Settings {
    pub visibility_timeout: Duration,
    pub delay: Duration,
    pub maximum_message_size: usize,
    pub receive_wait: Duration,
    pub retention: Duration,
    pub fifo: bool,
    pub content_based_deduplication: bool,
    /// `DeduplicationScope=messageGroup`: ids are a group's, not the queue's.
    pub deduplication_per_group: bool,
    /// Where messages received too often go.
    pub redrive: Option<Redrive>,
}

/// A queue's `RedrivePolicy`: the name of its dead-letter queue, and how
/// often a message may be received before it goes there.
#[derive(Clone, Debug, PartialEq)]
pub struct Redrive {
    pub target: String,
    pub max_receive_count: u32,
}

pub struct Message {
    pub sequence: u64,
    pub id: String,
    pub body: String,
    pub md5_of_body: String,
    pub attributes: BTreeMap<String, MessageAttributeValue>,
    pub sent: SystemTime,
    /// Until then, ReceiveMessage does not return it (delayed, or received
    /// and not yet deleted).
    pub visible_at: Instant,
    /// The handle of its latest receipt, which DeleteMessage takes.
    pub receipt_handle: Option<String>,
    pub receive_count: u32,
    pub first_received: Option<SystemTime>,
    /// A FIFO message's group and deduplication id.
    pub group_id: Option<String>,
    pub deduplication_id: Option<String>,
    /// The ARN of the queue it was moved from as a dead letter.
    pub dead_letter_source: Option<String>,
    /// Its share of the state budget, given back when it is deleted.
    pub _charge: Charge,
}

/// A queue as its record keeps it.
#[derive(Serialize, Deserialize)]
pub struct QueueRecord {
    pub attributes: BTreeMap<String, String>,
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
    /// Seconds since the epoch.
    #[serde(default)]
    pub created: u64,
    #[serde(default)]
    pub modified: u64,
}

/// A message as its record keeps it.
#[derive(Serialize, Deserialize)]
pub struct MessageRecord {
    pub id: String,
    pub body: String,
    pub attributes: BTreeMap<String, AttributeRecord>,
    /// Milliseconds since the epoch.
    pub sent: u64,
    /// When its delay ends, in milliseconds since the epoch.
    pub visible: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deduplication_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dead_letter_source: Option<String>,
}

#[derive(Serialize, Deserialize)]
pub struct AttributeRecord {
    pub data_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub string: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub binary: Option<Vec<u8>>,
}

impl Queue {
    pub fn new(
        attributes: BTreeMap<QueueAttributeName, String>,
        tags: BTreeMap<String, String>,
        settings: Settings,
        created: SystemTime,
    ) -> Self {
        Queue {
            attributes,
            tags,
            settings,
            messages: Messages::default(),
            next_sequence: 0,
            changed: Arc::new(Notify::new()),
            purged: None,
            created,
            modified: created,
            deduplicated: HashMap::new(),
        }
    }

    pub fn record(&self) -> Vec<u8> {
        let attributes = self.attributes.iter().map(|(name, value)| (name.to_string(), value.clone())).collect();
        let record = QueueRecord {
            attributes,
            tags: self.tags.clone(),
            created: epoch_seconds(self.created),
            modified: epoch_seconds(self.modified),
        };
        crate::store::record(&record)
    }

    /// Drops the messages older than the queue's retention period: the
    /// change that removes their records.
    pub fn expire(&mut self, name: &str, now: SystemTime) -> Change {
        let mut change = Change::default();
        for sequence in self.messages.expired(self.settings.retention, now) {
            self.messages.remove(sequence);
            change = change.delete("message", message_key(name, sequence));
        }
        change
    }

    /// The sequence numbers of the messages ReceiveMessage may take now, at
    /// most `max`, in order: visible ones, and in a FIFO queue none of a
    /// group with a message in flight.
    pub fn receivable(&mut self, now: Instant, max: usize) -> Vec<u64> {
        self.messages.reveal(now);
        self.messages.receivable(now, max, self.settings.fifo)
    }

    /// The message id and sequence number a FIFO send with this
    /// deduplication key already had, within the last five minutes.
    pub fn deduplicated(&mut self, key: &str, now: Instant) -> Option<(String, String)> {
        self.deduplicated.retain(|_, (sent, _, _)| now.duration_since(*sent) < DEDUPLICATION_WINDOW);
        self.deduplicated.get(key).map(|(_, id, sequence)| (id.clone(), sequence.clone()))
    }
}

impl Settings {
    /// The settings `attributes` give a queue (a FIFO one if `fifo`), or
    /// why they cannot; `RedrivePolicy`'s target is checked by the caller.
    pub fn of(attributes: &BTreeMap<QueueAttributeName, String>, fifo: bool) -> Result<Settings, SettingsError> {
        let seconds = |name, default, min, max| -> Result<Duration, SettingsError> {
            Ok(Duration::from_secs(number_attribute(attributes, name, default, min, max)?))
        };
        let size = number_attribute(
            attributes,
            QueueAttributeName::MaximumMessageSize,
            MAX_MESSAGE_BYTES as u64,
            MIN_MESSAGE_BYTES as u64,
            MAX_MESSAGE_BYTES as u64,
        )?;
        let flag = |name: QueueAttributeName| -> Result<bool, SettingsError> {
            match attributes.get(&name).map(|value| value.to_ascii_lowercase()) {
                None => Ok(false),
                Some(value) if value == "true" => Ok(true),
                Some(value) if value == "false" => Ok(false),
                Some(_) => Err(invalid_value(name)),
            }
        };
        let content_based_deduplication = flag(QueueAttributeName::ContentBasedDeduplication)?;
        let deduplication_per_group = match attributes.get(&QueueAttributeName::DeduplicationScope).map(String::as_str)
        {
            None | Some("queue") => false,
            Some("messageGroup") => true,
            Some(_) => return Err(invalid_value(QueueAttributeName::DeduplicationScope)),
        };
        if !fifo
            && (attributes.contains_key(&QueueAttributeName::ContentBasedDeduplication)
                || attributes.contains_key(&QueueAttributeName::DeduplicationScope)
                || attributes.contains_key(&QueueAttributeName::FifoThroughputLimit))
        {
            let name = [
                QueueAttributeName::ContentBasedDeduplication,
                QueueAttributeName::DeduplicationScope,
                QueueAttributeName::FifoThroughputLimit,
            ]
            .into_iter()
            .find(|name| attributes.contains_key(name))
            .unwrap_or(QueueAttributeName::ContentBasedDeduplication);
            return Err(SettingsError::Name(format!("Unknown Attribute {name}.")));
        }
        let redrive = match attributes.get(&QueueAttributeName::RedrivePolicy) {
            None => None,
            Some(text) if text.is_empty() => None,
            Some(text) => Some(redrive_policy(text)?),
        };
        Ok(Settings {
            visibility_timeout: seconds(QueueAttributeName::VisibilityTimeout, 30, 0, 43_200)?,
            delay: seconds(QueueAttributeName::DelaySeconds, 0, 0, 900)?,
            maximum_message_size: usize::try_from(size).unwrap_or(MAX_MESSAGE_BYTES),
            receive_wait: seconds(QueueAttributeName::ReceiveMessageWaitTimeSeconds, 0, 0, 20)?,
            retention: seconds(QueueAttributeName::MessageRetentionPeriod, 345_600, 60, 1_209_600)?,
            fifo,
            content_based_deduplication,
            deduplication_per_group,
            redrive,
        })
    }

    /// The value this queue has for `name`, as GetQueueAttributes answers
    /// it and CreateQueue compares it.
    pub fn value(&self, name: QueueAttributeName) -> Option<String> {
        let seconds = |duration: Duration| Some(duration.as_secs().to_string());
        match name {
            QueueAttributeName::VisibilityTimeout => seconds(self.visibility_timeout),
            QueueAttributeName::DelaySeconds => seconds(self.delay),
            QueueAttributeName::MaximumMessageSize => Some(self.maximum_message_size.to_string()),
            QueueAttributeName::ReceiveMessageWaitTimeSeconds => seconds(self.receive_wait),
            QueueAttributeName::MessageRetentionPeriod => seconds(self.retention),
            QueueAttributeName::FifoQueue if self.fifo => Some("true".to_string()),
            QueueAttributeName::ContentBasedDeduplication if self.fifo => {
                Some(self.content_based_deduplication.to_string())
            }
            QueueAttributeName::DeduplicationScope if self.fifo => {
                Some(if self.deduplication_per_group { "messageGroup" } else { "queue" }.to_string())
            }
            QueueAttributeName::FifoThroughputLimit if self.fifo => Some("perQueue".to_string()),
            _ => None,
        }
    }
}

/// Why attributes do not make a queue's settings: a value out of range
/// (`InvalidAttributeValue`), an attribute this queue cannot have
/// (`InvalidAttributeName`), or a redrive policy SQS refuses
/// (`InvalidParameterValue`).
pub enum SettingsError {
    Value(InvalidAttributeValue),
    Name(String),
    Invalid(Refusal),
}

fn invalid_value(name: QueueAttributeName) -> SettingsError {
    SettingsError::Value(InvalidAttributeValue { message: Some(format!("Invalid value for the parameter {name}.")) })
}

/// A queue attribute's whole number, between `min` and `max`.
fn number_attribute(
    attributes: &BTreeMap<QueueAttributeName, String>,
    name: QueueAttributeName,
    default: u64,
    min: u64,
    max: u64,
) -> Result<u64, SettingsError> {
    match attributes.get(&name) {
        None => Ok(default),
        Some(value) => match value.parse::<u64>() {
            Ok(number) if (min..=max).contains(&number) => Ok(number),
            _ => Err(invalid_value(name)),
        },
    }
}

/// A `RedrivePolicy`: `{"deadLetterTargetArn": "...", "maxReceiveCount": n}`
/// (the count a number or a string, 1 to 1000).
fn redrive_policy(text: &str) -> Result<Redrive, SettingsError> {
    let refuse = |reason: &str| {
        SettingsError::Invalid(Refusal::invalid(format!(
            "Value {} for parameter RedrivePolicy is invalid. Reason: {reason}",
            excerpt(text)
        )))
    };
    let policy: serde_json::Value =
        serde_json::from_str(text).map_err(|_| refuse("Redrive policy is not a valid JSON map."))?;
    let Some(policy) = policy.as_object() else { return Err(refuse("Redrive policy is not a valid JSON map.")) };
    let arn = policy.get("deadLetterTargetArn").and_then(|arn| arn.as_str());
    let Some(target) = arn.and_then(super::queue_of_arn) else {
        return Err(refuse("Dead letter target does not exist."));
    };
    let count = match policy.get("maxReceiveCount") {
        Some(serde_json::Value::Number(n)) => n.as_u64(),
        Some(serde_json::Value::String(s)) => s.parse().ok(),
        _ => None,
    };
    let Some(count) = count.filter(|n| (1..=1000).contains(n)) else {
        return Err(refuse("Invalid value for maxReceiveCount: valid values are from 1 to 1000 both inclusive."));
    };
    Ok(Redrive { target: target.to_string(), max_receive_count: count as u32 })
}

/// The key of a message's record: its queue's name and its sequence
/// number, so that a queue's records sort in the order they were sent.
pub fn message_key(queue: &str, sequence: u64) -> String {
    format!("{queue}/{sequence:020}")
}

/// A FIFO message's `SequenceNumber`: 20 digits, growing with each message.
pub fn sequence_number(sequence: u64) -> String {
    format!("1{sequence:019}")
}

/// A message's size as SQS counts it against `MaximumMessageSize`: its body
/// and each attribute's name, type and value.
pub fn message_bytes(body: &str, attributes: &BTreeMap<String, MessageAttributeValue>) -> usize {
    attributes.iter().fold(body.len(), |total, (name, value)| {
        let bytes = attribute_value(value).map_or(0, |(_, bytes)| bytes.len());
        total.saturating_add(name.len() + value.data_type.len() + bytes)
    })
}

pub fn epoch_millis(time: SystemTime) -> u64 {
    time.duration_since(UNIX_EPOCH).map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

pub fn epoch_seconds(time: SystemTime) -> u64 {
    time.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

/// The system attributes ReceiveMessage asked for, in either of its
/// members (`AttributeNames` is the deprecated one).
pub struct SystemAttributes(pub Vec<MessageSystemAttributeName>);

impl SystemAttributes {
    fn wants(&self, name: MessageSystemAttributeName) -> bool {
        self.0.iter().any(|n| *n == name || *n == MessageSystemAttributeName::All)
    }

    /// Those of `message` this server keeps.
    pub fn of(
        &self,
        message: &Message,
        first_received: SystemTime,
    ) -> Option<BTreeMap<MessageSystemAttributeName, String>> {
        let values = [
            (MessageSystemAttributeName::SenderId, Some(crate::ACCOUNT_ID.to_string())),
            (MessageSystemAttributeName::SentTimestamp, Some(epoch_millis(message.sent).to_string())),
            (MessageSystemAttributeName::ApproximateReceiveCount, Some(message.receive_count.to_string())),
            (
                MessageSystemAttributeName::ApproximateFirstReceiveTimestamp,
                Some(epoch_millis(first_received).to_string()),
            ),
            (MessageSystemAttributeName::MessageGroupId, message.group_id.clone()),
            (MessageSystemAttributeName::MessageDeduplicationId, message.deduplication_id.clone()),
            (
                MessageSystemAttributeName::SequenceNumber,
                message.group_id.as_ref().map(|_| sequence_number(message.sequence)),
            ),
            (MessageSystemAttributeName::DeadLetterQueueSourceArn, message.dead_letter_source.clone()),
        ];
        let chosen: BTreeMap<_, _> =
            values.into_iter().filter(|(name, _)| self.wants(*name)).filter_map(|(n, v)| Some((n, v?))).collect();
        (!chosen.is_empty()).then_some(chosen)
    }
}

/// Whether a message attribute is among those ReceiveMessage asked for:
/// by name, `All` or `.*`, or a prefix (`order.*`).
pub fn attribute_wanted(wanted: &[String], name: &str) -> bool {
    wanted.iter().any(|w| {
        w == "All"
            || w == ".*"
            || w == name
            || w.strip_suffix(".*")
                .is_some_and(|prefix| name.strip_prefix(prefix).is_some_and(|rest| rest.starts_with('.')))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn redrive_policies() {
        let arn = "arn:aws:sqs:us-east-1:000000000000:dead";
        let policy = |text: &str| redrive_policy(text).ok();
        let expected = Some(Redrive { target: "dead".to_string(), max_receive_count: 3 });
        assert_eq!(policy(&format!(r#"{{"deadLetterTargetArn":"{arn}","maxReceiveCount":3}}"#)), expected);
        assert_eq!(policy(&format!(r#"{{"deadLetterTargetArn":"{arn}","maxReceiveCount":"3"}}"#)), expected);
        assert_eq!(policy(&format!(r#"{{"deadLetterTargetArn":"{arn}","maxReceiveCount":0}}"#)), None);
        assert_eq!(policy(r#"{"deadLetterTargetArn":"nope","maxReceiveCount":3}"#), None);
        assert_eq!(policy("not json"), None);
        assert_eq!(sequence_number(7), "10000000000000000007");
    }
}
