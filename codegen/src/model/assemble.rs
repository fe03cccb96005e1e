//! Makes the model Smithy's model semantics describe out of the shapes the
//! files wrote, whichever form (IDL or JSON AST) they came in:
//!
//! 0. shapes of Smithy's dependency models (`smithy.framework`) that the
//!    model refers to copied in, as Smithy's build adds its dependencies;
//! 1. elided member targets (`$id`) from the bound resource or the mixins;
//! 2. `apply` statements merged into their shapes and members;
//! 3. mixins flattened into the shapes that use them (members first from
//!    the mixins, in order, then the shape's own; traits inherited except a
//!    mixin's `localTraits`), and the mixin shapes removed;
//! 4. Smithy 1.0 shapes upgraded: `set` becomes a list with `@uniqueItems`,
//!    members that 1.0 made non-null get the zero `@default`;
//! 5. traits written without a value given the value their definition
//!    implies (`{}` for structures, `[]` for lists), and enum members
//!    without `@enumValue` their name.
//!
//! After this, checks and lowering see one flat model.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::Arc;

use serde_json::Value;

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::model::ast::{self, OrderedMap, Target, Traits};
use crate::model::kind::PRELUDE;
use crate::model::load::{LoadedModel, LoadedShape};

const MIXIN: &str = "smithy.api#mixin";

/// An `apply` statement (IDL) or `"type": "apply"` entry (JSON AST).
#[derive(Clone, Debug)]
pub struct Applied {
    pub file: PathBuf,
    /// A shape id, or a member id (`ns#Shape$member`).
    pub target: String,
    pub traits: Traits,
    /// Where the statement is, for IDL files: its text, line and column.
    pub position: Option<(Arc<str>, usize, usize)>,
}

/// A member written `$name` in an IDL file.
#[derive(Clone, Debug)]
pub struct Elided {
    pub file: PathBuf,
    pub elided: crate::model::idl::resolve::Elided,
    pub source: Arc<str>,
}

/// The shapes trait definitions and mixins may come from besides the
/// model's own: Smithy's prelude and trait vocabularies.
pub trait Definitions {
    fn shape(&self, id: &str) -> Option<&ast::Shape>;
}

impl Definitions for BTreeMap<String, LoadedShape> {
    fn shape(&self, id: &str) -> Option<&ast::Shape> {
        self.get(id).map(|s| &s.shape)
    }
}

/// Runs every step on `model`; returns the errors found (nothing is
/// changed further once one is).
pub fn assemble(
    model: &mut LoadedModel,
    applies: Vec<Applied>,
    elided: Vec<Elided>,
    outside: &dyn Definitions,
) -> Diagnostics {
    let mut out = Diagnostics::default();
    import_dependencies(model, outside);
    fill_elided(model, elided, outside, &mut out);
    if out.has_errors() {
        return out;
    }
    for applied in applies {
        if let Err(d) = apply(model, &applied, outside) {
            out.push(d);
        }
    }
    if out.has_errors() {
        return out;
    }
    flatten_mixins(model, outside, &mut out);
    if out.has_errors() {
        return out;
    }
    upgrade_v1(model, outside);
    coerce_traits(model, outside, &mut out);
    complete(model, &mut out);
    out
}

/// Copies into the model every shape outside the prelude that it refers to
/// but takes from the definitions (`smithy.framework#ValidationException`),
/// with the shapes those refer to.
fn import_dependencies(model: &mut LoadedModel, outside: &dyn Definitions) {
    let mut stack: Vec<String> = model.shapes.values().flat_map(|s| references(&s.shape)).collect();
    while let Some(id) = stack.pop() {
        if model.shapes.contains_key(&id) || id.starts_with("smithy.api#") {
            continue;
        }
        let Some(shape) = outside.shape(&id) else { continue };
        stack.extend(references(shape));
        let file = PathBuf::from(format!("<smithy>/{}", crate::model::shape_id::split(&id).0));
        model.shapes.insert(id, LoadedShape { file, shape: shape.clone(), version_1: false });
    }
}

