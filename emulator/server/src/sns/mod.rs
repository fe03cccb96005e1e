//! Simple Notification Service: topics and their subscriptions, in memory
//! or, with `--data-dir`, on disk too.
//!
//! Served: topics (CreateTopic, idempotent for a name; DeleteTopic;
//! ListTopics in pages of 100; Get/SetTopicAttributes; tags), subscriptions
//! (Subscribe, Unsubscribe, ConfirmSubscription, ListSubscriptions and
//! ListSubscriptionsByTopic in pages of 100, Get/SetSubscriptionAttributes)
//! and Publish and PublishBatch, which fan a message out to the topic's
//! confirmed subscriptions whose filter policy ([`filter`]) it passes: to
//! SQS queues (the emulator's own, in the same process; the JSON envelope,
//! or the message itself with `RawMessageDelivery`) and to `http`
//! endpoints (POSTed, after they confirm the subscription SNS POSTs them;
//! retried as the delivery policy says, [`retry`]). What is not delivered
//! goes to the subscription's dead-letter queue (`RedrivePolicy`), if any.
//! Other protocols (email, sms, lambda, ...) are subscribed and delivered
//! to nowhere. FIFO topics take a group id and deduplicate, and pass both
//! on to FIFO queues. SNS's limits: names, messages of 256 KB with their
//! attributes, batches of 10, 50 tags, 100,000 topics.

mod delivery;
mod filter;
mod retry;

use std::collections::{BTreeMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, PoisonError};
use std::time::SystemTime;

use emulator_generated::runtime::context::RequestContext;
use emulator_generated::runtime::{Unit, UnmodelledError, excerpt};
use emulator_generated::sns::error::{
    BatchEntryIdsNotDistinctException, BatchRequestTooLongException, EmptyBatchRequestException,
    InvalidBatchEntryIdException, InvalidParameterException, NotFoundException, ResourceNotFoundException,
    TagLimitExceededException, TooManyEntriesInBatchRequestException, TopicLimitExceededException,
};
use emulator_generated::sns::operation::confirm_subscription::{
    ConfirmSubscriptionError, ConfirmSubscriptionInput, ConfirmSubscriptionResponse,
};
use emulator_generated::sns::operation::create_topic::{CreateTopicError, CreateTopicInput, CreateTopicResponse};
use emulator_generated::sns::operation::delete_topic::{DeleteTopicError, DeleteTopicInput};
use emulator_generated::sns::operation::get_subscription_attributes::{
    GetSubscriptionAttributesError, GetSubscriptionAttributesInput, GetSubscriptionAttributesResponse,
};
use emulator_generated::sns::operation::get_topic_attributes::{
    GetTopicAttributesError, GetTopicAttributesInput, GetTopicAttributesResponse,
};
use emulator_generated::sns::operation::list_subscriptions::{
    ListSubscriptionsError, ListSubscriptionsInput, ListSubscriptionsResponse,
};
use emulator_generated::sns::operation::list_subscriptions_by_topic::{
    ListSubscriptionsByTopicError, ListSubscriptionsByTopicInput, ListSubscriptionsByTopicResponse,
};
use emulator_generated::sns::operation::list_tags_for_resource::{
    ListTagsForResourceError, ListTagsForResourceRequest, ListTagsForResourceResponse,
};
use emulator_generated::sns::operation::list_topics::{ListTopicsError, ListTopicsInput, ListTopicsResponse};
use emulator_generated::sns::operation::publish::{PublishError, PublishInput, PublishResponse};
use emulator_generated::sns::operation::publish_batch::{PublishBatchError, PublishBatchInput, PublishBatchResponse};
use emulator_generated::sns::operation::set_subscription_attributes::{
    SetSubscriptionAttributesError, SetSubscriptionAttributesInput,
};
use emulator_generated::sns::operation::set_topic_attributes::{SetTopicAttributesError, SetTopicAttributesInput};
use emulator_generated::sns::operation::subscribe::{SubscribeError, SubscribeInput, SubscribeResponse};
use emulator_generated::sns::operation::tag_resource::{TagResourceError, TagResourceRequest, TagResourceResponse};
use emulator_generated::sns::operation::unsubscribe::{UnsubscribeError, UnsubscribeInput};
use emulator_generated::sns::operation::untag_resource::{
    UntagResourceError, UntagResourceRequest, UntagResourceResponse,
};
use emulator_generated::sns::service::AmazonSimpleNotificationService;
use emulator_generated::sns::types::{
    BatchResultErrorEntry, MessageAttributeValue, PublishBatchResultEntry, Subscription as Listed, Tag, Topic,
};
use emulator_generated::sqs::types::MessageAttributeValue as SqsAttribute;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::ids::Ids;
use crate::sqs::Sqs;
use crate::store::{self, Change, Store, StoreError};
use crate::{ACCOUNT_ID, REGION};
use delivery::{EnvelopeAttribute, Notification};
use filter::Scope;

/// Topics and subscriptions listed per page, as SNS lists them.
const PAGE: usize = 100;
/// The largest message, its attributes' names, types and values counted;
/// and the largest batch, all its messages together.
const MAX_MESSAGE_BYTES: usize = 262_144;
/// The most topics an account has (SNS's default quota).
const MAX_TOPICS: usize = 100_000;
/// The most tags a topic has.
const MAX_TAGS: usize = 50;
/// The most entries of a batch.
const MAX_BATCH_ENTRIES: usize = 10;
/// The name of the service's records.
const SERVICE: &str = "sns";
/// The attributes SetSubscriptionAttributes sets.
const SUBSCRIPTION_ATTRIBUTES: [&str; 7] = [
    "DeliveryPolicy",
    "FilterPolicy",
    "FilterPolicyScope",
    "RawMessageDelivery",
    "RedrivePolicy",
    "SubscriptionRoleArn",
    "ReplayPolicy",
];

