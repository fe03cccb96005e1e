//! Systems Manager Parameter Store: `String` and `StringList` parameters by
//! name, with versions, in memory or, with `--data-dir`, on disk too.
//!
//! AWS's limits: values of at most 4 KB in the standard tier and 8 KB in
//! the advanced one (`Intelligent-Tiering` picks), 10,000 standard
//! parameters, 15 levels of hierarchy, 50 tags, no `aws` or `ssm` prefix;
//! every parameter is charged to the state budget.
//!
//! Served: PutParameter, GetParameter, GetParameters and DeleteParameter;
//! every other operation answers `NotImplemented` from the generated router.
//! The types come from the repository's SSM crate (`generated`), a crate
//! generated separately from `emulator-generated`: both name the runtime's
//! one `Timestamp`, so the clock below serves DynamoDB and SSM alike.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use generated::runtime::context::RequestContext;
use generated::runtime::{Operation, Timestamp, UnmodelledError};
use generated::ssm::error::{
    HierarchyLevelLimitExceededException, ParameterAlreadyExists, ParameterLimitExceeded, ParameterNotFound,
};
use generated::ssm::operation::delete_parameter::{
    DeleteParameterError, DeleteParameterRequest, DeleteParameterResult,
};
use generated::ssm::operation::get_parameter::{GetParameterError, GetParameterRequest, GetParameterResult};
use generated::ssm::operation::get_parameters::{GetParametersError, GetParametersRequest, GetParametersResult};
use generated::ssm::operation::put_parameter::{
    PutParameter, PutParameterError, PutParameterRequest, PutParameterResult,
};
use generated::ssm::service::AmazonSsm;
use generated::ssm::types::{Parameter, ParameterTier, ParameterType};
use serde::{Deserialize, Serialize};

use crate::quota::{Budget, Charge};
use crate::store::{Change, Store, StoreError};
use crate::{ACCOUNT_ID, REGION, now};

/// The name of the service's records.
const SERVICE: &str = "ssm";
/// The longest value of a standard parameter (4 KB), and of an advanced one (8 KB).
const STANDARD_VALUE_BYTES: usize = 4_096;
const ADVANCED_VALUE_BYTES: usize = 8_192;
/// The most standard parameters an account may have (AWS's quota), and
/// advanced ones.
const MAX_STANDARD_PARAMETERS: usize = 10_000;
const MAX_ADVANCED_PARAMETERS: usize = 100_000;
/// The deepest a parameter's name may be (`/a/b/.../o`: 15 levels).
const MAX_HIERARCHY_LEVELS: usize = 15;
/// The most tags a parameter may have.
const MAX_TAGS: usize = 50;

/// The Parameter Store: the latest version of each parameter, by name.
pub struct Ssm {
    parameters: Mutex<BTreeMap<String, Stored>>,
    store: Arc<Store>,
    budget: Arc<Budget>,
}

struct Stored {
    parameter: Parameter,
    tier: ParameterTier,
    /// Its share of the state budget.
    _charge: Charge,
}

/// A parameter as its record keeps it.
#[derive(Serialize, Deserialize)]
struct Record {
    r#type: String,
    value: String,
    version: i64,
    tier: String,
    /// Seconds and nanoseconds since the epoch.
    modified: (i64, u32),
}

impl Ssm {
    /// The Parameter Store, with the parameters an earlier run left in
    /// `store`, charged to `budget`.
    pub fn new(store: Arc<Store>, budget: Arc<Budget>) -> Result<Self, StoreError> {
        let mut parameters = BTreeMap::new();
        for record in store.records(SERVICE)? {
            let corrupt = || StoreError::corrupt("an SSM parameter");
            let kept: Record = serde_json::from_slice(&record.value).map_err(|_| corrupt())?;
            let parameter = Parameter {
                name: Some(record.key.clone()),
                r#type: Some(kept.r#type.parse().map_err(|_| corrupt())?),
                value: Some(kept.value),
                version: kept.version,
                last_modified_date: Timestamp::from_parts(kept.modified.0, kept.modified.1),
                arn: Some(arn(&record.key)),
                data_type: Some("text".to_string()),
                ..Default::default()
            };
            let charge = budget.charge(size(&parameter)).map_err(|_| corrupt())?;
            let tier = kept.tier.parse().map_err(|_| corrupt())?;
            parameters.insert(record.key, Stored { parameter, tier, _charge: charge });
        }
        Ok(Ssm { parameters: Mutex::new(parameters), store, budget })
    }

    /// Forgets every parameter.
    pub fn reset(&self) {
        self.parameters().clear();
        if let Err(e) = self.store.clear(SERVICE) {
            tracing::error!(%e, "SSM could not forget its state");
        }
    }

