//! Event-stream messages read and written by the runtime
//! (`event_stream::frame`), next to AWS's framing crate alone
//! (`aws-smithy-eventstream`, which the runtime reads and writes through
//! after checking each prelude): a 1 KiB event, alone and 64 to a chunk.
//!
//! Also: 1 KiB output events served over loopback HTTP/1.1 and HTTP/2
//! (`serve`), and input events read into their generated types (`typed`).
//!
//! `cargo bench -p benchmarks --bench event_stream`; the budget (decoding
//! an input event, validation included, at most 1.3x the framing crate
//! alone) is in BENCHMARKS.md.

use bytes::{Bytes, BytesMut};
use divan::{Bencher, black_box};
use generated::runtime::event_stream::{self, frame};

fn main() {
    divan::main();
}

fn one_event() -> Bytes {
    frame::encode(&event_stream::event("Chunk", Some("application/json"), vec![b'x'; 1024])).unwrap()
}

/// 64 events back to back, as one body chunk brings them.
fn chunk() -> Bytes {
    sixty_four(&event_stream::event("Chunk", Some("application/json"), vec![b'x'; 1024]))
}

/// `message` 64 times, back to back.
fn sixty_four(message: &event_stream::Message) -> Bytes {
    let event = frame::encode(message).unwrap();
    let mut bytes = BytesMut::new();
    for _ in 0..64 {
        bytes.extend_from_slice(&event);
    }
    bytes.freeze()
}

#[divan::bench_group(sample_size = 1000)]
mod read {
    use super::*;

    #[divan::bench]
    fn framing_crate_alone(bencher: Bencher) {
        let bytes = one_event();
        bencher.bench(|| aws_smithy_eventstream::frame::read_message_from(black_box(bytes.clone())).unwrap());
    }

    #[divan::bench]
    fn runtime_decoder(bencher: Bencher) {
        let bytes = one_event();
        bencher.bench(|| {
            let mut decoder = frame::Decoder::new();
            decoder.push(black_box(&bytes));
            decoder.next_message().unwrap().unwrap()
        });
    }

    #[divan::bench]
    fn framing_crate_alone_64(bencher: Bencher) {
        let bytes = chunk();
        bencher.bench(|| {
            let mut rest = black_box(bytes.clone());
            for _ in 0..64 {
                black_box(aws_smithy_eventstream::frame::read_message_from(&mut rest).unwrap());
            }
        });
    }

    #[divan::bench]
    fn runtime_decoder_64(bencher: Bencher) {
        let bytes = chunk();
        bencher.bench(|| {
            let mut decoder = frame::Decoder::new();
            decoder.push(black_box(&bytes));
            while let Some(message) = decoder.next_message().unwrap() {
                black_box(message);
            }
        });
    }
}

#[divan::bench_group(sample_size = 1000)]
mod write {
    use super::*;

    #[divan::bench]
    fn framing_crate_alone(bencher: Bencher) {
        let message = event_stream::event("Chunk", Some("application/json"), vec![b'x'; 1024]);
        bencher.bench(|| {
            let mut out = BytesMut::new();
            aws_smithy_eventstream::frame::write_message_to(black_box(&message), &mut out).unwrap();
            out
        });
    }

    #[divan::bench]
    fn runtime_encode(bencher: Bencher) {
        let message = event_stream::event("Chunk", Some("application/json"), vec![b'x'; 1024]);
        bencher.bench(|| frame::encode(black_box(&message)).unwrap());
    }
}

/// Input events read into the generated types of Transcribe's
/// `AudioStream`, each read and checked against the model, next to the
/// framing crate alone reading the same messages: the budget's case.
#[divan::bench_group(sample_size = 1000)]
mod typed {
    use super::*;
    use generated::runtime::event_stream::ReadEvents;
    use transcribe_generated::transcribe::types::AudioStream;

    /// 64 audio events of 1 KiB each, back to back.
    fn audio() -> Bytes {
        sixty_four(&event_stream::event("AudioEvent", Some("application/octet-stream"), vec![7u8; 1024]))
    }

