//! Importing service models into spec directories.
//!
//! [`slice_smithy`] takes a Smithy JSON AST file, keeps the service, the
//! chosen operations (all by default) and every shape they reach, and
//! splits them into files a reviewer can read: `service.json`, one file per
//! operation with the shapes only it reaches, and `shared.json`. Shapes are
//! copied as written (member order and values untouched) and re-indented,
//! so importing the same input twice gives the same bytes.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::value::RawValue;

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::model::ast::{self, OrderedMap};
use crate::model::shape_id;

pub mod botocore;

/// A Smithy model to import as JSON AST text: a JSON AST file (plain or
/// `.gz`) as it is, or Smithy IDL (a `.smithy` file, or a directory of
/// `.smithy` and `.json` files) read by the IDL loader, its mixins and
/// `apply` statements resolved, and written as the JSON AST.
pub fn read_smithy(path: &std::path::Path) -> Result<String, Diagnostics> {
    let idl = path.is_dir() || path.extension().is_some_and(|e| e == "smithy");
    if !idl {
        return crate::model::load::read_model(path)
            .map_err(|e| Diagnostic::error(format!("cannot read the file: {e}")).in_file(path).into());
    }
    let model = if path.is_dir() {
        crate::model::load::load_dir(path)?
    } else {
        let text = std::fs::read_to_string(path)
            .map_err(|e| Diagnostics::from(Diagnostic::error(format!("cannot read the file: {e}")).in_file(path)))?;
        let dir = path.parent().unwrap_or(std::path::Path::new("."));
        let texts = [(path.to_path_buf(), Ok(std::borrow::Cow::Owned(text)))];
        crate::model::load::load_texts(dir, texts.into_iter(), Some(crate::model::vocabulary::shapes()))?
    };
    Ok(crate::model::load::to_json_ast(&model))
}

pub use crate::model::load::SpecFiles;