/// The topics and subscriptions, by ARN.
pub struct Sns {
    state: Mutex<State>,
    ids: Ids,
    store: Arc<Store>,
    /// The queues SQS subscriptions deliver to.
    sqs: Sqs,
    /// `http://<host>:<port>`, for the URLs in messages.
    endpoint: OnceLock<String>,
    /// The last FIFO sequence number given.
    sequence: AtomicU64,
}

#[derive(Default)]
struct State {
    topics: BTreeMap<String, TopicState>,
    subscriptions: BTreeMap<String, SubscriptionState>,
}

/// A topic as its record keeps it.
#[derive(Clone, Default, Serialize, Deserialize)]
struct TopicState {
    attributes: BTreeMap<String, String>,
    #[serde(default)]
    tags: BTreeMap<String, String>,
}

/// A subscription as its record keeps it.
#[derive(Clone, Serialize, Deserialize)]
struct SubscriptionState {
    topic_arn: String,
    protocol: String,
    endpoint: String,
    attributes: BTreeMap<String, String>,
    confirmed: bool,
    token: String,
}

/// A message published, before it fans out.
struct Outgoing<'a> {
    message: &'a str,
    subject: Option<&'a str>,
    structure: Option<&'a str>,
    attributes: Option<&'a BTreeMap<String, MessageAttributeValue>>,
    group_id: Option<&'a str>,
    deduplication_id: Option<&'a str>,
}

impl Sns {
    /// A FIFO message's sequence number: the nanoseconds since the epoch it
    /// was sent at, or one more than the last given if that is not more, so
    /// that each is greater than the one before, across restarts too.
    fn next_sequence(&self, sent: SystemTime) -> u64 {
        let at = sent.duration_since(SystemTime::UNIX_EPOCH).map_or(0, |d| d.as_nanos() as u64 % 10u64.pow(19));
        let before = self.sequence.fetch_max(at, Ordering::Relaxed);
        if before < at {
            return at;
        }
        self.sequence.fetch_add(1, Ordering::Relaxed) + 1
    }

    /// The service, with the topics and subscriptions an earlier run left
    /// in `store`, delivering to the queues of `sqs`.
    pub fn new(store: Arc<Store>, sqs: Sqs) -> Result<Self, StoreError> {
        let state = State {
            topics: store.load(SERVICE, "topic")?.into_iter().collect(),
            subscriptions: store.load(SERVICE, "subscription")?.into_iter().collect(),
        };
        Ok(Sns {
            state: Mutex::new(state),
            ids: Ids::new(),
            store,
            sqs,
            endpoint: OnceLock::new(),
            sequence: AtomicU64::new(0),
        })
    }

    /// Makes `endpoint` the start of the URLs in messages (once).
    pub fn set_endpoint(&self, endpoint: &str) {
        let _ = self.endpoint.set(endpoint.to_string());
    }

    /// Forgets every topic and subscription.
    pub fn reset(&self) {
        *self.state() = State::default();
        if let Err(e) = self.store.clear(SERVICE) {
            tracing::error!(%e, "SNS could not forget its state");
        }
    }

