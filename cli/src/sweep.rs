//! `sweep DIR [--build] [--protocol P,...]`: every model under a directory
//! through the generator (`codegen::tools::sweep`), and with `--build` the
//! generated crates through cargo build, clippy and rustdoc, warnings
//! denied, in one throwaway workspace under `target/sweep/`.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io::{self, BufRead, BufReader};
use std::path::Path;
use std::process::{Command, ExitCode, Stdio};
use std::time::Instant;

use codegen::RuntimeSource;
use codegen::tools::sweep::{CRATE_PREFIX, Options, Outcome, Progress, Sweep};
use serde_json::Value;

use crate::{Context, exit, flags};

pub fn sweep(args: flags::Sweep, context: &Context) -> ExitCode {
    let flags::Sweep { dir, build, protocols } = args;
    let start = Instant::now();
    // The crates are built where they are written, under target/sweep/,
    // on the clone's runtime if there is one.
    let runtime = match context.runtime() {
        Some(runtime) => RuntimeSource::Path(crate::generate::absolute(&runtime).display().to_string()),
        None => RuntimeSource::Registry,
    };
    let options = Options { protocols, keep_files: build, runtime };
    let progress = |p: Progress<'_>| {
        if let Some(row) = p.row {
            eprintln!("[{:>w$}/{}] {}: {}", p.done, p.total, row.service, row.outcome, w = p.total.to_string().len());
        }
    };
    let mut result = match codegen::tools::sweep::sweep(&dir, &options, &progress) {
        Ok(result) => result,
        Err(e) => {
            eprintln!("error: {}: {e}", dir.display());
            return ExitCode::from(exit::IO);
        }
    };
    eprintln!("imported and generated in {:.1} s", start.elapsed().as_secs_f64());
    if build {
        let lock = context.workspace.as_ref().map(|root| root.join("Cargo.lock"));
        if let Err(e) = build_all(&context.base().join("target/sweep"), lock.as_deref(), &mut result) {
            eprintln!("error: {e}");
            return ExitCode::from(exit::IO);
        }
        eprintln!("done in {:.1} s", start.elapsed().as_secs_f64());
    }
    println!("{result}");
    if result.failed() { ExitCode::from(exit::FAILED) } else { ExitCode::SUCCESS }
}

/// Writes the crates that generated into one workspace under `dir` and runs
/// cargo build, clippy and doc over it, each once, recording in each row the
/// first step that fails for its crate.
fn build_all(dir: &Path, workspace_lock: Option<&Path>, sweep: &mut Sweep) -> Result<(), String> {
    let crates = dir.join("crates");
    let io_error = |path: &Path, e: io::Error| format!("{}: {e}", path.display());
    if crates.exists() {
        fs::remove_dir_all(&crates).map_err(|e| io_error(&crates, e))?;
    }
    let mut members = Vec::new();
    for row in &mut sweep.rows {
        let Some(generated) = row.generated.take() else { continue };
        let out = crates.join(&row.crate_name);
        for (path, contents) in &generated.files {
            let path = out.join(path);
            fs::create_dir_all(path.parent().expect("files are inside the crate")).map_err(|e| io_error(&path, e))?;
            fs::write(&path, contents).map_err(|e| io_error(&path, e))?;
        }
        members.push(format!("    \"crates/{}\",\n", row.crate_name));
    }
    sweep.built = true;
    if members.is_empty() {
        return Ok(());
    }
    let manifest = dir.join("Cargo.toml");
    // Only the diagnostics matter: without debug info and incremental state
    // a hundred crates take a fraction of the disk (tens of GB otherwise).
    let text = format!(
        "# Written by `awsgen sweep --build`; thrown away by the next run.\n[workspace]\nresolver = \"3\"\nmembers = [\n{}]\n\n[profile.dev]\ndebug = false\nincremental = false\n",
        members.concat()
    );
    fs::write(&manifest, text).map_err(|e| io_error(&manifest, e))?;
    // Start from the clone's lock file: the same dependency versions, and
    // no registry lookup when they are already downloaded.
    let lock = dir.join("Cargo.lock");
    if let Some(workspace_lock) = workspace_lock.filter(|_| !lock.exists()) {
        fs::copy(workspace_lock, &lock).map_err(|e| io_error(&lock, e))?;
    }

    remove_earlier_crates(&dir.join("target")).map_err(|(path, e)| io_error(&path, e))?;

    let steps: [(&str, Outcome, &[&str]); 3] = [
        ("build", Outcome::BuildFailed, &["build", "--workspace", "--keep-going", "--message-format=json"]),
        (
            "clippy",
            Outcome::ClippyFailed,
            &["clippy", "--workspace", "--keep-going", "--message-format=json", "--", "-D", "warnings"],
        ),
        ("doc", Outcome::DocFailed, &["doc", "--workspace", "--no-deps", "--keep-going", "--message-format=json"]),
    ];
    for (step, outcome, args) in steps {
        // Crates still in the running, by their library target's name.
        let targets: BTreeMap<String, usize> = sweep
            .rows
            .iter()
            .enumerate()
            .filter(|(_, row)| row.outcome == Outcome::Ok)
            .map(|(i, row)| (row.crate_name.replace('-', "_"), i))
            .collect();
        if targets.is_empty() {
            break;
        }
        eprintln!("cargo {step}: {} crates in {}", targets.len(), dir.display());
        // Crates that failed a step already are left out of the next.
        let mut args: Vec<&str> = args.to_vec();
        let flags = args.iter().position(|a| *a == "--").unwrap_or(args.len());
        let failed = sweep.rows.iter().filter(|r| r.outcome.from_build());
        let excluded: Vec<&str> = failed.flat_map(|r| ["--exclude", r.crate_name.as_str()]).collect();
        args.splice(flags..flags, excluded);
        let report = run_cargo(dir, &args)?;
        for (target, i) in &targets {
            let row = &mut sweep.rows[*i];
            match report.errors.get(target) {
                Some((first, count)) => row.fail(outcome, first.clone(), count - 1),
                None if !report.success && !report.built.contains(target) => {
                    row.fail(outcome, format!("cargo {step} failed before building this crate (see its output)"), 0)
                }
                None => {}
            }
        }
    }
    Ok(())
}

