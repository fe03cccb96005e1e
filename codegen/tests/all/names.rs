//! Every name in the SSM model with its Rust name, reviewed as a snapshot:
//! operations (module, marker, error enum), shapes that become types, their
//! members and enum values. Collisions are refused by the name pass; this
//! also checks that no acronym is split (`NotificationARNs` must not give
//! `notification_ar_ns`).

use crate::common;

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
    insta::with_settings!({ snapshot_path => "../snapshots", prepend_module_to_snapshot => false }, {
        insta::assert_snapshot!("ssm_names", out);
    });
}

/// Whether splitting `name` into words leaves a word like `Ns` after an
/// all-capitals word (`AR` `Ns` from `ARNs`).
fn splits_an_acronym(name: &str) -> bool {
    splits(&codegen::ir::names::words(name))
}

/// Whether `words` hold an acronym split in two: an all-capitals word
/// followed by a capital and an `s`.
fn splits<S: AsRef<str>>(words: &[S]) -> bool {
    words.windows(2).any(|pair| {
        let (first, second) = (pair[0].as_ref(), pair[1].as_ref());
        first.len() >= 2
            && first.chars().all(|c| c.is_ascii_uppercase())
            && second.len() == 2
            && second.starts_with(|c: char| c.is_ascii_uppercase())
            && second.ends_with('s')
    })
}

/// The check passes the generator's words and catches the defect it
/// guards against: what a general-purpose converter (heck) makes of
/// `NotificationARNs`.
#[test]
fn the_acronym_check_finds_the_defect_it_guards_against() {
    assert!(!splits_an_acronym("NotificationARNs"));
    assert_eq!(codegen::ir::names::words("NotificationARNs"), ["Notification", "ARNs"]);
    assert!(splits(&["Notification", "AR", "Ns"]));
    assert!(!splits(&["Notification", "ARN", "List"]));
}
