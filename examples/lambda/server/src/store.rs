//! The Lambda functions, their aliases and tags, in memory, and the
//! operations on them as Lambda answers them.
//!
//! Everything about the wire (routing by method and path, reading labels,
//! the query string, headers and the payload, validating each input against
//! the model, writing outputs and errors) is the generated router's; this
//! file is the service's behaviour.
//!
//! A function keeps its name, runtime, role, handler, description, timeout,
//! memory size, environment, ephemeral storage, architectures and tracing
//! mode, and its package's size and SHA-256; other settings (VPC, layers,
//! file systems, ...) are accepted and not kept. It has one version,
//! `$LATEST` (nothing is published), and aliases point to it. Invoking it
//! echoes the event it is given.

use std::collections::{BTreeMap, btree_map};
use std::ops::Bound;
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::SystemTime;

use lambda_generated::lambda::error::{
    InvalidParameterValueException, InvalidRequestContentException, PreconditionFailedException,
    ResourceConflictException, ResourceNotFoundException,
};
use lambda_generated::lambda::operation::create_alias::{CreateAliasError, CreateAliasRequest};
use lambda_generated::lambda::operation::create_function::{CreateFunctionError, CreateFunctionRequest};
use lambda_generated::lambda::operation::delete_alias::{DeleteAliasError, DeleteAliasRequest};
use lambda_generated::lambda::operation::delete_function::{DeleteFunctionError, DeleteFunctionRequest};
use lambda_generated::lambda::operation::get_alias::{GetAliasError, GetAliasRequest};
use lambda_generated::lambda::operation::get_function::{GetFunctionError, GetFunctionRequest, GetFunctionResponse};
use lambda_generated::lambda::operation::get_function_configuration::{
    GetFunctionConfigurationError, GetFunctionConfigurationRequest,
};
use lambda_generated::lambda::operation::invoke::{InvocationRequest, InvocationResponse, InvokeError};
use lambda_generated::lambda::operation::invoke_with_response_stream::{
    InvokeWithResponseStreamError, InvokeWithResponseStreamRequest, InvokeWithResponseStreamResponse,
};
use lambda_generated::lambda::operation::list_aliases::{ListAliasesError, ListAliasesRequest, ListAliasesResponse};
use lambda_generated::lambda::operation::list_functions::{
    ListFunctionsError, ListFunctionsRequest, ListFunctionsResponse,
};
use lambda_generated::lambda::operation::list_tags::{ListTagsError, ListTagsRequest, ListTagsResponse};
use lambda_generated::lambda::operation::tag_resource::{TagResourceError, TagResourceRequest};
use lambda_generated::lambda::operation::untag_resource::{UntagResourceError, UntagResourceRequest};
use lambda_generated::lambda::operation::update_alias::{UpdateAliasError, UpdateAliasRequest};
use lambda_generated::lambda::operation::update_function_configuration::{
    UpdateFunctionConfigurationError, UpdateFunctionConfigurationRequest,
};
use lambda_generated::lambda::service::AwsGirApiService;
use lambda_generated::lambda::types::{
    AliasConfiguration, Architecture, EnvironmentResponse, EphemeralStorage, FunctionCodeLocation,
    FunctionConfiguration, InvocationType, InvokeResponseStreamUpdate, InvokeWithResponseStreamCompleteEvent,
    InvokeWithResponseStreamResponseEvent, LastUpdateStatus, LogType, PackageType, ResponseStreamingInvocationType,
    State, TracingConfigResponse, TracingMode,
};
use lambda_generated::runtime::context::RequestContext;
use lambda_generated::runtime::{Blob, ErrorShape, Timestamp, Unit, UnmodelledError};
use sha2::{Digest, Sha256};

/// The region and account every ARN names.
pub const REGION: &str = "us-east-1";
pub const ACCOUNT: &str = "123456789012";

/// The only version this server has: functions are never published.
const LATEST: &str = "$LATEST";

/// What ListFunctions and ListAliases return per page unless `MaxItems`
/// says otherwise (Lambda's default).
const PAGE: usize = 50;

/// One function: its configuration (version `$LATEST`), aliases by name,
/// and tags.
struct Function {
    configuration: FunctionConfiguration,
    aliases: BTreeMap<String, AliasConfiguration>,
    tags: BTreeMap<String, String>,
}

#[derive(Default)]
struct Registry {
    functions: BTreeMap<String, Function>,
    /// Revision ids are numbered from this counter.
    revisions: u64,
}

