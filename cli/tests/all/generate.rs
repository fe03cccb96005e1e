//! `awsgen generate`, `check` and `import` as users run them.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::{awsgen, root, text};

/// A scratch directory under target/, removed first so each run is fresh.
fn scratch(name: &str) -> PathBuf {
    let dir = root().join("target/awsgen-tests").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Every file under `dir` with its bytes, for before/after comparisons.
fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files: Vec<_> = codegen::tools::stale::files_under(dir)
        .into_iter()
        .map(|p| {
            let bytes = std::fs::read(&p).unwrap();
            (p, bytes)
        })
        .collect();
    files.sort();
    files
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            std::fs::copy(&path, to.join(path.file_name().unwrap())).unwrap();
        }
    }
}

#[test]
fn a_bad_spec_writes_nothing() {
    let dir = scratch("bad-spec");
    let spec = dir.join("spec/ssm");
    copy_dir(&root().join("specs/ssm"), &spec);
    let out = dir.join("out");
    let first = awsgen(&["generate", "--spec", spec.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert!(first.status.success(), "{}", text(&first.stderr));
    std::fs::write(out.join("src/ssm/types.rs"), "// edited by hand\n").unwrap();
    let before = snapshot(&out);

    for (what, from, to, expected) in [
        (
            "dangling target",
            "\"target\": \"com.amazonaws.ssm#AlarmName\"",
            "\"target\": \"com.amazonaws.ssm#AlarmNam\"",
            "targets com.amazonaws.ssm#AlarmNam, which does not exist",
        ),
        (
            "invalid pattern",
            "^(?!\\\\s*$).+$",
            "^(?!\\\\s*$.+$",
            ": pattern \"^(?!\\\\s*$.+$\" is not a valid ECMA-262 regular expression",
        ),
        (
            "min > max",
            "\"min\": 1,\n                    \"max\": 1600",
            "\"min\": 1601,\n                    \"max\": 1600",
            "com.amazonaws.ssm#MaintenanceWindowTaskArn: smithy.api#length min (1601) is greater than max (1600)",
        ),
    ] {
        // The spec file that holds the text to break.
        let file = codegen::model::load::spec_files(&spec)
            .unwrap()
            .into_iter()
            .find(|f| std::fs::read_to_string(f).unwrap().contains(from))
            .unwrap_or_else(|| panic!("{what}: no spec file contains {from}"));
        let original = std::fs::read_to_string(&file).unwrap();
        std::fs::write(&file, original.replacen(from, to, 1)).unwrap();
        let run = awsgen(&["generate", "--spec", spec.to_str().unwrap(), "--out", out.to_str().unwrap()]);
        let stderr = text(&run.stderr);
        assert_eq!(run.status.code(), Some(1), "{what}: {stderr}");
        let name = file.file_name().unwrap().to_string_lossy();
        assert!(stderr.contains(&format!("{name}: ")), "{what}: names the file {name}: {stderr}");
        assert!(stderr.contains(expected), "{what}: {stderr}");
        assert!(stderr.contains("nothing was written"), "{what}: {stderr}");
        assert_eq!(snapshot(&out), before, "{what}: the output directory changed");
        std::fs::write(&file, original).unwrap();
    }
}

#[test]
fn check_names_stale_files_and_generate_repairs_them() {
    let dir = scratch("check");
    let out = dir.join("out");
    let spec = root().join("specs/ssm");
    let args = |check: bool| {
        let command = if check { "check" } else { "generate" };
        let a = vec![command, "--spec", spec.to_str().unwrap(), "--out", out.to_str().unwrap()];
        a.into_iter().map(String::from).collect::<Vec<_>>()
    };
    let run = |check: bool| {
        let a = args(check);
        awsgen(&a.iter().map(String::as_str).collect::<Vec<_>>())
    };
    let missing = run(true);
    assert_eq!(missing.status.code(), Some(1));
    assert!(text(&missing.stderr).contains("missing: src/ssm/types.rs"), "{}", text(&missing.stderr));
    assert!(!out.exists(), "--check wrote files");

    assert!(run(false).status.success());
    assert!(run(true).status.success());
    std::fs::write(out.join("src/ssm/types.rs"), "// stale\n").unwrap();
    std::fs::write(out.join("src/ssm/leftover.rs"), "// no longer generated\n").unwrap();
    let stale = text(&run(true).stderr);
    assert!(stale.contains("out of date: src/ssm/types.rs"), "{stale}");
    assert!(stale.contains("not generated, should be removed: src/ssm/leftover.rs"), "{stale}");
    let repaired = run(false);
    assert!(text(&repaired.stdout).contains("1 written, 1 removed"), "{}", text(&repaired.stdout));
    assert!(run(true).status.success());
    assert!(!out.join("src/ssm/leftover.rs").exists());
}

/// `--spec DIR --out DIR` makes a crate that builds on its own: the feature
/// fixture (unions, recursion, defaults, sensitive data, odd names) must
/// compile, pass clippy and rustdoc with warnings denied, and behave.
#[test]
fn standalone_crate_builds_lints_documents_and_behaves() {
    let dir = scratch("standalone");
    let out = dir.join("features-crate");
    let spec = root().join("codegen/tests/fixtures/features");
    let run = awsgen(&["generate", "--verbose", "--spec", spec.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert!(run.status.success(), "{}", text(&run.stderr));
    // Pattern lints are warnings that name the file and member.
    let warnings = text(&run.stderr);
    assert!(
        warnings.contains("features.json: example.features#PutThingInput$Account: pattern \"^(?i)all|[0-9]{12}$\" anchors only some of its alternatives"),
        "{warnings}"
    );
    assert!(
        warnings.contains(
            "example.features#PutThingInput$Account: pattern \"^(?i)all|[0-9]{12}$\" uses Java's inline flag"
        ),
        "{warnings}"
    );
    let manifest = std::fs::read_to_string(out.join("Cargo.toml")).unwrap();
    assert!(manifest.contains("name = \"features-crate\"") && manifest.contains("[workspace]"), "{manifest}");

    let tests = lint_document_and_test(&out, "behaviour.rs");
    assert!(text(&tests.stdout).contains("13 passed"), "{}", text(&tests.stdout));
}

/// Copies `behaviour` (from `cli/tests/standalone`) into the crate at
/// `out` as its test (with serde_json to read JSON), then runs clippy (without features, and with `server`
/// and `full-serde`) and rustdoc denying warnings, and the tests; returns the tests' output.
fn lint_document_and_test(out: &Path, behaviour: &str) -> Output {
    std::fs::create_dir_all(out.join("tests")).unwrap();
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/standalone").join(behaviour),
        out.join("tests").join(behaviour),
    )
    .unwrap();
    // The tests read JSON, as a user's would: their dependency, not the crate's.
    let manifest = out.join("Cargo.toml");
    let written = std::fs::read_to_string(&manifest).unwrap();
    assert!(!written.contains("[dev-dependencies]"), "{written}");
    std::fs::write(&manifest, format!("{written}\n[dev-dependencies]\nserde_json = \"1.0.140\"\n")).unwrap();
    // Share compiled dependencies between runs, apart from the workspace's.
    let target = root().join("target/standalone");
    let cargo = |args: &[&str], rustdocflags: Option<&str>| {
        let mut command = Command::new(env!("CARGO"));
        command.args(args).current_dir(out).env("CARGO_TARGET_DIR", &target).env("RUSTFLAGS", "-Dwarnings");
        // As in the workspace: line tables only, to keep the disk a clean run needs small.
        command.env("CARGO_PROFILE_DEV_DEBUG", "line-tables-only");
        if let Some(flags) = rustdocflags {
            command.env("RUSTDOCFLAGS", flags);
        }
        let output = command.output().unwrap();
        assert!(output.status.success(), "cargo {args:?} failed:\n{}", text(&output.stderr));
        output
    };
    // The crate as a server builds it (each type with only the serde
    // derives a server needs), then with every feature; the tests write
    // inputs and read outputs as a client does, so they need `full-serde`.
    cargo(&["clippy", "--", "-D", "warnings"], None);
    cargo(&["clippy", "--all-targets", "--features", "server,full-serde", "--", "-D", "warnings"], None);
    cargo(&["doc", "--no-deps"], Some("-Dwarnings"));
    cargo(&["test", "--features", "full-serde"], None)
}

/// The obstacle course: shapes, members, operations and enum values named
/// after every item the generated code uses, keywords, and names that
/// collide once made Rust. It generates (every rename a warning), compiles,
/// passes clippy and rustdoc, and routes and validates as the model says.
#[test]
fn obstacle_course_builds_lints_documents_and_behaves() {
    let dir = scratch("obstacles");
    let out = dir.join("obstacles-crate");
    let spec = root().join("codegen/tests/fixtures/obstacles");
    let run = awsgen(&["generate", "-v", "--spec", spec.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert!(run.status.success(), "{}", text(&run.stderr));
    let warnings = text(&run.stderr);
    for expected in [
        "example.ops#Result: its Rust type name `Result` is already taken in its scope; it is generated as `ResultOperation`",
        "example.ops#GetThing (its error enum): its Rust type name `GetThingError` is already taken in its scope; it is generated as `GetThingOperationError`",
        "c.d#Thing: its Rust type name `Thing` is already taken in its scope; it is generated as `Thing2`",
        "example.obstacles#Everything$ip_address: its Rust field name `ip_address` is already taken in its scope; it is generated as `ip_address_3`",
        "example.ops#GetThing (its error enum's variant for unmodelled errors): its Rust variant name `Unmodelled` is already taken in its scope; it is generated as `UnmodelledError`",
        "example.ops#Operation: its Rust module name `operation` is already taken in its scope; it is generated as `operation_operation`",
        "example.ops#Upload: has a byte stream (its input member `body` targets the @streaming blob example.ops#Bytes)",
    ] {
        assert!(warnings.contains(expected), "{expected}\nnot in:\n{warnings}");
    }
    // An output event stream is served in awsJson: no warning.
    assert!(!warnings.contains("example.ops#Subscribe: has an event stream"), "{warnings}");
    let tests = lint_document_and_test(&out, "obstacles.rs");
    assert!(text(&tests.stdout).contains("8 passed"), "{}", text(&tests.stdout));
}

/// A second service proves generality: KMS from botocore's model (a copy in
/// `models/botocore`), imported, generated as a standalone crate, and built
/// with clippy and rustdoc denying warnings, with no hand edits.
#[test]
fn a_second_service_from_botocore() {
    let model = root().join("models/botocore/kms-2014-11-01-service-2.json.gz");
    let dir = scratch("kms");
    let spec = dir.join("spec/kms");
    let out = dir.join("kms-crate");
    let import = awsgen(&["import", "--botocore", model.to_str().unwrap(), "--out", spec.to_str().unwrap()]);
    assert!(import.status.success(), "{}", text(&import.stderr));
    let again = awsgen(&["import", "--botocore", model.to_str().unwrap(), "--out", spec.to_str().unwrap()]);
    assert!(
        text(&again.stdout).contains(" 0 written, 0 removed"),
        "a second import changes nothing: {}",
        text(&again.stdout)
    );
    let generate = awsgen(&["generate", "--spec", spec.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert!(generate.status.success(), "{}", text(&generate.stderr));
    let service = std::fs::read_to_string(out.join("src/kms/service.rs")).unwrap();
    assert!(service.contains("pub trait TrentService") && service.contains("fn encrypt("), "the KMS trait");
    let target = root().join("target/standalone");
    for (args, rustdocflags) in [
        (&["clippy", "--all-targets", "--", "-D", "warnings"][..], None),
        (&["doc", "--no-deps"][..], Some("-Dwarnings")),
    ] {
        let mut command = Command::new(env!("CARGO"));
        command.args(args).current_dir(&out).env("CARGO_TARGET_DIR", &target).env("RUSTFLAGS", "-Dwarnings");
        // As in the workspace: line tables only, to keep the disk a clean run needs small.
        command.env("CARGO_PROFILE_DEV_DEBUG", "line-tables-only");
        if let Some(flags) = rustdocflags {
            command.env("RUSTDOCFLAGS", flags);
        }
        let output = command.output().unwrap();
        assert!(output.status.success(), "cargo {args:?}: {}", text(&output.stderr));
    }
}

#[test]
fn import_reads_smithy_idl() {
    let dir = scratch("idl-import");
    let spec = dir.join("spec/notes");
    let idl = root().join("examples/notes/specs/notes/notes.smithy");
    let import = awsgen(&[
        "import",
        "--smithy",
        idl.to_str().unwrap(),
        "--operations",
        "GetNote,PutNote",
        "--out",
        spec.to_str().unwrap(),
    ]);
    assert!(import.status.success(), "{}", text(&import.stderr));
    let mut files: Vec<String> =
        std::fs::read_dir(&spec).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    files.sort();
    assert_eq!(files, ["GetNote.json", "PutNote.json", "service.json", "shared.json"]);
    // The mixin is flattened: PutNote's input has the note's fields.
    let put = std::fs::read_to_string(spec.join("PutNote.json")).unwrap();
    assert!(put.contains("\"example.notes#PutNoteInput\"") && put.contains("\"text\""), "{put}");
    // A directory of IDL files imports the same.
    let from_dir = awsgen(&[
        "import",
        "--smithy",
        idl.parent().unwrap().to_str().unwrap(),
        "--operations",
        "GetNote,PutNote",
        "--out",
        spec.to_str().unwrap(),
    ]);
    assert!(text(&from_dir.stdout).contains(" 0 written, 0 removed"), "{}", text(&from_dir.stdout));
    let out = dir.join("out");
    let generate = awsgen(&["generate", "--spec", spec.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert!(generate.status.success(), "{}", text(&generate.stderr));
    let service = std::fs::read_to_string(out.join("src/notes/service.rs")).unwrap();
    assert!(
        service.contains("fn get_note(") && service.contains("fn put_note(") && !service.contains("fn list_notes(")
    );
}
