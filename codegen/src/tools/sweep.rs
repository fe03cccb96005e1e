//! Sweeping a directory of service models through the generator, as a user
//! checks their own models and as we measure the generator on AWS's corpus.
//!
//! [`sweep`] finds every `.json` and `.json.gz` file under a directory,
//! tells Smithy JSON AST models and botocore `service-2.json` models from
//! other JSON (botocore's paginators, waiters, endpoint rules and examples
//! are skipped), imports each model as `cargo xtask import` would (botocore
//! converted to Smithy, then sliced), and generates its crate in memory. It
//! returns one [`Row`] per model; building the crates is the caller's job
//! (it writes files and runs cargo), and it fills in the rows' results.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::fs;
use std::io;
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::Value;

use crate::diagnostic::Diagnostics;
use crate::tools::import;
use crate::{Generated, RuntimeSource, Settings};

/// What a JSON file holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// A Smithy JSON AST model: a top-level `"smithy"` version.
    Smithy,
    /// A botocore service model (`service-2.json`): `metadata` and `operations`.
    Botocore,
}

/// The format of a parsed JSON file, or `None` when it is not a model
/// (botocore's `paginators-1.json`, `waiters-2.json`, ...).
pub fn detect(json: &Value) -> Option<Format> {
    let object = json.as_object()?;
    if object.contains_key("smithy") {
        Some(Format::Smithy)
    } else if object.contains_key("metadata") && object.contains_key("operations") {
        Some(Format::Botocore)
    } else {
        None
    }
}

/// Whether a file name is one the sweep reads: `*.json` or `*.json.gz`.
pub fn is_json_file(path: &Path) -> bool {
    let name = path.file_name().map(|n| n.to_string_lossy()).unwrap_or_default();
    name.ends_with(".json") || name.ends_with(".json.gz")
}

/// Every `*.json` and `*.json.gz` file under `dir` (recursively, without
/// following links to directories), sorted; `dir` itself when it is a file.
pub fn json_files(dir: &Path) -> io::Result<Vec<PathBuf>> {
    if dir.is_file() {
        return Ok(vec![dir.to_path_buf()]);
    }
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in fs::read_dir(&dir)? {
            let entry = entry?;
            let path = entry.path();
            if entry.file_type()?.is_dir() {
                pending.push(path);
            } else if path.is_file() && is_json_file(&path) {
                files.push(path);
            }
        }
    }
    files.sort();
    Ok(files)
}

/// Protocol traits by Smithy shape id and the name rows show, in the order
/// rows list them.
const PROTOCOLS: &[(&str, &str)] = &[
    ("aws.protocols#awsJson1_0", "awsJson1_0"),
    ("aws.protocols#awsJson1_1", "awsJson1_1"),
    ("aws.protocols#restJson1", "restJson1"),
    ("aws.protocols#restXml", "restXml"),
    ("aws.protocols#awsQuery", "awsQuery"),
    ("aws.protocols#ec2Query", "ec2Query"),
    ("smithy.protocols#rpcv2Cbor", "rpcv2Cbor"),
];

/// Reads a `--protocol` list: Smithy protocol trait names (`awsJson1_0`,
/// `restJson1`, ..., with or without their namespace), and `awsJson` for
/// both awsJson versions. Returns the names, sorted.
pub fn parse_protocols(list: &str) -> Result<BTreeSet<String>, String> {
    let mut protocols = BTreeSet::new();
    for name in list.split(',').map(str::trim) {
        if name == "awsJson" {
            protocols.extend(["awsJson1_0".to_string(), "awsJson1_1".to_string()]);
            continue;
        }
        match PROTOCOLS.iter().find(|(id, short)| name == *id || name == *short) {
            Some((_, short)) => {
                protocols.insert(short.to_string());
            }
            None => {
                let known: Vec<&str> = PROTOCOLS.iter().map(|(_, short)| *short).collect();
                return Err(format!("unknown protocol `{name}`; known: awsJson, {}", known.join(", ")));
            }
        }
    }
    Ok(protocols)
}

/// What happened to one model.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Outcome {
    Ok,
    ImportFailed,
    GenerateFailed,
    BuildFailed,
    ClippyFailed,
    DocFailed,
}