/// The next revision id (Lambda's are UUIDs; these are numbered, in the
/// same form). A function's or alias's changes when it changes, so that
/// `RevisionId` can guard an update.
fn next_revision(revisions: &mut u64) -> String {
    *revisions += 1;
    format!("00000000-0000-4000-8000-{:012x}", revisions)
}

/// The service: every function, behind one lock. Each operation reads and
/// changes the map in one critical section, so none is seen half-done.
#[derive(Default)]
pub struct InMemoryLambda {
    state: Mutex<Registry>,
}

impl InMemoryLambda {
    fn state(&self) -> MutexGuard<'_, Registry> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// A function's ARN.
pub fn function_arn(name: &str) -> String {
    format!("arn:aws:lambda:{REGION}:{ACCOUNT}:function:{name}")
}

/// The most of an invocation's log `X-Amz-Log-Result` carries, as Lambda
/// has it: its last 4 KB.
const LOG_TAIL_BYTES: usize = 4 << 10;

/// The last [`LOG_TAIL_BYTES`] of `log`: a client context of any size
/// came back whole in a response header.
fn log_tail(log: &[u8]) -> &[u8] {
    &log[log.len().saturating_sub(LOG_TAIL_BYTES)..]
}

/// What a `FunctionName` names: a function by name, and a qualifier if it
/// carries one. Lambda takes a name (`my-function`), a name with a
/// qualifier (`my-function:live`), a full ARN
/// (`arn:aws:lambda:us-east-1:123456789012:function:my-function`, with or
/// without a qualifier) or a partial one
/// (`123456789012:function:my-function`). `None` for an ARN of another
/// region or account, which names no function here.
fn function_name(text: &str) -> Option<(&str, Option<&str>)> {
    let rest = if let Some(arn) = text.strip_prefix("arn:") {
        let mut parts = arn.splitn(6, ':');
        let (partition, service, region, account, kind) =
            (parts.next()?, parts.next()?, parts.next()?, parts.next()?, parts.next()?);
        if (partition, service, region, account, kind) != ("aws", "lambda", REGION, ACCOUNT, "function") {
            return None;
        }
        parts.next()?
    } else if let Some(partial) = text.strip_prefix(ACCOUNT).and_then(|rest| rest.strip_prefix(":function:")) {
        partial
    } else {
        text
    };
    Some(match rest.split_once(':') {
        Some((name, qualifier)) => (name, Some(qualifier)),
        None => (rest, None),
    })
}

fn not_found(message: String) -> ResourceNotFoundException {
    ResourceNotFoundException { r#type: Some("User".to_string()), message: Some(message) }
}

fn function_not_found(name: &str) -> ResourceNotFoundException {
    not_found(format!("Function not found: {}", function_arn(name)))
}

fn alias_not_found(function: &str, alias: &str) -> ResourceNotFoundException {
    not_found(format!("Alias not found: {}:{alias}", function_arn(function)))
}

fn invalid(message: impl Into<String>) -> InvalidParameterValueException {
    InvalidParameterValueException { r#type: Some("User".to_string()), message: Some(message.into()) }
}

/// The most bytes a function's environment variables take, written as
/// Lambda measures them (their JSON object): 4 KB.
const MAX_ENVIRONMENT_BYTES: usize = 4_096;
/// The most tags a function has.
const MAX_TAGS: usize = 50;
/// The variables Lambda sets itself, which a function may not.
const RESERVED_VARIABLES: [&str; 17] = [
    "_HANDLER",
    "_X_AMZN_TRACE_ID",
    "AWS_DEFAULT_REGION",
    "AWS_REGION",
    "AWS_EXECUTION_ENV",
    "AWS_LAMBDA_FUNCTION_NAME",
    "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
    "AWS_LAMBDA_FUNCTION_VERSION",
    "AWS_LAMBDA_INITIALIZATION_TYPE",
    "AWS_LAMBDA_LOG_GROUP_NAME",
    "AWS_LAMBDA_LOG_STREAM_NAME",
    "AWS_ACCESS_KEY",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_LAMBDA_RUNTIME_API",
    "LAMBDA_TASK_ROOT",
];

/// Checks environment variables as Lambda does: 4 KB at most, none of the
/// variables it sets itself. The message names the keys, never the values.
fn check_environment(variables: Option<&BTreeMap<String, String>>) -> Result<(), InvalidParameterValueException> {
    let Some(variables) = variables else { return Ok(()) };
    let reserved: Vec<&str> =
        variables.keys().map(String::as_str).filter(|key| RESERVED_VARIABLES.contains(key)).collect();
    if !reserved.is_empty() {
        return Err(invalid(format!(
            "Lambda was unable to configure your environment variables because the environment variables you have \
             provided contains reserved keys that are currently not supported for modification. Reserved keys used \
             in this request: {}",
            reserved.join(", ")
        )));
    }
    let size = serde_json::to_string(variables).map_or(usize::MAX, |json| json.len());
    if size > MAX_ENVIRONMENT_BYTES {
        return Err(invalid(format!(
            "Lambda was unable to configure your environment variables because the environment variables you have \
             provided exceeded the 4KB limit ({size} bytes measured)."
        )));
    }
    Ok(())
}

/// Checks that a function would have at most 50 tags.
fn check_tags(count: usize) -> Result<(), InvalidParameterValueException> {
    if count > MAX_TAGS {
        return Err(invalid(format!(
            "A function can have at most {MAX_TAGS} tags; this request would give it {count}."
        )));
    }
    Ok(())
}

fn conflict(message: String) -> ResourceConflictException {
    ResourceConflictException { r#type: Some("User".to_string()), message: Some(message) }
}

fn precondition_failed() -> PreconditionFailedException {
    PreconditionFailedException {
        r#type: Some("User".to_string()),
        message: Some(
            "The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API \
             to retrieve the latest Revision Id"
                .to_string(),
        ),
    }
}

/// Now, as Lambda writes `LastModified`: `2024-08-04T18:45:35.088+0000`.
fn last_modified() -> String {
    let now = Timestamp::try_from(SystemTime::now()).unwrap_or(Timestamp::UNIX_EPOCH);
    let seconds = Timestamp::from_epoch_seconds(now.epoch_seconds()).unwrap_or(Timestamp::UNIX_EPOCH);
    let text = seconds.to_string();
    format!("{}.{:03}+0000", text.trim_end_matches('Z'), now.subsec_nanos() / 1_000_000)
}

/// The function `text` names, and the version its qualifier (or
/// `qualifier`) resolves to: `$LATEST`, or the version an alias points to.
/// A qualifier that names neither, or a published version (this server
/// publishes none), is not found.
fn resolve<'a>(
    functions: &'a BTreeMap<String, Function>,
    text: &str,
    qualifier: Option<&str>,
) -> Result<(&'a Function, String), ResourceNotFoundException> {
    let (name, derived) = function_name(text).ok_or_else(|| not_found(format!("Function not found: {text}")))?;
    let function = functions.get(name).ok_or_else(|| function_not_found(name))?;
    match derived.or(qualifier) {
        None | Some(LATEST) => Ok((function, LATEST.to_string())),
        Some(alias) => match function.aliases.get(alias) {
            Some(found) => Ok((function, found.function_version.clone().unwrap_or_else(|| LATEST.to_string()))),
            None => Err(not_found(format!("Function not found: {}:{alias}", function_arn(name)))),
        },
    }
}

/// A function name and the qualifier that `Qualifier` adds to one that
/// carries its own must agree.
fn check_qualifiers(text: &str, qualifier: Option<&str>) -> Result<(), InvalidParameterValueException> {
    match (function_name(text).and_then(|(_, derived)| derived), qualifier) {
        (Some(derived), Some(given)) if derived != given => {
            Err(invalid("The derived qualifier from the function name does not match the specified qualifier."))
        }
        _ => Ok(()),
    }
}

/// The function that a `FunctionName` without a qualifier names (aliases
/// and updates are made on the function itself).
fn unqualified<'a>(
    functions: &'a mut BTreeMap<String, Function>,
    text: &str,
) -> Result<&'a mut Function, ResourceNotFoundException> {
    let name = match function_name(text) {
        Some((name, None)) => name,
        _ => return Err(not_found(format!("Function not found: {text}"))),
    };
    functions.get_mut(name).ok_or_else(|| function_not_found(name))
}

/// The function whose ARN is `resource` (tags are kept by function ARN).
fn tagged<'a>(
    functions: &'a mut BTreeMap<String, Function>,
    resource: &str,
) -> Result<&'a mut Function, ResourceNotFoundException> {
    match function_name(resource) {
        Some((name, None)) if resource.starts_with("arn:") => {
            functions.get_mut(name).ok_or_else(|| function_not_found(name))
        }
        _ => Err(not_found(format!("Resource not found: {resource}"))),
    }
}

