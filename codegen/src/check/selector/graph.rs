//! The model as a graph: shapes and members as nodes, their relationships both ways.

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::model::ast::{Member, Shape, Target, Traits};
use crate::model::load::{LoadedModel, LoadedShape};
use crate::model::vocabulary;

// ---------------------------------------------------------------------------
// The model as a graph.
// ---------------------------------------------------------------------------

/// A model indexed for selectors: every shape and member as a node, and
/// the relationships between them both ways. Build it once per model and
/// evaluate any number of selectors over it.
pub struct ShapeGraph<'m> {
    pub(super) nodes: Vec<Node<'m>>,
    pub(super) index: HashMap<String, usize>,
    /// Relationships from each node.
    pub(super) out: Vec<Vec<(Rel, usize)>>,
    /// Relationships to each node (the node at the other end).
    pub(super) inc: Vec<Vec<(Rel, usize)>>,
}

pub(super) struct Node<'m> {
    /// `ns#Name`, or `ns#Name$member`.
    pub(super) id: String,
    /// The shape type (`structure`), or `member`.
    pub(super) kind: &'m str,
    pub(super) traits: &'m Traits,
    /// The shape; `None` for a member.
    pub(super) shape: Option<&'m Shape>,
}

/// A relationship from one shape to another.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Rel {
    /// An aggregate shape to its member.
    Member,
    /// A member to its target (no relationship name).
    Target,
    Input,
    Output,
    Error,
    /// A service to an operation.
    Operation,
    /// A service or resource to a resource.
    Resource,
    Identifier,
    Property,
    Create,
    Put,
    Read,
    Update,
    Delete,
    List,
    /// A resource to an operation of its `operations`.
    InstanceOperation,
    /// A resource to an operation of its `collectionOperations`.
    CollectionOperation,
    /// A shape to the definition of a trait applied to it.
    Trait,
    /// An operation or resource to the service or resource binding it.
    Bound,
}

impl Rel {
    /// The names that select this relationship in `-[...]->`.
    pub(super) fn names(self) -> &'static [&'static str] {
        match self {
            Rel::Member => &["member"],
            Rel::Target => &[],
            Rel::Input => &["input"],
            Rel::Output => &["output"],
            Rel::Error => &["error"],
            Rel::Operation => &["operation"],
            Rel::Resource => &["resource"],
            Rel::Identifier => &["identifier"],
            Rel::Property => &["property"],
            Rel::Create => &["create", "operation", "collectionOperation"],
            Rel::List => &["list", "operation", "collectionOperation"],
            Rel::Put => &["put", "operation", "instanceOperation"],
            Rel::Read => &["read", "operation", "instanceOperation"],
            Rel::Update => &["update", "operation", "instanceOperation"],
            Rel::Delete => &["delete", "operation", "instanceOperation"],
            Rel::InstanceOperation => &["operation", "instanceOperation"],
            Rel::CollectionOperation => &["operation", "collectionOperation"],
            Rel::Trait => &["trait"],
            Rel::Bound => &["bound"],
        }
    }

    /// Whether `>`, `<` and `~>` follow it.
    fn undirected(self) -> bool {
        !matches!(self, Rel::Trait | Rel::Bound)
    }

    fn selected_by(self, names: Option<&[String]>) -> bool {
        match names {
            None => self.undirected(),
            Some(names) => names.iter().any(|name| self.names().contains(&name.as_str())),
        }
    }
}

const UNIT: &str = "smithy.api#Unit";
pub(super) const PRELUDE_PREFIX: &str = "smithy.api#";

/// The members of a shape, by name, in order.
pub(super) fn members(shape: &Shape) -> Vec<(&str, &Member)> {
    let mut out: Vec<(&str, &Member)> = shape.members.iter().flat_map(|m| m.iter()).collect();
    out.extend(shape.member.iter().map(|m| ("member", m)));
    out.extend(shape.key.iter().map(|m| ("key", m)));
    out.extend(shape.value.iter().map(|m| ("value", m)));
    out
}

/// The relationships a shape's own fields name (not members or traits).
fn references(shape: &Shape) -> Vec<(Rel, &str)> {
    pub(super) fn push<'s>(out: &mut Vec<(Rel, &'s str)>, rel: Rel, targets: impl IntoIterator<Item = &'s Target>) {
        out.extend(targets.into_iter().map(|t| (rel, t.target.as_str())));
    }
    let mut out = Vec::new();
    push(&mut out, Rel::Input, shape.input.iter().filter(|t| t.target != UNIT));
    push(&mut out, Rel::Output, shape.output.iter().filter(|t| t.target != UNIT));
    push(&mut out, Rel::Error, &shape.errors);
    let operations = if shape.kind == "resource" { Rel::InstanceOperation } else { Rel::Operation };
    push(&mut out, operations, &shape.operations);
    push(&mut out, Rel::CollectionOperation, &shape.collection_operations);
    push(&mut out, Rel::Resource, &shape.resources);
    push(&mut out, Rel::Identifier, shape.identifiers.iter().flat_map(|m| m.values()));
    push(&mut out, Rel::Property, shape.properties.iter().flat_map(|m| m.values()));
    push(&mut out, Rel::Create, &shape.create);
    push(&mut out, Rel::Put, &shape.put);
    push(&mut out, Rel::Read, &shape.read);
    push(&mut out, Rel::Update, &shape.update);
    push(&mut out, Rel::Delete, &shape.delete);
    push(&mut out, Rel::List, &shape.list);
    out
}