impl Outcome {
    /// Every outcome, in the order the summary counts them.
    pub const ALL: [Outcome; 6] = [
        Outcome::Ok,
        Outcome::ImportFailed,
        Outcome::GenerateFailed,
        Outcome::BuildFailed,
        Outcome::ClippyFailed,
        Outcome::DocFailed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Ok => "ok",
            Outcome::ImportFailed => "import failed",
            Outcome::GenerateFailed => "generate failed",
            Outcome::BuildFailed => "build failed",
            Outcome::ClippyFailed => "clippy failed",
            Outcome::DocFailed => "doc failed",
        }
    }

    /// Whether the outcome can only come from building the crates.
    pub fn from_build(self) -> bool {
        matches!(self, Outcome::BuildFailed | Outcome::ClippyFailed | Outcome::DocFailed)
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One model's line in the report.
#[derive(Debug)]
pub struct Row {
    /// The spec directory name `cargo xtask import` would give it (see
    /// [`import::service_dir_name`]), with the service's version, or else
    /// the file, when two models share a name.
    pub service: String,
    /// The model file, relative to the swept directory.
    pub file: PathBuf,
    /// The service's protocols, by Smithy trait name (`awsJson1_1`), or `?`.
    pub protocol: String,
    /// The service's operations, including those bound to its resources.
    pub operations: usize,
    pub outcome: Outcome,
    /// The first error, on one line: file, shape id where known, message.
    pub error: Option<String>,
    /// How many errors there were besides the first.
    pub more_errors: usize,
    /// The package name the crate was generated with (unique in a sweep).
    pub crate_name: String,
    /// The generated crate, kept when [`Options::keep_files`] is set and
    /// the model generated.
    pub generated: Option<Generated>,
}

impl Row {
    /// Records a failure (the first error and how many others there were).
    pub fn fail(&mut self, outcome: Outcome, error: String, more_errors: usize) {
        self.outcome = outcome;
        self.error = Some(one_line(&error));
        self.more_errors = more_errors;
    }
}

/// What every generated crate's package name starts with (`sweep-kms`), so
/// that a build workspace can tell its crates from their dependencies.
pub const CRATE_PREFIX: &str = "sweep-";

/// How to sweep.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Only models speaking one of these protocols (Smithy trait names, as
    /// [`parse_protocols`] returns them); others are counted as skipped.
    pub protocols: Option<BTreeSet<String>>,
    /// Keep each generated crate in its row, for the caller to build.
    pub keep_files: bool,
    /// Where the generated crates find the runtime crate.
    pub runtime: RuntimeSource,
}

/// The result of a sweep: one row per model, sorted by service.
#[derive(Debug, Default)]
pub struct Sweep {
    pub rows: Vec<Row>,
    /// Models left out by [`Options::protocols`].
    pub skipped: usize,
    /// JSON files that are not models.
    pub not_models: usize,
    /// Whether the crates were built (so the summary counts build results).
    pub built: bool,
}

impl Sweep {
    pub fn count(&self, outcome: Outcome) -> usize {
        self.rows.iter().filter(|r| r.outcome == outcome).count()
    }

    /// Whether any model failed.
    pub fn failed(&self) -> bool {
        self.rows.iter().any(|r| r.outcome != Outcome::Ok)
    }

    /// `114 models: 110 ok, 0 import failed, 4 generate failed; 181 skipped (protocol), 3 files not models`.
    pub fn summary(&self) -> String {
        let counts: Vec<String> = Outcome::ALL
            .iter()
            .filter(|o| self.built || !o.from_build())
            .map(|&o| format!("{} {o}", self.count(o)))
            .collect();
        let mut line =
            format!("{} model{}: {}", self.rows.len(), if self.rows.len() == 1 { "" } else { "s" }, counts.join(", "));
        if self.skipped > 0 {
            line.push_str(&format!("; {} skipped (protocol)", self.skipped));
        }
        if self.not_models > 0 {
            let s = if self.not_models == 1 { "" } else { "s" };
            line.push_str(&format!("; {} JSON file{s} not model{s}", self.not_models));
        }
        line
    }
}

/// Errors are cut to this many characters in the table.
const ERROR_WIDTH: usize = 200;

