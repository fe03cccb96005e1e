//! Reads a spec directory: every `*.smithy` (IDL) and `*.json` (JSON AST)
//! file in it, in file-name order, merged into one set of shapes that
//! remembers which file each came from, then assembled (`crate::model::assemble`:
//! `apply`, mixins, elided members, implied trait values) into the flat
//! model the checks read. [`load_files`] does the same for spec files held
//! in memory.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::Value;

use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::model::assemble::{self, Applied, Elided};
use crate::model::ast::{self, ModelFile};
use crate::model::idl;
use crate::model::vocabulary;

/// Spec files by file name: the files of a spec directory, held in memory.
pub type SpecFiles = BTreeMap<String, String>;

/// A model file's text; `.gz` files (as botocore ships them) are inflated.
pub fn read_model(path: &Path) -> std::io::Result<String> {
    let bytes = fs::read(path)?;
    if path.extension().is_some_and(|e| e == "gz") {
        use std::io::Read as _;
        let mut text = String::new();
        flate2::read::GzDecoder::new(&bytes[..]).read_to_string(&mut text)?;
        Ok(text)
    } else {
        String::from_utf8(bytes).map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))
    }
}

/// The shapes of one spec directory, before checks.
#[derive(Debug)]
pub struct LoadedModel {
    /// The directory the spec was read from.
    pub dir: PathBuf,
    /// The files read, in the order they were read.
    pub files: Vec<PathBuf>,
    /// Metadata merged across files (later files may not redefine a key).
    pub metadata: BTreeMap<String, Value>,
    /// Every shape by absolute shape id.
    pub shapes: BTreeMap<String, LoadedShape>,
    /// Where shapes and members defined in IDL files are written: by shape
    /// or member id, the file's text and the line and column.
    pub positions: BTreeMap<String, (Arc<str>, usize, usize)>,
}

impl LoadedModel {
    /// Every operation bound to the service `service_id`, directly or
    /// through (nested) resources, in the order the model binds them.
    pub fn bound_operations(&self, service_id: &str) -> Vec<String> {
        let shape = |id: &str| self.shapes.get(id).map(|loaded| &loaded.shape);
        crate::model::ast::bound_operations(service_id, shape).into_iter().map(str::to_string).collect()
    }

    /// Points every diagnostic about a shape or member written in IDL at
    /// its line and column, with the line quoted.
    pub fn locate(&self, diagnostics: &mut Diagnostics) {
        diagnostics.for_each(|d| {
            if d.position.is_some() {
                return;
            }
            let Some(shape) = &d.shape else { return };
            if let Some((source, line, column)) = self.positions.get(shape) {
                let placeholder = Diagnostic::error(String::new());
                *d = std::mem::replace(d, placeholder).at_position(source, *line, *column);
            }
        });
    }
}

/// A shape and the file that defines it.
#[derive(Debug, Clone)]
pub struct LoadedShape {
    pub file: PathBuf,
    pub shape: ast::Shape,
    /// Whether the file is Smithy 1.0, whose semantics assembly upgrades.
    pub version_1: bool,
}

/// A spec directory's manifest, in the form Smithy's own build tool reads:
/// its `sources` and `imports` name more model files (or directories of
/// them) to load with the directory's own.
pub const MANIFEST: &str = "smithy-build.json";

/// Whether `path` is a spec file: Smithy IDL or JSON AST (not a manifest).
pub fn is_spec_file(path: &Path) -> bool {
    path.extension().is_some_and(|ext| ext == "json" || ext == "smithy")
        && path.file_name().is_some_and(|name| name != MANIFEST)
}

/// Whether `path` is a Smithy IDL file.
fn is_idl(path: &Path) -> bool {
    path.extension().is_some_and(|ext| ext == "smithy")
}

/// The model files of a spec directory: its own `*.smithy` and `*.json`
/// files, sorted by name so that the result never depends on the order the
/// file system lists them in, then those its [`MANIFEST`] names.
pub fn spec_files(dir: &Path) -> Result<Vec<PathBuf>, Diagnostic> {
    let mut files = own_spec_files(dir)?;
    let manifest = dir.join(MANIFEST);
    if manifest.is_file() {
        for file in manifest_files(&manifest)? {
            if !files.contains(&file) {
                files.push(file);
            }
        }
    }
    Ok(files)
}

