//! `import`: a service's model, Smithy or botocore's, into a spec directory.

use std::fs;
use std::process::ExitCode;

use codegen::model::load::read_model;
use codegen::tools::import;

use crate::files::write_atomically;
use crate::flags::{self, ImportSource};
use crate::generate::shown;
use crate::report::Output;
use crate::{Context, exit};

/// Writes the sliced spec files, only those that changed, and removes the
/// directory's spec files the import no longer makes.
pub fn import(args: flags::Import, context: &Context, output: &Output) -> ExitCode {
    let flags::Import { source, operations, out } = args;
    let (source, text) = match source {
        ImportSource::Smithy(file) => match import::read_smithy(&file) {
            Ok(text) => (file, text),
            Err(e) => {
                eprintln!("{e}");
                return ExitCode::from(exit::FAILED);
            }
        },
        ImportSource::Botocore(file) => {
            let name = shown(&file).display().to_string();
            let text = match read_model(&file) {
                Ok(text) => text,
                Err(e) => {
                    eprintln!("error: {name}: {e}");
                    return ExitCode::from(exit::IO);
                }
            };
            match import::botocore::to_smithy(&name, &text) {
                Ok((text, warnings)) => {
                    output.warnings(&name, &warnings);
                    (file, text)
                }
                Err(diagnostics) => {
                    output.findings(&name, &diagnostics);
                    return ExitCode::from(exit::FAILED);
                }
            }
        }
    };
    let files = match import::slice_smithy(&shown(&source).display().to_string(), &text, operations.as_deref()) {
        Ok(files) => files,
        Err(diagnostics) => {
            output.findings(&shown(&source).display().to_string(), &diagnostics);
            return ExitCode::from(exit::FAILED);
        }
    };
    let out = out.unwrap_or_else(|| context.base().join("specs").join(import::service_dir_name(&text)));
    let mut written = 0;
    for (name, contents) in &files {
        let path = out.join(name);
        if fs::read_to_string(&path).ok().as_deref() == Some(contents.as_str()) {
            continue;
        }
        if let Err(e) = write_atomically(&path, contents) {
            eprintln!("error: writing {}: {e}", path.display());
            return ExitCode::from(exit::IO);
        }
        written += 1;
    }
    // The directory belongs to the import: spec files it no longer makes go.
    let mut removed = 0;
    for stale in codegen::model::load::own_spec_files(&out).unwrap_or_default() {
        let name = stale.file_name().unwrap_or_default().to_string_lossy().into_owned();
        if !files.contains_key(&name) {
            if let Err(e) = fs::remove_file(&stale) {
                eprintln!("error: removing {}: {e}", stale.display());
                return ExitCode::from(exit::IO);
            }
            removed += 1;
        }
    }
    println!("{}: {written} written, {removed} removed, {} unchanged", shown(&out).display(), files.len() - written);
    ExitCode::SUCCESS
}