/// The table (a header and one aligned line per row) and the summary.
impl fmt::Display for Sweep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let header = ["service", "protocol", "operations", "result", "first error"];
        let width = |column: &dyn Fn(&Row) -> usize, title: &str| {
            self.rows.iter().map(column).chain([title.chars().count()]).max().unwrap_or(0)
        };
        let service = width(&|r| r.service.chars().count(), header[0]);
        let protocol = width(&|r| r.protocol.chars().count(), header[1]);
        let operations = header[2].len();
        let result = width(&|r| r.outcome.as_str().len(), header[3]);
        let line = |f: &mut fmt::Formatter<'_>, cells: [&str; 5]| {
            let text = format!(
                "{:service$}  {:protocol$}  {:>operations$}  {:result$}  {}",
                cells[0], cells[1], cells[2], cells[3], cells[4]
            );
            writeln!(f, "{}", text.trim_end())
        };
        line(f, header)?;
        for row in &self.rows {
            let error = match &row.error {
                Some(error) => {
                    let mut text = truncate(error, ERROR_WIDTH);
                    if row.more_errors > 0 {
                        text.push_str(&format!(" (+{} more)", row.more_errors));
                    }
                    text
                }
                None => String::new(),
            };
            let ops = row.operations.to_string();
            line(f, [&row.service, &row.protocol, &ops, row.outcome.as_str(), &error])?;
        }
        write!(f, "{}", self.summary())
    }
}

/// `text` cut to `max` characters, ending in `…` when cut.
fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut cut: String = text.chars().take(max - 1).collect();
    cut.push('…');
    cut
}

/// Whitespace runs, line breaks included, as single spaces.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Reported as each file is done, from the thread that did it.
pub struct Progress<'a> {
    /// Files done so far, this one included, and files in all.
    pub done: usize,
    pub total: usize,
    /// The file's row, if it is a model the sweep did not skip.
    pub row: Option<&'a Row>,
}

/// Sweeps every model under `dir` (see the module docs), on as many
/// threads as the machine has cores. `progress` is called as each file is
/// done. Fails only when `dir` cannot be listed; a model that cannot be
/// read is a row that failed to import.
pub fn sweep(dir: &Path, options: &Options, progress: &(dyn Fn(Progress<'_>) + Sync)) -> io::Result<Sweep> {
    let files = json_files(dir)?;
    let base = if dir.is_file() { dir.parent().unwrap_or(Path::new("")) } else { dir };
    let crate_names = crate_names(&files, base);
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, files.len().max(1));
    let next = AtomicUsize::new(0);
    let done = AtomicUsize::new(0);
    let mut found: Vec<(usize, Found)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut found = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(path) = files.get(i) else { break };
                        let file = path.strip_prefix(base).unwrap_or(path);
                        let result = sweep_file(path, file, &crate_names[i], options);
                        let row = match &result {
                            Found::Model(row, _) => Some(&**row),
                            _ => None,
                        };
                        let done = done.fetch_add(1, Ordering::Relaxed) + 1;
                        progress(Progress { done, total: files.len(), row });
                        found.push((i, result));
                    }
                    found
                })
            })
            .collect();
        workers.into_iter().flat_map(|w| w.join().expect("a sweep worker panicked outside the generator")).collect()
    });
    found.sort_by_key(|(i, _)| *i);

    let mut sweep = Sweep::default();
    let mut rows = Vec::new();
    for (_, found) in found {
        match found {
            Found::NotModel => sweep.not_models += 1,
            Found::Skipped => sweep.skipped += 1,
            Found::Model(row, version) => rows.push((*row, version)),
        }
    }
    disambiguate(&mut rows);
    sweep.rows = rows.into_iter().map(|(row, _)| row).collect();
    sweep.rows.sort_by(|a, b| (&a.service, &a.file).cmp(&(&b.service, &b.file)));
    Ok(sweep)
}

/// One file's fate: a model's row (with the service's version), a model of
/// a protocol not asked for, or not a model.
enum Found {
    Model(Box<Row>, Option<String>),
    Skipped,
    NotModel,
}

