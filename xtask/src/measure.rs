//! `cargo xtask measure [--corpus DIR]`: the generated crate's size and
//! build time next to aws-sdk-ssm's, measured the same way in one sitting;
//! codegen on the full SSM model; and, given a directory of AWS models,
//! import plus generate of every awsJson model in it (the sweep, in memory).
//!
//! Each crate's own build time is measured with its dependencies already
//! built: `cargo build -p <crate>` after `cargo clean -p <crate>`, for the
//! debug and release profiles. aws-sdk-ssm is built in a scratch project
//! under target/ with its default features off (no TLS stack to build);
//! that leaves its own code, which is what is compared.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const SDK_VERSION: &str = "1.133.0";

fn cargo() -> Command {
    Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
}

fn run(dir: &Path, args: &[&str]) -> Result<(), String> {
    let status = cargo().args(args).current_dir(dir).status().map_err(|e| e.to_string())?;
    if status.success() { Ok(()) } else { Err(format!("cargo {args:?} failed in {}", dir.display())) }
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

/// The crate's own build time: median of `runs` builds after cleaning it.
fn build_time(dir: &Path, package: &str, release: bool, runs: usize) -> Result<Duration, String> {
    let profile: &[&str] = if release { &["--release"] } else { &[] };
    let build: Vec<&str> = ["build", "--quiet", "--package", package].iter().chain(profile).copied().collect();
    run(dir, &build)?; // dependencies
    let mut times = Vec::new();
    for _ in 0..runs {
        let clean: Vec<&str> = ["clean", "--quiet", "--package", package].iter().chain(profile).copied().collect();
        run(dir, &clean)?;
        let start = Instant::now();
        run(dir, &build)?;
        times.push(start.elapsed());
    }
    Ok(median(times))
}

fn rust_lines(dir: &Path) -> usize {
    codegen::tools::stale::files_under(dir)
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        .map(|p| std::fs::read_to_string(p).map_or(0, |t| t.lines().count()))
        .sum()
}

/// The scratch project that depends on aws-sdk-ssm, and the crate's source.
fn sdk_project(root: &Path) -> Result<(PathBuf, PathBuf), String> {
    let dir = root.join("target/measure/aws-sdk-ssm");
    std::fs::create_dir_all(dir.join("src")).map_err(|e| e.to_string())?;
    let manifest = format!(
        "[package]\nname = \"measure-aws-sdk-ssm\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n[dependencies]\naws-sdk-ssm = {{ version = \"={SDK_VERSION}\", default-features = false }}\n\n[workspace]\n"
    );
    std::fs::write(dir.join("Cargo.toml"), manifest).map_err(|e| e.to_string())?;
    std::fs::write(dir.join("src/lib.rs"), "").map_err(|e| e.to_string())?;
    run(&dir, &["fetch", "--quiet"])?;
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(std::env::var("HOME").unwrap_or_default()).join(".cargo"));
    let registry = home.join("registry/src");
    let source = std::fs::read_dir(&registry)
        .map_err(|e| e.to_string())?
        .flatten()
        .map(|index| index.path().join(format!("aws-sdk-ssm-{SDK_VERSION}")))
        .find(|p| p.exists())
        .ok_or("aws-sdk-ssm's source was not found in the cargo registry")?;
    Ok((dir, source))
}

/// Import plus generate of every awsJson model under `corpus`, in process
/// (as `cargo xtask sweep --protocol awsJson` does): the wall time of one
/// run, the models that generated, and the models tried.
fn sweep_time(corpus: &Path, root: &Path) -> Result<(Duration, usize, usize), String> {
    let options = codegen::tools::sweep::Options {
        protocols: Some(codegen::tools::sweep::parse_protocols("awsJson")?),
        keep_files: false,
        runtime: codegen::RuntimeSource::Path(root.join("runtime").display().to_string()),
    };
    let start = Instant::now();
    let sweep =
        codegen::tools::sweep::sweep(corpus, &options, &|_| {}).map_err(|e| format!("{}: {e}", corpus.display()))?;
    let elapsed = start.elapsed();
    let generated = sweep.count(codegen::tools::sweep::Outcome::Ok);
    Ok((elapsed, generated, sweep.rows.len()))
}

pub fn measure(root: &Path, corpus: Option<&Path>) -> Result<String, String> {
    // Codegen wall time on the full model, in process: median of 5.
    let target = codegen::workspace_targets().into_iter().next().expect("the product's target");
    let mut times = Vec::new();
    for _ in 0..5 {
        let start = Instant::now();
        codegen::generate(&root.join(&target.spec), &target.settings).map_err(|e| e.to_string())?;
        times.push(start.elapsed());
    }
    let codegen_time = median(times);

    let sweep = corpus.map(|corpus| sweep_time(corpus, root)).transpose()?;

    let ours = (
        rust_lines(&root.join("generated/src")),
        build_time(root, "generated", false, 3)?,
        build_time(root, "generated", true, 3)?,
    );
    let (sdk_dir, sdk_source) = sdk_project(root)?;
    let sdk = (
        rust_lines(&sdk_source.join("src")),
        build_time(&sdk_dir, "aws-sdk-ssm", false, 3)?,
        build_time(&sdk_dir, "aws-sdk-ssm", true, 1)?,
    );

    let secs = |d: Duration| format!("{:.1} s", d.as_secs_f64());
    let ratio = |a: Duration, b: Duration| format!("{:.1}x", b.as_secs_f64() / a.as_secs_f64());
    let mut out = String::new();
    out.push_str(&format!(
        "cargo xtask codegen, whole SSM model (in process, median of 5): {:.0} ms\n\n",
        codegen_time.as_secs_f64() * 1000.0
    ));
    if cfg!(debug_assertions) {
        out.push_str("(a debug xtask: time codegen with `cargo run --release -p xtask -- measure`)\n\n");
    }
    match sweep {
        Some((time, generated, tried)) => out.push_str(&format!(
            "import and generate, every awsJson model of the corpus (one run): {:.1} s, {generated} of {tried} generated\n\n",
            time.as_secs_f64()
        )),
        None => out.push_str("(the corpus sweep is timed with `--corpus DIR`, a directory of AWS models)\n\n"),
    }
    out.push_str("| crate | lines of Rust | debug build (median of 3) | release build |\n| --- | --- | --- | --- |\n");
    out.push_str(&format!(
        "| generated (ours, 146 operations) | {} | {} | {} (median of 3) |\n",
        ours.0,
        secs(ours.1),
        secs(ours.2)
    ));
    out.push_str(&format!(
        "| aws-sdk-ssm {SDK_VERSION} (default features off) | {} | {} | {} (one build) |\n",
        sdk.0,
        secs(sdk.1),
        secs(sdk.2)
    ));
    let lines_ratio = sdk.0 as f64 / ours.0 as f64;
    out.push_str(&format!(
        "| aws-sdk-ssm / ours | {lines_ratio:.1}x | {} | {} |\n",
        ratio(ours.1, sdk.1),
        ratio(ours.2, sdk.2)
    ));
    Ok(out)
}
