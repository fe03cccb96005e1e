//! Rust types for IR types, and the `use` lines a file needs for them.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use crate::ir::{Placement, Service, TimestampFormat, Type, TypeRef};

/// An identifier token; `r#type` becomes a raw identifier.
pub fn ident(name: &str) -> Ident {
    match name.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => Ident::new(name, Span::call_site()),
    }
}

/// Emission context of one file: where it is, and what it must import.
pub struct FileCx<'a> {
    pub service: &'a Service,
    /// Where the file's own shapes are placed; `None` for a module that
    /// holds no shapes, which imports every one it names.
    here: Option<Placement>,
    /// Module path -> names imported from it.
    imports: RefCell<BTreeMap<String, BTreeSet<String>>>,
}

impl<'a> FileCx<'a> {
    pub fn new(service: &'a Service, here: Placement) -> Self {
        FileCx { service, here: Some(here), imports: RefCell::new(BTreeMap::new()) }
    }

    /// A context for a module that holds no shapes (`service.rs`, `validation.rs`).
    pub fn without_shapes(service: &'a Service) -> Self {
        FileCx { service, here: None, imports: RefCell::new(BTreeMap::new()) }
    }

    /// Records that the file uses `name` from `path`.
    pub fn import(&self, path: &str, name: &str) {
        self.imports.borrow_mut().entry(path.to_string()).or_default().insert(name.to_string());
    }

    /// The module path of a placement, from the crate root.
    pub fn module_path(&self, placement: &Placement) -> String {
        let service = &self.service.module;
        match placement {
            Placement::Types => format!("crate::{service}::types"),
            Placement::Errors => format!("crate::{service}::error"),
            Placement::Operation(name) => {
                let op = self.service.operations.iter().find(|op| op.name == *name).expect("placed in an operation");
                format!("crate::{service}::operation::{}", op.module)
            }
        }
    }

    /// The Rust type of a named shape, imported when it lives elsewhere.
    pub fn named(&self, id: &str) -> TokenStream {
        let shape = &self.service.shapes[id];
        if self.here.as_ref() != Some(&shape.placement) {
            self.import(&self.module_path(&shape.placement), &shape.rust_name);
        }
        let name = ident(&shape.rust_name);
        quote! { #name }
    }

    /// The Rust type of a value.
    pub fn ty(&self, t: &TypeRef) -> TokenStream {
        match &t.ty {
            Type::Unresolved => unreachable!("the resolve pass ran"),
            Type::String => quote! { String },
            Type::Boolean => quote! { bool },
            Type::Byte => quote! { i8 },
            Type::Short => quote! { i16 },
            Type::Integer => quote! { i32 },
            Type::Long => quote! { i64 },
            Type::Float => quote! { f32 },
            Type::Double => quote! { f64 },
            Type::Timestamp(TimestampFormat::EpochSeconds) => self.runtime("Timestamp"),
            Type::Timestamp(TimestampFormat::DateTime) => self.runtime("DateTime"),
            Type::Timestamp(TimestampFormat::HttpDate) => self.runtime("HttpDate"),
            Type::Blob => self.runtime("Blob"),
            Type::Document => self.runtime("Document"),
            Type::Unit => self.runtime("Unit"),
            Type::Named(id) => self.named(id),
            Type::List(member) => {
                let mut member = self.ty(member);
                if t.sparse {
                    member = quote! { Option<#member> };
                }
                quote! { Vec<#member> }
            }
            Type::Map(key, value) => {
                self.import("std::collections", "BTreeMap");
                let (key, mut value) = (self.ty(key), self.ty(value));
                if t.sparse {
                    value = quote! { Option<#value> };
                }
                quote! { BTreeMap<#key, #value> }
            }
        }
    }

    /// `name` from `path`, imported.
    pub fn import_and_name(&self, path: &str, name: &str) -> TokenStream {
        self.import(path, name);
        let name = ident(name);
        quote! { #name }
    }

    /// A runtime type, imported.
    pub fn runtime(&self, name: &str) -> TokenStream {
        self.import_and_name("crate::runtime", name)
    }

    /// The `use` lines for everything recorded so far.
    pub fn uses(&self) -> TokenStream {
        let imports = self.imports.borrow();
        // Sorted as rustfmt sorts them: by the whole line.
        let mut lines: Vec<String> = imports
            .iter()
            .map(|(path, names)| match names.len() {
                1 => format!("use {path}::{};", names.first().unwrap()),
                _ => format!("use {path}::{{{}}};", names.iter().cloned().collect::<Vec<_>>().join(", ")),
            })
            .collect();
        lines.sort();
        lines.concat().parse().expect("use lines are valid Rust")
    }
}
