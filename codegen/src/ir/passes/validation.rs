//! The validation pass: plans the static tables of `validation.rs` (which
//! shapes, list and map shapes and patterns get one), so that the name pass
//! can name every static before anything is emitted.

use std::collections::BTreeSet;

use crate::ir::{Collection, PatternStatic, Service, ShapeKind, Type, TypeRef, Validation};

pub fn run(service: &mut Service) {
    let shapes = reachable(service);
    let mut plan = Validation::default();
    for id in &shapes {
        let shape = &service.shapes[id];
        plan.shapes.insert(id.clone(), String::new());
        match &shape.kind {
            ShapeKind::Structure(s) => s.members.iter().for_each(|m| visit(&m.ty, &mut plan)),
            ShapeKind::Union(members) => members.iter().for_each(|m| visit(&m.ty, &mut plan)),
            ShapeKind::Enum(_) => pattern(&shape.constraints.pattern, id, &mut plan),
        }
    }
    service.validation = plan;
}

/// Records the collections and patterns a place uses.
fn visit(t: &TypeRef, plan: &mut Validation) {
    pattern(&t.constraints.pattern, &t.target, plan);
    match &t.ty {
        Type::List(member) => {
            share(t, plan);
            visit(member, plan);
        }
        Type::Map(key, value) => {
            share(t, plan);
            visit(key, plan);
            visit(value, plan);
        }
        _ => {}
    }
}

/// A list or map place with exactly its shape's constraints refers to the
/// shape's one static (prelude collections have no shape of their own).
fn share(t: &TypeRef, plan: &mut Validation) {
    if t.target_constraints && !t.target.starts_with("smithy.api#") {
        plan.collections
            .entry(t.target.clone())
            .or_insert_with(|| Collection { ty: t.clone(), static_name: String::new() });
    }
}

/// A pattern's static is named after the shape (`target`) of the first
/// place found that uses it (shapes are visited by id, members in order).
fn pattern(pattern: &Option<crate::model::pattern::Pattern>, target: &str, plan: &mut Validation) {
    let Some(pattern) = pattern else { return };
    plan.patterns.entry(pattern.source.clone()).or_insert_with(|| PatternStatic {
        pattern: pattern.clone(),
        named_after: target.to_string(),
        static_name: String::new(),
    });
}

/// Structures, unions and enums reachable from operation inputs and
/// outputs (errors are never validated), by id; a stream's union only where
/// its operation is served, and its events read or written one by one.
fn reachable(service: &Service) -> BTreeSet<String> {
    let served = service.operations.iter().filter(|op| op.unserved.is_none());
    let streams: BTreeSet<&String> = served.flat_map(|op| op.event_streams.iter().map(|s| &s.union)).collect();
    let mut seen = BTreeSet::new();
    let mut stack: Vec<String> =
        service.operations.iter().flat_map(|op| op.input.iter().chain(&op.output)).cloned().collect();
    while let Some(id) = stack.pop() {
        if !seen.insert(id.clone()) {
            continue;
        }
        let members = match &service.shapes[&id].kind {
            ShapeKind::Structure(s) => &s.members,
            ShapeKind::Union(members) => members,
            ShapeKind::Enum(_) => continue,
        };
        for member in members {
            named_in(&member.ty, &streams, &mut stack);
        }
    }
    seen
}

/// The named shapes `t` holds through lists and maps, and the union of an
/// event stream among `streams` (those served).
fn named_in(t: &TypeRef, streams: &BTreeSet<&String>, out: &mut Vec<String>) {
    match &t.ty {
        Type::Named(id) => out.push(id.clone()),
        Type::EventStream(id) if streams.contains(id) => out.push(id.clone()),
        Type::List(member) => named_in(member, streams, out),
        Type::Map(key, value) => {
            named_in(key, streams, out);
            named_in(value, streams, out);
        }
        _ => {}
    }
}
