//! AWS's own signer (`aws-sigv4`, the Rust SDK's, which signs the events
//! of Transcribe's and Bedrock's streaming input) signs; [`EventSignatures`]
//! checks.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_credential_types::Credentials;
use aws_sigv4::event_stream::{sign_empty_message, sign_message};
use aws_sigv4::sign::v4::SigningParams;
use aws_smithy_runtime_api::client::identity::Identity;

use super::*;
use crate::event_stream;

const SEED: &str = "bd3c8ed6e0f0d8e6d4bbb7a3e2b0c5b2b9d1b8f6c4e2a0b2c4d6e8f0a2b4c6d8";

/// `messages` signed in a chain from [`SEED`], a second apart from `start`,
/// then the empty message that ends the stream.
fn signed_chain(messages: &[Message], start: SystemTime, secret: &str) -> Vec<Message> {
    let identity: Identity = Credentials::new("AKIDEXAMPLE", secret, None, None, "test").into();
    let mut previous = SEED.to_string();
    let mut out = Vec::new();
    for (i, message) in messages.iter().map(Some).chain([None]).enumerate() {
        let params = SigningParams::builder()
            .identity(&identity)
            .region("us-east-1")
            .name("transcribe")
            .time(start + Duration::from_secs(i as u64))
            .settings(())
            .build()
            .unwrap();
        let output = match message {
            Some(message) => sign_message(message, &previous, &params).unwrap(),
            None => sign_empty_message(&previous, &params).unwrap(),
        };
        let (signed, signature) = output.into_parts();
        previous = signature;
        out.push(signed);
    }
    out
}

fn audio(n: u8) -> Message {
    event_stream::event("AudioEvent", Some("application/octet-stream"), vec![n; 64])
}

#[test]
fn a_chain_aws_signed_is_verified_and_unwrapped() {
    let messages = [audio(1), audio(2), audio(3)];
    // Across midnight: each message's key is its own day's.
    let start = UNIX_EPOCH + Duration::from_secs(1_700_006_398);
    let chain = signed_chain(&messages, start, "SECRET");
    let mut signatures = EventSignatures::new("SECRET", "us-east-1", "transcribe", SEED);
    let mut read = Vec::new();
    for signed in &chain {
        if let Some(message) = signatures.verify(signed).unwrap() {
            read.push(message);
        }
    }
    assert_eq!(read, messages);
    assert_eq!(signatures.verify(&chain[0]), Err(EventSignatureError::AfterEnd));
}

#[test]
fn changed_reordered_dropped_or_foreign_messages_are_refused() {
    let start = UNIX_EPOCH + Duration::from_secs(1_750_000_000);
    let chain = signed_chain(&[audio(1), audio(2)], start, "SECRET");
    let verify_all = |messages: &[Message], secret: &str, seed: &str| {
        let mut signatures = EventSignatures::new(secret, "us-east-1", "transcribe", seed);
        messages.iter().map(|m| signatures.verify(m).map(|_| ())).collect::<Result<Vec<()>, _>>()
    };
    assert!(verify_all(&chain, "SECRET", SEED).is_ok());
    assert_eq!(verify_all(&chain, "OTHER", SEED), Err(EventSignatureError::Mismatch));
    assert_eq!(verify_all(&chain, "SECRET", &SEED.replace('b', "c")), Err(EventSignatureError::Mismatch));
    assert_eq!(verify_all(&[chain[1].clone(), chain[0].clone()], "SECRET", SEED), Err(EventSignatureError::Mismatch));
    assert_eq!(verify_all(&[chain[0].clone(), chain[2].clone()], "SECRET", SEED), Err(EventSignatureError::Mismatch));
    // A payload changed under its signature.
    let tampered =
        Message::new_from_parts(chain[0].headers().to_vec(), crate::event_stream::frame::encode(&audio(9)).unwrap());
    assert_eq!(verify_all(&[tampered], "SECRET", SEED), Err(EventSignatureError::Mismatch));
    // No signature at all.
    assert_eq!(verify_all(&[audio(1)], "SECRET", SEED), Err(EventSignatureError::Unsigned));
}

