//! Event-stream messages read and written by the runtime
//! (`event_stream::frame`), next to AWS's framing crate alone
//! (`aws-smithy-eventstream`, which the runtime reads and writes through
//! after checking each prelude): a 1 KiB event, alone and 64 to a chunk.
//!
//! `cargo bench -p benchmarks --bench event_stream`; the budget (decoding
//! an input event, validation included, at most 1.3x the framing crate
//! alone) is in BENCHMARKS.md.

use bytes::{Bytes, BytesMut};
use divan::{Bencher, black_box};
use generated::runtime::event_stream::{self, frame};

fn main() {
    divan::Divan::default().sample_size(1000).config_with_args().main();
}

fn one_event() -> Bytes {
    frame::encode(&event_stream::event("Chunk", Some("application/json"), vec![b'x'; 1024])).unwrap()
}

/// 64 events back to back, as one body chunk brings them.
fn chunk() -> Bytes {
    let event = one_event();
    let mut bytes = BytesMut::new();
    for _ in 0..64 {
        bytes.extend_from_slice(&event);
    }
    bytes.freeze()
}

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
