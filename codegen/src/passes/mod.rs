//! Passes over the IR, run in this order by [`run`].

pub mod name;
pub mod recursion;
pub mod resolve;

use crate::diagnostic::Diagnostics;
use crate::ir::Service;

/// Resolves member types and constraints, assigns Rust names (refusing
/// collisions), then boxes recursive members.
pub fn run(service: &mut Service) -> Result<(), Diagnostics> {
    resolve::run(service)?;
    name::run(service)?;
    recursion::run(service);
    Ok(())
}