/// The `*.smithy` and `*.json` files directly in `dir`, by name.
pub fn own_spec_files(dir: &Path) -> Result<Vec<PathBuf>, Diagnostic> {
    let entries = fs::read_dir(dir).map_err(|e| {
        Diagnostic::error(format!("cannot read the spec directory: {e}"))
            .in_file(dir)
            .help("pass a directory that holds Smithy IDL (*.smithy) or JSON AST (*.json) files")
    })?;
    let mut files = Vec::new();
    for entry in entries {
        let entry =
            entry.map_err(|e| Diagnostic::error(format!("cannot list the spec directory: {e}")).in_file(dir))?;
        let path = entry.path();
        if path.is_file() && is_spec_file(&path) {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}

/// The files a manifest's `sources` and `imports` name, in its order (a
/// directory's files recursively, by name).
fn manifest_files(manifest: &Path) -> Result<Vec<PathBuf>, Diagnostic> {
    let fail = |message: String| {
        Diagnostic::error(message).in_file(manifest).help(
            "a spec directory's smithy-build.json may list `sources` and `imports`: paths, relative to it, of \
             model files or directories of them",
        )
    };
    let text = fs::read_to_string(manifest).map_err(|e| fail(format!("cannot read the file: {e}")))?;
    let value: Value = serde_json::from_str(&text).map_err(|e| fail(format!("invalid JSON: {e}")))?;
    let Value::Object(entries) = value else { return Err(fail("the manifest must be a JSON object".into())) };
    let base = manifest.parent().unwrap_or(Path::new("."));
    let mut files = Vec::new();
    for (key, value) in &entries {
        match key.as_str() {
            "sources" | "imports" => {
                let paths = value.as_array().filter(|a| a.iter().all(Value::is_string));
                let Some(paths) = paths else { return Err(fail(format!("`{key}` must be a list of paths"))) };
                for path in paths.iter().filter_map(Value::as_str) {
                    let path = normalize(&base.join(path));
                    if path.is_dir() {
                        collect_dir(&path, &mut files)
                            .map_err(|e| fail(format!("cannot read {}: {e}", path.display())))?;
                    } else if path.is_file() {
                        files.push(path);
                    } else {
                        return Err(fail(format!("`{key}` names {}, which does not exist", path.display())));
                    }
                }
            }
            // What Smithy's build tool does with a model (projections,
            // plugins) is not this generator's job: the model is generated
            // as the sources define it.
            "version" | "outputDirectory" | "projections" | "plugins" | "maven" => {}
            other => return Err(fail(format!("unknown manifest key `{other}`"))),
        }
    }
    Ok(files)
}

/// Every spec file under `dir`, recursively, by path.
fn collect_dir(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    let mut entries: Vec<PathBuf> = fs::read_dir(dir)?.map(|e| e.map(|e| e.path())).collect::<Result<_, _>>()?;
    entries.sort();
    for path in entries {
        if path.is_dir() {
            collect_dir(&path, out)?;
        } else if is_spec_file(&path) {
            out.push(path);
        }
    }
    Ok(())
}

/// `a/b/../c` as `a/c`, so that messages name files plainly.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            std::path::Component::ParentDir if out.file_name().is_some() => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// Reads and merges every spec file of `dir`. Reports every problem it can
/// find, not only the first.
pub fn load_dir(dir: &Path) -> Result<LoadedModel, Diagnostics> {
    let files = spec_files(dir)?;
    let texts = files.into_iter().map(|file| {
        let text = fs::read_to_string(&file)
            .map(Cow::Owned)
            .map_err(|e| Diagnostic::error(format!("cannot read the file: {e}")).in_file(&file));
        (file, text)
    });
    merge(dir, texts)
}

/// Merges spec files held in memory (file name to text) as [`load_dir`]
/// merges the files of `dir`: the same checks, and messages that name
/// `dir/<file name>`, although nothing is read from the disk.
pub fn load_files(dir: &Path, files: &SpecFiles) -> Result<LoadedModel, Diagnostics> {
    // `SpecFiles` is ordered by name, as `spec_files` orders a directory.
    merge(dir, files.iter().map(|(name, text)| (dir.join(name), Ok(Cow::Borrowed(text.as_str())))))
}

/// Loads each file's text (or the error reading it) into one model, in the
/// order given, and assembles it.
fn merge<'a>(
    dir: &Path,
    texts: impl ExactSizeIterator<Item = (PathBuf, Result<Cow<'a, str>, Diagnostic>)>,
) -> Result<LoadedModel, Diagnostics> {
    if texts.len() == 0 {
        return Err(Diagnostic::error("the spec directory holds no *.smithy or *.json files")
            .in_file(dir)
            .help("put the service's Smithy IDL (*.smithy) or JSON AST (*.json) files in this directory")
            .into());
    }
    load_texts(dir, texts, Some(vocabulary::shapes()))
}

/// Reads, resolves and assembles files into one model; `outside` holds the
/// trait definitions and prelude shapes the files may use without defining
/// them (`None` while reading those definitions themselves).
pub fn load_texts<'a>(
    dir: &Path,
    texts: impl Iterator<Item = (PathBuf, Result<Cow<'a, str>, Diagnostic>)>,
    outside: Option<&BTreeMap<String, LoadedShape>>,
) -> Result<LoadedModel, Diagnostics> {
    let mut model = LoadedModel {
        dir: dir.to_path_buf(),
        files: Vec::new(),
        metadata: BTreeMap::new(),
        shapes: BTreeMap::new(),
        positions: BTreeMap::new(),
    };
    let mut diagnostics = Diagnostics::default();
    let mut applies = Vec::new();
    let mut duplicates = Vec::new();
    let mut idl_files = Vec::new();
    for (file, text) in texts {
        match text {
            Ok(text) if is_idl(&file) => match idl::parse(&file, &text) {
                Ok(doc) => idl_files.push((file.clone(), text.into_owned(), doc)),
                Err(e) => diagnostics.push(e),
            },
            Ok(text) => load_file(&file, &text, &mut model, &mut applies, &mut duplicates, &mut diagnostics),
            Err(e) => diagnostics.push(e),
        }
        model.files.push(file);
    }
    if diagnostics.has_errors() {
        diagnostics.sort();
        return Err(diagnostics);
    }

    // A relative shape id in an IDL file may name a shape of any file.
    let mut defined: std::collections::BTreeSet<String> = model.shapes.keys().cloned().collect();
    for (_, _, doc) in &idl_files {
        defined.extend(idl::defined_ids(doc));
    }
    let known = KnownIds { defined: &defined, outside };
    let mut elided = Vec::new();
    for (file, source, doc) in &idl_files {
        let resolved = match idl::resolve(file, source, doc, &known) {
            Ok(resolved) => resolved,
            Err(e) => {
                diagnostics.push(e);
                continue;
            }
        };
        let version_1 = doc.version == idl::syntax::Version::V1;
        let text: Arc<str> = Arc::from(source.as_str());
        for (id, pos) in &resolved.positions {
            model.positions.insert(id.clone(), (text.clone(), pos.line, pos.column));
        }
        for (key, value) in resolved.metadata {
            if let Err(e) = merge_metadata(&mut model.metadata, key, value) {
                diagnostics.push(e.in_file(file));
            }
        }
        for (id, shape, pos) in resolved.shapes {
            if model.shapes.contains_key(&id) {
                let position = Some((text.clone(), pos.line, pos.column));
                duplicates.push(Duplicate { id, file: file.clone(), shape, position });
                continue;
            }
            model.shapes.insert(id, LoadedShape { file: file.clone(), shape, version_1 });
        }
        for (target, traits, pos) in resolved.applies {
            applies.push(Applied {
                file: file.clone(),
                target,
                traits,
                position: Some((text.clone(), pos.line, pos.column)),
            });
        }
        elided.extend(resolved.elided.into_iter().map(|e| Elided {
            file: file.clone(),
            elided: e,
            source: text.clone(),
        }));
    }
    let empty = BTreeMap::new();
    merge_duplicates(&mut model, duplicates, outside.unwrap_or(&empty), &mut diagnostics);
    if diagnostics.has_errors() {
        diagnostics.sort();
        return Err(diagnostics);
    }
    let mut assembled = assemble::assemble(&mut model, applies, elided, outside.unwrap_or(&empty));
    model.locate(&mut assembled);
    diagnostics.extend(assembled);
    if diagnostics.has_errors() {
        diagnostics.sort();
        return Err(diagnostics);
    }
    Ok(model)
}

/// The shape ids relative ids in IDL files may resolve to: the model's and
/// those of the definitions outside it.
struct KnownIds<'a> {
    defined: &'a std::collections::BTreeSet<String>,
    outside: Option<&'a BTreeMap<String, LoadedShape>>,
}

impl idl::resolve::Known for KnownIds<'_> {
    fn contains(&self, id: &str) -> bool {
        self.defined.contains(id) || self.outside.is_some_and(|o| o.contains_key(id))
    }

    fn in_prelude(&self, name: &str) -> bool {
        let id = format!("smithy.api#{name}");
        match self.outside {
            Some(outside) => outside.get(&id).is_some_and(|s| !s.shape.traits.contains_key("smithy.api#private")),
            // Reading the prelude itself.
            None => self.defined.contains(&id),
        }
    }
}