    fn commit(&self, change: Change) -> Result<(), UnmodelledError> {
        self.store.commit(SERVICE, change).map_err(|e| {
            tracing::error!(%e, "SNS could not keep its state");
            UnmodelledError::server("InternalError", "Request could not be completed.")
        })
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn url(&self) -> &str {
        self.endpoint.get().map_or("http://localhost:4566", String::as_str)
    }

    /// Publishes `outgoing` to `topic_arn`: the message id and, for a FIFO
    /// topic, its sequence number.
    fn publish_one(&self, topic_arn: &str, outgoing: &Outgoing<'_>) -> Result<(String, Option<String>), Unpublished> {
        check_message(outgoing)?;
        let state = self.state();
        let topic = state.topics.get(topic_arn).ok_or(Unpublished::NoTopic)?;
        let topic_policy = topic.attributes.get("DeliveryPolicy").cloned();
        let fifo = topic_arn.ends_with(".fifo");
        let (group_id, deduplication_id) = if fifo {
            let group = outgoing.group_id.ok_or_else(|| {
                invalid("Invalid parameter: The MessageGroupId parameter is required for FIFO topics")
            })?;
            let content_based = topic.attributes.get("ContentBasedDeduplication").is_some_and(|v| v == "true");
            let deduplication = match (outgoing.deduplication_id, content_based) {
                (Some(id), _) => id.to_string(),
                (None, true) => {
                    Sha256::digest(outgoing.message.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
                }
                (None, false) => {
                    return Err(Unpublished::Refused(invalid(
                        "Invalid parameter: The topic should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly",
                    )));
                }
            };
            (Some(group.to_string()), Some(deduplication))
        } else {
            (None, None)
        };
        let messages = by_protocol(outgoing)?;
        let id = self.ids.uuid();
        let sent = SystemTime::now();
        let envelope_attributes: BTreeMap<String, EnvelopeAttribute> = outgoing
            .attributes
            .into_iter()
            .flatten()
            .map(|(name, value)| {
                let value_text = match &value.binary_value {
                    Some(blob) => blob.to_base64(),
                    None => value.string_value.clone().unwrap_or_default(),
                };
                (name.clone(), EnvelopeAttribute { data_type: value.data_type.clone(), value: value_text })
            })
            .collect();
        for (arn, subscription) in state.subscriptions.iter().filter(|(_, s)| s.topic_arn == topic_arn && s.confirmed) {
            if !passes(subscription, outgoing) {
                continue;
            }
            let message = messages
                .get(subscription.protocol.as_str())
                .or(messages.get("default"))
                .map_or(outgoing.message, String::as_str);
            let raw = subscription.attributes.get("RawMessageDelivery").is_some_and(|v| v.eq_ignore_ascii_case("true"));
            let envelope = || {
                delivery::notification(&Notification {
                    id: &id,
                    topic_arn,
                    subject: outgoing.subject,
                    message,
                    attributes: &envelope_attributes,
                    unsubscribe_url: format!("{}/?Action=Unsubscribe&SubscriptionArn={arn}", self.url()),
                    sent,
                })
            };
            match subscription.protocol.as_str() {
                "sqs" => {
                    let (body, attributes) = if raw {
                        (message.to_string(), sqs_attributes(outgoing.attributes))
                    } else {
                        (envelope(), BTreeMap::new())
                    };
                    let delivered = self.sqs.deliver(
                        &subscription.endpoint,
                        &body,
                        &attributes,
                        group_id.as_deref(),
                        deduplication_id.as_deref(),
                    );
                    if let Err(why) = delivered {
                        send_to_dead_letter_queue(&self.sqs, subscription, arn, &body, &why);
                    }
                }
                "http" | "https" => {
                    let body = if raw { message.to_string() } else { envelope() };
                    let mut headers = vec![
                        ("x-amz-sns-message-type", "Notification".to_string()),
                        ("x-amz-sns-message-id", id.clone()),
                        ("x-amz-sns-topic-arn", topic_arn.to_string()),
                        ("x-amz-sns-subscription-arn", arn.clone()),
                    ];
                    if raw {
                        headers.push(("x-amz-sns-rawdelivery", "true".to_string()));
                    }
                    let policy = retry::RetryPolicy::of(
                        subscription.attributes.get("DeliveryPolicy").map(String::as_str),
                        topic_policy.as_deref(),
                    );
                    let post = Post { url: subscription.endpoint.clone(), headers, body, policy };
                    spawn_post(post, arn.clone(), Some((self.sqs.clone(), subscription.clone())));
                }
                // Subscribed, delivered to nowhere: the emulator sends no
                // email, SMS or push, and runs no functions.
                _ => {}
            }
        }
        let sequence = fifo.then(|| format!("1{:019}", self.next_sequence(sent)));
        Ok((id, sequence))
    }
}

/// Why a message was not published: no such topic (`NotFound`), or SNS's
/// refusal of the message.
enum Unpublished {
    NoTopic,
    Refused(UnmodelledError),
}

impl From<UnmodelledError> for Unpublished {
    fn from(e: UnmodelledError) -> Self {
        Unpublished::Refused(e)
    }
}

/// A notification for an `http` endpoint, and how to retry it.
struct Post {
    url: String,
    headers: Vec<(&'static str, String)>,
    body: String,
    policy: retry::RetryPolicy,
}

/// POSTs a message to an `http` endpoint in the background (SNS answers
/// the publisher before it delivers), retried as the delivery policy says
/// while the endpoint does not answer or answers a server error (5xx); an
/// answer below 500 ends it. A notification the retries do not deliver
/// goes to the subscription's dead-letter queue (`dead_letter`), if it has
/// one.
fn spawn_post(post: Post, arn: String, dead_letter: Option<(Sqs, SubscriptionState)>) {
    tokio::spawn(async move {
        let mut waits = post.policy.delays().into_iter();
        loop {
            let why = match delivery::post(&post.url, &post.headers, post.body.clone()).await {
                Ok(status) if status < 500 => {
                    if !(200..300).contains(&status) {
                        tracing::warn!(subscription = %arn, status, "an SNS endpoint refused a message");
                    }
                    return;
                }
                Ok(status) => format!("the endpoint answered {status}"),
                Err(why) => why,
            };
            match waits.next() {
                Some(wait) => tokio::time::sleep(wait).await,
                None => {
                    let Some((sqs, subscription)) = dead_letter else {
                        tracing::warn!(subscription = %arn, %why, "SNS could not deliver a message");
                        return;
                    };
                    // Delivering to SQS may wait for its disk: not on a worker.
                    let _ = tokio::task::spawn_blocking(move || {
                        send_to_dead_letter_queue(&sqs, &subscription, &arn, &post.body, &why);
                    })
                    .await;
                    return;
                }
            }
        }
    });
}

/// What could not be delivered to a subscription: sent to the SQS queue its
/// `RedrivePolicy` names (as it would have been delivered), or dropped and
/// logged, as SNS drops it.
fn send_to_dead_letter_queue(sqs: &Sqs, subscription: &SubscriptionState, arn: &str, body: &str, why: &str) {
    let queue = subscription
        .attributes
        .get("RedrivePolicy")
        .and_then(|policy| serde_json::from_str::<serde_json::Value>(policy).ok())
        .and_then(|policy| policy.get("deadLetterTargetArn")?.as_str().map(str::to_string));
    let Some(queue) = queue else {
        tracing::warn!(subscription = %arn, %why, "SNS could not deliver a message");
        return;
    };
    match sqs.deliver(&queue, body, &BTreeMap::new(), None, None) {
        Ok(()) => {
            tracing::warn!(subscription = %arn, %why, "SNS sent a message it could not deliver to the dead-letter queue")
        }
        Err(dead) => {
            tracing::warn!(subscription = %arn, %why, %dead, "SNS could not deliver a message, nor dead-letter it")
        }
    }
}

/// Whether a message passes a subscription's filter policy (all pass
/// without one).
fn passes(subscription: &SubscriptionState, outgoing: &Outgoing<'_>) -> bool {
    let Some(policy) = subscription.attributes.get("FilterPolicy").and_then(|text| serde_json::from_str(text).ok())
    else {
        return true;
    };
    let scope = match subscription.attributes.get("FilterPolicyScope").map(String::as_str) {
        Some("MessageBody") => Scope::Body,
        _ => Scope::Attributes,
    };
    filter::matches(
        &policy,
        scope,
        |name| {
            let value = outgoing.attributes?.get(name)?;
            Some(filter::Attribute { data_type: &value.data_type, value: value.string_value.as_deref() })
        },
        outgoing.message,
    )
}

/// The message each protocol gets: with `MessageStructure=json`, the JSON
/// object's members (`default` required); else just the message.
fn by_protocol(outgoing: &Outgoing<'_>) -> Result<BTreeMap<String, String>, UnmodelledError> {
    if outgoing.structure != Some("json") {
        return Ok(BTreeMap::new());
    }
    let refuse = || invalid("Invalid parameter: Message Structure - No default entry in JSON message body");
    let parsed: serde_json::Value = serde_json::from_str(outgoing.message)
        .map_err(|_| invalid("Invalid parameter: Message Structure - JSON message body failed to parse"))?;
    let object = parsed.as_object().ok_or_else(refuse)?;
    if !object.get("default").is_some_and(serde_json::Value::is_string) {
        return Err(refuse());
    }
    Ok(object.iter().filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_string()))).collect())
}