    /// The parameters; a handler that panicked while holding them (none
    /// should) does not make them unusable.
    fn parameters(&self) -> MutexGuard<'_, BTreeMap<String, Stored>> {
        self.parameters.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn commit(&self, change: Change) -> Result<(), UnmodelledError> {
        self.store.commit(SERVICE, change).map_err(|e| {
            tracing::error!(%e, "SSM could not keep its state");
            UnmodelledError::server("InternalServerError", "An error occurred on the server side.")
        })
    }
}

/// What a parameter costs the state budget: its name, value and the rest.
fn size(parameter: &Parameter) -> usize {
    parameter.name.as_ref().map_or(0, String::len) * 2 + parameter.value.as_ref().map_or(0, String::len) + 128
}

/// The tier a value of `bytes` is stored in, asked for as `asked` (the
/// standard tier by default), or why it cannot be.
fn tier_of(asked: Option<ParameterTier>, bytes: usize) -> Result<ParameterTier, UnmodelledError> {
    let tier = match asked.unwrap_or(ParameterTier::Standard) {
        ParameterTier::IntelligentTiering if bytes > STANDARD_VALUE_BYTES => ParameterTier::Advanced,
        ParameterTier::IntelligentTiering => ParameterTier::Standard,
        tier => tier,
    };
    match tier {
        ParameterTier::Standard if bytes > STANDARD_VALUE_BYTES => Err(UnmodelledError::client(
            "ValidationException",
            format!(
                "Standard tier parameters support a maximum parameter value of {STANDARD_VALUE_BYTES} characters. \
                 To create a larger parameter value, upgrade the parameter to use the advanced-parameter tier."
            ),
        )),
        _ if bytes > ADVANCED_VALUE_BYTES => Err(UnmodelledError::client(
            "ValidationException",
            format!(
                "1 validation error detected: Value at 'value' failed to satisfy constraint: Member must have \
                 length less than or equal to {ADVANCED_VALUE_BYTES}"
            ),
        )),
        tier => Ok(tier),
    }
}

/// PutParameter's checks of a name that the model does not state.
fn check_name(name: &str) -> Result<(), PutParameterError> {
    let levels = name.trim_start_matches('/').split('/').count();
    if name.starts_with('/') && levels > MAX_HIERARCHY_LEVELS {
        return Err(HierarchyLevelLimitExceededException {
            message: Some(format!(
                "A hierarchy can have a maximum of {MAX_HIERARCHY_LEVELS} levels. For more information, see \
                 Requirements and Constraints for Parameter Names in the AWS Systems Manager User Guide."
            )),
        }
        .into());
    }
    let reserved = {
        let lower = name.trim_start_matches('/').to_ascii_lowercase();
        lower.starts_with("aws") || lower.starts_with("ssm")
    };
    let valid = name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-' | '/'));
    if reserved || !valid {
        return Err(UnmodelledError::client(
            "ValidationException",
            "Parameter name: can't be prefixed with \"aws\" or \"ssm\" (case-insensitive). If formed as a path, \
             it can consist of sub-paths divided by slash symbol; each sub-path can be formed as a mix of letters, \
             numbers and the following 3 symbols .-_",
        )
        .into());
    }
    Ok(())
}

/// A parameter's ARN: hierarchical names (`/app/db/host`) keep their one
/// leading slash after `parameter`, flat names get one.
fn arn(name: &str) -> String {
    let separator = if name.starts_with('/') { "" } else { "/" };
    format!("arn:aws:ssm:{REGION}:{ACCOUNT_ID}:parameter{separator}{name}")
}

