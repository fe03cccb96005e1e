//! Smithy shape ids: `namespace#Name`, and member names.

/// Splits `ns#Name` into its namespace and name.
pub fn split(id: &str) -> (&str, &str) {
    id.split_once('#').unwrap_or(("", id))
}

/// The shape name of an absolute id (`ns#Name` gives `Name`).
pub fn name(id: &str) -> &str {
    split(id).1
}

/// Checks the syntax of an absolute shape id.
pub fn check(id: &str) -> Result<(), String> {
    let Some((namespace, name)) = id.split_once('#') else {
        return Err("it has no `#` between namespace and name".to_string());
    };
    if namespace.is_empty() || !namespace.split('.').all(is_identifier) {
        return Err(format!("namespace `{namespace}` is not dot-separated identifiers"));
    }
    if !is_identifier(name) {
        return Err(format!("name `{name}` is not an identifier"));
    }
    Ok(())
}

/// Checks a member name.
pub fn check_member_name(name: &str) -> Result<(), String> {
    if is_identifier(name) { Ok(()) } else { Err(format!("`{name}` is not an identifier")) }
}

/// Smithy identifiers: a letter or `_` first, then letters, digits and `_`,
/// with at least one letter or digit.
pub fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && s.chars().any(|c| c.is_ascii_alphanumeric())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checks_ids() {
        assert!(check("com.amazonaws.ssm#AmazonSSM").is_ok());
        assert!(check("AmazonSSM").is_err());
        assert!(check("com..x#A").is_err());
        assert!(check("a#1A").is_err());
        assert_eq!(split("a.b#C"), ("a.b", "C"));
    }
}
