//! The name pass: the one owner of every identifier the emitters write.
//!
//! Names are assigned per Rust scope, after keyword escaping:
//!
//! - the service's type scope: structures, unions and enums, then each
//!   operation's marker type and error enum, then the service trait and its
//!   router (every module of a service imports the others' types by name);
//! - each structure's fields and the associated functions giving defaults;
//!   each union's, enum's and error enum's variants;
//! - the operation modules, which are also the service trait's methods;
//! - the statics of `validation.rs`.
//!
//! A valid model is never refused for its names. Where two claims on a name
//! collide, the first (modelled shapes before generated items, then by shape
//! id or model order) keeps it and the other takes its next candidate
//! (`GetFooOperation` for an operation marker, `GetFooOperationError` for an
//! error enum, `AmazonSsmService` for a trait) or else a number (`Foo2`,
//! `foo_2`, `FOO_2`); every such rename is reported as a warning. std and
//! runtime items are not claimed: emitters write them by full path where a
//! model name takes their short name (see `emit::rust::FileCx`).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::diagnostic::{Diagnostic, Diagnostics, WarningKind};
use crate::ir::names::{enum_variant_name, field_name, module_name, screaming_snake_case, type_name, variant_name};
use crate::ir::{Service, ShapeKind};
use crate::model::shape_id;

/// Names every item of `service`; returns a warning for each rename.
pub fn run(service: &mut Service) -> Diagnostics {
    let mut warnings = Diagnostics::default();
    name_types(service, &mut warnings);
    name_members(service, &mut warnings);
    name_operation_modules(service, &mut warnings);
    name_statics(service, &mut warnings);
    warnings.sort();
    warnings
}

/// How numbered names are spelt in a scope.
#[derive(Clone, Copy)]
enum Case {
    /// `Foo2`
    Pascal,
    /// `foo_2`
    Snake,
    /// `FOO_2`
    Screaming,
}

/// One claim on a name: the names it may take, best first, and what to
/// name in a warning if it takes none of them.
struct Claim {
    candidates: Vec<String>,
    /// The shape or member id (or a description) the name is for.
    what: String,
    file: PathBuf,
}

impl Claim {
    fn new(candidates: Vec<String>, what: impl Into<String>, file: &Path) -> Self {
        Claim { candidates, what: what.into(), file: file.to_path_buf() }
    }
}

/// Names in one Rust scope.
struct Scope {
    /// What the names are, for warnings (`type`, `field`, ...).
    kind: &'static str,
    case: Case,
    taken: BTreeSet<String>,
    /// Whether renames are reported (names with no counterpart in the
    /// model, such as pattern statics, are numbered silently).
    report: bool,
}

impl Scope {
    fn new(kind: &'static str, case: Case) -> Self {
        Scope { kind, case, taken: BTreeSet::new(), report: true }
    }

    /// The first free candidate, else the first numbered from 2.
    fn assign(&mut self, claim: &Claim, warnings: &mut Diagnostics) -> String {
        if let Some(free) = claim.candidates.iter().find(|c| !self.taken.contains(*c)) {
            self.taken.insert(free.clone());
            if self.report && *free != claim.candidates[0] {
                warnings.push(self.renamed(claim, free));
            }
            return free.clone();
        }
        let first = &claim.candidates[0];
        let stem = first.strip_prefix("r#").unwrap_or(first).trim_end_matches('_');
        let name = (2..)
            .map(|n| match self.case {
                Case::Pascal => format!("{stem}{n}"),
                Case::Snake | Case::Screaming => format!("{stem}_{n}"),
            })
            .find(|name| !self.taken.contains(name))
            .expect("some number is free");
        self.taken.insert(name.clone());
        if self.report {
            warnings.push(self.renamed(claim, &name));
        }
        name
    }

    fn renamed(&self, claim: &Claim, name: &str) -> Diagnostic {
        Diagnostic::warning(
            WarningKind::NameConflict,
            format!(
                "its Rust {} name `{}` is already taken in its scope; it is generated as `{name}`",
                self.kind, claim.candidates[0]
            ),
        )
        .in_file(&claim.file)
        .at_shape(&claim.what)
    }
}

