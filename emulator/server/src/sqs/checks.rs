//! What SQS refuses that the model accepts: queue names, messages (size,
//! characters, attributes), FIFO parameters, receive parameters and batch
//! entries, with SQS's codes and messages.

use std::collections::{BTreeMap, HashSet};

use emulator_generated::runtime::{UnmodelledError, excerpt};
use emulator_generated::sqs::error::{
    BatchEntryIdsNotDistinct, EmptyBatchRequest, InvalidBatchEntryId, TooManyEntriesInBatchRequest,
};
use emulator_generated::sqs::types::MessageAttributeValue;

use super::digest::attribute_value;

/// The most message attributes a message may have.
pub const MAX_MESSAGE_ATTRIBUTES: usize = 10;
/// The most entries in a batch.
pub const MAX_BATCH_ENTRIES: usize = 10;

/// Why SQS refuses a request that the model accepts. The model does not
/// define these errors (AWS treats `InvalidParameterValue` as common to all
/// operations), so handlers return them as unmodelled errors; the service is
/// awsQuery-compatible, so clients read their codes from `x-amzn-query-error`.
pub enum Refusal {
    /// An error by its awsQuery code (`InvalidParameterValue`, `MissingParameter`).
    Invalid(&'static str, String),
}

impl Refusal {
    pub fn invalid(message: impl Into<String>) -> Refusal {
        Refusal::Invalid("InvalidParameterValue", message.into())
    }

    /// Its code and message, for a batch entry's failure.
    pub fn parts(&self) -> (&'static str, &str) {
        let Refusal::Invalid(code, message) = self;
        (code, message)
    }
}

impl From<Refusal> for UnmodelledError {
    fn from(refusal: Refusal) -> Self {
        let Refusal::Invalid(code, message) = refusal;
        UnmodelledError::client(code, message)
    }
}

pub fn out_of_range(parameter: &str, value: i32, reason: &str) -> Refusal {
    Refusal::invalid(format!("Value {value} for parameter {parameter} is invalid. Reason: {reason}"))
}

/// A queue's name: 1 to 80 letters, digits, hyphens and underscores, a FIFO
/// queue's ending in `.fifo` (and only a FIFO queue's).
pub fn check_queue_name(name: &str, fifo: bool) -> Result<(), Refusal> {
    let stem = if fifo { name.strip_suffix(".fifo") } else { Some(name) };
    let valid = stem.is_some_and(|stem| {
        (1..=80).contains(&name.len()) && stem.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))
    });
    if valid {
        return Ok(());
    }
    Err(Refusal::invalid(if fifo || name.ends_with(".fifo") {
        "The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, must end with \
         .fifo suffix and be 1 to 80 in length"
    } else {
        "Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length"
    }))
}

/// What a message is sent with, from SendMessage or a batch's entry.
pub struct Outgoing<'a> {
    pub body: &'a str,
    pub delay_seconds: Option<i32>,
    pub attributes: Option<&'a BTreeMap<String, MessageAttributeValue>>,
    pub group_id: Option<&'a str>,
    pub deduplication_id: Option<&'a str>,
}

/// Checks a message as SQS does before it looks at the queue (the queue's
/// size limit and type are checked with it).
pub fn check_message(message: &Outgoing<'_>) -> Result<(), Refusal> {
    if message.body.is_empty() {
        return Err(Refusal::Invalid(
            "MissingParameter",
            "The request must contain the parameter MessageBody.".to_string(),
        ));
    }
    if !allowed_body(message.body) {
        return Err(Refusal::Invalid(
            "InvalidMessageContents",
            "Invalid binary character in the message body: characters must be #x9 | #xA | #xD | #x20 to #xD7FF | \
             #xE000 to #xFFFD | #x10000 to #x10FFFF"
                .to_string(),
        ));
    }
    if let Some(delay) = message.delay_seconds.filter(|d| !(0..=900).contains(d)) {
        return Err(out_of_range("DelaySeconds", delay, "DelaySeconds must be >= 0 and <= 900."));
    }
    let count = message.attributes.map_or(0, BTreeMap::len);
    if count > MAX_MESSAGE_ATTRIBUTES {
        return Err(Refusal::invalid(format!(
            "Number of message attributes [{count}] exceeds the allowed maximum [{MAX_MESSAGE_ATTRIBUTES}]."
        )));
    }
    for (name, value) in message.attributes.into_iter().flatten() {
        check_attribute_name(name)?;
        if value.data_type.len() > 256 {
            return Err(Refusal::invalid(format!(
                "Message attribute '{}' has a data type longer than 256 characters.",
                excerpt(name)
            )));
        }
        if attribute_value(value).is_none() {
            return Err(Refusal::invalid(format!(
                "The message attribute '{}' must contain non-empty message attribute value for message attribute \
                 type '{}'.",
                excerpt(name),
                excerpt(&value.data_type)
            )));
        }
    }
    for (parameter, value) in
        [("MessageGroupId", message.group_id), ("MessageDeduplicationId", message.deduplication_id)]
    {
        if let Some(value) = value.filter(|value| !valid_fifo_id(value)) {
            return Err(Refusal::invalid(format!(
                "Value {} for parameter {parameter} is invalid. Reason: {parameter} can only include alphanumeric \
                 and punctuation characters. 1 to 128 in length.",
                excerpt(value)
            )));
        }
    }
    Ok(())
}