impl<'m> ShapeGraph<'m> {
    /// The graph of a loaded model, with Smithy's prelude and the
    /// vocabulary shapes the model's relationships lead to.
    pub fn new(model: &'m LoadedModel) -> ShapeGraph<'m> {
        ShapeGraph::from_shapes(&model.shapes, Some(vocabulary::shapes()))
    }

    /// The graph of `shapes`, with the `smithy.api` shapes of `outside` and
    /// the shapes of `outside` that relationships lead to (a shape of
    /// `shapes` wins over one of `outside` with the same id).
    pub fn from_shapes(
        shapes: &'m BTreeMap<String, LoadedShape>,
        outside: Option<&'m BTreeMap<String, LoadedShape>>,
    ) -> ShapeGraph<'m> {
        let lookup = |id: &str| shapes.get_key_value(id).or_else(|| outside.and_then(|o| o.get_key_value(id)));
        let mut graph = ShapeGraph { nodes: Vec::new(), index: HashMap::new(), out: Vec::new(), inc: Vec::new() };
        let mut pending: Vec<&'m str> = shapes.keys().map(String::as_str).collect();
        pending.extend(
            outside.iter().flat_map(|o| o.keys()).filter(|id| id.starts_with(PRELUDE_PREFIX)).map(String::as_str),
        );
        pending.reverse();
        let mut seen: HashSet<&'m str> = HashSet::new();
        while let Some(id) = pending.pop() {
            if !seen.insert(id) {
                continue;
            }
            let Some((id, loaded)) = lookup(id) else { continue };
            let shape = &loaded.shape;
            graph.add(id.clone(), &shape.kind, &shape.traits, Some(shape));
            pending.extend(shape.traits.keys().map(String::as_str));
            pending.extend(references(shape).into_iter().map(|(_, target)| target));
            for (name, member) in members(shape) {
                graph.add(format!("{id}${name}"), "member", &member.traits, None);
                pending.push(&member.target);
                pending.extend(member.traits.keys().map(String::as_str));
            }
        }
        graph.link();
        graph
    }

    pub(super) fn add(&mut self, id: String, kind: &'m str, traits: &'m Traits, shape: Option<&'m Shape>) {
        self.index.insert(id.clone(), self.nodes.len());
        self.nodes.push(Node { id, kind, traits, shape });
    }

    /// Builds the relationships once every node is known.
    fn link(&mut self) {
        let count = self.nodes.len();
        let mut edges: Vec<(usize, Rel, usize)> = Vec::new();
        for from in 0..count {
            let node = &self.nodes[from];
            for trait_id in node.traits.keys() {
                if let Some(&to) = self.index.get(trait_id) {
                    edges.push((from, Rel::Trait, to));
                }
            }
            let Some(shape) = node.shape else { continue };
            for (name, member) in members(shape) {
                let Some(&m) = self.index.get(&format!("{}${name}", node.id)) else { continue };
                edges.push((from, Rel::Member, m));
                if let Some(&target) = self.index.get(&member.target) {
                    edges.push((m, Rel::Target, target));
                }
            }
            for (rel, target) in references(shape) {
                let Some(&to) = self.index.get(target) else { continue };
                edges.push((from, rel, to));
                let binds = matches!(
                    rel,
                    Rel::Operation
                        | Rel::Resource
                        | Rel::InstanceOperation
                        | Rel::CollectionOperation
                        | Rel::Create
                        | Rel::Put
                        | Rel::Read
                        | Rel::Update
                        | Rel::Delete
                        | Rel::List
                );
                if binds {
                    edges.push((to, Rel::Bound, from));
                }
            }
        }
        self.out = vec![Vec::new(); count];
        self.inc = vec![Vec::new(); count];
        for (from, rel, to) in edges {
            if !self.out[from].contains(&(rel, to)) {
                self.out[from].push((rel, to));
                self.inc[to].push((rel, from));
            }
        }
    }

    /// Whether the graph has the shape or member `id`.
    pub fn contains(&self, id: &str) -> bool {
        self.index.contains_key(id)
    }

    /// The ids of every shape and member in the graph.
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.nodes.iter().map(|n| n.id.as_str())
    }

    /// The neighbors of `n` by the relationships `names` selects (every
    /// undirected one when `None`), forward or reverse.
    pub(super) fn neighbors<'a>(
        &'a self,
        n: usize,
        names: Option<&'a [String]>,
        forward: bool,
    ) -> impl Iterator<Item = usize> + 'a {
        let edges = if forward { &self.out[n] } else { &self.inc[n] };
        edges.iter().filter(move |(rel, _)| rel.selected_by(names)).map(|(_, m)| *m)
    }
}