/// A page of `items` (in key order, from the marker on): at most
/// `max_items` of them, and the marker of the next page (its first key) if
/// there is one.
fn page<'a, T: 'a>(
    items: impl Iterator<Item = (&'a String, &'a T)>,
    max_items: Option<i32>,
) -> (Vec<&'a T>, Option<String>) {
    let size = max_items.and_then(|n| usize::try_from(n).ok()).unwrap_or(PAGE);
    let mut items = items.peekable();
    let found = items.by_ref().take(size).map(|(_, item)| item).collect();
    (found, items.peek().map(|(key, _)| key.to_string()))
}

/// The entries of `map` from `marker` (a key, as [`page`] gives them) on.
fn from_marker<'a, T>(map: &'a BTreeMap<String, T>, marker: Option<&str>) -> btree_map::Range<'a, String, T> {
    map.range::<str, _>((marker.map_or(Bound::Unbounded, Bound::Included), Bound::Unbounded))
}

impl AwsGirApiService for InMemoryLambda {
    async fn create_function(
        &self,
        _context: &RequestContext,
        input: CreateFunctionRequest,
    ) -> Result<FunctionConfiguration, CreateFunctionError> {
        // The model allows a name or an ARN; a new function is named.
        let name = match function_name(&input.function_name) {
            Some((name, None)) => name.to_string(),
            _ => return Err(invalid(format!("{} is not a function name", input.function_name)).into()),
        };
        let package_type = input.package_type.unwrap_or(PackageType::Zip);
        if package_type != PackageType::Zip {
            return Err(invalid("This server takes .zip file archives only (PackageType Zip)").into());
        }
        if input.runtime.is_none() || input.handler.is_none() {
            return Err(invalid(
                "Runtime and Handler are mandatory parameters for functions created with deployment packages.",
            )
            .into());
        }
        let Some(zip) = input.code.zip_file.as_ref() else {
            return Err(invalid("This server takes the deployment package as Code.ZipFile only").into());
        };
        check_environment(input.environment.as_ref().and_then(|e| e.variables.as_ref()))?;
        check_tags(input.tags.as_ref().map_or(0, BTreeMap::len))?;
        let mut state = self.state();
        if state.functions.contains_key(&name) {
            return Err(conflict(format!("Function already exist: {name}")).into());
        }
        let configuration = FunctionConfiguration {
            function_name: Some(name.clone()),
            function_arn: Some(function_arn(&name)),
            runtime: input.runtime,
            role: Some(input.role),
            handler: input.handler,
            code_size: zip.as_bytes().len() as i64,
            description: Some(input.description.unwrap_or_default()),
            timeout: Some(input.timeout.unwrap_or(3)),
            memory_size: Some(input.memory_size.unwrap_or(128)),
            last_modified: Some(last_modified()),
            code_sha256: Some(Blob::new(Sha256::digest(zip.as_bytes()).to_vec()).to_base64()),
            version: Some(LATEST.to_string()),
            environment: input
                .environment
                .map(|environment| EnvironmentResponse { variables: environment.variables, error: None }),
            tracing_config: Some(TracingConfigResponse {
                mode: Some(input.tracing_config.and_then(|config| config.mode).unwrap_or(TracingMode::PassThrough)),
            }),
            revision_id: Some(next_revision(&mut state.revisions)),
            state: Some(State::Active),
            last_update_status: Some(LastUpdateStatus::Successful),
            package_type: Some(package_type),
            architectures: Some(input.architectures.unwrap_or_else(|| vec![Architecture::X86_64])),
            ephemeral_storage: Some(input.ephemeral_storage.unwrap_or(EphemeralStorage { size: 512 })),
            ..FunctionConfiguration::default()
        };
        let tags = input.tags.unwrap_or_default();
        state.functions.insert(name, Function { configuration: configuration.clone(), aliases: BTreeMap::new(), tags });
        Ok(configuration)
    }

