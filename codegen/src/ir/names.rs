//! Rust identifiers from Smithy names: acronym-aware case conversion and
//! keyword escaping.
//!
//! Words are split at lower-to-upper changes and before the last capital of
//! a run of capitals that starts a new word (`IPAddress` is `IP` `Address`).
//! A run of two or more capitals followed by a lone `s` is a plural acronym
//! (`ARNs`, `IDs`) and stays one word; general-purpose converters split it
//! into `AR` `Ns`, which gives names like `notification_ar_ns`.

/// Acronyms that run together in AWS names (`AWSKMSKeyARN`); a run of
/// capitals made only of these is split into them.
const ACRONYMS: &[&str] = &[
    "ACL", "API", "ARN", "AWS", "CIDR", "CPU", "DNS", "EBS", "ECR", "ECS", "EKS", "IAM", "KMS", "MFA", "RDS", "SES",
    "SNS", "SQS", "SSM", "TLS", "URL", "UTC", "VPC",
];

/// `AWSKMS` as `AWS` `KMS`, when the run is made only of [`ACRONYMS`].
fn split_acronyms(word: &str) -> Option<Vec<String>> {
    if word.len() < 6 || !word.chars().all(|c| c.is_ascii_uppercase()) {
        return None;
    }
    let mut parts = Vec::new();
    let mut rest = word;
    while !rest.is_empty() {
        let known = ACRONYMS.iter().filter(|a| rest.starts_with(*a)).max_by_key(|a| a.len())?;
        parts.push(known.to_string());
        rest = &rest[known.len()..];
    }
    Some(parts)
}

/// Splits a name into words (see the module docs).
pub fn words(name: &str) -> Vec<String> {
    let mut out = Vec::new();
    for word in raw_words(name) {
        match split_acronyms(&word) {
            Some(parts) => out.extend(parts),
            None => out.push(word),
        }
    }
    out
}

fn raw_words(name: &str) -> Vec<String> {
    let mut words = Vec::new();
    for part in name.split(|c: char| !c.is_ascii_alphanumeric()).filter(|p| !p.is_empty()) {
        let chars: Vec<char> = part.chars().collect();
        let mut start = 0;
        let mut i = 1;
        while i < chars.len() {
            let (prev, cur) = (chars[i - 1], chars[i]);
            let next = chars.get(i + 1).copied();
            let boundary = if cur.is_ascii_uppercase() {
                // fooBar, 3Bucket, or IPAddress (before `A`, which starts a word).
                prev.is_ascii_lowercase()
                    || prev.is_ascii_digit()
                    || (prev.is_ascii_uppercase()
                        && next.is_some_and(|n| n.is_ascii_lowercase())
                        && !is_plural_suffix(&chars, i + 1))
            } else {
                false
            };
            if boundary {
                words.push(chars[start..i].iter().collect());
                start = i;
            }
            i += 1;
        }
        words.push(chars[start..].iter().collect());
    }
    words
}

/// Whether `chars[at]` is a lone `s` closing a word (`ARNs`, `IDsFoo`).
fn is_plural_suffix(chars: &[char], at: usize) -> bool {
    chars.get(at) == Some(&'s') && chars.get(at + 1).is_none_or(|c| !c.is_ascii_lowercase())
}

/// `snake_case`, without keyword escaping.
pub fn snake_case(name: &str) -> String {
    words(name).iter().map(|w| w.to_ascii_lowercase()).collect::<Vec<_>>().join("_")
}

/// `PascalCase`, with acronyms as one capitalised word (`IpAddress`).
pub fn pascal_case(name: &str) -> String {
    let mut out = String::new();
    let mut previous_ends_in_digit = false;
    for word in words(name) {
        // Keep digit groups apart: `1.0` must not read as `10`.
        if previous_ends_in_digit && word.starts_with(|c: char| c.is_ascii_digit()) {
            out.push('_');
        }
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            out.push(first.to_ascii_uppercase());
            out.extend(chars.map(|c| c.to_ascii_lowercase()));
        }
        previous_ends_in_digit = word.ends_with(|c: char| c.is_ascii_digit());
    }
    out
}

/// Rust's keywords, strict and reserved, up to edition 2024.
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate", "do", "dyn", "else",
    "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "macro", "match", "mod",
    "move", "mut", "override", "priv", "pub", "ref", "return", "self", "Self", "static", "struct", "super", "trait",
    "true", "try", "type", "typeof", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Keywords that cannot be raw identifiers; they get a trailing `_`.
const NOT_RAW: &[&str] = &["crate", "self", "Self", "super"];

/// An identifier as it must be written in Rust source: keywords become raw
/// identifiers (`r#type`), or take a `_` suffix where Rust forbids that.
pub fn escape(ident: &str) -> String {
    if NOT_RAW.contains(&ident) {
        format!("{ident}_")
    } else if KEYWORDS.contains(&ident) {
        format!("r#{ident}")
    } else {
        ident.to_string()
    }
}

/// A field or module name for a Smithy member or shape name.
pub fn field_name(name: &str) -> String {
    let snake = snake_case(name);
    let snake = if snake.starts_with(|c: char| c.is_ascii_digit()) { format!("_{snake}") } else { snake };
    escape(&snake)
}

/// A module name (also a file name, so never a raw identifier: `type_`).
pub fn module_name(name: &str) -> String {
    let field = field_name(name);
    match field.strip_prefix("r#") {
        Some(keyword) => format!("{keyword}_"),
        None => field,
    }
}

