//! Systems Manager Parameter Store: `String`, `StringList` and
//! `SecureString` parameters by name, every version kept, in memory or, with
//! `--data-dir`, on disk too.
//!
//! Served: PutParameter (descriptions, allowed patterns, tiers, tags,
//! SecureString sealed under a local key, [`secure`]), GetParameter and
//! GetParameters (with `name:version` and `name:label` selectors and
//! `WithDecryption`), GetParametersByPath (recursive or one level, filters),
//! GetParameterHistory, DescribeParameters (filters by name, path, type,
//! tier, label, key and data type), LabelParameterVersion and
//! UnlabelParameterVersion, DeleteParameter(s), and tags
//! (Add/RemoveTagsFromResource, ListTagsForResource).
//!
//! AWS's limits: values of at most 4 KB in the standard tier and 8 KB in
//! the advanced one (`Intelligent-Tiering` picks), 10,000 standard
//! parameters, 15 levels of hierarchy, 50 tags, no `aws` or `ssm` prefix,
//! 100 versions (the oldest dropped unless labelled), 10 labels a version;
//! every parameter is charged to the state budget.
//!
//! The types come from the repository's SSM crate (`generated`), a crate
//! generated separately from `emulator-generated`: both name the runtime's
//! one `Timestamp`, so the clock below serves DynamoDB and SSM alike.

mod secure;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use generated::runtime::context::RequestContext;
use generated::runtime::{Timestamp, UnmodelledError, excerpt};
use generated::ssm::error::{
    HierarchyLevelLimitExceededException, InvalidFilterKey, InvalidResourceId, InvalidResourceType,
    ParameterAlreadyExists, ParameterLimitExceeded, ParameterMaxVersionLimitExceeded, ParameterNotFound,
    ParameterPatternMismatchException, ParameterVersionLabelLimitExceeded, ParameterVersionNotFound, TooManyTagsError,
};
use generated::ssm::operation::add_tags_to_resource::{
    AddTagsToResourceError, AddTagsToResourceRequest, AddTagsToResourceResult,
};
use generated::ssm::operation::delete_parameter::{
    DeleteParameterError, DeleteParameterRequest, DeleteParameterResult,
};
use generated::ssm::operation::delete_parameters::{
    DeleteParametersError, DeleteParametersRequest, DeleteParametersResult,
};
use generated::ssm::operation::describe_parameters::{
    DescribeParametersError, DescribeParametersRequest, DescribeParametersResult,
};
use generated::ssm::operation::get_parameter::{GetParameterError, GetParameterRequest, GetParameterResult};
use generated::ssm::operation::get_parameter_history::{
    GetParameterHistoryError, GetParameterHistoryRequest, GetParameterHistoryResult,
};
use generated::ssm::operation::get_parameters::{GetParametersError, GetParametersRequest, GetParametersResult};
use generated::ssm::operation::get_parameters_by_path::{
    GetParametersByPathError, GetParametersByPathRequest, GetParametersByPathResult,
};
use generated::ssm::operation::label_parameter_version::{
    LabelParameterVersionError, LabelParameterVersionRequest, LabelParameterVersionResult,
};
use generated::ssm::operation::list_tags_for_resource::{
    ListTagsForResourceError, ListTagsForResourceRequest, ListTagsForResourceResult,
};
use generated::ssm::operation::put_parameter::{PutParameterError, PutParameterRequest, PutParameterResult};
use generated::ssm::operation::remove_tags_from_resource::{
    RemoveTagsFromResourceError, RemoveTagsFromResourceRequest, RemoveTagsFromResourceResult,
};
use generated::ssm::operation::unlabel_parameter_version::{
    UnlabelParameterVersionError, UnlabelParameterVersionRequest, UnlabelParameterVersionResult,
};
use generated::ssm::service::AmazonSsm;
use generated::ssm::types::{
    Parameter, ParameterHistory, ParameterMetadata, ParameterStringFilter, ParameterTier, ParameterType,
    ParametersFilterKey, ResourceTypeForTagging, Tag,
};
use serde::{Deserialize, Serialize};