    async fn get_function(
        &self,
        _context: &RequestContext,
        input: GetFunctionRequest,
    ) -> Result<GetFunctionResponse, GetFunctionError> {
        check_qualifiers(&input.function_name, input.qualifier.as_deref())?;
        let state = self.state();
        let (function, _) = resolve(&state.functions, &input.function_name, input.qualifier.as_deref())?;
        Ok(GetFunctionResponse {
            configuration: Some(function.configuration.clone()),
            code: Some(FunctionCodeLocation {
                repository_type: Some("S3".to_string()),
                ..FunctionCodeLocation::default()
            }),
            tags: (!function.tags.is_empty()).then(|| function.tags.clone()),
            ..GetFunctionResponse::default()
        })
    }

    async fn get_function_configuration(
        &self,
        _context: &RequestContext,
        input: GetFunctionConfigurationRequest,
    ) -> Result<FunctionConfiguration, GetFunctionConfigurationError> {
        check_qualifiers(&input.function_name, input.qualifier.as_deref())?;
        let state = self.state();
        let (function, _) = resolve(&state.functions, &input.function_name, input.qualifier.as_deref())?;
        Ok(function.configuration.clone())
    }

    async fn list_functions(
        &self,
        _context: &RequestContext,
        input: ListFunctionsRequest,
    ) -> Result<ListFunctionsResponse, ListFunctionsError> {
        // Every function has one version, so `FunctionVersion=ALL` lists
        // the same; `MasterRegion` filters Lambda@Edge replicas, of which
        // there are none.
        let state = self.state();
        let all = from_marker(&state.functions, input.marker.as_deref());
        let (found, next_marker) = page(all.map(|(name, function)| (name, &function.configuration)), input.max_items);
        Ok(ListFunctionsResponse { functions: Some(found.into_iter().cloned().collect()), next_marker })
    }

