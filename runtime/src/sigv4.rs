//! AWS Signature Version 4 verification as a tower layer (feature `sigv4`).
//!
//! [`SigV4Layer`] checks each request's `Authorization` header
//! (`AWS4-HMAC-SHA256`): the credential's access key id against a
//! [`Credentials`] lookup, the signed headers, the payload hash and the
//! date window, then recomputes the signature. A request that passes goes
//! on with a [`Caller`] in its extensions; one that fails is answered as
//! AWS answers it (`MissingAuthenticationTokenException`,
//! `IncompleteSignatureException`, `UnrecognizedClientException`,
//! `InvalidSignatureException`). The HMAC-SHA256 and SHA-256 primitives
//! are RustCrypto's `hmac` and `sha2`; the canonical request is built here,
//! as the signature's specification describes it.

use std::collections::BTreeMap;
use std::convert::Infallible;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use hmac::{Hmac, Mac};
use http::request::Parts;
use sha2::{Digest, Sha256};

use crate::context::RequestId;
use crate::http::{BoxError, HttpResponse, ResponseFuture, aws_chunked, read_limited, with_id};
use crate::protocol::aws_json::AwsJson;
use crate::protocol::rest_json::RestJson;
use crate::protocol::{AnyProtocol, Protocol, Response};
use crate::{excerpt, excerpt_bytes};

type HmacSha256 = Hmac<Sha256>;

pub mod events;

pub use events::{EventSignatureError, EventSignatures, SignatureGuard};

/// Looks up the secret access key of an access key id.
pub trait Credentials: Send + Sync + 'static {
    /// The secret of `access_key_id`, or `None` when the key is unknown.
    fn secret_access_key(&self, access_key_id: &str) -> Option<String>;
}

impl Credentials for BTreeMap<String, String> {
    fn secret_access_key(&self, access_key_id: &str) -> Option<String> {
        self.get(access_key_id).cloned()
    }
}

impl<F: Fn(&str) -> Option<String> + Send + Sync + 'static> Credentials for F {
    fn secret_access_key(&self, access_key_id: &str) -> Option<String> {
        self(access_key_id)
    }
}

/// Who signed a request that passed verification: put in its extensions,
/// where handlers find it through their context.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Caller {
    /// The access key id the request was signed with: the key a handler
    /// maps to the account or user making the call.
    pub access_key_id: String,
    /// The region of the credential scope (`us-east-1`). It is checked
    /// only where the layer was given a region ([`SigV4Layer::region`]).
    pub region: String,
    /// The service of the credential scope (`s3`). A generated router
    /// refuses a credential scoped to another service than its signing
    /// name.
    pub service: String,
}

/// Why a request was refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// No `Authorization` header.
    Missing,
    /// An `Authorization` header that is not a complete SigV4 one, or a
    /// signed header the request lacks.
    Incomplete(String),
    /// An access key id the credentials do not know.
    UnknownKey,
    /// A signature that does not match.
    Mismatch,
    /// A request date outside the allowed window.
    Expired(String),
    /// A credential scoped to another region, service or date than the
    /// request's, or a payload that does not match its signed hash.
    Invalid(String),
}

impl Refusal {
    /// The error's name (`__type`), as AWS sends it.
    pub fn type_name(&self) -> &'static str {
        match self {
            Refusal::Missing => "MissingAuthenticationTokenException",
            Refusal::Incomplete(_) => "IncompleteSignatureException",
            Refusal::UnknownKey => "UnrecognizedClientException",
            Refusal::Mismatch | Refusal::Expired(_) | Refusal::Invalid(_) => "InvalidSignatureException",
        }
    }

    /// The error's message, as AWS words it.
    pub fn message(&self) -> String {
        match self {
            Refusal::Missing => "Missing Authentication Token".to_string(),
            Refusal::Incomplete(why) | Refusal::Expired(why) | Refusal::Invalid(why) => why.clone(),
            Refusal::UnknownKey => "The security token included in the request is invalid.".to_string(),
            Refusal::Mismatch => "The request signature we calculated does not match the signature you provided. \
                                  Check your AWS Secret Access Key and signing method. Consult the service \
                                  documentation for details."
                .to_string(),
        }
    }

    /// The error response in `protocol`'s form: status 400 in awsJson and
    /// RPC v2, as AWS's JSON services answer; 403 in restJson1 and
    /// awsQuery, as AWS's REST services (Lambda, API Gateway) and query
    /// services (STS, IAM) answer.
    pub fn response(&self, protocol: impl Into<AnyProtocol>) -> Response {
        let protocol = protocol.into();
        let status = match protocol {
            AnyProtocol::AwsJson(_) | AnyProtocol::RpcV2Cbor(_) | AnyProtocol::RpcV2Json(_) => 400,
            AnyProtocol::RestJson(_) | AnyProtocol::AwsQuery(_) | AnyProtocol::RestXml(_) => 403,
        };
        protocol.error(status, self.type_name(), &self.message())
    }
}

/// Where a verified request's credential must be scoped, beyond its
/// signature: the region the server answers for, if it says.
#[derive(Clone, Debug, Default)]
struct Scope {
    region: Option<Arc<str>>,
}

