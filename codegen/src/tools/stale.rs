//! Compares generated files with what is on disk: the basis of
//! `cargo xtask codegen --check` and of the test that fails on a stale crate.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

/// How a file on disk differs from what the generator would write.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Stale {
    /// The generator would write this file, and it is missing.
    Missing(PathBuf),
    /// The file's contents differ.
    Changed(PathBuf),
    /// The file is in a directory the generator owns, but it would not write it.
    Extra(PathBuf),
}

impl fmt::Display for Stale {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Stale::Missing(p) => write!(f, "missing: {}", p.display()),
            Stale::Changed(p) => write!(f, "out of date: {}", p.display()),
            Stale::Extra(p) => write!(f, "not generated, should be removed: {}", p.display()),
        }
    }
}

/// The directories under a crate that the generator owns entirely; other
/// paths (such as `tests/`) belong to people.
pub const OWNED_DIRS: &[&str] = &["src"];

/// Lists every difference between `files` and the crate at `out`, in path order.
pub fn stale_files(files: &BTreeMap<PathBuf, String>, out: &Path) -> Vec<Stale> {
    let mut stale = Vec::new();
    for (path, contents) in files {
        match std::fs::read(out.join(path)) {
            Ok(bytes) if bytes == contents.as_bytes() => {}
            Ok(_) => stale.push(Stale::Changed(path.clone())),
            Err(_) => stale.push(Stale::Missing(path.clone())),
        }
    }
    for dir in OWNED_DIRS {
        for path in files_under(&out.join(dir)) {
            let relative = path.strip_prefix(out).expect("under out").to_path_buf();
            if !files.contains_key(&relative) {
                stale.push(Stale::Extra(relative));
            }
        }
    }
    stale.sort_by(|a, b| key(a).cmp(key(b)));
    stale
}

fn key(stale: &Stale) -> &Path {
    match stale {
        Stale::Missing(p) | Stale::Changed(p) | Stale::Extra(p) => p,
    }
}

/// Every file under `dir`, recursively, sorted.
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else { return out };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(files_under(&path));
        } else {
            out.push(path);
        }
    }
    out.sort();
    out
}