impl AmazonSsm for Ssm {
    async fn put_parameter(
        &self,
        _context: &RequestContext,
        input: PutParameterRequest,
    ) -> Result<PutParameterResult, PutParameterError> {
        if input.r#type == Some(ParameterType::SecureString) {
            // Encryption would need KMS; an emulator that stored the value in
            // the clear under that name would mislead.
            return Err(UnmodelledError::server(
                "NotImplemented",
                format!("{} with SecureString is not implemented by this emulator", PutParameter::NAME),
            )
            .with_status(501)
            .into());
        }
        check_name(&input.name)?;
        if input.tags.as_ref().is_some_and(|tags| !tags.is_empty()) && input.overwrite == Some(true) {
            return Err(UnmodelledError::client(
                "ValidationException",
                "Invalid parameter: Tags and Overwrite can't be used together. To create a parameter with tags, \
                 please remove overwrite flag. To update tags for an existing parameter, please use \
                 AddTagsToResource or RemoveTagsFromResource.",
            )
            .into());
        }
        if input.tags.as_ref().is_some_and(|tags| tags.len() > MAX_TAGS) {
            return Err(UnmodelledError::client(
                "TooManyTagsError",
                format!("A parameter may have at most {MAX_TAGS} tags. Remove one or more tags and try again."),
            )
            .into());
        }
        let mut parameters = self.parameters();
        let previous = parameters.get(&input.name);
        // A parameter stays in the advanced tier once there.
        let asked = match (input.tier, previous.map(|stored| stored.tier)) {
            (None | Some(ParameterTier::Standard), Some(ParameterTier::Advanced)) if input.tier.is_some() => {
                return Err(UnmodelledError::client(
                    "ValidationException",
                    "This parameter uses the advanced-parameter tier. You can't downgrade a parameter from the \
                     advanced-parameter tier to the standard-parameter tier. If necessary, you can delete the \
                     advanced parameter and recreate it as a standard parameter.",
                )
                .into());
            }
            (None, Some(ParameterTier::Advanced)) => Some(ParameterTier::Advanced),
            (asked, _) => asked,
        };
        let tier = tier_of(asked, input.value.len())?;
        let r#type = match (previous, input.r#type) {
            (Some(_), _) if input.overwrite != Some(true) => {
                return Err(ParameterAlreadyExists {
                    message: Some(
                        "The parameter already exists. To overwrite this value, set the overwrite option in the \
                         request to true."
                            .to_string(),
                    ),
                }
                .into());
            }
            (_, Some(r#type)) => r#type,
            (Some(previous), None) => previous.parameter.r#type.unwrap_or(ParameterType::String),
            (None, None) => {
                return Err(UnmodelledError::client(
                    "ValidationException",
                    "A parameter type is required when you create a parameter.",
                )
                .into());
            }
        };
        if previous.is_none() {
            let (quota, count) = match tier {
                ParameterTier::Advanced => (MAX_ADVANCED_PARAMETERS, ParameterTier::Advanced),
                _ => (MAX_STANDARD_PARAMETERS, ParameterTier::Standard),
            };
            if parameters.values().filter(|stored| stored.tier == count).count() >= quota {
                return Err(ParameterLimitExceeded {
                    message: Some(
                        "You have exceeded the number of parameters for this AWS account. Delete one or more \
                         parameters and try again."
                            .to_string(),
                    ),
                }
                .into());
            }
        }
        let version = previous.map_or(1, |previous| previous.parameter.version + 1);
        let parameter = Parameter {
            name: Some(input.name.clone()),
            r#type: Some(r#type),
            value: Some(input.value),
            version,
            last_modified_date: now(),
            arn: Some(arn(&input.name)),
            data_type: Some("text".to_string()),
            ..Default::default()
        };
        // The old version's share is given back when it is replaced.
        let charge = self
            .budget
            .charge(size(&parameter))
            .map_err(|e| UnmodelledError::client("ParameterLimitExceeded", e.message()))?;
        if self.store.is_durable() {
            let modified = parameter.last_modified_date.map_or((0, 0), |t| (t.epoch_seconds(), t.subsec_nanos()));
            let record = Record {
                r#type: r#type.as_str().to_string(),
                value: parameter.value.clone().unwrap_or_default(),
                version,
                tier: tier.as_str().to_string(),
                modified,
            };
            let value = serde_json::to_vec(&record).expect("a record serialises");
            self.commit(Change::default().put("parameter", input.name.clone(), value))?;
        }
        parameters.insert(input.name, Stored { parameter, tier, _charge: charge });
        Ok(PutParameterResult { version, tier: Some(tier) })
    }

    async fn get_parameter(
        &self,
        _context: &RequestContext,
        input: GetParameterRequest,
    ) -> Result<GetParameterResult, GetParameterError> {
        match self.parameters().get(&input.name) {
            Some(stored) => Ok(GetParameterResult { parameter: Some(stored.parameter.clone()) }),
            // AWS names the error and says nothing more.
            None => Err(ParameterNotFound { message: None }.into()),
        }
    }

    async fn get_parameters(
        &self,
        _context: &RequestContext,
        input: GetParametersRequest,
    ) -> Result<GetParametersResult, GetParametersError> {
        let parameters = self.parameters();
        let (found, missing): (Vec<_>, Vec<_>) =
            input.names.into_iter().partition(|name| parameters.contains_key(name));
        Ok(GetParametersResult {
            parameters: Some(found.iter().map(|name| parameters[name].parameter.clone()).collect()),
            invalid_parameters: Some(missing),
        })
    }

    async fn delete_parameter(
        &self,
        _context: &RequestContext,
        input: DeleteParameterRequest,
    ) -> Result<DeleteParameterResult, DeleteParameterError> {
        let mut parameters = self.parameters();
        if !parameters.contains_key(&input.name) {
            return Err(ParameterNotFound { message: None }.into());
        }
        self.commit(Change::default().delete("parameter", input.name.clone()))?;
        match parameters.remove(&input.name) {
            Some(_) => Ok(DeleteParameterResult {}),
            None => Err(ParameterNotFound { message: None }.into()),
        }
    }
}