/// Verifies the signature of a request with these parts and body at time
/// `now`, allowing `max_skew` between the request's date and `now`. Any
/// region is accepted ([`SigV4Layer::region`] checks one). The path the
/// signature covers is the request's path normalised as AWS does
/// ([`signed_path`]), which is what a service must serve.
pub fn verify(
    parts: &Parts,
    body: &[u8],
    credentials: &dyn Credentials,
    now: SystemTime,
    max_skew: Duration,
) -> Result<Caller, Refusal> {
    let head = check_head(parts, credentials, now, max_skew, &Scope::default())?;
    let body_hash = hex(&Sha256::digest(body));
    match &head.payload {
        Payload::FromBody => head.verify(parts, &body_hash),
        Payload::Unsigned => head.verify(parts, UNSIGNED_PAYLOAD),
        Payload::Declared(declared) => {
            let caller = head.verify(parts, declared)?;
            check_declared_hash(declared, &body_hash)?;
            Ok(caller)
        }
        // Each event's signature is the router's to check, as it reads it.
        Payload::Events => head.verify(parts, EVENTS),
        Payload::Streaming { literal, signed_chunks, signed_trailer } => {
            let caller = head.verify(parts, literal)?;
            if *signed_chunks {
                let decoded = aws_chunked::decode(body, aws_chunked::decoded_length(&parts.headers))
                    .map_err(|error| Refusal::Invalid(error.0.to_string()))?;
                check_chunks(&head, &decoded, *signed_trailer)?;
            }
            Ok(caller)
        }
    }
}

const UNSIGNED_PAYLOAD: &str = "UNSIGNED-PAYLOAD";
/// HTTP/2's name for the host, as a signed header.
const AUTHORITY: &str = ":authority";
/// The payload of a request whose body is an event stream of signed
/// messages.
const EVENTS: &str = "STREAMING-AWS4-HMAC-SHA256-EVENTS";

fn incomplete(why: &str) -> Refusal {
    Refusal::Incomplete(why.to_string())
}

/// What the payload's hash in the canonical request is.
#[derive(Debug, PartialEq, Eq)]
enum Payload {
    /// The hash of the body, which must be read first.
    FromBody,
    /// `UNSIGNED-PAYLOAD`, which a signed `x-amz-content-sha256` says.
    Unsigned,
    /// The hash a signed `x-amz-content-sha256` declares (lowercase hex),
    /// which the body must then match.
    Declared(String),
    /// An aws-chunked body (`STREAMING-...`, the literal in the canonical
    /// request): its chunks signed in a chain from the request's
    /// signature, and its trailers too, or neither.
    Streaming { literal: &'static str, signed_chunks: bool, signed_trailer: bool },
    /// An event stream (`STREAMING-AWS4-HMAC-SHA256-EVENTS`): its messages
    /// signed in a chain from the request's signature, checked as they
    /// arrive by the router that reads them ([`SignedEvents`]).
    Events,
}

/// The chain of signatures a request's input event stream must carry,
/// seeded with the request's own: put in the extensions of a request whose
/// payload is `STREAMING-AWS4-HMAC-SHA256-EVENTS`, for the router that
/// reads its events.
#[derive(Clone, Debug)]
pub struct SignedEvents(pub EventSignatures);

impl SignedEvents {
    /// A checker of the stream's messages, for
    /// [`EventStream::from_signed_body`](crate::EventStream::from_signed_body).
    pub fn verifier(self) -> crate::event_stream::Verifier {
        let mut signatures = self.0;
        Box::new(move |message| {
            signatures.verify(message).map_err(|e| {
                // A signature that does not match is told as AWS tells it.
                let why = match e {
                    EventSignatureError::Mismatch => Refusal::Mismatch.message(),
                    e => e.to_string(),
                };
                crate::event_stream::EventStreamError::Signature(why.into())
            })
        })
    }

    /// [`SignedEvents::verifier`], watched by a guard of the response
    /// ([`SignatureGuard`]): what routers use.
    pub fn guarded(self) -> (crate::event_stream::Verifier, SignatureGuard) {
        let guard = SignatureGuard::default();
        (guard.watch(self.verifier()), guard)
    }
}

/// The streaming payloads of `x-amz-content-sha256`: the literal, whether
/// its chunks are signed, whether its trailers are.
const STREAMING: [(&str, bool, bool); 3] = [
    ("STREAMING-AWS4-HMAC-SHA256-PAYLOAD", true, false),
    ("STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER", true, true),
    ("STREAMING-UNSIGNED-PAYLOAD-TRAILER", false, false),
];

/// A request whose head passed every check but the signature: what the
/// signature is then checked with.
struct SignedHead {
    auth: Authorization,
    /// `X-Amz-Date`.
    date: String,
    secret: String,
    payload: Payload,
    /// Signed in the query string (a presigned URL): its `X-Amz-Signature`
    /// is left out of the canonical query.
    presigned: bool,
}

impl SignedHead {
    /// The credential scope, `date/region/service/aws4_request`.
    fn scope(&self) -> String {
        let auth = &self.auth;
        format!("{}/{}/{}/aws4_request", auth.date, auth.region, auth.service)
    }

    /// The key the scope's signatures are made with.
    fn signing_key(&self) -> Vec<u8> {
        let auth = &self.auth;
        signing_key(&self.secret, &auth.date, &auth.region, &auth.service)
    }