/// A second definition of a shape, merged into the first once every file
/// is read (the trait definitions known).
pub struct Duplicate {
    id: String,
    file: PathBuf,
    shape: ast::Shape,
    /// Where it is, in an IDL file: its text, line and column.
    position: Option<(Arc<str>, usize, usize)>,
}

/// Merges each second definition into the first ([`merge_duplicate`]), or
/// reports the conflict where the second is.
fn merge_duplicates(
    model: &mut LoadedModel,
    duplicates: Vec<Duplicate>,
    outside: &dyn assemble::Definitions,
    diagnostics: &mut Diagnostics,
) {
    if duplicates.is_empty() {
        return;
    }
    // Traits written without a value compare as the value they imply.
    let kinds: BTreeMap<String, String> = model
        .shapes
        .iter()
        .filter(|(_, s)| s.shape.traits.contains_key("smithy.api#trait"))
        .map(|(id, s)| (id.clone(), s.shape.kind.clone()))
        .collect();
    let implied = |shape: &mut ast::Shape| {
        let fill = |traits: &mut ast::Traits| {
            for (tid, value) in traits.iter_mut().filter(|(_, v)| v.is_null()) {
                let kind = kinds.get(tid).cloned().or_else(|| outside.shape(tid).map(|s| s.kind.clone()));
                if let Some(implied) = assemble::implied_value(kind.as_deref()) {
                    *value = implied;
                }
            }
        };
        fill(&mut shape.traits);
        for member in members_mut(shape) {
            fill(&mut member.traits);
        }
    };
    for mut duplicate in duplicates {
        let existing = model.shapes.get_mut(&duplicate.id).expect("a duplicate of a shape loaded");
        implied(&mut existing.shape);
        implied(&mut duplicate.shape);
        if let Err(conflict) = merge_duplicate(existing, duplicate.shape) {
            let (message, help) = conflict.describe(&existing.file);
            let mut diagnostic = Diagnostic::error(message).in_file(&duplicate.file).at_shape(&duplicate.id).help(help);
            if let Some((source, line, column)) = &duplicate.position {
                diagnostic = diagnostic.at_position(source, *line, *column);
            }
            diagnostics.push(diagnostic);
        }
    }
}