/// Package names from the files' paths (`ssm-2014-11-06.json.gz` gives
/// `sweep-ssm-2014-11-06`), unique within the sweep.
fn crate_names(files: &[PathBuf], base: &Path) -> Vec<String> {
    let mut taken = BTreeSet::new();
    files
        .iter()
        .map(|path| {
            let relative = path.strip_prefix(base).unwrap_or(path).to_string_lossy();
            let stem = relative.strip_suffix(".gz").unwrap_or(&relative);
            let stem = stem.strip_suffix(".json").unwrap_or(stem);
            let words: Vec<String> = stem
                .split(|c: char| !c.is_ascii_alphanumeric())
                .filter(|w| !w.is_empty())
                .map(str::to_ascii_lowercase)
                .collect();
            let name = format!("{CRATE_PREFIX}{}", words.join("-"));
            let mut unique = name.clone();
            let mut n = 2;
            while !taken.insert(unique.clone()) {
                unique = format!("{name}-{n}");
                n += 1;
            }
            unique
        })
        .collect()
}

/// Rows that share a service name get the service's version appended, or
/// their file when that does not tell them apart.
fn disambiguate(rows: &mut [(Row, Option<String>)]) {
    let mut by_name: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, (row, _)) in rows.iter().enumerate() {
        by_name.entry(row.service.clone()).or_default().push(i);
    }
    for (name, indices) in by_name.into_iter().filter(|(_, i)| i.len() > 1) {
        let versions: BTreeSet<Option<&String>> = indices.iter().map(|&i| rows[i].1.as_ref()).collect();
        let by_version = versions.len() == indices.len() && !versions.contains(&None);
        for i in indices {
            let label = match (&rows[i].1, by_version) {
                (Some(version), true) => format!("{name}@{version}"),
                _ => format!("{name} ({})", rows[i].0.file.display()),
            };
            rows[i].0.service = label;
        }
    }
}

/// What the sweep reads from a model before importing it.
struct About {
    name: String,
    protocols: Vec<&'static str>,
    /// The botocore protocol when it has no Smithy equivalent here.
    other_protocol: Option<String>,
    operations: usize,
    version: Option<String>,
}

fn about(format: Format, json: &Value, text: &str) -> About {
    match format {
        Format::Smithy => {
            let shapes = json["shapes"].as_object();
            let service = shapes.into_iter().flatten().find(|(_, s)| s["type"] == "service").map(|(_, s)| s);
            let traits = service.map(|s| &s["traits"]);
            let protocols = PROTOCOLS
                .iter()
                .filter(|(id, _)| traits.is_some_and(|t| t.get(id).is_some()))
                .map(|(_, short)| *short)
                .collect();
            let operations = match (service, shapes) {
                (Some(service), Some(shapes)) => operations_of(service, shapes),
                _ => 0,
            };
            About {
                name: import::service_dir_name(text),
                protocols,
                other_protocol: None,
                operations,
                version: service.and_then(|s| s["version"].as_str()).map(str::to_string),
            }
        }
        Format::Botocore => {
            let meta = &json["metadata"];
            let (protocol, other_protocol) = match (meta["protocol"].as_str(), meta["jsonVersion"].as_str()) {
                (Some("json"), Some("1.0")) => (Some("awsJson1_0"), None),
                (Some("json"), _) => (Some("awsJson1_1"), None),
                (Some("rest-json"), _) => (Some("restJson1"), None),
                (Some("rest-xml"), _) => (Some("restXml"), None),
                (Some("query"), _) => (Some("awsQuery"), None),
                (Some("ec2"), _) => (Some("ec2Query"), None),
                (Some("smithy-rpc-v2-cbor"), _) => (Some("rpcv2Cbor"), None),
                (other, _) => (None, other.map(str::to_string)),
            };
            // As the importer names the service (its sdkId), when it cannot.
            let name = meta["serviceId"].as_str().or(meta["endpointPrefix"].as_str()).unwrap_or("service");
            About {
                name: name.to_lowercase().replace(' ', "-"),
                protocols: protocol.into_iter().collect(),
                other_protocol,
                operations: json["operations"].as_object().map_or(0, |o| o.len()),
                version: meta["apiVersion"].as_str().map(str::to_string),
            }
        }
    }
}

