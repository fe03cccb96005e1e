//! Generating from a build script (`build.rs`), as prost-build does: the code
//! is written into `OUT_DIR` on every build that needs it and included with
//! one line, instead of being checked in.
//!
//! ```no_run
//! // build.rs, in `main`:
//! awsgen_codegen::build::Config::new().spec_dir("specs").generate()?;
//! # Ok::<(), awsgen_codegen::build::Error>(())
//! ```
//!
//! ```ignore
//! // src/lib.rs: at the crate's root, since the generated code names its
//! // items from there (`crate::runtime`, `crate::<service>::types::...`).
//! include!(concat!(env!("OUT_DIR"), "/awsgen.rs"));
//! ```
//!
//! The crate depends on `awsgen-runtime` (the version [`crate::RUNTIME_VERSION`])
//! and `serde` (with `derive`), as a generated crate's `Cargo.toml` would;
//! the runtime's `server` and `sigv4` features serve and sign. Declaring a
//! feature `full-serde = []` gives every type `Serialize` and
//! `Deserialize`. The included root adds `runtime` (the runtime crate,
//! re-exported) and one module per service to the crate's root.
//!
//! Cargo reruns the script when any file the spec reads changes (every
//! file is printed as `cargo:rerun-if-changed`, with the spec directory
//! itself for files added or removed). Warnings reach Cargo as
//! `cargo:warning` lines; errors fail the build with the same messages
//! `awsgen generate` prints.

use std::fmt;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::emit;
use crate::{Diagnostics, RuntimeSource, Settings};

/// The file the crate includes, in the output directory.
pub const ROOT_FILE: &str = "awsgen.rs";

/// The directory beside [`ROOT_FILE`] that holds the modules.
pub const MODULE_DIR: &str = "awsgen";

/// What to generate, and where: [`Config::new`], then
/// [`Config::spec_dir`], then [`Config::generate`].
#[derive(Clone, Debug, Default)]
pub struct Config {
    spec_dir: Option<PathBuf>,
    out_dir: Option<PathBuf>,
}

impl Config {
    /// A configuration that writes into Cargo's `OUT_DIR`.
    pub fn new() -> Self {
        Config::default()
    }

    /// The spec directory: a service's (its `*.smithy` or `*.json` files),
    /// or a directory of them, one module each. Relative paths are from
    /// the crate's root, where Cargo runs build scripts.
    pub fn spec_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.spec_dir = Some(dir.into());
        self
    }

    /// Where to write, instead of `OUT_DIR`.
    pub fn out_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.out_dir = Some(dir.into());
        self
    }

    /// Generates the code: [`ROOT_FILE`] and the [`MODULE_DIR`] beside it,
    /// only files whose contents changed rewritten (so Cargo does not
    /// rebuild what is the same), files no longer generated removed. One
    /// spec error, and nothing is written.
    pub fn generate(self) -> Result<(), Error> {
        let spec = self.spec_dir.ok_or(Error::NoSpecDir)?;
        let out = match self.out_dir {
            Some(dir) => dir,
            None => std::env::var_os("OUT_DIR").map(PathBuf::from).ok_or(Error::NoOutDir)?,
        };
        // Cargo reruns the script when the directory or a file read changes.
        println!("cargo:rerun-if-changed={}", spec.display());
        let (services, warnings) = crate::load_spec(&spec, |model| {
            for file in &model.files {
                println!("cargo:rerun-if-changed={}", file.display());
            }
        })
        .map_err(Error::Spec)?;
        for warning in warnings.warnings() {
            // Cargo shows one line per `cargo:warning`.
            for line in warning.to_string().lines() {
                println!("cargo:warning={line}");
            }
        }
        // The generated code's only feature; declared here so a crate that
        // does not declare it gets no `unexpected_cfgs` warning.
        println!("cargo::rustc-check-cfg=cfg(feature, values(\"{}\"))", emit::FULL_SERDE);
        let modules = out.join(MODULE_DIR);
        let settings = Settings {
            crate_name: "awsgen-build".to_string(),
            standalone: false,
            dev_dependencies: Vec::new(),
            runtime: RuntimeSource::Registry,
        };
        let files = crate::emit_services(&services, warnings, &settings).map_err(Error::Spec)?.files;
        let mut wanted = std::collections::BTreeSet::new();
        for (path, contents) in &files {
            // The crate's modules, under `src/` except its root and manifest.
            let Ok(relative) = path.strip_prefix("src") else { continue };
            if relative == Path::new("lib.rs") || relative.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let path = modules.join(relative);
            write_if_changed(&path, contents)?;
            wanted.insert(path);
        }
        for stale in crate::tools::stale::files_under(&modules) {
            if !wanted.contains(&stale) {
                fs::remove_file(&stale).map_err(|e| Error::Io(stale.clone(), e))?;
            }
        }
        let root = out.join(ROOT_FILE);
        write_if_changed(&root, &emit::included_root(&services, &modules))?;
        Ok(())
    }
}

fn write_if_changed(path: &Path, contents: &str) -> Result<(), Error> {
    if fs::read_to_string(path).is_ok_and(|old| old == contents) {
        return Ok(());
    }
    let dir = path.parent().expect("generated files are in a directory");
    fs::create_dir_all(dir).map_err(|e| Error::Io(dir.to_path_buf(), e))?;
    fs::write(path, contents).map_err(|e| Error::Io(path.to_path_buf(), e))
}

/// Why [`Config::generate`] failed.
#[derive(Debug)]
pub enum Error {
    /// The spec has errors; each names its file, shape and what to fix.
    Spec(Diagnostics),
    /// A file could not be written.
    Io(PathBuf, io::Error),
    /// No [`Config::spec_dir`] was given.
    NoSpecDir,
    /// `OUT_DIR` is not set (the script is not run by Cargo) and no
    /// [`Config::out_dir`] was given.
    NoOutDir,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Spec(diagnostics) => {
                let count = diagnostics.errors().count();
                write!(f, "{diagnostics}\n\n{count} error{} in the spec", if count == 1 { "" } else { "s" })
            }
            Error::Io(path, e) => write!(f, "writing {}: {e}", path.display()),
            Error::NoSpecDir => f.write_str("no spec directory: call Config::spec_dir"),
            Error::NoOutDir => f.write_str("OUT_DIR is not set: run from a build script, or call Config::out_dir"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Spec(diagnostics) => Some(diagnostics),
            Error::Io(_, e) => Some(e),
            _ => None,
        }
    }
}