    /// 64 configuration events: a JSON payload of channels (a range, an
    /// enum) and post-call settings (an ARN pattern, lengths).
    fn configurations() -> Bytes {
        let payload = br#"{"ChannelDefinitions":[{"ChannelId":0,"ParticipantRole":"AGENT"},{"ChannelId":1,"ParticipantRole":"CUSTOMER"}],"PostCallAnalyticsSettings":{"OutputLocation":"s3://calls/analytics/","DataAccessRoleArn":"arn:aws:iam::123456789012:role/transcribe-calls","ContentRedactionOutput":"redacted"}}"#;
        sixty_four(&event_stream::event("ConfigurationEvent", Some("application/json"), payload.to_vec()))
    }

    fn framing_alone(bencher: Bencher, bytes: Bytes) {
        bencher.bench(|| {
            let mut rest = black_box(bytes.clone());
            for _ in 0..64 {
                black_box(aws_smithy_eventstream::frame::read_message_from(&mut rest).unwrap());
            }
        });
    }

    fn read_and_checked(bencher: Bencher, bytes: Bytes) {
        // As a body's chunks reach the decoder: shared bytes, not copied.
        bencher.bench(|| {
            let mut decoder = frame::Decoder::new();
            decoder.push_bytes(black_box(bytes.clone()));
            while let Some(message) = decoder.next_message().unwrap() {
                black_box(AudioStream::read_message(&message).unwrap());
            }
        });
    }

    #[divan::bench]
    fn audio_framing_crate_alone_64(bencher: Bencher) {
        framing_alone(bencher, audio());
    }

    #[divan::bench]
    fn audio_read_and_checked_64(bencher: Bencher) {
        read_and_checked(bencher, audio());
    }

    #[divan::bench]
    fn configuration_framing_crate_alone_64(bencher: Bencher) {
        framing_alone(bencher, configurations());
    }

    /// The framing crate, then serde_json parsing each payload into a
    /// `Value` (no types, no checks): the floor for JSON events.
    #[divan::bench]
    fn configuration_framing_crate_and_serde_json_64(bencher: Bencher) {
        let bytes = configurations();
        bencher.bench(|| {
            let mut rest = black_box(bytes.clone());
            for _ in 0..64 {
                let message = aws_smithy_eventstream::frame::read_message_from(&mut rest).unwrap();
                black_box(serde_json::from_slice::<serde_json::Value>(message.payload()).unwrap());
            }
        });
    }

    #[divan::bench]
    fn configuration_read_and_checked_64(bencher: Bencher) {
        read_and_checked(bencher, configurations());
    }
}

/// 1 KiB output events over loopback, the server on one core: the
/// runtime's server streaming a router's `EventStream` (each event written
/// as a message when the connection can take it), next to hyper alone
/// streaming the same messages already encoded. An iteration is one
/// request of 256 events, read whole: events per second is 256 over the
/// median.
mod serve {
    use std::convert::Infallible;

    use benchmarks::harness::OneCore;
    use generated::runtime::context::RequestContext;
    use generated::runtime::event_stream::{Message, WriteEvents};
    use generated::runtime::protocol::Response;
    use generated::runtime::protocol::aws_json::{AwsJson, Dispatch};
    use generated::runtime::server::{ServerConfig, serve};
    use http_body_util::BodyExt as _;

    use super::*;

    const EVENTS: usize = 256;

    /// A 1 KiB event.
    struct Chunk(Bytes);

    impl WriteEvents for Chunk {
        fn write_message(&self) -> Message {
            event_stream::event("Chunk", Some("application/octet-stream"), self.0.clone())
        }
    }

    /// Answers every request with [`EVENTS`] chunks.
    #[derive(Clone)]
    struct Streamer;

    impl Dispatch for Streamer {
        fn protocol(&self) -> AwsJson {
            AwsJson::V1_1
        }

