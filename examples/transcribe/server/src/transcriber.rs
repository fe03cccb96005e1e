//! The service: a transcriber that hears bytes, not words. Each audio
//! event it is sent is answered at once with a partial result saying how
//! much audio has arrived; the end of the audio with the final result. A
//! stream that breaks (a malformed event) is answered with
//! `BadRequestException`, which ends the output stream; one whose event
//! signature does not match is ended by the router, with AWS's
//! `InvalidSignatureException`.
//!
//! Everything about the wire (HTTP/2, the request's head, each event's
//! framing, headers, payload and signature, the checks of the model) is
//! the generated router's and the runtime's; this file is the behaviour.

use transcribe_generated::runtime::EventStream;
use transcribe_generated::runtime::context::RequestContext;
use transcribe_generated::runtime::event_stream::EventStreamError;
use transcribe_generated::transcribe::error::BadRequestException;
use transcribe_generated::transcribe::operation::start_stream_transcription::{
    StartStreamTranscriptionError, StartStreamTranscriptionRequest, StartStreamTranscriptionResponse,
};
use transcribe_generated::transcribe::service::Transcribe;
use transcribe_generated::transcribe::types::{
    Alternative, AudioStream, MediaEncoding, Result as TranscriptResult, Transcript, TranscriptEvent,
    TranscriptResultStream,
};

/// How many results may wait for a client that reads slowly: past it, the
/// transcriber stops reading audio until the client catches up.
const IN_FLIGHT: usize = 8;

/// The transcriber; it keeps nothing between sessions.
pub struct Transcriber;

impl Transcribe for Transcriber {
    async fn start_stream_transcription(
        &self,
        context: &RequestContext,
        input: StartStreamTranscriptionRequest,
    ) -> Result<StartStreamTranscriptionResponse, StartStreamTranscriptionError> {
        let (results, transcripts) = EventStream::channel(IN_FLIGHT);
        let listening = Listening {
            encoding: input.media_encoding,
            rate: input.media_sample_rate_hertz,
            channels: input.number_of_channels.unwrap_or(1),
        };
        let mut audio = input.audio_stream;
        tokio::spawn(async move {
            let (mut chunks, mut bytes) = (0u64, 0u64);
            while let Some(next) = audio.recv().await {
                let event = match next {
                    // An empty chunk is the client's end of audio.
                    Ok(AudioStream::AudioEvent(event)) => match event.audio_chunk {
                        Some(chunk) if !chunk.as_bytes().is_empty() => {
                            let start = listening.seconds(bytes);
                            chunks += 1;
                            bytes += chunk.as_bytes().len() as u64;
                            listening.result(chunks, (start, listening.seconds(bytes)), true)
                        }
                        _ => break,
                    },
                    Ok(AudioStream::ConfigurationEvent(_)) => continue,
                    // The router ends the output with AWS's error.
                    Err(EventStreamError::Signature(_)) => return,
                    Err(error) => {
                        let message = format!("The audio stream failed: {error}");
                        let _ = results
                            .send(TranscriptResultStream::BadRequestException(BadRequestException {
                                message: Some(message),
                            }))
                            .await;
                        return;
                    }
                };
                // The client is gone: stop listening.
                if results.send(event).await.is_err() {
                    return;
                }
            }
            let last = listening.result(chunks, (0.0, listening.seconds(bytes)), false);
            let _ = results.send(last).await;
        });
        Ok(StartStreamTranscriptionResponse {
            request_id: Some(context.request_id().as_str().to_string()),
            language_code: input.language_code,
            media_sample_rate_hertz: Some(input.media_sample_rate_hertz),
            media_encoding: Some(input.media_encoding),
            session_id: input.session_id,
            number_of_channels: input.number_of_channels,
            transcript_result_stream: transcripts,
            ..StartStreamTranscriptionResponse::default()
        })
    }
}

/// What a session listens to.
#[derive(Clone, Copy)]
struct Listening {
    encoding: MediaEncoding,
    rate: i32,
    channels: i32,
}

impl Listening {
    /// The seconds `bytes` of audio last: 16-bit samples for PCM; for the
    /// compressed encodings, which have no fixed rate, as if they were.
    fn seconds(&self, bytes: u64) -> f64 {
        let per_second = 2.0 * f64::from(self.rate.max(1)) * f64::from(self.channels.max(1));
        bytes as f64 / per_second
    }

    /// The result after `chunks` chunks, over `span` seconds of audio.
    fn result(&self, chunks: u64, (start, end): (f64, f64), partial: bool) -> TranscriptResultStream {
        let encoding = self.encoding.as_str();
        let text = format!("{chunks} chunks, {end:.2} seconds of {encoding} audio");
        let result = TranscriptResult {
            result_id: Some(format!("result-{chunks}")),
            start_time: start,
            end_time: end,
            is_partial: partial,
            alternatives: Some(vec![Alternative { transcript: Some(text), ..Alternative::default() }]),
            ..TranscriptResult::default()
        };
        TranscriptResultStream::TranscriptEvent(TranscriptEvent {
            transcript: Some(Transcript { results: Some(vec![result]) }),
        })
    }
}

