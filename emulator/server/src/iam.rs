//! Identity and Access Management: users, in memory or, with `--data-dir`,
//! on disk too (IAM's default quota: 5,000 users).
//!
//! Served: CreateUser, GetUser, ListUsers (by path prefix, in pages) and
//! DeleteUser, with IAM's errors (`EntityAlreadyExists`, `NoSuchEntity`);
//! the emulator's IAM model holds only these four operations.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use emulator_generated::iam::error::{EntityAlreadyExistsException, LimitExceededException, NoSuchEntityException};
use emulator_generated::iam::operation::create_user::{CreateUserError, CreateUserRequest, CreateUserResponse};
use emulator_generated::iam::operation::delete_user::{DeleteUserError, DeleteUserRequest};
use emulator_generated::iam::operation::get_user::{GetUserError, GetUserRequest, GetUserResponse};
use emulator_generated::iam::operation::list_users::{ListUsersError, ListUsersRequest, ListUsersResponse};
use emulator_generated::iam::service::AwsIdentityManagementV20100508;
use emulator_generated::iam::types::User;
use emulator_generated::runtime::context::RequestContext;
use emulator_generated::runtime::{DateTime, Timestamp, Unit, UnmodelledError};

use crate::ACCOUNT_ID;
use crate::ids::Ids;
use crate::store::{self, Change, Store, StoreError};

/// The name of the service's records.
const SERVICE: &str = "iam";
/// The most users an account has (IAM's quota).
const MAX_USERS: usize = 5_000;

/// The users, by name (IAM's user names are case-insensitive: kept by
/// their lower-case form).
pub struct Iam {
    users: Mutex<BTreeMap<String, User>>,
    ids: Ids,
    store: Arc<Store>,
}

impl Iam {
    /// The service, with the users an earlier run left in `store`.
    pub fn new(store: Arc<Store>) -> Result<Self, StoreError> {
        let users = store.load(SERVICE, "user")?.into_iter().collect();
        Ok(Iam { users: Mutex::new(users), ids: Ids::new(), store })
    }

    /// Forgets every user.
    pub fn reset(&self) {
        self.users().clear();
        if let Err(e) = self.store.clear(SERVICE) {
            tracing::error!(%e, "IAM could not forget its state");
        }
    }

    fn commit(&self, change: Change) -> Result<(), UnmodelledError> {
        self.store.commit(SERVICE, change).map_err(|e| {
            tracing::error!(%e, "IAM could not keep its state");
            UnmodelledError::server("ServiceFailure", "The request processing has failed because of an unknown error.")
        })
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
        // IAM's dates are whole seconds.
        let seconds = crate::now().map_or(0, |now| now.epoch_seconds());
        let now = Timestamp::from_epoch_seconds(seconds)
            .unwrap_or_else(|| Timestamp::from_epoch_seconds(0).expect("the epoch"));
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
        if users.len() >= MAX_USERS {
            let message = format!("Cannot exceed quota for UsersPerAccount: {MAX_USERS}");
            return Err(LimitExceededException { message: Some(message) }.into());
        }
        self.commit(Change::default().put("user", key.clone(), store::record(&user)))?;
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
        let key = input.user_name.to_lowercase();
        let mut users = self.users();
        if !users.contains_key(&key) {
            return Err(no_such_user(&input.user_name).into());
        }
        self.commit(Change::default().delete("user", key.clone()))?;
        users.remove(&key);
        Ok(Unit {})
    }
}