    /// Checks the signature, with `payload_hash` in the canonical request.
    fn verify(&self, parts: &Parts, payload_hash: &str) -> Result<Caller, Refusal> {
        let auth = &self.auth;
        let rules = rules_for(&auth.service);
        let canonical = canonical_request(parts, &auth.signed_headers, rules, payload_hash, self.presigned)?;
        let mut string_to_sign = format!("AWS4-HMAC-SHA256\n{}\n{}\n", self.date, self.scope()).into_bytes();
        string_to_sign.extend_from_slice(hex(&Sha256::digest(&canonical)).as_bytes());
        check_signature(&self.signing_key(), &string_to_sign, &auth.signature)?;
        Ok(Caller {
            access_key_id: auth.access_key_id.clone(),
            region: auth.region.clone(),
            service: auth.service.clone(),
        })
    }
}

/// Whether `signature` (hex) is the HMAC of `string_to_sign` with `key`,
/// compared in constant time.
/// The key a scope's signatures are made with: `secret`'s, for `date`
/// (`YYYYMMDD`), `region` and `service`.
fn signing_key(secret: &str, date: &str, region: &str, service: &str) -> Vec<u8> {
    let mut key = hmac(format!("AWS4{secret}").as_bytes(), date.as_bytes());
    for part in [region, service, "aws4_request"] {
        key = hmac(&key, part.as_bytes());
    }
    key
}

fn check_signature(key: &[u8], string_to_sign: &[u8], signature: &str) -> Result<(), Refusal> {
    let provided = unhex(signature).ok_or(Refusal::Mismatch)?;
    if signature_matches(key, string_to_sign, &provided) { Ok(()) } else { Err(Refusal::Mismatch) }
}

/// Whether `provided` is the HMAC-SHA256 of `string_to_sign` with `key`,
/// compared in constant time.
fn signature_matches(key: &[u8], string_to_sign: &[u8], provided: &[u8]) -> bool {
    let mut mac = HmacSha256::new_from_slice(key).expect("HMAC takes keys of any length");
    mac.update(string_to_sign);
    mac.verify_slice(provided).is_ok()
}

/// An aws-chunked body's chunk signatures, each the HMAC of the chunk's
/// hash chained from the one before it (the first from the request's own
/// signature), and its trailers' signature where `signed_trailer`.
fn check_chunks(head: &SignedHead, decoded: &aws_chunked::Decoded, signed_trailer: bool) -> Result<(), Refusal> {
    const EMPTY_HASH: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    let (key, scope) = (head.signing_key(), head.scope());
    if decoded.signatures.len() != decoded.chunks {
        return Err(Refusal::Invalid("Every chunk of a signed aws-chunked body must be signed.".to_string()));
    }
    let mut previous = head.auth.signature.as_str();
    for (signature, range) in &decoded.signatures {
        let chunk_hash = hex(&Sha256::digest(&decoded.data[range.clone()]));
        let string_to_sign =
            format!("AWS4-HMAC-SHA256-PAYLOAD\n{}\n{scope}\n{previous}\n{EMPTY_HASH}\n{chunk_hash}", head.date);
        check_signature(&key, string_to_sign.as_bytes(), signature)?;
        previous = signature;
    }
    if signed_trailer {
        let signature = decoded
            .trailer_signature
            .as_deref()
            .ok_or_else(|| Refusal::Invalid("The body's trailers are not signed.".to_string()))?;
        let trailers: String = decoded.trailers.iter().map(|(name, value)| format!("{name}:{value}\n")).collect();
        let trailer_hash = hex(&Sha256::digest(trailers.as_bytes()));
        let string_to_sign = format!("AWS4-HMAC-SHA256-TRAILER\n{}\n{scope}\n{previous}\n{trailer_hash}", head.date);
        check_signature(&key, string_to_sign.as_bytes(), signature)?;
    }
    Ok(())
}

/// Everything the head of a request can tell before its body is read: the
/// `Authorization` header whole and well-formed, `host` signed, the date
/// within the window and the credential scoped to it (and to the server's
/// region), the key known, and the payload's hash.
fn check_head(
    parts: &Parts,
    credentials: &dyn Credentials,
    now: SystemTime,
    max_skew: Duration,
    scope: &Scope,
) -> Result<SignedHead, Refusal> {
    let mut authorizations = parts.headers.get_all(http::header::AUTHORIZATION).iter();
    let presigned = match authorizations.next() {
        Some(_) if authorizations.next().is_some() => {
            return Err(incomplete("The request has more than one Authorization header."));
        }
        Some(_) => None,
        None => Some(Presigned::parse(parts.uri.query().unwrap_or(""))?.ok_or(Refusal::Missing)?),
    };
    let (auth, date) = match &presigned {
        Some(query) => (Authorization::parse(&query.authorization())?, query.date.as_str()),
        None => {
            let authorization = parts.headers.get(http::header::AUTHORIZATION).expect("one");
            let authorization = authorization
                .to_str()
                .map_err(|_| incomplete("Authorization header requires the AWS4-HMAC-SHA256 algorithm."))?;
            let auth = Authorization::parse(authorization)?;
            let date = parts.headers.get("x-amz-date").ok_or_else(|| {
                incomplete("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.")
            })?;
            let date = date.to_str().ok().filter(|date| parse_amz_date(date).is_some()).ok_or_else(|| {
                incomplete(&format!(
                    "Date must be in ISO-8601 'basic format'. Got '{}'.",
                    excerpt_bytes(date.as_bytes())
                ))
            })?;
            (auth, date)
        }
    };
    if parse_amz_date(date).is_none() {
        return Err(incomplete(&format!("Date must be in ISO-8601 'basic format'. Got '{}'.", excerpt(date))));
    }
    if !auth.signed_headers.iter().any(|name| name == "host" || name == AUTHORITY) {
        return Err(incomplete("'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization."));
    }
    let signed_at = parse_amz_date(date).expect("checked");
    if date[..8] != auth.date {
        return Err(Refusal::Invalid(
            "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP.".to_string(),
        ));
    }
    // A presigned URL is good from its date (give or take the skew) for
    // its `X-Amz-Expires` seconds.
    if let Some(query) = &presigned {
        let early = signed_at.duration_since(now).is_ok_and(|ahead| ahead > max_skew);
        if early || now.duration_since(signed_at).is_ok_and(|age| age > query.expires) {
            return Err(Refusal::Expired("Request has expired".to_string()));
        }
    }
    let skew = now.duration_since(signed_at).unwrap_or_else(|e| e.duration());
    if presigned.is_none() && skew > max_skew {
        return Err(Refusal::Expired(format!(
            "Signature expired or not yet valid: {date} is more than {} minutes from the server's time.",
            max_skew.as_secs() / 60
        )));
    }
    if scope.region.as_deref().is_some_and(|region| region != auth.region) {
        return Err(Refusal::Invalid("Credential should be scoped to a valid region.".to_string()));
    }
    let Some(secret) = credentials.secret_access_key(&auth.access_key_id) else { return Err(Refusal::UnknownKey) };
    // `x-amz-content-sha256` counts only when it is signed: unsigned, it
    // could be added to any request to skip the payload's hash.
    let payload = match auth.signed_headers.iter().any(|name| name == "x-amz-content-sha256") {
        // A presigned URL signs no payload, as S3 has it.
        false if presigned.is_some() => Payload::Unsigned,
        false => Payload::FromBody,
        true => match parts.headers.get("x-amz-content-sha256").map(http::HeaderValue::as_bytes) {
            Some(b"UNSIGNED-PAYLOAD") => Payload::Unsigned,
            Some(hash) if hash.len() == 64 && hash.iter().all(u8::is_ascii_hexdigit) => {
                Payload::Declared(String::from_utf8_lossy(hash).to_ascii_lowercase())
            }
            Some(hash) if hash == EVENTS.as_bytes() => Payload::Events,
            Some(hash) if hash.starts_with(b"STREAMING-") => {
                let Some(&(literal, signed_chunks, signed_trailer)) =
                    STREAMING.iter().find(|(literal, _, _)| literal.as_bytes() == hash)
                else {
                    return Err(Refusal::Invalid(format!(
                        "x-amz-content-sha256 names a streaming payload this server does not know: {}",
                        excerpt_bytes(hash)
                    )));
                };
                Payload::Streaming { literal, signed_chunks, signed_trailer }
            }
            // Missing: the canonical request cannot be built; malformed: it is no hash.
            _ => {
                return Err(Refusal::Invalid(
                    "x-amz-content-sha256 must be UNSIGNED-PAYLOAD or the SHA-256 of the payload in hex.".to_string(),
                ));
            }
        },
    };
    Ok(SignedHead { auth, date: date.to_string(), secret, payload, presigned: presigned.is_some() })
}

/// A presigned URL's query parameters (`X-Amz-Algorithm`,
/// `X-Amz-Credential`, ...), which stand for the `Authorization` and
/// `X-Amz-Date` headers.
struct Presigned {
    credential: String,
    signed_headers: String,
    signature: String,
    date: String,
    expires: Duration,
}

impl Presigned {
    /// The longest a presigned URL may be good for: seven days.
    const MAX_EXPIRES: u64 = 7 * 24 * 3600;