/// A FIFO message's group or deduplication id: 1 to 128 letters, digits
/// and punctuation.
fn valid_fifo_id(id: &str) -> bool {
    (1..=128).contains(&id.len()) && id.chars().all(|c| c.is_ascii_alphanumeric() || c.is_ascii_punctuation())
}

/// A message attribute's name as SQS allows it: up to 256 of `A-Za-z0-9`,
/// `-`, `_` and `.`, no `.` first, last or twice in a row, and no `AWS.` or
/// `Amazon.` prefix (in any case), which AWS keeps for itself.
pub fn check_attribute_name(name: &str) -> Result<(), Refusal> {
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
    Err(Refusal::invalid(format!(
        "Message attribute name '{}' is invalid: up to 256 of A-Z, a-z, 0-9, '-', '_' and '.', not starting or \
         ending with '.', without '..', and not starting with 'AWS.' or 'Amazon.'.",
        excerpt(name)
    )))
}

/// ReceiveMessage's numbers, within SQS's ranges.
pub fn check_receive(max: Option<i32>, visibility: Option<i32>, wait: Option<i32>) -> Result<(), Refusal> {
    if let Some(n) = max.filter(|n| !(1..=10).contains(n)) {
        return Err(out_of_range("MaxNumberOfMessages", n, "Must be between 1 and 10, if provided."));
    }
    if let Some(t) = visibility.filter(|t| !(0..=43_200).contains(t)) {
        return Err(out_of_range("VisibilityTimeout", t, "Must be between 0 and 43200, if provided."));
    }
    if let Some(w) = wait.filter(|w| !(0..=20).contains(w)) {
        return Err(out_of_range("WaitTimeSeconds", w, "Must be >= 0 and <= 20, if provided."));
    }
    Ok(())
}

/// Whether a body has only the characters SQS allows: `#x9`, `#xA`, `#xD`,
/// and `#x20` to `#x10FFFF` except the surrogates and `#xFFFE`, `#xFFFF`.
pub fn allowed_body(body: &str) -> bool {
    body.chars().all(|c| matches!(c, '\t' | '\n' | '\r' | ' '..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..))
}

/// Why a batch is refused whole: empty, more than ten entries, an id SQS
/// does not allow, or two entries with one id. Each is its own modelled
/// error, which every batch operation lists.
pub enum BatchRefusal {
    Empty(EmptyBatchRequest),
    TooMany(TooManyEntriesInBatchRequest),
    InvalidId(InvalidBatchEntryId),
    NotDistinct(BatchEntryIdsNotDistinct),
}

/// Checks a batch's entry ids (`ids`).
pub fn check_batch<'a>(ids: impl ExactSizeIterator<Item = &'a str>) -> Result<(), BatchRefusal> {
    let count = ids.len();
    if count == 0 {
        let message = "There should be at least one SendMessageBatchRequestEntry in the request.".to_string();
        return Err(BatchRefusal::Empty(EmptyBatchRequest { message: Some(message) }));
    }
    if count > MAX_BATCH_ENTRIES {
        let message = format!("Maximum number of entries per request are {MAX_BATCH_ENTRIES}. You have sent {count}.");
        return Err(BatchRefusal::TooMany(TooManyEntriesInBatchRequest { message: Some(message) }));
    }
    let mut seen = HashSet::new();
    for id in ids {
        let valid =
            (1..=80).contains(&id.len()) && id.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'));
        if !valid {
            let message = "A batch entry id can only contain alphanumeric characters, hyphens and underscores. It \
                           can be at most 80 letters long."
                .to_string();
            return Err(BatchRefusal::InvalidId(InvalidBatchEntryId { message: Some(message) }));
        }
        if !seen.insert(id) {
            let message = format!("Id {} repeated.", excerpt(id));
            return Err(BatchRefusal::NotDistinct(BatchEntryIdsNotDistinct { message: Some(message) }));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_sqs_allows() {
        assert!(allowed_body("tab\there, newline\n, é, 😀"));
        assert!(!allowed_body("nul\u{0}"));
        assert!(!allowed_body("\u{FFFE}"));
    }

    #[test]
    fn queue_names() {
        assert!(check_queue_name("jobs", false).is_ok());
        assert!(check_queue_name("jobs.fifo", true).is_ok());
        assert!(check_queue_name("jobs.fifo", false).is_err());
        assert!(check_queue_name("jobs", true).is_err());
        assert!(check_queue_name(&"q".repeat(81), false).is_err());
    }

    #[test]
    fn batches() {
        assert!(check_batch(["a", "b-1_2"].into_iter()).is_ok());
        assert!(matches!(check_batch(std::iter::empty()), Err(BatchRefusal::Empty(_))));
        assert!(matches!(check_batch(["a"; 11].into_iter()), Err(BatchRefusal::TooMany(_))));
        assert!(matches!(check_batch(["a b"].into_iter()), Err(BatchRefusal::InvalidId(_))));
        assert!(matches!(check_batch(["a", "a"].into_iter()), Err(BatchRefusal::NotDistinct(_))));
    }
}