/// A message's attributes as SQS attributes, for raw delivery.
fn sqs_attributes(attributes: Option<&BTreeMap<String, MessageAttributeValue>>) -> BTreeMap<String, SqsAttribute> {
    attributes
        .into_iter()
        .flatten()
        .map(|(name, value)| {
            let attribute = SqsAttribute {
                data_type: value.data_type.clone(),
                string_value: value.string_value.clone(),
                binary_value: value.binary_value.clone(),
                string_list_values: None,
                binary_list_values: None,
            };
            (name.clone(), attribute)
        })
        .collect()
}

/// Checks a message as SNS does: not empty, 256 KB with its attributes.
fn check_message(outgoing: &Outgoing<'_>) -> Result<(), UnmodelledError> {
    if outgoing.message.is_empty() {
        return Err(invalid("Invalid parameter: Empty message"));
    }
    let attributes = outgoing.attributes.into_iter().flatten().map(|(name, value)| {
        let bytes = value.string_value.as_ref().map_or(0, String::len)
            + value.binary_value.as_ref().map_or(0, |blob| blob.as_bytes().len());
        name.len() + value.data_type.len() + bytes
    });
    let size = attributes.fold(outgoing.message.len(), usize::saturating_add);
    if size > MAX_MESSAGE_BYTES {
        return Err(invalid("Invalid parameter: Message too long"));
    }
    Ok(())
}

fn invalid(message: &str) -> UnmodelledError {
    UnmodelledError::client("InvalidParameter", message)
}

fn invalid_parameter(message: impl Into<String>) -> InvalidParameterException {
    InvalidParameterException { message: Some(message.into()) }
}

fn not_found() -> NotFoundException {
    NotFoundException { message: Some("Topic does not exist".to_string()) }
}

fn no_subscription() -> NotFoundException {
    NotFoundException { message: Some("Subscription does not exist".to_string()) }
}

