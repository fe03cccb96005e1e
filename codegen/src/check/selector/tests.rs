use std::borrow::Cow;
use std::path::{Path, PathBuf};

use super::graph::*;
use super::*;
use crate::model::ast::Traits;
use crate::model::load::load_texts;
use crate::model::vocabulary;
use serde_json::Value;

fn load(source: &str) -> LoadedModel {
    let texts = [(PathBuf::from("spec/a.smithy"), Ok(Cow::Borrowed(source)))];
    match load_texts(Path::new("spec"), texts.into_iter(), Some(vocabulary::shapes())) {
        Ok(model) => model,
        Err(e) => panic!("the test model did not load: {e}"),
    }
}

const MODEL: &str = r#"$version: "2"
namespace ex

@internal
service Svc {
version: "2024-01-01"
operations: [PutDoc]
resources: [Thing]
errors: [ServiceError]
}

@deprecated
resource Thing {
identifiers: { thingId: ThingId }
properties: { name: String }
read: GetThing
list: ListThings
operations: [Touch]
}

@readonly
operation GetThing {
input := {
    @required
    thingId: ThingId
}
output := {
    name: String
    tags: Tags
}
errors: [NotFound]
}

@readonly
operation ListThings {
input := {}
output := { items: Tags }
}

@internal
operation Touch {
input := {
    @required
    thingId: ThingId
}
}

operation PutDoc {
input := {
    doc: Doc
    payload: Payload
}
}

@length(min: 1, max: 64)
string ThingId

list Tags { member: String }

map Attrs {
key: String
value: Integer
}

document Doc

union Payload {
text: String
raw: Blob
}

enum Color {
RED
GREEN
}

intEnum Level {
LOW = 1
HIGH = 2
}

@error("client")
structure NotFound { message: String }

@error("server")
structure ServiceError {}

structure Plain {
@length(min: 1)
name: String
count: Integer
attrs: Attrs
extra: Doc
@deprecated(message: "use name", since: "2020")
old: String
}
"#;

fn model() -> &'static LoadedModel {
    static MODEL_CELL: std::sync::OnceLock<LoadedModel> = std::sync::OnceLock::new();
    MODEL_CELL.get_or_init(|| load(MODEL))
}

/// The ids `selector` matches in the test model, in the `ex` namespace
/// unless `all`.
fn select_in(selector: &str, all: bool) -> Vec<String> {
    let graph = ShapeGraph::new(model());
    let selector = Selector::parse(selector).unwrap_or_else(|e| panic!("{e}"));
    selector.select(&graph).into_iter().filter(|id| all || id.starts_with("ex#")).collect()
}

fn select(selector: &str) -> Vec<String> {
    select_in(selector, false)
}

fn ids(ids: &[&str]) -> Vec<String> {
    let mut ids: Vec<String> = ids.iter().map(|id| format!("ex#{id}")).collect();
    ids.sort();
    ids
}

/// Every selector of a `@trait(selector: ...)` in Smithy's trait
/// definitions, quoted or in a text block.
fn trait_selectors() -> BTreeSet<String> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/vocabulary");
    let mut found = BTreeSet::new();
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    entries.sort();
    for path in entries.iter().filter(|p| p.extension().is_some_and(|e| e == "smithy")) {
        let text = std::fs::read_to_string(path).unwrap();
        let mut rest = text.as_str();
        while let Some(at) = rest.find("selector:") {
            rest = rest[at + "selector:".len()..].trim_start();
            let (open, close) = if rest.starts_with("\"\"\"") { ("\"\"\"", "\"\"\"") } else { ("\"", "\"") };
            if !rest.starts_with(open) {
                continue;
            }
            let body = &rest[open.len()..];
            let end = body.find(close).unwrap_or_else(|| panic!("unclosed selector in {}", path.display()));
            found.insert(body[..end].to_string());
            rest = &body[end + close.len()..];
        }
    }
    found
}

#[test]
fn every_trait_definition_selector_parses_and_evaluates() {
    let selectors = trait_selectors();
    assert!(selectors.len() > 80, "found only {} selectors", selectors.len());
    assert!(selectors.iter().any(|s| s.contains('\n')), "text-block selectors are read too");
    let graph = ShapeGraph::from_shapes(vocabulary::shapes(), None);
    let test_graph = ShapeGraph::new(model());
    for text in &selectors {
        let selector = Selector::parse(text).unwrap_or_else(|e| panic!("{text:?}: {e}"));
        selector.select(&graph);
        selector.select(&test_graph);
    }
}