/// The shape ids a shape refers to (not its traits').
fn references(shape: &ast::Shape) -> Vec<String> {
    let mut out: Vec<String> = shape.members().into_iter().map(|(_, m)| m.target.clone()).collect();
    let single = [
        &shape.input,
        &shape.output,
        &shape.create,
        &shape.put,
        &shape.read,
        &shape.update,
        &shape.delete,
        &shape.list,
    ];
    out.extend(single.into_iter().flatten().map(|t| t.target.clone()));
    for list in [&shape.errors, &shape.operations, &shape.resources, &shape.collection_operations, &shape.mixins] {
        out.extend(list.iter().map(|t| t.target.clone()));
    }
    for map in [&shape.identifiers, &shape.properties].into_iter().flatten() {
        out.extend(map.values().map(|t| t.target.clone()));
    }
    out
}

/// The shape `id`, from the model or, failing that, the definitions.
fn lookup<'a>(model: &'a LoadedModel, outside: &'a dyn Definitions, id: &str) -> Option<&'a ast::Shape> {
    model.shapes.get(id).map(|s| &s.shape).or_else(|| outside.shape(id))
}

fn member_mut<'a>(shape: &'a mut ast::Shape, name: &str) -> Option<&'a mut ast::Member> {
    if let Some(members) = &mut shape.members {
        if let Some((_, m)) = members.0.iter_mut().find(|(n, _)| n == name) {
            return Some(m);
        }
    }
    match name {
        "member" => shape.member.as_mut(),
        "key" => shape.key.as_mut(),
        "value" => shape.value.as_mut(),
        _ => None,
    }
}

/// The target of member `name` of shape `id`, looking through its mixins.
fn inherited_target(
    model: &LoadedModel,
    outside: &dyn Definitions,
    id: &str,
    name: &str,
    depth: usize,
) -> Option<String> {
    let shape = lookup(model, outside, id)?;
    if let Some((_, member)) = shape.members().into_iter().find(|(n, _)| *n == name) {
        if !member.target.is_empty() {
            return Some(member.target.clone());
        }
    }
    if depth > 64 {
        return None;
    }
    shape.mixins.iter().rev().find_map(|m| inherited_target(model, outside, &m.target, name, depth + 1))
}

fn fill_elided(model: &mut LoadedModel, mut pending: Vec<Elided>, outside: &dyn Definitions, out: &mut Diagnostics) {
    // A mixin's own member may be elided too, so repeat while that helps.
    while !pending.is_empty() {
        let mut left = Vec::new();
        let before = pending.len();
        for e in pending {
            let x = &e.elided;
            let from_resource = x.resource.as_deref().and_then(|r| {
                let resource = lookup(model, outside, r)?;
                let find =
                    |map: &Option<BTreeMap<String, Target>>| map.as_ref()?.get(&x.member).map(|t| t.target.clone());
                find(&resource.identifiers).or_else(|| find(&resource.properties))
            });
            let target = from_resource
                .or_else(|| x.mixins.iter().rev().find_map(|m| inherited_target(model, outside, m, &x.member, 0)));
            match target {
                Some(target) => {
                    if let Some(member) =
                        model.shapes.get_mut(&x.shape).and_then(|s| member_mut(&mut s.shape, &x.member))
                    {
                        member.target = target;
                    }
                }
                None => left.push(e),
            }
        }
        if left.len() == before {
            for e in left {
                let x = &e.elided;
                if let Some(resource) = x.resource.as_deref() {
                    if lookup(model, outside, resource).is_some_and(|r| r.kind != "resource") {
                        out.push(elision_error(&e, format!(
                            "The target of the `for` production must be a resource shape, but found a {} shape: {resource}",
                            lookup(model, outside, resource).map_or("", |r| r.kind.as_str())
                        )));
                        continue;
                    }
                }
                out.push(elision_error(
                    &e,
                    "Member target was elided, but no bound resource or mixin contained a matching identifier or member name."
                        .to_string(),
                ));
            }
            return;
        }
        pending = left;
    }
}

fn elision_error(e: &Elided, message: String) -> Diagnostic {
    let x = &e.elided;
    Diagnostic::error(message)
        .in_file(&e.file)
        .at_position(&e.source, x.pos.line, x.pos.column)
        .at_shape(format!("{}${}", x.shape, x.member))
        .help("write the member's target (`name: Target`), or bind the structure to a resource (`for Resource`) or mixin that has the member")
}