/// Slices `text`, a Smithy JSON AST model named `source` in messages.
pub fn slice_smithy(source: &str, text: &str, operations: Option<&[String]>) -> Result<SpecFiles, Diagnostics> {
    let error = |message: String| -> Diagnostics { Diagnostic::error(message).in_file(source).into() };
    let model: ast::ModelFile = serde_json::from_str(text)
        .map_err(|e| error(format!("invalid JSON at line {}, column {}: {e}", e.line(), e.column())))?;
    let mut shapes: BTreeMap<&str, (&RawValue, ast::Shape)> = BTreeMap::new();
    for (id, raw) in &model.shapes.0 {
        let shape: ast::Shape = serde_json::from_str(raw.get()).map_err(|e| {
            Diagnostics::from(Diagnostic::error(format!("malformed shape: {e}")).in_file(source).at_shape(id.as_str()))
        })?;
        shapes.insert(id.as_str(), (*raw, shape));
    }
    let services: Vec<&str> = shapes.iter().filter(|(_, (_, s))| s.kind == "service").map(|(id, _)| *id).collect();
    let [service_id] = services.as_slice() else {
        return Err(error(format!("the model must hold exactly one service shape, not {}", services.len())));
    };
    let service = &shapes[service_id].1;
    let available = ast::bound_operations(service_id, |id| shapes.get(id).map(|(_, shape)| shape));
    let chosen: Vec<String> = match operations {
        None => available.iter().map(|id| id.to_string()).collect(),
        Some(names) => {
            let mut chosen = Vec::new();
            for name in names {
                match available.iter().find(|id| shape_id::name(id) == name) {
                    Some(id) => chosen.push(id.to_string()),
                    None => return Err(error(format!("{service_id} has no operation named {name}"))),
                }
            }
            chosen
        }
    };
    let chosen_set: BTreeSet<&str> = chosen.iter().map(String::as_str).collect();

    // Resources that bind a chosen operation, themselves or through nested
    // resources, with their bindings cut down to the chosen ones.
    let mut resources: BTreeMap<&str, String> = BTreeMap::new();
    keep_resources(&shapes, &service.resources, &chosen_set, &mut resources);

    // Which operations reach each shape.
    let mut users: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for op in &chosen {
        let mut stack = vec![op.as_str()];
        let mut seen = BTreeSet::new();
        while let Some(id) = stack.pop() {
            let Some((_, shape)) = shapes.get(id) else { continue }; // prelude shapes
            if !seen.insert(id) {
                continue;
            }
            users.entry(id).or_default().insert(op);
            let targets = [&shape.input, &shape.output].into_iter().flatten().chain(&shape.errors);
            stack.extend(targets.map(|t| t.target.as_str()));
            stack.extend(shape.members().into_iter().map(|(_, m)| m.target.as_str()));
        }
    }
    // The service's own errors, and the shapes resource identifiers and
    // properties name, belong to every operation.
    let mut common: Vec<&str> = service.errors.iter().map(|t| t.target.as_str()).collect();
    for id in resources.keys() {
        let shape = &shapes[id].1;
        let named = shape.identifiers.iter().flatten().chain(shape.properties.iter().flatten());
        common.extend(named.map(|(_, t)| t.target.as_str()));
    }
    let mut stack = common;
    let mut seen = BTreeSet::new();
    while let Some(id) = stack.pop() {
        let Some((_, shape)) = shapes.get(id) else { continue };
        if !seen.insert(id) {
            continue;
        }
        users.entry(id).or_default().extend(chosen.iter().map(String::as_str));
        stack.extend(shape.members().into_iter().map(|(_, m)| m.target.as_str()));
    }

    let mut files = SpecFiles::new();
    let mut chosen_sorted = chosen.clone();
    chosen_sorted.sort();
    // The service binds the chosen operations it bound directly, and the
    // resources kept.
    let direct: Vec<&String> =
        chosen_sorted.iter().filter(|id| service.operations.iter().any(|t| t.target == **id)).collect();
    let mut service_raw = with_field(shapes[service_id].0.get(), "operations", &targets_json(&direct));
    if !service.resources.is_empty() {
        let kept: Vec<&String> =
            service.resources.iter().map(|t| &t.target).filter(|id| resources.contains_key(id.as_str())).collect();
        service_raw = with_field(&service_raw, "resources", &targets_json(&kept));
    }
    let mut service_file: Vec<(&str, &str)> = vec![(service_id, &service_raw)];
    service_file.extend(resources.iter().map(|(id, raw)| (*id, raw.as_str())));
    files.insert("service.json".to_string(), document(&service_file));
    for op in &chosen_sorted {
        let own: Vec<(&str, String)> = users
            .iter()
            .filter(|(_, ops)| ops.len() == 1 && ops.contains(op.as_str()))
            .map(|(id, _)| (*id, shapes[id].0.get().to_string()))
            .collect();
        let own: Vec<(&str, &str)> = own.iter().map(|(id, raw)| (*id, raw.as_str())).collect();
        files.insert(format!("{}.json", shape_id::name(op)), document(&own));
    }
    let shared: Vec<(&str, &str)> =
        users.iter().filter(|(_, ops)| ops.len() > 1).map(|(id, _)| (*id, shapes[id].0.get())).collect();
    if !shared.is_empty() {
        files.insert("shared.json".to_string(), document(&shared));
    }
    Ok(files)
}

type Shapes<'a> = BTreeMap<&'a str, (&'a RawValue, ast::Shape)>;

/// Adds to `kept` the resources under `targets` that bind a chosen
/// operation (directly or through nested resources), each as JSON text with
/// only the chosen bindings; returns whether any was kept.
fn keep_resources<'a>(
    shapes: &'a Shapes<'a>,
    targets: &'a [ast::Target],
    chosen: &BTreeSet<&str>,
    kept: &mut BTreeMap<&'a str, String>,
) -> bool {
    let mut any = false;
    for target in targets {
        let id = target.target.as_str();
        let Some((raw, shape)) = shapes.get(id) else { continue };
        let nested = keep_resources(shapes, &shape.resources, chosen, kept);
        let bindings = shape.operation_bindings();
        let binds_chosen = bindings.iter().any(|(_, op)| chosen.contains(op.as_str()));
        if !binds_chosen && !nested {
            continue;
        }
        any = true;
        let mut text = raw.get().to_string();
        // Cut what is not chosen; a whole import copies resources as written.
        for field in ["create", "put", "read", "update", "delete", "list"] {
            if bindings.iter().any(|(f, op)| *f == field && !chosen.contains(op.as_str())) {
                text = without_field(&text, field);
            }
        }
        for (field, list) in [("operations", &shape.operations), ("collectionOperations", &shape.collection_operations)]
        {
            if list.iter().any(|t| !chosen.contains(t.target.as_str())) {
                let left: Vec<&String> =
                    list.iter().map(|t| &t.target).filter(|t| chosen.contains(t.as_str())).collect();
                text = with_field(&text, field, &targets_json(&left));
            }
        }
        if shape.resources.iter().any(|t| !kept.contains_key(t.target.as_str())) {
            let left: Vec<&String> =
                shape.resources.iter().map(|t| &t.target).filter(|t| kept.contains_key(t.as_str())).collect();
            text = with_field(&text, "resources", &targets_json(&left));
        }
        kept.insert(id, text);
    }
    any
}

