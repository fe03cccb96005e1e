//! Checks each applied trait against the trait's definition: the shape
//! marked `@trait` in the model, or in Smithy's built-in vocabularies
//! ([`crate::model::vocabulary`]).
//!
//! - Where it is applied: the definition's selector (`@trait(selector:
//!   "structure > member")`, every shape when it has none) must match the
//!   shape or member, evaluated by [`crate::check::selector`].
//! - Its value: a structure trait takes an object of its members (required
//!   ones present; others are warnings, as in Smithy, except in the
//!   `smithy.api` traits the generator reads), a union one of its members,
//!   a list an array, a string a string (one of an enum's values), and so
//!   on down every member, so that `@length(min: "1")` or `@error("bad")`
//!   is refused where it is written, with the path to the part at fault,
//!   whichever trait it is.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::check::rules::{self, Rule};
use crate::check::selector::Matcher;
use crate::diagnostic::{Diagnostic, Diagnostics, WarningKind};
use crate::model::ast;
use crate::model::kind::Kind;
use crate::model::load::{LoadedModel, LoadedShape};
use crate::model::vocabulary;

/// Every trait of the model applied where its definition does not allow,
/// or with a value that does not fit the definition.
pub fn check(model: &LoadedModel) -> Diagnostics {
    let definitions = Definitions { model, vocabulary: vocabulary::shapes() };
    let mut matcher = Matcher::new(model);
    let mut bad_selectors: BTreeMap<&str, String> = BTreeMap::new();
    let mut out = Diagnostics::default();
    for (id, loaded) in &model.shapes {
        let kind = loaded.shape.kind.as_str();
        // Each site: its id, what it is (for messages), its traits, and
        // whether its target exists (a dangling target is reported once, as
        // such, not again as every trait's misplacement).
        let mut sites: Vec<(String, String, &ast::Traits, bool)> =
            vec![(id.clone(), format!("{} shape", with_article(kind)), &loaded.shape.traits, true)];
        for (name, member) in loaded.shape.members() {
            let target = definitions.get(&member.target).map(|t| t.kind.as_str());
            let what =
                format!("a member of {} targeting {}", with_article(kind), target.map_or("?".into(), with_article));
            sites.push((format!("{id}${name}"), what, &member.traits, target.is_some()));
        }
        for (site, what, traits, resolved) in sites {
            for (trait_id, value) in traits {
                let Some(definition) = definitions.get(trait_id) else { continue };
                let name = trait_id.strip_prefix("smithy.api#").unwrap_or(trait_id);
                let position = model.positions.get(&format!("{site}@{trait_id}"));
                let selector = definition
                    .traits
                    .get("smithy.api#trait")
                    .and_then(|t| t.get("selector"))
                    .and_then(Value::as_str)
                    .unwrap_or("*");
                match matcher.matches(selector, &site) {
                    Ok(true) => {}
                    Ok(false) if !resolved => continue,
                    Ok(false) => {
                        let mut diagnostic = Diagnostic::error(format!(
                            "@{name} cannot be applied to {what}: its definition allows only shapes matching `{selector}`"
                        ))
                        .in_file(&loaded.file)
                        .at_shape(site.as_str())
                        .help(format!("remove the trait, or move it where {trait_id}'s definition allows"));
                        if let Some((source, line, column)) = position {
                            diagnostic = diagnostic.at_position(source, *line, *column);
                        }
                        out.push(diagnostic);
                        continue;
                    }
                    Err(e) => {
                        bad_selectors.entry(trait_id).or_insert(e);
                        continue;
                    }
                }
                let mut problems = Vec::new();
                definitions.fits(definition, value, "", &mut problems, 0);
                // Members a structure's definition does not have are
                // warnings, as Smithy has them (AWS publishes models with
                // `@aws.api#service(serviceName: ...)` and the like), except
                // in the traits of Smithy's own namespace that the generator
                // reads, where a misspelt `minimum` would silently drop a
                // constraint. A union's unknown member is an error, as in
                // Smithy: the value then has no member that is known.
                let strict = trait_id.starts_with("smithy.api#") && rules::rule(trait_id) == Some(Rule::Supported);
                let (unknown, wrong): (Vec<_>, Vec<_>) =
                    problems.into_iter().partition(|problem| !strict && problem.unknown_member);
                let help = format!("write the value as the trait's definition, {trait_id}, says");
                for (error, Problem { path, message: problem, .. }) in
                    wrong.into_iter().map(|p| (true, p)).chain(unknown.into_iter().map(|p| (false, p)))
                {
                    let at = if path.is_empty() { String::new() } else { format!(" at `{path}`") };
                    let message = format!("the value of @{name}{at} {problem}");
                    let mut diagnostic = if error {
                        Diagnostic::error(message)
                    } else {
                        Diagnostic::warning(WarningKind::TraitValue, message)
                    };
                    diagnostic = diagnostic.in_file(&loaded.file).at_shape(site.as_str()).help(help.clone());
                    // In IDL, at the trait itself.
                    if let Some((source, line, column)) = position {
                        diagnostic = diagnostic.at_position(source, *line, *column);
                    }
                    out.push(diagnostic);
                }
            }
        }
    }
    // A trait the model defines with a selector that does not parse.
    for (trait_id, error) in bad_selectors {
        let file = model.shapes.get(trait_id).map(|s| s.file.clone()).unwrap_or_default();
        out.push(
            Diagnostic::error(format!("the selector of trait {trait_id} is not valid: {error}"))
                .in_file(file)
                .at_shape(trait_id)
                .help("see https://smithy.io/2.0/spec/selectors.html"),
        );
    }
    out
}

