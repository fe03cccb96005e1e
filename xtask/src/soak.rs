//! `cargo xtask emulator-soak`: the release emulator under a steady mix of
//! every service for a while, from a few threads over kept-alive
//! connections, each iteration making and removing what it uses so that the
//! emulator's state stays bounded; then whether every call answered as
//! expected, and whether its memory came back (RSS after start, at the end,
//! and after `POST /_emulator/reset` and some idle time).
//!
//! The requests are written by hand, in each service's protocol, as
//! botocore sends them: S3's REST XML path style, DynamoDB's, SQS's and
//! CloudWatch's awsJson1.0, SSM's and Logs' awsJson1.1, and SNS's, STS's and
//! IAM's awsQuery, which the emulator routes by the service the SigV4
//! credential is scoped to.

use std::fmt::Write as _;
use std::path::Path;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde_json::{Value, json};

use crate::http::{self, Connection, Response};
use crate::servers::{Rss, Server, TempDir, build_release};

/// The threads driving the emulator, each on a connection of its own.
const THREADS: usize = 4;

/// The size of S3's objects.
const OBJECT: usize = 64 << 10;

/// The services driven, in the report's order.
#[derive(Clone, Copy)]
enum Service {
    S3,
    DynamoDb,
    Sqs,
    Ssm,
    Sns,
    Sts,
    Iam,
    CloudWatch,
    Logs,
}

use Service::*;

const SERVICES: [Service; 9] = [S3, DynamoDb, Sqs, Ssm, Sns, Sts, Iam, CloudWatch, Logs];

impl Service {
    fn name(self) -> &'static str {
        match self {
            S3 => "S3",
            DynamoDb => "DynamoDB",
            Sqs => "SQS",
            Ssm => "SSM",
            Sns => "SNS",
            Sts => "STS",
            Iam => "IAM",
            CloudWatch => "CloudWatch",
            Logs => "CloudWatch Logs",
        }
    }

    /// What each iteration calls, for the report.
    fn operations(self) -> &'static str {
        match self {
            S3 => "CreateBucket, PutObject (64 KiB), GetObject, DeleteObject, DeleteBucket",
            DynamoDb => "CreateTable, PutItem, GetItem, UpdateItem, Query, DeleteTable",
            Sqs => {
                "CreateQueue, SendMessage, ReceiveMessage, DeleteMessage, DeleteQueue, of a standard and a FIFO queue"
            }
            Ssm => "PutParameter, GetParameter, DeleteParameter",
            Sns => "CreateTopic, Subscribe (a queue, raw), Publish (received from the queue), DeleteTopic",
            Sts => "GetCallerIdentity",
            Iam => "CreateUser, GetUser, DeleteUser",
            CloudWatch => "PutMetricData (awsJson1.0)",
            Logs => "CreateLogGroup, CreateLogStream, PutLogEvents, DeleteLogGroup",
        }
    }

    /// The service SigV4 credentials are scoped to.
    fn scope(self) -> &'static str {
        match self {
            S3 => "s3",
            DynamoDb => "dynamodb",
            Sqs => "sqs",
            Ssm => "ssm",
            Sns => "sns",
            Sts => "sts",
            Iam => "iam",
            CloudWatch => "monitoring",
            Logs => "logs",
        }
    }
}

/// What one thread saw: requests and unexpected answers per service.
#[derive(Default)]
struct Tally {
    requests: [u64; SERVICES.len()],
    failures: [u64; SERVICES.len()],
    /// The first few failures, described.
    first: Vec<String>,
}

impl Tally {
    fn add(&mut self, other: Tally) {
        for s in 0..SERVICES.len() {
            self.requests[s] += other.requests[s];
            self.failures[s] += other.failures[s];
        }
        self.first.extend(other.first);
        self.first.truncate(10);
    }
}

/// The Authorization header botocore signs with, scoped to `scope`; the
/// emulator checks no signature.
fn authorization(scope: &str) -> String {
    format!(
        "AWS4-HMAC-SHA256 Credential=test/20261207/us-east-1/{scope}/aws4_request, \
         SignedHeaders=host;x-amz-date, Signature=0000"
    )
}

/// `value` percent-encoded for a form.
fn encode(value: &str) -> String {
    let mut encoded = String::new();
    for byte in value.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => encoded.push(byte as char),
            _ => {
                let _ = write!(encoded, "%{byte:02X}");
            }
        }
    }
    encoded
}

/// The text of the first `<tag>` in `xml`.
fn element<'a>(xml: &'a str, tag: &str) -> Option<&'a str> {
    let start = xml.find(&format!("<{tag}>"))? + tag.len() + 2;
    let end = xml[start..].find(&format!("</{tag}>"))?;
    Some(&xml[start..start + end])
}