/// `[{"target": "a#B"}, ...]`.
fn targets_json(ids: &[&String]) -> String {
    let items: Vec<String> =
        ids.iter().map(|id| format!("{{\"target\": {}}}", serde_json::to_string(id).unwrap())).collect();
    format!("[{}]", items.join(", "))
}

/// The spec directory name for a model: its service's `sdkId` in lower
/// case without spaces (`ssm`, `cloudwatch-logs`), else the service name.
pub fn service_dir_name(text: &str) -> String {
    let model: serde_json::Value = serde_json::from_str(text).unwrap_or_default();
    let service = model["shapes"].as_object().into_iter().flatten().find(|(_, s)| s["type"] == "service");
    let name = service
        .and_then(|(id, s)| {
            s["traits"]["aws.api#service"]["sdkId"]
                .as_str()
                .map(str::to_string)
                .or(Some(shape_id::name(id).to_string()))
        })
        .unwrap_or_else(|| "service".to_string());
    name.to_lowercase().replace(' ', "-")
}

/// A shape's JSON text with one field's value replaced, or added at the
/// end when absent (other fields keep their order and text).
fn with_field(shape: &str, field: &str, value: &str) -> String {
    let fields: OrderedMap<&RawValue> = serde_json::from_str(shape).expect("parsed before");
    let mut parts: Vec<String> = fields
        .iter()
        .map(|(k, v)| {
            let v = if k == field { value } else { v.get() };
            format!("{}: {v}", serde_json::to_string(k).unwrap())
        })
        .collect();
    if fields.get(field).is_none() {
        parts.push(format!("{}: {value}", serde_json::to_string(field).unwrap()));
    }
    format!("{{{}}}", parts.join(", "))
}

/// A shape's JSON text without one field.
fn without_field(shape: &str, field: &str) -> String {
    let fields: OrderedMap<&RawValue> = serde_json::from_str(shape).expect("parsed before");
    let parts: Vec<String> = fields
        .iter()
        .filter(|(k, _)| *k != field)
        .map(|(k, v)| format!("{}: {}", serde_json::to_string(k).unwrap(), v.get()))
        .collect();
    format!("{{{}}}", parts.join(", "))
}

/// A spec file: `{"smithy": "2.0", "shapes": {...}}`, indented.
fn document(shapes: &[(&str, &str)]) -> String {
    let entries: Vec<String> =
        shapes.iter().map(|(id, raw)| format!("{}: {raw}", serde_json::to_string(id).unwrap())).collect();
    let mut out = indent(&format!("{{\"smithy\": \"2.0\", \"shapes\": {{{}}}}}", entries.join(", ")));
    out.push('\n');
    out
}

/// Re-indents JSON text with four spaces, leaving every string and number
/// exactly as written.
pub fn indent(json: &str) -> String {
    let mut out = String::with_capacity(json.len() * 2);
    let mut depth = 0usize;
    let mut chars = json.chars().peekable();
    let newline = |out: &mut String, depth: usize| {
        out.push('\n');
        out.push_str(&"    ".repeat(depth));
    };
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                out.push('"');
                while let Some(c) = chars.next() {
                    out.push(c);
                    match c {
                        '\\' => out.push(chars.next().expect("an escape is followed by a character")),
                        '"' => break,
                        _ => {}
                    }
                }
            }
            '{' | '[' => {
                let close = if c == '{' { '}' } else { ']' };
                while chars.peek().is_some_and(|c| c.is_whitespace()) {
                    chars.next();
                }
                if chars.peek() == Some(&close) {
                    chars.next();
                    out.push(c);
                    out.push(close);
                } else {
                    depth += 1;
                    out.push(c);
                    newline(&mut out, depth);
                }
            }
            '}' | ']' => {
                depth -= 1;
                newline(&mut out, depth);
                out.push(c);
            }
            ',' => {
                out.push(',');
                newline(&mut out, depth);
            }
            ':' => out.push_str(": "),
            c if c.is_whitespace() => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indent_keeps_text_and_order() {
        assert_eq!(
            indent(r#"{"z":1,"a":[],"s":"a,b:{c}\"","o":{ },"l":[1.50,true]}"#),
            "{\n    \"z\": 1,\n    \"a\": [],\n    \"s\": \"a,b:{c}\\\"\",\n    \"o\": {},\n    \"l\": [\n        1.50,\n        true\n    ]\n}"
        );
    }
}
