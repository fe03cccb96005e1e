//! Systems Manager Parameter Store in memory: `String` and `StringList`
//! parameters by name, with versions.
//!
//! Served: PutParameter, GetParameter, GetParameters and DeleteParameter;
//! every other operation answers `NotImplemented` from the generated router.
//! The types come from the repository's SSM crate (`generated`), a crate
//! generated separately from `emulator-generated`: both name the runtime's
//! one `Timestamp`, so the clock below serves DynamoDB and SSM alike.

use std::collections::BTreeMap;
use std::sync::{Mutex, MutexGuard, PoisonError};

use generated::runtime::context::RequestContext;
use generated::runtime::{Operation, UnmodelledError};
use generated::ssm::error::{ParameterAlreadyExists, ParameterNotFound};
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

use crate::{ACCOUNT_ID, REGION, now};

/// The Parameter Store: the latest version of each parameter, by name.
pub struct Ssm {
    parameters: Mutex<BTreeMap<String, Parameter>>,
}

impl Ssm {
    pub fn new() -> Self {
        Ssm { parameters: Mutex::default() }
    }

    /// Forgets every parameter.
    pub fn reset(&self) {
        self.parameters().clear();
    }

    /// The parameters; a handler that panicked while holding them (none
    /// should) does not make them unusable.
    fn parameters(&self) -> MutexGuard<'_, BTreeMap<String, Parameter>> {
        self.parameters.lock().unwrap_or_else(PoisonError::into_inner)
    }
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
        let mut parameters = self.parameters();
        let previous = parameters.get(&input.name);
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
            (Some(previous), None) => previous.r#type.unwrap_or(ParameterType::String),
            (None, None) => {
                return Err(UnmodelledError::client(
                    "ValidationException",
                    "A parameter type is required when you create a parameter.",
                )
                .into());
            }
        };
        let version = previous.map_or(1, |previous| previous.version + 1);
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
        parameters.insert(input.name, parameter);
        Ok(PutParameterResult { version, tier: Some(ParameterTier::Standard) })
    }

    async fn get_parameter(
        &self,
        _context: &RequestContext,
        input: GetParameterRequest,
    ) -> Result<GetParameterResult, GetParameterError> {
        match self.parameters().get(&input.name) {
            Some(parameter) => Ok(GetParameterResult { parameter: Some(parameter.clone()) }),
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
            parameters: Some(found.iter().map(|name| parameters[name].clone()).collect()),
            invalid_parameters: Some(missing),
        })
    }

    async fn delete_parameter(
        &self,
        _context: &RequestContext,
        input: DeleteParameterRequest,
    ) -> Result<DeleteParameterResult, DeleteParameterError> {
        match self.parameters().remove(&input.name) {
            Some(_) => Ok(DeleteParameterResult {}),
            None => Err(ParameterNotFound { message: None }.into()),
        }
    }
}