    /// The parameters, if `query` has `X-Amz-Algorithm` (`None`: the
    /// request is not signed at all).
    fn parse(query: &str) -> Result<Option<Self>, Refusal> {
        let mut found: BTreeMap<&str, String> = BTreeMap::new();
        for pair in query.split('&') {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            if name.starts_with("X-Amz-") {
                found.insert(name, String::from_utf8_lossy(&percent_decode(value, true)).into_owned());
            }
        }
        let Some(algorithm) = found.get("X-Amz-Algorithm") else { return Ok(None) };
        if algorithm != "AWS4-HMAC-SHA256" {
            return Err(incomplete("X-Amz-Algorithm only supports \"AWS4-HMAC-SHA256\""));
        }
        let mut take = |name: &str| {
            found
                .remove(name)
                .ok_or_else(|| incomplete(&format!("Query-string authentication requires the {name} parameter.")))
        };
        let (credential, signed_headers, signature) =
            (take("X-Amz-Credential")?, take("X-Amz-SignedHeaders")?, take("X-Amz-Signature")?);
        let (date, expires) = (take("X-Amz-Date")?, take("X-Amz-Expires")?);
        let expires =
            expires.parse::<u64>().ok().filter(|seconds| *seconds <= Self::MAX_EXPIRES).ok_or_else(|| {
                Refusal::Invalid("X-Amz-Expires must be a number of seconds up to 604800.".to_string())
            })?;
        Ok(Some(Presigned { credential, signed_headers, signature, date, expires: Duration::from_secs(expires) }))
    }