/// The operations a Smithy service binds, directly or through resources.
fn operations_of(service: &Value, shapes: &serde_json::Map<String, Value>) -> usize {
    let mut operations = BTreeSet::new();
    let mut resources = BTreeSet::new();
    let mut pending = vec![service];
    let target = |r: &Value| r["target"].as_str().map(str::to_string);
    while let Some(shape) = pending.pop() {
        for field in ["operations", "collectionOperations"] {
            operations.extend(shape[field].as_array().into_iter().flatten().filter_map(target));
        }
        for field in ["create", "put", "read", "update", "delete", "list"] {
            operations.extend(target(&shape[field]));
        }
        for resource in shape["resources"].as_array().into_iter().flatten().filter_map(target) {
            if resources.insert(resource.clone()) {
                pending.extend(shapes.get(&resource));
            }
        }
    }
    operations.len()
}

/// Reads, imports and generates one file; `file` is its path as shown.
fn sweep_file(path: &Path, file: &Path, crate_name: &str, options: &Options) -> Found {
    let shown = file.display().to_string();
    let mut row = Row {
        service: file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
        file: file.to_path_buf(),
        protocol: "?".to_string(),
        operations: 0,
        outcome: Outcome::Ok,
        error: None,
        more_errors: 0,
        crate_name: crate_name.to_string(),
        generated: None,
    };
    // A file that cannot be read or parsed may be a broken model: report it.
    let text = match crate::model::load::read_model(path) {
        Ok(text) => text,
        Err(e) => {
            row.fail(Outcome::ImportFailed, format!("{shown}: cannot read the file: {e}"), 0);
            return Found::Model(Box::new(row), None);
        }
    };
    let json: Value = match serde_json::from_str(&text) {
        Ok(json) => json,
        Err(e) => {
            let message = e.to_string();
            let message = message.rfind(" at line ").map_or(&message[..], |at| &message[..at]);
            let at = format!("line {}, column {}", e.line(), e.column());
            row.fail(Outcome::ImportFailed, format!("{shown}: invalid JSON at {at}: {message}"), 0);
            return Found::Model(Box::new(row), None);
        }
    };
    let Some(format) = detect(&json) else { return Found::NotModel };
    let about = about(format, &json, &text);
    drop(json);
    row.service = about.name;
    row.operations = about.operations;
    row.protocol = match (&about.protocols[..], &about.other_protocol) {
        ([], Some(other)) => other.clone(),
        ([], None) => "none".to_string(),
        (protocols, _) => protocols.join(","),
    };
    if let Some(wanted) = &options.protocols {
        if !about.protocols.iter().any(|p| wanted.contains(*p)) {
            return Found::Skipped;
        }
    }
    let version = about.version;

    let imported = catch(|| {
        let smithy: Cow<'_, str> = match format {
            Format::Smithy => Cow::Borrowed(&text),
            Format::Botocore => Cow::Owned(import::botocore::to_smithy(&shown, &text)?.0),
        };
        let files = import::slice_smithy(&shown, &smithy, None)?;
        Ok((import::service_dir_name(&smithy), files))
    });
    let (name, files) = match imported {
        Ok(Ok(imported)) => imported,
        Ok(Err(diagnostics)) => {
            let (error, more) = first_error(&diagnostics, None, &shown);
            row.fail(Outcome::ImportFailed, error, more);
            return Found::Model(Box::new(row), version);
        }
        Err(panic) => {
            row.fail(Outcome::ImportFailed, format!("{shown}: the importer panicked: {panic}"), 0);
            return Found::Model(Box::new(row), version);
        }
    };
    drop(text);
    row.service = name.clone();

    // As if imported into a spec directory named after the service; errors
    // name the model file, where the shapes really are.
    let dir = PathBuf::from(&name);
    let settings = Settings {
        crate_name: crate_name.to_string(),
        standalone: false,
        dev_dependencies: Vec::new(),
        runtime: options.runtime.clone(),
    };
    match catch(|| crate::generate_files(&dir, &files, &settings)) {
        Ok(Ok(generated)) => {
            if options.keep_files {
                row.generated = Some(generated);
            }
        }
        Ok(Err(diagnostics)) => {
            let (error, more) = first_error(&diagnostics, Some(&dir), &shown);
            row.fail(Outcome::GenerateFailed, error, more);
        }
        Err(panic) => row.fail(Outcome::GenerateFailed, format!("{shown}: the generator panicked: {panic}"), 0),
    }
    Found::Model(Box::new(row), version)
}