/// Merges one `apply` into its shape or member.
fn apply(model: &mut LoadedModel, applied: &Applied, outside: &dyn Definitions) -> Result<(), Diagnostic> {
    let fail = |message: String, help: &str| {
        let d = Diagnostic::error(message).in_file(&applied.file).at_shape(&applied.target).help(help);
        match &applied.position {
            Some((source, line, column)) => d.at_position(source, *line, *column),
            None => d,
        }
    };
    let (shape_id, member) = match applied.target.split_once('$') {
        Some((shape, member)) => (shape, Some(member)),
        None => (applied.target.as_str(), None),
    };
    let inherited = member.and_then(|m| {
        let shape = model.shapes.get(shape_id)?;
        if shape.shape.members().iter().any(|(n, _)| *n == m) {
            return None;
        }
        shape.shape.mixins.iter().rev().find_map(|mixin| inherited_target(model, outside, &mixin.target, m, 0))
    });
    let Some(loaded) = model.shapes.get_mut(shape_id) else {
        return Err(fail(
            format!("Trait applied to a shape that is not defined in the model: {shape_id}"),
            "apply traits only to shapes the spec defines; check the shape id",
        ));
    };
    let traits = match member {
        None => &mut loaded.shape.traits,
        Some(name) => {
            if let Some(target) = inherited {
                // Applying to a member a mixin gives the shape makes it the
                // shape's own, with the mixin's target.
                let members = loaded.shape.members.get_or_insert_with(OrderedMap::default);
                members.0.push((name.to_string(), ast::Member { target, traits: Traits::new() }));
            }
            match member_mut(&mut loaded.shape, name) {
                Some(member) => &mut member.traits,
                None => {
                    return Err(fail(
                        format!("Trait applied to a member that does not exist: {}", applied.target),
                        "check the member name",
                    ));
                }
            }
        }
    };
    for (id, value) in &applied.traits {
        if !merge_value(traits, id, value.clone()) {
            return Err(fail(
                format!("Conflicting `{id}` trait values"),
                "apply each trait once, or give both places the same value",
            ));
        }
    }
    Ok(())
}

/// Adds `value` under `key` as Smithy merges a trait applied twice or a
/// metadata key set twice: lists join (equal ones too, as Smithy's loader
/// joins them), other equal values are one, anything else conflicts
/// (`false`).
pub fn merge_value(map: &mut BTreeMap<String, Value>, key: &str, value: Value) -> bool {
    match map.get_mut(key) {
        None => {
            map.insert(key.to_string(), value);
            true
        }
        Some(Value::Array(existing)) if value.is_array() => {
            existing.extend(value.as_array().into_iter().flatten().cloned());
            true
        }
        Some(existing) => *existing == value,
    }
}

fn flatten_mixins(model: &mut LoadedModel, outside: &dyn Definitions, out: &mut Diagnostics) {
    let ids: Vec<String> = model.shapes.keys().cloned().collect();
    let mut done: BTreeSet<String> = BTreeSet::new();
    for (id, loaded) in &model.shapes {
        let shape = &loaded.shape;
        if !shape.traits.contains_key(MIXIN) {
            continue;
        }
        let unit = |t: &Option<Target>| t.as_ref().is_none_or(|t| t.target == format!("{PRELUDE}#Unit"));
        let message = if shape.kind == "operation" && !(unit(&shape.input) && unit(&shape.output)) {
            format!(
                "Operation shapes with the mixin trait MUST target `smithy.api#Unit` for their input and output. \
                 Operation mixin shape `{id}` defines one or both of these properties."
            )
        } else if shape.kind == "resource"
            && [&shape.identifiers, &shape.properties].iter().any(|p| p.as_ref().is_some_and(|p| !p.is_empty()))
        {
            format!(
                "Resource shapes with the mixin trait may not define any properties. Resource mixin shape `{id}` \
                 defines one or more properties."
            )
        } else {
            continue;
        };
        out.push(
            Diagnostic::error(message)
                .in_file(&loaded.file)
                .at_shape(id)
                .help("move the input, output or properties into the shapes that use the mixin"),
        );
    }
    if out.has_errors() {
        return;
    }
    for id in &ids {
        let mut visiting = Vec::new();
        flatten(model, outside, id, &mut done, &mut visiting, out);
    }
    if out.has_errors() {
        return;
    }
    model.shapes.retain(|_, s| !s.shape.traits.contains_key(MIXIN));
}