    async fn update_function_configuration(
        &self,
        _context: &RequestContext,
        input: UpdateFunctionConfigurationRequest,
    ) -> Result<FunctionConfiguration, UpdateFunctionConfigurationError> {
        let mut state = self.state();
        let Registry { functions, revisions } = &mut *state;
        let function = unqualified(functions, &input.function_name)?;
        let configuration = &mut function.configuration;
        if input.revision_id.is_some() && input.revision_id != configuration.revision_id {
            return Err(precondition_failed().into());
        }
        if let Some(role) = input.role {
            configuration.role = Some(role);
        }
        if let Some(handler) = input.handler {
            configuration.handler = Some(handler);
        }
        if let Some(description) = input.description {
            configuration.description = Some(description);
        }
        if let Some(timeout) = input.timeout {
            configuration.timeout = Some(timeout);
        }
        if let Some(memory_size) = input.memory_size {
            configuration.memory_size = Some(memory_size);
        }
        if let Some(runtime) = input.runtime {
            configuration.runtime = Some(runtime);
        }
        if let Some(environment) = input.environment {
            check_environment(environment.variables.as_ref())?;
            configuration.environment = Some(EnvironmentResponse { variables: environment.variables, error: None });
        }
        if let Some(ephemeral_storage) = input.ephemeral_storage {
            configuration.ephemeral_storage = Some(ephemeral_storage);
        }
        configuration.last_modified = Some(last_modified());
        configuration.revision_id = Some(next_revision(revisions));
        configuration.last_update_status = Some(LastUpdateStatus::Successful);
        Ok(configuration.clone())
    }

    async fn delete_function(
        &self,
        _context: &RequestContext,
        input: DeleteFunctionRequest,
    ) -> Result<Unit, DeleteFunctionError> {
        check_qualifiers(&input.function_name, input.qualifier.as_deref())?;
        let mut state = self.state();
        let (name, derived) = function_name(&input.function_name)
            .ok_or_else(|| not_found(format!("Function not found: {}", input.function_name)))?;
        if !state.functions.contains_key(name) {
            return Err(function_not_found(name).into());
        }
        match derived.or(input.qualifier.as_deref()) {
            None => {
                // Its aliases and tags go with it.
                state.functions.remove(name);
                Ok(Unit {})
            }
            Some(LATEST) => Err(invalid("$LATEST version cannot be deleted without deleting the function.").into()),
            // Published versions could be deleted; this server has none.
            Some(version) => Err(not_found(format!("Function not found: {}:{version}", function_arn(name))).into()),
        }
    }

    async fn create_alias(
        &self,
        _context: &RequestContext,
        input: CreateAliasRequest,
    ) -> Result<AliasConfiguration, CreateAliasError> {
        let mut state = self.state();
        let Registry { functions, revisions } = &mut *state;
        let function = unqualified(functions, &input.function_name)?;
        let name = function.configuration.function_name.clone().unwrap_or_default();
        if input.function_version != LATEST {
            return Err(
                not_found(format!("Function not found: {}:{}", function_arn(&name), input.function_version)).into()
            );
        }
        if function.aliases.contains_key(&input.name) {
            return Err(conflict(format!("Alias already exists: {}:{}", function_arn(&name), input.name)).into());
        }
        let alias = AliasConfiguration {
            alias_arn: Some(format!("{}:{}", function_arn(&name), input.name)),
            name: Some(input.name.clone()),
            function_version: Some(input.function_version),
            description: Some(input.description.unwrap_or_default()),
            routing_config: input.routing_config,
            revision_id: Some(next_revision(revisions)),
        };
        function.aliases.insert(input.name, alias.clone());
        Ok(alias)
    }

