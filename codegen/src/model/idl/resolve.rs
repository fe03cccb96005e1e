//! Turns a parsed IDL file into JSON AST shapes: relative shape ids made
//! absolute, `///` comments into `@documentation`, `= value` into
//! `@default` or `@enumValue`, inline operation input and output into
//! structures of their own, service and resource properties into their
//! fields. What needs the whole model (elided member targets, `apply`,
//! mixins) is recorded here and finished by `crate::model::assemble`.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::syntax::*;
use crate::model::ast::{self, OrderedMap, Target};
use crate::model::kind::PRELUDE;

/// A problem found while resolving, and where.
#[derive(Clone, Debug)]
pub struct ResolveError {
    pub pos: Pos,
    /// The shape (or member) it concerns, when there is one.
    pub shape: Option<String>,
    pub message: String,
    pub help: Option<String>,
}

/// One file's shapes, ready to merge into the model.
#[derive(Debug, Default)]
pub struct Resolved {
    pub metadata: Vec<(String, Value)>,
    pub shapes: Vec<(String, ast::Shape, Pos)>,
    /// `apply` statements: the target (a shape or member id) and its traits.
    pub applies: Vec<(String, ast::Traits, Pos)>,
    /// Members written `$name`, whose targets come from a resource or mixin.
    pub elided: Vec<Elided>,
    /// Where each shape and member is written (a member at its target, what
    /// most findings about a member concern, else at its name), and each
    /// trait applied (`ns#Shape$member@smithy.api#length`).
    pub positions: Vec<(String, Pos)>,
}

/// A member whose target was elided.
#[derive(Clone, Debug)]
pub struct Elided {
    pub shape: String,
    pub member: String,
    /// `for Resource`: its identifiers and properties come first.
    pub resource: Option<String>,
    pub mixins: Vec<String>,
    pub pos: Pos,
}

/// The shape ids of every file of the model, and of the trait vocabulary
/// and prelude: what a relative id may resolve to.
pub trait Known {
    /// Whether a shape `id` (absolute) is defined.
    fn contains(&self, id: &str) -> bool;

    /// Whether the prelude has a shape `name` that other namespaces may
    /// name relatively (its `@private` shapes they may not).
    fn in_prelude(&self, name: &str) -> bool {
        self.contains(&format!("{PRELUDE}#{name}"))
    }
}

/// Resolves one file. `known` answers whether an absolute shape id is
/// defined anywhere in the model (this file included) or its vocabulary.
pub fn resolve(doc: &Document, known: &dyn Known) -> Result<Resolved, ResolveError> {
    let resolver = Resolver::new(doc, known)?;
    let mut out = Resolved::default();
    for (key, node) in &doc.metadata {
        out.metadata.push((key.clone(), resolver.node(node)?));
    }
    for shape in &doc.shapes {
        resolver.shape(shape, &mut out)?;
    }
    for apply in &doc.applies {
        let target = resolver.target(&apply.target);
        let traits = resolver.traits(&apply.traits, None, &target)?;
        out.applies.push((target, traits, apply.pos));
    }
    out.positions.extend(resolver.trait_positions.take());
    Ok(out)
}

struct Resolver<'a> {
    /// Where each trait is applied, by `shape@trait` (for `positions`).
    trait_positions: std::cell::RefCell<Vec<(String, Pos)>>,
    version: Version,
    namespace: &'a str,
    /// `use` statements by the name they bring in.
    uses: BTreeMap<&'a str, &'a str>,
    known: &'a dyn Known,
}

fn error(pos: Pos, shape: Option<&str>, message: impl Into<String>) -> ResolveError {
    ResolveError { pos, shape: shape.map(str::to_string), message: message.into(), help: None }
}

impl<'a> Resolver<'a> {
    fn new(doc: &'a Document, known: &'a dyn Known) -> Result<Self, ResolveError> {
        let namespace = doc.namespace.as_deref().unwrap_or("");
        let mut uses: BTreeMap<&str, &str> = BTreeMap::new();
        for (id, pos) in &doc.uses {
            let name = id.split_once('#').map_or(id.as_str(), |(_, name)| name);
            if let Some(other) = uses.insert(name, id) {
                if other != id {
                    return Err(error(
                        *pos,
                        None,
                        format!("Cannot use name `{id}` because it conflicts with `{other}`"),
                    ));
                }
            }
            if !known.contains(id) {
                return Err(ResolveError {
                    help: Some("define the shape, add the file that defines it, or remove the use statement".into()),
                    ..error(*pos, None, format!("Use statement refers to undefined shape: {id}"))
                });
            }
        }
        for shape in &doc.shapes {
            if let Some(used) = uses.get(shape.name.as_str()) {
                if *used != format!("{namespace}#{}", shape.name) {
                    return Err(error(
                        shape.pos,
                        None,
                        format!("Shape name `{}` conflicts with imported shape `{used}`", shape.name),
                    ));
                }
            }
        }
        Ok(Resolver { trait_positions: Default::default(), version: doc.version, namespace, uses, known })
    }