/// Every member of `shape`: of its `members`, and its `member`, `key` and
/// `value`.
fn members_mut(shape: &mut ast::Shape) -> impl Iterator<Item = &mut ast::Member> {
    let members = shape.members.iter_mut().flat_map(|members| members.0.iter_mut().map(|(_, m)| m));
    members.chain(shape.member.iter_mut()).chain(shape.key.iter_mut()).chain(shape.value.iter_mut())
}

/// Why a second definition of a shape conflicts with the first.
#[derive(Debug)]
enum Conflict {
    /// The definitions differ, not only in their traits: how.
    Shape(Vec<String>),
    /// They give a trait (of the shape, or of the member named) values that
    /// do not merge.
    Trait { member: Option<String>, trait_id: String },
}

impl Conflict {
    /// The error's message and help, the first definition being in `first`.
    fn describe(&self, first: &Path) -> (String, &'static str) {
        match self {
            Conflict::Shape(differences) => (
                format!(
                    "shape is defined twice, here and in {}, and the definitions differ: {}",
                    first.display(),
                    differences.join("; ")
                ),
                "make the two definitions the same, or keep one and delete the other",
            ),
            Conflict::Trait { member, trait_id } => (
                format!(
                    "shape is defined twice, here and in {}, and the definitions give {}{trait_id} values that \
                     conflict",
                    first.display(),
                    member.as_ref().map_or(String::new(), |m| format!("its member `{m}` ")),
                ),
                "give the trait the same value in both definitions (lists are joined), or apply it in one",
            ),
        }
    }
}