/// `a structure`, `an operation`: a shape type with its article.
fn with_article(kind: &str) -> String {
    Kind::parse(kind).map_or_else(|| kind.to_string(), Kind::with_article)
}

/// Where a trait's value does not fit its definition.
struct Problem {
    /// The JSON Pointer to the part at fault (empty for the whole value).
    path: String,
    message: String,
    /// A member a structure's definition does not have.
    unknown_member: bool,
}

impl Problem {
    fn new(path: &str, message: String) -> Self {
        Problem { path: path.to_string(), message, unknown_member: false }
    }
}

struct Definitions<'a> {
    model: &'a LoadedModel,
    vocabulary: &'a BTreeMap<String, LoadedShape>,
}

impl Definitions<'_> {
    fn get(&self, id: &str) -> Option<&ast::Shape> {
        self.model.shapes.get(id).or_else(|| self.vocabulary.get(id)).map(|s| &s.shape)
    }

    /// Records in `problems` where `value` does not fit the shape `shape`.
    fn fits(&self, shape: &ast::Shape, value: &Value, path: &str, problems: &mut Vec<Problem>, depth: usize) {
        // Definitions may be recursive (rule sets); values are finite, but
        // stop at a depth no real trait reaches.
        if depth > 64 {
            return;
        }
        let mut fail = |what: &str| problems.push(Problem::new(path, format!("{what}, not {}", describe(value))));
        match (shape.kind.as_str(), value) {
            (_, Value::Null) if shape.kind != "document" => fail("must be a value"),
            ("document", _) => {}
            ("string", Value::String(s)) => {
                let allowed = legacy_enum(shape);
                if !allowed.is_empty() && !allowed.contains(&s.as_str()) {
                    problems.push(Problem::new(path, format!("must be one of {}, not {s:?}", allowed.join(", "))));
                }
            }
            ("enum", Value::String(s)) => {
                let allowed: Vec<String> = shape
                    .members
                    .iter()
                    .flat_map(|m| m.iter())
                    .map(|(name, m)| {
                        m.traits.get("smithy.api#enumValue").and_then(Value::as_str).unwrap_or(name).to_string()
                    })
                    .collect();
                if !allowed.iter().any(|a| a == s) {
                    problems.push(Problem::new(path, format!("must be one of {}, not {s:?}", allowed.join(", "))));
                }
            }
            ("string" | "enum", _) => fail("must be a string"),
            ("blob", Value::String(_)) => {}
            ("blob", _) => fail("must be a string"),
            ("boolean", Value::Bool(_)) => {}
            ("boolean", _) => fail("must be true or false"),
            ("byte" | "short" | "integer" | "long" | "intEnum" | "bigInteger", Value::Number(n)) if !n.is_f64() => {}
            ("byte" | "short" | "integer" | "long" | "intEnum" | "bigInteger", _) => fail("must be an integer"),
            ("float" | "double" | "bigDecimal", Value::Number(_)) => {}
            ("float" | "double" | "bigDecimal", _) => fail("must be a number"),
            ("timestamp", Value::Number(_) | Value::String(_)) => {}
            ("timestamp", _) => fail("must be a timestamp"),
            ("list" | "set", Value::Array(items)) => {
                if let Some(member) = self.target(&shape.member) {
                    for (i, item) in items.iter().enumerate() {
                        self.fits(member, item, &format!("{path}/{i}"), problems, depth + 1);
                    }
                }
            }
            ("list" | "set", _) => fail("must be a list"),
            ("map", Value::Object(entries)) => {
                if let Some(member) = self.target(&shape.value) {
                    for (key, item) in entries {
                        self.fits(member, item, &format!("{path}/{key}"), problems, depth + 1);
                    }
                }
            }
            ("map", _) => fail("must be an object"),
            ("structure", Value::Object(entries)) => {
                let members = self.members_fit(shape, entries, path, problems, depth);
                for (name, member) in members {
                    if member.traits.contains_key("smithy.api#required") && !entries.contains_key(name) {
                        problems.push(Problem::new(path, format!("needs its required member `{name}`")));
                    }
                }
            }
            ("structure", _) => fail("must be an object"),
            ("union", Value::Object(entries)) => {
                if entries.len() != 1 {
                    problems.push(Problem::new(path, "must set exactly one member of the union".to_string()));
                }
                self.members_fit(shape, entries, path, problems, depth);
            }
            ("union", _) => fail("must be an object"),
            _ => {}
        }
    }

    /// Records where the entries of an object do not fit the members of a
    /// structure or union `shape`; returns its members.
    fn members_fit<'s>(
        &self,
        shape: &'s ast::Shape,
        entries: &serde_json::Map<String, Value>,
        path: &str,
        problems: &mut Vec<Problem>,
        depth: usize,
    ) -> &'s [(String, ast::Member)] {
        let members = shape.members.as_ref().map(|m| m.0.as_slice()).unwrap_or_default();
        for (key, item) in entries {
            match members.iter().find(|(name, _)| name == key) {
                Some((_, member)) => {
                    if let Some(target) = self.get(&member.target) {
                        self.fits(target, item, &format!("{path}/{key}"), problems, depth + 1);
                    }
                }
                None => {
                    let known: Vec<&str> = members.iter().map(|(n, _)| n.as_str()).collect();
                    let message = format!("has no member `{key}` (its members: {})", known.join(", "));
                    problems.push(Problem { unknown_member: shape.kind == "structure", ..Problem::new(path, message) });
                }
            }
        }
        members
    }

    fn target(&self, member: &Option<ast::Member>) -> Option<&ast::Shape> {
        self.get(&member.as_ref()?.target)
    }
}