/// Every trait applied in a model is applied where its definition's
/// selector allows.
fn applied_traits_fit(model: &LoadedModel) {
    let mut matcher = Matcher::new(model);
    let mut checked = 0;
    let mut failures = Vec::new();
    let mut sites: Vec<(String, &Traits)> = Vec::new();
    for (id, loaded) in &model.shapes {
        sites.push((id.clone(), &loaded.shape.traits));
        for (name, member) in members(&loaded.shape) {
            sites.push((format!("{id}${name}"), &member.traits));
        }
    }
    for (id, traits) in sites {
        for trait_id in traits.keys() {
            let definition = model.shapes.get(trait_id).or_else(|| vocabulary::shapes().get(trait_id));
            let Some(definition) = definition else { continue };
            let Some(config) = definition.shape.traits.get("smithy.api#trait") else { continue };
            let selector = config.get("selector").and_then(Value::as_str).unwrap_or("*");
            checked += 1;
            if !matcher.matches(selector, &id).unwrap() {
                failures.push(format!("{trait_id} on {id}: {selector}"));
            }
        }
    }
    assert!(checked > 0);
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn the_test_models_traits_fit_their_selectors() {
    applied_traits_fit(model());
}

/// SSM's spec directory and AWS's 114 published JSON models: every
/// trait AWS applies is where its definition allows.
#[test]
fn real_models_traits_fit_their_selectors() {
    use std::io::Read;

    let root = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.."));
    let ssm = crate::model::load::load_dir(&root.join("specs/ssm")).unwrap_or_else(|e| panic!("specs/ssm: {e}"));
    applied_traits_fit(&ssm);
    let mut paths: Vec<PathBuf> = std::fs::read_dir(root.join("models/aws"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(".json.gz"))
        .collect();
    paths.sort();
    assert!(paths.len() > 100, "{}", paths.len());
    for path in paths {
        let mut text = String::new();
        flate2::read::GzDecoder::new(std::fs::File::open(&path).unwrap()).read_to_string(&mut text).unwrap();
        let texts = [(PathBuf::from("aws/model.json"), Ok(Cow::Owned(text)))];
        let model = load_texts(Path::new("aws"), texts.into_iter(), Some(vocabulary::shapes()))
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        applied_traits_fit(&model);
    }
}

#[test]
fn shape_types() {
    assert_eq!(select("structure > member"), select("structure>member"));
    let members = select("structure > member");
    assert!(members.contains(&"ex#Plain$name".to_string()), "{members:?}");
    assert!(members.contains(&"ex#NotFound$message".to_string()));
    assert!(members.contains(&"ex#GetThingInput$thingId".to_string()));
    assert!(!members.contains(&"ex#Tags$member".to_string()));
    assert!(!members.contains(&"ex#Attrs$key".to_string()));
    assert!(!members.contains(&"ex#Plain".to_string()));
    assert_eq!(select("list"), ids(&["Tags"]));
    assert_eq!(select("collection"), ids(&["Tags"]));
    assert_eq!(select("map > member"), ids(&["Attrs$key", "Attrs$value"]));
    assert_eq!(select(":is(enum, intEnum) > member"), ids(&["Color$GREEN", "Color$RED", "Level$HIGH", "Level$LOW"]));
    // Enums are strings, intEnums integers (and numbers).
    assert_eq!(select("string"), ids(&["Color", "ThingId"]));
    assert_eq!(select("string :not(enum)"), ids(&["ThingId"]));
    assert_eq!(select("number"), ids(&["Level"]));
    assert!(select_in("number", true).contains(&"smithy.api#Integer".to_string()));
    assert_eq!(select("simpleType"), ids(&["Color", "Doc", "Level", "ThingId"]));
    assert_eq!(select("resource"), ids(&["Thing"]));
    let data = select("dataType");
    assert!(data.contains(&"ex#Plain".to_string()) && data.contains(&"ex#Tags".to_string()));
    assert!(!data.contains(&"ex#Svc".to_string()) && !data.contains(&"ex#Plain$name".to_string()));
    assert_eq!(select("*"), select(""));
    assert!(select("").contains(&"ex#Plain$name".to_string()), "the empty selector matches everything");
}

#[test]
fn test_function() {
    let found = select(":test(string, member > string)");
    for id in ["ThingId", "Color", "Plain$name", "Tags$member", "Attrs$key", "GetThingInput$thingId"] {
        assert!(found.contains(&format!("ex#{id}")), "{id}: {found:?}");
    }
    for id in ["Plain", "Plain$count", "Attrs$value", "Tags"] {
        assert!(!found.contains(&format!("ex#{id}")), "{id}");
    }
    assert_eq!(select("list :test(> member > string)"), ids(&["Tags"]));
    assert_eq!(select("map :test(> member > string)"), ids(&["Attrs"]));
    assert_eq!(select("map :test(> member > blob)"), ids(&[]));
}

#[test]
fn directed_relationships() {
    assert_eq!(
        select("operation -[input]-> structure > member"),
        ids(&["GetThingInput$thingId", "PutDocInput$doc", "PutDocInput$payload", "TouchInput$thingId"])
    );
    assert_eq!(
        select("operation -[output]-> structure > member"),
        ids(&["GetThingOutput$name", "GetThingOutput$tags", "ListThingsOutput$items"])
    );
    // Unit output is no relationship.
    assert_eq!(select("operation :not(-[output]->)"), ids(&["PutDoc", "Touch"]));
    assert_eq!(select("operation -[error]->"), ids(&["NotFound"]));
    assert_eq!(select("service -[error]->"), ids(&["ServiceError"]));
    assert_eq!(select("service -[operation]->"), ids(&["PutDoc"]));
    assert_eq!(select("service -[resource]->"), ids(&["Thing"]));
    assert_eq!(select("resource -[identifier]->"), ids(&["ThingId"]));
    assert_eq!(select_in("resource -[property]->", true), vec!["smithy.api#String".to_string()]);
    assert_eq!(select("resource -[read]->"), ids(&["GetThing"]));
    assert_eq!(select("resource -[list]->"), ids(&["ListThings"]));
    assert_eq!(select("resource -[put, create]->"), ids(&[]));
    assert_eq!(select("resource -[operation]->"), ids(&["GetThing", "ListThings", "Touch"]));
    assert_eq!(select("resource -[instanceOperation]->"), ids(&["GetThing", "Touch"]));
    assert_eq!(select("resource -[collectionOperation]->"), ids(&["ListThings"]));
    assert_eq!(select("resource:test(-[read]->)"), ids(&["Thing"]));
    assert_eq!(select("operation -[bound]-> resource"), ids(&["Thing"]));
    assert_eq!(select("[id|name = PutDoc] -[bound]->"), ids(&["Svc"]));
    assert_eq!(select("resource -[bound]->"), ids(&["Svc"]));
    assert_eq!(select("structure -[member]-> [id|member = message]"), ids(&["NotFound$message"]));
    assert_eq!(select("-[unknownRelationship]->"), ids(&[]));
    // Trait relationships only when named.
    assert_eq!(select_in("[id|name = NotFound] -[trait]->", true), vec!["smithy.api#error".to_string()]);
    assert_eq!(select_in("structure [id|name = NotFound] > *", true), ids(&["NotFound$message"]));
    assert_eq!(select("structure :test(-[trait]-> [id = smithy.api#error])"), ids(&["NotFound", "ServiceError"]));
}

#[test]
fn undirected_and_reverse_neighbors() {
    assert_eq!(select("service > *"), ids(&["PutDoc", "ServiceError", "Thing"]));
    assert_eq!(select("[id|name = GetThing] > *"), ids(&["GetThingInput", "GetThingOutput", "NotFound"]));
    assert_eq!(select("[id|name = Thing] > *"), ids(&["GetThing", "ListThings", "ThingId", "Touch"]));
    assert_eq!(
        select_in("string :test(< member < list [id|namespace = ex])", true),
        vec!["smithy.api#String".to_string()]
    );
    assert_eq!(
        select("structure :test(<-[input]-)"),
        ids(&["GetThingInput", "ListThingsInput", "PutDocInput", "TouchInput"])
    );
    assert_eq!(select("[id|name = ThingId] <"), ids(&["GetThingInput$thingId", "Thing", "TouchInput$thingId"]));
    assert_eq!(select("[id|name = ThingId] < member < structure <-[input]- operation"), ids(&["GetThing", "Touch"]));
    assert_eq!(select("member < map"), ids(&["Attrs"]));
    assert_eq!(select("[id|name = Attrs] > member <"), ids(&["Attrs"]));
}

#[test]
fn recursive_neighbors() {
    assert_eq!(select("service ~> member :test(> document)"), ids(&["PutDocInput$doc"]));
    // Plain is outside every service's closure.
    assert!(select("~> member :test(> document)").contains(&"ex#Plain$extra".to_string()));
    assert_eq!(select("service ~> operation"), ids(&["GetThing", "ListThings", "PutDoc", "Touch"]));
    assert_eq!(select("list :not(> member ~> :is(float, double, document))"), ids(&["Tags"]));
    assert_eq!(select("structure :test(~> document)"), ids(&["Plain", "PutDocInput"]));
}

#[test]
fn not_function() {
    let found = select("structure > member :not([trait|required])");
    assert!(found.contains(&"ex#Plain$count".to_string()));
    assert!(!found.contains(&"ex#GetThingInput$thingId".to_string()));
    let found = select(":not(member)");
    assert!(found.contains(&"ex#Plain".to_string()) && !found.contains(&"ex#Plain$name".to_string()));
    assert_eq!(
        select("operation :not(-[input, output]-> structure > member > union)"),
        ids(&["GetThing", "ListThings", "Touch"])
    );
    assert_eq!(select(":not(:test(service, operation, resource, member)) [trait|deprecated]"), ids(&[]));
    assert_eq!(select("structure :not([trait|input]) :not([trait|output]) :not([trait|error])"), ids(&["Plain"]));
}

#[test]
fn trait_attributes() {
    assert_eq!(select("[trait|error]"), ids(&["NotFound", "ServiceError"]));
    assert_eq!(select("structure[trait|error]"), ids(&["NotFound", "ServiceError"]));
    assert_eq!(select("structure [trait|error]"), ids(&["NotFound", "ServiceError"]));
    assert_eq!(select("[trait|smithy.api#error]"), ids(&["NotFound", "ServiceError"]));
    assert_eq!(select("string[trait|error]"), ids(&[]));
    assert_eq!(select("[trait|unknown.ns#error]"), ids(&[]));
    assert_eq!(select("[trait|error = client]"), ids(&["NotFound"]));
    assert_eq!(select("[trait|error != client]"), ids(&["ServiceError"]));
    assert_eq!(select("[trait|error = CLIENT]"), ids(&[]));
    assert_eq!(select("[trait|error = CLIENT i]"), ids(&["NotFound"]));
    assert_eq!(select("[trait|error ^= 'ser']"), ids(&["ServiceError"]));
    assert_eq!(select("[trait|error $= nt]"), ids(&["NotFound"]));
    assert_eq!(select("[trait|error *= \"lie\"]"), ids(&["NotFound"]));
    assert_eq!(select("[trait|error = client, server]"), ids(&["NotFound", "ServiceError"]));
    assert_eq!(select("[trait|length|min = 1]"), ids(&["Plain$name", "ThingId"]));
    assert_eq!(select("[trait|length|max >= 64]"), ids(&["ThingId"]));
    assert_eq!(select("[trait|length|max < 64]"), ids(&[]));
    assert_eq!(select("[trait|length|max > 'not a number']"), ids(&[]));
    assert_eq!(select("[trait|length|max ?= true]"), ids(&["ThingId"]));
    assert_eq!(select("member [trait|length] [trait|length|max ?= false]"), ids(&["Plain$name"]));
    assert_eq!(select("member [trait|required ?= true]"), ids(&["GetThingInput$thingId", "TouchInput$thingId"]));
    assert_eq!(select("[trait|deprecated|since = 2020]"), ids(&["Plain$old"]));
    assert_eq!(select("[trait|deprecated|message|(length) = 8]"), ids(&["Plain$old"]));
    assert_eq!(select("[trait|deprecated|invalid|child = Hi]"), ids(&[]));
    assert_eq!(select("[trait|length|(keys) = max]"), ids(&["ThingId"]));
    assert_eq!(select("[trait|length|(values) = 64]"), ids(&["ThingId"]));
    assert_eq!(select("[trait|(keys) = smithy.api#length]"), ids(&["Plain$name", "ThingId"]));
    assert_eq!(select("[trait|(keys)|name = error]"), ids(&["NotFound", "ServiceError"]));
    assert_eq!(select("[trait|(length) > 1]"), select("[trait|(length) >= 2]"));
    assert_eq!(select("[trait|(values)|since]"), ids(&["Plain$old"]));
    assert_eq!(select("[trait|(values)|(first)|since = 2020]"), ids(&["Plain$old"]));
}

#[test]
fn id_and_service_attributes() {
    assert_eq!(select_in("[id=smithy.api#Unit]", true), vec!["smithy.api#Unit".to_string()]);
    assert_eq!(select_in("[id = 'smithy.api#Unit']", true), vec!["smithy.api#Unit".to_string()]);
    assert_eq!(select("[id=smithy.api#Unit]"), ids(&[]));
    assert_eq!(select("[id = ex#Plain]"), ids(&["Plain"]));
    assert_eq!(select("[id = 'ex#Plain$name']"), ids(&["Plain$name"]));
    assert_eq!(select("[id|namespace = ex] :not(member) [id|name ^= Tag]"), ids(&["Tags"]));
    assert!(select_in("[id|namespace != ex]", true).contains(&"smithy.api#String".to_string()));
    assert!(!select_in("[id|namespace != ex]", true).iter().any(|id| id.starts_with("ex#")));
    assert_eq!(
        select("[id|name $= Input] :not(member)"),
        ids(&["GetThingInput", "ListThingsInput", "PutDocInput", "TouchInput"])
    );
    assert_eq!(select("[id|member = thingId]"), ids(&["GetThingInput$thingId", "TouchInput$thingId"]));
    assert_eq!(
        select("[id|member|(length) > 6]"),
        ids(&["GetThingInput$thingId", "NotFound$message", "PutDocInput$payload", "TouchInput$thingId"])
    );
    assert_eq!(select("[id|name *= Thing] resource"), ids(&["Thing"]));
    assert_eq!(select("[service]"), ids(&["Svc"]));
    assert_eq!(select("[service = ex#Svc]"), ids(&["Svc"]));
    assert_eq!(select("[service|version ^= '2024-']"), ids(&["Svc"]));
    assert_eq!(select("[service|id|name = Svc]"), ids(&["Svc"]));
}

#[test]
fn scoped_attributes() {
    assert_eq!(select("[@trait|length: @{min} = 1 && @{max} ?= false]"), ids(&["Plain$name"]));
    assert_eq!(select("[@trait|length: @{min} < @{max}]"), ids(&["ThingId"]));
    assert_eq!(select("[@: @{id} = 'ex#Plain']"), ids(&["Plain"]));
    assert_eq!(select("[@trait|(values): @{since} = 2020 && @{message} = 'USE NAME' i]"), ids(&["Plain$old"]));
    assert_eq!(select("[@trait|(values): @{since} = 2020 && @{message} = 'USE NAME']"), ids(&[]));
    assert_eq!(select("[@: @{trait|(keys)} {=} @{trait|(keys)}] [trait|error]"), ids(&["NotFound", "ServiceError"]));
    assert_eq!(select("[trait|error] [@: @{trait|(keys)} {<} @{trait|(keys)}]"), ids(&["NotFound", "ServiceError"]));
    assert_eq!(select("[trait|error] [@: @{trait|(keys)} {<<} @{trait|(keys)}]"), ids(&[]));
    assert_eq!(select("[trait|error] [@: @{trait|(keys)} {!=} @{id}]"), ids(&["NotFound", "ServiceError"]));
}

#[test]
fn functions_and_variables() {
    assert_eq!(select(":is(structure, union) > member [id|name = Payload]"), ids(&["Payload$raw", "Payload$text"]));
    assert_eq!(select(":each(list, map)"), ids(&["Attrs", "Tags"]));
    assert_eq!(select(":unknownFunction(string)"), ids(&[]));
    assert_eq!(select("service $errors(-[error]->) ~> structure :in(${errors})"), ids(&["ServiceError"]));
    assert_eq!(
        select("service $svc(*) ~> operation [@: @{var|svc|id} = 'ex#Svc']"),
        ids(&["GetThing", "ListThings", "PutDoc", "Touch"])
    );
    assert_eq!(
        select("operation $op(*) -[input]-> structure ${op}"),
        ids(&["GetThing", "ListThings", "PutDoc", "Touch"])
    );
    assert_eq!(select("${unset}"), ids(&[]));
    assert_eq!(
        select("structure :in(:root(operation -[input]->)) :not([trait|required])"),
        ids(&["GetThingInput", "ListThingsInput", "PutDocInput", "TouchInput"])
    );
    assert_eq!(select("number :not(:in(:root(structure > member > *)))"), ids(&["Level"]));
    // Svc is marked, so PutDoc inherits; Thing is disqualified, Touch
    // marked on its own.
    assert_eq!(select(":topdown([trait|internal], [trait|deprecated])"), ids(&["PutDoc", "Svc", "Touch"]));
    assert_eq!(
        select(":topdown([trait|internal])"),
        ids(&["GetThing", "ListThings", "PutDoc", "Svc", "Thing", "Touch"])
    );
    assert_eq!(select("resource :topdown([trait|internal], [trait|deprecated])"), ids(&["Touch"]));
    assert_eq!(
        select("service :recursive(-[resource, operation]->)"),
        ids(&["GetThing", "ListThings", "PutDoc", "Thing", "Touch"])
    );
}

#[test]
fn matcher_caches_and_reports_errors() {
    let mut matcher = Matcher::new(model());
    assert_eq!(matcher.matches("structure > member", "ex#Plain$name"), Ok(true));
    assert_eq!(matcher.matches("structure > member", "ex#Plain"), Ok(false));
    assert_eq!(matcher.matches("structure > member", "ex#Missing"), Ok(false));
    assert_eq!(matcher.matches("[id=smithy.api#Unit]", "smithy.api#Unit"), Ok(true));
    assert_eq!(matcher.matches("structure >", "ex#Plain$name"), Ok(true));
    assert!(matcher.matches("structure [", "ex#Plain").unwrap_err().contains("column 12"));
    let selector = Selector::parse("structure[trait|error]").unwrap();
    let graph = ShapeGraph::new(model());
    assert!(selector.matches(&graph, "ex#NotFound"));
    assert!(!selector.matches(&graph, "ex#Plain"));
    assert!(graph.contains("ex#Plain$name") && graph.contains("smithy.api#String"));
    assert_eq!("structure".parse::<Selector>().unwrap().to_string(), "structure");
}

#[test]
fn parse_errors_name_the_column() {
    let error = |text: &str| Selector::parse(text).unwrap_err();
    assert_eq!(error("strukture"), "invalid selector: unknown shape type `strukture` at column 1");
    assert_eq!(
        error("structure > [trait|error"),
        "invalid selector: expected `]` or a comparator (`=`, `!=`, `^=`, ...), found the end at column 25"
    );
    assert_eq!(error(":not(string, integer)"), "invalid selector: `:not` takes one selector, found 2 at column 1");
    assert_eq!(error(":test()"), "invalid selector: expected a selector, found `)` at column 7");
    assert_eq!(error(":is(string,)"), "invalid selector: expected a selector, found `)` at column 12");
    assert_eq!(error("operation -[input->"), "invalid selector: expected `,` or `]`, found `-` at column 18");
    assert_eq!(error("operation -input"), "invalid selector: expected `[`, found `i` at column 12");
    assert_eq!(error("string )"), "invalid selector: unexpected `)` at column 8");
    assert_eq!(error("[id = 'unclosed]"), "invalid selector: unclosed ' at column 7");
    assert_eq!(
        error("[trait|error = ]"),
        "invalid selector: expected a value (quoted text, a number or a shape id), found `]` at column 16"
    );
    assert_eq!(error("string\n  %"), "invalid selector: unexpected `%`: expected a selector at line 2, column 3");
    assert_eq!(
        error(":topdown(list, map, union)").split(" at ").next(),
        Some("invalid selector: `:topdown` takes one or two selectors, found 3")
    );
    assert!(Selector::parse("").is_ok() && Selector::parse("  ").is_ok());
    assert!(Selector::parse("-[unknown]-> :unknown(*)").is_ok());
    assert!(Selector::parse("[trait|range|min > -1.5e3]").is_ok());
    assert!(Selector::parse("[@trait|idRef: @{failWhenMissing} = true && @{errorMessage} ?= false]").is_ok());
}