        fn target_prefix(&self) -> &'static str {
            "Streamer"
        }

        async fn route(&self, _: &RequestContext, _: Option<&str>, _: &[u8]) -> Response {
            let payload = Bytes::from(vec![b'x'; 1024]);
            let events: generated::runtime::EventStream<Chunk> =
                std::iter::repeat_n(payload, EVENTS).map(Chunk).collect();
            let mut response = Response::new(200);
            response.event_stream(events, None);
            response
        }
    }

    impl generated::runtime::protocol::Serve for Streamer {
        fn serve<B>(
            self,
            request: http::Request<B>,
        ) -> impl std::future::Future<Output = generated::runtime::http::HttpResponse> + Send
        where
            B: http_body::Body + Send + 'static,
            B::Data: Send,
            B::Error: Into<generated::runtime::http::BoxError>,
        {
            generated::runtime::protocol::aws_json::handle(self, request)
        }
    }

    #[derive(Clone)]
    struct StreamerService;

    impl<B> tower_service::Service<http::Request<B>> for StreamerService
    where
        B: http_body::Body + Send + 'static,
        B::Data: Send,
        B::Error: Into<generated::runtime::http::BoxError>,
    {
        type Response = generated::runtime::http::HttpResponse;
        type Error = Infallible;
        type Future = generated::runtime::http::ResponseFuture;

        fn poll_ready(&mut self, _: &mut std::task::Context<'_>) -> std::task::Poll<Result<(), Infallible>> {
            std::task::Poll::Ready(Ok(()))
        }

        fn call(&mut self, request: http::Request<B>) -> Self::Future {
            generated::runtime::http::call(Streamer, request)
        }
    }

    fn runtime_server() -> OneCore {
        OneCore::start(|listener, stopped| async move {
            let _ = serve(StreamerService, listener, ServerConfig::default(), stopped).await;
        })
    }

    /// hyper alone (HTTP/1.1 and HTTP/2 told apart as the runtime's server
    /// does), reading the request's body and then streaming the messages
    /// already encoded, one frame each.
    fn hyper_server() -> OneCore {
        OneCore::start(|listener, stopped| async move {
            let encoded =
                frame::encode(&event_stream::event("Chunk", Some("application/octet-stream"), vec![b'x'; 1024]))
                    .unwrap();
            let mut stopped = std::pin::pin!(stopped);
            loop {
                tokio::select! {
                    accepted = listener.accept() => {
                        let Ok((stream, _)) = accepted else { continue };
                        // As the runtime's server does.
                        let _ = stream.set_nodelay(true);
                        let encoded = encoded.clone();
                        let service = hyper::service::service_fn(move |request: http::Request<hyper::body::Incoming>| {
                            let encoded = encoded.clone();
                            async move {
                            let _ = request.into_body().collect().await;
                            let frames = std::iter::repeat_n(encoded.clone(), EVENTS)
                                .map(|bytes| Ok::<_, Infallible>(http_body::Frame::data(bytes)));
                            let body = http_body_util::StreamBody::new(Frames(frames));
                            let mut response = http::Response::new(body);
                            response.headers_mut().insert("content-type", "application/vnd.amazon.eventstream".parse().unwrap());
                            Ok::<_, Infallible>(response)
                            }
                        });
                        tokio::spawn(async move {
                            let io = hyper_util::rt::TokioIo::new(stream);
                            let builder = hyper_util::server::conn::auto::Builder::new(hyper_util::rt::TokioExecutor::new());
                            let _ = builder.serve_connection(io, service).await;
                        });
                    }
                    _ = &mut stopped => break,
                }
            }
        })
    }

    /// The router on hyper alone: no deadlines, no admission.
    fn router_on_hyper() -> OneCore {
        OneCore::start(|listener, stopped| async move {
            let mut stopped = std::pin::pin!(stopped);
            loop {
                tokio::select! {
                    accepted = listener.accept() => {
                        let Ok((stream, _)) = accepted else { continue };
                        let _ = stream.set_nodelay(true);
                        let service = hyper::service::service_fn(|request| generated::runtime::http::call(Streamer, request));
                        tokio::spawn(async move {
                            let io = hyper_util::rt::TokioIo::new(stream);
                            let builder = hyper_util::server::conn::auto::Builder::new(hyper_util::rt::TokioExecutor::new());
                            let _ = builder.serve_connection(io, service).await;
                        });
                    }
                    _ = &mut stopped => break,
                }
            }
        })
    }

    #[divan::bench(sample_size = 20, sample_count = 50)]
    fn router_on_hyper_http2_256(bencher: Bencher) {
        bench_http2(bencher, router_on_hyper());
    }

    /// An iterator's frames as a stream.
    struct Frames<I>(I);

    impl<I> Unpin for Frames<I> {}

    impl<I: Iterator> futures_core::Stream for Frames<I> {
        type Item = I::Item;

        fn poll_next(
            mut self: std::pin::Pin<&mut Self>,
            _: &mut std::task::Context<'_>,
        ) -> std::task::Poll<Option<I::Item>> {
            std::task::Poll::Ready(self.0.next())
        }
    }

    /// The request: no body (awsJson reads none as `{}`). A body of its
    /// own made hyper's HTTP/2 client hold its end back some 40 ms, for
    /// whichever server read it before answering.
    fn request(address: std::net::SocketAddr) -> http::Request<http_body_util::Empty<Bytes>> {
        http::Request::post(format!("http://{address}/"))
            .header("host", address.to_string())
            .header("content-type", "application/x-amz-json-1.1")
            .header("x-amz-target", "Streamer.Stream")
            .body(http_body_util::Empty::new())
            .unwrap()
    }

    /// Reads one response whole: the bytes of its events.
    async fn read(response: http::Response<hyper::body::Incoming>) -> usize {
        assert_eq!(response.status(), 200);
        let body = response.into_body().collect().await.unwrap().to_bytes();
        assert!(body.len() > EVENTS * 1024, "{}", body.len());
        body.len()
    }

    fn bench_http1(bencher: Bencher, server: OneCore) {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let address = server.address;
        let mut sender = runtime.block_on(async {
            let stream = tokio::net::TcpStream::connect(address).await.unwrap();
            let (sender, connection) =
                hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream)).await.unwrap();
            tokio::spawn(connection);
            sender
        });
        bencher.bench_local(|| {
            runtime.block_on(async { read(sender.send_request(request(address)).await.unwrap()).await })
        });
        drop(server);
    }

    fn bench_http2(bencher: Bencher, server: OneCore) {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let address = server.address;
        let mut sender = runtime.block_on(async {
            let stream = tokio::net::TcpStream::connect(address).await.unwrap();
            let (sender, connection) = hyper::client::conn::http2::handshake(
                hyper_util::rt::TokioExecutor::new(),
                hyper_util::rt::TokioIo::new(stream),
            )
            .await
            .unwrap();
            tokio::spawn(connection);
            sender
        });
        bencher.bench_local(|| {
            runtime.block_on(async { read(sender.send_request(request(address)).await.unwrap()).await })
        });
        drop(server);
    }

    #[divan::bench(sample_size = 20, sample_count = 50)]
    fn runtime_http1_256(bencher: Bencher) {
        bench_http1(bencher, runtime_server());
    }

    #[divan::bench(sample_size = 20, sample_count = 50)]
    fn hyper_alone_http1_256(bencher: Bencher) {
        bench_http1(bencher, hyper_server());
    }

    #[divan::bench(sample_size = 20, sample_count = 50)]
    fn runtime_http2_256(bencher: Bencher) {
        bench_http2(bencher, runtime_server());
    }

    #[divan::bench(sample_size = 20, sample_count = 50)]
    fn hyper_alone_http2_256(bencher: Bencher) {
        bench_http2(bencher, hyper_server());
    }
}
