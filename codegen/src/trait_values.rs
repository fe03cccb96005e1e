//! Checks each trait's value against the trait's definition: the shape
//! marked `@trait` in the model, or in Smithy's built-in vocabularies
//! ([`crate::vocabulary`]). A structure trait takes an object of its members
//! (required ones present, no others), a list an array, a string a string
//! (one of an enum's values), and so on down every member, so that
//! `@length(min: "1")` or `@error("bad")` is refused where it is written,
//! with the path to the part at fault, whichever trait it is.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::ast;
use crate::check::members_of;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::load::{LoadedModel, LoadedShape};
use crate::traits::{self, Rule};
use crate::vocabulary;

/// Every trait value of the model that does not fit its definition.
pub fn check(model: &LoadedModel) -> Diagnostics {
    let definitions = Definitions { model, vocabulary: vocabulary::shapes() };
    let mut out = Diagnostics::default();
    for (id, loaded) in &model.shapes {
        let mut sites: Vec<(String, &ast::Traits)> = vec![(id.clone(), &loaded.shape.traits)];
        sites.extend(members_of(&loaded.shape).into_iter().map(|(name, m)| (format!("{id}${name}"), &m.traits)));
        for (site, traits) in sites {
            for (trait_id, value) in traits {
                let Some(definition) = definitions.get(trait_id) else { continue };
                let mut problems = Vec::new();
                definitions.fits(definition, value, "", &mut problems, 0);
                // Members the definition does not have are warnings, as
                // Smithy has them (AWS publishes models with a few), except
                // in the traits the generator reads, where a misspelt
                // `minimum` would silently drop a constraint.
                let read = matches!(traits::rule(trait_id), Some(Rule::Supported(_)));
                let (unknown, wrong): (Vec<_>, Vec<_>) =
                    problems.into_iter().partition(|(_, problem)| !read && problem.starts_with("has no member"));
                let name = trait_id.strip_prefix("smithy.api#").unwrap_or(trait_id);
                let help = format!("write the value as the trait's definition, {trait_id}, says");
                for (error, (path, problem)) in
                    wrong.into_iter().map(|p| (true, p)).chain(unknown.into_iter().map(|p| (false, p)))
                {
                    let at = if path.is_empty() { String::new() } else { format!(" at `{path}`") };
                    let message = format!("the value of @{name}{at} {problem}");
                    let mut diagnostic = if error { Diagnostic::error(message) } else { Diagnostic::warning(message) };
                    diagnostic = diagnostic.in_file(&loaded.file).at_shape(site.as_str()).help(help.clone());
                    // In IDL, at the trait itself.
                    if let Some((source, line, column)) = model.positions.get(&format!("{site}@{trait_id}")) {
                        diagnostic = diagnostic.at_position(source, *line, *column);
                    }
                    out.push(diagnostic);
                }
            }
        }
    }
    out
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
    fn fits(&self, shape: &ast::Shape, value: &Value, path: &str, problems: &mut Vec<(String, String)>, depth: usize) {
        // Definitions may be recursive (rule sets); values are finite, but
        // stop at a depth no real trait reaches.
        if depth > 64 {
            return;
        }
        let mut fail = |what: &str| problems.push((path.to_string(), format!("{what}, not {}", describe(value))));
        match (shape.kind.as_str(), value) {
            (_, Value::Null) if shape.kind != "document" => fail("must be a value"),
            ("document", _) => {}
            ("string", Value::String(s)) => {
                let allowed = legacy_enum(shape);
                if !allowed.is_empty() && !allowed.contains(&s.as_str()) {
                    problems.push((path.to_string(), format!("must be one of {}, not {s:?}", allowed.join(", "))));
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
                    problems.push((path.to_string(), format!("must be one of {}, not {s:?}", allowed.join(", "))));
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
                            problems.push((
                                path.to_string(),
                                format!("has no member `{key}` (its members: {})", known.join(", ")),
                            ));
                        }
                    }
                }
                for (name, member) in members {
                    if member.traits.contains_key("smithy.api#required") && !entries.contains_key(name) {
                        problems.push((path.to_string(), format!("needs its required member `{name}`")));
                    }
                }
            }
            ("structure", _) => fail("must be an object"),
            ("union", Value::Object(entries)) => {
                if entries.len() != 1 {
                    problems.push((path.to_string(), "must set exactly one member of the union".to_string()));
                }
                let members = shape.members.as_ref().map(|m| m.0.as_slice()).unwrap_or_default();
                for (key, item) in entries {
                    match members.iter().find(|(name, _)| name == key) {
                        Some((_, member)) => {
                            if let Some(target) = self.get(&member.target) {
                                self.fits(target, item, &format!("{path}/{key}"), problems, depth + 1);
                            }
                        }
                        None => problems.push((path.to_string(), format!("has no member `{key}`"))),
                    }
                }
            }
            ("union", _) => fail("must be an object"),
            _ => {}
        }
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