/// A guard that `verifier`'s failure on a message of other credentials
/// tripped.
fn tripped_guard() -> SignatureGuard {
    let start = UNIX_EPOCH + Duration::from_secs(1_750_000_000);
    let chain = signed_chain(&[audio(1)], start, "OTHER");
    let (mut verifier, guard) =
        crate::sigv4::SignedEvents(EventSignatures::new("SECRET", "us-east-1", "transcribe", SEED)).guarded();
    assert!(guard.why().is_none());
    assert!(matches!(verifier(&chain[0]), Err(EventStreamError::Signature(_))));
    guard
}

#[test]
fn a_response_made_after_a_bad_signature_is_the_refusal() {
    let guard = tripped_guard();
    let response = Response::with_body(200, "application/json", b"{}".to_vec());
    let refused = guard.guard(response, crate::protocol::aws_json::AwsJson::V1_0);
    assert_eq!(refused.status, 400);
    let body: serde_json::Value = serde_json::from_slice(refused.body_bytes()).unwrap();
    assert_eq!(body["__type"], "InvalidSignatureException");
    assert!(body["message"].as_str().unwrap().starts_with("The request signature we calculated does not match"));
    // In a REST protocol, 403, as the request's own would be.
    let refused = tripped_guard().guard(Response::new(200), crate::protocol::rest_json::RestJson);
    assert_eq!(refused.status, 403);
    // Unsigned and untripped, nothing changes.
    let kept = SignatureGuard::default().guard(Response::new(204), crate::protocol::rest_json::RestJson);
    assert_eq!(kept.status, 204);
}

#[tokio::test]
async fn an_output_stream_ends_with_the_error_once_a_signature_fails() {
    use http_body_util::BodyExt as _;

    // An output stream the handler keeps open: only the guard ends it.
    let (sender, events) = crate::EventStream::<Written>::channel(4);
    let mut response = Response::new(200);
    response.event_stream(events, None);
    let guard = SignatureGuard::default();
    let mut body = guard.clone().guard(response, crate::protocol::rest_json::RestJson).body;
    sender.send(Written("first")).await.unwrap();
    let first = body.frame().await.unwrap().unwrap().into_data().unwrap();
    assert_eq!(event_stream::frame::decode_one(first).unwrap().payload().as_ref(), b"first");
    // The body waits on the handler; a failing signature wakes it.
    let next = tokio::spawn(async move {
        let error = body.frame().await.unwrap().unwrap().into_data().unwrap();
        (error, body.frame().await.is_none())
    });
    tokio::task::yield_now().await;
    let start = UNIX_EPOCH + Duration::from_secs(1_750_000_000);
    let chain = signed_chain(&[audio(1)], start, "OTHER");
    let mut verifier = guard
        .watch(crate::sigv4::SignedEvents(EventSignatures::new("SECRET", "us-east-1", "transcribe", SEED)).verifier());
    assert!(verifier(&chain[0]).is_err());
    let (error, ended) = tokio::time::timeout(Duration::from_secs(5), next).await.unwrap().unwrap();
    let error = event_stream::frame::decode_one(error).unwrap();
    assert_eq!(event_stream::string_header(&error, event_stream::MESSAGE_TYPE), Some("error"));
    assert_eq!(event_stream::string_header(&error, event_stream::ERROR_CODE), Some("InvalidSignatureException"));
    assert!(ended, "nothing follows the error");
    drop(sender);
}

/// An output event, its text the payload.
#[derive(Debug)]
struct Written(&'static str);

impl event_stream::WriteEvents for Written {
    fn write_message(&self) -> Message {
        event_stream::event("Written", Some("text/plain"), self.0)
    }
}
