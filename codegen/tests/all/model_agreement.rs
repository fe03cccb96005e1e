//! `specs/ssm` must agree with AWS's official SSM model (in `models/ssm`),
//! shape by shape and trait by trait, and hold the whole closure of the
//! operations it lists. Any difference fails with the shape id and trait.

use crate::common;

use std::collections::{BTreeMap, BTreeSet};

use common::root;
use serde_json::{Map, Value};

const OFFICIAL: &str = "ssm/smithy-ssm-2014-11-06.json.gz";
const SERVICE: &str = "com.amazonaws.ssm#AmazonSSM";

fn official() -> Map<String, Value> {
    let text = common::model(OFFICIAL);
    let model: Value = serde_json::from_str(&text).unwrap();
    model["shapes"].as_object().unwrap().clone()
}

/// Every shape of the spec directory, by id (the loader refuses duplicates).
fn ours() -> BTreeMap<String, Value> {
    let mut shapes = BTreeMap::new();
    for path in codegen::model::load::spec_files(&root().join("specs/ssm")).unwrap() {
        let model: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        for (id, shape) in model["shapes"].as_object().unwrap() {
            shapes.insert(id.clone(), shape.clone());
        }
    }
    shapes
}

fn compare_traits(id: &str, ours: &Value, theirs: &Value, out: &mut Vec<String>) {
    let empty = Map::new();
    let ours = ours.get("traits").and_then(Value::as_object).unwrap_or(&empty);
    let theirs = theirs.get("traits").and_then(Value::as_object).unwrap_or(&empty);
    for key in ours.keys().chain(theirs.keys()).collect::<BTreeSet<_>>() {
        match (ours.get(key), theirs.get(key)) {
            (Some(a), Some(b)) if a == b => {}
            (Some(_), Some(_)) => out.push(format!("{id}: trait {key} differs from the official model")),
            (None, Some(_)) => out.push(format!("{id}: trait {key} is missing")),
            (Some(_), None) => out.push(format!("{id}: trait {key} is not in the official model")),
            (None, None) => unreachable!(),
        }
    }
}

#[test]
fn specs_agree_with_the_official_model() {
    let official = official();
    let ours = ours();
    let mut differences = Vec::new();
    for (id, shape) in &ours {
        let Some(theirs) = official.get(id) else {
            differences.push(format!("{id}: not in the official model"));
            continue;
        };
        compare_traits(id, shape, theirs, &mut differences);
        for field in ["type", "input", "output", "errors", "version"] {
            if shape.get(field) != theirs.get(field) {
                differences.push(format!("{id}: `{field}` differs from the official model"));
            }
        }
        for field in ["member", "key", "value"] {
            match (shape.get(field), theirs.get(field)) {
                (Some(a), Some(b)) => {
                    if a["target"] != b["target"] {
                        differences.push(format!("{id}${field}: target differs"));
                    }
                    compare_traits(&format!("{id}${field}"), a, b, &mut differences);
                }
                (None, None) => {}
                _ => differences.push(format!("{id}: `{field}` differs from the official model")),
            }
        }
        let (our_members, their_members) = (shape.get("members"), theirs.get("members"));
        if let (Some(a), Some(b)) = (our_members.and_then(Value::as_object), their_members.and_then(Value::as_object)) {
            for name in a.keys().chain(b.keys()).collect::<BTreeSet<_>>() {
                let member_id = format!("{id}${name}");
                match (a.get(name), b.get(name)) {
                    (Some(x), Some(y)) => {
                        if x["target"] != y["target"] {
                            differences.push(format!("{member_id}: target differs"));
                        }
                        compare_traits(&member_id, x, y, &mut differences);
                    }
                    (None, Some(_)) => differences.push(format!("{member_id}: member is missing")),
                    (Some(_), None) => differences.push(format!("{member_id}: member is not in the official model")),
                    (None, None) => unreachable!(),
                }
            }
        } else if our_members.is_some() != their_members.is_some() {
            differences.push(format!("{id}: `members` differs from the official model"));
        }
        if id == SERVICE {
            // The spec lists a subset of the service's operations.
            let theirs: &Vec<Value> = theirs["operations"].as_array().unwrap();
            for op in shape["operations"].as_array().unwrap() {
                if !theirs.contains(op) {
                    differences.push(format!("{id}: operation {op} is not in the official model"));
                }
            }
        } else if shape.get("operations") != theirs.get("operations") {
            differences.push(format!("{id}: `operations` differs from the official model"));
        }
    }
    assert!(differences.is_empty(), "specs/ssm differs from {OFFICIAL}:\n{}", differences.join("\n"));
}

#[test]
fn members_keep_the_official_order() {
    let official_text = common::model(OFFICIAL);
    let dir = root().join("specs/ssm");
    let ours = codegen::model::load::load_dir(&dir).unwrap();
    let mut wrong = Vec::new();
    for (id, loaded) in &ours.shapes {
        let Some(members) = &loaded.shape.members else { continue };
        // Read the official member order from the text, since Map sorts keys.
        let theirs = official_member_order(&official_text, id);
        let ours: Vec<&str> = members.iter().map(|(k, _)| k).collect();
        if ours != theirs.iter().map(String::as_str).collect::<Vec<_>>() {
            wrong.push(format!("{id}: members {ours:?}, officially {theirs:?}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

fn official_member_order(text: &str, id: &str) -> Vec<String> {
    #[derive(serde::Deserialize)]
    struct Model<'a> {
        #[serde(borrow)]
        shapes: BTreeMap<String, &'a serde_json::value::RawValue>,
    }
    let model: Model = serde_json::from_str(text).unwrap();
    let shape: codegen::model::ast::Shape = serde_json::from_str(model.shapes[id].get()).unwrap();
    shape.members.map(|m| m.iter().map(|(k, _)| k.to_string()).collect()).unwrap_or_default()
}

#[test]
fn specs_hold_the_whole_closure_of_their_operations() {
    let official = official();
    let ours = ours();
    let mut missing = BTreeSet::new();
    let mut stack: Vec<String> = ours[SERVICE]["operations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["target"].as_str().unwrap().to_string())
        .collect();
    let mut seen = BTreeSet::new();
    while let Some(id) = stack.pop() {
        if !id.starts_with("com.amazonaws.ssm#") || !seen.insert(id.clone()) {
            continue;
        }
        if !ours.contains_key(&id) {
            missing.insert(id.clone());
        }
        let shape = &official[&id];
        let mut targets: Vec<&Value> = Vec::new();
        for field in ["input", "output", "member", "key", "value"] {
            targets.extend(shape.get(field));
        }
        targets.extend(shape.get("errors").and_then(Value::as_array).into_iter().flatten());
        targets.extend(shape.get("members").and_then(Value::as_object).into_iter().flat_map(|m| m.values()));
        stack.extend(targets.iter().filter_map(|t| t["target"].as_str()).map(str::to_string));
    }
    assert!(missing.is_empty(), "specs/ssm lacks shapes its operations reach: {missing:?}");
    assert!(
        seen.contains("com.amazonaws.ssm#AlarmConfiguration")
            && seen.contains("com.amazonaws.ssm#DoesNotExistException")
    );
}