/// Removes what earlier sweeps built for their own crates (all named
/// [`CRATE_PREFIX`]`*`), keeping the dependencies: a sweep of another
/// directory would otherwise add its crates to the last one's, run after run.
fn remove_earlier_crates(target: &Path) -> Result<(), (std::path::PathBuf, io::Error)> {
    // Cargo names fingerprints after the package, artifacts after the library.
    let library = CRATE_PREFIX.replace('-', "_");
    let prefixes = [CRATE_PREFIX.to_string(), format!("lib{library}"), library];
    let dirs = ["debug/deps", "debug/.fingerprint", "debug/build", "debug/incremental", "doc"];
    for dir in dirs.map(|d| target.join(d)) {
        let Ok(entries) = fs::read_dir(&dir) else { continue }; // not built yet
        for entry in entries {
            let entry = entry.map_err(|e| (dir.clone(), e))?;
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if !prefixes.iter().any(|prefix| name.starts_with(prefix.as_str())) {
                continue;
            }
            let path = entry.path();
            let removed = if path.is_dir() { fs::remove_dir_all(&path) } else { fs::remove_file(&path) };
            removed.map_err(|e| (path, e))?;
        }
    }
    Ok(())
}

/// What one cargo run said, by target name.
struct Report {
    success: bool,
    /// Targets cargo finished (`compiler-artifact`).
    built: BTreeSet<String>,
    /// Each target's first error (`file:line: message`) and error count.
    errors: BTreeMap<String, (String, usize)>,
}

fn run_cargo(dir: &Path, args: &[&str]) -> Result<Report, String> {
    let target_dir = dir.join("target");
    let mut child = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
        .args(args)
        .current_dir(dir)
        // The same flags for every step, so that dependencies build once.
        .env("RUSTFLAGS", "-Dwarnings")
        .env("RUSTDOCFLAGS", "-Dwarnings")
        .env("CARGO_TARGET_DIR", &target_dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit()) // cargo's progress
        .spawn()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    let mut report = read_messages(BufReader::new(child.stdout.take().expect("piped")))
        .map_err(|e| format!("reading cargo's output: {e}"))?;
    report.success = child.wait().map_err(|e| format!("waiting for cargo: {e}"))?.success();
    Ok(report)
}

/// Reads cargo's JSON messages (`--message-format=json`, one a line).
fn read_messages(reader: impl BufRead) -> io::Result<Report> {
    let mut report = Report { success: false, built: BTreeSet::new(), errors: BTreeMap::new() };
    for line in reader.lines() {
        let line = line?;
        let Ok(message) = serde_json::from_str::<Value>(&line) else { continue };
        let Some(target) = message["target"]["name"].as_str() else { continue };
        match message["reason"].as_str() {
            Some("compiler-artifact") => {
                report.built.insert(target.to_string());
            }
            Some("compiler-message") => {
                if let Some(error) = error_text(&message["message"]) {
                    let entry = report.errors.entry(target.to_string()).or_insert((error, 0));
                    entry.1 += 1;
                }
            }
            _ => {}
        }
    }
    Ok(report)
}

