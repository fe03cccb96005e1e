//! Every fact the two seed reference pages state about their operations
//! (members, types, lengths, patterns, ranges, enum values, required flags,
//! docs, errors and their status codes) holds in the IR that the generator
//! builds from `specs/ssm`. The pages are read from `models/seeds`.

use crate::common;

use codegen::ir::{Bounds, Member, Service, ShapeKind, TimestampFormat, Type};
use common::root;

/// One member as a page describes it.
#[derive(Debug, Default)]
struct PageMember {
    name: String,
    description: String,
    lines: Vec<String>,
}

/// The members listed under `section` ("Request Parameters" or "Response
/// Elements"), up to the next section.
fn page_members(page: &str, section: &str, end: &str) -> Vec<PageMember> {
    let start = page.find(section).unwrap_or_else(|| panic!("no {section}"));
    let body = &page[start..start + page[start..].find(end).unwrap()];
    let lines: Vec<&str> = body.lines().collect();
    let mut members = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        // A member starts with "- Name" followed by a line "-".
        if let Some(name) = lines[i].strip_prefix("- ") {
            if lines.get(i + 1) == Some(&"-") {
                let mut member =
                    PageMember { name: name.to_string(), description: lines[i + 2].to_string(), ..Default::default() };
                i += 3;
                while i < lines.len() && !(lines[i].starts_with("- ") && lines.get(i + 1) == Some(&"-")) {
                    member.lines.push(lines[i].to_string());
                    i += 1;
                }
                members.push(member);
                continue;
            }
        }
        i += 1;
    }
    members
}

fn bounds(min: Option<i64>, max: Option<i64>) -> Option<Bounds> {
    Some(Bounds { min: min.map(Into::into), max: max.map(Into::into) })
}

/// "Fixed length of 36." / "Minimum length of 1. Maximum length of 7."
fn parse_length(text: &str) -> Option<Bounds> {
    let number = |after: &str| -> Option<i64> {
        let at = text.find(after)? + after.len();
        text[at..].trim_start().split(|c: char| !c.is_ascii_digit()).next()?.parse().ok()
    };
    if let Some(fixed) = number("Fixed length of").or_else(|| number("Fixed number of")) {
        return bounds(Some(fixed), Some(fixed));
    }
    bounds(
        number("Minimum length of").or_else(|| number("Minimum value of")),
        number("Maximum length of").or_else(|| number("Maximum value of")),
    )
}

fn value_after(lines: &[String], label: &str) -> Option<String> {
    let at = lines.iter().position(|l| l.starts_with(label))?;
    let rest = lines[at][label.len()..].trim();
    Some(if rest.is_empty() { lines[at + 1].trim().to_string() } else { rest.to_string() })
}

fn words(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ").replace('`', "")
}

/// Checks one page member against the IR member; returns what disagrees.
fn check_member(service: &Service, page: &PageMember, member: &Member) -> Vec<String> {
    let mut wrong = Vec::new();
    let name = &page.name;
    let docs = words(&member.docs.join(" "));
    if !docs.contains(&words(&page.description)) {
        wrong.push(format!("{name}: docs {docs:?} lack the page's {:?}", page.description));
    }
    let required = value_after(&page.lines, "Required:").as_deref() == Some("Yes");
    if required != member.required {
        wrong.push(format!("{name}: required is {}, the page says {required}", member.required));
    }
    let ty = value_after(&page.lines, "Type:").unwrap();
    let type_ok = match (ty.as_str(), &member.ty.ty) {
        ("String", Type::String) => true,
        ("String", Type::Named(id)) => matches!(service.shapes[id].kind, ShapeKind::Enum(_)),
        ("Integer", Type::Integer) | ("Timestamp", Type::Timestamp(TimestampFormat::EpochSeconds)) => true,
        (t, Type::Named(id)) if t.ends_with(" object") => t == format!("{} object", service.shapes[id].name),
        (t, Type::List(item)) if t.starts_with("Array of ") && t.ends_with(" objects") => {
            matches!(&item.ty, Type::Named(id) if t == format!("Array of {} objects", service.shapes[id].name))
        }
        (t, Type::List(item)) if t.starts_with("Array of string to ") => match &item.ty {
            Type::Map(key, value) => {
                key.ty == Type::String
                    && matches!(&value.ty, Type::Named(id) if t == format!("Array of string to {} object maps", service.shapes[id].name))
            }
            _ => false,
        },
        _ => false,
    };
    if !type_ok {
        wrong.push(format!("{name}: type {:?} does not match the page's {ty:?}", member.ty.ty));
    }
    let c = &member.ty.constraints;
    if let Some(length) = value_after(&page.lines, "Length Constraints:") {
        if c.length != parse_length(&length) {
            wrong.push(format!("{name}: length {:?}, the page says {length:?}", c.length));
        }
    }
    if let Some(count) = value_after(&page.lines, "Array Members:") {
        if c.length != parse_length(&count) {
            wrong.push(format!("{name}: item count {:?}, the page says {count:?}", c.length));
        }
    }
    if let Some(range) = value_after(&page.lines, "Valid Range:") {
        if c.range != parse_length(&range) {
            wrong.push(format!("{name}: range {:?}, the page says {range:?}", c.range));
        }
    }
    if let Some(pattern) = value_after(&page.lines, "Pattern:") {
        if c.pattern.as_ref().map(|p| p.source.as_str()) != Some(pattern.as_str()) {
            wrong.push(format!("{name}: pattern {:?}, the page says {pattern:?}", c.pattern));
        }
    }
    if let Some(values) = value_after(&page.lines, "Valid Values:") {
        let expected: Vec<&str> = values.split(" | ").collect();
        let actual: Vec<&str> = match &member.ty.ty {
            Type::Named(id) => match &service.shapes[id].kind {
                ShapeKind::Enum(values) => values.iter().map(|v| v.value.as_str()).collect(),
                _ => vec![],
            },
            _ => vec![],
        };
        if actual != expected {
            wrong.push(format!("{name}: enum values {actual:?}, the page says {expected:?}"));
        }
    }
    if let Some(key) = value_after(&page.lines, "Key Length Constraints:") {
        let key_length = match &member.ty.ty {
            Type::List(item) => match &item.ty {
                Type::Map(key, _) => key.constraints.length.clone(),
                _ => None,
            },
            _ => None,
        };
        if key_length != parse_length(&key) {
            wrong.push(format!("{name}: key length {key_length:?}, the page says {key:?}"));
        }
    }
    wrong
}