/// The values of a string with the legacy `@enum` trait.
fn legacy_enum(shape: &ast::Shape) -> Vec<&str> {
    let Some(Value::Array(values)) = shape.traits.get("smithy.api#enum") else { return Vec::new() };
    values.iter().filter_map(|v| v.get("value")?.as_str()).collect()
}

fn describe(value: &Value) -> String {
    match value {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) if s.chars().count() <= 40 => format!("{s:?}"),
        Value::String(_) => "a string".into(),
        Value::Array(_) => "a list".into(),
        Value::Object(_) => "an object".into(),
    }
}

#[cfg(test)]
mod tests {
    use crate::check::rules::{self, Rule};
    use crate::model::vocabulary;

    /// Every trait the generator reads has a definition, so its selector
    /// (not a list in the generator) says where it may be applied.
    #[test]
    fn every_trait_the_generator_reads_is_defined() {
        let source = include_str!("rules.rs");
        let read: Vec<&str> = source
            .lines()
            .filter(|line| line.trim_end().ends_with("=> Supported,"))
            .filter_map(|line| line.split('"').nth(1))
            .collect();
        assert!(read.len() > 25, "{read:?}");
        for id in read {
            assert_eq!(rules::rule(id), Some(Rule::Supported), "{id}");
            assert!(vocabulary::shapes().contains_key(id), "{id} has no definition");
        }
    }
}