    fn absolute(&self, name: &str) -> String {
        format!("{}#{name}", self.namespace)
    }

    /// Resolves a shape id as written (a member id keeps its `$member`):
    /// absolute ids as they are; a name by `use`, then the file's
    /// namespace, then the prelude; otherwise it stays in the file's
    /// namespace, for the checks to report if nothing defines it there.
    fn target(&self, written: &str) -> String {
        match self.lookup(written) {
            Some(id) => id,
            None if written.contains('#') => written.to_string(),
            None => self.absolute(written),
        }
    }

    /// [`Self::target`], `None` when the id names no known shape.
    fn lookup(&self, written: &str) -> Option<String> {
        let (root, member) = match written.split_once('$') {
            Some((root, member)) => (root, Some(member)),
            None => (written, None),
        };
        let with_member = |id: String| match member {
            Some(member) => format!("{id}${member}"),
            None => id,
        };
        if root.contains('#') {
            return self.known.contains(root).then(|| with_member(root.to_string()));
        }
        if let Some(used) = self.uses.get(root) {
            return Some(with_member(used.to_string()));
        }
        if !self.namespace.is_empty() {
            let local = self.absolute(root);
            if self.known.contains(&local) {
                return Some(with_member(local));
            }
        }
        self.known.in_prelude(root).then(|| with_member(format!("{PRELUDE}#{root}")))
    }

    /// A node value as JSON; unquoted shape ids become absolute ids and
    /// must name a shape.
    fn node(&self, node: &Node) -> Result<Value, ResolveError> {
        Ok(match node {
            Node::Null => Value::Null,
            Node::Bool(b) => Value::Bool(*b),
            Node::Number(n) => Value::Number(n.clone()),
            Node::String(s) => Value::String(s.clone()),
            Node::ShapeId(id, pos) => match self.lookup(id) {
                Some(resolved) => Value::String(resolved),
                None => {
                    let guess = if id.contains('#') {
                        id.clone()
                    } else if self.namespace.is_empty() {
                        format!("{PRELUDE}#{id}")
                    } else {
                        self.absolute(id)
                    };
                    return Err(ResolveError {
                        help: Some(format!("quote it (\"{id}\") if it is a string, or define the shape it names")),
                        ..error(
                            *pos,
                            None,
                            format!("Syntactic shape ID `{id}` does not resolve to a valid shape ID: `{guess}`"),
                        )
                    });
                }
            },
            Node::Array(items) => Value::Array(items.iter().map(|n| self.node(n)).collect::<Result<_, _>>()?),
            Node::Object(entries) => {
                let mut map = Map::new();
                for (key, value) in entries {
                    map.insert(key.clone(), self.node(value)?);
                }
                Value::Object(map)
            }
        })
    }

    /// Traits as the JSON AST writes them: by absolute id, `null` for a
    /// trait written without a value (the model's definition of the trait
    /// says what that means), documentation comments as `@documentation`.
    fn traits(&self, traits: &[TraitApp], docs: Option<&str>, shape: &str) -> Result<ast::Traits, ResolveError> {
        let mut out = ast::Traits::new();
        for t in traits {
            let id = self.target(&t.id);
            self.trait_positions.borrow_mut().push((format!("{shape}@{id}"), t.pos));
            let value = match &t.value {
                Some(node) => self.node(node)?,
                None => Value::Null,
            };
            if out.insert(id.clone(), value).is_some() {
                return Err(ResolveError {
                    help: Some("apply each trait once".into()),
                    ..error(t.pos, Some(shape), format!("Trait `{id}` is applied more than once"))
                });
            }
        }
        if let Some(docs) = docs {
            out.entry(format!("{PRELUDE}#documentation")).or_insert_with(|| Value::String(docs.to_string()));
        }
        Ok(out)
    }

    fn target_ref(&self, (id, _): &(String, Pos)) -> Target {
        Target { target: self.target(id) }
    }

