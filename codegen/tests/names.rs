//! Every name in the SSM model with its Rust name, reviewed as a snapshot:
//! operations (module, marker, error enum), shapes that become types, their
//! members and enum values. Collisions are refused by the name pass; this
//! also checks that no acronym is split (`NotificationARNs` must not give
//! `notification_ar_ns`).

mod common;

use std::fmt::Write;

use codegen::ir::ShapeKind;
use common::root;

#[test]
fn ssm_names() {
    let (service, _) = codegen::load_service(&root().join("specs/ssm")).unwrap_or_else(|e| panic!("{e}"));
    let mut out = String::new();
    for op in &service.operations {
        writeln!(out, "operation {} -> mod {}, {}, {}", op.name, op.module, op.rust_name, op.error_enum).unwrap();
    }
    let mut split = Vec::new();
    for shape in service.shapes.values() {
        writeln!(out, "shape {} -> {}", shape.name, shape.rust_name).unwrap();
        let (kind, names): (&str, Vec<(&str, &str)>) = match &shape.kind {
            ShapeKind::Structure(s) => {
                ("member", s.members.iter().map(|m| (m.name.as_str(), m.rust_name.as_str())).collect())
            }
            ShapeKind::Union(members) => {
                ("variant", members.iter().map(|m| (m.name.as_str(), m.rust_name.as_str())).collect())
            }
            ShapeKind::Enum(values) => {
                ("value", values.iter().map(|v| (v.value.as_str(), v.rust_name.as_str())).collect())
            }
        };
        for (name, rust) in names {
            writeln!(out, "    {kind} {name} -> {rust}").unwrap();
            if splits_an_acronym(name) {
                split.push(format!("{}${name} -> {rust}", shape.name));
            }
        }
    }
    assert!(split.is_empty(), "acronyms split: {split:?}");
    insta::with_settings!({ snapshot_path => "snapshots", prepend_module_to_snapshot => false }, {
        insta::assert_snapshot!("ssm_names", out);
    });
}

/// Whether splitting `name` into words leaves a word like `Ns` after an
/// all-capitals word (`AR` `Ns` from `ARNs`).
fn splits_an_acronym(name: &str) -> bool {
    let words = codegen::ir::names::words(name);
    words.windows(2).any(|pair| {
        let (first, second) = (&pair[0], &pair[1]);
        first.len() >= 2
            && first.chars().all(|c| c.is_ascii_uppercase())
            && second.len() == 2
            && second.starts_with(|c: char| c.is_ascii_uppercase())
            && second.ends_with('s')
    })
}

#[test]
fn the_acronym_check_finds_the_defect_it_guards_against() {
    assert!(!splits_an_acronym("NotificationARNs"));
    // What a general-purpose converter does: it would be caught.
    let naive = ["Notification", "AR", "Ns"];
    assert!(naive.windows(2).any(|p| p[0] == "AR" && p[1] == "Ns"));
}
