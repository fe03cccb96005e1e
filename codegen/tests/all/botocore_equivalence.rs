//! Importing botocore 1.42.54's SSM model gives the service that importing
//! AWS's Smithy model gives, shape by shape, except for differences whose
//! cause is in the sources themselves; each is listed with its cause.

use crate::common;

use std::collections::BTreeMap;

use codegen::ir::{Member, Service, ShapeKind, TypeRef};
use common::{TempDir, root};

fn botocore_service() -> (Service, codegen::Diagnostics) {
    let text = common::model("ssm/botocore-1.42.54-service-2.json.gz");
    let (smithy, warnings) = codegen::tools::import::botocore::to_smithy("botocore", &text).unwrap();
    let files = codegen::tools::import::slice_smithy("botocore", &smithy, None).unwrap();
    let files: Vec<(&str, String)> = files.iter().map(|(n, t)| (n.as_str(), t.clone())).collect();
    let dir = TempDir::with_files("ssm", &files);
    let (service, _) = codegen::load_service(dir.path()).unwrap_or_else(|e| panic!("{e}"));
    (service, warnings)
}

/// A difference's cause, when the sources explain it.
fn cause(what: &str, smithy: &str, botocore: &str) -> Option<&'static str> {
    let unanchored = |p: &str| {
        p.strip_prefix('^').unwrap_or(p).strip_suffix('$').unwrap_or(p.strip_prefix('^').unwrap_or(p)).to_string()
    };
    match what {
        "pattern" if unanchored(smithy) == unanchored(botocore) && smithy.len() > botocore.len() => Some(
            "botocore's pattern lacks a ^ or $ anchor the Smithy model has (a different constraint under search semantics)",
        ),
        "pattern" if smithy.strip_prefix('^').map(|s| format!("{s}.*")).as_deref() == Some(botocore) => Some(
            "botocore writes X.* where the Smithy model writes ^X (contains, rather than starts with, under search semantics)",
        ),
        "length" if smithy.replace("min: Some(Number(0)), ", "min: None, ") == botocore => {
            Some("botocore leaves out a length minimum of 0; the same constraint, but messages print it differently")
        }
        "variant" => Some("botocore lists enum values without member names; variants are derived from the values"),
        "query code" if botocore.is_empty() => Some(
            "botocore gives no awsQuery error code where the Smithy model keeps one (SSM is not awsQuery-compatible, so it is never sent)",
        ),
        _ => None,
    }
}

fn compare_type(at: &str, a: &TypeRef, b: &TypeRef, out: &mut Vec<(String, String, String, String)>) {
    let c = (&a.constraints, &b.constraints);
    let mut push = |what: &str, x: String, y: String| {
        if x != y {
            out.push((at.to_string(), what.to_string(), x, y));
        }
    };
    push("target", format!("{:?}", shape_name(&a.target)), format!("{:?}", shape_name(&b.target)));
    push(
        "pattern",
        c.0.pattern.as_ref().map(|p| p.source.clone()).unwrap_or_default(),
        c.1.pattern.as_ref().map(|p| p.source.clone()).unwrap_or_default(),
    );
    push("length", format!("{:?}", c.0.length), format!("{:?}", c.1.length));
    push("range", format!("{:?}", c.0.range), format!("{:?}", c.1.range));
    push("unique", c.0.unique_items.to_string(), c.1.unique_items.to_string());
    push("sparse", a.sparse.to_string(), b.sparse.to_string());
}

fn shape_name(id: &str) -> &str {
    codegen::model::shape_id::name(id)
}

fn compare_members(at: &str, a: &[Member], b: &[Member], out: &mut Vec<(String, String, String, String)>) {
    let names = |m: &[Member]| m.iter().map(|m| m.name.clone()).collect::<Vec<_>>().join(",");
    if names(a) != names(b) {
        out.push((at.to_string(), "members".into(), names(a), names(b)));
        return;
    }
    for (x, y) in a.iter().zip(b) {
        let at = format!("{at}${}", x.name);
        let mut push = |what: &str, p: String, q: String| {
            if p != q {
                out.push((at.clone(), what.to_string(), p, q));
            }
        };
        push("required", x.required.to_string(), y.required.to_string());
        push("default", format!("{:?}", x.default), format!("{:?}", y.default));
        push("sensitive", x.sensitive.to_string(), y.sensitive.to_string());
        push("docs", x.docs.join("\n"), y.docs.join("\n"));
        push("rust name", x.rust_name.clone(), y.rust_name.clone());
        compare_type(&at, &x.ty, &y.ty, out);
    }
}

