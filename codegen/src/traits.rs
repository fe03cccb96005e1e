//! Every trait the generator knows, and what it does with each.
//!
//! A trait the generator does not know is refused: a trait could constrain
//! input or change the wire format, and ignoring it silently would make the
//! generated code lie. Traits that do not change generated behaviour are
//! listed as [`Rule::Ignored`] on purpose, with the reason.

use crate::kind::Kind;

/// Where a supported trait may be applied.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Applies {
    /// Any shape or member.
    Anywhere,
    /// Shapes of these kinds, and members that target them.
    Kinds(&'static [Kind]),
    /// Only shapes of these kinds (not members).
    ShapesOf(&'static [Kind]),
    /// Only members of shapes of these kinds.
    MembersOf(&'static [Kind]),
    /// `@default`: structure members, or shapes that can have a default.
    Default,
}

/// What the generator does with a trait.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rule {
    /// Read by the generator.
    Supported(Applies),
    /// Known not to change what is generated.
    Ignored(&'static str),
    /// Known, changes behaviour, and not implemented: the spec is refused.
    Unsupported(&'static str),
}

// Enums are strings: `@length` and `@pattern` apply to them too.
const STRINGS: &[Kind] = &[Kind::String, Kind::Enum];
const LEGACY_ENUMS: &[Kind] = &[Kind::String];
const LENGTHS: &[Kind] = &[Kind::List, Kind::Map, Kind::String, Kind::Enum, Kind::Blob];
const NUMBERS: &[Kind] = &[
    Kind::IntEnum,
    Kind::Byte,
    Kind::Short,
    Kind::Integer,
    Kind::Long,
    Kind::Float,
    Kind::Double,
    Kind::BigInteger,
    Kind::BigDecimal,
];
const STRUCTURES: &[Kind] = &[Kind::Structure];
const SERVICES: &[Kind] = &[Kind::Service];
const OPERATIONS: &[Kind] = &[Kind::Operation];
/// `@streaming` on a union (an event stream) or a blob (a byte stream).
const STREAMS: &[Kind] = &[Kind::Union, Kind::Blob];
const LISTS: &[Kind] = &[Kind::List];
const COLLECTIONS: &[Kind] = &[Kind::List, Kind::Map];
const ENUMS: &[Kind] = &[Kind::Enum, Kind::IntEnum];
const TIMESTAMPS: &[Kind] = &[Kind::Timestamp];

const HTTP_BINDINGS: &str = "awsJson protocols send every member in the JSON body; HTTP bindings do not apply";
const CLIENT_ONLY: &str = "affects clients only; a server built on the generated crate does not use it";
const TOOLING_ONLY: &str = "metadata for tooling and documentation; no generated behaviour depends on it";

/// The rule for `trait_id`, or `None` when the generator does not know it.
pub fn rule(trait_id: &str) -> Option<Rule> {
    use Applies::*;
    use Rule::*;
    Some(match trait_id {
        // Read by the generator.
        "smithy.api#documentation" => Supported(Anywhere),
        "smithy.api#length" => Supported(Kinds(LENGTHS)),
        "smithy.api#pattern" => Supported(Kinds(STRINGS)),
        "smithy.api#range" => Supported(Kinds(NUMBERS)),
        "smithy.api#uniqueItems" => Supported(Kinds(LISTS)),
        "smithy.api#required" => Supported(MembersOf(STRUCTURES)),
        "smithy.api#default" => Supported(Default),
        "smithy.api#enumValue" => Supported(MembersOf(ENUMS)),
        "smithy.api#sensitive" => Supported(Anywhere),
        "smithy.api#error" => Supported(ShapesOf(STRUCTURES)),
        "smithy.api#httpError" => Supported(ShapesOf(STRUCTURES)),
        "smithy.api#input" => Supported(ShapesOf(STRUCTURES)),
        "smithy.api#output" => Supported(ShapesOf(STRUCTURES)),
        "smithy.api#timestampFormat" => Supported(Kinds(TIMESTAMPS)),
        "smithy.api#enum" => Supported(Kinds(LEGACY_ENUMS)),
        "smithy.api#sparse" => Supported(ShapesOf(COLLECTIONS)),
        // awsJson protocols ignore it; the checker refuses it for others.
        "smithy.api#jsonName" => Supported(MembersOf(STRUCTURES)),
        "smithy.api#idempotencyToken" => Supported(MembersOf(STRUCTURES)),
        // Its operations' bodies may come gzipped: the router decodes them.
        "smithy.api#requestCompression" => Supported(ShapesOf(OPERATIONS)),
        "smithy.api#deprecated" => Supported(Anywhere),
        "smithy.api#title" => Supported(ShapesOf(SERVICES)),
        "aws.api#service" => Supported(ShapesOf(SERVICES)),
        "aws.protocols#awsJson1_1" => Supported(ShapesOf(SERVICES)),
        "aws.protocols#awsJson1_0" => Supported(ShapesOf(SERVICES)),
        "aws.protocols#restJson1" => Supported(ShapesOf(SERVICES)),
        "aws.protocols#restXml" => Supported(ShapesOf(SERVICES)),
        "aws.protocols#awsQuery" => Supported(ShapesOf(SERVICES)),
        "aws.protocols#ec2Query" => Supported(ShapesOf(SERVICES)),
        "aws.protocols#awsQueryCompatible" => Supported(ShapesOf(SERVICES)),
        "aws.protocols#awsQueryError" => Supported(ShapesOf(STRUCTURES)),
        // On a union: an event stream. Its operations get their types and a
        // trait method; routers answer them `NotImplemented`.
        "smithy.api#streaming" => Supported(ShapesOf(STREAMS)),

        // Known and not implemented: refusing beats generating wrong code.
        "smithy.api#mixin" => Unsupported("mixins must be flattened into the shapes that use them"),

        // Known not to change what is generated.
        "smithy.api#eventHeader" | "smithy.api#eventPayload" => {
            Ignored("they lay out events inside an event stream, which is not served yet")
        }
        "smithy.api#http"
        | "smithy.api#httpHeader"
        | "smithy.api#httpLabel"
        | "smithy.api#httpPayload"
        | "smithy.api#httpPrefixHeaders"
        | "smithy.api#httpQuery"
        | "smithy.api#httpQueryParams"
        | "smithy.api#httpResponseCode"
        | "smithy.api#httpChecksumRequired"
        | "smithy.api#cors"
        | "smithy.api#endpoint"
        | "smithy.api#hostLabel" => Ignored(HTTP_BINDINGS),
        "smithy.api#clientOptional" => Ignored("servers are authoritative: required members stay required"),
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
        | "smithy.rules#clientContextParams" => Ignored(CLIENT_ONLY),
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
        | "smithy.api#xmlName"
        | "smithy.api#xmlNamespace"
        | "smithy.api#xmlAttribute"
        | "smithy.api#xmlFlattened"
        | "smithy.api#requiresLength"
        | "smithy.test#smokeTests"
        | "smithy.test#httpRequestTests"
        | "smithy.test#httpResponseTests"
        | "smithy.test#httpMalformedRequestTests" => Ignored(TOOLING_ONLY),
        id if id.starts_with("aws.api#")
            || id.starts_with("aws.iam#")
            || id.starts_with("aws.cloudformation#")
            || id.starts_with("aws.customizations#") =>
        {
            Ignored(TOOLING_ONLY)
        }
        _ => return None,
    })
}

/// Whether a supported trait may stand on a shape of `kind` (`member_of` is
/// the container's kind when the trait is on a member of it).
pub fn applies(applies: Applies, kind: Kind, member_of: Option<Kind>) -> bool {
    match applies {
        Applies::Anywhere => true,
        Applies::Kinds(kinds) => kinds.contains(&kind),
        Applies::ShapesOf(kinds) => member_of.is_none() && kinds.contains(&kind),
        Applies::MembersOf(kinds) => member_of.is_some_and(|container| kinds.contains(&container)),
        Applies::Default => match member_of {
            Some(container) => container == Kind::Structure,
            None => !matches!(kind, Kind::Structure | Kind::Union | Kind::Service | Kind::Operation | Kind::Resource),
        },
    }
}

/// Describes where a trait may go, for error messages.
pub fn describe(applies: Applies) -> String {
    let names = |kinds: &[Kind]| kinds.iter().map(|k| k.name()).collect::<Vec<_>>().join(", ");
    match applies {
        Applies::Anywhere => "any shape".to_string(),
        Applies::Kinds(kinds) => format!("{} shapes and members that target them", names(kinds)),
        Applies::ShapesOf(kinds) => format!("{} shapes", names(kinds)),
        Applies::MembersOf(kinds) => format!("members of {} shapes", names(kinds)),
        Applies::Default => "structure members and simple, list and map shapes".to_string(),
    }
}