    async fn get_alias(
        &self,
        _context: &RequestContext,
        input: GetAliasRequest,
    ) -> Result<AliasConfiguration, GetAliasError> {
        let mut state = self.state();
        let function = unqualified(&mut state.functions, &input.function_name)?;
        let name = function.configuration.function_name.clone().unwrap_or_default();
        match function.aliases.get(&input.name) {
            Some(alias) => Ok(alias.clone()),
            None => Err(alias_not_found(&name, &input.name).into()),
        }
    }

    async fn list_aliases(
        &self,
        _context: &RequestContext,
        input: ListAliasesRequest,
    ) -> Result<ListAliasesResponse, ListAliasesError> {
        let mut state = self.state();
        let function = unqualified(&mut state.functions, &input.function_name)?;
        let version = input.function_version.as_deref();
        let matching = from_marker(&function.aliases, input.marker.as_deref())
            .filter(|(_, alias)| version.is_none() || alias.function_version.as_deref() == version);
        let (found, next_marker) = page(matching, input.max_items);
        Ok(ListAliasesResponse { aliases: Some(found.into_iter().cloned().collect()), next_marker })
    }

    async fn update_alias(
        &self,
        _context: &RequestContext,
        input: UpdateAliasRequest,
    ) -> Result<AliasConfiguration, UpdateAliasError> {
        let mut state = self.state();
        let Registry { functions, revisions } = &mut *state;
        let function = unqualified(functions, &input.function_name)?;
        let name = function.configuration.function_name.clone().unwrap_or_default();
        let Some(alias) = function.aliases.get_mut(&input.name) else {
            return Err(alias_not_found(&name, &input.name).into());
        };
        if input.revision_id.is_some() && input.revision_id != alias.revision_id {
            return Err(precondition_failed().into());
        }
        if let Some(version) = input.function_version {
            if version != LATEST {
                return Err(not_found(format!("Function not found: {}:{version}", function_arn(&name))).into());
            }
            alias.function_version = Some(version);
        }
        if let Some(description) = input.description {
            alias.description = Some(description);
        }
        if let Some(routing_config) = input.routing_config {
            alias.routing_config = Some(routing_config);
        }
        alias.revision_id = Some(next_revision(revisions));
        Ok(alias.clone())
    }

    async fn delete_alias(
        &self,
        _context: &RequestContext,
        input: DeleteAliasRequest,
    ) -> Result<Unit, DeleteAliasError> {
        let mut state = self.state();
        let function = unqualified(&mut state.functions, &input.function_name).map_err(unmodelled)?;
        let name = function.configuration.function_name.clone().unwrap_or_default();
        match function.aliases.remove(&input.name) {
            Some(_) => Ok(Unit {}),
            // Lambda answers so, though the model does not list the error
            // for DeleteAlias: it is sent as an unmodelled error.
            None => Err(unmodelled(alias_not_found(&name, &input.name)).into()),
        }
    }

    async fn invoke(
        &self,
        context: &RequestContext,
        input: InvocationRequest,
    ) -> Result<InvocationResponse, InvokeError> {
        let (name, qualifier, client_context) =
            (&input.function_name, input.qualifier.as_deref(), input.client_context.as_deref());
        let invocation = Invocation::new(name, qualifier, client_context, input.payload, input.log_type);
        let prepared = self.prepare::<InvokeError>(&invocation)?;
        match input.invocation_type.unwrap_or(InvocationType::RequestResponse) {
            // Queued (and, here, dropped): no payload.
            InvocationType::Event => {
                return Ok(InvocationResponse { status_code: 202, ..InvocationResponse::default() });
            }
            // Only checks that the caller may invoke the function.
            InvocationType::DryRun => {
                return Ok(InvocationResponse { status_code: 204, ..InvocationResponse::default() });
            }
            InvocationType::RequestResponse => {}
        }
        let ran = run(context, &invocation, prepared);
        Ok(InvocationResponse {
            status_code: 200,
            executed_version: Some(ran.version),
            function_error: ran.function_error,
            log_result: ran.log_result,
            payload: Some(Blob::new(ran.payload)),
        })
    }

