//! `generate` and `check`: specs in, crates out (or compared).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::{env, fs, io};

use codegen::tools::stale::{OWNED_DIRS, Stale, stale_files};
use codegen::{Generated, RuntimeSource, Settings};

use crate::files::write_atomically;
use crate::flags::{self, Runtime};
use crate::report::{Output, plural};
use crate::{Context, exit};

/// One crate to generate: its spec directory, where it goes, and how.
#[derive(Clone, Debug)]
pub struct Target {
    pub spec: PathBuf,
    pub out: PathBuf,
    pub settings: Settings,
}

/// `generate` (`writes`) or `check`.
pub fn generate(args: &flags::Generate, context: &Context, output: &Output, writes: bool) -> ExitCode {
    let crate_name =
        args.crate_name.clone().unwrap_or_else(|| args.out.as_deref().map(crate_name_for).unwrap_or_default());
    let runtime = match &args.runtime {
        Runtime::Path(path) => RuntimeSource::Path(path.clone()),
        Runtime::Registry => RuntimeSource::Registry,
        Runtime::Default => match context.runtime() {
            Some(dir) => RuntimeSource::Path(absolute(&dir).display().to_string()),
            None => RuntimeSource::Registry,
        },
    };
    let settings = Settings { crate_name, standalone: true, dev_dependencies: Vec::new(), runtime };
    let Some(out) = &args.out else {
        // `check` of a spec alone.
        return match codegen::generate(&shown(&args.spec), &settings) {
            Ok(generated) => {
                output.warnings(&shown(&args.spec).display().to_string(), &generated.warnings);
                println!("{}: no errors ({} files)", shown(&args.spec).display(), generated.files.len());
                ExitCode::SUCCESS
            }
            Err(diagnostics) => refused(&args.spec, &diagnostics, output),
        };
    };
    if writes && settings.runtime == RuntimeSource::Registry {
        eprintln!(
            "note: the crate depends on {} {} from a registry; --runtime-path DIR builds it against a local copy",
            codegen::RUNTIME_CRATE,
            codegen::RUNTIME_VERSION
        );
    }
    generate_targets(&[Target { spec: args.spec.clone(), out: out.clone(), settings }], !writes, output)
}

/// Generates every target, then writes them (or with `check`, compares
/// them with what is on disk): one bad spec, and nothing is written.
pub fn generate_targets(targets: &[Target], check: bool, output: &Output) -> ExitCode {
    let mut planned = Vec::new();
    for target in targets {
        match codegen::generate(&shown(&target.spec), &target.settings) {
            Ok(generated) => planned.push((target, generated)),
            Err(diagnostics) => return refused(&target.spec, &diagnostics, output),
        }
    }
    let mut status = ExitCode::SUCCESS;
    for (target, generated) in &planned {
        output.warnings(&shown(&target.spec).display().to_string(), &generated.warnings);
        let result = write_or_check(check, &shown(&target.out), generated);
        if result != ExitCode::SUCCESS {
            status = result;
        }
    }
    status
}

/// Reports a spec's errors; nothing was written.
fn refused(spec: &Path, diagnostics: &codegen::Diagnostics, output: &Output) -> ExitCode {
    output.findings(&shown(spec).display().to_string(), diagnostics);
    let count = diagnostics.errors().count();
    eprintln!("{count} error{} in the spec; nothing was written", plural(count));
    ExitCode::from(exit::FAILED)
}

/// Writes one crate, or with `check` compares it.
fn write_or_check(check: bool, out: &Path, generated: &Generated) -> ExitCode {
    let stale = stale_files(&generated.files, out);
    if check {
        if stale.is_empty() {
            println!("{} is up to date ({} files)", out.display(), generated.files.len());
            return ExitCode::SUCCESS;
        }
        for s in &stale {
            eprintln!("{}: {s}", out.display());
        }
        eprintln!("\n{} is stale: generate it again and commit the result", out.display());
        return ExitCode::from(exit::FAILED);
    }
    let removed = stale.iter().filter(|s| matches!(s, Stale::Extra(_))).count();
    let written = stale.len() - removed;
    match write(out, &generated.files, &stale) {
        Ok(()) => {
            let unchanged = generated.files.len() - written;
            println!("{}: {written} written, {removed} removed, {unchanged} unchanged", out.display());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: writing {}: {e}", out.display());
            ExitCode::from(exit::IO)
        }
    }
}

/// A package name from a directory name (`/tmp/my kms` gives `my-kms`).
fn crate_name_for(out: &Path) -> String {
    let name: String = absolute(out)
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

/// `path` from the root: the current directory's, where it is relative.
pub fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

/// Shows paths relative to the current directory where possible.
pub fn shown(path: &Path) -> PathBuf {
    let cwd = env::current_dir().unwrap_or_default();
    let absolute = absolute(path);
    absolute.strip_prefix(&cwd).map(Path::to_path_buf).unwrap_or(absolute)
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    #[test]
    fn crate_names_come_from_the_directory() {
        assert_eq!(super::crate_name_for(Path::new("/tmp/my kms")), "my-kms");
        assert_eq!(super::crate_name_for(Path::new("/tmp/2fa")), "generated-2fa");
        assert_eq!(super::crate_name_for(Path::new("/tmp/Notes_API/")), "notes-api");
    }
}
