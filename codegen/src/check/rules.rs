//! Every trait the generator knows, and what it does with each.
//!
//! A trait the generator does not know is refused: a trait could constrain
//! input or change the wire format, and ignoring it silently would make the
//! generated code lie. Traits that do not change generated behaviour are
//! listed as [`Rule::Ignored`] on purpose, with the reason.

/// What the generator does with a trait.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rule {
    /// Read by the generator. Where it may be applied is its definition's
    /// selector's to say (`crate::check::trait_definitions`).
    Supported,
    /// Known not to change what is generated.
    Ignored(&'static str),
    /// Known, changes behaviour, and not implemented: the spec is refused.
    Unsupported(&'static str),
}

const HTTP_DETAILS: &str =
    "HTTP details no generated code acts on yet: CORS, endpoint host prefixes and labels, request checksums";
const CLIENT_ONLY: &str = "affects clients only; a server built on the generated crate does not use it";
const TOOLING_ONLY: &str = "metadata for tooling and documentation; no generated behaviour depends on it";
const NOT_SERVED: &str = "wire details of a protocol the generator does not serve yet (MQTT): its types are \
                          generated, its routers are not";

/// The rule for `trait_id`, or `None` when the generator does not know it.
pub fn rule(trait_id: &str) -> Option<Rule> {
    use Rule::*;
    Some(match trait_id {
        // Read by the generator.
        "smithy.api#documentation" => Supported,
        "smithy.api#length" => Supported,
        "smithy.api#pattern" => Supported,
        "smithy.api#range" => Supported,
        "smithy.api#uniqueItems" => Supported,
        "smithy.api#required" => Supported,
        "smithy.api#default" => Supported,
        "smithy.api#enumValue" => Supported,
        "smithy.api#sensitive" => Supported,
        "smithy.api#error" => Supported,
        "smithy.api#httpError" => Supported,
        "smithy.api#input" => Supported,
        "smithy.api#output" => Supported,
        "smithy.api#timestampFormat" => Supported,
        "smithy.api#enum" => Supported,
        "smithy.api#sparse" => Supported,
        // HTTP bindings (`crate::check::http_bindings`): read into the IR for
        // restJson1 services and checked there; awsJson protocols send every
        // member in the JSON body, and ignore them.
        "smithy.api#http" => Supported,
        "smithy.api#httpLabel" => Supported,
        "smithy.api#httpQuery" => Supported,
        "smithy.api#httpQueryParams" => Supported,
        "smithy.api#httpHeader" => Supported,
        "smithy.api#httpPrefixHeaders" => Supported,
        "smithy.api#httpPayload" => Supported,
        "smithy.api#httpResponseCode" => Supported,
        // The member's key in restJson1 documents (serde's rename, the
        // readers' keys, the validation tables' `json_name`); awsJson
        // protocols ignore it, and the checker refuses it for the others.
        "smithy.api#jsonName" => Supported,
        "smithy.api#idempotencyToken" => Supported,
        // Its operations' bodies may come gzipped: the router decodes them.
        "smithy.api#requestCompression" => Supported,
        "smithy.api#deprecated" => Supported,
        "smithy.api#title" => Supported,
        "aws.api#service" => Supported,
        "aws.protocols#awsJson1_1" => Supported,
        "aws.protocols#awsJson1_0" => Supported,
        "aws.protocols#restJson1" => Supported,
        "aws.protocols#restXml" => Supported,
        "aws.protocols#awsQuery" => Supported,
        "aws.protocols#ec2Query" => Supported,
        "smithy.protocols#rpcv2Cbor" => Supported,
        "smithy.protocols#rpcv2Json" => Supported,
        "aws.protocols#awsQueryCompatible" => Supported,
        "aws.protocols#awsQueryError" => Supported,
        // A restXml output whose one body member is the document's root.
        "aws.customizations#s3UnwrappedXmlOutput" => Supported,
        // On a union: an event stream. Its operations get their types and a
        // trait method; routers answer them `NotImplemented`. On a blob (in
        // restJson1 services): a byte stream, `runtime::ByteStream`.
        "smithy.api#streaming" => Supported,

        "smithy.api#mixin" => Ignored("mixins are flattened into the shapes that use them when the model loads"),

        // Known not to change what is generated.
        // An event's members in its message: typed headers, the payload.
        "smithy.api#eventHeader" | "smithy.api#eventPayload" => Supported,
        "smithy.api#httpChecksumRequired" | "smithy.api#cors" | "smithy.api#endpoint" | "smithy.api#hostLabel" => {
            Ignored(HTTP_DETAILS)
        }
        "smithy.api#clientOptional" => Ignored("servers are authoritative: required members stay required"),
        "smithy.api#box" => Ignored("IDL 1.0's boxing: the loader has read it as the member having no default"),
        "smithy.contracts#conditions" => {
            Ignored("its JMESPath conditions are documentation here: the validators check Smithy's constraint traits")
        }
        "smithy.api#addedDefault" => Ignored("the default value itself is read from @default"),
        "smithy.api#idempotent"
        | "smithy.api#readonly"
        | "smithy.api#retryable"
        | "smithy.api#paginated"
        | "smithy.api#auth"
        | "smithy.api#optionalAuth"
        | "smithy.api#httpBasicAuth"
        | "smithy.api#httpBearerAuth"
        | "smithy.api#httpDigestAuth"
        | "smithy.api#httpApiKeyAuth"
        | "aws.auth#sigv4"
        | "aws.auth#sigv4a"
        | "aws.auth#unsignedPayload"
        | "aws.auth#cognitoUserPools"
        | "aws.api#clientEndpointDiscovery"
        | "aws.api#clientDiscoveredEndpoint"
        | "aws.protocols#httpChecksum"
        | "smithy.waiters#waitable"
        | "smithy.rules#endpointRuleSet"
        | "smithy.rules#endpointTests"
        | "smithy.rules#contextParam"
        | "smithy.rules#staticContextParams"
        | "smithy.rules#operationContextParams"
        | "smithy.rules#clientContextParams"
        | "smithy.rules#endpointBdd"
        | "smithy.api#longPoll"
        | "aws.auth#cognitoUserPoolsScopes" => Ignored(CLIENT_ONLY),
        id if id.starts_with("aws.endpoints#") => Ignored(CLIENT_ONLY),
        "smithy.api#examples"
        | "smithy.api#externalDocumentation"
        | "smithy.api#internal"
        | "smithy.api#tags"
        | "smithy.api#since"
        | "smithy.api#unstable"
        | "smithy.api#recommended"
        | "smithy.api#suppress"
        | "smithy.api#private"
        | "smithy.api#trait"
        | "smithy.api#idRef"
        | "smithy.api#unitType"
        | "smithy.api#mediaType"
        | "smithy.api#references"
        | "smithy.api#resourceIdentifier"
        | "smithy.api#noReplace"
        | "smithy.api#property"
        | "smithy.api#notProperty"
        | "smithy.api#nestedProperties"
        | "smithy.api#protocolDefinition"
        | "smithy.api#authDefinition"
        | "smithy.api#requiresLength"
        | "smithy.api#metadata"
        | "smithy.api#traitValidators"
        | "smithy.openapi#specificationExtension"
        | "smithy.test#eventStreamTests"
        | "smithy.test#smokeTests"
        | "smithy.test#httpRequestTests"
        | "smithy.test#httpResponseTests"
        | "smithy.test#httpMalformedRequestTests" => Ignored(TOOLING_ONLY),
        // XML documents' and query requests' names and layout: read into
        // the IR for restXml, awsQuery and ec2Query services (the XML
        // writers, the query readers); the JSON protocols ignore them.
        "smithy.api#xmlName"
        | "smithy.api#xmlNamespace"
        | "smithy.api#xmlAttribute"
        | "smithy.api#xmlFlattened"
        | "aws.protocols#ec2QueryName" => Supported,
        id if id.starts_with("smithy.mqtt#") => Ignored(NOT_SERVED),
        id if id.starts_with("aws.api#")
            || id.starts_with("aws.apigateway#")
            || id.starts_with("aws.iam#")
            || id.starts_with("aws.cloudformation#")
            || id.starts_with("aws.customizations#") =>
        {
            Ignored(TOOLING_ONLY)
        }
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    /// Every trait whose definition ships with the generator has a rule:
    /// `@smithy.protocols#rpcv2Cbor` was reported as an unknown trait.
    #[test]
    fn every_shipped_trait_is_known() {
        let unknown: Vec<&String> = crate::model::vocabulary::shapes()
            .iter()
            .filter(|(id, shape)| shape.shape.traits.contains_key("smithy.api#trait") && super::rule(id).is_none())
            .map(|(id, _)| id)
            .collect();
        assert!(unknown.is_empty(), "traits with a definition and no rule: {unknown:?}");
    }
}
