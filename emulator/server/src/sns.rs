//! Simple Notification Service: topics, in memory or, with `--data-dir`,
//! on disk too.
//!
//! Served: CreateTopic (idempotent for a name), DeleteTopic, ListTopics (in
//! pages of 100) and Publish (to a topic that exists: `NotFound` otherwise;
//! messages go to no subscriber, since the emulator's SNS has none), with
//! SNS's validation of names, messages (256 KB, attributes counted) and
//! tags (50), and its default quota of 100,000 topics.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use emulator_generated::runtime::context::RequestContext;
use emulator_generated::runtime::{Unit, UnmodelledError};
use emulator_generated::sns::error::{
    InvalidParameterException, NotFoundException, TagLimitExceededException, TopicLimitExceededException,
};
use emulator_generated::sns::operation::create_topic::{CreateTopicError, CreateTopicInput, CreateTopicResponse};
use emulator_generated::sns::operation::delete_topic::{DeleteTopicError, DeleteTopicInput};
use emulator_generated::sns::operation::list_topics::{ListTopicsError, ListTopicsInput, ListTopicsResponse};
use emulator_generated::sns::operation::publish::{PublishError, PublishInput, PublishResponse};
use emulator_generated::sns::service::AmazonSimpleNotificationService;
use emulator_generated::sns::types::Topic;

use crate::ids::Ids;
use crate::store::{self, Change, Store, StoreError};
use crate::{ACCOUNT_ID, REGION};

/// Topics listed per page, as SNS lists them.
const PAGE: usize = 100;
/// The largest message, its attributes' names, types and values counted.
const MAX_MESSAGE_BYTES: usize = 262_144;
/// The most topics an account has (SNS's default quota).
const MAX_TOPICS: usize = 100_000;
/// The most tags a topic has.
const MAX_TAGS: usize = 50;
/// The name of the service's records.
const SERVICE: &str = "sns";

/// The topics, by ARN, with the attributes they were made with.
pub struct Sns {
    topics: Mutex<BTreeMap<String, BTreeMap<String, String>>>,
    ids: Ids,
    store: Arc<Store>,
}

impl Sns {
    /// The service, with the topics an earlier run left in `store`.
    pub fn new(store: Arc<Store>) -> Result<Self, StoreError> {
        let topics = store.load(SERVICE, "topic")?.into_iter().collect();
        Ok(Sns { topics: Mutex::new(topics), ids: Ids::new(), store })
    }

    /// Forgets every topic.
    pub fn reset(&self) {
        self.topics().clear();
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

    fn topics(&self) -> MutexGuard<'_, BTreeMap<String, BTreeMap<String, String>>> {
        self.topics.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Whether `name` is a topic name SNS accepts: 1 to 256 letters, digits,
/// hyphens and underscores (a FIFO topic's ending in `.fifo`).
fn valid_name(name: &str) -> bool {
    let stem = name.strip_suffix(".fifo").unwrap_or(name);
    (1..=256).contains(&name.len()) && stem.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

impl AmazonSimpleNotificationService for Sns {
    async fn create_topic(
        &self,
        _: &RequestContext,
        input: CreateTopicInput,
    ) -> Result<CreateTopicResponse, CreateTopicError> {
        if !valid_name(&input.name) {
            let message = "Invalid parameter: Topic Name".to_string();
            return Err(InvalidParameterException { message: Some(message) }.into());
        }
        if input.tags.as_ref().is_some_and(|tags| tags.len() > MAX_TAGS) {
            let message = format!("Could not complete request: tag quota of per resource exceeded ({MAX_TAGS})");
            return Err(TagLimitExceededException { message: Some(message) }.into());
        }
        let arn = format!("arn:aws:sns:{REGION}:{ACCOUNT_ID}:{}", input.name);
        let mut topics = self.topics();
        if !topics.contains_key(&arn) {
            if topics.len() >= MAX_TOPICS {
                let message = format!("Topic limit exceeded: an account has at most {MAX_TOPICS} topics");
                return Err(TopicLimitExceededException { message: Some(message) }.into());
            }
            let attributes = input.attributes.unwrap_or_default();
            self.commit(Change::default().put("topic", arn.clone(), store::record(&attributes)))?;
            topics.insert(arn.clone(), attributes);
        }
        Ok(CreateTopicResponse { topic_arn: Some(arn) })
    }

    async fn delete_topic(&self, _: &RequestContext, input: DeleteTopicInput) -> Result<Unit, DeleteTopicError> {
        // Deleting a topic that does not exist succeeds, as in SNS.
        let mut topics = self.topics();
        if topics.contains_key(&input.topic_arn) {
            self.commit(Change::default().delete("topic", input.topic_arn.clone()))?;
            topics.remove(&input.topic_arn);
        }
        Ok(Unit {})
    }

    async fn list_topics(
        &self,
        _: &RequestContext,
        input: ListTopicsInput,
    ) -> Result<ListTopicsResponse, ListTopicsError> {
        let topics = self.topics();
        let after = input.next_token.unwrap_or_default();
        let mut page: Vec<Topic> = topics
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

    async fn publish(&self, _: &RequestContext, input: PublishInput) -> Result<PublishResponse, PublishError> {
        let Some(arn) = input.topic_arn.or(input.target_arn) else {
            let message = "Invalid parameter: TopicArn or TargetArn Reason: no value for required parameter";
            return Err(InvalidParameterException { message: Some(message.to_string()) }.into());
        };
        if input.message.is_empty() {
            let message = "Invalid parameter: Empty message".to_string();
            return Err(InvalidParameterException { message: Some(message) }.into());
        }
        let attributes = input.message_attributes.iter().flatten().map(|(name, value)| {
            let bytes = value.string_value.as_ref().map_or(0, String::len)
                + value.binary_value.as_ref().map_or(0, |blob| blob.as_bytes().len());
            name.len() + value.data_type.len() + bytes
        });
        let size = attributes.fold(input.message.len(), usize::saturating_add);
        if size > MAX_MESSAGE_BYTES {
            let message = "Invalid parameter: Message too long".to_string();
            return Err(InvalidParameterException { message: Some(message) }.into());
        }
        if !self.topics().contains_key(&arn) {
            return Err(NotFoundException { message: Some("Topic does not exist".to_string()) }.into());
        }
        Ok(PublishResponse { message_id: Some(self.ids.uuid()), sequence_number: None })
    }
}