/// One thread's client: its connection and what it saw.
struct Client {
    address: String,
    connection: Connection,
    tally: Tally,
}

impl Client {
    fn fail(&mut self, service: Service, operation: &str, what: String) {
        self.tally.failures[service as usize] += 1;
        if self.tally.first.len() < 10 {
            self.tally.first.push(format!("{} {operation}: {what}", service.name()));
        }
    }

    /// Sends `request`: its response if its status is one of `expected`.
    fn call(&mut self, service: Service, operation: &str, request: Vec<u8>, expected: &[u16]) -> Option<Response> {
        self.tally.requests[service as usize] += 1;
        match self.connection.send(&request) {
            Ok(response) if expected.contains(&response.status) => Some(response),
            Ok(response) => {
                let text = response.text();
                self.fail(service, operation, format!("{} {:.300}", response.status, text.trim()));
                None
            }
            Err(e) => {
                self.fail(service, operation, e.to_string());
                None
            }
        }
    }

    fn s3(&mut self, operation: &str, method: &str, path: &str, body: &[u8], expected: u16) -> Option<Response> {
        let authorization = authorization(S3.scope());
        let headers = [
            ("User-Agent", "Botocore/1.43.11"),
            ("X-Amz-Date", "20261207T100000Z"),
            ("X-Amz-Content-SHA256", "UNSIGNED-PAYLOAD"),
            ("Authorization", authorization.as_str()),
        ];
        let request = http::request(&self.address, method, path, &headers, body);
        self.call(S3, operation, request, &[expected])
    }

    /// An awsJson call (`version` 1.0 or 1.1) of `prefix.operation`: its
    /// answer as JSON.
    fn json(&mut self, service: Service, version: &str, prefix: &str, operation: &str, body: &Value) -> Option<Value> {
        self.json_expecting(service, version, prefix, operation, body, &[200]).map(|(_, value)| value)
    }

    fn json_expecting(
        &mut self,
        service: Service,
        version: &str,
        prefix: &str,
        operation: &str,
        body: &Value,
        expected: &[u16],
    ) -> Option<(u16, Value)> {
        let (target, content_type) = (format!("{prefix}.{operation}"), format!("application/x-amz-json-{version}"));
        let authorization = authorization(service.scope());
        let headers = [
            ("User-Agent", "Botocore/1.43.11"),
            ("X-Amz-Date", "20261207T100000Z"),
            ("X-Amz-Target", target.as_str()),
            ("Content-Type", content_type.as_str()),
            ("Authorization", authorization.as_str()),
        ];
        let request = http::request(&self.address, "POST", "/", &headers, body.to_string().as_bytes());
        let response = self.call(service, operation, request, expected)?;
        if response.body.is_empty() {
            return Some((response.status, Value::Null));
        }
        match serde_json::from_slice(&response.body) {
            Ok(value) => Some((response.status, value)),
            Err(e) => {
                self.fail(service, operation, format!("not JSON ({e}): {:.300}", response.text()));
                None
            }
        }
    }

    /// An awsQuery call of `action`: its answer's XML.
    fn query(&mut self, service: Service, version: &str, action: &str, parameters: &[(&str, &str)]) -> Option<String> {
        let mut form = format!("Action={action}&Version={version}");
        for (name, value) in parameters {
            let _ = write!(form, "&{name}={}", encode(value));
        }
        let authorization = authorization(service.scope());
        let headers = [
            ("User-Agent", "Botocore/1.43.11"),
            ("X-Amz-Date", "20261207T100000Z"),
            ("Content-Type", "application/x-www-form-urlencoded; charset=utf-8"),
            ("Authorization", authorization.as_str()),
        ];
        let request = http::request(&self.address, "POST", "/", &headers, form.as_bytes());
        self.call(service, action, request, &[200]).map(|response| response.text().into_owned())
    }

    /// One round of every service, its names made of `thread` and `i`.
    fn iteration(&mut self, thread: usize, i: u64) {
        let name = format!("soak-{thread}-{i}");
        self.s3_round(&name);
        self.dynamodb_round(&name);
        self.sqs_round(thread, i);
        self.ssm_round(thread, i);
        self.sns_round(&name);
        self.query(Sts, "2011-06-15", "GetCallerIdentity", &[]);
        self.iam_round(&name);
        let datum = json!({"MetricName": "Iterations", "Dimensions": [{"Name": "Thread", "Value": thread.to_string()}],
            "Value": 1.0, "Unit": "Count"});
        let metrics = json!({"Namespace": "Soak", "MetricData": [datum]});
        self.json(CloudWatch, "1.0", "GraniteServiceVersion20100801", "PutMetricData", &metrics);
        self.logs_round(&name);
    }