    fn shape(&self, def: &ShapeDef, out: &mut Resolved) -> Result<(), ResolveError> {
        let id = self.absolute(&def.name);
        if self.version == Version::V1 {
            if let Some(t) = def.traits.iter().find(|t| self.target(&t.id) == format!("{PRELUDE}#mixin")) {
                return Err(error(
                    t.pos,
                    Some(&id),
                    format!(
                        "Mixins can only be used in Smithy 2.0 or later. Attempted to apply a @mixin trait to `{id}` \
                         in a model file using version `1.0`."
                    ),
                ));
            }
            if let Body::Properties(properties) = &def.body {
                if let Some((_, _, pos)) = properties.iter().find(|(k, _, _)| k == "properties") {
                    return Err(error(
                        *pos,
                        Some(&id),
                        "Resource properties can only be used with Smithy version 2 or later.",
                    ));
                }
            }
        }
        let mut shape = ast::Shape {
            kind: def.kind.clone(),
            traits: self.traits(&def.traits, def.docs.as_deref(), &id)?,
            mixins: def.mixins.iter().map(|m| self.target_ref(m)).collect(),
            ..ast::Shape::default()
        };
        match &def.body {
            Body::None => {}
            Body::Members(members) => self.members(def, &id, members, &mut shape, out)?,
            Body::Properties(properties) => self.properties(&id, properties, &mut shape)?,
            Body::Operation(body) => {
                let io = |io: &Option<IoRef>, out: &mut Resolved, marker: &str| -> Result<_, ResolveError> {
                    Ok(match io {
                        None => None,
                        Some(IoRef::Target(written, _)) => Some(Target { target: self.target(written) }),
                        Some(IoRef::Inline(inline)) => {
                            let mut inline = (**inline).clone();
                            // The walrus marks the structure as input or output
                            // (unless it says so itself).
                            let marker_id = format!("{PRELUDE}#{marker}");
                            if !inline.traits.iter().any(|t| self.target(&t.id) == marker_id) {
                                inline.traits.push(TraitApp { id: marker_id, pos: inline.pos, value: None });
                            }
                            self.shape(&inline, out)?;
                            Some(Target { target: self.absolute(&inline.name) })
                        }
                    })
                };
                shape.input = io(&body.input, out, "input")?;
                shape.output = io(&body.output, out, "output")?;
                shape.errors = body.errors.iter().flatten().map(|e| self.target_ref(e)).collect();
            }
        }
        out.positions.push((id.clone(), def.pos));
        out.shapes.push((id, shape, def.pos));
        Ok(())
    }

    fn members(
        &self,
        def: &ShapeDef,
        id: &str,
        members: &[MemberDef],
        shape: &mut ast::Shape,
        out: &mut Resolved,
    ) -> Result<(), ResolveError> {
        let is_enum = def.kind == "enum" || def.kind == "intEnum";
        let mut resolved: Vec<(String, ast::Member)> = Vec::new();
        for m in members {
            let member_id = format!("{id}${}", m.name);
            out.positions.push((member_id.clone(), m.target.as_ref().map_or(m.pos, |(_, pos)| *pos)));
            let mut traits = self.traits(&m.traits, m.docs.as_deref(), &member_id)?;
            if let Some((value, pos)) = &m.value {
                let key = if is_enum { "enumValue" } else { "default" };
                if traits.insert(format!("{PRELUDE}#{key}"), self.node(value)?).is_some() {
                    return Err(error(
                        *pos,
                        Some(&member_id),
                        format!("@{key} is both applied as a trait and assigned with `=`"),
                    ));
                }
                if is_enum {
                    check_enum_value(&def.kind, value, *pos, &member_id)?;
                }
            }
            let target = match &m.target {
                Some(target) => self.target(&target.0),
                None if is_enum => format!("{PRELUDE}#Unit"),
                None => {
                    out.elided.push(Elided {
                        shape: id.to_string(),
                        member: m.name.clone(),
                        resource: def.for_resource.as_ref().map(|r| self.target(&r.0)),
                        mixins: def.mixins.iter().map(|m| self.target(&m.0)).collect(),
                        pos: m.pos,
                    });
                    String::new()
                }
            };
            resolved.push((m.name.clone(), ast::Member { target, traits }));
        }
        match def.kind.as_str() {
            "list" | "set" | "map" => {
                let names: &[&str] = if def.kind == "map" { &["key", "value"] } else { &["member"] };
                for (name, member) in resolved {
                    let slot = match name.as_str() {
                        "member" if def.kind != "map" => &mut shape.member,
                        "key" if def.kind == "map" => &mut shape.key,
                        "value" if def.kind == "map" => &mut shape.value,
                        _ => {
                            let pos = members.iter().find(|m| m.name == name).map_or(def.pos, |m| m.pos);
                            return Err(ResolveError {
                                help: Some(format!("{} has only the members {}", def.kind, names.join(" and "))),
                                ..error(pos, Some(id), format!("a {} cannot have a member named `{name}`", def.kind))
                            });
                        }
                    };
                    *slot = Some(member);
                }
            }
            _ => shape.members = Some(OrderedMap(resolved)),
        }
        Ok(())
    }

