//! Passes over the IR, run in this order by [`run`].

pub mod alias;
pub mod direction;
pub mod name;
pub mod recursion;
pub mod validation;

use crate::diagnostic::Diagnostics;
use crate::ir::Service;

/// Plans the validation tables, writes collections too deep to spell
/// inline as aliases, assigns every Rust name, boxes recursive members,
/// then marks which types a server reads and writes. Returns the warnings
/// (renames).
pub fn run(service: &mut Service) -> Diagnostics {
    validation::run(service);
    alias::run(service);
    let warnings = name::run(service);
    recursion::run(service);
    direction::run(service);
    warnings
}
