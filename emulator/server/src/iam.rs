//! Identity and Access Management: users, in memory.
//!
//! Served: CreateUser, GetUser, ListUsers (by path prefix, in pages) and
//! DeleteUser, with IAM's errors (`EntityAlreadyExists`, `NoSuchEntity`);
//! the emulator's IAM model holds only these four operations.

use std::collections::BTreeMap;
use std::sync::{Mutex, MutexGuard, PoisonError};

use emulator_generated::iam::error::{EntityAlreadyExistsException, NoSuchEntityException};
use emulator_generated::iam::operation::create_user::{CreateUserError, CreateUserRequest, CreateUserResponse};
use emulator_generated::iam::operation::delete_user::{DeleteUserError, DeleteUserRequest};
use emulator_generated::iam::operation::get_user::{GetUserError, GetUserRequest, GetUserResponse};
use emulator_generated::iam::operation::list_users::{ListUsersError, ListUsersRequest, ListUsersResponse};
use emulator_generated::iam::service::AwsIdentityManagementV20100508;
use emulator_generated::iam::types::User;
use emulator_generated::runtime::context::RequestContext;
use emulator_generated::runtime::{DateTime, Timestamp, Unit};

use crate::ACCOUNT_ID;
use crate::ids::Ids;

/// The users, by name (IAM's user names are case-insensitive: kept by
/// their lower-case form).
pub struct Iam {
    users: Mutex<BTreeMap<String, User>>,
    ids: Ids,
}

impl Iam {
    pub fn new() -> Self {
        Iam { users: Mutex::default(), ids: Ids::new() }
    }

    /// Forgets every user.
    pub fn reset(&self) {
        self.users().clear();
    }

    fn users(&self) -> MutexGuard<'_, BTreeMap<String, User>> {
        self.users.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

fn no_such_user(name: &str) -> NoSuchEntityException {
    NoSuchEntityException { message: Some(format!("The user with name {name} cannot be found.")) }
}

impl AwsIdentityManagementV20100508 for Iam {
    async fn create_user(
        &self,
        _: &RequestContext,
        input: CreateUserRequest,
    ) -> Result<CreateUserResponse, CreateUserError> {
        let path = input.path.unwrap_or_else(|| "/".to_string());
        let id: String = self.ids.uuid().chars().filter(char::is_ascii_alphanumeric).take(17).collect();
        let now = crate::now().unwrap_or_else(|| Timestamp::from_epoch_seconds(0).expect("the epoch"));
        let user = User {
            arn: format!("arn:aws:iam::{ACCOUNT_ID}:user{path}{}", input.user_name),
            path,
            user_id: format!("AIDA{}", id.to_ascii_uppercase()),
            create_date: DateTime(now),
            user_name: input.user_name,
            password_last_used: None,
            permissions_boundary: None,
            tags: input.tags.filter(|tags| !tags.is_empty()),
        };
        let mut users = self.users();
        let key = user.user_name.to_lowercase();
        if users.contains_key(&key) {
            let message = format!("User with name {} already exists.", user.user_name);
            return Err(EntityAlreadyExistsException { message: Some(message) }.into());
        }
        users.insert(key, user.clone());
        Ok(CreateUserResponse { user: Some(user) })
    }

    async fn get_user(&self, context: &RequestContext, input: GetUserRequest) -> Result<GetUserResponse, GetUserError> {
        // Without a name, the caller: the account's root, which has no user.
        let Some(name) = input.user_name else {
            let _ = context;
            return Err(no_such_user("root").into());
        };
        match self.users().get(&name.to_lowercase()) {
            Some(user) => Ok(GetUserResponse { user: user.clone() }),
            None => Err(no_such_user(&name).into()),
        }
    }

    async fn list_users(
        &self,
        _: &RequestContext,
        input: ListUsersRequest,
    ) -> Result<ListUsersResponse, ListUsersError> {
        let prefix = input.path_prefix.unwrap_or_else(|| "/".to_string());
        let max = usize::try_from(input.max_items.unwrap_or(100)).unwrap_or(100);
        let users = self.users();
        let mut matching = users
            .iter()
            .filter(|(key, user)| user.path.starts_with(&prefix) && input.marker.as_ref().is_none_or(|m| *key > m))
            .peekable();
        let page: Vec<(&String, &User)> = matching.by_ref().take(max).collect();
        let is_truncated = matching.peek().is_some();
        Ok(ListUsersResponse {
            marker: is_truncated.then(|| page.last().map(|(key, _)| (*key).clone())).flatten(),
            users: page.into_iter().map(|(_, user)| user.clone()).collect(),
            is_truncated,
        })
    }

    async fn delete_user(&self, _: &RequestContext, input: DeleteUserRequest) -> Result<Unit, DeleteUserError> {
        match self.users().remove(&input.user_name.to_lowercase()) {
            Some(_) => Ok(Unit {}),
            None => Err(no_such_user(&input.user_name).into()),
        }
    }
}
