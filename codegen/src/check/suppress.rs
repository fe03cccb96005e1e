//! Warnings a model silences, as Smithy's validators are silenced: the
//! `@suppress(["Id"])` trait on a shape or member, and the `suppressions`
//! metadata (`[{ id: "Id", namespace: "example.ns" | "*", reason: "..." }]`).
//!
//! An id silences its own kind and the kinds below it (`Http` silences
//! `Http.Header`), as Smithy matches event ids. Errors are never silenced.

use serde_json::Value;

use crate::diagnostic::Diagnostic;
use crate::model::load::LoadedModel;
use crate::model::shape_id;

/// The model's suppressions, read once.
#[derive(Debug, Default)]
pub struct Suppressions {
    /// From `metadata suppressions`: the id and the namespace (`*` for all).
    metadata: Vec<(String, String)>,
    /// From `@suppress`: the shape or member id and the ids it lists.
    traits: Vec<(String, Vec<String>)>,
}

impl Suppressions {
    /// Reads the model's suppressions; entries of the wrong form are errors,
    /// as in Smithy, pushed to `out`.
    pub fn read(model: &LoadedModel, out: &mut crate::Diagnostics) -> Self {
        let mut suppressions = Suppressions::default();
        if let Some(value) = model.metadata.get("suppressions") {
            let entries = value.as_array().map(Vec::as_slice).unwrap_or_default();
            if !value.is_array() {
                out.push(malformed("is not a list", model));
            }
            for (i, entry) in entries.iter().enumerate() {
                let field = |name: &str| entry.get(name).and_then(Value::as_str).map(str::to_string);
                match (field("id"), field("namespace")) {
                    (Some(id), Some(namespace)) => suppressions.metadata.push((id, namespace)),
                    _ => out.push(malformed(
                        &format!("entry {i} is not an object with string `id` and `namespace`"),
                        model,
                    )),
                }
            }
        }
        for (id, loaded) in &model.shapes {
            let shape = &loaded.shape;
            let own = std::iter::once((id.clone(), &shape.traits));
            let members =
                shape.members.iter().flat_map(|m| m.0.iter()).map(|(name, m)| (format!("{id}${name}"), &m.traits));
            let others = [("member", &shape.member), ("key", &shape.key), ("value", &shape.value)];
            let others = others.into_iter().filter_map(|(name, m)| Some((format!("{id}${name}"), &m.as_ref()?.traits)));
            for (site, traits) in own.chain(members).chain(others) {
                let Some(ids) = traits.get("smithy.api#suppress").and_then(Value::as_array) else { continue };
                suppressions.traits.push((site, ids.iter().filter_map(Value::as_str).map(str::to_string).collect()));
            }
        }
        suppressions
    }

    /// Whether `diagnostic`, a warning, is silenced.
    pub fn silences(&self, diagnostic: &Diagnostic) -> bool {
        let Some(kind) = diagnostic.id.map(crate::WarningKind::as_str) else { return false };
        let shape = diagnostic.shape.as_deref();
        let by_metadata = self.metadata.iter().any(|(id, namespace)| {
            matches(id, kind) && (namespace == "*" || shape.is_some_and(|shape| shape_id::split(shape).0 == namespace))
        });
        by_metadata
            || self.traits.iter().any(|(site, ids)| {
                // A shape's @suppress covers its members' warnings too.
                shape.is_some_and(|shape| {
                    shape == site || shape.strip_prefix(site.as_str()).is_some_and(|rest| rest.starts_with('$'))
                }) && ids.iter().any(|id| matches(id, kind))
            })
    }
}

/// Whether suppression `id` covers the warning kind `kind`.
fn matches(id: &str, kind: &str) -> bool {
    kind.strip_prefix(id).is_some_and(|rest| rest.is_empty() || rest.starts_with('.'))
}

fn malformed(what: &str, model: &LoadedModel) -> Diagnostic {
    Diagnostic::error(format!("the metadata `suppressions` {what}"))
        .in_file(&model.dir)
        .help("write suppressions as Smithy does: [{ id: \"UnknownTrait\", namespace: \"*\", reason: \"...\" }]")
}

#[cfg(test)]
mod tests {
    #[test]
    fn an_id_covers_the_kinds_below_it() {
        assert!(super::matches("Http", "Http"));
        assert!(super::matches("Http", "Http.Header"));
        assert!(!super::matches("Http", "HttpBindingIgnored"));
        assert!(!super::matches("Http.Header", "Http"));
    }
}