    async fn invoke_with_response_stream(
        &self,
        context: &RequestContext,
        input: InvokeWithResponseStreamRequest,
    ) -> Result<InvokeWithResponseStreamResponse, InvokeWithResponseStreamError> {
        let (name, qualifier, client_context) =
            (&input.function_name, input.qualifier.as_deref(), input.client_context.as_deref());
        let invocation = Invocation::new(name, qualifier, client_context, input.payload, input.log_type);
        let prepared = self.prepare::<InvokeWithResponseStreamError>(&invocation)?;
        if input.invocation_type == Some(ResponseStreamingInvocationType::DryRun) {
            return Ok(InvokeWithResponseStreamResponse { status_code: 204, ..Default::default() });
        }
        let ran = run(context, &invocation, prepared);
        // The payload as the function writes it, chunk by chunk, then how
        // the invocation ended (a function error is reported there, as
        // Lambda does once the stream has begun).
        let mut events: Vec<InvokeWithResponseStreamResponseEvent> = ran
            .payload
            .chunks(STREAM_CHUNK)
            .map(|chunk| {
                InvokeWithResponseStreamResponseEvent::PayloadChunk(InvokeResponseStreamUpdate {
                    payload: Some(Blob::new(chunk)),
                })
            })
            .collect();
        let error_details = ran.function_error.as_ref().map(|_| String::from_utf8_lossy(&ran.payload).into_owned());
        events.push(InvokeWithResponseStreamResponseEvent::InvokeComplete(InvokeWithResponseStreamCompleteEvent {
            error_code: ran.function_error,
            error_details,
            log_result: ran.log_result,
        }));
        Ok(InvokeWithResponseStreamResponse {
            status_code: 200,
            executed_version: Some(ran.version),
            event_stream: events.into_iter().collect(),
            response_stream_content_type: Some("application/octet-stream".to_string()),
        })
    }

    async fn tag_resource(
        &self,
        _context: &RequestContext,
        input: TagResourceRequest,
    ) -> Result<Unit, TagResourceError> {
        let mut state = self.state();
        let function = tagged(&mut state.functions, &input.resource)?;
        let added = input.tags.keys().filter(|key| !function.tags.contains_key(*key)).count();
        check_tags(function.tags.len() + added)?;
        function.tags.extend(input.tags);
        Ok(Unit {})
    }

    async fn untag_resource(
        &self,
        _context: &RequestContext,
        input: UntagResourceRequest,
    ) -> Result<Unit, UntagResourceError> {
        let mut state = self.state();
        let function = tagged(&mut state.functions, &input.resource)?;
        for key in &input.tag_keys {
            function.tags.remove(key);
        }
        Ok(Unit {})
    }

    async fn list_tags(
        &self,
        _context: &RequestContext,
        input: ListTagsRequest,
    ) -> Result<ListTagsResponse, ListTagsError> {
        let mut state = self.state();
        let function = tagged(&mut state.functions, &input.resource)?;
        Ok(ListTagsResponse { tags: Some(function.tags.clone()) })
    }
}

/// A modelled error sent where the model does not list it, with its name
/// and status.
fn unmodelled<E: ErrorShape>(error: E) -> UnmodelledError {
    UnmodelledError::client(E::NAME, error.message().unwrap_or_default()).with_status(E::HTTP_STATUS)
}

/// The payload bytes a streamed invocation sends per `PayloadChunk`.
const STREAM_CHUNK: usize = 16 << 10;

/// What `Invoke` and `InvokeWithResponseStream` share of their inputs.
struct Invocation<'a> {
    function_name: &'a str,
    qualifier: Option<&'a str>,
    payload: Vec<u8>,
    client_context: Option<&'a str>,
    tail: bool,
}

impl<'a> Invocation<'a> {
    /// What `Invoke` and `InvokeWithResponseStream` ask alike.
    fn new(
        function_name: &'a str,
        qualifier: Option<&'a str>,
        client_context: Option<&'a str>,
        payload: Option<Blob>,
        log_type: Option<LogType>,
    ) -> Self {
        Invocation {
            function_name,
            qualifier,
            payload: payload.map(Blob::into_inner).unwrap_or_default(),
            client_context,
            tail: log_type == Some(LogType::Tail),
        }
    }
}

/// A function resolved for an invocation, with its event parsed.
struct Prepared {
    name: String,
    version: String,
    event: Option<serde_json::Value>,
}

