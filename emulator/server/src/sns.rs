//! Simple Notification Service: topics, in memory.
//!
//! Served: CreateTopic (idempotent for a name), DeleteTopic, ListTopics (in
//! pages of 100) and Publish (to a topic that exists: `NotFound` otherwise;
//! messages go to no subscriber, since the emulator's SNS has none), with
//! SNS's validation of names and messages.

use std::collections::BTreeMap;
use std::sync::{Mutex, MutexGuard, PoisonError};

use emulator_generated::runtime::Unit;
use emulator_generated::runtime::context::RequestContext;
use emulator_generated::sns::error::{InvalidParameterException, NotFoundException};
use emulator_generated::sns::operation::create_topic::{CreateTopicError, CreateTopicInput, CreateTopicResponse};
use emulator_generated::sns::operation::delete_topic::{DeleteTopicError, DeleteTopicInput};
use emulator_generated::sns::operation::list_topics::{ListTopicsError, ListTopicsInput, ListTopicsResponse};
use emulator_generated::sns::operation::publish::{PublishError, PublishInput, PublishResponse};
use emulator_generated::sns::service::AmazonSimpleNotificationService;
use emulator_generated::sns::types::Topic;

use crate::ids::Ids;
use crate::{ACCOUNT_ID, REGION};

/// Topics listed per page, as SNS lists them.
const PAGE: usize = 100;

/// The topics, by ARN, with the attributes they were made with.
pub struct Sns {
    topics: Mutex<BTreeMap<String, BTreeMap<String, String>>>,
    ids: Ids,
}

impl Sns {
    pub fn new() -> Self {
        Sns { topics: Mutex::default(), ids: Ids::new() }
    }

    /// Forgets every topic.
    pub fn reset(&self) {
        self.topics().clear();
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
        let arn = format!("arn:aws:sns:{REGION}:{ACCOUNT_ID}:{}", input.name);
        self.topics().entry(arn.clone()).or_insert_with(|| input.attributes.unwrap_or_default());
        Ok(CreateTopicResponse { topic_arn: Some(arn) })
    }

    async fn delete_topic(&self, _: &RequestContext, input: DeleteTopicInput) -> Result<Unit, DeleteTopicError> {
        // Deleting a topic that does not exist succeeds, as in SNS.
        self.topics().remove(&input.topic_arn);
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
        if !self.topics().contains_key(&arn) {
            return Err(NotFoundException { message: Some("Topic does not exist".to_string()) }.into());
        }
        Ok(PublishResponse { message_id: Some(self.ids.uuid()), sequence_number: None })
    }
}