/// Flattens shape `id` after the mixins it uses.
fn flatten(
    model: &mut LoadedModel,
    outside: &dyn Definitions,
    id: &str,
    done: &mut BTreeSet<String>,
    visiting: &mut Vec<String>,
    out: &mut Diagnostics,
) {
    if done.contains(id) {
        return;
    }
    let Some(loaded) = model.shapes.get(id) else { return };
    let file = loaded.file.clone();
    let mixin_ids: Vec<String> = loaded.shape.mixins.iter().map(|m| m.target.clone()).collect();
    if visiting.len() > 256 {
        out.push(
            Diagnostic::error(format!("Mixins nest more than 256 deep at {id}"))
                .in_file(&file)
                .at_shape(id)
                .help("flatten the chain of mixins"),
        );
        return;
    }
    if visiting.iter().any(|v| v == id) {
        out.push(
            Diagnostic::error(format!("Mixin cycle: {} -> {id}", visiting.join(" -> ")))
                .in_file(&file)
                .at_shape(id)
                .help("a shape cannot use itself as a mixin, directly or through others"),
        );
        return;
    }
    visiting.push(id.to_string());
    for mixin in &mixin_ids {
        flatten(model, outside, mixin, done, visiting, out);
    }
    visiting.pop();
    done.insert(id.to_string());
    if !mixin_ids.is_empty() {
        mix_in(model, outside, id, &mixin_ids, &file, out);
    }
}

/// Merges the (already flat) mixins `mixin_ids` into shape `id`: out of
/// line, so that the frames of `flatten`'s recursion stay small.
#[inline(never)]
fn mix_in(
    model: &mut LoadedModel,
    outside: &dyn Definitions,
    id: &str,
    mixin_ids: &[String],
    file: &std::path::Path,
    out: &mut Diagnostics,
) {
    let mut mixins: Vec<(String, ast::Shape)> = Vec::new();
    for mixin in mixin_ids {
        match lookup(model, outside, mixin) {
            Some(shape) => mixins.push((mixin.clone(), shape.clone())),
            None => {
                out.push(
                    Diagnostic::error(format!("Mixin `{mixin}` is not defined"))
                        .in_file(file)
                        .at_shape(id)
                        .help("define the mixin shape or fix its id"),
                );
                return;
            }
        }
    }
    let shape = &model.shapes[id].shape;
    let wrong_kind: Vec<String> =
        mixins.iter().filter(|(_, m)| m.kind != shape.kind).map(|(mid, _)| format!("`{mid}`")).collect();
    if !wrong_kind.is_empty() {
        out.push(
            Diagnostic::error(format!(
                "Mixins may only be mixed into shapes of the same type. The following mixins were applied to the {} shape `{id}` which are not {} shapes: [{}]",
                shape.kind,
                shape.kind,
                wrong_kind.join(", ")
            ))
            .in_file(file)
            .at_shape(id)
            .help("use mixins of the shape's own type"),
        );
        return;
    }
    if let Some((mid, _)) = mixins.iter().find(|(_, m)| !m.traits.contains_key(MIXIN)) {
        out.push(
            Diagnostic::error(format!("`{mid}` is used as a mixin but is not marked with the @mixin trait"))
                .in_file(file)
                .at_shape(id)
                .help(format!("add @mixin to `{mid}`")),
        );
        return;
    }
    match mixed(id, shape, &mixins) {
        Ok(flat) => model.shapes.get_mut(id).expect("shape exists").shape = flat,
        Err(message) => out.push(
            Diagnostic::error(message)
                .in_file(file)
                .at_shape(id)
                .help("a member a mixin defines may be redefined only with the same target, to add traits"),
        ),
    }
}

