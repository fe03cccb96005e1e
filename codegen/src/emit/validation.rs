//! `validation.rs`: the constraints of every operation input as static
//! tables that `runtime::validate` walks. Tables are data, not code, so
//! they cost little to compile however large the model.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::{Literal, TokenStream};
use quote::quote;
use serde_json::Number;

use super::doc;
use super::rust::{FileCx, ident};
use crate::ir::{Bounds, Service, ShapeKind, TimestampFormat, Type, TypeRef};
use crate::names::snake_case;
use crate::pattern::{Engine, Pattern};

const VALIDATE: &str = "crate::runtime::validate";

/// The static that describes a named shape.
pub fn static_name(service: &Service, id: &str) -> String {
    snake_case(&service.shapes[id].rust_name).to_uppercase()
}

/// Named shapes reachable from operation inputs and outputs, by id.
fn reachable(service: &Service) -> BTreeSet<String> {
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
            named_in(&member.ty, &mut stack);
        }
    }
    seen
}

fn named_in(t: &TypeRef, out: &mut Vec<String>) {
    match &t.ty {
        Type::Named(id) => out.push(id.clone()),
        Type::List(member) => named_in(member, out),
        Type::Map(key, value) => {
            named_in(key, out);
            named_in(value, out);
        }
        _ => {}
    }
}

/// Every pattern used by the reachable shapes, by source, with the name of
/// its static (after the shape it constrains).
fn patterns(service: &Service, shapes: &BTreeSet<String>) -> BTreeMap<String, (String, Pattern)> {
    fn collect(t: &TypeRef, out: &mut BTreeMap<String, (String, Pattern)>) {
        if let Some(pattern) = &t.constraints.pattern {
            let hint = snake_case(crate::shape_id::name(&t.target)).to_uppercase();
            out.entry(pattern.source.clone()).or_insert((hint, pattern.clone()));
        }
        match &t.ty {
            Type::List(member) => collect(member, out),
            Type::Map(key, value) => {
                collect(key, out);
                collect(value, out);
            }
            _ => {}
        }
    }
    let mut found = BTreeMap::new();
    for id in shapes {
        if let ShapeKind::Structure(s) = &service.shapes[id].kind {
            s.members.iter().for_each(|m| collect(&m.ty, &mut found));
        } else if let ShapeKind::Union(members) = &service.shapes[id].kind {
            members.iter().for_each(|m| collect(&m.ty, &mut found));
        }
    }
    // Unique static names: the first pattern of a shape takes `X_PATTERN`.
    let mut taken = BTreeSet::new();
    let mut by_hint: Vec<(String, String, Pattern)> = found.into_iter().map(|(s, (h, p))| (h, s, p)).collect();
    by_hint.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
    let mut out = BTreeMap::new();
    for (hint, source, pattern) in by_hint {
        let mut name = format!("{hint}_PATTERN");
        let mut n = 2;
        while !taken.insert(name.clone()) {
            name = format!("{hint}_PATTERN_{n}");
            n += 1;
        }
        out.insert(source, (name, pattern));
    }
    out
}

