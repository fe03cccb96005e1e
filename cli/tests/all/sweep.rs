//! `awsgen sweep` as users run it, without `--build` (building takes
//! minutes; `codegen/tests/all/sweep.rs` covers the sweep itself in depth).

use std::path::PathBuf;

use crate::{awsgen, root, text};

/// A one-operation Smithy service, valid or with `min > max`.
fn model(sdk_id: &str, protocol: &str, min: u32) -> String {
    format!(
        r#"{{"smithy": "2.0", "shapes": {{
    "example.sweep#Service": {{"type": "service", "version": "1", "operations": [{{"target": "example.sweep#Ping"}}],
        "traits": {{"aws.protocols#{protocol}": {{}}, "aws.api#service": {{"sdkId": "{sdk_id}"}}}}}},
    "example.sweep#Ping": {{"type": "operation", "input": {{"target": "example.sweep#PingInput"}}}},
    "example.sweep#PingInput": {{"type": "structure", "members": {{"Name": {{"target": "example.sweep#Name"}}}}}},
    "example.sweep#Name": {{"type": "string", "traits": {{"smithy.api#length": {{"min": {min}, "max": 2}}}}}}
}}}}"#
    )
}

/// A fresh directory of models under target/.
fn models(name: &str, files: &[(&str, String)]) -> PathBuf {
    let dir = root().join("target/awsgen-tests").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    for (file, contents) in files {
        let path = dir.join(file);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, contents).unwrap();
    }
    dir
}

#[test]
fn sweep_prints_a_row_per_model_and_fails_on_a_bad_one() {
    let dir = models(
        "sweep",
        &[
            ("a/good.json", model("Good One", "awsJson1_1", 1)),
            ("b/bad.json", model("Bad One", "awsJson1_0", 3)),
            ("b/rest.json", model("Rest One", "restJson1", 1)),
            ("b/paginators-1.json", r#"{"pagination": {}}"#.to_string()),
        ],
    );
    let run = awsgen(&["sweep", dir.to_str().unwrap(), "--protocol", "awsJson"]);
    let (stdout, stderr) = (text(&run.stdout), text(&run.stderr));
    assert_eq!(run.status.code(), Some(1), "{stdout}{stderr}");
    assert_eq!(
        stdout,
        "\
service   protocol    operations  result           first error
bad-one   awsJson1_0           1  generate failed  b/bad.json: example.sweep#Name: smithy.api#length min (3) is greater than max (2)
good-one  awsJson1_1           1  ok
2 models: 1 ok, 0 import failed, 1 generate failed; 1 skipped (protocol); 1 JSON file not model
",
        "{stderr}"
    );
    assert!(stderr.contains("/4] bad-one: generate failed"), "progress on stderr: {stderr}");

    // The good model alone passes.
    let good = awsgen(&["sweep", dir.join("a").to_str().unwrap()]);
    assert!(good.status.success(), "{}{}", text(&good.stdout), text(&good.stderr));
    assert!(
        text(&good.stdout).ends_with("\n1 model: 1 ok, 0 import failed, 0 generate failed\n"),
        "{}",
        text(&good.stdout)
    );
}

#[test]
fn sweep_refuses_bad_arguments() {
    for (args, expected) in [
        (&["sweep"][..], "sweep needs a directory"),
        (&["sweep", "x", "--protocol", "soap"], "unknown protocol `soap`"),
        (&["sweep", "x", "--protocol"], "missing argument for option '--protocol'"),
        (&["sweep", "x", "--fast"], "invalid option '--fast'"),
    ] {
        let run = awsgen(args);
        assert_eq!(run.status.code(), Some(2), "{args:?}");
        assert!(text(&run.stderr).contains(expected), "{args:?}: {}", text(&run.stderr));
    }
    let missing = awsgen(&["sweep", "target/awsgen-tests/no-such-dir"]);
    assert_eq!(missing.status.code(), Some(3));
    assert!(text(&missing.stderr).contains("no-such-dir: No such file or directory"), "{}", text(&missing.stderr));
}