    /// The `Authorization` header they stand for.
    fn authorization(&self) -> String {
        format!(
            "AWS4-HMAC-SHA256 Credential={}, SignedHeaders={}, Signature={}",
            self.credential, self.signed_headers, self.signature
        )
    }
}

/// A body whose hash is not the one its signed `x-amz-content-sha256`
/// declared.
fn check_declared_hash(declared: &str, body_hash: &str) -> Result<(), Refusal> {
    match declared == body_hash {
        true => Ok(()),
        false => Err(Refusal::Invalid(
            "The provided 'x-amz-content-sha256' header does not match what was computed.".to_string(),
        )),
    }
}

/// The parts of an `Authorization: AWS4-HMAC-SHA256 Credential=...,
/// SignedHeaders=..., Signature=...` header.
#[derive(Debug)]
struct Authorization {
    access_key_id: String,
    date: String,
    region: String,
    service: String,
    signed_headers: Vec<String>,
    signature: String,
}

impl Authorization {
    fn parse(header: &str) -> Result<Self, Refusal> {
        let Some(rest) = header.strip_prefix("AWS4-HMAC-SHA256 ") else {
            return Err(incomplete("Authorization header requires the AWS4-HMAC-SHA256 algorithm."));
        };
        let (mut credential, mut signed, mut signature) = (None, None, None);
        for field in rest.split(',').map(str::trim).filter(|field| !field.is_empty()) {
            let Some((name, value)) = field.split_once('=') else {
                return Err(incomplete(&format!(
                    "Authorization header requires each component to be name=value: {}",
                    excerpt(field)
                )));
            };
            let slot = match name {
                "Credential" => &mut credential,
                "SignedHeaders" => &mut signed,
                "Signature" => &mut signature,
                // AWS ignores what it does not know.
                _ => continue,
            };
            // Two of one: which was signed? AWS refuses the header.
            if slot.replace(value).is_some() {
                return Err(incomplete(&format!("Authorization header has '{name}' more than once.")));
            }
        }
        let missing = |name: &str| incomplete(&format!("Authorization header requires '{name}' parameter."));
        let credential = credential.ok_or_else(|| missing("Credential"))?;
        let signed = signed.ok_or_else(|| missing("SignedHeaders"))?;
        let signature = signature.ok_or_else(|| missing("Signature"))?;
        let scope: Vec<&str> = credential.split('/').collect();
        let [access_key_id, date, region, service, "aws4_request"] = scope[..] else {
            return Err(incomplete(&format!("Credential should be scoped correctly: {}", excerpt(credential))));
        };
        if access_key_id.is_empty() || region.is_empty() || service.is_empty() {
            return Err(incomplete(&format!("Credential should be scoped correctly: {}", excerpt(credential))));
        }
        if date.len() != 8 || !date.bytes().all(|b| b.is_ascii_digit()) {
            return Err(incomplete("Credential should be scoped to a valid date (YYYYMMDD)."));
        }
        let signed_headers: Vec<String> = signed.split(';').map(str::to_string).collect();
        if signed_headers.iter().any(|name| name.is_empty() || name.bytes().any(|b| b.is_ascii_uppercase())) {
            return Err(incomplete("SignedHeaders must be lowercase header names separated by ';'."));
        }
        Ok(Authorization {
            access_key_id: access_key_id.to_string(),
            date: date.to_string(),
            region: region.to_string(),
            service: service.to_string(),
            signed_headers,
            signature: signature.to_string(),
        })
    }
}

/// How a service canonicalises a request's path, as AWS's signers do:
/// every service but S3 normalises it and encodes it twice; S3 (the
/// signing name `s3`, which S3 Control shares) does neither.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PathRules {
    /// Dot segments and empty segments removed (a trailing slash kept),
    /// then each segment, as sent, percent-encoded again.
    Normalised,
    /// The path as sent, each segment percent-encoded once (decoded, then
    /// encoded canonically); nothing removed.
    AsSent,
}

/// The rules of the service a credential is scoped to.
pub fn rules_for(service: &str) -> PathRules {
    match service {
        "s3" => PathRules::AsSent,
        _ => PathRules::Normalised,
    }
}

/// The path a signature made by `rules` covers, in the form the request
/// sends it (percent-encoded once): what the service must serve. For
/// [`PathRules::Normalised`], `path` without its `.`, `..` and empty
/// segments (`/a/./b/../c//d/` is `/a/c/d/`); for [`PathRules::AsSent`],
/// `path` itself.
pub fn signed_path(path: &str, rules: PathRules) -> std::borrow::Cow<'_, str> {
    if rules == PathRules::AsSent {
        return path.into();
    }
    let segments = normalised_segments(path);
    let trailing = path.ends_with('/') && !segments.is_empty();
    let mut normalised = String::with_capacity(path.len());
    for segment in &segments {
        normalised.push('/');
        normalised.push_str(segment);
    }
    if trailing || segments.is_empty() {
        normalised.push('/');
    }
    match normalised == path {
        true => path.into(),
        false => normalised.into(),
    }
}

/// The segments of `path` once `.`, `..` and empty ones are taken out.
fn normalised_segments(path: &str) -> Vec<&str> {
    let mut segments: Vec<&str> = Vec::new();
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                segments.pop();
            }
            segment => segments.push(segment),
        }
    }
    segments
}

/// The canonical request the client signed, rebuilt from what arrived:
/// header values as their bytes, whatever they hold.
fn canonical_request(
    parts: &Parts,
    signed_headers: &[String],
    rules: PathRules,
    payload_hash: &str,
    presigned: bool,
) -> Result<Vec<u8>, Refusal> {
    let mut canonical = Vec::with_capacity(512);
    canonical.extend_from_slice(parts.method.as_str().as_bytes());
    canonical.push(b'\n');
    canonical.extend_from_slice(canonical_path(parts.uri.path(), rules).as_bytes());
    canonical.push(b'\n');
    canonical.extend_from_slice(canonical_query(parts.uri.query().unwrap_or(""), presigned).as_bytes());
    canonical.push(b'\n');
    for name in signed_headers {
        // HTTP/2's `:authority` pseudo-header, which AWS's JavaScript SDK
        // signs by that name, is no header here.
        let header = if name == AUTHORITY { "host" } else { name.as_str() };
        let mut values = parts.headers.get_all(header).iter().map(http::HeaderValue::as_bytes).peekable();
        // HTTP/2 carries the host in the URI, not a header.
        let authority = parts.uri.authority().map(|a| a.as_str().as_bytes());
        let host = (header == "host" && values.peek().is_none()).then_some(authority).flatten();
        if values.peek().is_none() && host.is_none() {
            return Err(incomplete(&format!("the signed header '{}' is not in the request", excerpt(name))));
        }
        canonical.extend_from_slice(name.as_bytes());
        canonical.push(b':');
        for (i, value) in values.chain(host).enumerate() {
            if i > 0 {
                canonical.push(b',');
            }
            push_trimmed(&mut canonical, value);
        }
        canonical.push(b'\n');
    }
    canonical.push(b'\n');
    canonical.extend_from_slice(signed_headers.join(";").as_bytes());
    canonical.push(b'\n');
    canonical.extend_from_slice(payload_hash.as_bytes());
    Ok(canonical)
}

