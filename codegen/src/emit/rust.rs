//! Rust types for IR types, and the `use` lines a file needs for them.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use super::model::FULL_SERDE;
use crate::ir::{Placement, Service, TimestampFormat, Type, TypeRef};

/// std items in the prelude (edition 2024): named without an import.
const PRELUDE: &[&str] = &[
    "std::option::Option",
    "std::option::Option::Some",
    "std::option::Option::None",
    "std::result::Result",
    "std::result::Result::Ok",
    "std::result::Result::Err",
    "std::string::String",
    "std::vec::Vec",
    "std::boxed::Box",
    "std::default::Default",
    "std::marker::Send",
    "std::marker::Sync",
    "std::future::Future",
    "std::convert::From",
];

/// An identifier token; `r#type` becomes a raw identifier.
pub fn ident(name: &str) -> Ident {
    match name.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => Ident::new(name, Span::call_site()),
    }
}

/// Emission context of one file: where it is, what it must import, and
/// which names model items take in its scope.
pub struct FileCx<'a> {
    pub service: &'a Service,
    /// Where the file's own shapes are placed; `None` for a module that
    /// holds no shapes, which imports every one it names.
    here: Option<Placement>,
    /// Names model items take in the file's scope (assigned by the name
    /// pass): a std or runtime item with one of these names is written by
    /// its full path. Every file may import the statics of `validation.rs`,
    /// so their names count too.
    scope: &'a BTreeSet<String>,
    statics: &'a BTreeSet<String>,
    imports: RefCell<Imports>,
}

/// What a file imports: module path -> names.
#[derive(Default)]
struct Imports {
    always: BTreeMap<String, BTreeSet<String>>,
    /// Names only code under the `full-serde` feature uses: imported under
    /// it too, or they would be unused without it.
    full_serde: BTreeMap<String, BTreeSet<String>>,
    /// Code being emitted is under the feature.
    under_full_serde: bool,
}

impl<'a> FileCx<'a> {
    pub fn new(service: &'a Service, here: Placement) -> Self {
        FileCx {
            service,
            here: Some(here),
            scope: &service.type_scope,
            statics: &service.validation.scope,
            imports: RefCell::default(),
        }
    }

    /// A context for a module that holds no shapes (`service.rs`).
    pub fn without_shapes(service: &'a Service) -> Self {
        FileCx {
            service,
            here: None,
            scope: &service.type_scope,
            statics: &service.validation.scope,
            imports: RefCell::default(),
        }
    }

    /// A context for `validation.rs`, whose scope holds its statics.
    pub fn validation(service: &'a Service) -> Self {
        FileCx {
            service,
            here: None,
            scope: &service.validation.scope,
            statics: &service.validation.scope,
            imports: RefCell::default(),
        }
    }

    /// Records that the file uses `name` from `path`.
    pub fn import(&self, path: &str, name: &str) {
        let mut imports = self.imports.borrow_mut();
        let map = if imports.under_full_serde { &mut imports.full_serde } else { &mut imports.always };
        map.entry(path.to_string()).or_default().insert(name.to_string());
    }

    /// `emit`'s result, for code under `#[cfg(feature = "full-serde")]`:
    /// what only it imports is imported under the feature too.
    pub fn under_full_serde<T>(&self, emit: impl FnOnce() -> T) -> T {
        self.imports.borrow_mut().under_full_serde = true;
        let emitted = emit();
        self.imports.borrow_mut().under_full_serde = false;
        emitted
    }

    /// An item of std, serde or the runtime, by its path (`std::fmt::Display`,
    /// `crate::runtime::Timestamp`): its short name (imported unless it is in
    /// the prelude), or its full path where a model item takes that name.
    pub fn item(&self, path: &str) -> TokenStream {
        self.item_path(path).parse().expect("a path")
    }

    /// [`Self::item`] as text, for paths inside attributes
    /// (`skip_serializing_if = "Option::is_none"`).
    pub fn item_path(&self, path: &str) -> String {
        let (module, name) = path.rsplit_once("::").expect("a path with a module");
        // A name a model item takes, or one already imported from another
        // module (a service of several protocols uses each protocol's
        // `Dispatch`), is written by its full path.
        if self.scope.contains(name) || self.statics.contains(name) || self.imported_elsewhere(module, name) {
            return if path.starts_with("crate::") { path.to_string() } else { format!("::{path}") };
        }
        if !PRELUDE.contains(&path) {
            self.import(module, name);
        }
        name.to_string()
    }

