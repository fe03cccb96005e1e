//! `cargo xtask emulator-services`: the release emulator's SQS and DynamoDB
//! throughput, in memory and with `--data-dir`, against moto_server's on the
//! same requests (issue 30's budget: SQS send, receive and delete and
//! DynamoDB PutItem, GetItem and Query over 10,000 items at least 100x
//! moto_server). Each single request is replayed by `load`, as
//! `emulator-s3` does; SQS's send, receive and delete, whose requests depend
//! on the answers before them, are driven by [`cycles`] here, over as many
//! kept-alive connections.

use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::emulator_s3::{Cell, drive, median, table};
use crate::http::{self, Connection};
use crate::servers::{Server, TempDir, build_release};

/// Connections `load` (and the cycles' driver) drives each server over.
const CONNECTIONS: usize = 4;

/// The Query table's partitions, and the sort keys in each: 10,000 items.
const PARTITIONS: usize = 100;
const SORT_KEYS: usize = 100;

/// BatchWriteItem's most items per request.
const BATCH: usize = 25;

/// Messages waiting in the received queue (received again and again: its
/// visibility timeout is 0).
const WAITING: usize = 100;

/// Messages in flight ahead of the waiting ones in the queue received
/// behind them: a receive must pass over them.
const IN_FLIGHT: usize = 10_000;

/// SendMessageBatch's and ReceiveMessage's most messages per call.
const SQS_BATCH: usize = 10;

/// The partition read by GetItem and the Queries.
const PARTITION: usize = 42;

const DYNAMODB: &str = "DynamoDB_20120810";

/// What a row measures.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Operation {
    /// SendMessage of a 100-byte body, to a queue made for each run.
    Send,
    /// ReceiveMessage of one message from a queue of [`WAITING`] messages
    /// whose visibility timeout is 0.
    Receive,
    /// ReceiveMessage as [`Receive`], from a queue whose first
    /// [`IN_FLIGHT`] messages are in flight.
    ReceiveBehind,
    /// SendMessage, ReceiveMessage, DeleteMessage in turn (cycles/s).
    Cycle,
    /// PutItem of a 200-byte item, over the same key each time.
    Put,
    /// GetItem of one of the 10,000 items.
    Get,
    /// Query of 10 items (`sk BETWEEN`) of one partition of 100.
    QueryRange,
    /// Query of a whole partition, 100 items.
    QueryPartition,
}

use Operation::*;

const OPERATIONS: [(Operation, &str); 8] = [
    (Send, "SQS SendMessage"),
    (Receive, "SQS ReceiveMessage (visibility timeout 0)"),
    (ReceiveBehind, "SQS ReceiveMessage, 10,000 in flight ahead"),
    (Cycle, "SQS send, receive, delete (cycles/s)"),
    (Put, "DynamoDB PutItem (200 B)"),
    (Get, "DynamoDB GetItem"),
    (QueryRange, "DynamoDB Query, 10 of 10,000 items"),
    (QueryPartition, "DynamoDB Query, 100 of 10,000 items"),
];

/// An awsJson1.0 request of `target` (`AmazonSQS.SendMessage`) as botocore
/// sends it, with a credential scoped to the target's service (which
/// neither server checks).
fn request(host: &str, target: &str, body: &Value) -> Vec<u8> {
    let scope = if target.starts_with(DYNAMODB) { "dynamodb" } else { "sqs" };
    let authorization = format!(
        "AWS4-HMAC-SHA256 Credential=test/20261207/us-east-1/{scope}/aws4_request, \
         SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=0000"
    );
    let headers = [
        ("User-Agent", "Botocore/1.43.11"),
        ("X-Amz-Date", "20261207T100000Z"),
        ("X-Amz-Target", target),
        ("Content-Type", "application/x-amz-json-1.0"),
        ("Authorization", authorization.as_str()),
    ];
    http::request(host, "POST", "/", &headers, body.to_string().as_bytes())
}

