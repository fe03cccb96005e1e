//! A generator of Rust crates from Smithy 2.0 specs, in the IDL or the JSON AST.
//!
//! The modules follow the pipeline's layers:
//!
//! - [`model`]: [`model::load`] reads a spec directory ([`model::idl`] reads
//!   `.smithy` files, `model::assemble` flattens mixins and `apply`);
//! - [`check`] refuses bad models with errors that name the file and shape
//!   (`check::http_bindings` those of restJson1's HTTP bindings) and returns
//!   the checked [`model::Model`], every trait the generator reads parsed into
//!   a typed value ([`model::traits`]);
//! - [`ir`]: [`ir::lower`] builds the IR from the checked model, types
//!   included, and [`ir::passes`] plan the validation tables, name things and
//!   box recursion;
//! - `emit` writes the crate's files, and [`mod@openapi`] OpenAPI documents
//!   of restJson1 services ([`openapi()`]);
//! - [`tools`]: import, the corpus sweep, staleness checks.
//!
//! Nothing writes to the disk: [`generate`] returns the files, and the caller
//! writes them ([`generate_files`] does the same from spec files in memory).
//! `docs/reference/architecture.md` describes the pipeline in full.

pub mod build;
pub mod check;
pub mod diagnostic;
pub(crate) mod emit;
pub mod ir;
pub mod model;
pub mod openapi;
pub mod tools;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub use diagnostic::{Diagnostic, Diagnostics, Severity, WarningKind};
pub use model::load::SpecFiles;
pub use openapi::OpenApi;

use ir::{lower, names, passes};
use model::{load, shape_id};

/// How to generate a crate.
#[derive(Clone, Debug)]
pub struct Settings {
    /// The package name in the generated `Cargo.toml`.
    pub crate_name: String,
    /// Whether the crate is its own workspace root (for `--out` outside this
    /// workspace) rather than a member of an enclosing workspace.
    pub standalone: bool,
    /// `[dev-dependencies]` entries for the crate's hand-written tests: the
    /// name, and the entry's TOML value (`"1.0"`, `{ path = "." }`).
    pub dev_dependencies: Vec<(String, String)>,
    /// Where the crate finds the runtime crate it re-exports as `runtime`.
    pub runtime: RuntimeSource,
}

/// The runtime crate's package name: what every generated crate depends on.
pub const RUNTIME_CRATE: &str = "awsgen-runtime";

/// The version of the runtime crate that this generator writes code for; a
/// generated crate requires it (`awsgen-runtime = "0.7.0"`, Cargo's caret
/// requirement).
pub const RUNTIME_VERSION: &str = "0.7.0";

/// Where a generated crate finds the runtime crate.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum RuntimeSource {
    /// A directory, as the generated `Cargo.toml` writes it: relative to the
    /// generated crate, or absolute.
    Path(String),
    /// A registry (crates.io, or the one the user's Cargo is set up for),
    /// by version alone.
    #[default]
    Registry,
}

/// The files of a generated crate, and the warnings found on the way.
#[derive(Debug)]
pub struct Generated {
    /// File contents by path relative to the crate root.
    pub files: BTreeMap<PathBuf, String>,
    pub warnings: Diagnostics,
}

/// One crate that `cargo xtask codegen` keeps up to date in this workspace.
#[derive(Clone, Debug)]
pub struct WorkspaceTarget {
    /// The spec directory, relative to the workspace root.
    pub spec: PathBuf,
    /// The crate directory, relative to the workspace root.
    pub out: PathBuf,
    pub settings: Settings,
}