#[test]
fn botocore_and_smithy_give_the_same_service() {
    let (smithy, _) = codegen::load_service(&root().join("specs/ssm")).unwrap();
    let (botocore, warnings) = botocore_service();
    let mut out: Vec<(String, String, String, String)> = Vec::new();
    let ops = |s: &Service| {
        s.operations
            .iter()
            .map(|o| {
                format!(
                    "{} {:?} {:?} {:?}",
                    o.name,
                    o.input.as_deref().map(shape_name),
                    o.output.as_deref().map(shape_name),
                    o.errors.iter().map(|e| shape_name(&e.id)).collect::<Vec<_>>()
                )
            })
            .collect::<Vec<_>>()
    };
    for (x, y) in ops(&smithy).iter().zip(ops(&botocore).iter()) {
        if x != y {
            out.push(("operation".into(), "signature".into(), x.clone(), y.clone()));
        }
    }
    let by_name = |s: &Service| s.shapes.values().map(|sh| (sh.name.clone(), sh.clone())).collect::<BTreeMap<_, _>>();
    let (a, b) = (by_name(&smithy), by_name(&botocore));
    for name in a.keys().chain(b.keys()).collect::<std::collections::BTreeSet<_>>() {
        match (a.get(name), b.get(name)) {
            (Some(x), Some(y)) => {
                if x.docs != y.docs {
                    out.push((name.clone(), "docs".into(), x.docs.join("\n"), y.docs.join("\n")));
                }
                if x.sensitive != y.sensitive {
                    out.push((name.clone(), "sensitive".into(), x.sensitive.to_string(), y.sensitive.to_string()));
                }
                match (&x.kind, &y.kind) {
                    (ShapeKind::Structure(p), ShapeKind::Structure(q)) => {
                        compare_members(name, &p.members, &q.members, &mut out);
                        let status = |e: &Option<codegen::ir::ErrorInfo>| e.as_ref().map(|e| (e.fault, e.http_status));
                        if status(&p.error) != status(&q.error) {
                            out.push((
                                name.clone(),
                                "error".into(),
                                format!("{:?}", status(&p.error)),
                                format!("{:?}", status(&q.error)),
                            ));
                        }
                        let code = |e: &Option<codegen::ir::ErrorInfo>| e.as_ref().and_then(|e| e.query_code.clone());
                        if code(&p.error) != code(&q.error) {
                            out.push((
                                name.clone(),
                                "query code".into(),
                                code(&p.error).unwrap_or_default(),
                                code(&q.error).unwrap_or_default(),
                            ));
                        }
                    }
                    (ShapeKind::Union(p), ShapeKind::Union(q)) => compare_members(name, p, q, &mut out),
                    (ShapeKind::Enum(p), ShapeKind::Enum(q)) => {
                        let values = |v: &[codegen::ir::EnumValue]| {
                            v.iter().map(|v| v.value.clone()).collect::<Vec<_>>().join(",")
                        };
                        if values(p) != values(q) {
                            out.push((name.clone(), "values".into(), values(p), values(q)));
                        }
                        for (v, w) in p.iter().zip(q) {
                            if v.rust_name != w.rust_name {
                                out.push((
                                    format!("{name}.{}", v.value),
                                    "variant".into(),
                                    v.rust_name.clone(),
                                    w.rust_name.clone(),
                                ));
                            }
                        }
                    }
                    _ => out.push((name.clone(), "kind".into(), String::new(), String::new())),
                }
            }
            (x, _) => out.push((name.clone(), "presence".into(), x.is_some().to_string(), x.is_none().to_string())),
        }
    }
    let mut by_cause: BTreeMap<&str, usize> = BTreeMap::new();
    let mut unexplained = Vec::new();
    for (at, what, x, y) in &out {
        match cause(what, x, y) {
            Some(c) => *by_cause.entry(c).or_default() += 1,
            None => unexplained.push(format!("{at}: {what}: smithy {x:?} / botocore {y:?}")),
        }
    }
    println!("{warnings}");
    for (c, n) in &by_cause {
        println!("{n:4}  {c}");
    }
    assert!(
        unexplained.is_empty(),
        "{} unexplained differences:\n{}",
        unexplained.len(),
        unexplained.iter().take(60).cloned().collect::<Vec<_>>().join("\n")
    );
}