/// Runs `f`, turning a panic into its message: one model that trips the
/// generator must not end the sweep.
fn catch<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    panic::catch_unwind(AssertUnwindSafe(f)).map_err(|payload| {
        payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "(no message)".to_string())
    })
}

/// The first error as one line (`file: shape: message`) and how many more
/// there are. Files under `dir`, the spec directory the model was sliced
/// into, are shown as the model file `shown`.
fn first_error(diagnostics: &Diagnostics, dir: Option<&Path>, shown: &str) -> (String, usize) {
    let errors: Vec<_> = diagnostics.errors().collect();
    let Some(first) = errors.first() else {
        return (format!("{shown}: failed without an error message"), 0);
    };
    let file = match (&first.file, dir) {
        (Some(file), Some(dir)) if file.starts_with(dir) => shown.to_string(),
        (Some(file), _) => file.display().to_string(),
        (None, _) => shown.to_string(),
    };
    let shape = first.shape.as_ref().map(|s| format!("{s}: ")).unwrap_or_default();
    (one_line(&format!("{file}: {shape}{}", first.message)), errors.len() - 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn detects_smithy_botocore_and_other_json() {
        assert_eq!(detect(&json!({"smithy": "2.0", "shapes": {}})), Some(Format::Smithy));
        assert_eq!(
            detect(&json!({"version": "2.0", "metadata": {}, "operations": {}, "shapes": {}})),
            Some(Format::Botocore)
        );
        assert_eq!(detect(&json!({"pagination": {}})), None);
        assert_eq!(detect(&json!({"version": 2, "waiters": {}})), None);
        assert_eq!(detect(&json!({"metadata": {}})), None, "metadata alone is not a botocore model");
        assert_eq!(detect(&json!([1, 2])), None);
    }

    #[test]
    fn reads_json_and_gzipped_json_files_only() {
        assert!(is_json_file(Path::new("data/kms/2014-11-01/service-2.json.gz")));
        assert!(is_json_file(Path::new("ssm.json")));
        assert!(!is_json_file(Path::new("index.tsv")));
        assert!(!is_json_file(Path::new("model.json.bak")));
        assert!(!is_json_file(Path::new("notes.gz")));
    }

    #[test]
    fn protocol_lists() {
        let parse = |s: &str| parse_protocols(s).map(|p| p.into_iter().collect::<Vec<_>>());
        assert_eq!(parse("awsJson").unwrap(), ["awsJson1_0", "awsJson1_1"]);
        assert_eq!(parse("restJson1,aws.protocols#awsJson1_1").unwrap(), ["awsJson1_1", "restJson1"]);
        assert!(parse("json").unwrap_err().contains("unknown protocol `json`"));
    }

    #[test]
    fn botocore_protocols_by_smithy_name() {
        let protocol = |meta: Value| {
            let about = about(Format::Botocore, &json!({"metadata": meta, "operations": {"A": {}, "B": {}}}), "");
            (about.protocols, about.other_protocol, about.operations)
        };
        assert_eq!(protocol(json!({"protocol": "json", "jsonVersion": "1.0"})), (vec!["awsJson1_0"], None, 2));
        assert_eq!(protocol(json!({"protocol": "json", "jsonVersion": "1.1"})).0, ["awsJson1_1"]);
        assert_eq!(protocol(json!({"protocol": "rest-xml"})).0, ["restXml"]);
        assert_eq!(protocol(json!({"protocol": "smoke-signals"})).1.as_deref(), Some("smoke-signals"));
    }

    #[test]
    fn smithy_operations_include_resources() {
        let model = json!({"smithy": "2.0", "shapes": {
            "a#S": {"type": "service", "version": "1", "operations": [{"target": "a#Op"}], "resources": [{"target": "a#R"}],
                    "traits": {"aws.protocols#restJson1": {}, "aws.protocols#awsJson1_0": {}}},
            "a#R": {"type": "resource", "read": {"target": "a#Get"}, "operations": [{"target": "a#Op"}], "resources": [{"target": "a#R"}]}
        }});
        let about = about(Format::Smithy, &model, &model.to_string());
        assert_eq!(
            (about.operations, about.protocols, about.version.as_deref()),
            (2, vec!["awsJson1_0", "restJson1"], Some("1"))
        );
    }

    #[test]
    fn crate_names_are_unique_package_names() {
        let files: Vec<PathBuf> =
            ["m/ssm-2014-11-06.json.gz", "m/dynamodb/2012-08-10/service-2.json.gz", "m/a_b.json", "m/a-b.json"]
                .iter()
                .map(PathBuf::from)
                .collect();
        assert_eq!(
            crate_names(&files, Path::new("m")),
            ["sweep-ssm-2014-11-06", "sweep-dynamodb-2012-08-10-service-2", "sweep-a-b", "sweep-a-b-2"]
        );
    }

    fn row(service: &str, protocol: &str, operations: usize, outcome: Outcome, error: Option<&str>) -> Row {
        Row {
            service: service.to_string(),
            file: PathBuf::from(format!("{service}.json")),
            protocol: protocol.to_string(),
            operations,
            outcome,
            error: error.map(str::to_string),
            more_errors: 0,
            crate_name: format!("{CRATE_PREFIX}{service}"),
            generated: None,
        }
    }

    #[test]
    fn table_and_summary() {
        let mut failed = row("kms", "awsJson1_1", 53, Outcome::GenerateFailed, Some("kms.json: a#B: bad"));
        failed.more_errors = 2;
        let mut sweep = Sweep {
            rows: vec![row("cloudwatch-logs", "awsJson1_1", 108, Outcome::Ok, None), failed],
            skipped: 3,
            not_models: 1,
            built: false,
        };
        assert_eq!(
            sweep.to_string(),
            "\
service          protocol    operations  result           first error
cloudwatch-logs  awsJson1_1         108  ok
kms              awsJson1_1          53  generate failed  kms.json: a#B: bad (+2 more)
2 models: 1 ok, 0 import failed, 1 generate failed; 3 skipped (protocol); 1 JSON file not model"
        );
        assert!(sweep.failed());
        sweep.built = true;
        sweep.not_models = 0;
        sweep.skipped = 0;
        assert_eq!(
            sweep.summary(),
            "2 models: 1 ok, 0 import failed, 1 generate failed, 0 build failed, 0 clippy failed, 0 doc failed"
        );
    }

    #[test]
    fn errors_are_one_line_and_truncated() {
        let mut r = row("s", "awsJson1_0", 1, Outcome::Ok, None);
        r.fail(Outcome::BuildFailed, format!("s.rs:1: error: {}\n  help: x", "é".repeat(300)), 0);
        assert!(!r.error.as_ref().unwrap().contains('\n'));
        let sweep = Sweep { rows: vec![r], ..Sweep::default() };
        let table = sweep.to_string();
        let line = table.lines().nth(1).unwrap();
        let error = line.split("build failed  ").nth(1).unwrap();
        assert_eq!(error.chars().count(), ERROR_WIDTH);
        assert!(error.starts_with("s.rs:1: error: éé") && error.ends_with('…'), "{error}");
    }

    #[test]
    fn disambiguates_by_version_else_file() {
        let mut rows = vec![
            (row("dynamodb", "awsJson1_0", 1, Outcome::Ok, None), Some("2011-12-05".to_string())),
            (row("dynamodb", "awsJson1_0", 1, Outcome::Ok, None), Some("2012-08-10".to_string())),
            (row("kms", "awsJson1_1", 1, Outcome::Ok, None), Some("1".to_string())),
            (row("x", "awsJson1_1", 1, Outcome::Ok, None), Some("1".to_string())),
            (row("x", "awsJson1_1", 1, Outcome::Ok, None), Some("1".to_string())),
        ];
        disambiguate(&mut rows);
        let names: Vec<&str> = rows.iter().map(|(r, _)| r.service.as_str()).collect();
        assert_eq!(names, ["dynamodb@2011-12-05", "dynamodb@2012-08-10", "kms", "x (x.json)", "x (x.json)"]);
    }
}