/// Merges `again`, a second definition of the shape `existing` holds, as
/// Smithy's loader does: definitions that are the same once their traits
/// are merged are one shape; a trait given in both merges as a trait
/// applied twice does ([`assemble::merge_value`]: lists are joined, equal
/// values are one, others conflict); any other difference (the type, a
/// member's target, the members, mixins, properties) is a conflict.
fn merge_duplicate(existing: &mut LoadedShape, again: ast::Shape) -> Result<(), Conflict> {
    let differences = differences(&existing.shape, &again);
    if !differences.is_empty() {
        return Err(Conflict::Shape(differences));
    }
    let mut merged = existing.shape.clone();
    let again_members: Vec<(String, ast::Member)> =
        again.members().into_iter().map(|(n, m)| (n.to_string(), m.clone())).collect();
    for (trait_id, value) in again.traits {
        if !assemble::merge_value(&mut merged.traits, &trait_id, value) {
            return Err(Conflict::Trait { member: None, trait_id });
        }
    }
    for (name, member) in again_members {
        let Some(target) = member_mut(&mut merged, &name) else { continue };
        for (trait_id, value) in member.traits {
            if !assemble::merge_value(&mut target.traits, &trait_id, value) {
                return Err(Conflict::Trait { member: Some(name), trait_id });
            }
        }
    }
    existing.shape = merged;
    Ok(())
}

/// The member `name` of `shape` (a member of its `members`, or its `member`,
/// `key` or `value`).
fn member_mut<'a>(shape: &'a mut ast::Shape, name: &str) -> Option<&'a mut ast::Member> {
    match name {
        "member" if shape.member.is_some() => shape.member.as_mut(),
        "key" if shape.key.is_some() => shape.key.as_mut(),
        "value" if shape.value.is_some() => shape.value.as_mut(),
        _ => shape.members.as_mut()?.get_mut(name),
    }
}

/// How two definitions of a shape differ, traits aside: nothing for two
/// that Smithy takes for one.
fn differences(a: &ast::Shape, b: &ast::Shape) -> Vec<String> {
    let mut out = Vec::new();
    if a.kind != b.kind {
        let article =
            |kind: &str| crate::model::kind::Kind::parse(kind).map_or_else(|| kind.to_string(), |k| k.with_article());
        out.push(format!("here it is {}, there {}", article(&b.kind), article(&a.kind)));
        return out;
    }
    if a.mixins != b.mixins {
        out.push("their mixins differ".to_string());
    }
    // Members by name, whatever their order; each by its target.
    let members = |shape: &ast::Shape| -> BTreeMap<String, String> {
        shape.members().into_iter().map(|(n, m)| (n.to_string(), m.target.clone())).collect()
    };
    let (ma, mb) = (members(a), members(b));
    if ma.keys().ne(mb.keys()) {
        let names = |m: &BTreeMap<String, String>| m.keys().cloned().collect::<Vec<_>>().join(", ");
        out.push(format!("here its members are [{}], there [{}]", names(&mb), names(&ma)));
    } else {
        for (name, target) in &ma {
            if mb[name] != *target {
                out.push(format!("here its member `{name}` targets {}, there {target}", mb[name]));
            }
        }
    }
    // Everything else a shape has: its operations, resources, properties.
    let rest = |shape: &ast::Shape| ast::Shape {
        kind: shape.kind.clone(),
        traits: ast::Traits::new(),
        members: None,
        member: None,
        key: None,
        value: None,
        mixins: Vec::new(),
        ..shape.clone()
    };
    if rest(a) != rest(b) {
        out.push("their properties (input, output, errors, operations, resources, ...) differ".to_string());
    }
    out
}

/// Merges one metadata entry as Smithy does (see [`assemble::merge_value`]).
fn merge_metadata(metadata: &mut BTreeMap<String, Value>, key: String, value: Value) -> Result<(), Diagnostic> {
    if assemble::merge_value(metadata, &key, value) {
        return Ok(());
    }
    Err(Diagnostic::error(format!("metadata `{key}` is defined twice with different values"))
        .help("keep one definition; only lists under one key are merged"))
}