    fn s3_round(&mut self, name: &str) {
        let (bucket, object) = (format!("/{name}"), format!("/{name}/object"));
        if self.s3("CreateBucket", "PUT", &bucket, b"", 200).is_none() {
            return;
        }
        let body: Vec<u8> = (0..OBJECT).map(|n| b'a' + (n % 26) as u8).collect();
        if self.s3("PutObject", "PUT", &object, &body, 200).is_some() {
            if let Some(got) = self.s3("GetObject", "GET", &object, b"", 200) {
                if got.body != body {
                    self.fail(S3, "GetObject", format!("{} bytes, not the {OBJECT} put", got.body.len()));
                }
            }
            self.s3("DeleteObject", "DELETE", &object, b"", 204);
        }
        self.s3("DeleteBucket", "DELETE", &bucket, b"", 204);
    }

    fn dynamodb_round(&mut self, table: &str) {
        const PREFIX: &str = "DynamoDB_20120810";
        let create = json!({"TableName": table, "BillingMode": "PAY_PER_REQUEST",
            "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
            "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}]});
        if self.json(DynamoDb, "1.0", PREFIX, "CreateTable", &create).is_none() {
            return;
        }
        let item = json!({"id": {"S": "key"}, "value": {"S": table}});
        if self.json(DynamoDb, "1.0", PREFIX, "PutItem", &json!({"TableName": table, "Item": item})).is_some() {
            let key = json!({"TableName": table, "Key": {"id": {"S": "key"}}});
            if let Some(got) = self.json(DynamoDb, "1.0", PREFIX, "GetItem", &key) {
                if got["Item"] != item {
                    self.fail(DynamoDb, "GetItem", format!("not the item put: {got}"));
                }
            }
            let update = json!({"TableName": table, "Key": {"id": {"S": "key"}}, "UpdateExpression": "ADD hits :one",
                "ExpressionAttributeValues": {":one": {"N": "1"}}, "ReturnValues": "UPDATED_NEW"});
            if let Some(updated) = self.json(DynamoDb, "1.0", PREFIX, "UpdateItem", &update) {
                if updated["Attributes"]["hits"] != json!({"N": "1"}) {
                    self.fail(DynamoDb, "UpdateItem", format!("not the update made: {updated}"));
                }
            }
            let query = json!({"TableName": table, "KeyConditionExpression": "id = :k",
                "ExpressionAttributeValues": {":k": {"S": "key"}}});
            if let Some(found) = self.json(DynamoDb, "1.0", PREFIX, "Query", &query) {
                if found["Count"] != json!(1) {
                    self.fail(DynamoDb, "Query", format!("not the item put: {found}"));
                }
            }
        }
        self.json(DynamoDb, "1.0", PREFIX, "DeleteTable", &json!({"TableName": table}));
    }

    /// A queue per iteration, made, used and deleted.
    fn sqs_round(&mut self, thread: usize, i: u64) {
        // A standard queue and a FIFO one, each iteration.
        for fifo in [false, true] {
            let name = if fifo { format!("soak-{thread}-{i}.fifo") } else { format!("soak-{thread}-{i}") };
            let mut create = json!({"QueueName": name});
            let mut send = json!({"MessageBody": format!("message {i}")});
            if fifo {
                create["Attributes"] = json!({"FifoQueue": "true"});
                send["MessageGroupId"] = json!("group");
                send["MessageDeduplicationId"] = json!(format!("{i}"));
            }
            self.sqs_queue_round(&create, send);
        }
    }

    /// Makes the queue `create` describes, sends `send` to it, receives and
    /// deletes it, and deletes the queue.
    fn sqs_queue_round(&mut self, create: &Value, mut send: Value) {
        const PREFIX: &str = "AmazonSQS";
        let Some(created) = self.json(Sqs, "1.0", PREFIX, "CreateQueue", create) else {
            return;
        };
        let Some(url) = created["QueueUrl"].as_str().map(str::to_string) else {
            return self.fail(Sqs, "CreateQueue", format!("no QueueUrl: {created}"));
        };
        let message = send["MessageBody"].as_str().unwrap_or_default().to_string();
        send["QueueUrl"] = json!(url);
        if self.json(Sqs, "1.0", PREFIX, "SendMessage", &send).is_some() {
            let receive = json!({"QueueUrl": url, "MaxNumberOfMessages": 1});
            if let Some(received) = self.json(Sqs, "1.0", PREFIX, "ReceiveMessage", &receive) {
                let first = &received["Messages"][0];
                match first["ReceiptHandle"].as_str() {
                    Some(handle) if first["Body"] == message.as_str() => {
                        let delete = json!({"QueueUrl": url, "ReceiptHandle": handle});
                        self.json(Sqs, "1.0", PREFIX, "DeleteMessage", &delete);
                    }
                    _ => self.fail(Sqs, "ReceiveMessage", format!("not the message sent: {received}")),
                }
            }
        }
        self.json(Sqs, "1.0", PREFIX, "DeleteQueue", &json!({"QueueUrl": url}));
    }

    fn ssm_round(&mut self, thread: usize, i: u64) {
        const PREFIX: &str = "AmazonSSM";
        let name = format!("/soak/{thread}/{i}");
        let value = format!("value {i}");
        let put = json!({"Name": name, "Value": value, "Type": "String", "Overwrite": true});
        if self.json(Ssm, "1.1", PREFIX, "PutParameter", &put).is_none() {
            return;
        }
        if let Some(got) = self.json(Ssm, "1.1", PREFIX, "GetParameter", &json!({"Name": name})) {
            if got["Parameter"]["Value"] != value.as_str() {
                self.fail(Ssm, "GetParameter", format!("not the value put: {got}"));
            }
        }
        self.json(Ssm, "1.1", PREFIX, "DeleteParameter", &json!({"Name": name}));
    }

    fn sns_round(&mut self, name: &str) {
        const VERSION: &str = "2010-03-31";
        let Some(created) = self.query(Sns, VERSION, "CreateTopic", &[("Name", name)]) else { return };
        let Some(arn) = element(&created, "TopicArn").map(str::to_string) else {
            return self.fail(Sns, "CreateTopic", format!("no TopicArn: {created:.300}"));
        };
        // A queue subscribed to the topic receives what is published.
        const SQS: &str = "AmazonSQS";
        let queue = self.json(Sqs, "1.0", SQS, "CreateQueue", &json!({"QueueName": format!("sns-{name}")}));
        let url = queue.as_ref().and_then(|q| q["QueueUrl"].as_str().map(str::to_string));
        if url.is_some() {
            let endpoint = format!("arn:aws:sqs:us-east-1:000000000000:sns-{name}");
            self.query(
                Sns,
                VERSION,
                "Subscribe",
                &[
                    ("TopicArn", &arn),
                    ("Protocol", "sqs"),
                    ("Endpoint", &endpoint),
                    ("Attributes.entry.1.key", "RawMessageDelivery"),
                    ("Attributes.entry.1.value", "true"),
                ],
            );
        }
        self.query(Sns, VERSION, "Publish", &[("TopicArn", &arn), ("Message", "soak")]);
        if let Some(url) = &url {
            if let Some(received) = self.json(Sqs, "1.0", SQS, "ReceiveMessage", &json!({"QueueUrl": url})) {
                if received["Messages"][0]["Body"] != "soak" {
                    self.fail(Sns, "Publish", format!("not delivered to the queue subscribed: {received}"));
                }
            }
            self.json(Sqs, "1.0", SQS, "DeleteQueue", &json!({"QueueUrl": url}));
        }
        self.query(Sns, VERSION, "DeleteTopic", &[("TopicArn", &arn)]);
    }

    fn iam_round(&mut self, name: &str) {
        const VERSION: &str = "2010-05-08";
        if self.query(Iam, VERSION, "CreateUser", &[("UserName", name)]).is_none() {
            return;
        }
        if let Some(got) = self.query(Iam, VERSION, "GetUser", &[("UserName", name)]) {
            if element(&got, "UserName") != Some(name) {
                self.fail(Iam, "GetUser", format!("not the user made: {got:.300}"));
            }
        }
        self.query(Iam, VERSION, "DeleteUser", &[("UserName", name)]);
    }

    fn logs_round(&mut self, group: &str) {
        const PREFIX: &str = "Logs_20140328";
        if self.json(Logs, "1.1", PREFIX, "CreateLogGroup", &json!({"logGroupName": group})).is_none() {
            return;
        }
        let stream = json!({"logGroupName": group, "logStreamName": "stream"});
        if self.json(Logs, "1.1", PREFIX, "CreateLogStream", &stream).is_some() {
            let now = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_millis() as u64);
            let events: Vec<Value> =
                (0..3).map(|n| json!({"timestamp": now, "message": format!("event {n} of {group}")})).collect();
            let put = json!({"logGroupName": group, "logStreamName": "stream", "logEvents": events});
            self.json(Logs, "1.1", PREFIX, "PutLogEvents", &put);
        }
        self.json(Logs, "1.1", PREFIX, "DeleteLogGroup", &json!({"logGroupName": group}));
    }
}

/// What the soak found: its report, and how many calls did not answer as
/// expected (the command fails if any did).
pub struct Soak {
    pub report: String,
    pub failures: u64,
}

fn mib(rss: Option<Rss>) -> String {
    let mib = |kib: u64| kib as f64 / 1024.0;
    match rss {
        Some(rss) => format!("{:.1} MiB ({:.1} anonymous)", mib(rss.total), mib(rss.anonymous)),
        None => "? (the emulator is gone)".to_string(),
    }
}

/// Builds the release emulator, starts it with every service (in memory,
/// or with a fresh `--data-dir`), and drives it for `seconds`.
pub fn emulator_soak(root: &Path, seconds: u64, data_dir: bool) -> Result<Soak, String> {
    build_release(root, &["-p", "emulator"])?;
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), Into::into);
    let binary = target.join("release/emulator");
    let dir = if data_dir { Some(TempDir::new("xtask-emulator-soak")?) } else { None };
    let args = dir.as_ref().map_or_else(Vec::new, |dir| vec!["--data-dir", dir.arg()]);
    let emulator = Server::emulator(&binary, &args)?;
    std::thread::sleep(Duration::from_secs(1));
    let before = emulator.rss_kib();
    let started = Instant::now();
    let deadline = started + Duration::from_secs(seconds);
    let threads: Vec<_> = (0..THREADS)
        .map(|thread| {
            let address = emulator.address.clone();
            std::thread::spawn(move || {
                let connection = Connection::new(&address);
                let mut client = Client { address, connection, tally: Tally::default() };
                let mut i = 0;
                while Instant::now() < deadline {
                    client.iteration(thread, i);
                    i += 1;
                }
                client.tally
            })
        })
        .collect();
    let mut peak = before;
    while threads.iter().any(|thread| !thread.is_finished()) {
        std::thread::sleep(Duration::from_millis(250));
        peak = peak.max(emulator.rss_kib());
    }
    let mut tally = Tally::default();
    for thread in threads {
        tally.add(thread.join().map_err(|_| "a soak thread panicked")?);
    }
    let elapsed = started.elapsed().as_secs_f64();
    let at_end = emulator.rss_kib();
    let reset = Connection::new(&emulator.address)
        .send(&http::request(&emulator.address, "POST", "/_emulator/reset", &[], b""))
        .map(|response| response.status);
    std::thread::sleep(Duration::from_secs(2));
    let after_reset = emulator.rss_kib();

    let state = if data_dir { "with --data-dir (every service on disk)" } else { "in memory" };
    let mut report = format!(
        "emulator-soak: every service {state}, {seconds} s, {THREADS} threads each on a kept-alive connection\n\n\
         | service | operations, each iteration | requests | failures |\n| --- | --- | ---: | ---: |\n"
    );
    for service in SERVICES {
        let s = service as usize;
        let _ = writeln!(
            report,
            "| {} | {} | {} | {} |",
            service.name(),
            service.operations(),
            tally.requests[s],
            tally.failures[s]
        );
    }
    let (requests, mut failures) = (tally.requests.iter().sum::<u64>(), tally.failures.iter().sum::<u64>());
    let _ = writeln!(report, "| all | | {requests} ({:.0} requests/s) | {failures} |", requests as f64 / elapsed);
    let _ = writeln!(
        report,
        "\nRSS (anonymous: heap and stacks, not the binary's pages): {} after start, {} at most (sampled every \
         0.25 s), {} at the end, {} after POST /_emulator/reset and 2 s idle",
        mib(before),
        mib(peak),
        mib(at_end),
        mib(after_reset)
    );
    match reset {
        Ok(200) => {}
        other => {
            failures += 1;
            let _ = writeln!(report, "POST /_emulator/reset: {other:?}, not 200");
        }
    }
    if after_reset.is_none() {
        failures += 1;
    }
    for failure in &tally.first {
        let _ = writeln!(report, "failed: {failure}");
    }
    Ok(Soak { report, failures })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_are_encoded_and_answers_read() {
        assert_eq!(encode("arn:aws:sns:us-east-1:0:a b/c~"), "arn%3Aaws%3Asns%3Aus-east-1%3A0%3Aa%20b%2Fc~");
        let xml = "<CreateTopicResult><TopicArn>arn:aws:sns:x</TopicArn></CreateTopicResult>";
        assert_eq!(element(xml, "TopicArn"), Some("arn:aws:sns:x"));
        assert_eq!(element(xml, "UserName"), None);
    }
}