use crate::quota::{Budget, Charge};
use crate::store::{self, Change, Store, StoreError};
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
/// The most versions kept of a parameter, and labels of a version.
const MAX_VERSIONS: usize = 100;
const MAX_LABELS: usize = 10;
/// The key SecureString parameters name when they name none.
const DEFAULT_KEY: &str = "alias/aws/ssm";

/// The Parameter Store: each parameter's versions, by name.
pub struct Ssm {
    parameters: Mutex<BTreeMap<String, Stored>>,
    store: Arc<Store>,
    budget: Arc<Budget>,
    key: secure::Key,
}

/// A parameter: its versions (oldest first) and tags.
struct Stored {
    versions: Vec<Version>,
    tags: BTreeMap<String, String>,
    /// Its share of the state budget.
    _charge: Charge,
}

/// One version of a parameter, as its record keeps it.
#[derive(Clone, Serialize, Deserialize)]
struct Version {
    version: i64,
    r#type: String,
    /// A SecureString's value is sealed ([`secure`]).
    value: String,
    #[serde(default)]
    key_id: Option<String>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    allowed_pattern: Option<String>,
    #[serde(default)]
    labels: Vec<String>,
    tier: String,
    data_type: String,
    /// Seconds and nanoseconds since the epoch.
    modified: (i64, u32),
}

/// A parameter as its record keeps it.
#[derive(Serialize, Deserialize)]
struct Record {
    versions: Vec<Version>,
    #[serde(default)]
    tags: BTreeMap<String, String>,
}

impl Stored {
    fn latest(&self) -> &Version {
        self.versions.last().expect("a parameter has a version")
    }

    fn tier(&self) -> ParameterTier {
        self.latest().tier.parse().unwrap_or(ParameterTier::Standard)
    }

    fn record(&self) -> Vec<u8> {
        store::record(&Record { versions: self.versions.clone(), tags: self.tags.clone() })
    }
}

impl Ssm {
    /// The Parameter Store, with the parameters (and the key that seals
    /// SecureStrings) an earlier run left in `store`, charged to `budget`.
    pub fn new(store: Arc<Store>, budget: Arc<Budget>) -> Result<Self, StoreError> {
        let corrupt = || StoreError::corrupt("an SSM parameter");
        let key = match store.load::<Vec<u8>>(SERVICE, "key")?.into_iter().next() {
            Some((_, bytes)) => secure::Key::from_bytes(&bytes).ok_or_else(|| StoreError::corrupt("SSM's key"))?,
            None => {
                let (key, bytes) = secure::Key::generate().ok_or_else(|| StoreError::corrupt("a random key"))?;
                store.commit(SERVICE, Change::default().put("key", "local", store::record(&bytes)))?;
                key
            }
        };
        let mut parameters = BTreeMap::new();
        for (name, record) in store.load::<Record>(SERVICE, "parameter")? {
            if record.versions.is_empty() {
                return Err(corrupt());
            }
            let charge = budget.charge(size(&name, &record.versions)).map_err(|_| corrupt())?;
            parameters.insert(name, Stored { versions: record.versions, tags: record.tags, _charge: charge });
        }
        Ok(Ssm { parameters: Mutex::new(parameters), store, budget, key })
    }