/// `shape` with its (already flat) mixins merged in.
fn mixed(id: &str, shape: &ast::Shape, mixins: &[(String, ast::Shape)]) -> Result<ast::Shape, String> {
    let mut flat = shape.clone();
    flat.mixins.clear();
    // Traits: each mixin's (but its @mixin and local traits), later mixins
    // over earlier ones, the shape's own over all.
    let mut traits = Traits::new();
    for (_, mixin) in mixins {
        let local: Vec<String> = mixin
            .traits
            .get(MIXIN)
            .and_then(|m| m.get("localTraits"))
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_string)).collect())
            .unwrap_or_default();
        for (tid, value) in &mixin.traits {
            if tid != MIXIN && !local.contains(tid) {
                traits.insert(tid.clone(), value.clone());
            }
        }
    }
    traits.extend(shape.traits.clone());
    flat.traits = traits;

    // Members: inherited ones in mixin order, then the shape's own. A
    // member may be redefined only with the target it already has.
    let own = shape.members();
    let mut members: Vec<(String, ast::Member)> = Vec::new();
    for (mid, mixin) in mixins {
        for (name, member) in mixin.members() {
            let local = own.iter().find(|(n, _)| *n == name).map(|(_, m)| *m);
            match members.iter_mut().find(|(n, _)| n == name) {
                Some((_, existing)) => {
                    if existing.target != member.target {
                        // Against the shape's own member, the mixin's is at
                        // fault; between two mixins, the shape's.
                        let at = if local.is_some() { mid.as_str() } else { id };
                        return Err(format!("Member conflicts with an inherited mixin member: `{at}${name}`"));
                    }
                    existing.traits.extend(member.traits.clone());
                }
                None => {
                    if let Some(local) = local {
                        if local.target != member.target {
                            return Err(format!("Member conflicts with an inherited mixin member: `{mid}${name}`"));
                        }
                    }
                    members.push((name.to_string(), member.clone()));
                }
            }
        }
    }
    for (name, member) in own {
        match members.iter_mut().find(|(n, _)| n == name) {
            Some((_, existing)) => existing.traits.extend(member.traits.clone()),
            None => members.push((name.to_string(), member.clone())),
        }
    }
    match shape.kind.as_str() {
        "list" | "set" | "map" => {
            for (name, member) in members {
                match name.as_str() {
                    "member" => flat.member = Some(member),
                    "key" => flat.key = Some(member),
                    _ => flat.value = Some(member),
                }
            }
        }
        _ if shape.members.is_some() || !members.is_empty() => flat.members = Some(OrderedMap(members)),
        _ => {}
    }

    // Operations, resources and services: properties from the mixins too.
    let join = |own: &[Target], get: &dyn Fn(&ast::Shape) -> &Vec<Target>| {
        let mut all: Vec<Target> = Vec::new();
        for t in mixins.iter().flat_map(|(_, m)| get(m).iter()).chain(own) {
            if !all.iter().any(|a| a.target == t.target) {
                all.push(t.clone());
            }
        }
        all
    };
    flat.errors = join(&shape.errors, &|m| &m.errors);
    flat.operations = join(&shape.operations, &|m| &m.operations);
    flat.resources = join(&shape.resources, &|m| &m.resources);
    flat.collection_operations = join(&shape.collection_operations, &|m| &m.collection_operations);
    for (_, mixin) in mixins.iter().rev() {
        let inherit = |own: &mut Option<Target>, theirs: &Option<Target>| {
            if own.is_none() {
                own.clone_from(theirs);
            }
        };
        inherit(&mut flat.input, &mixin.input);
        inherit(&mut flat.output, &mixin.output);
        for (own, theirs) in [
            (&mut flat.create, &mixin.create),
            (&mut flat.put, &mixin.put),
            (&mut flat.read, &mixin.read),
            (&mut flat.update, &mixin.update),
            (&mut flat.delete, &mixin.delete),
            (&mut flat.list, &mixin.list),
        ] {
            inherit(own, theirs);
        }
        if flat.version.is_none() {
            flat.version.clone_from(&mixin.version);
        }
        for (own, theirs) in [(&mut flat.identifiers, &mixin.identifiers), (&mut flat.properties, &mixin.properties)] {
            if let Some(theirs) = theirs {
                let own = own.get_or_insert_with(BTreeMap::new);
                for (k, v) in theirs {
                    own.entry(k.clone()).or_insert_with(|| v.clone());
                }
            }
        }
        if let Some(theirs) = &mixin.rename {
            let own = flat.rename.get_or_insert_with(BTreeMap::new);
            for (k, v) in theirs {
                own.entry(k.clone()).or_insert_with(|| v.clone());
            }
        }
    }
    Ok(flat)
}