    /// A service's or resource's properties into the JSON AST's fields.
    fn properties(
        &self,
        id: &str,
        properties: &[(String, Node, Pos)],
        shape: &mut ast::Shape,
    ) -> Result<(), ResolveError> {
        let service = shape.kind == "service";
        for (key, node, pos) in properties {
            let bad = |what: &str| {
                Err(error(*pos, Some(id), format!("the `{key}` property of a {} must be {what}", shape.kind)))
            };
            let one = |node: &Node| -> Result<Option<Target>, ResolveError> {
                Ok(match node {
                    Node::ShapeId(written, _) | Node::String(written) => Some(Target { target: self.target(written) }),
                    _ => None,
                })
            };
            let many = |node: &Node| -> Result<Option<Vec<Target>>, ResolveError> {
                let Node::Array(items) = node else { return Ok(None) };
                items.iter().map(one).collect::<Result<Option<Vec<_>>, _>>()
            };
            let named = |node: &Node| -> Result<Option<BTreeMap<String, Target>>, ResolveError> {
                let Node::Object(entries) = node else { return Ok(None) };
                let mut out = BTreeMap::new();
                for (name, value) in entries {
                    let Some(target) = one(value)? else { return Ok(None) };
                    out.insert(name.clone(), target);
                }
                Ok(Some(out))
            };
            match key.as_str() {
                "version" if service => match node {
                    Node::String(v) => shape.version = Some(v.clone()),
                    _ => return bad("a string"),
                },
                "rename" if service => {
                    let Node::Object(entries) = node else { return bad("an object of shape ids to names") };
                    let mut rename = BTreeMap::new();
                    for (from, to) in entries {
                        let Node::String(to) = to else { return bad("an object of shape ids to names") };
                        rename.insert(self.target(from), to.clone());
                    }
                    shape.rename = Some(rename);
                }
                "errors" if service => match many(node)? {
                    Some(list) => shape.errors = list,
                    None => return bad("a list of shape ids"),
                },
                "operations" | "resources" => match many(node)? {
                    Some(list) if key == "operations" => shape.operations = list,
                    Some(list) => shape.resources = list,
                    None => return bad("a list of shape ids"),
                },
                "collectionOperations" if !service => match many(node)? {
                    Some(list) => shape.collection_operations = list,
                    None => return bad("a list of shape ids"),
                },
                "identifiers" | "properties" if !service => match named(node)? {
                    Some(map) if key == "identifiers" => shape.identifiers = Some(map),
                    Some(map) => shape.properties = Some(map),
                    None => return bad("an object of names to shape ids"),
                },
                "create" | "put" | "read" | "update" | "delete" | "list" if !service => {
                    let Some(target) = one(node)? else { return bad("a shape id") };
                    let slot = match key.as_str() {
                        "create" => &mut shape.create,
                        "put" => &mut shape.put,
                        "read" => &mut shape.read,
                        "update" => &mut shape.update,
                        "delete" => &mut shape.delete,
                        _ => &mut shape.list,
                    };
                    *slot = Some(target);
                }
                _ => {
                    let known = if service {
                        "version, operations, resources, errors, rename"
                    } else {
                        "identifiers, properties, create, put, read, update, delete, list, operations, \
                         collectionOperations, resources"
                    };
                    return Err(ResolveError {
                        help: Some(format!("a {} has the properties {known}", shape.kind)),
                        ..error(*pos, Some(id), format!("Unknown property {key} for {id}"))
                    });
                }
            }
        }
        Ok(())
    }
}

/// An enum member's value: a string for `enum`, an integer for `intEnum`.
fn check_enum_value(kind: &str, value: &Node, pos: Pos, member: &str) -> Result<(), ResolveError> {
    let message = match (kind, value) {
        ("enum", Node::String(s)) if s.is_empty() => "enum values may not be empty".to_string(),
        ("enum", Node::String(_)) => return Ok(()),
        ("enum", other) => {
            format!(
                "enum members can only be assigned string values, but found: {}",
                super::parser::describe_node(other)
            )
        }
        (_, Node::Number(n)) if n.is_f64() => "intEnum members do not support floating point values".to_string(),
        (_, Node::Number(n)) => match n.as_i64() {
            Some(v) if i32::try_from(v).is_ok() => return Ok(()),
            _ => format!("intEnum members must fit within an integer, but found: {n}"),
        },
        (_, other) => {
            format!("intEnum members require integer values, but found: {}", super::parser::describe_node(other))
        }
    };
    Err(error(pos, Some(member), message))
}
