//! Reading and checking the same input as RPC v2 CBOR and as JSON, each
//! through the generated readers (`rpc_v2_cbor::input` and
//! `validate::parse`): SSM's GetMaintenanceWindowExecutionTask request and
//! its response (lists, maps, nested structures), the CBOR written from
//! the JSON fixtures by minicbor's encoder.
//!
//! `cargo bench -p benchmarks --bench cbor`; the budget (CBOR at most the
//! cost of JSON) is in BENCHMARKS.md.

use benchmarks::{GET_TASK, GET_TASK_RESPONSE};
use divan::{Bencher, black_box};
use generated::runtime::Operation;
use generated::runtime::protocol::rpc_v2_cbor;
use generated::runtime::validate::parse;
use generated::ssm::operation::get_maintenance_window_execution_task::{
    GetMaintenanceWindowExecutionTask, GetMaintenanceWindowExecutionTaskRequest,
    GetMaintenanceWindowExecutionTaskResult,
};
use minicbor::Encoder;
use serde_json::Value;

fn main() {
    divan::Divan::default().sample_size(1000).config_with_args().main();
}

/// `json` as CBOR: objects as maps, arrays, strings, integers and floats
/// as themselves.
fn cbor(json: &[u8]) -> Vec<u8> {
    fn write(e: &mut Encoder<&mut Vec<u8>>, value: &Value) {
        match value {
            Value::Null => drop(e.null()),
            Value::Bool(b) => drop(e.bool(*b)),
            Value::Number(n) => match n.as_i64() {
                Some(n) => drop(e.i64(n)),
                None => drop(e.f64(n.as_f64().unwrap_or_default())),
            },
            Value::String(text) => drop(e.str(text)),
            Value::Array(items) => {
                e.array(items.len() as u64).unwrap();
                items.iter().for_each(|item| write(e, item));
            }
            Value::Object(members) => {
                e.map(members.len() as u64).unwrap();
                for (key, value) in members {
                    e.str(key).unwrap();
                    write(e, value);
                }
            }
        }
    }
    let value: Value = serde_json::from_slice(json).unwrap();
    let mut bytes = Vec::new();
    write(&mut Encoder::new(&mut bytes), &value);
    bytes
}

mod request {
    use super::*;

    #[divan::bench]
    fn json(bencher: Bencher) {
        let schema = GetMaintenanceWindowExecutionTask::INPUT_SCHEMA;
        bencher.bench(|| parse::<GetMaintenanceWindowExecutionTaskRequest>(schema, black_box(GET_TASK)).is_ok());
    }

    #[divan::bench]
    fn cbor(bencher: Bencher) {
        let schema = GetMaintenanceWindowExecutionTask::INPUT_SCHEMA;
        let body = super::cbor(GET_TASK);
        let read = || rpc_v2_cbor::input::<GetMaintenanceWindowExecutionTaskRequest>(black_box(&body), schema);
        assert_eq!(read().unwrap(), parse(schema, GET_TASK).unwrap());
        bencher.bench(|| read().is_ok());
    }
}

mod response {
    use super::*;

    #[divan::bench]
    fn json(bencher: Bencher) {
        let schema = GetMaintenanceWindowExecutionTask::OUTPUT_SCHEMA;
        bencher
            .bench(|| parse::<GetMaintenanceWindowExecutionTaskResult>(schema, black_box(GET_TASK_RESPONSE)).is_ok());
    }

    #[divan::bench]
    fn cbor(bencher: Bencher) {
        let schema = GetMaintenanceWindowExecutionTask::OUTPUT_SCHEMA;
        let body = super::cbor(GET_TASK_RESPONSE);
        let read = || rpc_v2_cbor::input::<GetMaintenanceWindowExecutionTaskResult>(black_box(&body), schema);
        assert_eq!(read().unwrap(), parse(schema, GET_TASK_RESPONSE).unwrap());
        bencher.bench(|| read().is_ok());
    }
}
