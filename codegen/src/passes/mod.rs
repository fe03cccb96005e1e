//! Passes over the IR, run in this order by [`run`].

pub mod alias;
pub mod direction;
pub mod name;
pub mod recursion;
pub mod resolve;
pub mod validation;

use crate::diagnostic::Diagnostics;
use crate::ir::Service;

/// Resolves member types and constraints, plans the validation tables,
/// writes collections too deep to spell inline as aliases, assigns every
/// Rust name, boxes recursive members, then marks which
/// types a server reads and writes. Returns the
/// warnings (renames), or the errors found.
pub fn run(service: &mut Service) -> Result<Diagnostics, Diagnostics> {
    resolve::run(service)?;
    validation::run(service);
    alias::run(service);
    let warnings = name::run(service);
    recursion::run(service);
    direction::run(service);
    Ok(warnings)
}