#[cfg(test)]
mod tests {
    //! What a tampered event does, through the generated router as a SigV4
    //! layer hands it a verified request: AWS's own signer signs the chain.

    use std::time::{Duration, UNIX_EPOCH};

    use aws_credential_types::Credentials;
    use aws_sigv4::event_stream::{sign_empty_message, sign_message};
    use aws_sigv4::sign::v4::SigningParams;
    use aws_smithy_runtime_api::client::identity::Identity;
    use http_body_util::BodyExt as _;
    use tower::ServiceExt as _;
    use transcribe_generated::runtime::event_stream::{self, Message, frame};
    use transcribe_generated::runtime::sigv4::{EventSignatures, SignedEvents};
    use transcribe_generated::transcribe::service::TranscribeRouter;

    /// The request's own signature, which the chain starts from.
    const SEED: &str = "5f2a6c1e9d3b7a0c4e8f1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f";

    /// `audio` chunks as signed events, each signed with `secrets[i]` in
    /// one chain from [`SEED`], then the signed end.
    fn signed(audio: &[&[u8]], secrets: &[&str]) -> Vec<u8> {
        let mut previous = SEED.to_string();
        let mut body = Vec::new();
        let events = audio
            .iter()
            .map(|chunk| Some(event_stream::event("AudioEvent", Some("application/octet-stream"), chunk.to_vec())));
        for (i, event) in events.chain([None]).enumerate() {
            let secret = secrets.get(i).copied().unwrap_or("SECRET");
            let identity: Identity = Credentials::new("AKID", secret, None, None, "test").into();
            let time = UNIX_EPOCH + Duration::from_secs(1_750_000_000 + i as u64);
            let params = SigningParams::builder()
                .identity(&identity)
                .region("us-east-1")
                .name("transcribe")
                .time(time)
                .settings(())
                .build()
                .unwrap();
            let output = match &event {
                Some(event) => sign_message(event, &previous, &params).unwrap(),
                None => sign_empty_message(&previous, &params).unwrap(),
            };
            let (message, signature) = output.into_parts();
            previous = signature;
            body.extend_from_slice(&frame::encode(&message).unwrap());
        }
        body
    }

    /// The response's status and messages to a request whose body is
    /// `body`, verified (as a SigV4 layer would) for secret `SECRET`.
    async fn stream(body: Vec<u8>) -> (u16, Vec<Message>) {
        let mut request = http::Request::post("/stream-transcription")
            .header("content-type", event_stream::CONTENT_TYPE)
            .header("x-amzn-transcribe-language-code", "en-US")
            .header("x-amzn-transcribe-sample-rate", "16000")
            .header("x-amzn-transcribe-media-encoding", "pcm")
            .body(http_body_util::Full::new(bytes::Bytes::from(body)))
            .unwrap();
        let signatures = EventSignatures::new("SECRET", "us-east-1", "transcribe", SEED);
        request.extensions_mut().insert(SignedEvents(signatures));
        let response = TranscribeRouter::new(super::Transcriber).oneshot(request).await.unwrap();
        let status = response.status().as_u16();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        let mut decoder = frame::Decoder::new();
        decoder.push(&bytes);
        let mut messages = Vec::new();
        while let Some(message) = decoder.next_message().unwrap() {
            messages.push(message);
        }
        decoder.finish().unwrap();
        (status, messages)
    }

    fn describe(message: &Message) -> String {
        let header = |name| event_stream::string_header(message, name).unwrap_or("-");
        match header(event_stream::MESSAGE_TYPE) {
            "error" => format!("error {}: {}", header(event_stream::ERROR_CODE), header(event_stream::ERROR_MESSAGE)),
            kind => format!("{kind} {}", header(event_stream::EVENT_TYPE)),
        }
    }

    #[tokio::test]
    async fn a_chain_signed_throughout_is_transcribed() {
        let (status, messages) = stream(signed(&[&[1; 3200], &[2; 3200]], &[])).await;
        assert_eq!(status, 200);
        let described: Vec<String> = messages.iter().map(describe).collect();
        assert_eq!(described, ["event TranscriptEvent"; 3], "two partial results and the final one");
    }

    #[tokio::test]
    async fn a_tampered_event_ends_the_output_stream_with_aws_error() {
        // The second event is signed with another secret.
        let (status, messages) = stream(signed(&[&[1; 3200], &[2; 3200], &[3; 3200]], &["SECRET", "OTHER"])).await;
        assert_eq!(status, 200, "the response began before the bad event");
        let described: Vec<String> = messages.iter().map(describe).collect();
        // The results of the events before it that were sent before it was
        // read, then the error; nothing after.
        let (last, before) = described.split_last().unwrap();
        assert!(before.len() <= 1 && before.iter().all(|m| m == "event TranscriptEvent"), "{described:?}");
        assert!(
            last.starts_with("error InvalidSignatureException: The request signature we calculated does not match"),
            "{described:?}"
        );
    }
}