/// Parses one JSON AST file into `model`, recording `apply` entries in
/// `applies`, second definitions of shapes in `duplicates` and problems in
/// `diagnostics`.
pub fn load_file(
    file: &Path,
    text: &str,
    model: &mut LoadedModel,
    applies: &mut Vec<Applied>,
    duplicates: &mut Vec<Duplicate>,
    diagnostics: &mut Diagnostics,
) {
    let parsed: ModelFile = match serde_json::from_str(text) {
        Ok(parsed) => parsed,
        Err(e) => {
            diagnostics.push(
                Diagnostic::error(format!(
                    "invalid JSON at line {}, column {}: {}",
                    e.line(),
                    e.column(),
                    strip_position(&e)
                ))
                .in_file(file)
                .help("a spec file must be a Smithy JSON AST object: {\"smithy\": \"2.0\", \"shapes\": {...}}"),
            );
            return;
        }
    };
    let version_1 = match parsed.smithy.as_str() {
        "2.0" | "2" => false,
        "1.0" | "1" => true,
        other => {
            diagnostics.push(
                Diagnostic::error(format!("unsupported Smithy version \"{other}\""))
                    .in_file(file)
                    .help("write models in Smithy 2.0 (\"smithy\": \"2.0\"); 1.0 is read too"),
            );
            return;
        }
    };
    for (key, value) in parsed.metadata {
        if let Err(e) = merge_metadata(&mut model.metadata, key, value) {
            diagnostics.push(e.in_file(file));
        }
    }
    for (id, raw) in parsed.shapes.0 {
        let shape: ast::Shape = match serde_json::from_str(raw.get()) {
            Ok(shape) => shape,
            Err(e) => {
                let (line, column) = position_in(text, raw.get(), e.line(), e.column());
                diagnostics.push(
                    Diagnostic::error(format!(
                        "malformed shape at line {line}, column {column}: {}",
                        strip_position(&e)
                    ))
                    .in_file(file)
                    .at_shape(&id)
                    .help("see the Smithy 2.0 JSON AST specification for the fields each shape type takes"),
                );
                continue;
            }
        };
        if shape.kind == "apply" {
            applies.push(Applied { file: file.to_path_buf(), target: id, traits: shape.traits, position: None });
            continue;
        }
        if model.shapes.contains_key(&id) {
            duplicates.push(Duplicate { id, file: file.to_path_buf(), shape, position: None });
            continue;
        }
        model.shapes.insert(id, LoadedShape { file: file.to_path_buf(), shape, version_1 });
    }
}

/// A loaded model as one JSON AST document: `{"smithy": "2.0", "metadata":
/// {...}, "shapes": {...}}`, shapes by id.
pub fn to_json_ast(model: &LoadedModel) -> String {
    let shapes: BTreeMap<&str, &ast::Shape> = model.shapes.iter().map(|(id, s)| (id.as_str(), &s.shape)).collect();
    let mut document = serde_json::json!({"smithy": "2.0", "shapes": shapes});
    if !model.metadata.is_empty() {
        document["metadata"] = serde_json::to_value(&model.metadata).expect("metadata serialises");
    }
    serde_json::to_string_pretty(&document).expect("shapes serialise")
}

/// serde_json appends " at line L column C" to its messages; we print the
/// position ourselves, relative to the whole file.
fn strip_position(e: &serde_json::Error) -> String {
    let text = e.to_string();
    match text.rfind(" at line ") {
        Some(at) => text[..at].to_string(),
        None => text,
    }
}

