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

use crate::ast::{self, OrderedMap};
use crate::check::members_of;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::shape_id;

pub mod botocore;

/// Spec files by file name.
pub type SpecFiles = BTreeMap<String, String>;

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
    let available: Vec<&str> = service.operations.iter().map(|t| t.target.as_str()).collect();
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
            stack.extend(members_of(shape).into_iter().map(|(_, m)| m.target.as_str()));
        }
    }
    // The service's own errors belong to every operation.
    for error_ref in &service.errors {
        users.entry(error_ref.target.as_str()).or_default().extend(chosen.iter().map(String::as_str));
    }

    let mut files = SpecFiles::new();
    let mut chosen_sorted = chosen.clone();
    chosen_sorted.sort();
    let operations_json = format!(
        "[{}]",
        chosen_sorted
            .iter()
            .map(|id| format!("{{\"target\": {}}}", serde_json::to_string(id).unwrap()))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let service_raw = with_field(shapes[service_id].0.get(), "operations", &operations_json);
    files.insert("service.json".to_string(), document(&[(service_id, &service_raw)]));
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

/// A shape's JSON text with one field's value replaced (other fields keep
/// their order and text).
fn with_field(shape: &str, field: &str, value: &str) -> String {
    let fields: OrderedMap<&RawValue> = serde_json::from_str(shape).expect("parsed before");
    let parts: Vec<String> = fields
        .iter()
        .map(|(k, v)| {
            let v = if k == field { value } else { v.get() };
            format!("{}: {v}", serde_json::to_string(k).unwrap())
        })
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
