//! The direction pass: which types a server reads and which it writes.
//!
//! A server only deserialises requests and only serialises responses and
//! errors, so a type reached only from outputs and errors needs no
//! `Deserialize`, and one reached only from inputs no `Serialize`; deriving
//! what is not used is most of a generated crate's build time. The crate's
//! `full-serde` feature derives both everywhere, for tests, fixtures,
//! proxies and clients.

use std::collections::BTreeSet;

use crate::ir::{Direction, Service, ShapeKind, Type, TypeRef};

pub fn run(service: &mut Service) {
    let inputs = service.operations.iter().filter_map(|operation| operation.input.clone());
    let read = reachable(service, inputs.collect());
    let outputs = service.operations.iter().filter_map(|operation| operation.output.clone());
    let errors = service.operations.iter().flat_map(|operation| operation.errors.iter().map(|error| error.id.clone()));
    let written = reachable(service, outputs.chain(errors).collect());
    for shape in service.shapes.values_mut() {
        let (read, written) = (read.contains(&shape.id), written.contains(&shape.id));
        // A type no operation reaches is written out like a response's, so
        // that it keeps the serde support every other type has.
        shape.direction = Direction { read, written: written || !read };
    }
    let served = service.operations.iter().filter(|operation| operation.unserved.is_none());
    let streams: Vec<(String, bool)> =
        served.flat_map(|operation| operation.event_streams.iter().map(|s| (s.union.clone(), s.input))).collect();
    for (union, input) in streams {
        let Some(ShapeKind::Union(members)) = service.shapes.get(&union).map(|shape| &shape.kind) else { continue };
        let events: Vec<String> = members
            .iter()
            .filter_map(|m| match &m.ty.ty {
                Type::Named(id) => Some(id.clone()),
                _ => None,
            })
            .collect();
        for id in events.iter().chain([&union]) {
            if let Some(shape) = service.shapes.get_mut(id) {
                if input {
                    shape.events.read = true;
                } else {
                    shape.events.written = true;
                }
            }
        }
    }
}

/// The shapes reachable from `roots` through members, lists and maps.
fn reachable(service: &Service, roots: Vec<String>) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut stack = roots;
    while let Some(id) = stack.pop() {
        let Some(shape) = service.shapes.get(&id) else { continue };
        if !seen.insert(id) {
            continue;
        }
        let members = match &shape.kind {
            ShapeKind::Structure(structure) => &structure.members,
            ShapeKind::Union(members) => members,
            ShapeKind::Enum(_) => continue,
        };
        for member in members {
            targets(&member.ty, &mut stack);
        }
    }
    seen
}

/// The named shapes `ty` holds, directly or through lists and maps.
fn targets(ty: &TypeRef, out: &mut Vec<String>) {
    match &ty.ty {
        Type::Named(id) | Type::EventStream(id) => out.push(id.clone()),
        Type::List(item) => targets(item, out),
        Type::Map(key, value) => {
            targets(key, out);
            targets(value, out);
        }
        _ => {}
    }
}