/// Whether `name` is a topic name SNS accepts: 1 to 256 letters, digits,
/// hyphens and underscores (a FIFO topic's ending in `.fifo`).
fn valid_name(name: &str) -> bool {
    let stem = name.strip_suffix(".fifo").unwrap_or(name);
    (1..=256).contains(&name.len()) && stem.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// A topic's attributes as GetTopicAttributes answers them.
fn topic_attributes(arn: &str, topic: &TopicState, state: &State) -> BTreeMap<String, String> {
    let subscriptions = state.subscriptions.values().filter(|s| s.topic_arn == arn);
    let (confirmed, pending) =
        subscriptions.fold((0, 0), |(c, p), s| if s.confirmed { (c + 1, p) } else { (c, p + 1) });
    let policy = serde_json::json!({
        "Version": "2008-10-17",
        "Id": "__default_policy_ID",
        "Statement": [{
            "Sid": "__default_statement_ID",
            "Effect": "Allow",
            "Principal": {"AWS": "*"},
            "Action": ["SNS:Publish", "SNS:Subscribe", "SNS:Receive", "SNS:GetTopicAttributes", "SNS:SetTopicAttributes",
                       "SNS:AddPermission", "SNS:RemovePermission", "SNS:DeleteTopic", "SNS:ListSubscriptionsByTopic"],
            "Resource": arn,
            "Condition": {"StringEquals": {"AWS:SourceOwner": ACCOUNT_ID}},
        }],
    });
    let mut attributes = BTreeMap::from([
        ("TopicArn".to_string(), arn.to_string()),
        ("Owner".to_string(), ACCOUNT_ID.to_string()),
        ("DisplayName".to_string(), String::new()),
        ("Policy".to_string(), policy.to_string()),
        ("SubscriptionsConfirmed".to_string(), confirmed.to_string()),
        ("SubscriptionsPending".to_string(), pending.to_string()),
        ("SubscriptionsDeleted".to_string(), "0".to_string()),
    ]);
    if arn.ends_with(".fifo") {
        attributes.insert("FifoTopic".to_string(), "true".to_string());
        attributes.insert("ContentBasedDeduplication".to_string(), "false".to_string());
    }
    attributes.extend(topic.attributes.iter().map(|(k, v)| (k.clone(), v.clone())));
    attributes
}

/// Checks the attributes a subscription is given: the ones SNS sets, with
/// values it accepts.
fn check_subscription_attribute(name: &str, value: &str) -> Result<(), InvalidParameterException> {
    if !SUBSCRIPTION_ATTRIBUTES.contains(&name) {
        return Err(invalid_parameter("Invalid parameter: AttributeName"));
    }
    match name {
        "FilterPolicy" if !value.is_empty() => filter::check(value)
            .map(|_| ())
            .map_err(|why| invalid_parameter(format!("Invalid parameter: FilterPolicy: {why}"))),
        "FilterPolicyScope" if !matches!(value, "MessageAttributes" | "MessageBody") => {
            Err(invalid_parameter("Invalid parameter: FilterPolicyScope: Invalid filter policy scope"))
        }
        "RawMessageDelivery" if !value.eq_ignore_ascii_case("true") && !value.eq_ignore_ascii_case("false") => {
            Err(invalid_parameter("Invalid parameter: RawMessageDelivery: Invalid value [must be true or false]"))
        }
        _ => Ok(()),
    }
}

fn listed(arn: &str, subscription: &SubscriptionState) -> Listed {
    Listed {
        subscription_arn: Some(if subscription.confirmed {
            arn.to_string()
        } else {
            "PendingConfirmation".to_string()
        }),
        owner: Some(ACCOUNT_ID.to_string()),
        protocol: Some(subscription.protocol.clone()),
        endpoint: Some(subscription.endpoint.clone()),
        topic_arn: Some(subscription.topic_arn.clone()),
    }
}

/// A page of `subscriptions` after `token` (an ARN), and the next token.
fn page<'a>(
    subscriptions: impl Iterator<Item = (&'a String, &'a SubscriptionState)>,
    token: Option<&str>,
) -> (Vec<Listed>, Option<String>) {
    let mut chosen: Vec<(&String, &SubscriptionState)> =
        subscriptions.filter(|(arn, _)| token.is_none_or(|token| arn.as_str() > token)).take(PAGE + 1).collect();
    let more = chosen.len() > PAGE;
    chosen.truncate(PAGE);
    let next = more.then(|| chosen.last().map(|(arn, _)| (*arn).clone())).flatten();
    (chosen.into_iter().map(|(arn, s)| listed(arn, s)).collect(), next)
}

impl AmazonSimpleNotificationService for Sns {
    async fn create_topic(
        &self,
        _: &RequestContext,
        input: CreateTopicInput,
    ) -> Result<CreateTopicResponse, CreateTopicError> {
        let attributes = input.attributes.unwrap_or_default();
        let fifo_asked = attributes.get("FifoTopic").is_some_and(|v| v == "true");
        if !valid_name(&input.name) || fifo_asked != input.name.ends_with(".fifo") {
            let message = if fifo_asked || input.name.ends_with(".fifo") {
                "Invalid parameter: Fifo Topic names must end with .fifo and must be made up of only uppercase and lowercase ASCII letters, numbers, underscores, and hyphens, and must be between 1 and 256 characters long."
            } else {
                "Invalid parameter: Topic Name"
            };
            return Err(invalid_parameter(message).into());
        }
        let tags: BTreeMap<String, String> =
            input.tags.unwrap_or_default().into_iter().map(|t| (t.key, t.value)).collect();
        if tags.len() > MAX_TAGS {
            let message = format!("Could not complete request: tag quota of per resource exceeded ({MAX_TAGS})");
            return Err(TagLimitExceededException { message: Some(message) }.into());
        }
        let arn = format!("arn:aws:sns:{REGION}:{ACCOUNT_ID}:{}", input.name);
        let mut state = self.state();
        if !state.topics.contains_key(&arn) {
            if state.topics.len() >= MAX_TOPICS {
                let message = format!("Topic limit exceeded: an account has at most {MAX_TOPICS} topics");
                return Err(TopicLimitExceededException { message: Some(message) }.into());
            }
            let topic = TopicState { attributes, tags };
            self.commit(Change::default().put("topic", arn.clone(), store::record(&topic)))?;
            state.topics.insert(arn.clone(), topic);
        }
        Ok(CreateTopicResponse { topic_arn: Some(arn) })
    }

    async fn delete_topic(&self, _: &RequestContext, input: DeleteTopicInput) -> Result<Unit, DeleteTopicError> {
        // Deleting a topic that does not exist succeeds, as in SNS; its
        // subscriptions go with it.
        let mut state = self.state();
        if state.topics.contains_key(&input.topic_arn) {
            let gone: Vec<String> = state
                .subscriptions
                .iter()
                .filter(|(_, s)| s.topic_arn == input.topic_arn)
                .map(|(arn, _)| arn.clone())
                .collect();
            let change = gone.iter().fold(Change::default().delete("topic", input.topic_arn.clone()), |change, arn| {
                change.delete("subscription", arn.clone())
            });
            self.commit(change)?;
            state.topics.remove(&input.topic_arn);
            for arn in gone {
                state.subscriptions.remove(&arn);
            }
        }
        Ok(Unit {})
    }

    async fn list_topics(
        &self,
        _: &RequestContext,
        input: ListTopicsInput,
    ) -> Result<ListTopicsResponse, ListTopicsError> {
        let state = self.state();
        let after = input.next_token.unwrap_or_default();
        let mut page: Vec<Topic> = state
            .topics
            .keys()
            .filter(|arn| **arn > after)
            .take(PAGE + 1)
            .map(|arn| Topic { topic_arn: Some(arn.clone()) })
            .collect();
        let next_token = (page.len() > PAGE).then(|| {
            page.truncate(PAGE);
            page.last().and_then(|topic| topic.topic_arn.clone()).unwrap_or_default()
        });
        Ok(ListTopicsResponse { topics: Some(page), next_token })
    }

