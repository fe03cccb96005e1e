//! What inputs that cost much per byte cost: `cargo bench -p conformance
//! --bench hostile_bodies`. Each case's time is divan's; before the
//! timings, each case is run once and the most heap it held above what it
//! started with is printed (a counting allocator), next to the bytes sent.
//!
//! - two million invalid list items (SSM's RegisterTaskWithMaintenanceWindow,
//!   `TaskParameters` values of length 0), through the one-pass reader;
//! - an 8 MB blob payload (restJson1 `@httpPayload`), through the router;
//! - an 8 MB string payload of control characters, which JSON escapes
//!   six bytes for one, through the router;
//! - 400,000 empty gzip members, to a `@requestCompression` operation;
//! - a 380 KB list header (190,000 items), through the router.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use divan::Bencher;
use generated::runtime::Operation;
use generated::runtime::validate::parse;
use generated::ssm::operation::register_task_with_maintenance_window::{
    RegisterTaskWithMaintenanceWindow, RegisterTaskWithMaintenanceWindowRequest,
};
use protocol_tests::rest_json::service::{RestJson, RestJsonRouter};
use protocol_tests::runtime::ByteStream;
use protocol_tests::runtime::context::RequestContext;
use protocol_tests::runtime::http::Service as _;

/// The system allocator, counting the bytes held and the most held.
struct Counting;

static HELD: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let held = HELD.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
        PEAK.fetch_max(held, Ordering::Relaxed);
        // SAFETY: as `System::alloc`, with the caller's layout.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        HELD.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: as `System::dealloc`: `ptr` came from `alloc` with `layout`.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// The most heap `run` held above what was held before it.
fn peak_of(run: impl FnOnce()) -> usize {
    let before = HELD.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    run();
    PEAK.load(Ordering::Relaxed) - before
}

fn main() {
    for name in CASES {
        let case = case(name);
        let sent = case.sent();
        let input = case.input();
        let peak = peak_of(|| {
            input.answer();
        });
        println!("{name}: {sent} bytes sent, peak heap {peak} bytes ({:.1}x)", peak as f64 / sent as f64);
    }
    divan::main();
}

const CASES: [&str; 5] =
    ["invalid_items_2m", "blob_payload_8mb", "text_payload_8mb", "gzip_members_400k", "header_list_380kb"];

/// The case `name`.
fn case(name: &str) -> Case {
    match name {
        "invalid_items_2m" => invalid_items(),
        "blob_payload_8mb" => blob_payload(),
        "text_payload_8mb" => text_payload(),
        "gzip_members_400k" => gzip_members(),
        "header_list_380kb" => header_list(),
        _ => unreachable!("no case {name}"),
    }
}

/// One hostile input, and how it is read.
enum Case {
    /// A body for SSM's RegisterTaskWithMaintenanceWindow.
    Ssm(Vec<u8>),
    /// A request for Smithy's restJson1 test service.
    Rest(Box<http::request::Parts>, Vec<u8>),
}

impl Case {
    fn sent(&self) -> usize {
        match self {
            Case::Ssm(body) => body.len(),
            Case::Rest(parts, body) => {
                body.len() + parts.headers.iter().map(|(name, value)| name.as_str().len() + value.len()).sum::<usize>()
            }
        }
    }

    /// The input as it reaches the server: a body, or a request.
    fn input(&self) -> Input<'_> {
        match self {
            Case::Ssm(body) => Input::Ssm(body),
            Case::Rest(parts, body) => {
                let mut request = http::Request::new(ByteStream::from(body.clone()));
                *request.method_mut() = parts.method.clone();
                *request.uri_mut() = parts.uri.clone();
                *request.headers_mut() = parts.headers.clone();
                Input::Rest(Box::new(request))
            }
        }
    }
}

/// A case's input, ready to be read.
enum Input<'a> {
    Ssm(&'a [u8]),
    Rest(Box<http::Request<ByteStream>>),
}

impl Input<'_> {
    /// Reads it and answers; the answer's status.
    fn answer(self) -> u16 {
        match self {
            Input::Ssm(body) => match parse::<RegisterTaskWithMaintenanceWindowRequest>(
                RegisterTaskWithMaintenanceWindow::INPUT_SCHEMA,
                body,
            ) {
                Ok(_) => 200,
                Err(_) => 400,
            },
            Input::Rest(request) => {
                let mut router = RestJsonRouter::new(Accepting);
                let response = block_on(router.call(*request)).expect("infallible");
                response.status().as_u16()
            }
        }
    }
}

fn invalid_items() -> Case {
    let values = vec![""; 2_000_000];
    let body = serde_json::json!({
        "WindowId": "mw-0c50858d01abcdef0", "TaskArn": "x", "TaskType": "RUN_COMMAND",
        "TaskParameters": {"k": {"Values": values}},
    });
    Case::Ssm(serde_json::to_vec(&body).unwrap())
}

fn rest(path: &str, headers: &[(&str, &str)], body: Vec<u8>) -> Case {
    let mut request = http::Request::post(path).header("host", "localhost");
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let (parts, ()) = request.body(()).unwrap().into_parts();
    Case::Rest(Box::new(parts), body)
}

fn blob_payload() -> Case {
    rest("/HttpPayloadTraits", &[("x-foo", "bar")], vec![b'x'; 8 << 20])
}

fn text_payload() -> Case {
    rest("/StringPayload", &[("content-type", "text/plain")], vec![1; 8 << 20])
}

fn gzip_members() -> Case {
    use std::io::Write;
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(b"").unwrap();
    let member = encoder.finish().unwrap();
    let body = member.repeat(400_000);
    rest(
        "/requestcompression/putcontentwithencoding",
        &[("content-encoding", "gzip"), ("content-type", "application/json")],
        body,
    )
}

fn header_list() -> Case {
    let list = vec!["a"; 190_000].join(",");
    rest("/InputAndOutputWithHeaders", &[("x-stringlist", &list)], Vec::new())
}

/// Answers every operation the cases call with its empty output.
struct Accepting;

impl RestJson for Accepting {
    async fn http_payload_traits(
        &self,
        _: &RequestContext,
        input: protocol_tests::rest_json::operation::http_payload_traits::HttpPayloadTraitsInputOutput,
    ) -> Result<
        protocol_tests::rest_json::operation::http_payload_traits::HttpPayloadTraitsInputOutput,
        protocol_tests::rest_json::operation::http_payload_traits::HttpPayloadTraitsError,
    > {
        Ok(protocol_tests::rest_json::operation::http_payload_traits::HttpPayloadTraitsInputOutput {
            foo: input.foo,
            blob: None,
        })
    }
}

fn block_on<F: std::future::Future>(future: F) -> F::Output {
    conformance::http_case::block_on(future)
}

#[divan::bench(args = CASES, sample_count = 10, sample_size = 1)]
fn read(bencher: Bencher, name: &str) {
    let case = case(name);
    bencher.with_inputs(|| case.input()).bench_local_values(Input::answer);
}