/// Smithy 1.0 semantics in 2.0 terms, for shapes from 1.0 files, as
/// Smithy's loader upgrades them (its `ModelInteropTransformer`):
///
/// - a number, boolean or intEnum shape that is not `@box`ed has its zero
///   value as its `@default` (1.0 gave it one);
/// - a structure member without `@default` gets one where 1.0 made it
///   non-null: the zero value where it targets such a shape that is not
///   boxed (a 1.0 shape with `@box`, or a 2.0 one, the prelude's among them,
///   whose `@default` is not the zero value), or `""` where it targets a
///   `@streaming` blob and is not `@required` (2.0 requires a stream to be
///   one or the other); and `@default(null)` where it is `@box`ed itself;
/// - `set` becomes a list with `@uniqueItems`.
fn upgrade_v1(model: &mut LoadedModel, outside: &dyn Definitions) {
    let v1: Vec<String> = model.shapes.iter().filter(|(_, s)| s.version_1).map(|(id, _)| id.clone()).collect();
    if v1.is_empty() {
        return;
    }
    let zero_of = |kind: &str| -> Option<Value> {
        match kind {
            "boolean" => Some(Value::Bool(false)),
            "byte" | "short" | "integer" | "long" | "float" | "double" | "intEnum" => Some(Value::from(0)),
            _ => None,
        }
    };
    let boxed = |traits: &Traits| traits.contains_key("smithy.api#box");
    // Root shapes first: their defaults decide whether members' targets are boxed.
    for id in &v1 {
        let shape = &mut model.shapes.get_mut(id).expect("shape exists").shape;
        if let Some(zero) = zero_of(&shape.kind).filter(|_| !boxed(&shape.traits)) {
            shape.traits.entry(format!("{PRELUDE}#default")).or_insert(zero);
        }
    }
    // The default a 1.0 member gets from its target, if any.
    let upgraded = |model: &LoadedModel, member: &ast::Member| -> Option<Value> {
        if member.traits.contains_key("smithy.api#default") {
            return None;
        }
        if boxed(&member.traits) {
            return Some(Value::Null);
        }
        let target = lookup(model, outside, &member.target)?;
        if target.kind == "blob" && target.traits.contains_key("smithy.api#streaming") {
            return (!member.traits.contains_key("smithy.api#required")).then(|| Value::String(String::new()));
        }
        let zero = zero_of(&target.kind)?;
        let target_v1 = model.shapes.get(&member.target).is_some_and(|s| s.version_1);
        // A 2.0 shape (the prelude's too) is boxed unless its default is the zero value.
        let target_boxed = match target_v1 {
            true => boxed(&target.traits),
            false => target.traits.get("smithy.api#default") != Some(&zero),
        };
        (!target_boxed).then_some(zero)
    };
    for id in v1 {
        let defaults: Vec<(String, Value)> = {
            let shape = &model.shapes[&id].shape;
            match shape.kind.as_str() {
                "structure" => shape
                    .members()
                    .into_iter()
                    .filter_map(|(name, m)| Some((name.to_string(), upgraded(model, m)?)))
                    .collect(),
                _ => Vec::new(),
            }
        };
        let shape = &mut model.shapes.get_mut(&id).expect("shape exists").shape;
        for (name, default) in defaults {
            if let Some(member) = member_mut(shape, &name) {
                member.traits.insert(format!("{PRELUDE}#default"), default);
            }
        }
        if shape.kind == "set" {
            shape.kind = "list".into();
            shape.traits.entry(format!("{PRELUDE}#uniqueItems")).or_insert_with(|| Value::Object(Default::default()));
        }
    }
}

/// The value a trait written without one has, by the type of its
/// definition (`None`: a trait the model does not define): `[]` for a list,
/// `{}` for a structure, union or map (or an undefined trait); `None` for
/// other types, which must be written with a value (a document stays null).
pub fn implied_value(kind: Option<&str>) -> Option<Value> {
    match kind {
        Some("list" | "set") => Some(Value::Array(Vec::new())),
        Some("structure" | "union" | "map") | None => Some(Value::Object(Default::default())),
        _ => None,
    }
}

