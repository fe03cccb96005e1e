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

/// CloudWatch's PutMetricData of 1,000 data points (a name, a dimension, a
/// tag-1 timestamp, a value and a unit each), as a current SDK sends it in
/// CBOR and as awsJson1.0: the request the HTTP bench sends.
mod put_metric_data {
    use super::*;
    use emulator_generated::cloudwatch::operation::put_metric_data::{PutMetricData, PutMetricDataInput};
    use generated::runtime::validate::parse_rpc_v2_json;

    /// The request as JSON (timestamps in epoch seconds, as awsJson and RPC
    /// v2 JSON send them).
    fn json_body() -> Vec<u8> {
        let data: Vec<Value> = (0..1000)
            .map(|i| {
                serde_json::json!({
                    "MetricName": "Latency",
                    "Dimensions": [{"Name": "Host", "Value": format!("host-{}", i % 10)}],
                    "Timestamp": 1_765_000_000 + i,
                    "Value": f64::from(i) * 0.25,
                    "Unit": "Milliseconds",
                })
            })
            .collect();
        serde_json::to_vec(&serde_json::json!({"Namespace": "Bench", "MetricData": data})).unwrap()
    }

    /// The same in CBOR, timestamps under tag 1.
    fn cbor_body() -> Vec<u8> {
        let mut body = Vec::new();
        let mut e = Encoder::new(&mut body);
        e.map(2).unwrap().str("Namespace").unwrap().str("Bench").unwrap().str("MetricData").unwrap();
        e.array(1000).unwrap();
        for i in 0..1000 {
            e.map(5).unwrap();
            e.str("MetricName").unwrap().str("Latency").unwrap();
            e.str("Dimensions").unwrap().array(1).unwrap().map(2).unwrap();
            e.str("Name").unwrap().str("Host").unwrap().str("Value").unwrap().str(&format!("host-{}", i % 10)).unwrap();
            e.str("Timestamp").unwrap().tag(minicbor::data::Tag::new(1)).unwrap().i64(1_765_000_000 + i).unwrap();
            e.str("Value").unwrap().f64(i as f64 * 0.25).unwrap();
            e.str("Unit").unwrap().str("Milliseconds").unwrap();
        }
        body
    }

    #[divan::bench]
    fn json(bencher: Bencher) {
        let (schema, body) = (PutMetricData::INPUT_SCHEMA, json_body());
        bencher.bench(|| parse::<PutMetricDataInput>(schema, black_box(&body)).is_ok());
    }

    #[divan::bench]
    fn rpc_v2_json(bencher: Bencher) {
        let (schema, body) = (PutMetricData::INPUT_SCHEMA, json_body());
        bencher.bench(|| parse_rpc_v2_json::<PutMetricDataInput>(schema, black_box(&body)).is_ok());
    }

    #[divan::bench]
    fn cbor(bencher: Bencher) {
        let (schema, body) = (PutMetricData::INPUT_SCHEMA, cbor_body());
        let read = || rpc_v2_cbor::input::<PutMetricDataInput>(black_box(&body), schema);
        assert_eq!(read().unwrap(), parse(schema, &json_body()).unwrap());
        bencher.bench(|| read().is_ok());
    }
}