/// Turns a line and column inside `inner` (a slice of `text`) into a line
/// and column of `text`.
fn position_in(text: &str, inner: &str, line: usize, column: usize) -> (usize, usize) {
    let offset = (inner.as_ptr() as usize).wrapping_sub(text.as_ptr() as usize);
    if offset > text.len() {
        return (line, column);
    }
    let before = &text[..offset];
    let start_line = before.matches('\n').count() + 1;
    let start_column = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
    if line <= 1 { (start_line, start_column + column.saturating_sub(1)) } else { (start_line + line - 1, column) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(text: &str) -> Result<LoadedModel, Diagnostics> {
        let mut model = LoadedModel {
            dir: PathBuf::from("spec"),
            files: vec![],
            metadata: BTreeMap::new(),
            shapes: BTreeMap::new(),
            positions: BTreeMap::new(),
        };
        let mut diagnostics = Diagnostics::default();
        load_file(Path::new("spec/a.json"), text, &mut model, &mut Vec::new(), &mut Vec::new(), &mut diagnostics);
        if diagnostics.has_errors() { Err(diagnostics) } else { Ok(model) }
    }

    #[test]
    fn invalid_json_names_line_and_column() {
        let err = load("{\n  \"smithy\": \"2.0\",\n  \"shapes\": {\n    \"a#B\": {\"type\": \"string\",}\n  }\n}")
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "error: spec/a.json: invalid JSON at line 4, column 30: key must be a string\n  help: a spec file must be a Smithy JSON AST object: {\"smithy\": \"2.0\", \"shapes\": {...}}"
        );
    }

    #[test]
    fn malformed_shape_names_the_shape_and_file_position() {
        let err = load("{\"smithy\": \"2.0\", \"shapes\": {\n  \"a#B\": {\"type\": \"string\"},\n  \"a#C\": {\"type\": \"list\", \"membr\": {}}\n}}").unwrap_err();
        let text = err.to_string();
        assert!(text.starts_with("error: spec/a.json: a#C: malformed shape at line 3, column "), "{text}");
        assert!(text.contains("unknown field `membr`"), "{text}");
    }

    #[test]
    fn duplicate_members_are_refused() {
        let err = load(r#"{"smithy": "2.0", "shapes": {"a#S": {"type": "structure", "members": {"x": {"target": "smithy.api#String"}, "x": {"target": "smithy.api#String"}}}}}"#).unwrap_err();
        assert!(err.to_string().contains("a#S: malformed shape"), "{err}");
        assert!(err.to_string().contains("duplicate key `x`"), "{err}");
    }

    #[test]
    fn members_keep_file_order() {
        let model = load(r#"{"smithy": "2.0", "shapes": {"a#S": {"type": "structure", "members": {"z": {"target": "smithy.api#String"}, "a": {"target": "smithy.api#String"}}}}}"#).unwrap();
        let members = model.shapes["a#S"].shape.members.as_ref().unwrap();
        assert_eq!(members.iter().map(|(k, _)| k).collect::<Vec<_>>(), ["z", "a"]);
    }

    #[test]
    fn unknown_smithy_versions_are_refused() {
        load(r#"{"smithy": "1.0", "shapes": {}}"#).unwrap();
        let err = load(r#"{"smithy": "3.0", "shapes": {}}"#).unwrap_err();
        assert!(err.to_string().contains("unsupported Smithy version \"3.0\""), "{err}");
    }

    #[test]
    fn files_in_memory_load_as_the_directory_would() {
        let dir = std::env::temp_dir().join(format!("codegen-load-files-{}", std::process::id())).join("svc");
        fs::create_dir_all(&dir).unwrap();
        let mut files = SpecFiles::new();
        files.insert("b.json".into(), r#"{"smithy": "2.0", "shapes": {"a#B": {"type": "integer"}}}"#.into());
        files.insert(
            "a.json".into(),
            r#"{"smithy": "2.0", "shapes": {"a#A": {"type": "string"}, "a#B": {"type": "string"}}}"#.into(),
        );
        for (name, text) in &files {
            fs::write(dir.join(name), text).unwrap();
        }
        let from_disk = load_dir(&dir).unwrap_err().to_string();
        let _ = fs::remove_dir_all(dir.parent().unwrap());
        assert_eq!(load_files(&dir, &files).unwrap_err().to_string(), from_disk);
        assert!(
            from_disk.contains("svc/b.json: a#B: shape is defined twice, here and in ")
                && from_disk.contains("the definitions differ: here it is an integer, there a string"),
            "{from_disk}"
        );

        files.remove("b.json");
        let model = load_files(Path::new("svc"), &files).unwrap();
        assert_eq!(model.files, [PathBuf::from("svc/a.json")]);
        assert_eq!(model.shapes["a#A"].file, Path::new("svc/a.json"));
        assert!(
            load_files(Path::new("svc"), &SpecFiles::new())
                .unwrap_err()
                .to_string()
                .contains("holds no *.smithy or *.json files")
        );
    }
}
