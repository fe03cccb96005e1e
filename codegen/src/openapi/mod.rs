//! OpenAPI 3.1 documents of restJson1 services, written from the finished
//! IR, as [`crate::openapi()`] returns them: what Smithy's own converter
//! (smithy-openapi) gives JVM users.
//!
//! A document holds:
//!
//! - `info`: the service's `@title` (else its name), version and docs;
//! - `paths` (module `paths`): each operation under its `@http` route, its
//!   `operationId` its name, its summary the first sentence of its docs;
//!   labels, query parameters (a list repeated, `@httpQueryParams` as a
//!   form-exploded object) and headers (a list comma-separated) as
//!   parameters; the body as the `@httpPayload` member (a structure,
//!   union or document as JSON, a blob as `application/octet-stream` or
//!   its `@mediaType`, a string as `text/plain`) or as the JSON object of
//!   the members bound nowhere else, a component named
//!   `<Operation>RequestContent`; the success response under the `@http`
//!   code with its headers and body (`<Operation>ResponseContent`), and one
//!   response per status of the operation's and the service's errors, each
//!   with the `X-Amzn-Errortype` header the runtime writes and a JSON body
//!   of the error's members (`<Error>ResponseContent`), several errors of
//!   one status as an `anyOf` (their bodies may overlap; the header says
//!   which error it is);
//! - `components/schemas` (module `schema`): structures, unions, enums,
//!   lists and maps, with every constraint the model has, timestamps in the
//!   format of their place, blobs in base64 and big numbers as the JSON
//!   numbers the runtime writes;
//! - SigV4 as a security scheme, as smithy-openapi writes it, for services
//!   with `@aws.auth#sigv4`.
//!
//! Where OpenAPI has no words for what the model says, the document says it
//! in `x-smithy-` extensions or chooses:
//!
//! - a greedy label (`{key+}`) is `{key}` in the path, its parameter marked
//!   `x-smithy-greedy-label`;
//! - templates that differ only in their labels' names (`/items/{id}` and
//!   `/items/{itemId}`) are one path to OpenAPI: the labels take one name;
//! - a URI's query literals (`/things?type=a`) are required query
//!   parameters with that `const` value; operations told apart only by them
//!   would share a path and method, so each of those is written under its
//!   path with the literals (`/things?type=a`);
//! - `@httpPrefixHeaders` members are in the operation's or response's
//!   `x-smithy-prefix-headers`, by prefix; an `@httpResponseCode` member is
//!   named in the success response's `x-smithy-response-code-member`; an
//!   event stream payload names its union in `x-smithy-event-stream`;
//! - a blob's `@length` counts bytes: exactly in `x-smithy-length`;
//!   patterns are ECMA-262's in Unicode mode, as JSON Schema reads them,
//!   the model's text in `x-smithy-pattern` where it differs; a default the
//!   constraints at its place refuse is `x-smithy-default`; `@sensitive` is
//!   `x-smithy-sensitive`; an enum's values' docs follow its own;
//! - NaN and the infinities, which restJson1 writes as strings, are not in
//!   the number schemas.
//!
//! Only restJson1 services have documents: the other protocols' routes are
//! no HTTP paths of their own (awsJson, RPC v2: one path, the operation in
//! a header or the path's end) or have bodies that are not JSON (restXml).
//! The document's keys are sorted, so the same model gives the same bytes.

mod paths;
mod schema;

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::{Map, Value, json};

use crate::diagnostic::{Diagnostic, Diagnostics, WarningKind};
use crate::ir::{self, Protocol};
use crate::model::traits::PROTOCOLS;

/// The OpenAPI documents of a spec's restJson1 services, and the warnings
/// found on the way.
#[derive(Debug)]
pub struct OpenApi {
    /// Each restJson1 service's OpenAPI 3.1 document, pretty-printed JSON
    /// ending in a newline, by the service's absolute shape id
    /// (`com.amazonaws.lambda#AWSGirApiService`).
    pub documents: BTreeMap<String, String>,
    /// The model's warnings, and what was left out of a document or skipped.
    pub warnings: Diagnostics,
}

