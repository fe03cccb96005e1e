//! The alias pass: names a model's list or map shape as a Rust type alias
//! where a member that holds it would otherwise spell out a type too deep
//! for clippy's `type_complexity` (`Option<BTreeMap<String, BTreeMap<String,
//! Vec<Vec<T>>>>>`). Such a member then holds the alias, named after the
//! collection shape as the model names it (`Option<NestedMap>`), and so do
//! the other places of that shape; the alias itself is not linted. Shapes
//! whose members fit keep their inline types, as before.

use crate::ir::{Alias, Service, ShapeKind, Type, TypeRef};

/// Clippy's default `type-complexity-threshold`: a type scoring more is
/// linted.
const THRESHOLD: u32 = 250;

pub fn run(service: &mut Service) {
    let mut aliases = Vec::new();
    for shape in service.shapes.values() {
        let members = match &shape.kind {
            ShapeKind::Structure(s) => &s.members,
            ShapeKind::Union(members) => members,
            ShapeKind::Enum(_) => continue,
        };
        for member in members {
            let collection = matches!(member.ty.ty, Type::List(_) | Type::Map(..));
            // The most it is spelt with: `Option<T>`, as a field or as the
            // reader's local (required members are read into one too).
            if collection && 10 + score(&member.ty, 2) > THRESHOLD {
                aliases.push(member.ty.clone());
            }
        }
    }
    for ty in aliases {
        if service.aliases.contains_key(&ty.target) {
            continue;
        }
        let docs = service.collection_docs.get(&ty.target).cloned().unwrap_or_default();
        let name = crate::model::shape_id::name(&ty.target).to_string();
        let alias = Alias { id: ty.target.clone(), name, docs, ty, rust_name: String::new() };
        service.aliases.insert(alias.id.clone(), alias);
    }
}

/// Clippy's score of `t` as the emitter writes it, at nesting `nest`: a
/// path scores ten times its nesting, and its generic arguments are one
/// level deeper (a `@sparse` collection's values are `Option`s).
fn score(t: &TypeRef, nest: u32) -> u32 {
    let inner = |t: &TypeRef, nest: u32, sparse: bool| match sparse {
        true => 10 * nest + score(t, nest + 1),
        false => score(t, nest),
    };
    10 * nest
        + match &t.ty {
            Type::List(member) => inner(member, nest + 1, t.sparse),
            Type::Map(key, value) => score(key, nest + 1) + inner(value, nest + 1, t.sparse),
            Type::EventStream(_) => 10 * (nest + 1),
            _ => 0,
        }
}
