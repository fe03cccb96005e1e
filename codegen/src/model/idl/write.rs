//! Writes a loaded model as Smithy IDL: one file per namespace, shapes in
//! id order, documentation as `///` comments, names relative wherever they
//! resolve back to the same shape. Reading the files back gives the same
//! model, which is how the reader is tested against AWS's models (and how
//! a JSON AST spec can be turned into IDL to edit by hand).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

use serde_json::Value;

use crate::model::ast::{Member, Shape, Target};
use crate::model::kind::PRELUDE;
use crate::model::load::LoadedModel;
use crate::model::shape_id;
use crate::model::vocabulary;

/// The model's shapes as IDL files, by namespace.
pub fn to_idl(model: &LoadedModel) -> BTreeMap<String, String> {
    let mut by_namespace: BTreeMap<&str, Vec<(&str, &Shape)>> = BTreeMap::new();
    for (id, loaded) in &model.shapes {
        by_namespace.entry(shape_id::split(id).0).or_default().push((id, &loaded.shape));
    }
    let names: BTreeSet<&str> = model.shapes.keys().map(String::as_str).collect();
    let mut out = BTreeMap::new();
    let mut first = true;
    for (namespace, shapes) in by_namespace {
        let mut writer = Writer { namespace, names: &names, text: String::new() };
        writer.text.push_str("$version: \"2\"\n\n");
        if first {
            // Metadata belongs to the model, so it is written once.
            for (key, value) in &model.metadata {
                let _ = writeln!(writer.text, "metadata {} = {}", key_text(key), writer.node(value, 0));
            }
            if !model.metadata.is_empty() {
                writer.text.push('\n');
            }
            first = false;
        }
        let _ = writeln!(writer.text, "namespace {namespace}");
        for (id, shape) in shapes {
            writer.text.push('\n');
            writer.shape(shape_id::name(id), shape);
        }
        out.insert(namespace.to_string(), writer.text);
    }
    out
}

struct Writer<'a> {
    namespace: &'a str,
    names: &'a BTreeSet<&'a str>,
    text: String,
}

/// An object key or member name: bare when it is an identifier.
fn key_text(key: &str) -> String {
    if shape_id::is_identifier(key) { key.to_string() } else { quoted(key) }
}

fn quoted(s: &str) -> String {
    serde_json::to_string(s).expect("strings serialise")
}