/// Gives traits written without a value the value their definition
/// implies, and enum members their implicit values.
fn coerce_traits(model: &mut LoadedModel, outside: &dyn Definitions, out: &mut Diagnostics) {
    let kinds: BTreeMap<String, String> = model
        .shapes
        .iter()
        .filter(|(_, s)| s.shape.traits.contains_key("smithy.api#trait"))
        .map(|(id, s)| (id.clone(), s.shape.kind.clone()))
        .collect();
    let kind_of = |id: &str| kinds.get(id).cloned().or_else(|| outside.shape(id).map(|s| s.kind.clone()));
    let mut errors = Vec::new();
    for (id, loaded) in model.shapes.iter_mut() {
        let shape = &mut loaded.shape;
        let enum_kind = shape.kind == "enum";
        let mut fix = |traits: &mut Traits, at: String| {
            for (tid, value) in traits.iter_mut() {
                if !value.is_null() {
                    continue;
                }
                *value = match kind_of(tid).as_deref() {
                    // A document may be null.
                    Some("document") => continue,
                    kind @ (Some("list" | "set" | "structure" | "union" | "map") | None) => {
                        implied_value(kind).expect("a collection or structure")
                    }
                    Some(other) => {
                        errors.push(
                            Diagnostic::error(format!(
                                "the trait `{tid}` is applied without a value, but its value is a {other}"
                            ))
                            .in_file(&loaded.file)
                            .at_shape(at.clone())
                            .help(format!("write a value: @{}(...)", tid.rsplit('#').next().unwrap_or(tid))),
                        );
                        continue;
                    }
                };
            }
        };
        fix(&mut shape.traits, id.clone());
        if let Some(members) = &mut shape.members {
            for (name, member) in members.0.iter_mut() {
                fix(&mut member.traits, format!("{id}${name}"));
                if enum_kind && !member.traits.contains_key("smithy.api#enumValue") {
                    member.traits.insert("smithy.api#enumValue".into(), Value::String(name.clone()));
                }
            }
        }
        for (name, member) in [("member", &mut shape.member), ("key", &mut shape.key), ("value", &mut shape.value)] {
            if let Some(member) = member {
                fix(&mut member.traits, format!("{id}${name}"));
            }
        }
    }
    for e in errors {
        out.push(e);
    }
}

/// What every model has once assembled: operations' missing input and
/// output are `smithy.api#Unit`; and what a shape of each type must have
/// (an enum a member, a list its member, a map its key and value).
fn complete(model: &mut LoadedModel, out: &mut Diagnostics) {
    for (id, loaded) in model.shapes.iter_mut() {
        let shape = &mut loaded.shape;
        let missing: Option<String> = match shape.kind.as_str() {
            "operation" => {
                for io in [&mut shape.input, &mut shape.output] {
                    io.get_or_insert_with(|| Target { target: format!("{PRELUDE}#Unit") });
                }
                None
            }
            "enum" if shape.members.as_ref().is_none_or(|m| m.is_empty()) => {
                Some("enum must have at least one entry".to_string())
            }
            "intEnum" if shape.members.as_ref().is_none_or(|m| m.is_empty()) => {
                Some("intEnum shapes must have at least one member".to_string())
            }
            "list" | "set" if shape.member.is_none() => {
                Some(format!("Missing required member of shape `{id}`: member"))
            }
            "map" => match (shape.key.is_none(), shape.value.is_none()) {
                (true, true) => Some(format!("Missing required members of shape `{id}`: key, value")),
                (true, false) => Some(format!("Missing required member of shape `{id}`: key")),
                (false, true) => Some(format!("Missing required member of shape `{id}`: value")),
                (false, false) => None,
            },
            _ => None,
        };
        if let Some(message) = missing {
            out.push(Diagnostic::error(message).in_file(&loaded.file).at_shape(id.clone()).help(
                match shape.kind.as_str() {
                    "map" => "a map has a `key` and a `value` member: `map M { key: String, value: String }`",
                    "list" | "set" => "a list has one `member`: `list L { member: String }`",
                    _ => "list the enum's values: `enum E { A, B }`",
                },
            ));
        }
    }
}
