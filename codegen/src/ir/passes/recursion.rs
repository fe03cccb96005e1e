//! The recursion pass: boxes members through which a structure or union
//! contains itself without a list or map in between (which would give the
//! Rust type an infinite size).

use std::collections::{BTreeMap, BTreeSet};

use crate::ir::{Service, ShapeKind, Type};

pub fn run(service: &mut Service) {
    // Direct edges: shape -> named structures and unions held inline.
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (id, shape) in &service.shapes {
        let members = match &shape.kind {
            ShapeKind::Structure(s) => &s.members,
            ShapeKind::Union(members) => members,
            ShapeKind::Enum(_) => continue,
        };
        let targets = members.iter().filter_map(|m| match &m.ty.ty {
            Type::Named(target) if !matches!(service.shapes[target].kind, ShapeKind::Enum(_)) => Some(target.clone()),
            _ => None,
        });
        edges.insert(id.clone(), targets.collect());
    }
    for shape in service.shapes.values_mut() {
        let id = shape.id.clone();
        let members = match &mut shape.kind {
            ShapeKind::Structure(s) => &mut s.members,
            ShapeKind::Union(members) => members,
            ShapeKind::Enum(_) => continue,
        };
        for member in members {
            if let Type::Named(target) = &member.ty.ty {
                member.boxed = reaches(&edges, target, &id);
            }
        }
    }
}

/// Whether `to` is reachable from `from` along direct edges.
fn reaches(edges: &BTreeMap<String, BTreeSet<String>>, from: &str, to: &str) -> bool {
    let mut seen = BTreeSet::new();
    let mut stack = vec![from.to_string()];
    while let Some(id) = stack.pop() {
        if id == to {
            return true;
        }
        if seen.insert(id.clone()) {
            stack.extend(edges.get(&id).into_iter().flatten().cloned());
        }
    }
    false
}
