//! `build::Config`, as a build script runs it: the included root and the
//! modules in the output directory, the same code `generate` writes, only
//! changed files rewritten, stale ones removed, nothing written on an error.
//! (`examples/notes-build` compiles and serves what it writes.)

use std::path::Path;

use codegen::build::{Config, Error, MODULE_DIR, ROOT_FILE};

use crate::common::{TempDir, root, workspace_settings};

fn modified(path: &Path) -> std::time::SystemTime {
    std::fs::metadata(path).unwrap().modified().unwrap()
}

#[test]
fn a_build_script_gets_the_crates_modules_and_a_root_to_include() {
    let out = TempDir::new("out");
    let spec = root().join("examples/notes/specs");
    Config::new().spec_dir(&spec).out_dir(out.path()).generate().unwrap();

    let included = std::fs::read_to_string(out.path().join(ROOT_FILE)).unwrap();
    let module = out.path().join(MODULE_DIR).join("notes/mod.rs");
    assert!(included.contains("pub use ::awsgen_runtime as runtime;"), "{included}");
    assert!(included.contains(&format!("#[path = {:?}]\npub mod notes;", module.display().to_string())), "{included}");
    // No crate-level attributes or inner docs: they cannot be included.
    assert!(!included.contains("#![") && !included.contains("//!"), "{included}");

    // The modules are the checked-in crate's, byte for byte.
    let generated = codegen::generate(&spec, &workspace_settings()).unwrap();
    let mut modules = 0;
    for (path, contents) in &generated.files {
        let Ok(relative) = path.strip_prefix("src") else { continue };
        if relative == Path::new("lib.rs") || relative.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let written = std::fs::read_to_string(out.path().join(MODULE_DIR).join(relative)).unwrap();
        assert_eq!(&written, contents, "{}", relative.display());
        modules += 1;
    }
    assert_eq!(codegen::tools::stale::files_under(&out.path().join(MODULE_DIR)).len(), modules);

    // Again: nothing is rewritten (Cargo would rebuild it), and a file the
    // generator no longer makes is removed.
    let before = modified(&module);
    let stale = out.path().join(MODULE_DIR).join("notes/gone.rs");
    std::fs::write(&stale, "// no longer generated\n").unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));
    Config::new().spec_dir(&spec).out_dir(out.path()).generate().unwrap();
    assert_eq!(modified(&module), before);
    assert!(!stale.exists());
}

#[test]
fn a_bad_spec_fails_the_build_and_writes_nothing() {
    let spec = TempDir::with_files(
        "bad",
        &[("bad.smithy", "$version: \"2\"\nnamespace a\n@length(min: 3, max: 2)\nstring Name\n".to_string())],
    );
    let out = TempDir::new("out");
    let error = Config::new().spec_dir(spec.path()).out_dir(out.path()).generate().unwrap_err();
    let Error::Spec(_) = &error else { panic!("{error}") };
    let message = error.to_string();
    assert!(message.contains("bad.smithy:4:8: a#Name: smithy.api#length min (3)"), "{message}");
    assert!(message.ends_with("2 errors in the spec"), "{message}");
    assert_eq!(std::fs::read_dir(out.path()).unwrap().count(), 0);
    // Outside a build script, with no output directory given.
    if std::env::var_os("OUT_DIR").is_none() {
        let error = Config::new().spec_dir(spec.path()).generate().unwrap_err();
        assert!(matches!(error, Error::NoOutDir), "{error}");
    }
    assert!(matches!(Config::new().generate(), Err(Error::NoSpecDir)));
}