/// `value` with its leading and trailing whitespace removed and each run
/// inside made one space, as SigV4 canonicalises header values.
fn push_trimmed(out: &mut Vec<u8>, value: &[u8]) {
    for (i, word) in value.split(u8::is_ascii_whitespace).filter(|word| !word.is_empty()).enumerate() {
        if i > 0 {
            out.push(b' ');
        }
        out.extend_from_slice(word);
    }
}

/// The canonical form of `path` under `rules`.
fn canonical_path(path: &str, rules: PathRules) -> String {
    match rules {
        PathRules::Normalised => {
            let signed = signed_path(path, rules);
            // Each segment, as sent (already encoded once), encoded again.
            signed.split('/').map(|segment| uri_encode(segment.as_bytes())).collect::<Vec<_>>().join("/")
        }
        PathRules::AsSent => {
            path.split('/').map(|segment| uri_encode(&percent_decode(segment, false))).collect::<Vec<_>>().join("/")
        }
    }
}

/// The query string, each name and value decoded and re-encoded, sorted;
/// a presigned URL's `X-Amz-Signature` left out.
fn canonical_query(query: &str, presigned: bool) -> String {
    let mut pairs: Vec<(String, String)> = query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .filter(|pair| !(presigned && pair.starts_with("X-Amz-Signature=")))
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            (uri_encode(&percent_decode(name, true)), uri_encode(&percent_decode(value, true)))
        })
        .collect();
    pairs.sort();
    pairs.iter().map(|(n, v)| format!("{n}={v}")).collect::<Vec<_>>().join("&")
}

/// SigV4's URI encoding: every byte but `A-Z a-z 0-9 - _ . ~` as `%XX`.
fn uri_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    crate::http::decode::percent_encode_into(bytes, &mut out);
    out
}

/// `text` with its `%XX` escapes decoded (and `+` as a space, in a query
/// string); a `%` without two hexadecimal digits is itself.
fn percent_decode(text: &str, plus_is_space: bool) -> Vec<u8> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex_pair = bytes.get(i + 1..i + 3).and_then(|h| u8::from_str_radix(std::str::from_utf8(h).ok()?, 16).ok());
        match (bytes[i], hex_pair) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (b'+', _) if plus_is_space => {
                out.push(b' ');
                i += 1;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    out
}

fn hmac(key: &[u8], data: &[u8]) -> Vec<u8> {
    let mut mac = HmacSha256::new_from_slice(key).expect("HMAC takes keys of any length");
    mac.update(data);
    mac.finalize().into_bytes().to_vec()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    if text.len() % 2 != 0 {
        return None;
    }
    (0..text.len()).step_by(2).map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok()).collect()
}

/// `20150830T123600Z` as a time.
fn parse_amz_date(text: &str) -> Option<SystemTime> {
    let b = text.as_bytes();
    if b.len() != 16 || b[8] != b'T' || b[15] != b'Z' || !text.is_ascii() {
        return None;
    }
    let rfc3339 = format!(
        "{}-{}-{}T{}:{}:{}Z",
        &text[0..4],
        &text[4..6],
        &text[6..8],
        &text[9..11],
        &text[11..13],
        &text[13..15]
    );
    let t = crate::Timestamp::parse_rfc3339(&rfc3339).ok()?;
    let seconds = u64::try_from(t.epoch_seconds()).ok()?;
    Some(UNIX_EPOCH + Duration::from_secs(seconds))
}

/// The refusal of a request a [`SigV4Layer`] verified for a credential
/// scoped to another service than `signing_name`, the one the request
/// reached: generated routers check it, since one layer may stand in front
/// of several services ([`crate::http::Services`]).
pub(crate) fn wrong_service(parts: &Parts, signing_name: Option<&str>) -> Option<Refusal> {
    let caller = parts.extensions.get::<Caller>()?;
    let signing_name = signing_name?;
    (caller.service != signing_name)
        .then(|| Refusal::Invalid(format!("Credential should be scoped to correct service: '{signing_name}'.")))
}

/// Verifies SigV4 signatures in front of a service ([`SigV4`]).
#[derive(Clone)]
pub struct SigV4Layer<C> {
    credentials: Arc<C>,
    max_skew: Duration,
    scope: Scope,
}

impl<C: Credentials> SigV4Layer<C> {
    /// Verification against `credentials`, allowing 15 minutes between a
    /// request's date and the server's clock, as AWS does, for credentials
    /// scoped to any region.
    pub fn new(credentials: C) -> Self {
        SigV4Layer {
            credentials: Arc::new(credentials),
            max_skew: Duration::from_secs(15 * 60),
            scope: Scope::default(),
        }
    }

    /// The same with another allowed clock difference.
    pub fn max_skew(self, max_skew: Duration) -> Self {
        SigV4Layer { max_skew, ..self }
    }