    async fn get_topic_attributes(
        &self,
        _: &RequestContext,
        input: GetTopicAttributesInput,
    ) -> Result<GetTopicAttributesResponse, GetTopicAttributesError> {
        let state = self.state();
        let topic = state.topics.get(&input.topic_arn).ok_or_else(not_found)?;
        Ok(GetTopicAttributesResponse { attributes: Some(topic_attributes(&input.topic_arn, topic, &state)) })
    }

    async fn set_topic_attributes(
        &self,
        _: &RequestContext,
        input: SetTopicAttributesInput,
    ) -> Result<Unit, SetTopicAttributesError> {
        const SETTABLE: [&str; 10] = [
            "DisplayName",
            "Policy",
            "DeliveryPolicy",
            "KmsMasterKeyId",
            "TracingConfig",
            "SignatureVersion",
            "ContentBasedDeduplication",
            "ArchivePolicy",
            "DataProtectionPolicy",
            "FifoThroughputScope",
        ];
        if !SETTABLE.contains(&input.attribute_name.as_str())
            && !input.attribute_name.ends_with("FeedbackRoleArn")
            && !input.attribute_name.ends_with("SuccessFeedbackSampleRate")
        {
            return Err(invalid_parameter("Invalid parameter: AttributeName").into());
        }
        let mut state = self.state();
        let topic = state.topics.get_mut(&input.topic_arn).ok_or_else(not_found)?;
        let mut changed = topic.clone();
        changed.attributes.insert(input.attribute_name, input.attribute_value.unwrap_or_default());
        self.commit(Change::default().put("topic", input.topic_arn.clone(), store::record(&changed)))?;
        *topic = changed;
        Ok(Unit {})
    }

    async fn tag_resource(
        &self,
        _: &RequestContext,
        input: TagResourceRequest,
    ) -> Result<TagResourceResponse, TagResourceError> {
        let mut state = self.state();
        let not_there = || ResourceNotFoundException { message: Some("Resource does not exist".to_string()) };
        let topic = state.topics.get_mut(&input.resource_arn).ok_or_else(not_there)?;
        let mut changed = topic.clone();
        changed.tags.extend(input.tags.into_iter().map(|t| (t.key, t.value)));
        if changed.tags.len() > MAX_TAGS {
            let message = format!("Could not complete request: tag quota of per resource exceeded ({MAX_TAGS})");
            return Err(TagLimitExceededException { message: Some(message) }.into());
        }
        self.commit(Change::default().put("topic", input.resource_arn.clone(), store::record(&changed)))?;
        *topic = changed;
        Ok(TagResourceResponse {})
    }

    async fn untag_resource(
        &self,
        _: &RequestContext,
        input: UntagResourceRequest,
    ) -> Result<UntagResourceResponse, UntagResourceError> {
        let mut state = self.state();
        let not_there = || ResourceNotFoundException { message: Some("Resource does not exist".to_string()) };
        let topic = state.topics.get_mut(&input.resource_arn).ok_or_else(not_there)?;
        let mut changed = topic.clone();
        for key in &input.tag_keys {
            changed.tags.remove(key);
        }
        self.commit(Change::default().put("topic", input.resource_arn.clone(), store::record(&changed)))?;
        *topic = changed;
        Ok(UntagResourceResponse {})
    }

    async fn list_tags_for_resource(
        &self,
        _: &RequestContext,
        input: ListTagsForResourceRequest,
    ) -> Result<ListTagsForResourceResponse, ListTagsForResourceError> {
        let state = self.state();
        let not_there = || ResourceNotFoundException { message: Some("Resource does not exist".to_string()) };
        let topic = state.topics.get(&input.resource_arn).ok_or_else(not_there)?;
        let tags = topic.tags.iter().map(|(key, value)| Tag { key: key.clone(), value: value.clone() }).collect();
        Ok(ListTagsForResourceResponse { tags: Some(tags) })
    }

