//! Checks a loaded model before anything is lowered or emitted.
//!
//! Every problem found is reported, each with its file and shape id, what is
//! wrong and how to fix it. Lowering may then assume a well-formed model.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde_json::Value;

use crate::ast;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::ir::Protocol;
use crate::kind::{Kind, UNIT, prelude_shape};
use crate::load::LoadedModel;
use crate::pattern::{Pattern, PatternError, Patterns};
use crate::shape_id;
use crate::traits::{self, Rule};

/// Runs every check: errors and warnings, and every pattern that parsed
/// (each source parsed once, for lowering to use).
pub fn check(model: &LoadedModel) -> (Diagnostics, Patterns) {
    let mut checker =
        Checker { model, out: Diagnostics::default(), trait_shapes: BTreeSet::new(), patterns: BTreeMap::new() };
    checker.trait_shapes = model
        .shapes
        .iter()
        .filter(|(_, s)| s.shape.traits.contains_key("smithy.api#trait"))
        .map(|(id, _)| id.clone())
        .collect();
    checker.check_services();
    for (id, loaded) in &model.shapes {
        checker.check_shape(id, &loaded.file, &loaded.shape);
    }
    checker.check_streams();
    checker.out.extend(crate::trait_definitions::check(model));
    checker.out.extend(crate::http_bindings::check(model));
    checker.out.sort();
    let patterns = checker.patterns.into_iter().filter_map(|(source, parsed)| Some((source, parsed.ok()?))).collect();
    (checker.out, patterns)
}

struct Checker<'a> {
    model: &'a LoadedModel,
    out: Diagnostics,
    /// Shapes marked `@trait`: custom traits the model defines for itself.
    trait_shapes: BTreeSet<String>,
    /// Each pattern source met so far, parsed (many members share one).
    patterns: BTreeMap<String, Result<Pattern, PatternError>>,
}

/// Where a finding is: the file and the shape (or member) id.
#[derive(Clone, Copy)]
struct Site<'a> {
    file: &'a Path,
    id: &'a str,
    member: Option<&'a str>,
}

impl Site<'_> {
    /// The shape id, with `$member` when the site is a member.
    fn shape(&self) -> String {
        match self.member {
            Some(member) => format!("{}${}", self.id, member),
            None => self.id.to_string(),
        }
    }

    fn error(&self, message: impl Into<String>, help: impl Into<String>) -> Diagnostic {
        Diagnostic::error(message).in_file(self.file).at_shape(self.shape()).help(help)
    }
}

impl<'a> Checker<'a> {
    /// The kind of the shape `id` names, from the model or the prelude.
    fn kind_of(&self, id: &str) -> Option<Kind> {
        match self.model.shapes.get(id) {
            Some(loaded) => Kind::parse(&loaded.shape.kind),
            None => prelude_shape(id).map(|(kind, _)| kind),
        }
    }

    /// A model needs a service; several are generated each into a module
    /// of its own.
    fn check_services(&mut self) {
        if !self.model.shapes.values().any(|s| s.shape.kind == "service") {
            self.out.push(
                Diagnostic::error("the spec defines no service shape")
                    .in_file(&self.model.dir)
                    .help("add the service shape (type \"service\") that lists the operations to generate"),
            );
        }
    }