/// A type name for a Smithy shape name.
pub fn type_name(name: &str) -> String {
    let pascal = pascal_case(name);
    // Shape names may start with `_` and a digit (`_3D`).
    let pascal = if pascal.starts_with(|c: char| c.is_ascii_digit()) { format!("_{pascal}") } else { pascal };
    escape(&pascal)
}

/// `SCREAMING_SNAKE_CASE`, for statics.
pub fn screaming_snake_case(name: &str) -> String {
    let snake = snake_case(name).to_ascii_uppercase();
    if snake.starts_with(|c: char| c.is_ascii_digit()) { format!("_{snake}") } else { snake }
}

/// The variant for an enum member: from its name, or from its value when
/// the two spell the same letters and the value shows more word breaks
/// (`AWS_SSM_MANAGEDINSTANCE` with value `AWS::SSM::ManagedInstance`).
pub fn enum_variant_name(member: &str, value: &str) -> String {
    let letters =
        |s: &str| s.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_lowercase()).collect::<String>();
    if letters(member) == letters(value) && words(value).len() > words(member).len() {
        variant_name(value)
    } else {
        variant_name(member)
    }
}

/// An enum variant for an enum member name or, where there is none, a wire
/// value such as `AWS::EC2::Instance` or `Intelligent-Tiering`.
pub fn variant_name(name: &str) -> String {
    let pascal = pascal_case(name);
    if pascal.is_empty() || pascal.starts_with(|c: char| c.is_ascii_digit()) {
        // Values like `1.0` or `*` have no letters to start a variant with.
        let fallback = if pascal.is_empty() { symbol_words(name) } else { pascal };
        format!("V{fallback}")
    } else {
        escape(&pascal)
    }
}

/// Spells out a name made only of symbols (`*` gives `Star`).
fn symbol_words(name: &str) -> String {
    name.chars()
        .map(|c| match c {
            '*' => "Star".to_string(),
            '-' => "Dash".to_string(),
            '.' => "Dot".to_string(),
            '/' => "Slash".to_string(),
            ':' => "Colon".to_string(),
            ' ' => "Space".to_string(),
            c => format!("U{:04X}", c as u32),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn acronyms_stay_whole() {
        assert_eq!(snake_case("NotificationARNs"), "notification_arns");
        assert_eq!(snake_case("IPAddress"), "ip_address");
        assert_eq!(snake_case("AWSKMSKeyARN"), "aws_kms_key_arn");
        assert_eq!(snake_case("AWSKMSX"), "awskmsx");
        assert_eq!(snake_case("SSMTARGETS"), "ssmtargets");
        assert_eq!(snake_case("InstanceIds"), "instance_ids");
        assert_eq!(snake_case("ResourceIDsFilter"), "resource_ids_filter");
        assert_eq!(snake_case("WindowExecutionId"), "window_execution_id");
        assert_eq!(snake_case("S3BucketName"), "s3_bucket_name");
        assert_eq!(snake_case("Ec2InstanceId"), "ec2_instance_id");
        assert_eq!(snake_case("EC2Instance"), "ec2_instance");
        assert_eq!(snake_case("aws:InstanceId"), "aws_instance_id");
        assert_eq!(snake_case("TTL"), "ttl");
        assert_eq!(snake_case("IsS3Enabled"), "is_s3_enabled");
        assert_eq!(pascal_case("NotificationARNs"), "NotificationArns");
        assert_eq!(pascal_case("IPAddress"), "IpAddress");
        assert_eq!(pascal_case("AmazonSSM"), "AmazonSsm");
        assert_eq!(pascal_case("SKIPPED_OVERLAPPING"), "SkippedOverlapping");
    }

    #[test]
    fn keywords_are_escaped() {
        assert_eq!(field_name("Type"), "r#type");
        assert_eq!(field_name("Self"), "self_");
        assert_eq!(field_name("Async"), "r#async");
        assert_eq!(type_name("Self"), "Self_");
        assert_eq!(field_name("3Days"), "_3_days");
        assert_eq!(type_name("_3D"), "_3D");
        assert_eq!(module_name("Type"), "type_");
        assert_eq!(module_name("Self"), "self_");
        assert_eq!(module_name("GetFoo"), "get_foo");
        assert_eq!(screaming_snake_case("NotificationARNs"), "NOTIFICATION_ARNS");
    }

    #[test]
    fn enum_variants_take_the_better_spelled_of_name_and_value() {
        assert_eq!(enum_variant_name("AWS_SSM_MANAGEDINSTANCE", "AWS::SSM::ManagedInstance"), "AwsSsmManagedInstance");
        assert_eq!(enum_variant_name("ManagedInstance", "managedinstance"), "ManagedInstance");
        assert_eq!(enum_variant_name("IN_PROGRESS", "InProgress"), "InProgress");
        assert_eq!(enum_variant_name("V1", "Version One"), "V1");
    }

    #[test]
    fn variants_for_values_that_are_not_identifiers() {
        assert_eq!(variant_name("AWS::EC2::Instance"), "AwsEc2Instance");
        assert_eq!(variant_name("Intelligent-Tiering"), "IntelligentTiering");
        assert_eq!(variant_name("RUN_COMMAND"), "RunCommand");
        assert_eq!(variant_name("1.0"), "V1_0");
        assert_eq!(variant_name("10"), "V10");
        assert_eq!(variant_name("*"), "VStar");
        assert_eq!(variant_name("Self"), "Self_");
    }
}