    /// Whether `name` is imported from a module other than `module`.
    fn imported_elsewhere(&self, module: &str, name: &str) -> bool {
        let imports = self.imports.borrow();
        let elsewhere = |map: &BTreeMap<String, BTreeSet<String>>| {
            map.iter().any(|(path, names)| path != module && names.contains(name))
        };
        elsewhere(&imports.always) || elsewhere(&imports.full_serde)
    }

    /// A std item (`cx.std("option::Option")`).
    pub fn std(&self, path: &str) -> TokenStream {
        self.item(&format!("std::{path}"))
    }

    /// A runtime item (`cx.runtime("Timestamp")`, `cx.runtime("validate::Schema")`).
    pub fn runtime(&self, path: &str) -> TokenStream {
        self.item(&format!("crate::runtime::{path}"))
    }

    /// `Some` and `None`.
    pub fn some_none(&self) -> (TokenStream, TokenStream) {
        (self.std("option::Option::Some"), self.std("option::Option::None"))
    }

    /// `Option<inner>`.
    pub fn option(&self, inner: TokenStream) -> TokenStream {
        let option = self.std("option::Option");
        quote! { #option<#inner> }
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

    /// The Rust type of a value: a collection written as an alias by its
    /// alias's name.
    pub fn ty(&self, t: &TypeRef) -> TokenStream {
        if let (Type::List(_) | Type::Map(..), Some(alias)) = (&t.ty, self.service.aliases.get(&t.target)) {
            if self.here.as_ref() != Some(&Placement::Types) {
                self.import(&self.module_path(&Placement::Types), &alias.rust_name);
            }
            let name = ident(&alias.rust_name);
            return quote! { #name };
        }
        self.inline_ty(t)
    }

    /// The Rust type of a value, spelt out (an alias's definition).
    pub fn inline_ty(&self, t: &TypeRef) -> TokenStream {
        match &t.ty {
            Type::String => self.std("string::String"),
            Type::Boolean => quote! { bool },
            Type::Byte => quote! { i8 },
            Type::Short => quote! { i16 },
            Type::Integer => quote! { i32 },
            Type::Long => quote! { i64 },
            Type::Float => quote! { f32 },
            Type::Double => quote! { f64 },
            Type::BigInteger => self.runtime("BigInteger"),
            Type::BigDecimal => self.runtime("BigDecimal"),
            Type::Timestamp(TimestampFormat::EpochSeconds) => self.runtime("Timestamp"),
            Type::Timestamp(TimestampFormat::DateTime) => self.runtime("DateTime"),
            Type::Timestamp(TimestampFormat::HttpDate) => self.runtime("HttpDate"),
            Type::Blob => self.runtime("Blob"),
            Type::ByteStream => self.runtime("ByteStream"),
            Type::Document => self.runtime("Document"),
            Type::Unit => self.runtime("Unit"),
            Type::Named(id) => self.named(id),
            Type::EventStream(id) => {
                let stream = self.runtime("EventStream");
                let events = self.named(id);
                quote! { #stream<#events> }
            }
            Type::List(member) => {
                let mut member = self.ty(member);
                if t.sparse {
                    member = self.option(member);
                }
                let vec = self.std("vec::Vec");
                quote! { #vec<#member> }
            }
            Type::Map(key, value) => {
                let map = self.std("collections::BTreeMap");
                let (key, mut value) = (self.ty(key), self.ty(value));
                if t.sparse {
                    value = self.option(value);
                }
                quote! { #map<#key, #value> }
            }
        }
    }

    /// The `use` lines for everything recorded so far: those only code
    /// under `full-serde` needs under the feature, after the others.
    pub fn uses(&self) -> TokenStream {
        let imports = self.imports.borrow();
        let line = |path: &str, names: Vec<&String>| match names.as_slice() {
            [name] => format!("use {path}::{name};"),
            _ => format!("use {path}::{{{}}};", names.iter().map(|name| name.as_str()).collect::<Vec<_>>().join(", ")),
        };
        // Sorted as rustfmt sorts them: by the whole line.
        let mut lines: Vec<String> =
            imports.always.iter().map(|(path, names)| line(path, names.iter().collect())).collect();
        lines.sort();
        let mut gated: Vec<String> = imports
            .full_serde
            .iter()
            .filter_map(|(path, names)| {
                let always = imports.always.get(path);
                let only: Vec<&String> =
                    names.iter().filter(|name| always.is_none_or(|a| !a.contains(*name))).collect();
                (!only.is_empty()).then(|| format!("#[cfg(feature = \"{FULL_SERDE}\")] {}", line(path, only)))
            })
            .collect();
        gated.sort();
        lines.extend(gated);
        lines.concat().parse().expect("use lines are valid Rust")
    }
}