    /// The same for a server that answers for `region` only, as an AWS
    /// endpoint does: a credential scoped to another region is refused
    /// (`InvalidSignatureException`, "Credential should be scoped to a
    /// valid region.").
    pub fn region(self, region: impl Into<String>) -> Self {
        SigV4Layer { scope: Scope { region: Some(region.into().into()) }, ..self }
    }
}

impl<S, C> tower_layer::Layer<S> for SigV4Layer<C> {
    type Service = SigV4<S, C>;

    fn layer(&self, inner: S) -> SigV4<S, C> {
        SigV4 { inner, credentials: self.credentials.clone(), max_skew: self.max_skew, scope: self.scope.clone() }
    }
}

/// A service behind SigV4 verification. It checks what the request's head
/// can tell first (the `Authorization` header, the date, the scope's
/// region, the key), so that a caller it does not know is refused before
/// its body is read; then reads the body (within the request's
/// [`BodyLimit`](crate::http::BodyLimit)), checks the signature (before
/// reading the body, where a signed `x-amz-content-sha256` gives the
/// payload's hash, and then that the body has it) and passes the request
/// on with a [`Caller`] extension, the body read, and the path the
/// signature covers ([`signed_path`]: `/a/./b` signed as `/a/b` is served
/// as `/a/b`). A refusal is answered in the request's protocol: an awsJson
/// request (one with `X-Amz-Target`, or typed `application/x-amz-json-1.x`)
/// as [`Refusal::response`] has it, any other as a restJson1 one.
/// Generated routers refuse a credential scoped to another service than
/// theirs.
#[derive(Clone)]
pub struct SigV4<S, C> {
    inner: S,
    credentials: Arc<C>,
    max_skew: Duration,
    scope: Scope,
}

impl<S, C, B> tower_service::Service<http::Request<B>> for SigV4<S, C>
where
    S: tower_service::Service<http::Request<crate::ByteStream>, Response = HttpResponse, Error = Infallible>
        + Clone
        + Send
        + 'static,
    S::Future: Send + 'static,
    C: Credentials,
    B: http_body::Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<BoxError>,
{
    type Response = HttpResponse;
    type Error = Infallible;
    type Future = ResponseFuture;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: http::Request<B>) -> ResponseFuture {
        let mut inner = self.inner.clone();
        let (credentials, max_skew, scope) = (self.credentials.clone(), self.max_skew, self.scope.clone());
        Box::pin(async move {
            let (mut parts, body) = request.into_parts();
            let protocol = protocol_of(&parts);
            let id = parts.extensions.get::<RequestId>().cloned().unwrap_or_default();
            let refuse = |refusal: Refusal| {
                tracing::debug!(refusal = refusal.type_name(), "signature refused");
                Ok(with_id(refusal.response(protocol).into_http(protocol), &id))
            };
            let head = match check_head(&parts, &*credentials, SystemTime::now(), max_skew, &scope) {
                Ok(head) => head,
                Err(refusal) => return refuse(refusal),
            };
            // Where the payload's hash is signed, the signature is checked
            // before the body is read.
            let early = match &head.payload {
                Payload::FromBody => None,
                Payload::Unsigned => Some(head.verify(&parts, UNSIGNED_PAYLOAD)),
                Payload::Declared(declared) => Some(head.verify(&parts, declared)),
                Payload::Streaming { literal, .. } => Some(head.verify(&parts, literal)),
                Payload::Events => Some(head.verify(&parts, EVENTS)),
            };
            if let Some(Err(refusal)) = early {
                return refuse(refusal);
            }
            // An event stream goes on unread, its messages' signatures
            // chained from the request's for the router to check.
            if let (Payload::Events, Some(Ok(caller))) = (&head.payload, &early) {
                let auth = &head.auth;
                let chain = EventSignatures::new(&head.secret, &auth.region, &auth.service, &auth.signature);
                parts.extensions.insert(SignedEvents(chain));
                admit(&mut parts, caller.clone());
                std::future::poll_fn(|cx| inner.poll_ready(cx)).await?;
                let body = crate::ByteStream::from_body(crate::http::bytes_body(body));
                return inner.call(http::Request::from_parts(parts, body)).await;
            }
            let mut body = match read_limited(&parts, body).await {
                Ok(body) => Bytes::from(body),
                Err(refusal) => return Ok(with_id(refusal.response(protocol).into_http(protocol), &id)),
            };
            // An aws-chunked body: its chunks (and trailers) checked where
            // signed, then passed on decoded, its trailers as headers.
            if let Payload::Streaming { signed_chunks, signed_trailer, .. } = head.payload {
                let decoded = match aws_chunked::decode(&body, aws_chunked::decoded_length(&parts.headers)) {
                    Ok(decoded) => decoded,
                    Err(error) => return Ok(with_id(error.response(protocol).into_http(protocol), &id)),
                };
                if signed_chunks {
                    if let Err(refusal) = check_chunks(&head, &decoded, signed_trailer) {
                        return refuse(refusal);
                    }
                }
                aws_chunked::unchunk_head(&mut parts.headers, &decoded);
                body = Bytes::from(decoded.data);
            }
            let verified = match (early, &head.payload) {
                (Some(Ok(caller)), Payload::Declared(declared)) => {
                    check_declared_hash(declared, &hex(&Sha256::digest(&body))).map(|()| caller)
                }
                (Some(verified), _) => verified,
                (None, _) => head.verify(&parts, &hex(&Sha256::digest(&body))),
            };
            let caller = match verified {
                Ok(caller) => caller,
                Err(refusal) => return refuse(refusal),
            };
            admit(&mut parts, caller);
            std::future::poll_fn(|cx| inner.poll_ready(cx)).await?;
            inner.call(http::Request::from_parts(parts, crate::ByteStream::from(body))).await
        })
    }
}

