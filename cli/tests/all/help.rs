//! Help, exit statuses, warnings by kind and the model's suppressions, and
//! the command line outside a clone of awsgen.

use std::path::PathBuf;

use crate::{awsgen, awsgen_in, text};

/// A fresh directory outside the repository (so no clone is around it).
fn outside(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("awsgen-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A one-operation awsJson1_0 service in IDL, with `extra` appended.
fn spec(dir: &std::path::Path, extra: &str) -> PathBuf {
    let spec = dir.join("specs/pets");
    std::fs::create_dir_all(&spec).unwrap();
    let idl = format!(
        r#"$version: "2"
{extra}
namespace example.pets

use aws.protocols#awsJson1_0

@awsJson1_0
service Pets {{
    version: "2024-01-01"
    operations: [GetPet]
}}

@example.tools#audited
operation GetPet {{
    input := {{
        @required
        @length(min: 1, max: 8)
        name: String
    }}
    output := {{
        @example.tools#audited
        age: Integer
    }}
}}
"#
    );
    std::fs::write(spec.join("pets.smithy"), idl).unwrap();
    spec
}

#[test]
fn every_command_has_help_and_mistakes_exit_2() {
    let overview = awsgen(&["--help"]);
    assert!(overview.status.success());
    for command in ["generate", "check", "import", "sweep", "openapi", "conformance"] {
        assert!(text(&overview.stdout).contains(&format!("\n  {command} ")), "{command} in the overview");
        for args in [&["help", command][..], &[command, "--help"], &[command, "-h", "--no-such-flag"]] {
            let run = awsgen(args);
            assert!(run.status.success(), "{args:?}");
            assert!(
                text(&run.stdout).starts_with(&format!("usage: awsgen {command}")),
                "{args:?}: {}",
                text(&run.stdout)
            );
        }
    }
    let wrong = awsgen(&["generate", "--spec", "specs"]);
    assert_eq!(wrong.status.code(), Some(2));
    let stderr = text(&wrong.stderr);
    assert!(
        stderr.starts_with("error: --out DIR is required") && stderr.contains("usage: awsgen generate"),
        "{stderr}"
    );
    assert_eq!(awsgen(&["frobnicate"]).status.code(), Some(2));
    let version = text(&awsgen(&["--version"]).stdout);
    assert!(version.starts_with("awsgen ") && version.contains("awsgen-runtime"), "{version}");
}

#[test]
fn warnings_are_counted_by_kind_and_the_model_silences_them() {
    let dir = outside("warnings");
    let spec = spec(&dir, "");
    let spec = spec.to_str().unwrap();
    let quiet = awsgen_in(&dir, &["check", "--spec", spec]);
    assert!(quiet.status.success(), "{}", text(&quiet.stderr));
    let stderr = text(&quiet.stderr);
    assert!(
        stderr.contains(": 2 warnings (2 UnknownTrait); --verbose prints each")
            && !stderr.contains("warning[UnknownTrait]"),
        "{stderr}"
    );
    let verbose = text(&awsgen_in(&dir, &["check", "--verbose", "--spec", spec]).stderr);
    assert!(
        verbose.contains("warning[UnknownTrait]: ")
            && verbose.contains("example.pets#GetPet: unknown trait example.tools#audited"),
        "{verbose}"
    );

    // Smithy's suppressions: by metadata for a namespace, and by trait.
    let by_metadata = r#"metadata suppressions = [{ id: "UnknownTrait", namespace: "example.pets", reason: "ours" }]"#;
    let spec = self::spec(&dir, by_metadata);
    let run = awsgen_in(&dir, &["check", "--spec", spec.to_str().unwrap()]);
    assert!(text(&run.stderr).contains(": 0 warnings, 2 suppressed by the model"), "{}", text(&run.stderr));
    let elsewhere = r#"metadata suppressions = [{ id: "UnknownTrait", namespace: "example.other" }]"#;
    let spec = self::spec(&dir, elsewhere);
    let run = awsgen_in(&dir, &["check", "--spec", spec.to_str().unwrap()]);
    assert!(text(&run.stderr).contains(": 2 warnings (2 UnknownTrait)"), "{}", text(&run.stderr));
    let malformed = r#"metadata suppressions = [{ id: "UnknownTrait" }]"#;
    let spec = self::spec(&dir, malformed);
    let run = awsgen_in(&dir, &["check", "--spec", spec.to_str().unwrap()]);
    assert_eq!(run.status.code(), Some(1));
    assert!(
        text(&run.stderr).contains("the metadata `suppressions` entry 0 is not an object"),
        "{}",
        text(&run.stderr)
    );

    let spec = self::spec(&dir, "");
    let idl = std::fs::read_to_string(spec.join("pets.smithy")).unwrap();
    let idl = idl.replace(
        "@example.tools#audited\noperation",
        "@suppress([\"UnknownTrait\"])\n@example.tools#audited\noperation",
    );
    std::fs::write(spec.join("pets.smithy"), idl).unwrap();
    let run = awsgen_in(&dir, &["check", "--spec", spec.to_str().unwrap()]);
    let stderr = text(&run.stderr);
    assert!(stderr.contains(": 1 warning (1 UnknownTrait), 1 suppressed by the model"), "{stderr}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn outside_a_clone_the_crate_depends_on_the_registry() {
    let dir = outside("registry");
    let spec = spec(&dir, "");
    let run = awsgen_in(&dir, &["generate", "--spec", spec.to_str().unwrap(), "--out", "pets-api"]);
    assert!(run.status.success(), "{}", text(&run.stderr));
    assert!(text(&run.stderr).contains("note: the crate depends on awsgen-runtime"), "{}", text(&run.stderr));
    let manifest = std::fs::read_to_string(dir.join("pets-api/Cargo.toml")).unwrap();
    let version = format!("awsgen-runtime = \"{}\"", codegen::RUNTIME_VERSION);
    assert!(manifest.contains("name = \"pets-api\"") && manifest.contains(&version), "{manifest}");
    // A local copy of the runtime, as well as the version.
    let runtime = crate::root().join("runtime");
    let args = [
        "generate",
        "--spec",
        spec.to_str().unwrap(),
        "--out",
        "pets-api",
        "--runtime-path",
        runtime.to_str().unwrap(),
    ];
    assert!(awsgen_in(&dir, &args).status.success());
    let manifest = std::fs::read_to_string(dir.join("pets-api/Cargo.toml")).unwrap();
    let both =
        format!("awsgen-runtime = {{ version = \"{}\", path = \"{}\" }}", codegen::RUNTIME_VERSION, runtime.display());
    assert!(manifest.contains(&both), "{manifest}");
    // Conformance needs a clone.
    let conformance = awsgen_in(&dir, &["conformance"]);
    assert_eq!(conformance.status.code(), Some(2));
    assert!(text(&conformance.stderr).contains("runs in a clone of awsgen"), "{}", text(&conformance.stderr));
    std::fs::remove_dir_all(&dir).unwrap();
}
