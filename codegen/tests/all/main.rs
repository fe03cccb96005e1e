//! codegen's integration tests, in one binary (each file a module): one
//! link instead of fifteen. Smithy's IDL loader suite is a binary of its
//! own (`idl_loader_suite.rs`), without libtest's harness, so that its
//! counts print in every run.

// The tests name the library as its dependents do.
extern crate awsgen_codegen as codegen;

mod common;

mod bad_specs;
mod botocore_equivalence;
mod build_script;
mod corpus;
mod fresh;
mod http_bindings;
mod idl_round_trip;
mod import;
mod java_patterns;
mod model_agreement;
mod names;
mod node_differential;
mod openapi;
mod rest_json_types;
mod seed_pages;
mod snapshots;
mod sweep;