fn send_message(queue: &str) -> Value {
    json!({"QueueUrl": queue, "MessageBody": "m".repeat(100)})
}

fn receive_message(queue: &str) -> Value {
    json!({"QueueUrl": queue, "MaxNumberOfMessages": 1})
}

/// SendMessageBatch of [`SQS_BATCH`] messages as [`send_message`]'s.
fn send_batch(queue: &str) -> Value {
    let entries: Vec<Value> =
        (0..SQS_BATCH).map(|n| json!({"Id": n.to_string(), "MessageBody": "m".repeat(100)})).collect();
    json!({"QueueUrl": queue, "Entries": entries})
}

/// An item of about 200 bytes (DynamoDB's size: names and values).
fn item(partition: usize, sort: usize) -> Value {
    json!({"pk": {"S": format!("p{partition:03}")}, "sk": {"N": sort.to_string()}, "payload": {"S": "x".repeat(180)}})
}

/// The BatchWriteItem of `count` items of `partition` from sort key `from`.
fn batch(table: &str, partition: usize, from: usize, count: usize) -> Value {
    let puts: Vec<Value> =
        (from..from + count).map(|sort| json!({"PutRequest": {"Item": item(partition, sort)}})).collect();
    json!({"RequestItems": {table: puts}})
}

/// The Query of partition `partition`'s sort keys `from` to `to` (all of
/// them when `None`).
fn query(table: &str, partition: usize, range: Option<(usize, usize)>) -> Value {
    let pk = json!({"S": format!("p{partition:03}")});
    match range {
        Some((from, to)) => json!({"TableName": table,
            "KeyConditionExpression": "pk = :p AND sk BETWEEN :a AND :b",
            "ExpressionAttributeValues": {":p": pk, ":a": {"N": from.to_string()}, ":b": {"N": to.to_string()}}}),
        None => json!({"TableName": table, "KeyConditionExpression": "pk = :p",
            "ExpressionAttributeValues": {":p": pk}}),
    }
}

/// One call on `connection`: the answer's JSON, if a 200.
fn call(connection: &mut Connection, address: &str, target: &str, body: &Value) -> Result<Value, String> {
    let response = connection.send(&request(address, target, body)).map_err(|e| format!("{target}: {e}"))?;
    if response.status != 200 {
        return Err(format!("{target}: {} {:.300}", response.status, response.text()));
    }
    serde_json::from_slice(&response.body).map_err(|e| format!("{target}: not JSON ({e}): {:.300}", response.text()))
}

/// What a server holds for the measurements: the queues' URLs.
struct Prepared {
    received: String,
    /// Not made on moto_server, which takes minutes to hold
    /// [`IN_FLIGHT`] messages.
    behind: Option<String>,
    cycled: Vec<String>,
}

fn create_queue(connection: &mut Connection, address: &str, name: &str, attributes: Value) -> Result<String, String> {
    let created =
        call(connection, address, "AmazonSQS.CreateQueue", &json!({"QueueName": name, "Attributes": attributes}))?;
    created["QueueUrl"].as_str().map(str::to_string).ok_or_else(|| format!("CreateQueue: no QueueUrl in {created}"))
}

fn create_table(connection: &mut Connection, address: &str, name: &str) -> Result<(), String> {
    let create = json!({"TableName": name, "BillingMode": "PAY_PER_REQUEST",
        "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "N"}],
        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}]});
    call(connection, address, "DynamoDB_20120810.CreateTable", &create).map(drop)
}

