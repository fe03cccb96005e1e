//! Passes over the IR, run in this order by [`run`].

pub mod name;
pub mod recursion;
pub mod resolve;
pub mod validation;

use crate::diagnostic::Diagnostics;
use crate::ir::Service;

/// Resolves member types and constraints, plans the validation tables,
/// assigns every Rust name, then boxes recursive members. Returns the
/// warnings (renames), or the errors found.
pub fn run(service: &mut Service) -> Result<Diagnostics, Diagnostics> {
    resolve::run(service)?;
    validation::run(service);
    let warnings = name::run(service);
    recursion::run(service);
    Ok(warnings)
}