/// The `validation.rs` file of a service.
pub fn module(service: &Service) -> TokenStream {
    let cx = FileCx::without_shapes(service);
    let shapes = reachable(service);
    let patterns = patterns(service, &shapes);
    let emitter = Emitter { cx: &cx, patterns: &patterns, collections: Default::default() };

    let mut items = Vec::new();
    for id in &shapes {
        let shape = &service.shapes[id];
        let name = ident(&static_name(service, id));
        let wire = &shape.name;
        let docs = doc::outer(&[format!("The constraints of {}.", doc::code(&shape.name))]);
        items.push(match &shape.kind {
            ShapeKind::Structure(s) => {
                let ty = emitter.validate_type("Structure");
                let members = s.members.iter().map(|m| emitter.member(&m.name, m.required, &m.ty));
                quote! { #docs pub static #name: #ty = #ty { name: #wire, members: &[#(#members),*] }; }
            }
            ShapeKind::Union(members) => {
                let ty = emitter.validate_type("Union");
                let members = members.iter().map(|m| emitter.member(&m.name, false, &m.ty));
                quote! { #docs pub static #name: #ty = #ty { name: #wire, members: &[#(#members),*] }; }
            }
            ShapeKind::Enum(values) => {
                let ty = emitter.validate_type("Enum");
                let all = values.iter().map(|v| &v.value);
                let listed = listed(values.iter().filter(|v| !v.internal).map(|v| v.value.as_str()));
                quote! { #docs pub static #name: #ty = #ty { name: #wire, values: &[#(#all),*], listed: #listed }; }
            }
        });
    }
    // List and map statics; emitting one may register more (nested ones).
    let mut emitted = BTreeSet::new();
    loop {
        let pending: Vec<TypeRef> = emitter
            .collections
            .borrow()
            .iter()
            .filter(|(id, _)| !emitted.contains(*id))
            .map(|(_, t)| t.clone())
            .collect();
        if pending.is_empty() {
            break;
        }
        for t in pending {
            emitted.insert(t.target.clone());
            items.push(emitter.collection_static(&t));
        }
    }
    for (source, (name, pattern)) in &patterns {
        let ty = emitter.validate_type("Pattern");
        let name = ident(name);
        let docs = doc::outer(&[format!("{}.", doc::code(source))]);
        let constructor = match &pattern.engine {
            Engine::Linear(translated) => quote! { #ty::linear(#source, #translated) },
            Engine::Counted { each, min, max } => {
                let (min, max) = (*min as usize, *max as usize);
                quote! { #ty::counted(#source, #each, #min, #max) }
            }
            Engine::Backtracking => {
                let (ecma, flags) = (&pattern.ecma, &pattern.flags);
                quote! { #ty::backtracking(#source, #ecma, #flags) }
            }
        };
        items.push(quote! { #docs pub static #name: #ty = #constructor; });
    }
    // Lookups by operation name, for routers.
    let structure = emitter.validate_type("Structure");
    let lookup = |which: &dyn Fn(&crate::ir::Operation) -> &Option<String>| {
        let arms = service.operations.iter().map(|op| {
            let name = &op.name;
            match which(op) {
                Some(id) => {
                    let schema = ident(&static_name(service, id));
                    quote! { #name => Some(&#schema) }
                }
                None => {
                    let unit = emitter.validate_type("UNIT");
                    quote! { #name => Some(&#unit) }
                }
            }
        });
        quote! { match operation { #(#arms,)* _ => None } }
    };
    let (inputs, outputs) = (lookup(&|op| &op.input), lookup(&|op| &op.output));
    items.push(quote! {
        /// The constraints of an operation's input, by operation name.
        pub fn input_schema(operation: &str) -> Option<&'static #structure> {
            #inputs
        }

        /// The constraints of an operation's output, by operation name.
        pub fn output_schema(operation: &str) -> Option<&'static #structure> {
            #outputs
        }
    });
    let docs = doc::inner(&[
        "The constraints of every operation input and output, as tables for [`crate::runtime::validate`].".to_string(),
    ]);
    let uses = cx.uses();
    quote! { #docs #uses #(#items)* }
}

/// A member's entry in a structure or union table.
struct Emitter<'a> {
    cx: &'a FileCx<'a>,
    patterns: &'a BTreeMap<String, (String, Pattern)>,
    /// List and map shapes used with their own constraints, by id: each
    /// gets one static that every such use refers to.
    collections: std::cell::RefCell<BTreeMap<String, TypeRef>>,
}

impl Emitter<'_> {
    fn validate_type(&self, name: &str) -> TokenStream {
        self.cx.import(VALIDATE, name);
        let name = ident(name);
        quote! { #name }
    }

    fn member(&self, name: &str, required: bool, t: &TypeRef) -> TokenStream {
        let member = self.validate_type("Member");
        let schema = self.schema(t);
        quote! { #member { name: #name, required: #required, schema: #schema } }
    }

    fn schema(&self, t: &TypeRef) -> TokenStream {
        let schema = self.validate_type("Schema");
        let c = &t.constraints;
        match &t.ty {
            Type::Unresolved => unreachable!("the resolve pass ran"),
            Type::String => {
                let rules = self.validate_type("StringRules");
                let length = self.length(&c.length);
                let pattern = match &c.pattern {
                    Some(p) => {
                        let name = ident(&self.patterns[&p.source].0);
                        quote! { Some(&#name) }
                    }
                    None => quote! { None },
                };
                let values = self.values(c);
                quote! { #schema::String(#rules { length: #length, pattern: #pattern, values: #values }) }
            }
            Type::Byte | Type::Short | Type::Integer | Type::Long => {
                let rules = self.validate_type("IntegerRules");
                let kind_type = self.validate_type("IntegerKind");
                let kind = ident(match t.ty {
                    Type::Byte => "Byte",
                    Type::Short => "Short",
                    Type::Integer => "Integer",
                    _ => "Long",
                });
                let range = self.range(&c.range);
                let values = self.values(c);
                quote! { #schema::Integer(#rules { kind: #kind_type::#kind, range: #range, values: #values }) }
            }
            Type::Float | Type::Double => {
                let rules = self.validate_type("FloatRules");
                let range = self.range(&c.range);
                quote! { #schema::Float(#rules { range: #range }) }
            }
            Type::Boolean => quote! { #schema::Boolean },
            Type::Document => quote! { #schema::Document },
            Type::Unit => quote! { #schema::Unit },
            Type::Timestamp(format) => {
                let format_type = self.validate_type("TimestampFormat");
                let format = ident(match format {
                    TimestampFormat::EpochSeconds => "EpochSeconds",
                    TimestampFormat::DateTime => "DateTime",
                    TimestampFormat::HttpDate => "HttpDate",
                });
                quote! { #schema::Timestamp(#format_type::#format) }
            }
            Type::Blob => {
                let length = self.length(&c.length);
                quote! { #schema::Blob(#length) }
            }
            Type::Named(id) => {
                let name = ident(&static_name(self.cx.service, id));
                let variant = ident(match self.cx.service.shapes[id].kind {
                    ShapeKind::Structure(_) => "Structure",
                    ShapeKind::Union(_) => "Union",
                    ShapeKind::Enum(_) => "Enum",
                });
                quote! { #schema::#variant(&#name) }
            }
            Type::List(_) | Type::Map(..) if self.shared(t) => {
                let name = ident(&collection_static_name(&t.target));
                let variant = ident(if matches!(t.ty, Type::List(_)) { "List" } else { "Map" });
                self.collections.borrow_mut().entry(t.target.clone()).or_insert_with(|| t.clone());
                quote! { #schema::#variant(&#name) }
            }
            Type::List(member) => {
                let list = self.validate_type("List");
                let member = self.schema(member);
                let length = self.length(&c.length);
                let (unique, sparse) = (c.unique_items, t.sparse);
                quote! { #schema::List(&#list { member: #member, length: #length, unique: #unique, sparse: #sparse }) }
            }
            Type::Map(key, value) => {
                let map = self.validate_type("Map");
                let (key, value) = (self.schema(key), self.schema(value));
                let length = self.length(&c.length);
                let sparse = t.sparse;
                quote! { #schema::Map(&#map { key: #key, value: #value, length: #length, sparse: #sparse }) }
            }
        }
    }

    /// Whether a list or map place can refer to its shape's shared static.
    fn shared(&self, t: &TypeRef) -> bool {
        t.target_constraints && !t.target.starts_with("smithy.api#")
    }

    /// The static for a list or map shape: its table, built as if inline.
    fn collection_static(&self, t: &TypeRef) -> TokenStream {
        let name = ident(&collection_static_name(&t.target));
        let docs = doc::outer(&[format!("The constraints of {}.", doc::code(crate::shape_id::name(&t.target)))]);
        let c = &t.constraints;
        let length = self.length(&c.length);
        match &t.ty {
            Type::List(member) => {
                let list = self.validate_type("List");
                let member = self.schema(member);
                let (unique, sparse) = (c.unique_items, t.sparse);
                quote! { #docs pub static #name: #list = #list { member: #member, length: #length, unique: #unique, sparse: #sparse }; }
            }
            Type::Map(key, value) => {
                let map = self.validate_type("Map");
                let (key, value) = (self.schema(key), self.schema(value));
                let sparse = t.sparse;
                quote! { #docs pub static #name: #map = #map { key: #key, value: #value, length: #length, sparse: #sparse }; }
            }
            _ => unreachable!("only lists and maps are shared"),
        }
    }

    fn length(&self, length: &Option<Bounds>) -> TokenStream {
        let Some(bounds) = length else { return quote! { None } };
        let ty = self.validate_type("Length");
        let bound = |n: &Option<Number>| n.as_ref().and_then(Number::as_u64).map(Literal::u64_unsuffixed);
        match (bound(&bounds.min), bound(&bounds.max)) {
            (Some(min), Some(max)) => quote! { Some(#ty::between(#min, #max)) },
            (Some(min), None) => quote! { Some(#ty::at_least(#min)) },
            (None, Some(max)) => quote! { Some(#ty::at_most(#max)) },
            (None, None) => quote! { Some(#ty { min: None, max: None }) },
        }
    }

    fn range(&self, range: &Option<Bounds>) -> TokenStream {
        let Some(bounds) = range else { return quote! { None } };
        let (ty, bound_ty) = (self.validate_type("Range"), self.validate_type("Bound"));
        let bound = |n: &Option<Number>| match n {
            Some(n) => {
                let value = Literal::f64_unsuffixed(n.as_f64().expect("a JSON number"));
                let text = n.to_string();
                quote! { Some(#bound_ty { value: #value, text: #text }) }
            }
            None => quote! { None },
        };
        let (min, max) = (bound(&bounds.min), bound(&bounds.max));
        quote! { Some(#ty { min: #min, max: #max }) }
    }

    fn values(&self, c: &crate::ir::Constraints) -> TokenStream {
        let Some(values) = &c.values else { return quote! { None } };
        let ty = self.validate_type("AllowedValues");
        let all = values.iter().map(|v| &v.value);
        let listed = listed(values.iter().filter(|v| v.listed).map(|v| v.value.as_str()));
        quote! { Some(&#ty { values: &[#(#all),*], listed: #listed }) }
    }
}

/// The static for a list or map shape (`TAG_LIST`); `_ITEMS` keeps it apart
/// from a pattern static of the same stem (`X_PATTERN` from shape `X`).
fn collection_static_name(target: &str) -> String {
    let name = snake_case(crate::shape_id::name(target)).to_uppercase();
    if name.ends_with("_PATTERN") { format!("{name}_ITEMS") } else { name }
}

/// `[a, b, c]`, as validation messages list enum values.
fn listed<'a>(values: impl Iterator<Item = &'a str>) -> String {
    format!("[{}]", values.collect::<Vec<_>>().join(", "))
}