/// The queue received behind [`IN_FLIGHT`] messages: they are received
/// for the queue's 12 hours, then [`WAITING`] messages sent after them,
/// which the row receives with a visibility timeout of 0.
fn in_flight_ahead(c: &mut Connection, address: &str) -> Result<String, String> {
    let behind = create_queue(c, address, "behind", json!({"VisibilityTimeout": "43200"}))?;
    for _ in 0..IN_FLIGHT / SQS_BATCH {
        let sent = call(c, address, "AmazonSQS.SendMessageBatch", &send_batch(&behind))?;
        if sent["Successful"].as_array().map(Vec::len) != Some(SQS_BATCH) {
            return Err(format!("SendMessageBatch answered {:.300}", sent.to_string()));
        }
    }
    let mut in_flight = 0;
    while in_flight < IN_FLIGHT {
        let receive = json!({"QueueUrl": behind, "MaxNumberOfMessages": SQS_BATCH});
        let received = call(c, address, "AmazonSQS.ReceiveMessage", &receive)?;
        match received["Messages"].as_array().map(Vec::len) {
            Some(count) if count > 0 => in_flight += count,
            _ => return Err(format!("{in_flight} of {IN_FLIGHT} messages received, then none")),
        }
    }
    for _ in 0..WAITING {
        call(c, address, "AmazonSQS.SendMessage", &send_message(&behind))?;
    }
    Ok(behind)
}

/// Makes the queues and tables: the received queue with its messages, a
/// queue per connection for the cycles, the put table, and the Query table
/// of 10,000 items, counted back partition by partition.
fn prepare(address: &str, with_in_flight: bool) -> Result<Prepared, String> {
    let mut connection = Connection::new(address);
    let c = &mut connection;
    let received = create_queue(c, address, "received", json!({"VisibilityTimeout": "0"}))?;
    for _ in 0..WAITING {
        call(c, address, "AmazonSQS.SendMessage", &send_message(&received))?;
    }
    let behind = if with_in_flight { Some(in_flight_ahead(c, address)?) } else { None };
    let cycled = (0..CONNECTIONS)
        .map(|n| create_queue(c, address, &format!("cycled-{n}"), json!({})))
        .collect::<Result<Vec<_>, _>>()?;
    create_table(c, address, "put")?;
    create_table(c, address, "items")?;
    for partition in 0..PARTITIONS {
        for from in (0..SORT_KEYS).step_by(BATCH) {
            let count = BATCH.min(SORT_KEYS - from);
            let written =
                call(c, address, "DynamoDB_20120810.BatchWriteItem", &batch("items", partition, from, count))?;
            if written["UnprocessedItems"].as_object().is_some_and(|unprocessed| !unprocessed.is_empty()) {
                return Err(format!("BatchWriteItem left items unprocessed: {:.300}", written.to_string()));
            }
        }
    }
    let mut count = 0;
    for partition in 0..PARTITIONS {
        let mut counted = query("items", partition, None);
        counted["Select"] = json!("COUNT");
        count += call(c, address, "DynamoDB_20120810.Query", &counted)?["Count"].as_u64().unwrap_or(0);
    }
    if count != (PARTITIONS * SORT_KEYS) as u64 {
        return Err(format!("the table holds {count} items, not {}", PARTITIONS * SORT_KEYS));
    }
    Ok(Prepared { received, behind, cycled })
}

/// The target and body `load` replays for `operation` (not [`Cycle`]),
/// `queue` the queue sent to.
fn replayed(operation: Operation, prepared: &Prepared, queue: &str) -> (&'static str, Value) {
    match operation {
        Send => ("AmazonSQS.SendMessage", send_message(queue)),
        Receive => ("AmazonSQS.ReceiveMessage", receive_message(&prepared.received)),
        ReceiveBehind => {
            let mut receive = receive_message(prepared.behind.as_deref().unwrap_or_default());
            receive["VisibilityTimeout"] = json!(0);
            ("AmazonSQS.ReceiveMessage", receive)
        }
        Put => ("DynamoDB_20120810.PutItem", json!({"TableName": "put", "Item": item(0, 0)})),
        Get => (
            "DynamoDB_20120810.GetItem",
            json!({"TableName": "items", "Key": {"pk": {"S": format!("p{PARTITION:03}")}, "sk": {"N": "42"}}}),
        ),
        QueryRange => ("DynamoDB_20120810.Query", query("items", PARTITION, Some((10, 19)))),
        QueryPartition | Cycle => ("DynamoDB_20120810.Query", query("items", PARTITION, None)),
    }
}