    fn check_shape(&mut self, id: &str, file: &Path, shape: &ast::Shape) {
        let site = Site { file, id, member: None };
        if let Err(why) = shape_id::check(id) {
            self.out
                .push(site.error(format!("invalid shape id: {why}"), "shape ids look like `com.example#ShapeName`"));
            return;
        }
        let Some(kind) = Kind::parse(&shape.kind) else {
            self.out.push(site.error(
                format!("unknown shape type \"{}\"", shape.kind),
                "use a Smithy 2.0 shape type: structure, union, enum, list, map, string, integer, ...",
            ));
            return;
        };
        if self.trait_shapes.contains(id) {
            // A trait definition is never generated; only its use is checked.
            return;
        }
        if matches!(kind, Kind::Set) {
            self.out.push(site.error("`set` is a Smithy 1.0 type", "use a list with @uniqueItems"));
        }
        if !shape.mixins.is_empty() {
            self.out.push(site.error(
                "mixins are not supported",
                "flatten the mixins into the shape (Smithy's build does this when it writes the JSON AST)",
            ));
        }
        self.check_fields(site, kind, shape);
        self.check_traits(site, kind, None, &shape.traits);

        for (name, member) in members_of(shape) {
            let member_site = Site { member: Some(name), ..site };
            if let Err(why) = shape_id::check_member_name(name) {
                self.out.push(member_site.error(format!("invalid member name: {why}"), "member names are identifiers"));
            }
            self.check_member(member_site, kind, member);
        }
        match kind {
            Kind::Enum | Kind::IntEnum => self.check_enum(site, shape),
            Kind::Map => {
                if let Some(key) = &shape.key {
                    let key_kind = self.kind_of(&key.target);
                    if key_kind.is_some() && !matches!(key_kind, Some(Kind::String | Kind::Enum)) {
                        self.out.push(
                            Site { member: Some("key"), ..site }
                                .error("map keys must be strings", "target a string or enum shape from the map's key"),
                        );
                    }
                }
            }
            Kind::Operation => self.check_operation(site, shape),
            Kind::Service => {
                self.check_errors(site, &shape.errors);
                self.check_bindings(site, shape);
            }
            Kind::Resource => {
                self.check_bindings(site, shape);
                let named = shape.identifiers.iter().flatten().chain(shape.properties.iter().flatten());
                for (name, target) in named {
                    self.check_target(
                        Site { member: Some(name), ..site },
                        &target.target,
                        "a data shape",
                        Kind::is_data,
                    );
                }
            }
            Kind::Union if shape.members.as_ref().is_none_or(|m| m.is_empty()) => {
                self.out.push(site.error("a union needs at least one member", "add the union's members"));
            }
            _ => {}
        }
    }

    /// Each shape type takes certain fields: `member` for lists, `key` and
    /// `value` for maps, and so on.
    fn check_fields(&mut self, site: Site<'_>, kind: Kind, shape: &ast::Shape) {
        let has =
            |present: bool, field: &str, wanted: bool, out: &mut Diagnostics| {
                if present && !wanted {
                    out.push(site.error(
                        format!("{} shape has no `{field}` field", kind.with_article()),
                        format!("remove `{field}`"),
                    ));
                } else if !present && wanted {
                    out.push(site.error(
                        format!("{} shape needs a `{field}` field", kind.with_article()),
                        format!("add `{field}`"),
                    ));
                }
            };
        let with_members = matches!(kind, Kind::Structure | Kind::Union | Kind::Enum | Kind::IntEnum);
        if shape.members.is_some() && !with_members {
            has(true, "members", false, &mut self.out);
        }
        if matches!(kind, Kind::Enum | Kind::IntEnum) && shape.members.as_ref().is_none_or(|m| m.is_empty()) {
            has(false, "members", true, &mut self.out);
        }
        has(shape.member.is_some(), "member", matches!(kind, Kind::List | Kind::Set), &mut self.out);
        has(shape.key.is_some(), "key", kind == Kind::Map, &mut self.out);
        has(shape.value.is_some(), "value", kind == Kind::Map, &mut self.out);
        if kind != Kind::Operation {
            has(shape.input.is_some(), "input", false, &mut self.out);
            has(shape.output.is_some(), "output", false, &mut self.out);
            // Services may list errors common to all their operations.
            if kind != Kind::Service {
                has(!shape.errors.is_empty(), "errors", false, &mut self.out);
            }
        }
        if !matches!(kind, Kind::Service | Kind::Resource) {
            has(!shape.operations.is_empty(), "operations", false, &mut self.out);
            has(!shape.resources.is_empty(), "resources", false, &mut self.out);
        }
        if kind != Kind::Service {
            has(shape.version.is_some(), "version", false, &mut self.out);
            has(shape.rename.is_some(), "rename", false, &mut self.out);
        }
        if kind != Kind::Resource {
            let lifecycle = [
                ("identifiers", shape.identifiers.is_some()),
                ("properties", shape.properties.is_some()),
                ("create", shape.create.is_some()),
                ("put", shape.put.is_some()),
                ("read", shape.read.is_some()),
                ("update", shape.update.is_some()),
                ("delete", shape.delete.is_some()),
                ("list", shape.list.is_some()),
                ("collectionOperations", !shape.collection_operations.is_empty()),
            ];
            for (field, present) in lifecycle {
                has(present, field, false, &mut self.out);
            }
        }
    }

