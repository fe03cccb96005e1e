//! `cargo xtask`: the command line over the `codegen` library. It parses
//! arguments and writes files; everything else happens in the library.

mod files;
mod flags;
mod measure;
mod sweep;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::{env, fs, io};

use files::write_atomically;
use flags::{ImportSource, Task};

use codegen::model::load::read_model;
use codegen::tools::stale::{OWNED_DIRS, Stale, stale_files};
use codegen::{Generated, RuntimeSource, Settings};

const USAGE: &str = "\
usage: cargo xtask codegen [--check] [--spec DIR --out DIR [--crate-name NAME] [--runtime-path DIR | --runtime-registry]]
       cargo xtask import (--smithy FILE|DIR | --botocore FILE) [--operations A,B] [--out DIR]
       cargo xtask sweep DIR [--build] [--protocol P[,P...]]
       cargo xtask conformance
       cargo xtask measure [--corpus DIR]

codegen      generates Rust crates from Smithy 2.0 specs (IDL or JSON AST). Without
             --spec/--out it regenerates this workspace's crates (specs/ into
             generated/, the conformance crates, the examples' crates under
             examples/, and emulator/generated).
  --spec DIR         a service's spec directory, or a directory of them
  --out DIR          where to write a standalone crate (its own workspace)
  --crate-name NAME  the package name (default: the --out directory's name)
  --runtime-path DIR the runtime crate (awsgen-runtime) the crate depends on, as
                     its Cargo.toml writes it (relative to the crate, or
                     absolute); default: this workspace's runtime/, absolute
  --runtime-registry depend on the runtime crate by version, from a registry
  --check            write nothing; fail and list the files that are out of date
import       brings a service model into a spec directory: Smithy (a JSON AST
             file, plain or .gz; a .smithy IDL file; or a directory of them), or
             a botocore service-2.json (plain or .gz) converted to Smithy; the service, the operations (all, or those named) and every
             shape they reach, one file per operation plus shared.json
  --out DIR          the spec directory (default: specs/<the service's sdkId>); its
                     *.json files belong to the import, and stale ones are removed
sweep        checks every model under DIR (recursively; *.json and *.json.gz,
             Smithy JSON AST or botocore service-2.json; other JSON is
             skipped): imports and generates each in memory, then prints one
             row per model (protocol, operations, result, first error) and a
             summary; exits 1 if any failed
  --build            also build the crates in one workspace under target/sweep/
                     (cargo build, clippy and doc, warnings denied)
  --protocol LIST    only models of these protocols (awsJson1_0, awsJson1_1,
                     restJson1, restXml, awsQuery, ec2Query, rpcv2Cbor, rpcv2Json,
                     or awsJson for both awsJson versions); a model of several
                     protocols is kept if any is listed
conformance  runs Smithy's validation suite and the protocol tests of every
             protocol served (read from their IDL sources) against the
             generated conformance crates and prints the results
measure      times the generated crate's build (debug and release, its
             dependencies built) next to aws-sdk-ssm's, and codegen on the
             full SSM model (build the xtask with --release to time that)
  --corpus DIR       also time import plus generate of every awsJson model
                     under DIR (as sweep does, in memory)";

fn main() -> ExitCode {
    let task = match flags::parse(env::args_os().skip(1)) {
        Ok(task) => task,
        Err(message) => {
            eprintln!("error: {message}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match task {
        Task::Codegen(args) => codegen(&args),
        Task::Conformance => conformance(),
        Task::Import(args) => import(args),
        Task::Sweep(args) => sweep::sweep(args, &root()),
        Task::Measure(args) => match measure::measure(&root(), args.corpus.as_deref()) {
            Ok(table) => {
                print!("{table}");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::FAILURE
            }
        },
        Task::Help => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
    }
}

/// The workspace root.
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask is in the workspace").to_path_buf()
}

/// Shows paths relative to the current directory where possible.
fn shown(path: &Path) -> PathBuf {
    let cwd = env::current_dir().unwrap_or_default();
    let absolute = if path.is_absolute() { path.to_path_buf() } else { cwd.join(path) };
    absolute.strip_prefix(&cwd).map(Path::to_path_buf).unwrap_or(absolute)
}

fn codegen(args: &flags::Codegen) -> ExitCode {
    let targets: Vec<(PathBuf, PathBuf, Settings)> = match &args.target {
        Some((spec, out)) => {
            let crate_name = args.crate_name.clone().unwrap_or_else(|| crate_name_for(out));
            let runtime = args
                .runtime
                .clone()
                .unwrap_or_else(|| RuntimeSource::Path(root().join("runtime").display().to_string()));
            let settings = Settings { crate_name, standalone: true, dev_dependencies: Vec::new(), runtime };
            vec![(spec.clone(), out.clone(), settings)]
        }
        None => codegen::workspace_targets()
            .into_iter()
            .map(|t| (root().join(t.spec), root().join(t.out), t.settings))
            .collect(),
    };
    // Generate everything before writing anything: one bad spec, no writes.
    let mut planned = Vec::new();
    for (spec, out, settings) in &targets {
        match codegen::generate(&shown(spec), settings) {
            Ok(generated) => planned.push((shown(out), generated)),
            Err(diagnostics) => {
                eprintln!("{diagnostics}");
                let count = diagnostics.errors().count();
                eprintln!("\n{count} error{} in the spec; nothing was written", plural(count));
                return ExitCode::FAILURE;
            }
        }
    }
    let mut ok = true;
    for (out, generated) in &planned {
        ok &= write_or_check(args.check, out, generated);
    }
    if ok { ExitCode::SUCCESS } else { ExitCode::FAILURE }
}

/// Writes one crate, or with `check` compares it; false on failure.
fn write_or_check(check: bool, out: &Path, generated: &Generated) -> bool {
    for warning in generated.warnings.iter() {
        eprintln!("{warning}");
    }
    let stale = stale_files(&generated.files, out);
    if check {
        if stale.is_empty() {
            println!("{} is up to date ({} files)", out.display(), generated.files.len());
            return true;
        }
        for s in &stale {
            eprintln!("{}: {s}", out.display());
        }
        eprintln!("\n{} is stale: run `cargo xtask codegen` and commit the result", out.display());
        return false;
    }
    let removed = stale.iter().filter(|s| matches!(s, Stale::Extra(_))).count();
    let written = stale.len() - removed;
    match write(out, &generated.files, &stale) {
        Ok(()) => {
            let unchanged = generated.files.len() - written;
            println!("{}: {written} written, {removed} removed, {unchanged} unchanged", out.display());
            true
        }
        Err(e) => {
            eprintln!("error: writing {}: {e}", out.display());
            false
        }
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// A package name from a directory name (`/tmp/my kms` gives `my-kms`).
fn crate_name_for(out: &Path) -> String {
    let name: String = out
        .file_name()
        .map(|n| {
            n.to_string_lossy()
                .chars()
                .map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' })
                .collect()
        })
        .unwrap_or_default();
    let name = name.trim_matches('-').to_string();
    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) { format!("generated-{name}") } else { name }
}

/// Writes only what changed, each file through a temporary file renamed
/// into place (so no reader sees half a file), then removes files the
/// generator no longer produces.
fn write(out: &Path, files: &BTreeMap<PathBuf, String>, stale: &[Stale]) -> io::Result<()> {
    for s in stale {
        match s {
            Stale::Missing(path) | Stale::Changed(path) => write_atomically(&out.join(path), &files[path])?,
            Stale::Extra(path) => fs::remove_file(out.join(path))?,
        }
    }
    for dir in OWNED_DIRS {
        remove_empty_dirs(&out.join(dir))?;
    }
    Ok(())
}

fn remove_empty_dirs(dir: &Path) -> io::Result<()> {
    let Ok(entries) = fs::read_dir(dir) else { return Ok(()) };
    for entry in entries.flatten() {
        if entry.path().is_dir() {
            remove_empty_dirs(&entry.path())?;
            if fs::read_dir(entry.path())?.next().is_none() {
                fs::remove_dir(entry.path())?;
            }
        }
    }
    Ok(())
}

/// `cargo xtask import`: writes the sliced spec files, only those that changed.
fn import(args: flags::Import) -> ExitCode {
    let flags::Import { source, operations, out } = args;
    let (source, text) = match source {
        ImportSource::Smithy(file) => match codegen::tools::import::read_smithy(&file) {
            Ok(text) => (file, text),
            Err(e) => {
                eprintln!("{e}");
                return ExitCode::FAILURE;
            }
        },
        ImportSource::Botocore(file) => {
            let name = shown(&file).display().to_string();
            let converted = read_model(&file)
                .map_err(|e| format!("error: {name}: {e}"))
                .and_then(|text| codegen::tools::import::botocore::to_smithy(&name, &text).map_err(|d| d.to_string()));
            match converted {
                Ok((text, warnings)) => {
                    for warning in warnings.iter() {
                        eprintln!("{warning}");
                    }
                    (file, text)
                }
                Err(e) => {
                    eprintln!("{e}");
                    return ExitCode::FAILURE;
                }
            }
        }
    };
    let files =
        match codegen::tools::import::slice_smithy(&shown(&source).display().to_string(), &text, operations.as_deref())
        {
            Ok(files) => files,
            Err(diagnostics) => {
                eprintln!("{diagnostics}");
                return ExitCode::FAILURE;
            }
        };
    let out = out.unwrap_or_else(|| root().join("specs").join(codegen::tools::import::service_dir_name(&text)));
    let mut written = 0;
    for (name, contents) in &files {
        let path = out.join(name);
        if fs::read_to_string(&path).ok().as_deref() == Some(contents.as_str()) {
            continue;
        }
        if let Err(e) = write_atomically(&path, contents) {
            eprintln!("error: writing {}: {e}", path.display());
            return ExitCode::FAILURE;
        }
        written += 1;
    }
    // The directory belongs to the import: spec files it no longer makes go.
    let mut removed = 0;
    for stale in codegen::model::load::own_spec_files(&out).unwrap_or_default() {
        let name = stale.file_name().unwrap().to_string_lossy().into_owned();
        if !files.contains_key(&name) {
            if let Err(e) = fs::remove_file(&stale) {
                eprintln!("error: removing {}: {e}", stale.display());
                return ExitCode::FAILURE;
            }
            removed += 1;
        }
    }
    println!("{}: {written} written, {removed} removed, {} unchanged", shown(&out).display(), files.len() - written);
    ExitCode::SUCCESS
}

/// Runs the suite's report (a binary of the `conformance` crate, so that
/// this xtask never depends on generated code it may need to regenerate).
fn conformance() -> ExitCode {
    let cargo = env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = Command::new(cargo).args(["run", "--quiet", "--package", "conformance"]).current_dir(root()).status();
    match status {
        Ok(status) if status.success() => ExitCode::SUCCESS,
        Ok(_) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("error: cannot run cargo: {e}");
            ExitCode::FAILURE
        }
    }
}
