//! The name pass: Rust names for every type, field, variant and module,
//! and an error for any two that would collide.

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::ir::{Service, ShapeKind};
use crate::names::{enum_variant_name, field_name, type_name, variant_name};

/// Names the generated code itself uses unqualified; a shape may not take
/// one of them.
const RESERVED_TYPE_NAMES: &[&str] = &[
    "Blob",
    "Box",
    "BTreeMap",
    "Deserialize",
    "Document",
    "Option",
    "Result",
    "Serialize",
    "String",
    "Timestamp",
    "Vec",
];

pub fn run(service: &mut Service) -> Result<(), Diagnostics> {
    let mut diagnostics = Diagnostics::default();
    // Every type of the service shares one namespace: the modules of a
    // service import each other's types by name.
    let mut types = Scope::new("type");
    let mut modules = Scope::new("operation module");
    for op in &mut service.operations {
        op.module = field_name(&op.name);
        op.rust_name = type_name(&op.name);
        op.error_enum = format!("{}Error", op.rust_name);
        modules.add(&op.module, &op.id, &op.file);
        types.add(&op.rust_name, &op.id, &op.file);
        types.add(&op.error_enum, &format!("{} (its error enum)", op.id), &op.file);
    }
    // The service trait and its router share the namespace too.
    let trait_name = type_name(&service.name);
    types.add(&trait_name, &service.id, &service.file);
    types.add(&format!("{trait_name}Router"), &format!("{} (its router)", service.id), &service.file);
    for shape in service.shapes.values_mut() {
        shape.rust_name = type_name(&shape.name);
        types.add(&shape.rust_name, &shape.id, &shape.file);
        let mut inner = Scope::new(match shape.kind {
            ShapeKind::Structure(_) => "field",
            _ => "variant",
        });
        match &mut shape.kind {
            ShapeKind::Structure(s) => {
                for member in &mut s.members {
                    member.rust_name = field_name(&member.name);
                    inner.add(&member.rust_name, &format!("{}${}", shape.id, member.name), &shape.file);
                }
            }
            ShapeKind::Union(members) => {
                for member in members {
                    member.rust_name = variant_name(&member.name);
                    inner.add(&member.rust_name, &format!("{}${}", shape.id, member.name), &shape.file);
                }
            }
            ShapeKind::Enum(values) => {
                for value in values {
                    value.rust_name = enum_variant_name(&value.name, &value.value);
                    inner.add(&value.rust_name, &format!("{}${}", shape.id, value.name), &shape.file);
                }
            }
        }
        inner.report(&mut diagnostics);
    }
    for reserved in RESERVED_TYPE_NAMES {
        if let Some(users) = types.names.get(*reserved) {
            let (id, file) = &users[0];
            diagnostics.push(
                Diagnostic::error(format!("its Rust name `{reserved}` would shadow a type the generated code uses"))
                    .in_file(file)
                    .at_shape(id)
                    .help("rename the shape in the spec"),
            );
        }
    }
    types.report(&mut diagnostics);
    modules.report(&mut diagnostics);
    if diagnostics.has_errors() {
        diagnostics.sort();
        Err(diagnostics)
    } else {
        Ok(())
    }
}

/// Rust names in one namespace, with the shapes that asked for each.
struct Scope {
    what: &'static str,
    names: BTreeMap<String, Vec<(String, PathBuf)>>,
}

impl Scope {
    fn new(what: &'static str) -> Self {
        Scope { what, names: BTreeMap::new() }
    }

    fn add(&mut self, rust_name: &str, id: &str, file: &std::path::Path) {
        self.names.entry(rust_name.to_string()).or_default().push((id.to_string(), file.to_path_buf()));
    }

    fn report(&self, diagnostics: &mut Diagnostics) {
        for (rust_name, users) in &self.names {
            if let [(first, _), rest @ ..] = users.as_slice() {
                for (id, file) in rest {
                    diagnostics.push(
                        Diagnostic::error(format!("its Rust {} name `{rust_name}` collides with that of {first}", self.what))
                            .in_file(file)
                            .at_shape(id)
                            .help("rename one of the two in the spec; names that differ only in case or punctuation map to the same Rust name"),
                    );
                }
            }
        }
    }
}
