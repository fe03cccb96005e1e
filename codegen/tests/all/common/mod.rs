//! Helpers for tests that write spec directories.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use codegen::Settings;

/// The workspace root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

/// The text of a model under `models/` (inflated when it is `.gz`).
pub fn model(path: &str) -> String {
    let path = root().join("models").join(path);
    codegen::model::load::read_model(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The settings `cargo xtask codegen` uses for `generated/`.
pub fn workspace_settings() -> Settings {
    codegen::workspace_targets().into_iter().find(|t| t.out.as_os_str() == "generated").unwrap().settings
}

/// A fresh directory `<tmp>/<unique>/<name>` for one test (the generator
/// names a service's module after its directory), removed when dropped.
pub struct TempDir {
    base: PathBuf,
    dir: PathBuf,
}

impl TempDir {
    pub fn new(name: &str) -> Self {
        static COUNT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = COUNT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let base = std::env::temp_dir().join(format!("codegen-test-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&base);
        let dir = base.join(name);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir { base, dir }
    }

    /// Writes `files` (name, contents) in the given order.
    pub fn with_files(name: &str, files: &[(&str, String)]) -> Self {
        let dir = TempDir::new(name);
        for (file, contents) in files {
            std::fs::write(dir.dir.join(file), contents).unwrap();
        }
        dir
    }

    pub fn path(&self) -> &Path {
        &self.dir
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.base);
    }
}

/// Asserts two generated crates are identical, naming the files that differ.
pub fn assert_same_files(actual: &BTreeMap<PathBuf, String>, expected: &BTreeMap<PathBuf, String>, what: &str) {
    let differing: Vec<String> = expected
        .keys()
        .chain(actual.keys())
        .filter(|path| actual.get(*path) != expected.get(*path))
        .map(|path| path.display().to_string())
        .collect();
    assert!(differing.is_empty(), "{what}: these files differ: {differing:?}");
}