/// The documents of `services` (a spec's, loaded from `spec`): an error if
/// none of them is a restJson1 service.
pub(crate) fn documents(
    services: &[ir::Service],
    mut warnings: Diagnostics,
    spec: &Path,
) -> Result<OpenApi, Diagnostics> {
    let mut documents = BTreeMap::new();
    for service in services {
        if service.protocol() != Some(Protocol::RestJson1) {
            let speaks = match PROTOCOLS.iter().find(|(_, protocol)| service.protocol() == Some(*protocol)) {
                Some((id, _)) => format!("speaks {id}"),
                None => "has no protocol trait".to_string(),
            };
            warnings.push(
                Diagnostic::warning(
                    WarningKind::OpenApiServiceSkipped,
                    format!("{speaks}: OpenAPI documents are written for restJson1 services only"),
                )
                .in_file(&service.file)
                .at_shape(&service.id),
            );
            continue;
        }
        if documents.contains_key(&service.id) {
            return Err(Diagnostic::error(format!("two spec directories define the service `{}`", service.id))
                .in_file(&service.file)
                .help("write the OpenAPI document of each spec directory on its own")
                .into());
        }
        let text = serde_json::to_string_pretty(&document(service, &mut warnings)).expect("JSON values serialise");
        documents.insert(service.id.clone(), text + "\n");
    }
    if documents.is_empty() {
        return Err(Diagnostic::error("the spec has no restJson1 service to write an OpenAPI document for")
            .in_file(spec)
            .help("OpenAPI documents are written for services with the @aws.protocols#restJson1 trait")
            .into());
    }
    Ok(OpenApi { documents, warnings })
}

/// The OpenAPI document of a restJson1 service.
fn document(service: &ir::Service, warnings: &mut Diagnostics) -> Value {
    let mut schemas = schema::Schemas::new(service);
    let paths = paths::paths(service, &mut schemas, warnings);

    let mut info = Map::new();
    info.insert("title".into(), service.title.clone().unwrap_or_else(|| service.name.clone()).into());
    info.insert("version".into(), service.version.clone().unwrap_or_default().into());
    if let Some(description) = schema::description(&service.docs) {
        info.insert("description".into(), description.into());
    }

    let mut document = Map::new();
    document.insert("openapi".into(), "3.1.0".into());
    document.insert("info".into(), info.into());
    document.insert("paths".into(), paths.into());
    let mut components = Map::new();
    let schemas = schemas.into_components();
    if !schemas.is_empty() {
        components.insert("schemas".into(), schemas.into());
    }
    if let Some(signing_name) = &service.signing_name {
        // As smithy-openapi describes SigV4, which API Gateway reads.
        components.insert(
            "securitySchemes".into(),
            json!({
                SIGV4: {
                    "type": "apiKey",
                    "description": format!("AWS Signature Version 4, for the signing name `{signing_name}`."),
                    "name": "Authorization",
                    "in": "header",
                    "x-amazon-apigateway-authtype": "awsSigv4",
                }
            }),
        );
        document.insert("security".into(), json!([{ SIGV4: [] }]));
    }
    if !components.is_empty() {
        document.insert("components".into(), components.into());
    }
    sorted(document.into())
}

/// The name of the SigV4 security scheme (its trait's id, as smithy-openapi
/// names it).
const SIGV4: &str = "aws.auth.sigv4";

/// `value` with every object's keys in order, whether or not serde_json
/// keeps insertion order (its `preserve_order` feature, which any crate of
/// a build may turn on): the same bytes either way.
fn sorted(value: Value) -> Value {
    match value {
        Value::Object(map) => {
            let entries: BTreeMap<String, Value> = map.into_iter().map(|(k, v)| (k, sorted(v))).collect();
            Value::Object(entries.into_iter().collect())
        }
        Value::Array(items) => Value::Array(items.into_iter().map(sorted).collect()),
        value => value,
    }
}