fn members_of<'a>(service: &'a Service, id: &str) -> &'a [Member] {
    match &service.shapes[id].kind {
        ShapeKind::Structure(s) => &s.members,
        _ => panic!("{id} is not a structure"),
    }
}

fn check_page(operation: &str) {
    let page = std::fs::read_to_string(root().join(format!("models/seeds/{operation}.txt"))).unwrap();
    let (service, _) = codegen::load_service(&root().join("specs/ssm")).unwrap();
    let op = service.operations.iter().find(|o| o.name == operation).expect("the operation is in the spec");
    let mut wrong = Vec::new();
    for (section, end, id) in [
        ("\nRequest Parameters\n", "\nResponse Syntax\n", op.input.as_ref().unwrap()),
        ("\nResponse Elements\n", "\nErrors\n", op.output.as_ref().unwrap()),
    ] {
        let listed = page_members(&page, section, end);
        let members = members_of(&service, id);
        assert!(!listed.is_empty(), "{operation}: no members read from {section}");
        let names: Vec<&str> = listed.iter().map(|m| m.name.as_str()).collect();
        let mut ours: Vec<&str> = members.iter().map(|m| m.name.as_str()).collect();
        let mut sorted = names.clone();
        sorted.sort();
        ours.sort();
        assert_eq!(ours, sorted, "{operation} {section}: members differ");
        for listed in &listed {
            let member = members.iter().find(|m| m.name == listed.name).unwrap();
            wrong.extend(check_member(&service, listed, member));
        }
    }
    // Errors, with the status the page gives.
    let errors = &page[page.find("\nErrors\n").unwrap()..page.find("\nExamples\n").unwrap()];
    for (error, status) in [("DoesNotExistException", 400), ("InternalServerError", 500)] {
        assert!(errors.contains(&format!("- {error}")), "{operation}: the page lists {error}");
        let id = op
            .errors
            .iter()
            .find(|e| e.id.ends_with(&format!("#{error}")))
            .map(|e| &e.id)
            .unwrap_or_else(|| panic!("{operation} lacks {error}"));
        let ShapeKind::Structure(s) = &service.shapes[id].kind else { panic!() };
        assert_eq!(s.error.as_ref().unwrap().http_status, status, "{error}");
    }
    assert_eq!(op.errors.len(), 2, "{operation}: exactly the page's errors");
    assert!(wrong.is_empty(), "{operation}:\n{}", wrong.join("\n"));
}

#[test]
fn get_maintenance_window_execution_task_page() {
    check_page("GetMaintenanceWindowExecutionTask");
}

#[test]
fn deregister_task_from_maintenance_window_page() {
    check_page("DeregisterTaskFromMaintenanceWindow");
}

#[test]
fn the_page_parser_reads_what_the_pages_say() {
    let page = std::fs::read_to_string(root().join("models/seeds/GetMaintenanceWindowExecutionTask.txt")).unwrap();
    let response = page_members(&page, "\nResponse Elements\n", "\nErrors\n");
    assert_eq!(response.len(), 15);
    let status = response.iter().find(|m| m.name == "Status").unwrap();
    assert_eq!(value_after(&status.lines, "Valid Values:").unwrap().split(" | ").count(), 8);
    let alarms = response.iter().find(|m| m.name == "TriggeredAlarms").unwrap();
    assert_eq!(parse_length(&value_after(&alarms.lines, "Array Members:").unwrap()), bounds(Some(1), Some(1)));
}