/// The crates generated in this workspace: the product's own (`specs/` to
/// `generated/`), the crates Smithy's validation suite and awsJson1.0 and
/// 1.1 protocol tests run against, the examples (`examples/notes`, in Smithy
/// IDL, and `examples/lambda`, a slice of AWS Lambda's restJson1 model), and
/// the DynamoDB and SQS crate the emulator serves (`emulator/specs/` to
/// `emulator/generated/`).
pub fn workspace_targets() -> Vec<WorkspaceTarget> {
    let target = |spec: &str, out: &str, crate_name: &str, dev_dependencies: &[(&str, &str)]| WorkspaceTarget {
        spec: PathBuf::from(spec),
        out: PathBuf::from(out),
        settings: Settings {
            crate_name: crate_name.to_string(),
            standalone: false,
            dev_dependencies: dev_dependencies.iter().map(|(n, v)| (n.to_string(), v.to_string())).collect(),
            runtime: RuntimeSource::Path(relative_path(Path::new(out), Path::new("runtime"))),
        },
    };
    vec![
        // generated/tests read JSON and snapshot validation bodies with
        // insta, round-trip the seeds' samples through every type, and throw
        // proptest's arbitrary inputs at every operation.
        target(
            "specs",
            "generated",
            "generated",
            &[
                ("generated", r#"{ path = ".", features = ["full-serde"] }"#),
                ("insta", r#""1.43.1""#),
                ("proptest", r#"{ version = "1.6.0", default-features = false, features = ["std"] }"#),
                ("serde_json", r#""1.0.140""#),
            ],
        ),
        // Smithy's validation suite and AWS JSON protocol tests, read from
        // their IDL sources in models/smithy (each spec directory's
        // smithy-build.json names them).
        target("conformance/specs/rest_json_validation", "conformance/validation-suite", "validation-suite", &[]),
        target("conformance/specs/protocol", "conformance/protocol-tests", "protocol-tests", &[]),
        // The README's example service, written in Smithy IDL.
        target("examples/notes/specs", "examples/notes/generated", "notes-generated", &[]),
        // The restJson1 example: a slice of AWS Lambda's model, served by
        // examples/lambda/server and driven by awscli and boto3.
        target("examples/lambda/specs", "examples/lambda/generated", "lambda-generated", &[]),
        // The input and output event streams example: a slice of Amazon
        // Transcribe's streaming model, served by examples/transcribe/server
        // and driven by AWS's JavaScript SDK over HTTP/2.
        target("examples/transcribe/specs", "examples/transcribe/generated", "transcribe-generated", &[]),
        // DynamoDB and SQS, whole, for the emulator's example server.
        target("emulator/specs", "emulator/generated", "emulator-generated", &[]),
    ]
}

/// The path from directory `from` to directory `to`, both relative to the
/// same root and free of `..`, with `/` separators (as `Cargo.toml` writes
/// paths): `generated` to `runtime` is `../runtime`.
pub fn relative_path(from: &Path, to: &Path) -> String {
    let from: Vec<_> = from.components().collect();
    let to: Vec<_> = to.components().collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let up = std::iter::repeat_n("..".to_string(), from.len() - common);
    let down = to[common..].iter().map(|c| c.as_os_str().to_string_lossy().into_owned());
    let parts: Vec<String> = up.chain(down).collect();
    if parts.is_empty() { ".".to_string() } else { parts.join("/") }
}

/// The spec directories under `spec`: `spec` itself when it holds `*.smithy`
/// or `*.json` files (one service), otherwise each subdirectory that does,
/// by name.
pub fn service_dirs(spec: &Path) -> Result<Vec<PathBuf>, Diagnostics> {
    if !load::spec_files(spec)?.is_empty() {
        return Ok(vec![spec.to_path_buf()]);
    }
    let entries = std::fs::read_dir(spec)
        .map_err(|e| Diagnostic::error(format!("cannot read the spec directory: {e}")).in_file(spec))?;
    let mut dirs = Vec::new();
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() && !load::spec_files(&path)?.is_empty() {
            dirs.push(path);
        }
    }
    dirs.sort();
    if dirs.is_empty() {
        return Err(Diagnostic::error(
            "no spec found: neither the directory nor its subdirectories hold *.smithy or *.json files",
        )
        .in_file(spec)
        .help("pass a service's spec directory (e.g. specs/ssm) or a directory of them (specs)")
        .into());
    }
    Ok(dirs)
}

/// Loads, checks and lowers a spec directory whose model has one service.
/// Returns the IR and any warnings, or every error found.
pub fn load_service(dir: &Path) -> Result<(ir::Service, Diagnostics), Diagnostics> {
    one_service(dir, load_services(dir)?)
}

/// [`load_service`] for spec files held in memory, read as the files of a
/// spec directory `dir` (which names the module and appears in messages;
/// it need not exist).
pub fn load_service_files(dir: &Path, files: &SpecFiles) -> Result<(ir::Service, Diagnostics), Diagnostics> {
    one_service(dir, finish(&load::load_files(dir, files)?, dir)?)
}

/// Loads, checks and lowers every service of a spec directory's model into
/// finished IR: one service is generated into a module named after the
/// directory, several each into a module named after the service.
pub fn load_services(dir: &Path) -> Result<(Vec<ir::Service>, Diagnostics), Diagnostics> {
    finish(&load::load_dir(dir)?, dir)
}

fn one_service(
    dir: &Path,
    (mut services, warnings): (Vec<ir::Service>, Diagnostics),
) -> Result<(ir::Service, Diagnostics), Diagnostics> {
    match services.len() {
        1 => Ok((services.remove(0), warnings)),
        n => Err(Diagnostic::error(format!("the spec defines {n} services where one was expected"))
            .in_file(dir)
            .help("generate the directory with `generate`, which makes a module for each service")
            .into()),
    }
}

/// Checks and lowers a loaded model, each of its services.
fn finish(model: &load::LoadedModel, dir: &Path) -> Result<(Vec<ir::Service>, Diagnostics), Diagnostics> {
    let (mut diagnostics, checked) = check::check(model);
    let suppressions = check::suppress::Suppressions::read(model, &mut diagnostics);
    model.locate(&mut diagnostics);
    if diagnostics.has_errors() {
        return Err(diagnostics);
    }
    let ids: Vec<&String> = checked.services().map(|s| &s.id).collect();
    let mut services = Vec::new();
    for id in &ids {
        let module = if ids.len() == 1 { module_name(dir)? } else { service_module_name(model, id)? };
        let located = |mut found: Diagnostics| {
            model.locate(&mut found);
            found
        };
        let mut service = lower::lower(&checked, id, &module).map_err(located)?;
        diagnostics.extend(located(passes::run(&mut service)));
        services.push(service);
    }
    diagnostics.suppress(|warning| suppressions.silences(warning));
    Ok((services, diagnostics))
}

/// The module a spec directory with one service is generated into: the
/// directory's name in snake case.
fn module_name(dir: &Path) -> Result<String, Diagnostics> {
    let name = dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let module = names::field_name(&name);
    // The module is also a directory name, so it cannot be a raw identifier;
    // `runtime` is taken by the support code.
    if module.is_empty() || module.starts_with("r#") || module.ends_with('_') || module == "runtime" {
        return Err(Diagnostic::error(format!("the spec directory's name `{name}` cannot be a Rust module name"))
            .in_file(dir)
            .help("rename the directory, e.g. after the service (`ssm`, `kms`)")
            .into());
    }
    Ok(module)
}

/// The module of one of several services of a model: its shape name in
/// snake case (`AmazonML_20141212` gives `amazon_ml_20141212`).
fn service_module_name(model: &load::LoadedModel, id: &str) -> Result<String, Diagnostics> {
    let name = shape_id::name(id);
    let module = names::field_name(name);
    if module.is_empty() || module.starts_with("r#") || module.ends_with('_') || module == "runtime" {
        return Err(Diagnostic::error(format!("the service name `{name}` cannot be a Rust module name"))
            .in_file(&model.shapes[id].file)
            .at_shape(id)
            .help("rename the service shape, or give it a spec directory of its own")
            .into());
    }
    Ok(module)
}

/// Generates a crate from every service under `spec` (see [`service_dirs`]).
/// Either every service is fine and all files are returned, or nothing is.
pub fn generate(spec: &Path, settings: &Settings) -> Result<Generated, Diagnostics> {
    let (services, warnings) = load_spec(spec, |_| {})?;
    emit_services(&services, warnings, settings)
}

/// Every service of every spec directory under `spec` ([`service_dirs`]),
/// as finished IR, with the warnings; or the errors of all of them.
/// `loaded` sees each directory's loaded model (its files, for a build
/// script's `rerun-if-changed`).
fn load_spec(
    spec: &Path,
    mut loaded: impl FnMut(&load::LoadedModel),
) -> Result<(Vec<ir::Service>, Diagnostics), Diagnostics> {
    let mut services = Vec::new();
    let mut warnings = Diagnostics::default();
    let mut errors = Diagnostics::default();
    for dir in service_dirs(spec)? {
        let found = load::load_dir(&dir).and_then(|model| {
            loaded(&model);
            finish(&model, &dir)
        });
        match found {
            Ok((found_services, found)) => {
                warnings.extend(found);
                services.extend(found_services);
            }
            Err(found) => errors.extend(found),
        }
    }
    if errors.has_errors() {
        return Err(errors);
    }
    Ok((services, warnings))
}

/// The crate of `services`, unless two of them would share a module.
fn emit_services(
    services: &[ir::Service],
    warnings: Diagnostics,
    settings: &Settings,
) -> Result<Generated, Diagnostics> {
    let mut modules: BTreeMap<&str, &Path> = BTreeMap::new();
    for service in services {
        if let Some(other) = modules.insert(&service.module, &service.file) {
            return Err(Diagnostic::error(format!(
                "two services would both be generated into module `{}`",
                service.module
            ))
            .in_file(&service.file)
            .help(format!("rename one of the spec directories (the other is {})", other.display()))
            .into());
        }
    }
    Ok(Generated { files: emit::emit_crate(services, settings), warnings })
}

/// Generates a crate from spec files held in memory (as
/// [`tools::import::slice_smithy`] returns them), as [`generate`] would from a
/// spec directory `dir` holding them: `dir` names the module of a lone
/// service and appears in messages, but nothing is read or written.
pub fn generate_files(dir: &Path, files: &SpecFiles, settings: &Settings) -> Result<Generated, Diagnostics> {
    let (services, warnings) = finish(&load::load_files(dir, files)?, dir)?;
    emit_services(&services, warnings, settings)
}

/// The OpenAPI 3.1 document of every restJson1 service under `spec` (see
/// [`service_dirs`]), read from the finished IR as [`generate`] reads it:
/// each document pretty-printed JSON, byte for byte the same for the same
/// model, by the service's absolute shape id ([`OpenApi::documents`]).
/// Services of other protocols are skipped, each with a warning; a spec
/// with no restJson1 service is an error, as is any error in the model.
/// [`mod@openapi`] says what a document holds.
pub fn openapi(spec: &Path) -> Result<OpenApi, Diagnostics> {
    let (services, warnings) = load_spec(spec, |_| {})?;
    openapi::documents(&services, warnings, spec)
}

/// [`openapi()`] for spec files held in memory, read as the files of a spec
/// directory `dir` (as [`generate_files`] reads them).
pub fn openapi_files(dir: &Path, files: &SpecFiles) -> Result<OpenApi, Diagnostics> {
    let (services, warnings) = finish(&load::load_files(dir, files)?, dir)?;
    openapi::documents(&services, warnings, dir)
}