    /// Forgets every parameter (the key stays).
    pub fn reset(&self) {
        self.parameters().clear();
        let cleared = self.store.load::<Vec<u8>>(SERVICE, "key").and_then(|keys| {
            self.store.clear(SERVICE)?;
            let change = keys
                .into_iter()
                .fold(Change::default(), |change, (name, bytes)| change.put("key", name, store::record(&bytes)));
            self.store.commit(SERVICE, change)
        });
        if let Err(e) = cleared {
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

    /// `version` of parameter `name` as GetParameter answers it, its value
    /// opened if `decrypt`.
    fn parameter(&self, name: &str, version: &Version, decrypt: bool, selector: Option<String>) -> Parameter {
        let secure = version.r#type == ParameterType::SecureString.as_str();
        let value = if secure && decrypt {
            self.key.decrypt(&version.value).unwrap_or_default()
        } else {
            version.value.clone()
        };
        Parameter {
            name: Some(name.to_string()),
            r#type: version.r#type.parse().ok(),
            value: Some(value),
            version: version.version,
            selector,
            last_modified_date: Timestamp::from_parts(version.modified.0, version.modified.1),
            arn: Some(arn(name)),
            data_type: Some(version.data_type.clone()),
            ..Default::default()
        }
    }

    /// The parameter a `name`, `name:version` or `name:label` names.
    fn select(&self, parameters: &BTreeMap<String, Stored>, text: &str, decrypt: bool) -> Result<Parameter, Missing> {
        let (name, selector) = match text.rsplit_once(':') {
            // An ARN's colons are not a selector's.
            Some((name, selector)) if !text.starts_with("arn:") => (name, Some(selector)),
            _ => (text, None),
        };
        let name = name_of(name);
        let stored = parameters.get(name).ok_or(Missing::Parameter)?;
        let version = match selector {
            None => stored.latest(),
            Some(selector) => {
                let found = match selector.parse::<i64>() {
                    Ok(number) => stored.versions.iter().find(|v| v.version == number),
                    Err(_) => stored.versions.iter().find(|v| v.labels.iter().any(|l| l == selector)),
                };
                found.ok_or_else(|| {
                    Missing::Version(format!(
                        "Systems Manager could not find version {} of {name}. Verify the version and try again.",
                        excerpt(selector)
                    ))
                })?
            }
        };
        Ok(self.parameter(name, version, decrypt, selector.map(|s| format!(":{s}"))))
    }
}

/// Why a selected parameter is not there.
enum Missing {
    Parameter,
    Version(String),
}

/// What a parameter costs the state budget: its name and its versions.
fn size(name: &str, versions: &[Version]) -> usize {
    versions
        .iter()
        .fold(name.len() * 2, |total, v| total + v.value.len() + v.description.as_ref().map_or(0, String::len) + 128)
}

/// A parameter's ARN: hierarchical names (`/app/db/host`) keep their one
/// leading slash after `parameter`, flat names get one.
fn arn(name: &str) -> String {
    let separator = if name.starts_with('/') { "" } else { "/" };
    format!("arn:aws:ssm:{REGION}:{ACCOUNT_ID}:parameter{separator}{name}")
}

/// The name a parameter's name or ARN names.
fn name_of(name_or_arn: &str) -> &str {
    let prefix = format!("arn:aws:ssm:{REGION}:{ACCOUNT_ID}:parameter");
    match name_or_arn.strip_prefix(prefix.as_str()) {
        // `parameter/flat` names `flat`; `parameter/app/x` names `/app/x`.
        Some(rest) => {
            let flat = rest.strip_prefix('/').unwrap_or(rest);
            if flat.contains('/') { rest } else { flat }
        }
        None => name_or_arn,
    }
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

/// Whether `label` is one SSM allows: up to 100 letters, digits, `.`, `-`
/// and `_`, not starting with a digit, `aws` or `ssm`.
fn valid_label(label: &str) -> bool {
    let lower = label.to_ascii_lowercase();
    (1..=100).contains(&label.len())
        && label.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
        && !label.starts_with(|c: char| c.is_ascii_digit())
        && !lower.starts_with("aws")
        && !lower.starts_with("ssm")
}

/// A filter of DescribeParameters or GetParametersByPath, as one test.
struct Filter {
    key: String,
    option: String,
    values: Vec<String>,
}

impl Filter {
    fn of(filter: &ParameterStringFilter) -> Filter {
        Filter {
            key: filter.key.clone(),
            option: filter.option.clone().unwrap_or_else(|| "Equals".to_string()),
            values: filter.values.clone().unwrap_or_default(),
        }
    }

    /// Whether parameter `name` (whose latest version is `version`) passes.
    fn passes(&self, name: &str, version: &Version, all_labels: &[&str]) -> bool {
        let equals_or_begins = |value: &str| {
            self.values
                .iter()
                .any(|v| if self.option == "BeginsWith" { value.starts_with(v.as_str()) } else { value == v })
        };
        match self.key.as_str() {
            "Name" => equals_or_begins(name),
            "Type" => equals_or_begins(&version.r#type),
            "KeyId" => version.key_id.as_deref().is_some_and(equals_or_begins),
            "Tier" => equals_or_begins(&version.tier),
            "DataType" => equals_or_begins(&version.data_type),
            "Label" => all_labels.iter().any(|label| equals_or_begins(label)),
            "Path" => self.values.iter().any(|path| under(name, path, self.option == "Recursive")),
            // Tag filters: `tag:<key>` with values.
            _ => false,
        }
    }
}

/// Whether `name` is under `path` (`/a/b`): directly, or at any depth.
fn under(name: &str, path: &str, recursive: bool) -> bool {
    let prefix = if path.ends_with('/') { path.to_string() } else { format!("{path}/") };
    name.strip_prefix(prefix.as_str()).is_some_and(|rest| !rest.is_empty() && (recursive || !rest.contains('/')))
}

/// Checks the filters SSM takes: their keys and options.
fn check_filters(filters: &[Filter], by_path: bool) -> Result<(), InvalidFilterKey> {
    let keys: &[&str] = if by_path {
        &["Type", "KeyId", "Label"]
    } else {
        &["Name", "Type", "KeyId", "Path", "Tier", "Label", "DataType"]
    };
    let known = filters.iter().all(|f| keys.contains(&f.key.as_str()) || (!by_path && f.key.starts_with("tag:")));
    if known { Ok(()) } else { Err(InvalidFilterKey {}) }
}

/// A page of `names` after the token (the last name of the page before).
fn page<'a>(
    names: impl Iterator<Item = &'a String>,
    token: Option<&str>,
    max: usize,
) -> (Vec<&'a String>, Option<String>) {
    let mut chosen: Vec<&String> = names.filter(|name| token.is_none_or(|t| name.as_str() > t)).take(max + 1).collect();
    let more = chosen.len() > max;
    chosen.truncate(max);
    let next = more.then(|| chosen.last().map(|name| (*name).clone())).flatten();
    (chosen, next)
}

impl AmazonSsm for Ssm {
    async fn put_parameter(
        &self,
        _context: &RequestContext,
        input: PutParameterRequest,
    ) -> Result<PutParameterResult, PutParameterError> {
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
        if let Some(pattern) = &input.allowed_pattern {
            let matched = regex::Regex::new(pattern).map(|re| re.is_match(&input.value));
            match matched {
                Ok(true) => {}
                Ok(false) => {
                    return Err(ParameterPatternMismatchException {
                        message: Some(format!(
                            "Parameter value, cannot be validated against allowedPattern: {}",
                            excerpt(pattern)
                        )),
                    }
                    .into());
                }
                Err(_) => {
                    return Err(UnmodelledError::client(
                        "InvalidAllowedPatternException",
                        "The request does not meet the regular expression requirement.",
                    )
                    .into());
                }
            }
        }
        let data_type = input.data_type.clone().unwrap_or_else(|| "text".to_string());
        if !matches!(data_type.as_str(), "text" | "aws:ec2:image" | "aws:ssm:integration") {
            return Err(UnmodelledError::client(
                "ValidationException",
                "The following data type is not supported: the data types are text, aws:ec2:image and aws:ssm:integration",
            )
            .into());
        }
        let mut parameters = self.parameters();
        let previous = parameters.get(&input.name);
        // A parameter stays in the advanced tier once there.
        let asked = match (input.tier, previous.map(Stored::tier)) {
            (Some(ParameterTier::Standard), Some(ParameterTier::Advanced)) => {
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
            (Some(previous), None) => previous.latest().r#type.parse().unwrap_or(ParameterType::String),
            (None, None) => {
                return Err(UnmodelledError::client(
                    "ValidationException",
                    "A parameter type is required when you create a parameter.",
                )
                .into());
            }
        };
        if previous.is_none() {
            let (quota, counted) = match tier {
                ParameterTier::Advanced => (MAX_ADVANCED_PARAMETERS, ParameterTier::Advanced),
                _ => (MAX_STANDARD_PARAMETERS, ParameterTier::Standard),
            };
            if parameters.values().filter(|stored| stored.tier() == counted).count() >= quota {
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
        let mut versions = previous.map(|p| p.versions.clone()).unwrap_or_default();
        if versions.len() >= MAX_VERSIONS {
            // The oldest goes, unless it is labelled.
            if !versions[0].labels.is_empty() {
                return Err(ParameterMaxVersionLimitExceeded {
                    message: Some(format!(
                        "You attempted to create a new version of {} by calling the PutParameter API with the \
                         overwrite flag. Version {}, the oldest version, can't be deleted because it has a label \
                         associated with it. Move the label to another version of the parameter, and try again.",
                        input.name, versions[0].version
                    )),
                }
                .into());
            }
            versions.remove(0);
        }
        let secure = r#type == ParameterType::SecureString;
        let value = if secure {
            self.key.encrypt(&input.value).ok_or_else(|| {
                UnmodelledError::server("InternalServerError", "An error occurred on the server side.")
            })?
        } else {
            input.value.clone()
        };
        let version_number = previous.map_or(1, |previous| previous.latest().version + 1);
        let modified = now().map_or((0, 0), |t| (t.epoch_seconds(), t.subsec_nanos()));
        versions.push(Version {
            version: version_number,
            r#type: r#type.as_str().to_string(),
            value,
            key_id: secure.then(|| input.key_id.clone().unwrap_or_else(|| DEFAULT_KEY.to_string())),
            description: input.description.clone().or_else(|| previous.and_then(|p| p.latest().description.clone())),
            allowed_pattern: input.allowed_pattern.clone(),
            labels: Vec::new(),
            tier: tier.as_str().to_string(),
            data_type,
            modified,
        });
        let tags = match previous {
            Some(previous) => previous.tags.clone(),
            None => input.tags.unwrap_or_default().into_iter().map(|t| (t.key, t.value)).collect(),
        };
        // The old versions' share is given back when it is replaced.
        let charge = self
            .budget
            .charge(size(&input.name, &versions))
            .map_err(|e| UnmodelledError::client("ParameterLimitExceeded", e.message()))?;
        let stored = Stored { versions, tags, _charge: charge };
        self.commit(Change::default().put("parameter", input.name.clone(), stored.record()))?;
        parameters.insert(input.name, stored);
        Ok(PutParameterResult { version: version_number, tier: Some(tier) })
    }

    async fn get_parameter(
        &self,
        _context: &RequestContext,
        input: GetParameterRequest,
    ) -> Result<GetParameterResult, GetParameterError> {
        let parameters = self.parameters();
        match self.select(&parameters, &input.name, input.with_decryption.unwrap_or(false)) {
            Ok(parameter) => Ok(GetParameterResult { parameter: Some(parameter) }),
            // AWS names the error and says nothing more.
            Err(Missing::Parameter) => Err(ParameterNotFound { message: None }.into()),
            Err(Missing::Version(message)) => Err(ParameterVersionNotFound { message: Some(message) }.into()),
        }
    }

    async fn get_parameters(
        &self,
        _context: &RequestContext,
        input: GetParametersRequest,
    ) -> Result<GetParametersResult, GetParametersError> {
        let parameters = self.parameters();
        let decrypt = input.with_decryption.unwrap_or(false);
        let (mut found, mut invalid) = (Vec::new(), Vec::new());
        for name in input.names {
            match self.select(&parameters, &name, decrypt) {
                Ok(parameter) => found.push(parameter),
                Err(_) => invalid.push(name),
            }
        }
        Ok(GetParametersResult { parameters: Some(found), invalid_parameters: Some(invalid) })
    }

    async fn get_parameters_by_path(
        &self,
        _context: &RequestContext,
        input: GetParametersByPathRequest,
    ) -> Result<GetParametersByPathResult, GetParametersByPathError> {
        let filters: Vec<Filter> = input.parameter_filters.iter().flatten().map(Filter::of).collect();
        check_filters(&filters, true)?;
        let recursive = input.recursive.unwrap_or(false);
        let decrypt = input.with_decryption.unwrap_or(false);
        let max = input.max_results.and_then(|n| usize::try_from(n).ok()).unwrap_or(10).clamp(1, 10);
        let parameters = self.parameters();
        let matching = parameters.iter().filter(|(name, stored)| {
            let labels: Vec<&str> = stored.versions.iter().flat_map(|v| v.labels.iter().map(String::as_str)).collect();
            (input.path == "/" && (recursive || !name.trim_start_matches('/').contains('/'))
                || under(name, &input.path, recursive))
                && filters.iter().all(|f| f.passes(name, stored.latest(), &labels))
        });
        let (names, next_token) = page(matching.map(|(name, _)| name), input.next_token.as_deref(), max);
        let found = names.iter().map(|name| self.parameter(name, parameters[*name].latest(), decrypt, None)).collect();
        Ok(GetParametersByPathResult { parameters: Some(found), next_token })
    }

    async fn get_parameter_history(
        &self,
        _context: &RequestContext,
        input: GetParameterHistoryRequest,
    ) -> Result<GetParameterHistoryResult, GetParameterHistoryError> {
        let parameters = self.parameters();
        let name = name_of(&input.name);
        let stored = parameters.get(name).ok_or(ParameterNotFound { message: None })?;
        let decrypt = input.with_decryption.unwrap_or(false);
        let max = input.max_results.and_then(|n| usize::try_from(n).ok()).unwrap_or(50).clamp(1, 50);
        let after: i64 = input.next_token.as_deref().and_then(|t| t.parse().ok()).unwrap_or(0);
        let mut chosen: Vec<&Version> = stored.versions.iter().filter(|v| v.version > after).take(max + 1).collect();
        let more = chosen.len() > max;
        chosen.truncate(max);
        let next_token = more.then(|| chosen.last().map(|v| v.version.to_string())).flatten();
        let history = chosen
            .into_iter()
            .map(|version| {
                let parameter = self.parameter(name, version, decrypt, None);
                ParameterHistory {
                    name: parameter.name,
                    r#type: parameter.r#type,
                    key_id: version.key_id.clone(),
                    last_modified_date: parameter.last_modified_date,
                    last_modified_user: Some(format!("arn:aws:iam::{ACCOUNT_ID}:root")),
                    description: version.description.clone(),
                    value: parameter.value,
                    allowed_pattern: version.allowed_pattern.clone(),
                    version: version.version,
                    labels: Some(version.labels.clone()),
                    tier: version.tier.parse().ok(),
                    policies: Some(Vec::new()),
                    data_type: Some(version.data_type.clone()),
                }
            })
            .collect();
        Ok(GetParameterHistoryResult { parameters: Some(history), next_token })
    }

    async fn describe_parameters(
        &self,
        _context: &RequestContext,
        input: DescribeParametersRequest,
    ) -> Result<DescribeParametersResult, DescribeParametersError> {
        let mut filters: Vec<Filter> = input.parameter_filters.iter().flatten().map(Filter::of).collect();
        for filter in input.filters.iter().flatten() {
            let key = match filter.key {
                ParametersFilterKey::Name => "Name",
                ParametersFilterKey::Type => "Type",
                ParametersFilterKey::KeyId => "KeyId",
            };
            filters.push(Filter { key: key.to_string(), option: "Equals".to_string(), values: filter.values.clone() });
        }
        check_filters(&filters, false)?;
        let max = input.max_results.and_then(|n| usize::try_from(n).ok()).unwrap_or(50).clamp(1, 50);
        let parameters = self.parameters();
        let matching = parameters.iter().filter(|(name, stored)| {
            let labels: Vec<&str> = stored.versions.iter().flat_map(|v| v.labels.iter().map(String::as_str)).collect();
            filters.iter().all(|filter| match filter.key.strip_prefix("tag:") {
                Some(key) => {
                    stored.tags.get(key).is_some_and(|value| filter.values.is_empty() || filter.values.contains(value))
                }
                None => filter.passes(name, stored.latest(), &labels),
            })
        });
        let (names, next_token) = page(matching.map(|(name, _)| name), input.next_token.as_deref(), max);
        let described = names
            .iter()
            .map(|name| {
                let latest = parameters[*name].latest();
                ParameterMetadata {
                    name: Some((*name).clone()),
                    arn: Some(arn(name)),
                    r#type: latest.r#type.parse().ok(),
                    key_id: latest.key_id.clone(),
                    last_modified_date: Timestamp::from_parts(latest.modified.0, latest.modified.1),
                    last_modified_user: Some(format!("arn:aws:iam::{ACCOUNT_ID}:root")),
                    description: latest.description.clone(),
                    allowed_pattern: latest.allowed_pattern.clone(),
                    version: latest.version,
                    tier: latest.tier.parse().ok(),
                    policies: Some(Vec::new()),
                    data_type: Some(latest.data_type.clone()),
                }
            })
            .collect();
        Ok(DescribeParametersResult { parameters: Some(described), next_token })
    }

    async fn label_parameter_version(
        &self,
        _context: &RequestContext,
        input: LabelParameterVersionRequest,
    ) -> Result<LabelParameterVersionResult, LabelParameterVersionError> {
        let mut parameters = self.parameters();
        let name = name_of(&input.name).to_string();
        let stored = parameters.get_mut(&name).ok_or(ParameterNotFound { message: None })?;
        let number = input.parameter_version.unwrap_or_else(|| stored.latest().version);
        let Some(index) = stored.versions.iter().position(|v| v.version == number) else {
            let message =
                format!("Systems Manager could not find version {number} of {name}. Verify the version and try again.");
            return Err(ParameterVersionNotFound { message: Some(message) }.into());
        };
        let (valid, invalid): (Vec<String>, Vec<String>) =
            input.labels.into_iter().partition(|label| valid_label(label));
        let mut versions = stored.versions.clone();
        for version in &mut versions {
            // A label moves to the version it is put on.
            version.labels.retain(|label| !valid.contains(label));
        }
        for label in &valid {
            if !versions[index].labels.contains(label) {
                versions[index].labels.push(label.clone());
            }
        }
        if versions[index].labels.len() > MAX_LABELS {
            let message = format!(
                "An error occurred (ParameterVersionLabelLimitExceeded): A parameter version can have maximum {MAX_LABELS} labels."
            );
            return Err(ParameterVersionLabelLimitExceeded { message: Some(message) }.into());
        }
        let before = std::mem::replace(&mut stored.versions, versions);
        if let Err(e) = self.commit(Change::default().put("parameter", name, stored.record())) {
            stored.versions = before;
            return Err(e.into());
        }
        Ok(LabelParameterVersionResult { invalid_labels: Some(invalid), parameter_version: number })
    }

    async fn unlabel_parameter_version(
        &self,
        _context: &RequestContext,
        input: UnlabelParameterVersionRequest,
    ) -> Result<UnlabelParameterVersionResult, UnlabelParameterVersionError> {
        let mut parameters = self.parameters();
        let name = name_of(&input.name).to_string();
        let stored = parameters.get_mut(&name).ok_or(ParameterNotFound { message: None })?;
        let Some(index) = stored.versions.iter().position(|v| v.version == input.parameter_version) else {
            let message = format!(
                "Systems Manager could not find version {} of {name}. Verify the version and try again.",
                input.parameter_version
            );
            return Err(ParameterVersionNotFound { message: Some(message) }.into());
        };
        let mut versions = stored.versions.clone();
        let (removed, invalid): (Vec<String>, Vec<String>) =
            input.labels.into_iter().partition(|label| versions[index].labels.contains(label));
        versions[index].labels.retain(|label| !removed.contains(label));
        let before = std::mem::replace(&mut stored.versions, versions);
        if let Err(e) = self.commit(Change::default().put("parameter", name, stored.record())) {
            stored.versions = before;
            return Err(e.into());
        }
        Ok(UnlabelParameterVersionResult { removed_labels: Some(removed), invalid_labels: Some(invalid) })
    }

    async fn delete_parameter(
        &self,
        _context: &RequestContext,
        input: DeleteParameterRequest,
    ) -> Result<DeleteParameterResult, DeleteParameterError> {
        let mut parameters = self.parameters();
        let name = name_of(&input.name).to_string();
        if !parameters.contains_key(&name) {
            return Err(ParameterNotFound { message: None }.into());
        }
        self.commit(Change::default().delete("parameter", name.clone()))?;
        parameters.remove(&name);
        Ok(DeleteParameterResult {})
    }

    async fn delete_parameters(
        &self,
        _context: &RequestContext,
        input: DeleteParametersRequest,
    ) -> Result<DeleteParametersResult, DeleteParametersError> {
        let mut parameters = self.parameters();
        let (deleted, invalid): (Vec<String>, Vec<String>) =
            input.names.into_iter().partition(|name| parameters.contains_key(name_of(name)));
        let change = deleted
            .iter()
            .fold(Change::default(), |change, name| change.delete("parameter", name_of(name).to_string()));
        self.commit(change)?;
        for name in &deleted {
            parameters.remove(name_of(name));
        }
        Ok(DeleteParametersResult { deleted_parameters: Some(deleted), invalid_parameters: Some(invalid) })
    }

    async fn add_tags_to_resource(
        &self,
        _context: &RequestContext,
        input: AddTagsToResourceRequest,
    ) -> Result<AddTagsToResourceResult, AddTagsToResourceError> {
        if input.resource_type != ResourceTypeForTagging::Parameter {
            return Err(InvalidResourceType {}.into());
        }
        let mut parameters = self.parameters();
        let name = name_of(&input.resource_id).to_string();
        let stored = parameters.get_mut(&name).ok_or(InvalidResourceId {})?;
        let mut tags = stored.tags.clone();
        tags.extend(input.tags.into_iter().map(|t| (t.key, t.value)));
        if tags.len() > MAX_TAGS {
            return Err(TooManyTagsError {}.into());
        }
        let before = std::mem::replace(&mut stored.tags, tags);
        if let Err(e) = self.commit(Change::default().put("parameter", name, stored.record())) {
            stored.tags = before;
            return Err(e.into());
        }
        Ok(AddTagsToResourceResult {})
    }

    async fn remove_tags_from_resource(
        &self,
        _context: &RequestContext,
        input: RemoveTagsFromResourceRequest,
    ) -> Result<RemoveTagsFromResourceResult, RemoveTagsFromResourceError> {
        if input.resource_type != ResourceTypeForTagging::Parameter {
            return Err(InvalidResourceType {}.into());
        }
        let mut parameters = self.parameters();
        let name = name_of(&input.resource_id).to_string();
        let stored = parameters.get_mut(&name).ok_or(InvalidResourceId {})?;
        let mut tags = stored.tags.clone();
        for key in &input.tag_keys {
            tags.remove(key);
        }
        let before = std::mem::replace(&mut stored.tags, tags);
        if let Err(e) = self.commit(Change::default().put("parameter", name, stored.record())) {
            stored.tags = before;
            return Err(e.into());
        }
        Ok(RemoveTagsFromResourceResult {})
    }

    async fn list_tags_for_resource(
        &self,
        _context: &RequestContext,
        input: ListTagsForResourceRequest,
    ) -> Result<ListTagsForResourceResult, ListTagsForResourceError> {
        if input.resource_type != ResourceTypeForTagging::Parameter {
            return Err(InvalidResourceType {}.into());
        }
        let parameters = self.parameters();
        let stored = parameters.get(name_of(&input.resource_id)).ok_or(InvalidResourceId {})?;
        let tags = stored.tags.iter().map(|(key, value)| Tag { key: key.clone(), value: value.clone() }).collect();
        Ok(ListTagsForResourceResult { tag_list: Some(tags) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_paths_and_labels() {
        assert_eq!(name_of(&arn("/app/db/host")), "/app/db/host");
        assert_eq!(name_of(&arn("flat")), "flat");
        assert_eq!(name_of("plain"), "plain");
        assert!(under("/app/db/host", "/app", true));
        assert!(!under("/app/db/host", "/app", false));
        assert!(under("/app/db", "/app/", false));
        assert!(!under("/application", "/app", true));
        assert!(valid_label("prod"));
        assert!(!valid_label("1st"));
        assert!(!valid_label("awsLabel"));
        assert!(!valid_label("with space"));
    }
}
