//! `validation.rs`: the constraints of every operation input as static
//! tables that `runtime::validate` walks. Tables are data, not code, so
//! they cost little to compile however large the model.

use proc_macro2::{Literal, TokenStream};
use quote::quote;
use serde_json::Number;

use super::doc;
use super::rust::{FileCx, ident};
use crate::ir::{Bounds, Member, Service, ShapeKind, TimestampFormat, Type, TypeRef};
use crate::model::pattern::{Engine, Pattern};

/// The `&STATIC` of an operation input or output structure (`None` for an
/// operation that takes or returns nothing: the runtime's `UNIT`), imported
/// from `validation.rs` into another module of the service.
pub fn schema_static(cx: &FileCx<'_>, id: Option<&str>) -> TokenStream {
    match id {
        Some(id) => {
            let name = &cx.service.validation.shapes[id];
            cx.import(&format!("crate::{}::validation", cx.service.module), name);
            let name = ident(name);
            quote! { &#name }
        }
        None => {
            let unit = cx.runtime("validate::UNIT");
            quote! { &#unit }
        }
    }
}

/// The `validation.rs` file of a service.
pub fn module(service: &Service) -> TokenStream {
    let cx = FileCx::validation(service);
    let plan = &service.validation;
    let emitter = Emitter { cx: &cx };

    let mut items = Vec::new();
    for (id, name) in &plan.shapes {
        let shape = &service.shapes[id];
        let name = ident(name);
        let wire = &shape.name;
        let docs = doc::outer(&[format!("The constraints of {}.", doc::code(&shape.name))]);
        items.push(match &shape.kind {
            ShapeKind::Structure(s) => {
                let ty = emitter.validate_type("Structure");
                // Event streams travel outside the JSON document.
                let members = s.members.iter().filter(|m| m.in_document()).map(|m| emitter.member(m, m.required));
                quote! { #docs pub static #name: #ty = #ty { name: #wire, members: &[#(#members),*] }; }
            }
            ShapeKind::Union(members) => {
                let ty = emitter.validate_type("Union");
                let members = members.iter().map(|m| emitter.member(m, false));
                quote! { #docs pub static #name: #ty = #ty { name: #wire, members: &[#(#members),*] }; }
            }
            ShapeKind::Enum(_) => {
                let table = emitter.enum_table(id, &shape.constraints);
                let ty = emitter.validate_type("Enum");
                quote! { #docs pub static #name: #ty = #table; }
            }
        });
    }
    for (id, collection) in &plan.collections {
        items.push(emitter.collection_static(id, collection));
    }
    for (source, pattern_static) in &plan.patterns {
        let ty = emitter.validate_type("Pattern");
        let name = ident(&pattern_static.static_name);
        let pattern = &pattern_static.pattern;
        let docs = doc::outer(&[format!("{}.", doc::code(&doc::escape_controls(source)))]);
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
    let option = cx.std("option::Option");
    let (some, none) = cx.some_none();
    let lookup = |which: &dyn Fn(&crate::ir::Operation) -> &Option<String>| {
        let arms = service.operations.iter().map(|op| {
            let name = &op.name;
            match which(op) {
                Some(id) => {
                    let schema = ident(&plan.shapes[id]);
                    quote! { #name => #some(&#schema) }
                }
                None => {
                    let unit = emitter.validate_type("UNIT");
                    quote! { #name => #some(&#unit) }
                }
            }
        });
        quote! { match operation { #(#arms,)* _ => #none } }
    };
    let (inputs, outputs) = (lookup(&|op| &op.input), lookup(&|op| &op.output));
    let names = service.operations.iter().map(|op| &op.name);
    // Only services with event streams say where they are.
    let streams = service.operations.iter().any(|op| !op.event_streams.is_empty()).then(|| {
        let union = emitter.validate_type("Union");
        let lookup = |input: bool| {
            let arms: Vec<TokenStream> = service
                .operations
                .iter()
                .filter_map(|op| {
                    let stream = op.event_streams.iter().find(|stream| stream.input == input)?;
                    let (name, schema) = (&op.name, ident(plan.shapes.get(&stream.union)?));
                    Some(quote! { #name => #some(&#schema), })
                })
                .collect();
            if arms.is_empty() {
                return quote! { let _ = operation; #none };
            }
            quote! { match operation { #(#arms)* _ => #none } }
        };
        let (inputs, outputs) = (lookup(true), lookup(false));
        quote! {
            /// The constraints of the events of an operation's input
            /// stream, by operation name: its union's.
            pub fn input_events(operation: &str) -> #option<&'static #union> {
                #inputs
            }

            /// The constraints of the events of an operation's output
            /// stream, by operation name: its union's.
            pub fn output_events(operation: &str) -> #option<&'static #union> {
                #outputs
            }
        }
    });
    items.push(quote! {
        /// The service's operations by name, in name order: the names the
        /// lookups below take.
        pub fn operation_names() -> &'static [&'static str] {
            &[#(#names),*]
        }

        /// The constraints of an operation's input, by operation name.
        pub fn input_schema(operation: &str) -> #option<&'static #structure> {
            #inputs
        }

        /// The constraints of an operation's output, by operation name.
        pub fn output_schema(operation: &str) -> #option<&'static #structure> {
            #outputs
        }

        #streams
    });
    let docs = doc::inner(&[
        "The constraints of every operation input and output, as tables for [`crate::runtime::validate`].".to_string(),
    ]);
    let uses = cx.uses();
    quote! { #docs #uses #(#items)* }
}

/// Builds the table entries of `validation.rs`.
struct Emitter<'a> {
    cx: &'a FileCx<'a>,
}

impl Emitter<'_> {
    fn validate_type(&self, name: &str) -> TokenStream {
        self.cx.runtime(&format!("validate::{name}"))
    }

    /// An enum's table with the `@length` and `@pattern` in force.
    fn enum_table(&self, id: &str, constraints: &crate::ir::Constraints) -> TokenStream {
        let shape = &self.cx.service.shapes[id];
        let ShapeKind::Enum(values) = &shape.kind else { unreachable!("an enum") };
        let ty = self.validate_type("Enum");
        let wire = &shape.name;
        let all = values.iter().map(|v| &v.value);
        let listed = listed(values.iter().filter(|v| !v.internal).map(|v| v.value.as_str()));
        let length = self.length(&constraints.length);
        let pattern = self.pattern(&constraints.pattern);
        quote! { #ty { name: #wire, values: &[#(#all),*], listed: #listed, length: #length, pattern: #pattern } }
    }

    fn pattern(&self, pattern: &Option<Pattern>) -> TokenStream {
        let (some, none) = self.cx.some_none();
        match pattern {
            Some(p) => {
                let name = ident(&self.cx.service.validation.patterns[&p.source].static_name);
                quote! { #some(&#name) }
            }
            None => quote! { #none },
        }
    }

    /// A member's entry: `required` is false for union members, which are
    /// never required (one is set).
    fn member(&self, m: &Member, required: bool) -> TokenStream {
        let member = self.validate_type("Member");
        // A flattened list or map has a table of its own that says so.
        let schema = match &m.ty.ty {
            Type::List(_) | Type::Map(..) if m.xml.as_ref().is_some_and(|xml| xml.flattened) => {
                let table = self.collection_table(&m.ty, true);
                let variant = ident(if matches!(m.ty.ty, Type::List(_)) { "List" } else { "Map" });
                let schema = self.validate_type("Schema");
                quote! { #schema::#variant(&#table) }
            }
            _ => self.schema(&m.ty),
        };
        let name = &m.name;
        let (some, none) = self.cx.some_none();
        // Only where the key differs from the name.
        let json_name = match m.json_name.as_deref().filter(|key| *key != m.name) {
            Some(key) => quote! { #some(#key) },
            None => quote! { #none },
        };
        quote! { #member { name: #name, json_name: #json_name, required: #required, schema: #schema } }
    }

    fn schema(&self, t: &TypeRef) -> TokenStream {
        let schema = self.validate_type("Schema");
        let c = &t.constraints;
        match &t.ty {
            Type::EventStream(_) | Type::ByteStream => unreachable!("streams are not validated"),
            Type::String => {
                let rules = self.validate_type("StringRules");
                let length = self.length(&c.length);
                let pattern = self.pattern(&c.pattern);
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
            Type::BigInteger | Type::BigDecimal => {
                let rules = self.validate_type("BigRules");
                let range = self.range(&c.range);
                let variant = ident(if t.ty == Type::BigInteger { "BigInteger" } else { "BigDecimal" });
                quote! { #schema::#variant(#rules { range: #range }) }
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
            // An enum place with constraints of its own gets its own table.
            Type::Named(id)
                if !t.target_constraints && matches!(self.cx.service.shapes[id].kind, ShapeKind::Enum(_)) =>
            {
                let table = self.enum_table(id, c);
                quote! { #schema::Enum(&#table) }
            }
            Type::Named(id) => {
                let name = ident(&self.cx.service.validation.shapes[id]);
                let variant = ident(match self.cx.service.shapes[id].kind {
                    ShapeKind::Structure(_) => "Structure",
                    ShapeKind::Union(_) => "Union",
                    ShapeKind::Enum(_) => "Enum",
                });
                quote! { #schema::#variant(&#name) }
            }
            Type::List(_) | Type::Map(..)
                if self.cx.service.validation.collections.contains_key(&t.target) && t.target_constraints =>
            {
                let name = ident(&self.cx.service.validation.collections[&t.target].static_name);
                let variant = ident(if matches!(t.ty, Type::List(_)) { "List" } else { "Map" });
                quote! { #schema::#variant(&#name) }
            }
            Type::List(_) | Type::Map(..) => {
                let table = self.collection_table(t, false);
                let variant = ident(if matches!(t.ty, Type::List(_)) { "List" } else { "Map" });
                quote! { #schema::#variant(&#table) }
            }
        }
    }

    /// The static of a list or map shape.
    fn collection_static(&self, id: &str, collection: &crate::ir::Collection) -> TokenStream {
        let name = ident(&collection.static_name);
        let docs = doc::outer(&[format!("The constraints of {}.", doc::code(crate::model::shape_id::name(id)))]);
        let ty = self.validate_type(if matches!(collection.ty.ty, Type::List(_)) { "List" } else { "Map" });
        let table = self.collection_table(&collection.ty, false);
        quote! { #docs pub static #name: #ty = #table; }
    }

    /// A list or map table with the constraints in force at `t`, held by
    /// an `@xmlFlattened` member if `flattened`.
    fn collection_table(&self, t: &TypeRef, flattened: bool) -> TokenStream {
        let c = &t.constraints;
        let length = self.length(&c.length);
        let sparse = t.sparse;
        match &t.ty {
            Type::List(member) => {
                let list = self.validate_type("List");
                let member = self.schema(member);
                let unique = c.unique_items;
                quote! { #list { member: #member, length: #length, unique: #unique, sparse: #sparse, flattened: #flattened } }
            }
            Type::Map(key, value) => {
                let map = self.validate_type("Map");
                // Keys of a sensitive map are as secret as keys of a sensitive type.
                let sensitive_keys = t.sensitive || key.sensitive;
                // Renamed keys and values (XML protocols' `@xmlName`), as
                // query requests name them.
                let (some, none) = self.cx.some_none();
                let name = |item: &TypeRef, default: &str| match &item.xml {
                    Some(xml) if xml.name != default => {
                        let name = &xml.name;
                        quote! { #some(#name) }
                    }
                    _ => none.clone(),
                };
                let (key_name, value_name) = (name(key, "key"), name(value, "value"));
                let (key, value) = (self.schema(key), self.schema(value));
                quote! {
                    #map {
                        key: #key,
                        value: #value,
                        length: #length,
                        sparse: #sparse,
                        sensitive_keys: #sensitive_keys,
                        key_name: #key_name,
                        value_name: #value_name,
                        flattened: #flattened,
                    }
                }
            }
            _ => unreachable!("a list or map"),
        }
    }

    fn length(&self, length: &Option<Bounds>) -> TokenStream {
        let (some, none) = self.cx.some_none();
        let Some(bounds) = length else { return quote! { #none } };
        let ty = self.validate_type("Length");
        let bound = |n: &Option<Number>| n.as_ref().and_then(Number::as_u64).map(Literal::u64_unsuffixed);
        match (bound(&bounds.min), bound(&bounds.max)) {
            (Some(min), Some(max)) => quote! { #some(#ty::between(#min, #max)) },
            (Some(min), None) => quote! { #some(#ty::at_least(#min)) },
            (None, Some(max)) => quote! { #some(#ty::at_most(#max)) },
            (None, None) => quote! { #some(#ty { min: #none, max: #none }) },
        }
    }

    fn range(&self, range: &Option<Bounds>) -> TokenStream {
        let (some, none) = self.cx.some_none();
        let Some(bounds) = range else { return quote! { #none } };
        let (ty, bound_ty) = (self.validate_type("Range"), self.validate_type("Bound"));
        let bound = |n: &Option<Number>| match n {
            Some(n) => {
                let value = Literal::f64_unsuffixed(n.as_f64().expect("a JSON number"));
                let text = n.to_string();
                quote! { #some(#bound_ty { value: #value, text: #text }) }
            }
            None => quote! { #none },
        };
        let (min, max) = (bound(&bounds.min), bound(&bounds.max));
        quote! { #some(#ty { min: #min, max: #max }) }
    }

    fn values(&self, c: &crate::ir::Constraints) -> TokenStream {
        let (some, none) = self.cx.some_none();
        let Some(values) = &c.values else { return quote! { #none } };
        let ty = self.validate_type("AllowedValues");
        let all = values.iter().map(|v| &v.value);
        let listed = listed(values.iter().filter(|v| v.listed).map(|v| v.value.as_str()));
        quote! { #some(&#ty { values: &[#(#all),*], listed: #listed }) }
    }
}

/// `[a, b, c]`, as validation messages list enum values.
fn listed<'a>(values: impl Iterator<Item = &'a str>) -> String {
    format!("[{}]", values.collect::<Vec<_>>().join(", "))
}
