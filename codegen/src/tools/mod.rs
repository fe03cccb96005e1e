//! Tools around the generator: [`import`] slices AWS's models (Smithy's
//! JSON AST, botocore's JSON) into spec directories, [`sweep`] runs many
//! models through the generator and reports each, and [`stale`] compares
//! generated files with what is on the disk.

pub mod import;
pub mod stale;
pub mod sweep;
