//! Checks a loaded model before anything is lowered or emitted, and builds
//! the checked model ([`crate::model`]) that lowering reads.
//!
//! Every problem found is reported, each with its file and shape id, what is
//! wrong and how to fix it. Lowering may then assume a well-formed model.
//!
//! Which traits are known is [`rules`]'s to say; where each may be applied,
//! its definition's selector's (`trait_definitions`, [`selector`]); the
//! HTTP binding rules are `http_bindings`'.

pub(crate) mod http_bindings;
pub mod rules;
pub mod selector;
pub mod suppress;
pub(crate) mod trait_definitions;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::diagnostic::{Diagnostic, Diagnostics, WarningKind};
use crate::model::Protocol;
use crate::model::ast;
use crate::model::kind::{Kind, UNIT, prelude_shape};
use crate::model::load::LoadedModel;
use crate::model::shape_id;
use crate::model::traits::{Applied, Default, DefaultTrait, Parser};
use crate::model::{self, Model, Traits};
use rules::Rule;

/// Runs every check, and returns its errors and warnings with the checked
/// model (complete only where there are no errors).
pub fn check(loaded: &LoadedModel) -> (Diagnostics, Model) {
    let mut checker = Checker {
        model: loaded,
        out: Diagnostics::default(),
        trait_shapes: BTreeSet::new(),
        parser: Parser::default(),
        checked: Model { dir: loaded.dir.clone(), shapes: BTreeMap::new() },
    };
    checker.trait_shapes = loaded
        .shapes
        .iter()
        .filter(|(_, s)| s.shape.traits.contains_key("smithy.api#trait"))
        .map(|(id, _)| id.clone())
        .collect();
    checker.check_services();
    for (id, shape) in &loaded.shapes {
        if let Some(shape) = checker.check_shape(id, &shape.file, &shape.shape) {
            checker.checked.shapes.insert(id.clone(), shape);
        }
    }
    let checked = std::mem::take(&mut checker.checked);
    checker.check_streams(&checked);
    checker.check_enum_defaults(&checked);
    // Operations bound by a service whose protocol has no HTTP payload
    // (awsJson, the query protocols): byte streams are not served there.
    let mut no_payload = BTreeSet::new();
    // The protocols each operation is served in, by each service binding it.
    let mut served_in: BTreeMap<String, Vec<Vec<Protocol>>> = BTreeMap::new();
    for service in checked.services() {
        if service.traits.protocol().is_some_and(|protocol| !protocol.binds_http()) {
            no_payload.extend(checked.bound_operations(&service.id));
        }
        let protocols = crate::ir::lower::served(&service.traits.protocols);
        for operation in checked.bound_operations(&service.id) {
            served_in.entry(operation).or_default().push(protocols.clone());
        }
    }
    for operation in checked.shapes.values().filter(|s| s.kind == Kind::Operation) {
        let services = served_in.get(&operation.id).map_or(&[][..], Vec::as_slice);
        checker.note_unserved(&checked, operation, no_payload.contains(&operation.id), services);
    }
    checker.out.extend(trait_definitions::check(loaded));
    checker.out.extend(http_bindings::check(&checked));
    checker.out.sort();
    (checker.out, checked)
}