    /// The operations and resources a service or resource binds: each
    /// target exists and is of the right kind.
    fn check_bindings(&mut self, site: Site<'_>, shape: &ast::Shape) {
        let lifecycle = shape.lifecycle();
        for (field, target) in lifecycle {
            if let Some(target) = target {
                self.check_target(Site { member: Some(field), ..site }, &target.target, "an operation", |k| {
                    k == Kind::Operation
                });
            }
        }
        for (field, targets) in
            [("operations", &shape.operations), ("collectionOperations", &shape.collection_operations)]
        {
            for target in targets {
                self.check_target(Site { member: Some(field), ..site }, &target.target, "an operation", |k| {
                    k == Kind::Operation
                });
            }
        }
        for target in &shape.resources {
            self.check_target(Site { member: Some("resources"), ..site }, &target.target, "a resource", |k| {
                k == Kind::Resource
            });
        }
    }

    fn check_member(&mut self, site: Site<'_>, container: Kind, member: &ast::Member) {
        let target_kind = if matches!(container, Kind::Enum | Kind::IntEnum) {
            if member.target != UNIT {
                self.out.push(site.error(
                    format!("enum members must target {UNIT}, not {}", member.target),
                    format!("set the member's target to {UNIT} and its value with @enumValue"),
                ));
            }
            Some(container)
        } else {
            self.check_target(site, &member.target, "a data shape", Kind::is_data)
        };
        if let Some(target_kind) = target_kind {
            self.check_traits(site, target_kind, Some(container), &member.traits);
        }
    }

    /// Checks that `target` exists and is of an allowed kind; returns its kind.
    fn check_target(
        &mut self,
        site: Site<'_>,
        target: &str,
        wanted: &str,
        allowed: impl Fn(Kind) -> bool,
    ) -> Option<Kind> {
        let Some(kind) = self.kind_of(target) else {
            let suggestion = self.closest_shape(target).map(|s| format!(" (did you mean {s}?)")).unwrap_or_default();
            self.out.push(site.error(
                format!("targets {target}, which does not exist{suggestion}"),
                "define the target shape in a spec file of this directory, or fix the shape id",
            ));
            return None;
        };
        if !allowed(kind) {
            self.out.push(site.error(
                format!("targets {target}, {} shape; it must be {wanted}", kind.with_article()),
                "target a shape of the right type",
            ));
            return None;
        }
        Some(kind)
    }

    /// Whether a service of the model speaks one of `protocols`.
    fn speaks(&self, protocols: &[Protocol]) -> bool {
        self.model.shapes.values().any(|s| {
            s.shape.kind == "service" && crate::lower::protocol(&s.shape.traits).is_some_and(|p| protocols.contains(&p))
        })
    }

    /// A defined shape whose name differs from `target` only in case or
    /// namespace, to help with typos.
    fn closest_shape(&self, target: &str) -> Option<&str> {
        let name = target.rsplit('#').next()?.to_ascii_lowercase();
        self.model
            .shapes
            .keys()
            .find(|id| id.rsplit('#').next().is_some_and(|n| n.to_ascii_lowercase() == name))
            .map(String::as_str)
    }

    fn check_operation(&mut self, site: Site<'_>, shape: &ast::Shape) {
        for (field, target) in [("input", &shape.input), ("output", &shape.output)] {
            if let Some(target) = target {
                let found =
                    self.check_target(Site { member: Some(field), ..site }, &target.target, "a structure", |k| {
                        k == Kind::Structure
                    });
                if found.is_some() {
                    self.note_unserved(site, field, &target.target);
                }
            }
        }
        self.check_errors(site, &shape.errors);
    }

