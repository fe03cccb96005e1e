//! Generates the Notes service from its Smithy IDL into `OUT_DIR` on each
//! build that needs it (when a spec file changes).

fn main() {
    if let Err(e) = awsgen_codegen::build::Config::new().spec_dir("../notes/specs").generate() {
        // The spec's errors, each with its file, shape, line and column.
        eprintln!("{e}");
        std::process::exit(1);
    }
}