struct Checker<'a> {
    model: &'a LoadedModel,
    out: Diagnostics,
    /// Shapes marked `@trait`: custom traits the model defines for itself.
    trait_shapes: BTreeSet<String>,
    /// Reads trait values, each pattern source once.
    parser: Parser,
    /// The checked model, built shape by shape.
    checked: Model,
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

    fn check_shape(&mut self, id: &str, file: &Path, shape: &ast::Shape) -> Option<model::Shape> {
        let site = Site { file, id, member: None };
        if let Err(why) = shape_id::check(id) {
            self.out
                .push(site.error(format!("invalid shape id: {why}"), "shape ids look like `com.example#ShapeName`"));
            return None;
        }
        let Some(kind) = Kind::parse(&shape.kind) else {
            self.out.push(site.error(
                format!("unknown shape type \"{}\"", shape.kind),
                "use a Smithy 2.0 shape type: structure, union, enum, list, map, string, integer, ...",
            ));
            return None;
        };
        if self.trait_shapes.contains(id) {
            // A trait definition is never generated; only its use is
            // checked. Its own traits are read without a word.
            return Some(self.typed_shape(id, file, kind, shape, |checker, (_, applied, raw)| {
                checker.parser.parse(raw, applied, &mut Vec::new())
            }));
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

        for (name, _) in shape.members() {
            if let Err(why) = shape_id::check_member_name(name) {
                let member_site = Site { member: Some(name), ..site };
                self.out.push(member_site.error(format!("invalid member name: {why}"), "member names are identifiers"));
            }
        }
        let typed = self.typed_shape(id, file, kind, shape, |checker, (site, applied, raw)| {
            checker.check_traits(site, applied, raw)
        });
        match kind {
            Kind::Enum | Kind::IntEnum => self.check_enum(site, &typed),
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
        Some(typed)
    }

    /// The checked shape: its traits and its members' read by `read`
    /// (which checks them, or not), each member's as its target's kind
    /// (an enum's as the enum's) has them.
    fn typed_shape(
        &mut self,
        id: &str,
        file: &Path,
        kind: Kind,
        shape: &ast::Shape,
        mut read: impl FnMut(&mut Self, (Site<'_>, Applied, &ast::Traits)) -> Traits,
    ) -> model::Shape {
        let site = Site { file, id, member: None };
        let traits = read(self, (site, Applied { kind, member_of: None }, &shape.traits));
        let mut members = Vec::new();
        for (name, member) in shape.members() {
            let member_site = Site { member: Some(name), ..site };
            let target_kind = if matches!(kind, Kind::Enum | Kind::IntEnum) {
                if member.target != UNIT {
                    self.out.push(member_site.error(
                        format!("enum members must target {UNIT}, not {}", member.target),
                        format!("set the member's target to {UNIT} and its value with @enumValue"),
                    ));
                }
                Some(kind)
            } else {
                self.check_target(member_site, &member.target, "a data shape", Kind::is_data)
            };
            let traits = match target_kind {
                Some(target_kind) => {
                    read(self, (member_site, Applied { kind: target_kind, member_of: Some(kind) }, &member.traits))
                }
                None => Traits::default(),
            };
            members.push(model::Member { name: name.to_string(), target: member.target.clone(), traits });
        }
        let target = |t: &Option<ast::Target>| model::checked::io_target(t.as_ref().map(|t| t.target.as_str()));
        let operations = if kind == Kind::Service { self.model.bound_operations(id) } else { Vec::new() };
        model::Shape {
            id: id.to_string(),
            file: file.to_path_buf(),
            kind,
            traits,
            members,
            input: target(&shape.input),
            output: target(&shape.output),
            errors: shape.errors.iter().map(|t| t.target.clone()).collect(),
            operations,
            version: shape.version.clone(),
            rename: shape.rename.clone().unwrap_or_default(),
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
                self.check_target(Site { member: Some(field), ..site }, &target.target, "a structure", |k| {
                    k == Kind::Structure
                });
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
    fn check_streams(&mut self, model: &Model) {
        // Each shape that holds a stream, with the member that does.
        let mut holders: BTreeMap<&str, &str> = BTreeMap::new();
        for (id, shape) in &model.shapes {
            if shape.traits.trait_definition {
                continue;
            }
            for member in &shape.members {
                let Some(target) = model.shape(&member.target).filter(|t| t.traits.streaming) else { continue };
                holders.entry(id).or_insert(&member.name);
                if target.kind != Kind::Blob {
                    continue;
                }
                let site = Site { file: &shape.file, id, member: Some(&member.name) };
                match (&member.traits.default, &target.traits.default) {
                    (Some(DefaultTrait::Value(Default::Blob(bytes))), _)
                    | (None, Some(DefaultTrait::Value(Default::Blob(bytes))))
                        if !bytes.is_empty() =>
                    {
                        self.out.push(site.error(
                            format!(
                                "defaults the @streaming blob {} to bytes: a stream defaults to empty",
                                member.target
                            ),
                            "give it @default(\"\") (a stream that is absent is empty), or mark it @required",
                        ));
                    }
                    (Some(DefaultTrait::Value(_)), _) | (None, Some(DefaultTrait::Value(_))) => {}
                    _ if member.traits.required => {}
                    _ => self.out.push(site.error(
                        format!(
                            "targets the @streaming blob {}, but is neither @required nor defaulted",
                            member.target
                        ),
                        "mark the member @required, or give it @default(\"\") (a stream that is absent is empty)",
                    )),
                }
            }
        }
        let holds = |target: &str| holders.get_key_value(target);
        for (id, shape) in &model.shapes {
            let site = Site { file: &shape.file, id, member: None };
            for member in &shape.members {
                if let Some((holder, stream)) = holds(&member.target) {
                    self.out.push(Site { member: Some(&member.name), ..site }.error(
                        format!(
                            "targets {holder}, which holds the stream `{stream}`: a stream is a message's whole body, \
                             so only an operation's input or output may hold one"
                        ),
                        "target a shape without the stream, or make the stream a member of the operation's input or \
                         output",
                    ));
                }
            }
            for error in &shape.errors {
                if let Some((holder, stream)) = holds(error) {
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

    /// An enum's `@default` is one of its values, on the enum itself or on
    /// a member that targets it.
    fn check_enum_defaults(&mut self, model: &Model) {
        for (id, shape) in &model.shapes {
            let own = (None, &shape.traits, id.as_str());
            let members = shape.members.iter().map(|m| (Some(m.name.as_str()), &m.traits, m.target.as_str()));
            for (member, traits, target) in std::iter::once(own).chain(members) {
                let Some(DefaultTrait::Value(Default::EnumValue(value))) = &traits.default else { continue };
                let Some(enumeration) = model.shape(target).filter(|t| t.kind == Kind::Enum) else { continue };
                let wire = |m: &model::Member| m.traits.enum_value.clone().unwrap_or_else(|| m.name.clone());
                if !enumeration.members.iter().any(|m| wire(m) == *value) {
                    self.out.push(Site { file: &shape.file, id, member }.error(
                        format!("@default \"{value}\" is not a value of {target}"),
                        "give the member a default of its target's type",
                    ));
                }
            }
        }
    }

    /// One warning per operation with an event stream that a service binding
    /// it does not serve in its protocols (`services`: those each serves it
    /// in), or with a byte stream bound by a service whose protocol has no
    /// HTTP payload to carry it (`no_payload`: awsJson, awsQuery, ec2Query):
    /// it is generated, but not served.
    fn note_unserved(&mut self, model: &Model, operation: &model::Shape, no_payload: bool, services: &[Vec<Protocol>]) {
        let streams = |id: &Option<String>| {
            let structure = id.as_deref().and_then(|id| model.structure(id));
            structure.is_some_and(|s| s.members.iter().any(|m| model.is_stream(&m.target, Kind::Union)))
        };
        let has_streams = streams(&operation.input) || streams(&operation.output);
        let input = streams(&operation.input);
        let served = !services.is_empty() && services.iter().all(|p| Protocol::all_serve_event_streams(p, input));
        if has_streams && served {
            return;
        }
        for (field, structure) in [("input", &operation.input), ("output", &operation.output)] {
            let Some(structure) = structure.as_deref().and_then(|id| model.structure(id)) else { continue };
            for member in &structure.members {
                let Some(target) = model.shape(&member.target).filter(|t| t.traits.streaming) else { continue };
                let name = &member.name;
                let message = match target.kind {
                    Kind::Blob if no_payload => format!(
                        "has a byte stream (its {field} member `{name}` targets the @streaming blob {}), which its \
                         service's protocol has no HTTP payload to carry: its types and service-trait method are \
                         generated, but routers answer it NotImplemented",
                        member.target
                    ),
                    Kind::Union => format!(
                        "has an event stream (its {field} member `{name}` targets the @streaming union {}): its types \
                         and service-trait method are generated, but routers answer it NotImplemented, since its \
                         service's protocol does not serve it yet",
                        member.target
                    ),
                    _ => continue,
                };
                self.out.push(
                    Diagnostic::warning(WarningKind::NotServed, message)
                        .in_file(&operation.file)
                        .at_shape(operation.id.as_str()),
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

    fn check_enum(&mut self, site: Site<'_>, shape: &model::Shape) {
        let mut seen: BTreeMap<String, &str> = BTreeMap::new();
        for member in &shape.members {
            let name = member.name.as_str();
            let unread = member.traits.unread.iter().any(|id| id == "smithy.api#enumValue");
            let value = match (&member.traits.enum_value, unread) {
                (Some(value), _) => value.clone(),
                // One that does not read is reported with its trait.
                (None, true) => continue,
                (None, false) if shape.kind == Kind::IntEnum => {
                    self.out.push(
                        Site { member: Some(name), ..site }
                            .error("intEnum members need an @enumValue", "give the member an integer @enumValue"),
                    );
                    continue;
                }
                (None, false) => name.to_string(),
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

    /// Whether each trait is known, and its value read: the typed traits.
    fn check_traits(&mut self, site: Site<'_>, applied: Applied, traits: &ast::Traits) -> Traits {
        // 1.0's boxing has no place in 2.0, where nullability is `@default`'s.
        let version_2 = self.model.shapes.get(site.id).is_some_and(|s| !s.version_1);
        if version_2 && traits.contains_key("smithy.api#box") {
            self.out.push(site.error(
                "@box is not supported in Smithy IDL 2.0",
                "remove @box: a member without a default is nullable, and `= null` makes one with a default nullable",
            ));
        }
        for trait_id in traits.keys() {
            match rules::rule(trait_id) {
                // Where it may go is its definition's selector's to say
                // (`trait_definitions`); what remains is what the generator
                // needs of its value.
                Some(Rule::Supported) => {}
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
                    "check the trait's spelling; if Smithy defines it, the generator must learn it (codegen/src/check/rules.rs)",
                )),
                // Other namespaces (AWS tooling, endpoints, ...) cannot change
                // what a Smithy server validates or sends.
                None => self.out.push(
                    Diagnostic::warning(WarningKind::UnknownTrait, format!(
                        "unknown trait {trait_id} is ignored: traits outside smithy.api do not change validation or \
                         the awsJson wire format"
                    ))
                    .in_file(site.file)
                    .at_shape(site.shape()),
                ),
            }
        }
        let mut problems = Vec::new();
        let typed = self.parser.parse(traits, applied, &mut problems);
        for problem in problems {
            let diagnostic = if problem.warning {
                Diagnostic::warning(WarningKind::Pattern, problem.message).in_file(site.file).at_shape(site.shape())
            } else {
                site.error(problem.message, problem.help)
            };
            self.out.push(diagnostic);
        }
        typed
    }
}