    /// Smithy's rules for streams (`@streaming` blobs and unions), on which
    /// the generated types rely: a stream is the whole body of a message, so
    /// a shape holding one may be only an operation's input or output, not
    /// a member's target or an error (a structure holding a byte stream
    /// cannot be cloned or compared, nor can anything around it); and a
    /// member targeting a byte stream is `@required` or has a `@default`.
    fn check_streams(&mut self) {
        let model = self.model;
        // Each shape that holds a stream, with the member that does.
        let mut holders: BTreeMap<&str, &str> = BTreeMap::new();
        for (id, loaded) in &model.shapes {
            if self.trait_shapes.contains(id) {
                continue;
            }
            for (name, member) in members_of(&loaded.shape) {
                let Some(target) = model.shapes.get(&member.target) else { continue };
                if !target.shape.traits.contains_key("smithy.api#streaming") {
                    continue;
                }
                holders.entry(id).or_insert(name);
                let required_or_default = member.traits.contains_key("smithy.api#required")
                    || member.traits.contains_key("smithy.api#default")
                    || target.shape.traits.contains_key("smithy.api#default");
                if target.shape.kind == "blob" && !required_or_default {
                    self.out.push(Site { file: &loaded.file, id, member: Some(name) }.error(
                        format!(
                            "targets the @streaming blob {}, but is neither @required nor defaulted",
                            member.target
                        ),
                        "mark the member @required, or give it @default(\"\") (a stream that is absent is empty)",
                    ));
                }
            }
        }
        let holds = |target: &str| holders.get_key_value(target);
        for (id, loaded) in &model.shapes {
            let site = Site { file: &loaded.file, id, member: None };
            for (name, member) in members_of(&loaded.shape) {
                if let Some((holder, stream)) = holds(&member.target) {
                    self.out.push(Site { member: Some(name), ..site }.error(
                        format!(
                            "targets {holder}, which holds the stream `{stream}`: a stream is a message's whole body, \
                             so only an operation's input or output may hold one"
                        ),
                        "target a shape without the stream, or make the stream a member of the operation's input or \
                         output",
                    ));
                }
            }
            for error in &loaded.shape.errors {
                if let Some((holder, stream)) = holds(&error.target) {
                    self.out.push(Site { member: Some("errors"), ..site }.error(
                        format!(
                            "lists the error {holder}, which holds the stream `{stream}`: errors cannot hold streams"
                        ),
                        "remove the stream from the error structure",
                    ));
                }
            }
        }
    }

    /// One warning per operation with an event stream, or with a byte
    /// stream in a protocol that has no HTTP payload to carry it (awsJson):
    /// it is generated, but not served.
    fn note_unserved(&mut self, site: Site<'_>, field: &str, structure: &str) {
        let Some(loaded) = self.model.shapes.get(structure) else { return };
        for (name, member) in members_of(&loaded.shape) {
            let Some(target) = self.model.shapes.get(&member.target) else { continue };
            let streaming = target.shape.traits.contains_key("smithy.api#streaming");
            if streaming && target.shape.kind == "blob" && self.speaks(&[Protocol::AwsJson1_0, Protocol::AwsJson1_1]) {
                self.out.push(
                    Diagnostic::warning(format!(
                        "has a byte stream (its {field} member `{name}` targets the @streaming blob {}), which awsJson \
                         has no HTTP payload to carry: its types and service-trait method are generated, but routers \
                         answer it NotImplemented",
                        member.target
                    ))
                    .in_file(site.file)
                    .at_shape(site.id),
                );
            }
            if streaming && target.shape.kind == "union" {
                self.out.push(
                    Diagnostic::warning(format!(
                        "has an event stream (its {field} member `{name}` targets the @streaming union {}): its types \
                         and service-trait method are generated, but routers answer it NotImplemented, since serving \
                         event streams is not supported yet",
                        member.target
                    ))
                    .in_file(site.file)
                    .at_shape(site.id),
                );
            }
        }
    }

    /// An operation's or service's `errors`: structures marked `@error`.
    fn check_errors(&mut self, site: Site<'_>, errors: &[ast::Target]) {
        for error in errors {
            let error_site = Site { member: Some("errors"), ..site };
            if self.check_target(error_site, &error.target, "a structure", |k| k == Kind::Structure).is_some() {
                let is_error = self
                    .model
                    .shapes
                    .get(&error.target)
                    .is_some_and(|s| s.shape.traits.contains_key("smithy.api#error"));
                if !is_error {
                    self.out.push(error_site.error(
                        format!("lists {} as an error, but that structure has no @error trait", error.target),
                        "add @error(\"client\") or @error(\"server\") to the error structure",
                    ));
                }
            }
        }
    }

    fn check_enum(&mut self, site: Site<'_>, shape: &ast::Shape) {
        let mut seen: BTreeMap<String, &str> = BTreeMap::new();
        for (name, member) in members_of(shape) {
            let value = match member.traits.get("smithy.api#enumValue") {
                Some(Value::String(value)) => value.clone(),
                Some(Value::Number(n)) => n.to_string(),
                Some(_) => continue, // reported by check_trait_value
                None if shape.kind == "intEnum" => {
                    self.out.push(
                        Site { member: Some(name), ..site }
                            .error("intEnum members need an @enumValue", "give the member an integer @enumValue"),
                    );
                    continue;
                }
                None => name.to_string(),
            };
            if value.is_empty() {
                self.out.push(
                    Site { member: Some(name), ..site }
                        .error("enum values may not be empty", "give the member a non-empty @enumValue"),
                );
            }
            if let Some(first) = seen.insert(value.clone(), name) {
                self.out.push(Site { member: Some(name), ..site }.error(
                    format!("enum value \"{value}\" is already used by member {first}"),
                    "give every enum member a distinct value",
                ));
            }
        }
    }