/// How an invocation ran.
struct Ran {
    version: String,
    payload: Vec<u8>,
    function_error: Option<String>,
    log_result: Option<String>,
}

impl InMemoryLambda {
    /// The function an invocation names, and its event: a payload that is
    /// not JSON is the caller's error.
    fn prepare<E>(&self, invocation: &Invocation<'_>) -> Result<Prepared, E>
    where
        E: From<InvalidParameterValueException>
            + From<ResourceNotFoundException>
            + From<InvalidRequestContentException>,
    {
        check_qualifiers(invocation.function_name, invocation.qualifier)?;
        let (name, version) = {
            let state = self.state();
            let (function, version) = resolve(&state.functions, invocation.function_name, invocation.qualifier)?;
            (function.configuration.function_name.clone().unwrap_or_default(), version)
        };
        let event = if invocation.payload.is_empty() {
            None
        } else {
            match serde_json::from_slice(&invocation.payload) {
                Ok(event) => Some(event),
                Err(e) => {
                    let message = format!("Could not parse request body into json: {e}");
                    return Err(InvalidRequestContentException {
                        r#type: Some("User".to_string()),
                        message: Some(message),
                    }
                    .into());
                }
            }
        };
        Ok(Prepared { name, version, event })
    }
}

/// Runs the function: it echoes its event, or says who ran when it has
/// none; an event `{"raise": "..."}` makes it fail as a handler does.
fn run(context: &RequestContext, invocation: &Invocation<'_>, prepared: Prepared) -> Ran {
    let Prepared { name, version, event } = prepared;
    let mut function_error = None;
    let raised = event.as_ref().and_then(|event| event.get("raise")).and_then(|raise| raise.as_str());
    let payload = match (raised, &event) {
        (Some(message), _) => {
            function_error = Some("Unhandled".to_string());
            serde_json::json!({"errorMessage": message, "errorType": "Exception"}).to_string().into_bytes()
        }
        (None, Some(_)) => invocation.payload.clone(),
        (None, None) => serde_json::json!({"function": name, "version": version}).to_string().into_bytes(),
    };
    let log_result = invocation.tail.then(|| {
        let id = context.request_id().as_str();
        let mut log = format!("START RequestId: {id} Version: {version}\n");
        if let Some(client_context) = invocation.client_context {
            // The client context is base64 of a JSON document.
            let decoded = Blob::from_base64(client_context).ok().map(Blob::into_inner).unwrap_or_default();
            log.push_str(&format!("client context: {}\n", String::from_utf8_lossy(&decoded)));
        }
        log.push_str(&format!("END RequestId: {id}\nREPORT RequestId: {id}\tDuration: 0.01 ms\n"));
        Blob::new(log_tail(log.as_bytes()).to_vec()).to_base64()
    });
    Ran { version, payload, function_error, log_result }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn function_names_are_names_arns_and_partial_arns() {
        assert_eq!(function_name("f"), Some(("f", None)));
        assert_eq!(function_name("f:live"), Some(("f", Some("live"))));
        assert_eq!(function_name("arn:aws:lambda:us-east-1:123456789012:function:f"), Some(("f", None)));
        assert_eq!(
            function_name("arn:aws:lambda:us-east-1:123456789012:function:f:$LATEST"),
            Some(("f", Some("$LATEST")))
        );
        assert_eq!(function_name("123456789012:function:f:live"), Some(("f", Some("live"))));
        assert_eq!(function_name("arn:aws:lambda:eu-west-1:123456789012:function:f"), None);
    }

    #[test]
    fn pages_start_at_the_marker() {
        let items: BTreeMap<String, u32> = [("a", 1), ("b", 2), ("c", 3)].map(|(k, v)| (k.to_string(), v)).into();
        assert_eq!(page(from_marker(&items, None), Some(2)), (vec![&1, &2], Some("c".to_string())));
        assert_eq!(page(from_marker(&items, Some("c")), Some(2)), (vec![&3], None));
        assert_eq!(page(from_marker(&items, Some("bb")), Some(2)), (vec![&3], None));
        assert_eq!(page(from_marker(&items, None), None), (vec![&1, &2, &3], None));
    }

    #[test]
    fn last_modified_is_lambdas_format() {
        let text = last_modified();
        assert_eq!(text.len(), "2024-08-04T18:45:35.088+0000".len(), "{text}");
        assert!(text.ends_with("+0000") && text.as_bytes()[19] == b'.', "{text}");
    }
}