/// Whether `answer` is what `operation` should answer.
fn plausible(operation: Operation, answer: &Value) -> bool {
    match operation {
        Send => answer["MessageId"].is_string(),
        Receive | ReceiveBehind => answer["Messages"][0]["Body"] == "m".repeat(100).as_str(),
        Put | Cycle => answer.is_object(),
        Get => answer["Item"] == item(PARTITION, 42),
        QueryRange => answer["Count"] == 10 && answer["Items"][0] == item(PARTITION, 10),
        QueryPartition => answer["Count"] == 100 && answer["Items"][99] == item(PARTITION, 99),
    }
}

/// One run of `operation` on `address`: checks its answer once, then
/// measures it for `seconds` (`None` if the server was not prepared for it).
fn measure(
    load: &Path,
    address: &str,
    prepared: &Prepared,
    operation: Operation,
    round: usize,
    seconds: f64,
) -> Result<Option<Cell>, String> {
    if operation == Cycle {
        return cycles(address, &prepared.cycled, seconds).map(Some);
    }
    if operation == ReceiveBehind && prepared.behind.is_none() {
        return Ok(None);
    }
    let mut connection = Connection::new(address);
    // Sent to a queue of the run's own, deleted after it: the queue does not
    // grow over the runs.
    let queue = match operation {
        Send => create_queue(&mut connection, address, &format!("sent-{round}"), json!({}))?,
        _ => String::new(),
    };
    let (target, body) = replayed(operation, prepared, &queue);
    let answer = call(&mut connection, address, target, &body)?;
    if !plausible(operation, &answer) {
        return Err(format!("{target} answered {:.500}", answer.to_string()));
    }
    let cell = drive(load, address, &request(address, target, &body), seconds)?;
    if operation == Send {
        call(&mut connection, address, "AmazonSQS.DeleteQueue", &json!({"QueueUrl": queue}))?;
    }
    Ok(Some(cell))
}

/// SendMessage, ReceiveMessage and DeleteMessage of what was received, over
/// and over for `seconds`, a thread and kept-alive connection per queue:
/// whole cycles per second, and the cycles that failed (a call not a 200, or
/// a receive finding nothing).
fn cycles(address: &str, queues: &[String], seconds: f64) -> Result<Cell, String> {
    let started = Instant::now();
    let deadline = started + Duration::from_secs_f64(seconds);
    let threads: Vec<_> = queues
        .iter()
        .map(|queue| {
            let (address, queue) = (address.to_string(), queue.clone());
            std::thread::spawn(move || {
                let mut connection = Connection::new(&address);
                let (mut done, mut failed) = (0u64, 0u64);
                let (send, receive) = (send_message(&queue), receive_message(&queue));
                while Instant::now() < deadline {
                    let cycle = call(&mut connection, &address, "AmazonSQS.SendMessage", &send)
                        .and_then(|_| call(&mut connection, &address, "AmazonSQS.ReceiveMessage", &receive))
                        .and_then(|received| {
                            let handle = received["Messages"][0]["ReceiptHandle"].as_str().ok_or("nothing received")?;
                            let delete = json!({"QueueUrl": queue, "ReceiptHandle": handle});
                            call(&mut connection, &address, "AmazonSQS.DeleteMessage", &delete)
                        });
                    match cycle {
                        Ok(_) => done += 1,
                        Err(e) => {
                            if failed == 0 {
                                eprintln!("a cycle failed: {e}");
                            }
                            failed += 1;
                        }
                    }
                }
                (done, failed)
            })
        })
        .collect();
    let (mut done, mut failed) = (0, 0);
    for thread in threads {
        let (ok, not) = thread.join().map_err(|_| "a cycle's thread panicked".to_string())?;
        done += ok;
        failed += not;
    }
    Ok(Cell { rate: done as f64 / started.elapsed().as_secs_f64(), failed })
}