    fn check_traits(&mut self, site: Site<'_>, kind: Kind, member_of: Option<Kind>, traits: &ast::Traits) {
        // 1.0's boxing has no place in 2.0, where nullability is `@default`'s.
        let version_2 = self.model.shapes.get(site.id).is_some_and(|s| !s.version_1);
        if version_2 && traits.contains_key("smithy.api#box") {
            self.out.push(site.error(
                "@box is not supported in Smithy IDL 2.0",
                "remove @box: a member without a default is nullable, and `= null` makes one with a default nullable",
            ));
        }
        for (trait_id, value) in traits {
            match traits::rule(trait_id) {
                // Where it may go is its definition's selector's to say
                // (`trait_definitions`); what remains is what the generator
                // needs of its value.
                Some(Rule::Supported) => {
                    self.check_trait_value(site, kind, member_of, trait_id, value);
                }
                Some(Rule::Ignored(_)) => {}
                Some(Rule::Unsupported(why)) => self.out.push(site.error(
                    format!("trait {trait_id} is not supported: {why}"),
                    "remove the trait or change the model as described",
                )),
                None if self.trait_shapes.contains(trait_id) => {}
                // A trait of Smithy's own namespace could constrain input or
                // change the wire format: refuse rather than ignore it.
                None if trait_id.starts_with("smithy.api#") => self.out.push(site.error(
                    format!("unknown trait {trait_id}"),
                    "check the trait's spelling; if Smithy defines it, the generator must learn it (codegen/src/traits.rs)",
                )),
                // Other namespaces (AWS tooling, endpoints, ...) cannot change
                // what a Smithy server validates or sends.
                None => self.out.push(
                    Diagnostic::warning(format!(
                        "unknown trait {trait_id} is ignored: traits outside smithy.api do not change validation or \
                         the awsJson wire format"
                    ))
                    .in_file(site.file)
                    .at_shape(site.shape()),
                ),
            }
        }
    }

    fn check_trait_value(
        &mut self,
        site: Site<'_>,
        kind: Kind,
        member_of: Option<Kind>,
        trait_id: &str,
        value: &Value,
    ) {
        let bad = |what: &str| {
            site.error(format!("{trait_id} {what}"), format!("see the Smithy 2.0 specification of {trait_id}"))
        };
        match trait_id {
            "smithy.api#length" => self.check_bounds(site, trait_id, value, true),
            "smithy.api#range" => {
                self.check_bounds(site, trait_id, value, kind.is_integer());
                if let Some((lo, hi)) = kind.integer_bounds() {
                    for key in ["min", "max"] {
                        if let Some(n) = value.get(key).and_then(Value::as_i64) {
                            if i128::from(n) < lo || i128::from(n) > hi {
                                self.out.push(site.error(
                                    format!("{trait_id} {key} {n} is outside the {kind} type"),
                                    format!("use a bound between {lo} and {hi}"),
                                ));
                            }
                        }
                    }
                }
            }
            // A value that is not a string is reported against the trait's
            // definition.
            "smithy.api#pattern" if value.is_string() => {
                let source = value.as_str().unwrap_or_default();
                match self.patterns.entry(source.to_string()).or_insert_with(|| Pattern::parse(source)) {
                    Ok(pattern) => {
                        for warning in &pattern.warnings {
                            self.out.push(
                                Diagnostic::warning(format!("pattern {source:?} {warning}"))
                                    .in_file(site.file)
                                    .at_shape(site.shape()),
                            );
                        }
                    }
                    Err(e) => self.out.push(site.error(
                        format!("pattern {source:?} {e}"),
                        "Smithy patterns use ECMA-262 (JavaScript) syntax; fix the expression",
                    )),
                }
            }
            "smithy.api#enumValue" if kind == Kind::Enum && !value.is_string() => {
                self.out.push(bad("must be a string on enum members"));
            }
            "smithy.api#enumValue"
                if kind == Kind::IntEnum && value.as_i64().is_none_or(|v| i32::try_from(v).is_err()) =>
            {
                self.out.push(bad("must be a 32-bit integer on intEnum members"));
            }
            "smithy.api#enum" if value.as_array().is_some_and(Vec::is_empty) => {
                self.out.push(bad("must list at least one value"));
            }
            "smithy.api#httpError" if value.as_u64().is_some_and(|code| !(200..=599).contains(&code)) => {
                self.out.push(bad("must be an HTTP status code"));
            }
            "smithy.api#default" => self.check_default(site, kind, member_of, value),
            _ => {}
        }
    }