/// A request whose signature passed, as the service gets it: the path the
/// signature covers (which the service serves), and its [`Caller`].
fn admit(parts: &mut Parts, caller: Caller) {
    tracing::debug!(access_key_id = %caller.access_key_id, "signature verified");
    if let std::borrow::Cow::Owned(path) = signed_path(parts.uri.path(), rules_for(&caller.service)) {
        parts.uri = with_path(&parts.uri, &path);
    }
    parts.extensions.insert(caller);
}

/// `uri` with its path replaced by `path` (a path the request's own was
/// normalised to, so as valid as it).
fn with_path(uri: &http::Uri, path: &str) -> http::Uri {
    let path_and_query = match uri.query() {
        Some(query) => format!("{path}?{query}"),
        None => path.to_string(),
    };
    let mut parts = uri.clone().into_parts();
    match path_and_query.parse() {
        Ok(path_and_query) => parts.path_and_query = Some(path_and_query),
        Err(_) => return uri.clone(),
    }
    http::Uri::from_parts(parts).unwrap_or_else(|_| uri.clone())
}

/// The protocol of a request: awsJson when it names an operation in
/// `X-Amz-Target` or is typed as awsJson (the version its `Content-Type`
/// names, 1.1 otherwise); awsQuery for a form (its errors without the
/// service's namespace, which the layer does not know); restXml for an
/// XML body, or where the request signs its payload's hash in
/// `X-Amz-Content-Sha256` as S3's clients do (unwrapped, as S3 answers);
/// restJson1 otherwise.
fn protocol_of(parts: &Parts) -> AnyProtocol {
    use crate::protocol::{rpc_v2, rpc_v2_cbor::RpcV2Cbor, rpc_v2_json::RpcV2Json};
    // RPC v2 requests name their protocol; their bodies' media types
    // (application/cbor, application/json) would say less.
    if rpc_v2::names::<RpcV2Cbor>(&parts.headers) {
        return AnyProtocol::RpcV2Cbor(RpcV2Cbor::default());
    }
    if rpc_v2::names::<RpcV2Json>(&parts.headers) {
        return AnyProtocol::RpcV2Json(RpcV2Json::default());
    }
    let content_type = parts.headers.get(http::header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    if content_type.starts_with("application/x-amz-json-1.0") {
        AnyProtocol::AwsJson(AwsJson::V1_0)
    } else if content_type.starts_with("application/x-amz-json-") || parts.headers.contains_key("x-amz-target") {
        AnyProtocol::AwsJson(AwsJson::V1_1)
    } else if content_type.starts_with(crate::protocol::aws_query::AwsQuery::FORM) {
        AnyProtocol::AwsQuery(crate::protocol::aws_query::AwsQuery::default())
    } else if content_type.starts_with(crate::event_stream::CONTENT_TYPE) {
        // Streaming input (Transcribe, Lex, Bedrock) is restJson1's.
        AnyProtocol::RestJson(RestJson)
    } else if parts.headers.contains_key("x-amz-content-sha256") {
        AnyProtocol::RestXml(crate::protocol::rest_xml::RestXml { no_error_wrapping: true })
    } else if content_type.starts_with("application/xml") || content_type.starts_with("text/xml") {
        AnyProtocol::RestXml(crate::protocol::rest_xml::RestXml::default())
    } else {
        AnyProtocol::RestJson(RestJson)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_and_queries_are_canonicalised_as_aws_does() {
        let normalised = |path| canonical_path(path, PathRules::Normalised);
        assert_eq!(normalised("/"), "/");
        assert_eq!(normalised("/a/./b/../c"), "/a/c");
        assert_eq!(normalised("/a%20b"), "/a%2520b");
        // AWS's test suite: get-slashes, get-slash-pointless-dot, get-relative-relative.
        assert_eq!(normalised("//example//"), "/example/");
        assert_eq!(normalised("/./"), "/");
        assert_eq!(normalised("/example1/example2/../.."), "/");
        assert_eq!(normalised("/a/b/."), "/a/b");
        let as_sent = |path| canonical_path(path, PathRules::AsSent);
        assert_eq!(as_sent("/bucket/x/../b//c"), "/bucket/x/../b//c");
        assert_eq!(as_sent("/bucket/a%20b+c"), "/bucket/a%20b%2Bc");
        assert_eq!(signed_path("/2015-03-31/functions/.", PathRules::Normalised), "/2015-03-31/functions");
        assert_eq!(signed_path("/k/x/../b", PathRules::Normalised), "/k/b");
        assert_eq!(signed_path("/k/x/../b", PathRules::AsSent), "/k/x/../b");
        assert!(matches!(signed_path("/a/b/", PathRules::Normalised), std::borrow::Cow::Borrowed(_)));
        assert_eq!(canonical_query("b=2&a=1&a=0", false), "a=0&a=1&b=2");
        assert_eq!(canonical_query("x=a%20b&y=~", false), "x=a%20b&y=~");
        assert_eq!(canonical_query("", false), "");
    }

    #[test]
    fn amz_dates_read_as_utc() {
        let t = parse_amz_date("20150830T123600Z").unwrap();
        assert_eq!(t.duration_since(UNIX_EPOCH).unwrap().as_secs(), 1_440_938_160);
        assert!(parse_amz_date("2015-08-30T12:36:00Z").is_none());
    }
}