/// Builds the release emulator and `load`, starts the three servers, and
/// measures every operation on each, the servers alternating in each of
/// `runs` rounds of `seconds` per operation: the Markdown table.
pub fn emulator_services(root: &Path, seconds: f64, runs: usize) -> Result<String, String> {
    build_release(root, &["-p", "emulator"])?;
    build_release(root, &["-p", "benchmarks", "--bin", "load"])?;
    let target = std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), Into::into);
    let (binary, load) = (target.join("release/emulator"), target.join("release/load"));
    let data_dir = TempDir::new("xtask-emulator-services")?;
    let memory = Server::emulator(&binary, &["--services", "sqs,dynamodb"])?;
    let on_disk = Server::emulator(&binary, &["--services", "sqs,dynamodb", "--data-dir", data_dir.arg()])?;
    let moto = Server::moto();
    let mut servers = vec![("emulator in memory", &memory), ("emulator --data-dir", &on_disk)];
    match &moto {
        Some(moto) => servers.push(("moto_server", moto)),
        None => eprintln!("moto_server is not installed (pip install 'moto[server]'): skipped"),
    }
    let mut prepared = Vec::new();
    for (name, server) in &servers {
        // The process to attach a profiler to (`strace -c -f -p PID`).
        eprintln!("{name}: pid {} at {}", server.pid(), server.address);
        let started = Instant::now();
        // moto_server's sends slow as its queue grows (6,300 messages after
        // seven minutes), so the in-flight row is the emulator's alone.
        let with_in_flight = *name != "moto_server";
        prepared.push(prepare(&server.address, with_in_flight).map_err(|e| format!("{name}: {e}"))?);
        eprintln!("{name}: prepared in {:.1} s", started.elapsed().as_secs_f64());
    }
    let mut samples = vec![vec![Vec::new(); OPERATIONS.len()]; servers.len()];
    for round in 1..=runs {
        for (s, (name, server)) in servers.iter().enumerate() {
            for (o, (operation, label)) in OPERATIONS.iter().enumerate() {
                let measured = measure(&load, &server.address, &prepared[s], *operation, round, seconds)
                    .map_err(|e| format!("{name}, {label}: {e}"))?;
                if let Some(cell) = measured {
                    eprintln!("round {round}/{runs}: {name}, {label}: {:.1}/s, {} failed", cell.rate, cell.failed);
                    samples[s][o].push(cell);
                }
            }
        }
    }
    let columns: Vec<Vec<Option<Cell>>> = samples
        .iter()
        .map(|column| column.iter().map(|runs| (!runs.is_empty()).then(|| median(runs))).collect())
        .collect();
    let ours = |column: &[Option<Cell>]| -> Vec<Cell> {
        column.iter().map(|cell| cell.expect("the emulator is measured on every row")).collect()
    };
    let mut report = format!(
        "SQS and DynamoDB in awsJson1.0 over HTTP/1.1 on loopback, {CONNECTIONS} connections (from `load`; the \
         cycles from as many threads of the xtask's), median of {runs} x {seconds} s, the servers alternating in \
         each round; requests/s (cycles/s for the cycles; 200s only; what failed, added up over the runs, in \
         brackets)\n\n"
    );
    let names = OPERATIONS.map(|(_, name)| name);
    report.push_str(&table(&names, &ours(&columns[0]), &ours(&columns[1]), columns.get(2).map(Vec::as_slice)));
    if moto.is_none() {
        report.push_str("\nmoto_server is not installed (pip install 'moto[server]'): skipped\n");
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_are_awsjson_scoped_to_their_service() {
        let sent = request("127.0.0.1:9", "DynamoDB_20120810.GetItem", &json!({"TableName": "t"}));
        let text = String::from_utf8(sent).unwrap();
        assert!(text.starts_with("POST / HTTP/1.1\r\nHost: 127.0.0.1:9\r\n"), "{text}");
        assert!(text.contains("X-Amz-Target: DynamoDB_20120810.GetItem\r\n"), "{text}");
        assert!(text.contains("Content-Type: application/x-amz-json-1.0\r\n"), "{text}");
        assert!(text.contains("/us-east-1/dynamodb/aws4_request"), "{text}");
        assert!(text.ends_with("Content-Length: 17\r\n\r\n{\"TableName\":\"t\"}"), "{text}");
        let sent = String::from_utf8(request("h", "AmazonSQS.SendMessage", &send_message("http://q"))).unwrap();
        assert!(sent.contains("/us-east-1/sqs/aws4_request"), "{sent}");
    }

    #[test]
    fn items_are_about_200_bytes_and_batches_25() {
        // DynamoDB's size of an item: its names' and values' bytes.
        let size = "pk".len() + 4 + "sk".len() + 2 + "payload".len() + 180;
        assert!((180..=220).contains(&size));
        assert_eq!(item(7, 42)["pk"]["S"], "p007");
        let written = batch("items", 3, 25, BATCH);
        let puts = written["RequestItems"]["items"].as_array().unwrap();
        assert_eq!(puts.len(), 25);
        assert_eq!(puts[0]["PutRequest"]["Item"], item(3, 25));
        assert_eq!(puts[24]["PutRequest"]["Item"]["sk"]["N"], "49");
        assert_eq!(send_message("u")["MessageBody"].as_str().unwrap().len(), 100);
        let sent = send_batch("u");
        let entries = sent["Entries"].as_array().unwrap();
        assert_eq!(entries.len(), SQS_BATCH);
        assert_eq!(entries[9]["Id"], "9");
    }

    #[test]
    fn queries_name_their_partition_and_range() {
        let range = query("items", 42, Some((10, 19)));
        assert_eq!(range["KeyConditionExpression"], "pk = :p AND sk BETWEEN :a AND :b");
        assert_eq!(
            range["ExpressionAttributeValues"],
            json!({":p": {"S": "p042"}, ":a": {"N": "10"}, ":b": {"N": "19"}})
        );
        let whole = query("items", 42, None);
        assert_eq!(whole["KeyConditionExpression"], "pk = :p");
        assert_eq!(whole["ExpressionAttributeValues"], json!({":p": {"S": "p042"}}));
    }

    #[test]
    fn answers_are_checked() {
        let items: Vec<Value> = (10..20).map(|sort| item(PARTITION, sort)).collect();
        assert!(plausible(QueryRange, &json!({"Count": 10, "Items": items})));
        assert!(!plausible(QueryRange, &json!({"Count": 9, "Items": items})));
        assert!(plausible(Get, &json!({"Item": item(PARTITION, 42)})));
        assert!(!plausible(Get, &json!({})));
        assert!(plausible(Receive, &json!({"Messages": [{"Body": "m".repeat(100)}]})));
        assert!(!plausible(Receive, &json!({"Messages": []})));
    }

    #[test]
    fn the_table_has_a_row_per_operation() {
        let names = OPERATIONS.map(|(_, name)| name);
        let column = |rate| [Cell { rate, failed: 0 }; 8];
        let moto = [Some(Cell { rate: 100.0, failed: 0 }); 8];
        let text = table(&names, &column(50_000.0), &column(2_000.0), Some(&moto));
        assert!(text.contains("| DynamoDB Query, 10 of 10,000 items | 50,000 | 2,000 | 100 | 500x | 20x |"), "{text}");
        assert!(text.contains("missed for SQS SendMessage --data-dir,"), "{text}");
        assert_eq!(text.lines().filter(|line| line.starts_with("| SQS") || line.starts_with("| DynamoDB")).count(), 8);
    }
}
