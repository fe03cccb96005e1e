//! What S3 keeps of a bucket beyond its objects, and of an object beyond
//! its bytes: tags, the versioning status, the CORS rules and the policy,
//! stored and returned as given (the emulator enforces none of them), in
//! the forms the data directory keeps.

use serde::{Deserialize, Serialize};

use emulator_generated::s3::types::{CorsRule, Tag};

/// A bucket's configuration.
#[derive(Clone, Default, Serialize, Deserialize)]
pub struct BucketConfig {
    #[serde(default)]
    pub tags: Option<Vec<(String, String)>>,
    /// `Enabled` or `Suspended`, once set.
    #[serde(default)]
    pub versioning: Option<String>,
    #[serde(default)]
    pub cors: Option<Vec<Cors>>,
    /// The policy document, as sent.
    #[serde(default)]
    pub policy: Option<String>,
}

/// A CORS rule, as the data directory keeps it.
#[derive(Clone, Serialize, Deserialize)]
pub struct Cors {
    id: Option<String>,
    allowed_headers: Option<Vec<String>>,
    allowed_methods: Vec<String>,
    allowed_origins: Vec<String>,
    expose_headers: Option<Vec<String>>,
    max_age_seconds: Option<i32>,
}

impl From<CorsRule> for Cors {
    fn from(rule: CorsRule) -> Self {
        Cors {
            id: rule.id,
            allowed_headers: rule.allowed_headers,
            allowed_methods: rule.allowed_methods,
            allowed_origins: rule.allowed_origins,
            expose_headers: rule.expose_headers,
            max_age_seconds: rule.max_age_seconds,
        }
    }
}

impl From<Cors> for CorsRule {
    fn from(rule: Cors) -> Self {
        CorsRule {
            id: rule.id,
            allowed_headers: rule.allowed_headers,
            allowed_methods: rule.allowed_methods,
            allowed_origins: rule.allowed_origins,
            expose_headers: rule.expose_headers,
            max_age_seconds: rule.max_age_seconds,
        }
    }
}

/// Tags as the model has them.
pub fn to_tags(tags: &[(String, String)]) -> Vec<Tag> {
    tags.iter().map(|(key, value)| Tag { key: key.clone(), value: value.clone() }).collect()
}

/// Tags as sent, checked as S3 checks them: at most `max` (50 on a bucket,
/// 10 on an object), keys of 1 to 128 characters, values of at most 256,
/// no key twice.
pub fn from_tags(
    tags: Vec<Tag>,
    max: usize,
) -> Result<Vec<(String, String)>, emulator_generated::runtime::UnmodelledError> {
    let invalid = |message: &str| crate::s3::s3_error(400, "InvalidTag", message);
    if tags.len() > max {
        return Err(invalid(if max == 10 {
            "Object tags cannot be greater than 10"
        } else {
            "Bucket tag count cannot be greater than 50"
        }));
    }
    let mut seen = std::collections::HashSet::new();
    for tag in &tags {
        if tag.key.is_empty() || tag.key.chars().count() > 128 {
            return Err(invalid("The TagKey you have provided is invalid"));
        }
        if tag.value.chars().count() > 256 {
            return Err(invalid("The TagValue you have provided is invalid"));
        }
        if !seen.insert(tag.key.clone()) {
            return Err(invalid("Cannot provide multiple Tags with the same key"));
        }
    }
    Ok(tags.into_iter().map(|tag| (tag.key, tag.value)).collect())
}
