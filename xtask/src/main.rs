//! `cargo xtask`: the command line over the `codegen` library. It parses
//! arguments and writes files; everything else happens in the library.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::{env, fs, io};

use codegen::Settings;
use codegen::stale::{OWNED_DIRS, Stale, stale_files};

const USAGE: &str = "\
usage: cargo xtask codegen [--check] [--spec DIR] [--out DIR] [--crate-name NAME]

Generates a Rust crate from Smithy 2.0 JSON AST specs.

  --spec DIR         a service's spec directory, or a directory of them (default: specs)
  --out DIR          where to write the crate (default: generated); any other
                     directory gets a standalone crate with its own workspace
  --crate-name NAME  the package name (default: generated, or the --out directory's name)
  --check            write nothing; fail and list the files that are out of date";

struct Args {
    check: bool,
    spec: PathBuf,
    out: PathBuf,
    crate_name: Option<String>,
}

fn main() -> ExitCode {
    let args: Vec<String> = env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("codegen") => match parse(&args[1..]) {
            Ok(args) => codegen(&args),
            Err(message) => {
                eprintln!("error: {message}\n\n{USAGE}");
                ExitCode::from(2)
            }
        },
        Some("-h" | "--help") => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        _ => {
            eprintln!("{USAGE}");
            ExitCode::from(2)
        }
    }
}

/// The workspace root, where `specs/` and `generated/` live.
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask is in the workspace").to_path_buf()
}

fn parse(args: &[String]) -> Result<Args, String> {
    let mut parsed = Args { check: false, spec: root().join("specs"), out: root().join("generated"), crate_name: None };
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let mut value = |flag: &str| args.next().cloned().ok_or_else(|| format!("{flag} needs a value"));
        match arg.as_str() {
            "--check" => parsed.check = true,
            "--spec" => parsed.spec = PathBuf::from(value("--spec")?),
            "--out" => parsed.out = PathBuf::from(value("--out")?),
            "--crate-name" => parsed.crate_name = Some(value("--crate-name")?),
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    Ok(parsed)
}

/// Shows paths relative to the current directory where possible.
fn shown(path: &Path) -> PathBuf {
    let cwd = env::current_dir().unwrap_or_default();
    let absolute = if path.is_absolute() { path.to_path_buf() } else { cwd.join(path) };
    absolute.strip_prefix(&cwd).map(Path::to_path_buf).unwrap_or(absolute)
}

fn codegen(args: &Args) -> ExitCode {
    let workspace_crate = shown(&args.out) == shown(&root().join("generated"));
    let crate_name = args
        .crate_name
        .clone()
        .unwrap_or_else(|| if workspace_crate { "generated".to_string() } else { crate_name_for(&args.out) });
    let settings = Settings { crate_name, standalone: !workspace_crate };
    let out = shown(&args.out);
    let generated = match codegen::generate(&shown(&args.spec), &settings) {
        Ok(generated) => generated,
        Err(diagnostics) => {
            eprintln!("{diagnostics}");
            let count = diagnostics.errors().count();
            eprintln!("\n{count} error{} in the spec; nothing was written to {}", plural(count), out.display());
            return ExitCode::FAILURE;
        }
    };
    for warning in generated.warnings.iter() {
        eprintln!("{warning}");
    }
    let stale = stale_files(&generated.files, &out);
    if args.check {
        if stale.is_empty() {
            println!("{} is up to date ({} files)", out.display(), generated.files.len());
            return ExitCode::SUCCESS;
        }
        for s in &stale {
            eprintln!("{s}");
        }
        eprintln!("\n{} is stale: run `cargo xtask codegen` and commit the result", out.display());
        return ExitCode::FAILURE;
    }
    match write(&out, &generated.files, &stale) {
        Ok(()) => {
            let unchanged = generated.files.len() - stale.iter().filter(|s| !matches!(s, Stale::Extra(_))).count();
            println!(
                "{}: {} written, {} removed, {unchanged} unchanged",
                out.display(),
                stale.iter().filter(|s| !matches!(s, Stale::Extra(_))).count(),
                stale.iter().filter(|s| matches!(s, Stale::Extra(_))).count()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: writing {}: {e}", out.display());
            ExitCode::FAILURE
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
fn write(out: &Path, files: &std::collections::BTreeMap<PathBuf, String>, stale: &[Stale]) -> io::Result<()> {
    for s in stale {
        match s {
            Stale::Missing(path) | Stale::Changed(path) => {
                let target = out.join(path);
                let dir = target.parent().expect("files are inside the crate");
                fs::create_dir_all(dir)?;
                let temporary = dir.join(format!(".{}.tmp", target.file_name().unwrap().to_string_lossy()));
                fs::write(&temporary, &files[path])?;
                fs::rename(&temporary, &target)?;
            }
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