impl Writer<'_> {
    /// A shape id as short as it can be written and still resolve to it.
    fn id(&self, id: &str) -> String {
        let (root, member) = match id.split_once('$') {
            Some((root, member)) => (root, Some(member)),
            None => (id, None),
        };
        let (namespace, name) = shape_id::split(root);
        let local = format!("{}#{name}", self.namespace);
        let relative = if namespace == self.namespace {
            true
        } else {
            // A prelude name resolves to the prelude unless this namespace
            // defines the same name.
            namespace == PRELUDE && !self.names.contains(local.as_str())
        };
        let written = if relative { name.to_string() } else { root.to_string() };
        match member {
            Some(member) => format!("{written}${member}"),
            None => written,
        }
    }

    fn node(&self, value: &Value, indent: usize) -> String {
        let pad = "    ".repeat(indent + 1);
        let end = "    ".repeat(indent);
        match value {
            Value::Null => "null".into(),
            Value::Bool(b) => b.to_string(),
            Value::Number(n) => n.to_string(),
            Value::String(s) => quoted(s),
            Value::Array(items) if items.is_empty() => "[]".into(),
            Value::Array(items) => {
                let items: Vec<String> = items.iter().map(|v| format!("{pad}{}", self.node(v, indent + 1))).collect();
                format!("[\n{}\n{end}]", items.join("\n"))
            }
            Value::Object(map) if map.is_empty() => "{}".into(),
            Value::Object(map) => {
                let entries: Vec<String> =
                    map.iter().map(|(k, v)| format!("{pad}{}: {}", key_text(k), self.node(v, indent + 1))).collect();
                format!("{{\n{}\n{end}}}", entries.join("\n"))
            }
        }
    }

    /// Documentation as `///` lines where that reads back the same, then
    /// every other trait.
    fn traits(&mut self, traits: &BTreeMap<String, Value>, indent: usize, skip: &[&str]) {
        let pad = "    ".repeat(indent);
        let docs_id = format!("{PRELUDE}#documentation");
        let docs = traits.get(&docs_id).and_then(Value::as_str).filter(|d| !d.contains(['\r', '\u{b}', '\u{c}']));
        if let Some(docs) = docs {
            for line in docs.split('\n') {
                // One space after `///` is dropped when read, so a line that
                // starts with a space keeps it.
                let _ = writeln!(self.text, "{pad}/// {line}");
            }
        }
        for (id, value) in traits {
            if skip.contains(&id.as_str()) || (docs.is_some() && *id == docs_id) {
                continue;
            }
            let name = self.id(id);
            match value {
                Value::Object(map) if map.is_empty() && self.is_structure_trait(id) => {
                    let _ = writeln!(self.text, "{pad}@{name}");
                }
                Value::Object(map) if !map.is_empty() => {
                    let entries: Vec<String> = map
                        .iter()
                        .map(|(k, v)| format!("{pad}    {}: {}", key_text(k), self.node(v, indent + 1)))
                        .collect();
                    let _ = writeln!(self.text, "{pad}@{name}(\n{}\n{pad})", entries.join("\n"));
                }
                _ => {
                    let _ = writeln!(self.text, "{pad}@{name}({})", self.node(value, indent));
                }
            }
        }
    }

    /// Whether a trait's definition is a structure, so that `@id` alone
    /// reads back as `{}`.
    fn is_structure_trait(&self, id: &str) -> bool {
        vocabulary::shapes().get(id).is_some_and(|s| s.shape.kind == "structure")
    }

    fn member(&mut self, name: &str, member: &Member, indent: usize, default_inline: bool) {
        let pad = "    ".repeat(indent);
        let default_id = format!("{PRELUDE}#default");
        let default = if default_inline { member.traits.get(&default_id) } else { None };
        let skip: &[&str] = if default.is_some() { &[default_id.as_str()] } else { &[] };
        self.traits(&member.traits, indent, skip);
        let _ = write!(self.text, "{pad}{}: {}", name, self.id(&member.target));
        if let Some(value) = default {
            let _ = write!(self.text, " = {}", self.node(value, indent));
        }
        self.text.push('\n');
    }

    /// A list of shape ids: on one line when short, else one per line.
    fn targets(&self, targets: &[Target]) -> String {
        let ids: Vec<String> = targets.iter().map(|t| self.id(&t.target)).collect();
        if ids.len() <= 4 {
            return format!("[{}]", ids.join(", "));
        }
        format!("[\n        {}\n    ]", ids.join("\n        "))
    }

    fn shape(&mut self, name: &str, shape: &Shape) {
        let kind = shape.kind.as_str();
        self.traits(&shape.traits, 0, &[]);
        match kind {
            "enum" | "intEnum" => {
                let _ = writeln!(self.text, "{kind} {name} {{");
                let value_id = format!("{PRELUDE}#enumValue");
                for (member, m) in shape.members.iter().flat_map(|m| m.iter()) {
                    self.traits(&m.traits, 1, &[value_id.as_str()]);
                    match m.traits.get(&value_id) {
                        Some(value) => {
                            let _ = writeln!(self.text, "    {member} = {}", self.node(value, 1));
                        }
                        None => {
                            let _ = writeln!(self.text, "    {member}");
                        }
                    }
                }
                self.text.push_str("}\n");
            }
            "list" | "set" | "map" | "structure" | "union" => {
                let _ = writeln!(self.text, "{kind} {name} {{");
                for (member, m) in [("member", &shape.member), ("key", &shape.key), ("value", &shape.value)] {
                    if let Some(m) = m {
                        self.member(member, m, 1, false);
                    }
                }
                for (member, m) in shape.members.iter().flat_map(|m| m.iter()) {
                    self.member(member, m, 1, kind == "structure");
                }
                self.text.push_str("}\n");
            }
            "service" | "resource" | "operation" => {
                let _ = writeln!(self.text, "{kind} {name} {{");
                let mut properties: Vec<(&str, String)> = Vec::new();
                let mut property = |key: &'static str, value: String| properties.push((key, value));
                let unit = format!("{PRELUDE}#Unit");
                if let Some(version) = &shape.version {
                    property("version", quoted(version));
                }
                for (key, target) in [("input", &shape.input), ("output", &shape.output)] {
                    if let Some(target) = target.as_ref().filter(|t| t.target != unit) {
                        property(key, self.id(&target.target));
                    }
                }
                for (key, map) in [("identifiers", &shape.identifiers), ("properties", &shape.properties)] {
                    if let Some(map) = map {
                        let entries: Vec<String> =
                            map.iter().map(|(k, t)| format!("{}: {}", key_text(k), self.id(&t.target))).collect();
                        property(key, format!("{{ {} }}", entries.join(", ")));
                    }
                }
                for (key, target) in shape.lifecycle() {
                    if let Some(target) = target {
                        property(key, self.id(&target.target));
                    }
                }
                for (key, targets) in [
                    ("operations", &shape.operations),
                    ("collectionOperations", &shape.collection_operations),
                    ("resources", &shape.resources),
                    ("errors", &shape.errors),
                ] {
                    if !targets.is_empty() {
                        property(key, self.targets(targets));
                    }
                }
                if let Some(rename) = &shape.rename {
                    let entries: Vec<String> =
                        rename.iter().map(|(k, v)| format!("{}: {}", quoted(k), quoted(v))).collect();
                    property("rename", format!("{{ {} }}", entries.join(", ")));
                }
                for (key, value) in properties {
                    let _ = writeln!(self.text, "    {key}: {value}");
                }
                self.text.push_str("}\n");
            }
            _ => {
                let _ = writeln!(self.text, "{kind} {name}");
            }
        }
    }
}