    /// `@length` and `@range`: numbers, `min <= max`, and for lengths and
    /// integer ranges, whole numbers.
    fn check_bounds(&mut self, site: Site<'_>, trait_id: &str, value: &Value, whole: bool) {
        // Values that are not objects of numbers are reported against the
        // trait's definition; these are the rules it cannot state.
        let Some(object) = value.as_object() else { return };
        let mut bounds = [None, None];
        for (key, bound) in object {
            let slot = match key.as_str() {
                "min" => 0,
                "max" => 1,
                _ => continue,
            };
            let Some(number) = bound.as_f64() else { continue };
            // A bound read as a float may still be whole (`1e21`, past u64).
            if whole && !(bound.is_i64() || bound.is_u64() || number.fract() == 0.0) {
                self.out.push(site.error(
                    format!("{trait_id} {key} must be a whole number"),
                    "integer types and lengths take whole-number bounds",
                ));
                continue;
            }
            if trait_id == "smithy.api#length" && number < 0.0 {
                self.out.push(site.error(format!("{trait_id} {key} is negative"), "lengths start at 0"));
                continue;
            }
            bounds[slot] = Some(number);
        }
        if let [Some(min), Some(max)] = bounds {
            if min > max {
                self.out.push(site.error(
                    format!("{trait_id} min ({}) is greater than max ({})", object["min"], object["max"]),
                    "swap the bounds or fix the one that is wrong",
                ));
            }
        }
    }

    fn check_default(&mut self, site: Site<'_>, kind: Kind, member_of: Option<Kind>, value: &Value) {
        let fits = match value {
            // `@default(null)` on a member cancels the target's default.
            Value::Null => member_of.is_some(),
            // A document may default to any value.
            _ if kind == Kind::Document => true,
            Value::Bool(_) => kind == Kind::Boolean,
            Value::Number(n) => match kind.integer_bounds() {
                Some((lo, hi)) => n.as_i64().is_some_and(|n| (lo..=hi).contains(&i128::from(n))),
                // Any whole number: the model reads numbers as 64-bit, so
                // a large one arrives as a whole float.
                None if kind == Kind::BigInteger => {
                    n.is_i64() || n.is_u64() || n.as_f64().is_some_and(|f| f.fract() == 0.0)
                }
                // Timestamps default to epoch seconds.
                None => matches!(kind, Kind::Float | Kind::Double | Kind::BigDecimal | Kind::Timestamp),
            },
            Value::String(s) => match kind {
                Kind::String => true,
                Kind::Enum => true, // the value is checked against the enum when lowering
                Kind::Blob => {
                    use base64::Engine as _;
                    if base64::engine::general_purpose::STANDARD.decode(s).is_err() {
                        self.out.push(site.error(
                            format!("the @default \"{s}\" of a blob is not base64"),
                            "write a blob's default in base64 (RFC 4648, padded): \"YWJj\" is `abc`",
                        ));
                        return;
                    }
                    true
                }
                // Smithy reads a timestamp's string default as a date-time.
                Kind::Timestamp => {
                    if let Err(e) = awsgen_runtime::Timestamp::parse_date_time(s) {
                        self.out.push(site.error(
                            format!("the @default of a timestamp is not a date-time: {e}"),
                            "write it as RFC 3339 in UTC (`1985-04-12T23:20:50.52Z`), or as epoch seconds (a number)",
                        ));
                        return;
                    }
                    true
                }
                _ => false,
            },
            Value::Array(items) => kind == Kind::List && items.is_empty(),
            Value::Object(entries) => (kind == Kind::Map && entries.is_empty()) || kind == Kind::Document,
        };
        if !fits {
            self.out.push(site.error(
                format!("@default {value} does not fit a {kind}"),
                "use a value of the target's type (lists and maps may only default to empty)",
            ));
        }
    }
}

/// The members of a shape, whichever fields hold them, in model order.
pub fn members_of(shape: &ast::Shape) -> Vec<(&str, &ast::Member)> {
    let mut members: Vec<(&str, &ast::Member)> = shape.members.iter().flat_map(|m| m.iter()).collect();
    for (name, member) in [("member", &shape.member), ("key", &shape.key), ("value", &shape.value)] {
        if let Some(member) = member {
            members.push((name, member));
        }
    }
    members
}
