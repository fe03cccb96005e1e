//! The model layer: Smithy models as files hold them, and as the generator
//! reads them once they are checked.
//!
//! [`load`] reads a spec directory into a [`load::LoadedModel`]: JSON AST
//! files ([`ast`]) and Smithy IDL ([`idl`]), with mixins and `apply`
//! resolved (`assemble`) and the trait definitions the generator ships
//! ([`vocabulary`]). [`crate::check`] turns it into the checked [`Model`]
//! ([`checked`]), whose traits are typed ([`traits`]). [`kind`],
//! [`shape_id`], [`pattern`] (Smithy's `@pattern` dialect) and `docs`
//! (documentation to Markdown) are the vocabulary both share.

pub(crate) mod assemble;
pub mod ast;
pub mod checked;
pub(crate) mod docs;
pub mod idl;
pub mod kind;
pub mod load;
pub mod pattern;
pub mod shape_id;
pub mod traits;
pub mod vocabulary;

pub use checked::{Member, Model, Shape};
pub use traits::{Protocol, Traits};