fn name_types(service: &mut Service, warnings: &mut Diagnostics) {
    let mut scope = Scope::new("type", Case::Pascal);
    // Modelled shapes first, by id: their names are the ones users look
    // for, as the service's `rename` has them.
    let name_of = |id: &str, name: &str| type_name(service.rename.get(id).map_or(name, String::as_str));
    for shape in service.shapes.values_mut() {
        shape.rust_name =
            scope.assign(&Claim::new(vec![name_of(&shape.id, &shape.name)], &shape.id, &shape.file), warnings);
    }
    // Then the collections written as aliases, also named in the model.
    for alias in service.aliases.values_mut() {
        let claim = Claim::new(vec![name_of(&alias.id, &alias.name)], &alias.id, &service.file);
        alias.rust_name = scope.assign(&claim, warnings);
    }
    for op in &mut service.operations {
        let stem = type_name(&op.name);
        let stem = stem.trim_end_matches('_');
        op.rust_name = scope
            .assign(&Claim::new(vec![type_name(&op.name), format!("{stem}Operation")], &op.id, &op.file), warnings);
    }
    for op in &mut service.operations {
        let stem = type_name(&op.name);
        let stem = stem.trim_end_matches('_');
        op.error_enum = scope.assign(
            &Claim::new(
                vec![format!("{stem}Error"), format!("{stem}OperationError")],
                format!("{} (its error enum)", op.id),
                &op.file,
            ),
            warnings,
        );
    }
    let stem = type_name(&service.name);
    let stem = stem.trim_end_matches('_').to_string();
    service.trait_name = scope.assign(
        &Claim::new(
            vec![type_name(&service.name), format!("{stem}Service")],
            format!("{} (its service trait)", service.id),
            &service.file,
        ),
        warnings,
    );
    service.router_name = scope.assign(
        &Claim::new(
            vec![format!("{stem}Router"), format!("{stem}ServiceRouter")],
            format!("{} (its router)", service.id),
            &service.file,
        ),
        warnings,
    );
    // An error enum's variants: the errors' type names, then one for errors
    // the model does not list.
    for op in &mut service.operations {
        let mut variants = Scope::new("variant", Case::Pascal);
        for error in &mut op.errors {
            let shape = &service.shapes[&error.id];
            error.variant =
                variants.assign(&Claim::new(vec![shape.rust_name.clone()], &shape.id, &shape.file), warnings);
        }
        let claim = Claim::new(
            vec!["Unmodelled".to_string(), "UnmodelledError".to_string()],
            format!("{} (its error enum's variant for unmodelled errors)", op.id),
            &op.file,
        );
        op.unmodelled_variant = variants.assign(&claim, warnings);
    }
    service.type_scope = scope.taken;
}

fn name_members(service: &mut Service, warnings: &mut Diagnostics) {
    for shape in service.shapes.values_mut() {
        let member_id = |member: &str| format!("{}${member}", shape.id);
        match &mut shape.kind {
            ShapeKind::Structure(s) => {
                let mut fields = Scope::new("field", Case::Snake);
                for member in &mut s.members {
                    let claim = Claim::new(vec![field_name(&member.name)], member_id(&member.name), &shape.file);
                    member.rust_name = fields.assign(&claim, warnings);
                }
                // Associated functions that give defaults `Default` cannot.
                let mut functions = Scope::new("function", Case::Snake);
                for member in &mut s.members {
                    if member.default.as_ref().is_some_and(|d| !d.is_rust_default()) {
                        let field = member.rust_name.trim_start_matches("r#");
                        let claim = Claim::new(vec![format!("default_{field}")], member_id(&member.name), &shape.file);
                        member.default_fn = Some(functions.assign(&claim, warnings));
                    }
                }
            }
            ShapeKind::Union(members) => {
                let mut variants = Scope::new("variant", Case::Pascal);
                for member in members {
                    let claim = Claim::new(vec![variant_name(&member.name)], member_id(&member.name), &shape.file);
                    member.rust_name = variants.assign(&claim, warnings);
                }
            }
            ShapeKind::Enum(values) => {
                let mut variants = Scope::new("variant", Case::Pascal);
                for value in values {
                    let claim = Claim::new(
                        vec![enum_variant_name(&value.name, &value.value)],
                        member_id(&value.name),
                        &shape.file,
                    );
                    value.rust_name = variants.assign(&claim, warnings);
                }
            }
        }
    }
}

/// Operation modules, which are also the service trait's method names.
/// They live in the module `operation`, which one of them may not share
/// (clippy's `module_inception`): an operation named `Operation` takes
/// `operation_operation`.
fn name_operation_modules(service: &mut Service, warnings: &mut Diagnostics) {
    let mut modules = Scope::new("module", Case::Snake);
    modules.taken.insert("operation".to_string());
    for op in &mut service.operations {
        let module = module_name(&op.name);
        let stem = module.trim_start_matches("r#").trim_end_matches('_');
        let claim = Claim::new(vec![module.clone(), format!("{stem}_operation")], &op.id, &op.file);
        op.module = modules.assign(&claim, warnings);
    }
}

fn name_statics(service: &mut Service, warnings: &mut Diagnostics) {
    let mut statics = Scope::new("static", Case::Screaming);
    // The lookup functions share the module; `service.rs`, which imports
    // statics, defines `PROTOCOL`.
    statics.taken.extend(["input_schema", "output_schema", "PROTOCOL"].map(String::from));
    let plan = &mut service.validation;
    for (id, name) in &mut plan.shapes {
        let shape = &service.shapes[id];
        let claim = Claim::new(vec![screaming_snake_case(&shape.rust_name)], id, &shape.file);
        *name = statics.assign(&claim, warnings);
    }
    for (id, collection) in &mut plan.collections {
        let stem = screaming_snake_case(shape_id::name(id));
        let claim = Claim::new(vec![stem.clone(), format!("{stem}_ITEMS")], id, &service.file);
        collection.static_name = statics.assign(&claim, warnings);
    }
    // Patterns by the name they ask for, then by source.
    statics.report = false;
    let mut patterns: Vec<(String, &String, &mut crate::ir::PatternStatic)> = plan
        .patterns
        .iter_mut()
        .map(|(source, p)| (screaming_snake_case(shape_id::name(&p.named_after)), source, p))
        .collect();
    patterns.sort_by(|a, b| (&a.0, a.1).cmp(&(&b.0, b.1)));
    for (stem, _, pattern) in patterns {
        let claim = Claim::new(vec![format!("{stem}_PATTERN")], &pattern.named_after, &service.file);
        pattern.static_name = statics.assign(&claim, warnings);
    }
    plan.scope = statics.taken;
}
