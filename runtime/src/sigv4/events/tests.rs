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
