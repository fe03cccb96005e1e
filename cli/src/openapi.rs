//! `openapi`: an OpenAPI 3.1 document for each restJson1 service of a spec,
//! `<Service>.openapi.json` in the output directory.

use std::collections::BTreeMap;
use std::process::ExitCode;

use codegen::model::shape_id;

use crate::exit;
use crate::files::write_atomically;
use crate::flags;
use crate::generate::shown;
use crate::report::Output;

pub fn openapi(args: &flags::OpenApi, output: &Output) -> ExitCode {
    let spec = shown(&args.spec).display().to_string();
    let found = match codegen::openapi(&shown(&args.spec)) {
        Ok(found) => found,
        Err(diagnostics) => {
            output.findings(&spec, &diagnostics);
            eprintln!("no document was written");
            return ExitCode::from(exit::FAILED);
        }
    };
    output.warnings(&spec, &found.warnings);
    for (name, document) in file_names(&found.documents) {
        let path = args.out.join(&name);
        if std::fs::read_to_string(&path).is_ok_and(|old| old == *document) {
            println!("{}: unchanged", shown(&path).display());
            continue;
        }
        if let Err(e) = write_atomically(&path, document) {
            eprintln!("error: writing {}: {e}", path.display());
            return ExitCode::from(exit::IO);
        }
        println!("{}: written", shown(&path).display());
    }
    ExitCode::SUCCESS
}

/// Each document's file: `<Service>.openapi.json`, or with the namespace
/// (`example.pets.Pets.openapi.json`) where two services share a name.
fn file_names(documents: &BTreeMap<String, String>) -> Vec<(String, &String)> {
    let mut names: BTreeMap<&str, usize> = BTreeMap::new();
    for id in documents.keys() {
        *names.entry(shape_id::name(id)).or_default() += 1;
    }
    documents
        .iter()
        .map(|(id, document)| {
            let (namespace, name) = shape_id::split(id);
            let file = if names[name] > 1 { format!("{namespace}.{name}") } else { name.to_string() };
            (format!("{file}.openapi.json"), document)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn services_sharing_a_name_keep_their_namespace() {
        let documents: std::collections::BTreeMap<String, String> =
            [("a.b#Pets", "1"), ("c#Pets", "2"), ("c#Shop", "3")].map(|(k, v)| (k.to_string(), v.to_string())).into();
        let names: Vec<String> = super::file_names(&documents).into_iter().map(|(n, _)| n).collect();
        assert_eq!(names, ["a.b.Pets.openapi.json", "c.Pets.openapi.json", "Shop.openapi.json"]);
    }
}