/// An error diagnostic as `file:line: <its rendered first line>`; `None`
/// for warnings, notes and the closing "aborting due to N errors".
fn error_text(diagnostic: &Value) -> Option<String> {
    if diagnostic["level"] != "error" {
        return None;
    }
    let spans = diagnostic["spans"].as_array()?;
    let span = spans.iter().find(|s| s["is_primary"] == true).or(spans.first())?;
    let rendered = diagnostic["rendered"].as_str().or(diagnostic["message"].as_str()).unwrap_or_default();
    let first = rendered.lines().next().unwrap_or_default();
    // Paths are relative to the sweep workspace: show them from the crate root.
    let file = span["file_name"].as_str().unwrap_or("?");
    let file = file.strip_prefix("crates/").and_then(|f| f.split_once('/')).map_or(file, |(_, f)| f);
    Some(format!("{file}:{}: {first}", span["line_start"]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn earlier_sweep_crates_are_removed_and_dependencies_kept() {
        let target = std::env::temp_dir().join(format!("xtask-sweep-clean-{}", std::process::id()));
        let kept = ["debug/deps/libserde-1a2b.rlib", "debug/.fingerprint/serde-1a2b/lib", "doc/serde/index.html"];
        let removed = [
            "debug/deps/libsweep_kms-3c4d.rlib",
            "debug/deps/sweep_kms-3c4d.d",
            "debug/.fingerprint/sweep-kms-3c4d/lib",
            "debug/incremental/sweep_kms-5e6f/s-1",
            "doc/sweep_kms/index.html",
        ];
        for file in kept.iter().chain(&removed).map(|f| target.join(f)) {
            fs::create_dir_all(file.parent().unwrap()).unwrap();
            fs::write(&file, "x").unwrap();
        }
        remove_earlier_crates(&target).unwrap();
        for file in kept {
            assert!(target.join(file).exists(), "{file} was removed");
        }
        for file in removed {
            assert!(!target.join(file).exists(), "{file} is still there");
        }
        assert!(!target.join("doc/sweep_kms").exists() && !target.join("debug/.fingerprint/sweep-kms-3c4d").exists());
        fs::remove_dir_all(&target).unwrap();
    }

    #[test]
    fn errors_are_attributed_to_their_crate() {
        let lines = [
            r#"{"reason":"compiler-artifact","package_id":"registry+https://github.com/rust-lang/crates.io-index#serde@1.0.0","target":{"name":"serde"}}"#,
            r#"{"reason":"compiler-message","package_id":"path+file:///w/target/sweep/crates/sweep-a#0.1.0","target":{"name":"sweep_a"},"message":{"level":"warning","rendered":"warning: x","spans":[]}}"#,
            r#"{"reason":"compiler-message","package_id":"path+file:///w/target/sweep/crates/sweep-a#0.1.0","target":{"name":"sweep_a"},"message":{"level":"error","rendered":"error: unused variable: `x`\n --> crates/sweep-a/src/lib.rs:13:25\n","spans":[{"file_name":"crates/sweep-a/src/lib.rs","line_start":13,"is_primary":true}]}}"#,
            r#"{"reason":"compiler-message","package_id":"path+file:///w/target/sweep/crates/sweep-a#0.1.0","target":{"name":"sweep_a"},"message":{"level":"error","rendered":"error: function `f` is never used\n","spans":[{"file_name":"crates/sweep-a/src/lib.rs","line_start":13,"is_primary":true}]}}"#,
            r#"{"reason":"compiler-message","package_id":"path+file:///w/target/sweep/crates/sweep-a#0.1.0","target":{"name":"sweep_a"},"message":{"level":"error","rendered":"error: aborting due to 2 previous errors\n","spans":[]}}"#,
            r#"{"reason":"compiler-artifact","package_id":"path+file:///w/target/sweep/crates/sweep-b#0.1.0","target":{"name":"sweep_b"}}"#,
            r#"{"reason":"build-finished","success":false}"#,
            "not json",
        ];
        let report = read_messages(lines.join("\n").as_bytes()).unwrap();
        assert_eq!(
            report.errors.into_iter().collect::<Vec<_>>(),
            [("sweep_a".to_string(), ("src/lib.rs:13: error: unused variable: `x`".to_string(), 2))]
        );
        assert_eq!(report.built.into_iter().collect::<Vec<_>>(), ["serde", "sweep_b"]);
    }
}