    async fn subscribe(&self, _: &RequestContext, input: SubscribeInput) -> Result<SubscribeResponse, SubscribeError> {
        let attributes = input.attributes.unwrap_or_default();
        for (name, value) in &attributes {
            check_subscription_attribute(name, value)?;
        }
        let endpoint = input.endpoint.unwrap_or_default();
        match input.protocol.as_str() {
            "sqs" => {
                let name = endpoint.strip_prefix(&format!("arn:aws:sqs:{REGION}:{ACCOUNT_ID}:"));
                if name.is_none_or(str::is_empty) {
                    return Err(invalid_parameter("Invalid parameter: SQS endpoint ARN").into());
                }
                if input.topic_arn.ends_with(".fifo") != endpoint.ends_with(".fifo") {
                    return Err(invalid_parameter(
                        "Invalid parameter: Endpoint Reason: FIFO SQS Queues can not be subscribed to standard SNS topics",
                    )
                    .into());
                }
            }
            "http" | "https" => {
                if !endpoint.starts_with(&format!("{}://", input.protocol)) {
                    return Err(
                        invalid_parameter("Invalid parameter: Endpoint must match the specified protocol").into()
                    );
                }
            }
            "email" | "email-json" | "sms" | "lambda" | "application" | "firehose" => {}
            _ => {
                return Err(
                    invalid_parameter("Invalid parameter: Amazon SNS does not support this protocol string").into()
                );
            }
        }
        let mut state = self.state();
        if !state.topics.contains_key(&input.topic_arn) {
            return Err(not_found().into());
        }
        // The same topic, protocol and endpoint: the same subscription.
        let existing = state
            .subscriptions
            .iter()
            .find(|(_, s)| s.topic_arn == input.topic_arn && s.protocol == input.protocol && s.endpoint == endpoint);
        if let Some((arn, subscription)) = existing {
            let differ = attributes.iter().any(|(k, v)| subscription.attributes.get(k) != Some(v));
            if differ {
                return Err(invalid_parameter(
                    "Invalid parameter: Attributes Reason: Subscription already exists with different attributes",
                )
                .into());
            }
            let answer = if subscription.confirmed || input.return_subscription_arn {
                arn.clone()
            } else {
                "pending confirmation".to_string()
            };
            return Ok(SubscribeResponse { subscription_arn: Some(answer) });
        }
        let arn = format!("{}:{}", input.topic_arn, self.ids.uuid());
        // SQS and the protocols the emulator delivers nowhere need no
        // confirmation; HTTP endpoints confirm what SNS POSTs them.
        let confirmed = !matches!(input.protocol.as_str(), "http" | "https");
        let token: String = format!("{}{}", self.ids.uuid(), self.ids.uuid()).replace('-', "");
        let subscription = SubscriptionState {
            topic_arn: input.topic_arn.clone(),
            protocol: input.protocol.clone(),
            endpoint: endpoint.clone(),
            attributes,
            confirmed,
            token: token.clone(),
        };
        self.commit(Change::default().put("subscription", arn.clone(), store::record(&subscription)))?;
        state.subscriptions.insert(arn.clone(), subscription);
        if !confirmed {
            let subscribe_url =
                format!("{}/?Action=ConfirmSubscription&TopicArn={}&Token={token}", self.url(), input.topic_arn);
            let body =
                delivery::confirmation(&self.ids.uuid(), &input.topic_arn, &token, &subscribe_url, SystemTime::now());
            let headers = vec![
                ("x-amz-sns-message-type", "SubscriptionConfirmation".to_string()),
                ("x-amz-sns-topic-arn", input.topic_arn.clone()),
            ];
            let topic_policy = state.topics.get(&input.topic_arn).and_then(|t| t.attributes.get("DeliveryPolicy"));
            let subscribed = &state.subscriptions[&arn];
            let policy = retry::RetryPolicy::of(
                subscribed.attributes.get("DeliveryPolicy").map(String::as_str),
                topic_policy.map(String::as_str),
            );
            spawn_post(Post { url: endpoint, headers, body, policy }, arn.clone(), None);
        }
        let answer = if confirmed || input.return_subscription_arn { arn } else { "pending confirmation".to_string() };
        Ok(SubscribeResponse { subscription_arn: Some(answer) })
    }

    async fn confirm_subscription(
        &self,
        _: &RequestContext,
        input: ConfirmSubscriptionInput,
    ) -> Result<ConfirmSubscriptionResponse, ConfirmSubscriptionError> {
        let mut state = self.state();
        if !state.topics.contains_key(&input.topic_arn) {
            return Err(not_found().into());
        }
        let found = state
            .subscriptions
            .iter()
            .find(|(_, s)| s.topic_arn == input.topic_arn && s.token == input.token)
            .map(|(arn, s)| (arn.clone(), s.clone()));
        let Some((arn, mut subscription)) = found else {
            return Err(invalid_parameter("Invalid token").into());
        };
        if !subscription.confirmed {
            subscription.confirmed = true;
            self.commit(Change::default().put("subscription", arn.clone(), store::record(&subscription)))?;
            state.subscriptions.insert(arn.clone(), subscription);
        }
        Ok(ConfirmSubscriptionResponse { subscription_arn: Some(arn) })
    }

    async fn unsubscribe(&self, _: &RequestContext, input: UnsubscribeInput) -> Result<Unit, UnsubscribeError> {
        let mut state = self.state();
        if !state.subscriptions.contains_key(&input.subscription_arn) {
            return Err(no_subscription().into());
        }
        self.commit(Change::default().delete("subscription", input.subscription_arn.clone()))?;
        state.subscriptions.remove(&input.subscription_arn);
        Ok(Unit {})
    }

    async fn list_subscriptions(
        &self,
        _: &RequestContext,
        input: ListSubscriptionsInput,
    ) -> Result<ListSubscriptionsResponse, ListSubscriptionsError> {
        let state = self.state();
        let (subscriptions, next_token) = page(state.subscriptions.iter(), input.next_token.as_deref());
        Ok(ListSubscriptionsResponse { subscriptions: Some(subscriptions), next_token })
    }

    async fn list_subscriptions_by_topic(
        &self,
        _: &RequestContext,
        input: ListSubscriptionsByTopicInput,
    ) -> Result<ListSubscriptionsByTopicResponse, ListSubscriptionsByTopicError> {
        let state = self.state();
        if !state.topics.contains_key(&input.topic_arn) {
            return Err(not_found().into());
        }
        let of_topic = state.subscriptions.iter().filter(|(_, s)| s.topic_arn == input.topic_arn);
        let (subscriptions, next_token) = page(of_topic, input.next_token.as_deref());
        Ok(ListSubscriptionsByTopicResponse { subscriptions: Some(subscriptions), next_token })
    }

