//! The checked model: what [`crate::check`] returns when a loaded model is
//! sound, and what [`crate::ir::lower`] builds the IR from.
//!
//! Kinds are [`Kind`]s, targets are shape ids that exist (in the model or
//! the prelude), and the traits the generator reads are parsed into
//! [`Traits`] ([`super::traits`] parses each, once). The raw traits stay on the
//! loaded model ([`crate::model::load::LoadedModel`]) for what reads them as
//! Smithy does: selectors, trait definitions and import.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use super::kind::{Kind, UNIT, prelude_shape};
use super::traits::Traits;

/// A checked model: every shape of the loaded model whose kind is known.
#[derive(Clone, Debug, Default)]
pub struct Model {
    /// The directory the spec was read from.
    pub dir: PathBuf,
    /// Every shape by absolute shape id.
    pub shapes: BTreeMap<String, Shape>,
}

/// A shape of the checked model.
#[derive(Clone, Debug)]
pub struct Shape {
    pub id: String,
    /// The file that defines it.
    pub file: PathBuf,
    pub kind: Kind,
    pub traits: Traits,
    /// Its members in model order: a structure's, union's or enum's; a
    /// list's `member`; a map's `key` and `value`.
    pub members: Vec<Member>,
    /// An operation's input and output (`None` for `smithy.api#Unit`).
    pub input: Option<String>,
    pub output: Option<String>,
    /// An operation's errors, or a service's errors common to all its
    /// operations.
    pub errors: Vec<String>,
    /// The operations a service binds, itself or through its resources
    /// (and theirs), each once, in the order the model binds them; empty
    /// for other shapes.
    pub operations: Vec<String>,
    /// A service's `version`.
    pub version: Option<String>,
    /// A service's `rename` map: shape id to the name the shape has in the
    /// service.
    pub rename: BTreeMap<String, String>,
}

/// A member of a shape.
#[derive(Clone, Debug)]
pub struct Member {
    pub name: String,
    pub target: String,
    pub traits: Traits,
}

impl Shape {
    /// The member named `name`.
    pub fn member(&self, name: &str) -> Option<&Member> {
        self.members.iter().find(|m| m.name == name)
    }
}

impl Model {
    /// The shape `id` defines, if the model defines it (not the prelude).
    pub fn shape(&self, id: &str) -> Option<&Shape> {
        self.shapes.get(id)
    }

    /// The kind of the shape `id` names, from the model or the prelude.
    pub fn kind_of(&self, id: &str) -> Option<Kind> {
        match self.shapes.get(id) {
            Some(shape) => Some(shape.kind),
            None => prelude_shape(id).map(|(kind, _)| kind),
        }
    }

    /// The structure shape `id` defines, if it is one.
    pub fn structure(&self, id: &str) -> Option<&Shape> {
        self.shape(id).filter(|s| s.kind == Kind::Structure)
    }

    /// The service shapes, by id.
    pub fn services(&self) -> impl Iterator<Item = &Shape> {
        self.shapes.values().filter(|s| s.kind == Kind::Service)
    }

    /// Every operation bound to the service `service_id`, itself or
    /// through its resources, by id.
    pub fn bound_operations(&self, service_id: &str) -> BTreeSet<String> {
        self.shape(service_id).map(|s| s.operations.iter().cloned().collect()).unwrap_or_default()
    }

    /// Whether the shape `id` is a `@streaming` one of `kind` (a blob: a
    /// byte stream; a union: an event stream).
    pub fn is_stream(&self, id: &str, kind: Kind) -> bool {
        self.shape(id).is_some_and(|s| s.kind == kind && s.traits.streaming)
    }
}

/// An operation's input or output target as the checked model keeps it:
/// `None` for the unit type.
pub(crate) fn io_target(target: Option<&str>) -> Option<String> {
    target.filter(|t| *t != UNIT).map(str::to_string)
}
