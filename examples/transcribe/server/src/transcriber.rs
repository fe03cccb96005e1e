//! The service: a transcriber that hears bytes, not words. Each audio
//! event it is sent is answered at once with a partial result saying how
//! much audio has arrived; the end of the audio with the final result. A
//! stream that breaks (a malformed event, a signature that does not match)
//! is answered with `BadRequestException`, which ends the output stream.
//!
//! Everything about the wire (HTTP/2, the request's head, each event's
//! framing, headers, payload and signature, the checks of the model) is
//! the generated router's and the runtime's; this file is the behaviour.

use transcribe_generated::runtime::EventStream;
use transcribe_generated::runtime::context::RequestContext;
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