    async fn get_subscription_attributes(
        &self,
        _: &RequestContext,
        input: GetSubscriptionAttributesInput,
    ) -> Result<GetSubscriptionAttributesResponse, GetSubscriptionAttributesError> {
        let state = self.state();
        let subscription = state.subscriptions.get(&input.subscription_arn).ok_or_else(no_subscription)?;
        let mut attributes = BTreeMap::from([
            ("SubscriptionArn".to_string(), input.subscription_arn.clone()),
            ("TopicArn".to_string(), subscription.topic_arn.clone()),
            ("Owner".to_string(), ACCOUNT_ID.to_string()),
            ("Protocol".to_string(), subscription.protocol.clone()),
            ("Endpoint".to_string(), subscription.endpoint.clone()),
            ("ConfirmationWasAuthenticated".to_string(), subscription.confirmed.to_string()),
            ("PendingConfirmation".to_string(), (!subscription.confirmed).to_string()),
            ("RawMessageDelivery".to_string(), "false".to_string()),
        ]);
        if subscription.attributes.contains_key("FilterPolicy") {
            attributes.insert("FilterPolicyScope".to_string(), "MessageAttributes".to_string());
        }
        attributes.extend(subscription.attributes.iter().map(|(k, v)| (k.clone(), v.clone())));
        Ok(GetSubscriptionAttributesResponse { attributes: Some(attributes) })
    }

    async fn set_subscription_attributes(
        &self,
        _: &RequestContext,
        input: SetSubscriptionAttributesInput,
    ) -> Result<Unit, SetSubscriptionAttributesError> {
        let value = input.attribute_value.unwrap_or_default();
        check_subscription_attribute(&input.attribute_name, &value)?;
        let mut state = self.state();
        let subscription = state.subscriptions.get_mut(&input.subscription_arn).ok_or_else(no_subscription)?;
        let mut changed = subscription.clone();
        if value.is_empty() {
            changed.attributes.remove(&input.attribute_name);
        } else {
            changed.attributes.insert(input.attribute_name, value);
        }
        self.commit(Change::default().put("subscription", input.subscription_arn.clone(), store::record(&changed)))?;
        *subscription = changed;
        Ok(Unit {})
    }

    async fn publish(&self, _: &RequestContext, input: PublishInput) -> Result<PublishResponse, PublishError> {
        let Some(arn) = input.topic_arn.or(input.target_arn) else {
            let message = "Invalid parameter: TopicArn or TargetArn Reason: no value for required parameter";
            return Err(invalid_parameter(message).into());
        };
        let outgoing = Outgoing {
            message: &input.message,
            subject: input.subject.as_deref(),
            structure: input.message_structure.as_deref(),
            attributes: input.message_attributes.as_ref(),
            group_id: input.message_group_id.as_deref(),
            deduplication_id: input.message_deduplication_id.as_deref(),
        };
        let (id, sequence_number) = self.publish_one(&arn, &outgoing).map_err(|failure| match failure {
            Unpublished::NoTopic => PublishError::from(not_found()),
            Unpublished::Refused(e) => PublishError::from(e),
        })?;
        Ok(PublishResponse { message_id: Some(id), sequence_number })
    }

    async fn publish_batch(
        &self,
        _: &RequestContext,
        input: PublishBatchInput,
    ) -> Result<PublishBatchResponse, PublishBatchError> {
        let entries = &input.publish_batch_request_entries;
        if entries.is_empty() {
            let message = "The batch request doesn't contain any entries".to_string();
            return Err(EmptyBatchRequestException { message: Some(message) }.into());
        }
        if entries.len() > MAX_BATCH_ENTRIES {
            let message = format!("The batch request contains more entries than permissible ({MAX_BATCH_ENTRIES})");
            return Err(TooManyEntriesInBatchRequestException { message: Some(message) }.into());
        }
        let mut seen = HashSet::new();
        for entry in entries {
            let valid = (1..=80).contains(&entry.id.len())
                && entry.id.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'));
            if !valid {
                let message = format!(
                    "The Id of a batch entry in a batch request doesn't abide by the specification: {}",
                    excerpt(&entry.id)
                );
                return Err(InvalidBatchEntryIdException { message: Some(message) }.into());
            }
            if !seen.insert(entry.id.as_str()) {
                let message = "Two or more batch entries in the request have the same Id.".to_string();
                return Err(BatchEntryIdsNotDistinctException { message: Some(message) }.into());
            }
        }
        let total: usize = entries.iter().map(|e| e.message.len()).sum();
        if total > MAX_MESSAGE_BYTES {
            let message = "The length of all the messages put together is more than the limit.".to_string();
            return Err(BatchRequestTooLongException { message: Some(message) }.into());
        }
        if !self.state().topics.contains_key(&input.topic_arn) {
            return Err(not_found().into());
        }
        let (mut successful, mut failed) = (Vec::new(), Vec::new());
        for entry in entries {
            let outgoing = Outgoing {
                message: &entry.message,
                subject: entry.subject.as_deref(),
                structure: entry.message_structure.as_deref(),
                attributes: entry.message_attributes.as_ref(),
                group_id: entry.message_group_id.as_deref(),
                deduplication_id: entry.message_deduplication_id.as_deref(),
            };
            match self.publish_one(&input.topic_arn, &outgoing) {
                Ok((id, sequence_number)) => successful.push(PublishBatchResultEntry {
                    id: Some(entry.id.clone()),
                    message_id: Some(id),
                    sequence_number,
                }),
                Err(Unpublished::NoTopic) => failed.push(BatchResultErrorEntry {
                    id: entry.id.clone(),
                    code: "NotFound".to_string(),
                    message: not_found().message,
                    sender_fault: true,
                }),
                Err(Unpublished::Refused(e)) => failed.push(BatchResultErrorEntry {
                    id: entry.id.clone(),
                    code: e.type_name.clone(),
                    message: e.message.clone(),
                    sender_fault: e.status < 500,
                }),
            }
        }
        Ok(PublishBatchResponse { successful: Some(successful), failed: Some(failed) })
    }
}
