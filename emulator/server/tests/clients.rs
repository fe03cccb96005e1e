//! Real AWS clients against the emulator on free loopback ports: awscli and
//! boto3 (installed by `.ci/run`), and raw HTTP for what the protocol puts
//! in headers.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use md5::{Digest, Md5};
use serde_json::{Value, json};

struct Emulator {
    child: Child,
    /// Where all three services listen.
    url: String,
}

impl Emulator {
    fn start() -> Emulator {
        Emulator::start_with(&[], None).0
    }

    /// The emulator started with `args` (besides `--port 0`), its log in the
    /// file `log` if given, and what it printed up to `Ready.`.
    fn start_with(args: &[&str], log: Option<&Path>) -> (Emulator, Vec<String>) {
        let stderr = match log {
            Some(path) => Stdio::from(std::fs::File::create(path).unwrap()),
            None => Stdio::null(),
        };
        let mut child = Command::new(env!("CARGO_BIN_EXE_emulator"))
            .args(["--port", "0"])
            .args(args)
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .expect("the emulator starts");
        let mut lines = Vec::new();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
        let url = line.trim().strip_prefix("emulator listening on ").unwrap_or_else(|| panic!("{line:?}")).to_string();
        // What follows is read only where it is wanted; the emulator goes
        // on whether its stdout is read or closed.
        if log.is_some() {
            loop {
                let mut line = String::new();
                if stdout.read_line(&mut line).unwrap() == 0 || line.trim() == "Ready." {
                    lines.push(line.trim().to_string());
                    break;
                }
                lines.push(line.trim_end().to_string());
            }
        }
        (Emulator { child, url }, lines)
    }

    fn aws(&self, service: &str, args: &[&str]) -> Output {
        aws(&self.url, service, args)
    }

    fn dynamodb(&self, args: &[&str]) -> Output {
        self.aws("dynamodb", args)
    }

    fn sqs(&self, args: &[&str]) -> Output {
        self.aws("sqs", args)
    }

    fn ssm(&self, args: &[&str]) -> Output {
        self.aws("ssm", args)
    }
}

/// awscli's `service` command with `args`, sent to the emulator at `url`.
fn aws(url: &str, service: &str, args: &[&str]) -> Output {
    Command::new("aws")
        .args(["--endpoint-url", url, "--region", "us-east-1", "--output", "json", service])
        .args(args)
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .env("AWS_CONFIG_FILE", "/nonexistent")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
        .env("AWS_MAX_ATTEMPTS", "1")
        .env("AWS_PAGER", "")
        .output()
        .expect("awscli is installed (.ci/run installs it)")
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// What a successful awscli call printed, as JSON (`null` when nothing).
fn stdout(output: &Output) -> Value {
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    if output.stdout.iter().all(u8::is_ascii_whitespace) {
        return Value::Null;
    }
    serde_json::from_slice(&output.stdout).unwrap()
}

/// What a failed awscli call printed.
fn stderr(output: &Output) -> String {
    assert!(!output.status.success(), "expected a failure: {}", String::from_utf8_lossy(&output.stdout));
    String::from_utf8_lossy(&output.stderr).trim().to_string()
}

fn md5_hex(text: &str) -> String {
    Md5::digest(text.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn awscli_dynamodb() {
    let emulator = Emulator::start();
    let create = [
        "create-table",
        "--table-name",
        "Music",
        "--attribute-definitions",
        "AttributeName=Artist,AttributeType=S",
        "AttributeName=SongTitle,AttributeType=S",
        "--key-schema",
        "AttributeName=Artist,KeyType=HASH",
        "AttributeName=SongTitle,KeyType=RANGE",
        "--billing-mode",
        "PAY_PER_REQUEST",
    ];
    let created = stdout(&emulator.dynamodb(&create))["TableDescription"].take();
    assert_eq!(created["TableName"], "Music");
    assert_eq!(created["TableStatus"], "ACTIVE");
    assert_eq!(created["TableArn"], "arn:aws:dynamodb:us-east-1:000000000000:table/Music");
    assert_eq!(created["ItemCount"], 0);
    assert_eq!(
        created["KeySchema"],
        json!([{"AttributeName": "Artist", "KeyType": "HASH"}, {"AttributeName": "SongTitle", "KeyType": "RANGE"}])
    );
    assert_eq!(
        created["AttributeDefinitions"],
        json!([{"AttributeName": "Artist", "AttributeType": "S"}, {"AttributeName": "SongTitle", "AttributeType": "S"}])
    );
    assert_eq!(created["BillingModeSummary"]["BillingMode"], "PAY_PER_REQUEST");
    let created_at = created["CreationDateTime"].as_f64().expect("epoch seconds");
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs_f64();
    assert!((now - created_at).abs() < 60.0, "{created_at} is now");
    assert_eq!(
        stderr(&emulator.dynamodb(&create)),
        "An error occurred (ResourceInUseException) when calling the CreateTable operation: Table already exists: Music"
    );

    // Items round-trip exactly, every type but binary (awscli 1 base64-encodes
    // binary arguments; boto3_session checks binary).
    let item = json!({
        "Artist": {"S": "No One You Know"},
        "SongTitle": {"S": "Call Me Today"},
        "Year": {"N": "2015"},
        "Tags": {"SS": ["pop", "new"]},
        "Ratings": {"NS": ["4.5", "5"]},
        "Album": {"M": {"Title": {"S": "Somewhat Famous"}, "Tracks": {"L": [{"N": "1"}, {"BOOL": true}, {"NULL": true}]}}},
    });
    let key = json!({"Artist": {"S": "No One You Know"}, "SongTitle": {"S": "Call Me Today"}});
    assert_eq!(
        stdout(&emulator.dynamodb(&["put-item", "--table-name", "Music", "--item", &item.to_string()])),
        Value::Null
    );
    let got = stdout(&emulator.dynamodb(&["get-item", "--table-name", "Music", "--key", &key.to_string()]));
    assert_eq!(got, json!({ "Item": item }));
    // The same key replaces the item.
    let replacement =
        json!({"Artist": {"S": "No One You Know"}, "SongTitle": {"S": "Call Me Today"}, "Year": {"N": "2016"}});
    let put = ["put-item", "--table-name", "Music", "--item", &replacement.to_string(), "--return-values", "ALL_OLD"];
    assert_eq!(stdout(&emulator.dynamodb(&put)), json!({ "Attributes": item }));
    let got = stdout(&emulator.dynamodb(&["get-item", "--table-name", "Music", "--key", &key.to_string()]));
    assert_eq!(got, json!({ "Item": replacement }));
    let absent = json!({"Artist": {"S": "No One You Know"}, "SongTitle": {"S": "Another Song"}});
    assert_eq!(
        stdout(&emulator.dynamodb(&["get-item", "--table-name", "Music", "--key", &absent.to_string()])),
        Value::Null
    );

    // Items are checked against the table's key.
    let keyless = json!({"Artist": {"S": "No One You Know"}, "Year": {"N": "2015"}});
    assert_eq!(
        stderr(&emulator.dynamodb(&["put-item", "--table-name", "Music", "--item", &keyless.to_string()])),
        "An error occurred (ValidationException) when calling the PutItem operation: \
         One or more parameter values were invalid: Missing the key SongTitle in the item"
    );
    let mistyped = json!({"Artist": {"S": "No One You Know"}, "SongTitle": {"N": "7"}});
    assert_eq!(
        stderr(&emulator.dynamodb(&["put-item", "--table-name", "Music", "--item", &mistyped.to_string()])),
        "An error occurred (ValidationException) when calling the PutItem operation: \
         One or more parameter values were invalid: Type mismatch for key SongTitle expected: S actual: N"
    );
    assert_eq!(
        stderr(&emulator.dynamodb(&["get-item", "--table-name", "Music", "--key", r#"{"Artist": {"S": "x"}}"#])),
        "An error occurred (ValidationException) when calling the GetItem operation: \
         The provided key element does not match the schema"
    );

    // The modelled error, and validation errors as the client prints them:
    // the model's (a length) and the emulator's (CreateTable's name).
    assert_eq!(
        stderr(&emulator.dynamodb(&["get-item", "--table-name", "NoSuchTable", "--key", &key.to_string()])),
        "An error occurred (ResourceNotFoundException) when calling the GetItem operation: Requested resource not found"
    );
    let long_name = "t".repeat(1025);
    let mut too_long = create;
    too_long[2] = &long_name;
    assert_eq!(
        stderr(&emulator.dynamodb(&too_long)),
        "An error occurred (ValidationException) when calling the CreateTable operation: 1 validation error detected. \
         Value with length 1025 at '/TableName' failed to satisfy constraint: Member must have length between 1 and 1024, inclusive"
    );
    let mut bad_name = create;
    bad_name[2] = "bad name!";
    assert_eq!(
        stderr(&emulator.dynamodb(&bad_name)),
        "An error occurred (ValidationException) when calling the CreateTable operation: 1 validation error detected. \
         Value at '/TableName' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9_.-]+$"
    );

    // Numeric keys compare as numbers.
    let counters = [
        "create-table",
        "--table-name",
        "Counters",
        "--attribute-definitions",
        "AttributeName=id,AttributeType=N",
        "--key-schema",
        "AttributeName=id,KeyType=HASH",
        "--provisioned-throughput",
        "ReadCapacityUnits=5,WriteCapacityUnits=2",
    ];
    let created = stdout(&emulator.dynamodb(&counters))["TableDescription"].take();
    assert_eq!(created["ProvisionedThroughput"]["ReadCapacityUnits"], 5);
    assert_eq!(created["ProvisionedThroughput"]["WriteCapacityUnits"], 2);
    let counter = json!({"id": {"N": "1.0"}, "count": {"N": "3"}});
    stdout(&emulator.dynamodb(&["put-item", "--table-name", "Counters", "--item", &counter.to_string()]));
    let got =
        stdout(&emulator.dynamodb(&["get-item", "--table-name", "Counters", "--key", r#"{"id": {"N": "10E-1"}}"#]));
    assert_eq!(got, json!({ "Item": counter }));
    assert_eq!(
        stderr(&emulator.dynamodb(&["get-item", "--table-name", "Counters", "--key", r#"{"id": {"N": "one"}}"#])),
        "An error occurred (ValidationException) when calling the GetItem operation: \
         The parameter cannot be converted to a numeric value: one"
    );

    // ListTables pages: awscli follows LastEvaluatedTableName one table at a time.
    for name in ["Zebra", "Alpha"] {
        let mut more = counters;
        more[2] = name;
        stdout(&emulator.dynamodb(&more));
    }
    let names = json!({"TableNames": ["Alpha", "Counters", "Music", "Zebra"]});
    assert_eq!(stdout(&emulator.dynamodb(&["list-tables"])), names);
    assert_eq!(stdout(&emulator.dynamodb(&["list-tables", "--page-size", "1"])), names);

    let described = stdout(&emulator.dynamodb(&["describe-table", "--table-name", "Music"]))["Table"].take();
    assert_eq!((described["TableName"].clone(), described["ItemCount"].clone()), (json!("Music"), json!(1)));
    let deleted = stdout(&emulator.dynamodb(&["delete-table", "--table-name", "Zebra"]));
    assert_eq!(deleted["TableDescription"]["TableStatus"], "DELETING");
    assert_eq!(
        stderr(&emulator.dynamodb(&["describe-table", "--table-name", "Zebra"])),
        "An error occurred (ResourceNotFoundException) when calling the DescribeTable operation: \
         Requested resource not found: Table: Zebra not found"
    );

    // An operation the emulator does not implement.
    assert_eq!(
        stderr(&emulator.dynamodb(&["create-backup", "--table-name", "Music", "--backup-name", "nightly"])),
        "An error occurred (NotImplemented) when calling the CreateBackup operation: CreateBackup is not implemented by this server"
    );
    assert_eq!(
        stderr(&emulator.dynamodb(&[
            "put-item",
            "--table-name",
            "Music",
            "--item",
            &item.to_string(),
            "--condition-expression",
            "attribute_not_exists(Artist)"
        ])),
        "An error occurred (ConditionalCheckFailedException) when calling the PutItem operation: \
         The conditional request failed"
    );
}

#[test]
fn awscli_sqs() {
    let emulator = Emulator::start();
    let url = format!("{}/000000000000/jobs", emulator.url);
    assert_eq!(stdout(&emulator.sqs(&["create-queue", "--queue-name", "jobs"])), json!({ "QueueUrl": url }));
    // The same name and attributes: the same queue.
    assert_eq!(stdout(&emulator.sqs(&["create-queue", "--queue-name", "jobs"])), json!({ "QueueUrl": url }));
    assert_eq!(
        stderr(&emulator.sqs(&["create-queue", "--queue-name", "jobs", "--attributes", "VisibilityTimeout=60"])),
        "An error occurred (QueueAlreadyExists) when calling the CreateQueue operation: \
         A queue already exists with the same name and a different value for attribute(s) VisibilityTimeout"
    );
    assert_eq!(stdout(&emulator.sqs(&["get-queue-url", "--queue-name", "jobs"])), json!({ "QueueUrl": url }));
    assert_eq!(stdout(&emulator.sqs(&["list-queues"])), json!({ "QueueUrls": [url] }));

    let body = "hello from awscli: ünïcödé ✓";
    let sent = stdout(&emulator.sqs(&["send-message", "--queue-url", &url, "--message-body", body]));
    assert_eq!(sent["MD5OfMessageBody"], md5_hex(body));
    let id = sent["MessageId"].as_str().unwrap().to_string();
    let received = stdout(&emulator.sqs(&["receive-message", "--queue-url", &url]));
    let message = &received["Messages"][0];
    assert_eq!(received["Messages"].as_array().map(Vec::len), Some(1));
    assert_eq!((message["MessageId"].as_str(), message["Body"].as_str()), (Some(id.as_str()), Some(body)));
    assert_eq!(message["MD5OfBody"], md5_hex(body));
    let handle = message["ReceiptHandle"].as_str().unwrap().to_string();
    // Invisible for the queue's visibility timeout (30 s), then deleted.
    assert_eq!(stdout(&emulator.sqs(&["receive-message", "--queue-url", &url])), Value::Null);
    assert_eq!(
        stdout(&emulator.sqs(&["delete-message", "--queue-url", &url, "--receipt-handle", &handle])),
        Value::Null
    );

    // The modelled error: awscli prints its awsQuery code.
    let missing = format!("{}/000000000000/no-such-queue", emulator.url);
    assert_eq!(
        stderr(&emulator.sqs(&["receive-message", "--queue-url", &missing])),
        "An error occurred (AWS.SimpleQueueService.NonExistentQueue) when calling the ReceiveMessage operation: \
         The specified queue does not exist."
    );
    // Validation: the model's (an attribute name outside its enum) and the emulator's.
    let enum_error = stderr(&emulator.sqs(&["create-queue", "--queue-name", "q2", "--attributes", "Colour=blue"]));
    assert!(
        enum_error.starts_with(
            "An error occurred (ValidationException) when calling the CreateQueue operation: 1 validation error detected. \
             Value at '/Attributes' failed to satisfy constraint: Member must satisfy enum value set: [All, Policy, VisibilityTimeout,"
        ),
        "{enum_error}"
    );
    assert_eq!(
        stderr(&emulator.sqs(&["receive-message", "--queue-url", &url, "--max-number-of-messages", "11"])),
        "An error occurred (InvalidParameterValue) when calling the ReceiveMessage operation: \
         Value 11 for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided."
    );
    // Tags.
    assert_eq!(stdout(&emulator.sqs(&["tag-queue", "--queue-url", &url, "--tags", "team=core,env=test"])), Value::Null);
    stdout(&emulator.sqs(&["untag-queue", "--queue-url", &url, "--tag-keys", "env"]));
    assert_eq!(stdout(&emulator.sqs(&["list-queue-tags", "--queue-url", &url])), json!({"Tags": {"team": "core"}}));
    // Every create has its delete.
    assert_eq!(stdout(&emulator.sqs(&["delete-queue", "--queue-url", &url])), Value::Null);
    assert_eq!(stdout(&emulator.sqs(&["list-queues"])), Value::Null);
}

/// SQS as AWS bounds it, and on disk: long polls that wait without a thread
/// and answer when a message arrives, AWS's message limits (attributes
/// counted in the size, at most ten), the emulator's state budget, purges,
/// and queues and messages that outlive a `kill -9`.
#[test]
fn sqs_long_polls_limits_and_state_on_disk() {
    let dir = std::env::temp_dir().join(format!("emulator-sqs-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let data_dir = dir.to_str().unwrap();
    let args = ["--data-dir", data_dir, "--max-state-bytes", "2MiB"];
    let big = dir.with_extension("big");
    std::fs::write(&big, "x".repeat(900_000)).unwrap();
    let big = format!("file://{}", big.display());
    let (url, small) = {
        let (emulator, _) = Emulator::start_with(&args, None);
        let url =
            stdout(&emulator.sqs(&["create-queue", "--queue-name", "jobs"]))["QueueUrl"].as_str().unwrap().to_string();
        let small = stdout(&emulator.sqs(&[
            "create-queue",
            "--queue-name",
            "small",
            "--attributes",
            "MaximumMessageSize=1024,ReceiveMessageWaitTimeSeconds=1",
        ]))["QueueUrl"]
            .as_str()
            .unwrap()
            .to_string();

        // A long poll answers when a message is sent, not at its deadline.
        let sender = {
            let (endpoint, url) = (emulator.url.clone(), url.clone());
            std::thread::spawn(move || {
                std::thread::sleep(Duration::from_millis(800));
                stdout(&aws(&endpoint, "sqs", &["send-message", "--queue-url", &url, "--message-body", "late"]));
            })
        };
        let started = Instant::now();
        let received = stdout(&emulator.sqs(&["receive-message", "--queue-url", &url, "--wait-time-seconds", "10"]));
        let waited = started.elapsed();
        sender.join().unwrap();
        assert_eq!(received["Messages"][0]["Body"], "late");
        assert!(waited >= Duration::from_millis(700) && waited < Duration::from_secs(8), "{waited:?}");
        // The queue's own wait (1 s) when the call names none; then nothing.
        let started = Instant::now();
        assert_eq!(stdout(&emulator.sqs(&["receive-message", "--queue-url", &small])), Value::Null);
        assert!(started.elapsed() >= Duration::from_millis(900), "{:?}", started.elapsed());

        // AWS's limits: ten attributes, the queue's size with attributes counted.
        let attributes: Vec<String> =
            (0..11).map(|i| format!("\"a{i}\":{{\"DataType\":\"String\",\"StringValue\":\"v\"}}")).collect();
        let eleven = format!("{{{}}}", attributes.join(","));
        let send = ["send-message", "--queue-url", &url, "--message-body", "b", "--message-attributes", &eleven];
        assert_eq!(
            stderr(&emulator.sqs(&send)),
            "An error occurred (InvalidParameterValue) when calling the SendMessage operation: \
             Number of message attributes [11] exceeds the allowed maximum [10]."
        );
        let body = "y".repeat(1000);
        let attribute = r#"{"attribute-name":{"DataType":"String","StringValue":"value"}}"#;
        assert_eq!(
            stderr(&emulator.sqs(&[
                "send-message",
                "--queue-url",
                &small,
                "--message-body",
                &body,
                "--message-attributes",
                attribute
            ])),
            "An error occurred (InvalidParameterValue) when calling the SendMessage operation: \
             One or more parameters are invalid. Reason: Message must be shorter than 1024 bytes."
        );
        let reserved = r#"{"AWS.trace":{"DataType":"String","StringValue":"v"}}"#;
        let refused = stderr(&emulator.sqs(&[
            "send-message",
            "--queue-url",
            &small,
            "--message-body",
            "b",
            "--message-attributes",
            reserved,
        ]));
        assert!(refused.contains("(InvalidParameterValue)") && refused.contains("'AWS.trace'"), "{refused}");

        // The state budget (2 MiB): two messages of 900 KB fit, a third does not.
        let with_attribute = ["--message-attributes", attribute];
        for _ in 0..2 {
            stdout(
                &emulator.sqs(
                    &[&["send-message", "--queue-url", &url, "--message-body", &big][..], &with_attribute].concat(),
                ),
            );
        }
        let over = stderr(&emulator.sqs(&["send-message", "--queue-url", &url, "--message-body", &big]));
        assert!(over.starts_with("An error occurred (OverLimit) when calling the SendMessage operation: The emulator keeps at most 2097152 bytes"), "{over}");
        assert!(over.contains("--max-state-bytes"), "{over}");
        (url, small)
    };

    // kill -9 (the emulator's drop), then a restart: both queues, and the two
    // messages not deleted ("late" was received, not deleted: visible again).
    let (emulator, _) = Emulator::start_with(&args, None);
    // (On the port this run listens on; the old URLs name the same queues.)
    let urls = stdout(&emulator.sqs(&["list-queues"]))["QueueUrls"].clone();
    let queue = |name: &str| format!("{}/000000000000/{name}", emulator.url);
    assert_eq!(urls, json!([queue("jobs"), queue("small")]));
    let receive =
        ["receive-message", "--queue-url", &url, "--max-number-of-messages", "10", "--message-attribute-names", "All"];
    let received = stdout(&emulator.sqs(&receive));
    let messages = received["Messages"].as_array().unwrap();
    let bodies: Vec<usize> = messages.iter().map(|m| m["Body"].as_str().unwrap().len()).collect();
    assert_eq!(bodies, [4, 900_000, 900_000]);
    assert_eq!(messages[1]["MessageAttributes"]["attribute-name"]["StringValue"], "value");
    assert_eq!(messages[1]["MD5OfMessageAttributes"], messages[2]["MD5OfMessageAttributes"]);
    // The small queue kept its attributes: the same CreateQueue is the same queue.
    let again = [
        "create-queue",
        "--queue-name",
        "small",
        "--attributes",
        "MaximumMessageSize=1024,ReceiveMessageWaitTimeSeconds=1",
    ];
    assert_eq!(stdout(&emulator.sqs(&again))["QueueUrl"], queue("small"));

    // A purge frees the budget, and AWS allows one a minute.
    assert_eq!(stdout(&emulator.sqs(&["purge-queue", "--queue-url", &url])), Value::Null);
    assert_eq!(
        stderr(&emulator.sqs(&["purge-queue", "--queue-url", &url])),
        "An error occurred (AWS.SimpleQueueService.PurgeQueueInProgress) when calling the PurgeQueue operation: \
         Only one PurgeQueue operation on jobs is allowed every 60 seconds."
    );
    assert_eq!(admin(&emulator.url, "GET", "/_emulator/health", None).1["state"]["bytes"], 0);
    stdout(&emulator.sqs(&["send-message", "--queue-url", &url, "--message-body", &big]));
    // A long poll on a queue that is deleted answers that it is gone.
    let poll = {
        let (endpoint, small) = (emulator.url.clone(), small.clone());
        std::thread::spawn(move || {
            let started = Instant::now();
            let answer =
                aws(&endpoint, "sqs", &["receive-message", "--queue-url", &small, "--wait-time-seconds", "20"]);
            (answer, started.elapsed())
        })
    };
    std::thread::sleep(Duration::from_millis(1500));
    assert_eq!(stdout(&emulator.sqs(&["delete-queue", "--queue-url", &small])), Value::Null);
    let (answer, waited) = poll.join().unwrap();
    assert!(stderr(&answer).contains("NonExistentQueue"), "{}", stderr(&answer));
    assert!(waited < Duration::from_secs(10), "{waited:?}");
    drop(emulator);

    let (emulator, _) = Emulator::start_with(&args, None);
    assert_eq!(
        stdout(&emulator.sqs(&["list-queues"]))["QueueUrls"],
        json!([format!("{}/000000000000/jobs", emulator.url)])
    );
    let received = stdout(&emulator.sqs(&["receive-message", "--queue-url", &url]));
    assert_eq!(received["Messages"][0]["Body"].as_str().map(str::len), Some(900_000));
    drop(emulator);
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_file(dir.with_extension("big"));
}

#[test]
fn awscli_ssm() {
    let emulator = Emulator::start();
    let put = ["put-parameter", "--name", "/app/db/host", "--value", "db.local", "--type", "String"];
    assert_eq!(stdout(&emulator.ssm(&put)), json!({ "Version": 1, "Tier": "Standard" }));
    assert_eq!(
        stderr(&emulator.ssm(&put)),
        "An error occurred (ParameterAlreadyExists) when calling the PutParameter operation: \
         The parameter already exists. To overwrite this value, set the overwrite option in the request to true."
    );
    let overwrite = ["put-parameter", "--name", "/app/db/host", "--value", "db2.local", "--overwrite"];
    assert_eq!(stdout(&emulator.ssm(&overwrite)), json!({ "Version": 2, "Tier": "Standard" }));
    let mut got = stdout(&emulator.ssm(&["get-parameter", "--name", "/app/db/host"]))["Parameter"].take();
    assert!(got["LastModifiedDate"].as_f64().is_some_and(|seconds| seconds > 1.7e9), "{got}");
    got.as_object_mut().unwrap().remove("LastModifiedDate");
    assert_eq!(
        got,
        json!({
            "Name": "/app/db/host",
            "Type": "String",
            "Value": "db2.local",
            "Version": 2,
            "ARN": "arn:aws:ssm:us-east-1:000000000000:parameter/app/db/host",
            "DataType": "text",
        })
    );
    let both = stdout(&emulator.ssm(&["get-parameters", "--names", "/app/db/host", "/app/absent"]));
    assert_eq!(both["Parameters"][0]["Value"], "db2.local");
    assert_eq!(both["InvalidParameters"], json!(["/app/absent"]));
    assert_eq!(
        stderr(&emulator.ssm(&["put-parameter", "--name", "fresh", "--value", "v"])),
        "An error occurred (ValidationException) when calling the PutParameter operation: \
         A parameter type is required when you create a parameter."
    );
    // The model's constraints hold here too: a name of 2,049 characters.
    let long = "n".repeat(2049);
    assert!(stderr(&emulator.ssm(&["get-parameter", "--name", &long])).starts_with(
        "An error occurred (ValidationException) when calling the GetParameter operation: 1 validation error detected."
    ));
    assert_eq!(stdout(&emulator.ssm(&["delete-parameter", "--name", "/app/db/host"])), Value::Null);
    assert_eq!(
        stderr(&emulator.ssm(&["get-parameter", "--name", "/app/db/host"])),
        "An error occurred (ParameterNotFound) when calling the GetParameter operation:"
    );
    // SecureString: sealed under the emulator's key, opened on request.
    let secret = ["put-parameter", "--name", "/app/secret", "--value", "p@ss", "--type", "SecureString"];
    assert_eq!(stdout(&emulator.ssm(&secret)), json!({ "Version": 1, "Tier": "Standard" }));
    let sealed = stdout(&emulator.ssm(&["get-parameter", "--name", "/app/secret"]))["Parameter"]["Value"].clone();
    assert!(sealed.as_str().is_some_and(|v| v != "p@ss" && v.len() > 20), "{sealed}");
    let opened = stdout(&emulator.ssm(&["get-parameter", "--name", "/app/secret", "--with-decryption"]));
    assert_eq!(opened["Parameter"]["Value"], "p@ss");
    let described =
        stdout(&emulator.ssm(&["describe-parameters", "--parameter-filters", "Key=Type,Values=SecureString"]));
    assert_eq!(described["Parameters"][0]["KeyId"], "alias/aws/ssm");

    // Versions, labels and selectors; history; paths.
    for value in ["v2", "v3"] {
        stdout(&emulator.ssm(&["put-parameter", "--name", "/app/secret", "--value", value, "--overwrite"]));
    }
    let labelled = stdout(&emulator.ssm(&[
        "label-parameter-version",
        "--name",
        "/app/secret",
        "--parameter-version",
        "2",
        "--labels",
        "prod",
        "1bad",
    ]));
    assert_eq!(labelled, json!({ "InvalidLabels": ["1bad"], "ParameterVersion": 2 }));
    let by_label = stdout(&emulator.ssm(&["get-parameter", "--name", "/app/secret:prod", "--with-decryption"]));
    assert_eq!((&by_label["Parameter"]["Value"], &by_label["Parameter"]["Selector"]), (&json!("v2"), &json!(":prod")));
    let by_version = stdout(&emulator.ssm(&["get-parameter", "--name", "/app/secret:1", "--with-decryption"]));
    assert_eq!(by_version["Parameter"]["Value"], "p@ss");
    assert!(
        stderr(&emulator.ssm(&["get-parameter", "--name", "/app/secret:9"])).contains("(ParameterVersionNotFound)")
    );
    let history = stdout(&emulator.ssm(&["get-parameter-history", "--name", "/app/secret", "--with-decryption"]));
    let values: Vec<&str> =
        history["Parameters"].as_array().unwrap().iter().map(|p| p["Value"].as_str().unwrap()).collect();
    assert_eq!(values, ["p@ss", "v2", "v3"]);
    assert_eq!(history["Parameters"][1]["Labels"], json!(["prod"]));
    stdout(&emulator.ssm(&["put-parameter", "--name", "/app/db/port", "--value", "5432", "--type", "String"]));
    let one_level = stdout(&emulator.ssm(&["get-parameters-by-path", "--path", "/app"]));
    let names: Vec<&str> =
        one_level["Parameters"].as_array().unwrap().iter().map(|p| p["Name"].as_str().unwrap()).collect();
    assert_eq!(names, ["/app/secret"]);
    let all = stdout(&emulator.ssm(&["get-parameters-by-path", "--path", "/app", "--recursive"]));
    assert_eq!(all["Parameters"].as_array().map(Vec::len), Some(2));
    // Tags, and deleting several at once.
    stdout(&emulator.ssm(&[
        "add-tags-to-resource",
        "--resource-type",
        "Parameter",
        "--resource-id",
        "/app/db/port",
        "--tags",
        "Key=team,Value=core",
    ]));
    let tags = stdout(&emulator.ssm(&[
        "list-tags-for-resource",
        "--resource-type",
        "Parameter",
        "--resource-id",
        "/app/db/port",
    ]));
    assert_eq!(tags, json!({ "TagList": [{"Key": "team", "Value": "core"}] }));
    let deleted =
        stdout(&emulator.ssm(&["delete-parameters", "--names", "/app/db/port", "/app/secret", "/app/absent"]));
    assert_eq!(
        deleted,
        json!({ "DeletedParameters": ["/app/db/port", "/app/secret"], "InvalidParameters": ["/app/absent"] })
    );

    // AWS's limits: 4 KB in the standard tier, 8 KB in the advanced one,
    // which Intelligent-Tiering picks for a larger value and which a
    // parameter keeps; 15 levels; no `aws` prefix; 50 tags.
    let (four, eight) = ("v".repeat(4096), "v".repeat(8192));
    let put = |name: &str, value: &str, more: &[&str]| {
        let args = [&["put-parameter", "--name", name, "--value", value, "--type", "String"][..], more].concat();
        emulator.ssm(&args)
    };
    assert_eq!(stdout(&put("/four", &four, &[]))["Tier"], "Standard");
    assert_eq!(
        stderr(&put("/five", &format!("{four}v"), &[])),
        "An error occurred (ValidationException) when calling the PutParameter operation: Standard tier parameters \
         support a maximum parameter value of 4096 characters. To create a larger parameter value, upgrade the \
         parameter to use the advanced-parameter tier."
    );
    assert_eq!(stdout(&put("/eight", &eight, &["--tier", "Advanced"]))["Tier"], "Advanced");
    assert!(
        stderr(&put("/nine", &format!("{eight}v"), &["--tier", "Advanced"])).contains("less than or equal to 8192")
    );
    assert_eq!(stdout(&put("/smart", &eight, &["--tier", "Intelligent-Tiering"]))["Tier"], "Advanced");
    assert_eq!(stdout(&put("/smart", "small", &["--overwrite"]))["Tier"], "Advanced");
    assert!(stderr(&put("/smart", "small", &["--overwrite", "--tier", "Standard"])).contains("can't downgrade"));
    let deep: String = (0..16).map(|level| format!("/l{level}")).collect();
    assert!(stderr(&put(&deep, "v", &[])).contains("(HierarchyLevelLimitExceededException)"));
    assert!(stderr(&put("/aws/mine", "v", &[])).contains("can't be prefixed with \"aws\" or \"ssm\""));
    let tags: Vec<String> = (0..51).map(|i| format!("Key=k{i},Value=v")).collect();
    let tagged = [&["--tags"][..], &tags.iter().map(String::as_str).collect::<Vec<_>>()].concat();
    assert!(stderr(&put("/tagged", "v", &tagged)).contains("(TooManyTagsError)"));
}

/// awsQuery services on the same port: STS and IAM, routed by the service
/// awscli's credentials are scoped to; errors as AWS's query services
/// print them.
#[test]
fn awscli_sts_and_iam() {
    let emulator = Emulator::start();
    let identity = stdout(&emulator.aws("sts", &["get-caller-identity"]));
    assert_eq!(
        identity,
        json!({ "UserId": "test", "Account": "000000000000", "Arn": "arn:aws:iam::000000000000:root" })
    );
    let assumed = stdout(&emulator.aws(
        "sts",
        &["assume-role", "--role-arn", "arn:aws:iam::000000000000:role/app", "--role-session-name", "dev"],
    ));
    assert_eq!(assumed["AssumedRoleUser"]["Arn"], "arn:aws:sts::000000000000:assumed-role/app/dev", "{assumed}");
    assert!(assumed["Credentials"]["AccessKeyId"].as_str().is_some_and(|key| key.starts_with("ASIA")), "{assumed}");
    assert_eq!(
        stderr(&emulator.aws(
            "sts",
            &["assume-role", "--role-arn", "arn:aws:iam::000000000000:role/app", "--role-session-name", "no spaces"]
        )),
        "An error occurred (ValidationError) when calling the AssumeRole operation: 1 validation error detected: \
         Value at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: \
         ^[\\w+=,.@-]*$"
    );
    assert_eq!(
        stderr(&emulator.aws("sts", &["get-session-token"])),
        "An error occurred (NotImplemented) when calling the GetSessionToken operation: \
         GetSessionToken is not implemented by this server"
    );

    let user = stdout(&emulator.aws("iam", &["create-user", "--user-name", "ada", "--path", "/staff/"]))["User"].take();
    assert_eq!(user["Arn"], "arn:aws:iam::000000000000:user/staff/ada", "{user}");
    assert_eq!(
        stderr(&emulator.aws("iam", &["create-user", "--user-name", "ADA"])),
        "An error occurred (EntityAlreadyExists) when calling the CreateUser operation: User with name ADA already exists."
    );
    stdout(&emulator.aws("iam", &["create-user", "--user-name", "grace"]));
    assert_eq!(stdout(&emulator.aws("iam", &["get-user", "--user-name", "ada"]))["User"], user);
    let names = stdout(&emulator.aws("iam", &["list-users", "--query", "Users[].UserName"]));
    assert_eq!(names, json!(["ada", "grace"]));
    let staff =
        stdout(&emulator.aws("iam", &["list-users", "--path-prefix", "/staff/", "--query", "Users[].UserName"]));
    assert_eq!(staff, json!(["ada"]));
    assert_eq!(stdout(&emulator.aws("iam", &["delete-user", "--user-name", "ada"])), Value::Null);
    assert_eq!(
        stderr(&emulator.aws("iam", &["get-user", "--user-name", "ada"])),
        "An error occurred (NoSuchEntity) when calling the GetUser operation: The user with name ada cannot be found."
    );
    assert_eq!(
        stderr(&emulator.aws("iam", &["list-roles"])),
        "An error occurred (InvalidAction) when calling the ListRoles operation: \
         The action ListRoles is not valid for this web service."
    );
}

/// S3 (restXml), SNS (awsQuery) and EC2 (ec2Query) through awscli with its
/// default settings: checksums on uploads, ranged downloads, S3's errors
/// and a validation error as the client prints them.
#[test]
fn awscli_s3_sns_and_ec2() {
    let emulator = Emulator::start();
    let dir = std::env::temp_dir().join(format!("emulator-s3-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("hello.txt");
    std::fs::write(&file, "hello world\n").unwrap();
    let file = file.to_str().unwrap();

    assert_eq!(
        stdout(&emulator.aws("s3api", &["create-bucket", "--bucket", "photos"])),
        json!({"Location": "/photos"})
    );
    assert_eq!(
        stderr(&emulator.aws("s3api", &["create-bucket", "--bucket", "photos"])),
        "An error occurred (BucketAlreadyOwnedByYou) when calling the CreateBucket operation: The bucket you tried to \
         create already exists, and you own it."
    );
    assert_eq!(
        stderr(&emulator.aws("s3api", &["create-bucket", "--bucket", "Not_A_Bucket"])),
        "An error occurred (InvalidBucketName) when calling the CreateBucket operation: The specified bucket is not \
         valid."
    );
    let buckets = stdout(&emulator.aws("s3api", &["list-buckets", "--query", "Buckets[].Name"]));
    assert_eq!(buckets, json!(["photos"]));

    // `aws s3 cp` sends a CRC32 checksum, which is checked.
    let copied = emulator.aws("s3", &["cp", file, "s3://photos/2026/hello.txt"]);
    assert!(copied.status.success(), "{}", stderr(&copied));
    let put = stdout(&emulator.aws(
        "s3api",
        &["put-object", "--bucket", "photos", "--key", "notes/a b.txt", "--body", file, "--content-type", "text/plain"],
    ));
    assert_eq!(put["ETag"], format!("\"{}\"", md5_hex("hello world\n")), "{put}");
    assert_eq!(put["ChecksumCRC32"], "rwg7LQ==", "{put}");
    let head = stdout(&emulator.aws("s3api", &["head-object", "--bucket", "photos", "--key", "notes/a b.txt"]));
    assert_eq!(
        (head["ContentLength"].as_i64(), head["ContentType"].as_str()),
        (Some(12), Some("text/plain")),
        "{head}"
    );

    let out = dir.join("part.txt");
    let ranged = stdout(&emulator.aws(
        "s3api",
        &[
            "get-object",
            "--bucket",
            "photos",
            "--key",
            "2026/hello.txt",
            "--range",
            "bytes=6-10",
            out.to_str().unwrap(),
        ],
    ));
    assert_eq!(ranged["ContentRange"], "bytes 6-10/12", "{ranged}");
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "world");
    let listed = emulator.aws("s3", &["ls", "s3://photos/", "--recursive"]);
    let listed = String::from_utf8_lossy(&listed.stdout).into_owned();
    assert!(listed.contains(" 12 2026/hello.txt") && listed.contains(" 12 notes/a b.txt"), "{listed}");
    let prefixes = stdout(&emulator.aws(
        "s3api",
        &["list-objects-v2", "--bucket", "photos", "--delimiter", "/", "--query", "CommonPrefixes[].Prefix"],
    ));
    assert_eq!(prefixes, json!(["2026/", "notes/"]));

    assert_eq!(
        stderr(&emulator.aws("s3api", &["get-object", "--bucket", "photos", "--key", "absent", out.to_str().unwrap()])),
        "An error occurred (NoSuchKey) when calling the GetObject operation: The specified key does not exist."
    );
    assert_eq!(
        stderr(&emulator.aws("s3api", &["list-objects-v2", "--bucket", "videos"])),
        "An error occurred (NoSuchBucket) when calling the ListObjectsV2 operation: The specified bucket does not \
         exist."
    );
    assert_eq!(
        stdout(&emulator.aws("s3api", &["get-object-tagging", "--bucket", "photos", "--key", "2026/hello.txt"])),
        json!({"TagSet": []})
    );
    assert_eq!(
        stdout(&emulator.aws("s3api", &["delete-object", "--bucket", "photos", "--key", "2026/hello.txt"])),
        Value::Null
    );
    let keys = stdout(&emulator.aws("s3api", &["list-objects-v2", "--bucket", "photos", "--query", "Contents[].Key"]));
    assert_eq!(keys, json!(["notes/a b.txt"]));

    // SNS: awsQuery, on the same port.
    let topic = stdout(&emulator.aws("sns", &["create-topic", "--name", "orders"]))["TopicArn"].take();
    assert_eq!(topic, "arn:aws:sns:us-east-1:000000000000:orders");
    let topics = stdout(&emulator.aws("sns", &["list-topics", "--query", "Topics[].TopicArn"]));
    assert_eq!(topics, json!([topic]));
    let published =
        stdout(&emulator.aws("sns", &["publish", "--topic-arn", topic.as_str().unwrap(), "--message", "hi"]));
    assert!(published["MessageId"].as_str().is_some_and(|id| id.len() == 36), "{published}");
    assert_eq!(
        stderr(
            &emulator.aws(
                "sns",
                &["publish", "--topic-arn", "arn:aws:sns:us-east-1:000000000000:absent", "--message", "hi"]
            )
        ),
        "An error occurred (NotFound) when calling the Publish operation: Topic does not exist"
    );
    assert_eq!(
        stderr(&emulator.aws("sns", &["create-topic", "--name", "no spaces"])),
        "An error occurred (InvalidParameter) when calling the CreateTopic operation: Invalid parameter: Topic Name"
    );
    // An action outside the emulator's slice of the model.
    assert_eq!(
        stderr(&emulator.aws("sns", &["list-platform-applications"])),
        "An error occurred (InvalidAction) when calling the ListPlatformApplications operation: \
         The action ListPlatformApplications is not valid for this web service."
    );

    // EC2: ec2Query.
    let regions = stdout(&emulator.aws(
        "ec2",
        &["describe-regions", "--region-names", "eu-west-1", "us-east-1", "--query", "Regions[].Endpoint"],
    ));
    assert_eq!(regions, json!(["ec2.eu-west-1.amazonaws.com", "ec2.us-east-1.amazonaws.com"]));
    assert_eq!(
        stderr(&emulator.aws("ec2", &["describe-regions", "--region-names", "mars-east-1"])),
        "An error occurred (InvalidParameterValue) when calling the DescribeRegions operation: Invalid region: \
         mars-east-1"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Three services from two separately generated crates on one port, driven
/// by one awscli endpoint, and a target that none of them has.
#[test]
fn one_port_for_every_service() {
    let emulator = Emulator::start();
    stdout(&emulator.ssm(&["put-parameter", "--name", "table", "--value", "Music", "--type", "String"]));
    let table = stdout(&emulator.ssm(&["get-parameter", "--name", "table"]))["Parameter"]["Value"].take();
    let create = [
        "create-table",
        "--table-name",
        table.as_str().unwrap(),
        "--attribute-definitions",
        "AttributeName=Artist,AttributeType=S",
        "--key-schema",
        "AttributeName=Artist,KeyType=HASH",
        "--billing-mode",
        "PAY_PER_REQUEST",
    ];
    stdout(&emulator.dynamodb(&create));
    let queue = stdout(&emulator.sqs(&["create-queue", "--queue-name", "jobs"]))["QueueUrl"].take();
    assert_eq!(queue, json!(format!("{}/000000000000/jobs", emulator.url)));
    assert_eq!(stdout(&emulator.dynamodb(&["list-tables"])), json!({ "TableNames": ["Music"] }));
    assert_eq!(stdout(&emulator.sqs(&["list-queues"])), json!({ "QueueUrls": [queue] }));
    let kms = stderr(&emulator.aws("kms", &["list-keys"]));
    assert!(
        kms.starts_with("An error occurred (UnknownOperationException) when calling the ListKeys operation"),
        "{kms}"
    );
}

/// Runs `tests/clients/<script>` against a fresh emulator: it must end by
/// printing `says`.
fn python_session(script: &str, says: &str) {
    let emulator = Emulator::start();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/clients").join(script);
    let output = Command::new("python3").arg(script).arg(&emulator.url).output().expect("python3 is installed");
    assert!(
        output.status.success(),
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&output.stdout).trim(), says);
}

/// Every service's state through `kill -9`: boto3 writes to each (and
/// meets AWS's limits on the way), the emulator is killed and started again
/// on the same data directory, and boto3 reads it all back.
#[test]
fn every_service_keeps_its_state_through_kill_9() {
    let dir = std::env::temp_dir().join(format!("emulator-state-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let data_dir = dir.to_str().unwrap();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/clients/state_session.py");
    for phase in ["write", "read"] {
        let (emulator, _) = Emulator::start_with(&["--data-dir", data_dir], None);
        let kept = dir.with_extension("version");
        let output = Command::new("python3").arg(&script).arg(&emulator.url).arg(phase).arg(&kept).output().unwrap();
        assert!(
            output.status.success(),
            "{phase}: {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        assert_eq!(String::from_utf8_lossy(&output.stdout).trim(), if phase == "write" { "written" } else { "read" });
        // Dropped: killed with SIGKILL, nothing flushed at exit.
    }
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_file(dir.with_extension("version"));
}

#[test]
fn boto3_session() {
    python_session("boto3_session.py", "boto3 session: ok");
}

#[test]
fn boto3_logs_live_tail() {
    python_session("logs_session.py", "logs session: ok");
}

/// The state budget holds for S3's bodies kept in memory: a put past it is
/// refused with a message naming the flag, and a delete gives its share back.
#[test]
fn s3_bodies_in_memory_are_charged_to_the_state_budget() {
    let (emulator, _) = Emulator::start_with(&["--max-state-bytes", "1MiB", "--services", "s3"], None);
    let file = std::env::temp_dir().join(format!("emulator-budget-{}", std::process::id()));
    std::fs::write(&file, vec![7u8; 600_000]).unwrap();
    let file = file.to_str().unwrap();
    let put = |key: &str| emulator.aws("s3api", &["put-object", "--bucket", "budget", "--key", key, "--body", file]);
    stdout(&emulator.aws("s3api", &["create-bucket", "--bucket", "budget"]));
    stdout(&put("one"));
    let refused = stderr(&put("two"));
    assert!(refused.contains("(QuotaExceeded)") && refused.contains("--max-state-bytes"), "{refused}");
    assert_eq!(admin(&emulator.url, "GET", "/_emulator/health", None).1["state"]["bytes"], 600_000);
    stdout(&emulator.aws("s3api", &["delete-object", "--bucket", "budget", "--key", "one"]));
    stdout(&put("two"));
    let _ = std::fs::remove_file(file);
}

/// S3's versions (enabled, deleted, suspended), checksums, conditional and
/// part reads, presigned uploads and virtual-hosted requests, from boto3.
#[test]
fn boto3_s3_versions_checksums_and_conditions() {
    python_session("s3_versions_session.py", "s3 versions session: ok");
}

/// SQS's FIFO queues, batches, visibility, dead-letter queues and move
/// tasks, attributes, tags and permissions, from boto3.
#[test]
fn boto3_sqs_fifo_batches_and_dead_letters() {
    python_session("sqs_session.py", "sqs session: ok");
}

/// SNS fanning out to SQS queues and an HTTP endpoint, with filter
/// policies, raw delivery, batches and FIFO topics, from boto3.
#[test]
fn boto3_sns_fans_out_to_queues_and_endpoints() {
    python_session("sns_session.py", "sns session: ok");
}

/// DynamoDB's expression language from boto3: conditional writes,
/// UpdateItem, DeleteItem, projections, Query and Scan with their pages,
/// secondary indexes, batches and transactions, and DynamoDB's messages for
/// what it refuses.
#[test]
fn boto3_dynamodb_expressions_queries_and_scans() {
    python_session("dynamodb_session.py", "dynamodb session: ok");
}

#[test]
fn boto3_s3_select() {
    python_session("s3_select_session.py", "s3 select session: ok");
}

/// One raw HTTP/1.1 POST in awsJson `version` (`1.0`, `1.1`): (status,
/// headers in lower case, JSON body).
fn post(url: &str, version: &str, target: &str, body: &str) -> (u16, String, Value) {
    let address = url.trim_start_matches("http://");
    let mut stream = TcpStream::connect(address).unwrap();
    let head = format!(
        "POST / HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/x-amz-json-{version}\r\nX-Amz-Target: {target}\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(body.as_bytes()).unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let (head, body) = response.split_once("\r\n\r\n").unwrap_or_else(|| panic!("{response}"));
    let status = head.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or_else(|| panic!("{head}"));
    (status, head.to_ascii_lowercase(), serde_json::from_str(body).unwrap_or(Value::Null))
}

/// One raw HTTP/1.1 request for S3 (`head` its method, target and extra
/// headers): (status, body).
fn s3_raw(url: &str, head: &str, body: &[u8]) -> (u16, String) {
    let (status, _, body) = s3_raw_with_head(url, head, body);
    (status, body)
}

/// [`s3_raw`], with the response's head.
fn s3_raw_with_head(url: &str, head: &str, body: &[u8]) -> (u16, String, String) {
    let address = url.trim_start_matches("http://");
    let mut stream = TcpStream::connect(address).unwrap();
    let head = format!("{head}\r\nHost: {address}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", body.len());
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(body).unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let (head, body) = response.split_once("\r\n\r\n").unwrap_or_else(|| panic!("{response}"));
    let status = head.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or_else(|| panic!("{head}"));
    (status, head.to_ascii_lowercase(), body.to_string())
}

/// aws-chunked uploads as SDKs stream them over TLS (unsigned chunks, a
/// CRC32 trailer), checked by the router: a good one is stored decoded; a
/// wrong trailer, a chunk whose size lies, a wrong Content-MD5 are S3's
/// errors, and store nothing.
#[test]
fn aws_chunked_uploads_are_decoded_and_checked() {
    let emulator = Emulator::start();
    let url = &emulator.url;
    assert_eq!(s3_raw(url, "PUT /uploads HTTP/1.1", b"").0, 200);
    let chunked = "PUT /uploads/{key} HTTP/1.1\r\nContent-Encoding: aws-chunked\r\n\
                   X-Amz-Content-Sha256: STREAMING-UNSIGNED-PAYLOAD-TRAILER\r\nX-Amz-Decoded-Content-Length: 12\r\n\
                   X-Amz-Trailer: x-amz-checksum-crc32";
    let put = |key: &str, body: &str| s3_raw(url, &chunked.replace("{key}", key), body.as_bytes());
    let good = "5\r\nhello\r\n7\r\n world\n\r\n0\r\nx-amz-checksum-crc32:rwg7LQ==\r\n\r\n";
    let (status, head, body) = s3_raw_with_head(url, &chunked.replace("{key}", "good"), good.as_bytes());
    assert_eq!(status, 200, "{body}");
    // The trailer's checksum reached the handler, which answers with it.
    assert!(head.contains("x-amz-checksum-crc32: rwg7lq=="), "{head}");
    assert_eq!(s3_raw(url, "GET /uploads/good HTTP/1.1", b""), (200, "hello world\n".to_string()));

    let (status, body) =
        put("bad-trailer", "5\r\nhello\r\n7\r\n world\n\r\n0\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n");
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("<Code>BadDigest</Code>"), "{body}");
    let (status, body) = put("lying-size", "9\r\nhello\r\n0\r\n\r\n");
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("<Code>IncompleteBody</Code>") && !body.contains("hello"), "{body}");
    let md5 = "PUT /uploads/bad-md5 HTTP/1.1\r\nContent-MD5: b1kCrCNwJL3QwXbLkwY9xA==";
    let (status, body) = s3_raw(url, md5, b"hello world!");
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("<Code>BadDigest</Code>"), "{body}");
    let (_, listing) = s3_raw(url, "GET /uploads?list-type=2 HTTP/1.1", b"");
    assert!(listing.contains("<Key>good</Key>") && listing.contains("<KeyCount>1</KeyCount>"), "{listing}");
}

#[test]
fn the_wire() {
    let emulator = Emulator::start();
    // DynamoDB in awsJson 1.0.
    let (status, head, body) = post(&emulator.url, "1.0", "DynamoDB_20120810.ListTables", "{}");
    assert_eq!((status, body), (200, json!({"TableNames": []})));
    assert!(head.contains("content-type: application/x-amz-json-1.0"), "{head}");
    // SSM, from the other generated crate, on the same port in awsJson 1.1.
    let (status, head, body) = post(&emulator.url, "1.1", "AmazonSSM.GetParameter", r#"{"Name": "absent"}"#);
    assert_eq!((status, body), (400, json!({"__type": "ParameterNotFound"})));
    assert!(head.contains("content-type: application/x-amz-json-1.1"), "{head}");
    assert!(head.contains("x-amzn-requestid: "), "{head}");
    // A target no service has.
    let (status, _, body) = post(&emulator.url, "1.0", "TrentService.ListKeys", "{}");
    assert_eq!((status, body["__type"].as_str()), (400, Some("UnknownOperationException")));
    // awsQuery-compatible errors carry their awsQuery code in a header.
    let (status, head, body) = post(
        &emulator.url,
        "1.0",
        "AmazonSQS.ReceiveMessage",
        &json!({"QueueUrl": format!("{}/000000000000/none", emulator.url)}).to_string(),
    );
    // awsJson1.0 names a modelled error by its shape id, as SQS itself does.
    assert_eq!((status, body["__type"].as_str()), (400, Some("com.amazonaws.sqs#QueueDoesNotExist")));
    assert!(head.contains("x-amzn-query-error: aws.simplequeueservice.nonexistentqueue;sender"), "{head}");
    // An unimplemented operation is a 501.
    let (status, _, body) =
        post(&emulator.url, "1.0", "DynamoDB_20120810.CreateBackup", r#"{"TableName": "t", "BackupName": "nightly"}"#);
    assert_eq!((status, body["__type"].as_str()), (501, Some("NotImplemented")));
    // A request that breaks the model is refused before any check of the emulator's.
    let (status, _, body) = post(&emulator.url, "1.0", "DynamoDB_20120810.PutItem", r#"{"TableName": "t"}"#);
    assert_eq!((status, body["__type"].as_str()), (400, Some("ValidationException")), "{body}");
    let (status, _, body) = post(&emulator.url, "1.0", "DynamoDB_20120810.PutItem", r#"{"TableName": 7, "Item": {}}"#);
    assert_eq!((status, body["__type"].as_str()), (400, Some("SerializationException")), "{body}");
}

/// SIGINT (Ctrl-C) and SIGTERM (`docker stop`, systemd) both stop it
/// gracefully: a request whose body was half-sent when the signal came is
/// still answered, then it exits. SIGTERM killed it at once, mid-request.
#[test]
fn sigint_and_sigterm_stop_the_emulator_once_requests_in_flight_are_answered() {
    for signal in ["-INT", "-TERM"] {
        let mut emulator = Emulator::start();
        let address = emulator.url.trim_start_matches("http://").to_string();
        let body = r#"{"Limit": 1}"#;
        let mut stream = TcpStream::connect(&address).unwrap();
        write!(
            stream,
            "POST / HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/x-amz-json-1.0\r\nX-Amz-Target: DynamoDB_20120810.ListTables\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{}",
            body.len(),
            &body[..5]
        )
        .unwrap();
        std::thread::sleep(Duration::from_millis(200));
        let pid = emulator.child.id().to_string();
        assert!(Command::new("kill").args([signal, &pid]).status().unwrap().success());
        std::thread::sleep(Duration::from_millis(200));
        stream.write_all(&body.as_bytes()[5..]).unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).unwrap();
        assert!(response.starts_with("HTTP/1.1 200"), "{signal}: {response}");
        let deadline = Instant::now() + Duration::from_secs(10);
        let status = loop {
            if let Some(status) = emulator.child.try_wait().unwrap() {
                break status;
            }
            assert!(Instant::now() < deadline, "the emulator did not stop on {signal}");
            std::thread::sleep(Duration::from_millis(50));
        };
        assert!(status.success(), "{signal}: {status}");
        assert!(TcpStream::connect(&address).is_err(), "{address} still accepts connections");
    }
}

/// Errors quote at most an excerpt of what a client sent: a 1 MB receipt
/// handle came back whole in DeleteMessage's error, and so did the
/// emulator's other checks' subjects.
#[test]
fn no_error_quotes_a_clients_input_whole() {
    let emulator = Emulator::start();
    let url = &emulator.url;
    let huge = "h".repeat(1 << 20);
    let (status, _, created) = post(url, "1.0", "AmazonSQS.CreateQueue", r#"{"QueueName": "echo"}"#);
    assert_eq!(status, 200, "{created}");
    let queue = created["QueueUrl"].as_str().unwrap();
    let answers = [
        post(url, "1.0", "AmazonSQS.DeleteMessage", &json!({"QueueUrl": queue, "ReceiptHandle": huge}).to_string()),
        post(
            url,
            "1.0",
            "AmazonSQS.SendMessage",
            &json!({"QueueUrl": queue, "MessageBody": "x", "MessageAttributes": {huge.clone(): {"DataType": huge}}})
                .to_string(),
        ),
    ];
    let table = json!({
        "TableName": "Numbers",
        "AttributeDefinitions": [{"AttributeName": "n", "AttributeType": "N"}],
        "KeySchema": [{"AttributeName": "n", "KeyType": "HASH"}],
        "BillingMode": "PAY_PER_REQUEST",
    });
    assert_eq!(post(url, "1.0", "DynamoDB_20120810.CreateTable", &table.to_string()).0, 200);
    let item = json!({"TableName": "Numbers", "Item": {"n": {"N": huge}}}).to_string();
    let put = post(url, "1.0", "DynamoDB_20120810.PutItem", &item);
    for (status, _, body) in answers.iter().chain([&put]) {
        assert!(matches!(status, 400 | 404), "{status}: {body}");
        let message = body["message"].as_str().unwrap_or_default();
        assert!(!message.is_empty() && message.len() < 400, "{} bytes: {}", message.len(), &message[..100]);
    }
}

/// The botocore release the query leg uses: the last before CloudWatch's
/// model listed RPC v2 CBOR or JSON (its CloudWatch speaks awsQuery only).
const OLD_BOTOCORE: &str = "1.34.162";

/// A virtual environment holding boto3 and botocore `OLD_BOTOCORE`, made on
/// first use under `target/` (pip from PyPI, as `.ci/run` installs awscli).
fn old_botocore_python() -> std::path::PathBuf {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("../../target/botocore-{OLD_BOTOCORE}"));
    let python = dir.join("bin/python");
    let ready = dir.join("ready");
    if !ready.exists() {
        let made = Command::new("python3").args(["-m", "venv"]).arg(&dir).status().expect("python3 is installed");
        assert!(made.success(), "python3 -m venv {} failed (Debian: apt-get install python3-venv)", dir.display());
        let pins = [format!("boto3=={OLD_BOTOCORE}"), format!("botocore=={OLD_BOTOCORE}")];
        let installed = Command::new(&python)
            .args(["-m", "pip", "install", "--quiet", "--disable-pip-version-check"])
            .args(&pins)
            .status()
            .unwrap();
        assert!(installed.success(), "pip install {pins:?} failed");
        std::fs::write(&ready, "").unwrap();
    }
    python
}

/// Runs the CloudWatch session with `python`, which must speak `protocol`.
fn cloudwatch_session(emulator: &Emulator, python: &std::path::Path, protocol: &str) -> String {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/clients/cloudwatch_session.py");
    let output = Command::new(python).arg(script).arg(&emulator.url).arg(protocol).output().unwrap();
    let (out, err) = (String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    assert!(output.status.success(), "{out}{err}");
    out.trim().to_string()
}

#[test]
fn cloudwatch_answers_each_sdk_in_the_protocol_it_speaks() {
    // The installed boto3 as it is (awsJson1.0, botocore's preference), the
    // same with its CBOR serializer and parser preferred, and one from
    // before CloudWatch spoke anything but awsQuery. Each gets its own
    // emulator: the session expects an empty CloudWatch.
    let python3 = std::path::Path::new("python3");
    for protocol in ["json", "rpc-v2-cbor"] {
        let said = cloudwatch_session(&Emulator::start(), python3, protocol);
        assert!(said.ends_with(&format!("{protocol}): ok")), "{said}");
    }
    let emulator = Emulator::start();
    let said = cloudwatch_session(&emulator, &old_botocore_python(), "query");
    assert_eq!(said, format!("cloudwatch session ({OLD_BOTOCORE}, query): ok"));

    // awscli sees what the old boto3 put, in the protocol its botocore
    // prefers, and raw awsJson1.0 reaches the same store.
    let put =
        emulator.aws("cloudwatch", &["put-metric-data", "--namespace", "Cli", "--metric-name", "Hits", "--value", "2"]);
    assert_eq!(stdout(&put), Value::Null);
    let listed = emulator.aws("cloudwatch", &["list-metrics", "--namespace", "Cli", "--debug"]);
    let debug = String::from_utf8_lossy(&listed.stderr);
    assert!(
        debug.contains("'X-Amz-Target': b'GraniteServiceVersion20100801.ListMetrics'"),
        "awscli did not send awsJson"
    );
    assert_eq!(stdout(&listed)["Metrics"], json!([{"Namespace": "Cli", "MetricName": "Hits"}]));
    let (status, headers, body) =
        post(&emulator.url, "1.0", "GraniteServiceVersion20100801.ListMetrics", r#"{"Namespace":"App"}"#);
    assert_eq!(status, 200, "{headers}");
    assert_eq!(body["Metrics"].as_array().map(Vec::len), Some(2), "{body}");
}

/// One raw HTTP/1.1 request for the emulator's own endpoints, for `host`:
/// (status, JSON body).
fn admin(url: &str, method: &str, path: &str, host: Option<&str>) -> (u16, Value) {
    let address = url.trim_start_matches("http://");
    let head = format!("{method} {path} HTTP/1.1\r\nHost: {}", host.unwrap_or(address));
    let mut stream = TcpStream::connect(address).unwrap();
    let head = format!("{head}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    stream.write_all(head.as_bytes()).unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let (head, body) = response.split_once("\r\n\r\n").unwrap_or_else(|| panic!("{response}"));
    let status = head.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or_else(|| panic!("{head}"));
    assert!(head.to_ascii_lowercase().contains("content-type: application/json"), "{head}");
    (status, serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {body}")))
}

/// The emulator's own endpoints and habits, as CI scripts and test
/// containers use them: a subset of services, a banner ending `Ready.`, the
/// health check at both paths, resets of one service and of all, and a
/// log line per call.
#[test]
fn health_reset_subsets_and_the_call_log() {
    let log = std::env::temp_dir().join(format!("emulator-log-{}.txt", std::process::id()));
    let (emulator, banner) = Emulator::start_with(&["--services", "s3,sqs"], Some(&log));
    assert_eq!(banner.last().map(String::as_str), Some("Ready."), "{banner:?}");
    assert!(banner.iter().any(|line| line.trim() == "services: s3, sqs"), "{banner:?}");

    for path in ["/_emulator/health", "/_localstack/health"] {
        let (status, health) = admin(&emulator.url, "GET", path, None);
        assert_eq!(status, 200, "{path}");
        assert_eq!(health["services"]["s3"], "running", "{health}");
        assert_eq!(health["services"]["sqs"], "running", "{health}");
        assert_eq!(health["services"]["dynamodb"], "disabled", "{health}");
        assert_eq!(health["services"].as_object().map(|s| s.len()), Some(10), "{health}");
    }
    // A service left out is not served.
    assert!(stderr(&emulator.dynamodb(&["list-tables"])).contains("UnknownOperationException"));

    // Reset one service: S3's buckets go, SQS's queues stay.
    stdout(&emulator.aws("s3api", &["create-bucket", "--bucket", "kept-until-reset"]));
    stdout(&emulator.sqs(&["create-queue", "--queue-name", "survivor"]));
    assert_eq!(admin(&emulator.url, "POST", "/_emulator/reset/s3", None), (200, json!({"reset": ["s3"]})));
    assert_eq!(stdout(&emulator.aws("s3api", &["list-buckets"]))["Buckets"], json!([]));
    assert_eq!(stdout(&emulator.sqs(&["list-queues"]))["QueueUrls"].as_array().map(Vec::len), Some(1));
    // Reset all.
    assert_eq!(admin(&emulator.url, "POST", "/_emulator/reset", None), (200, json!({"reset": ["s3", "sqs"]})));
    assert_eq!(stdout(&emulator.sqs(&["list-queues"])), Value::Null);
    assert_eq!(admin(&emulator.url, "POST", "/_emulator/reset?service=sqs", None).0, 200);

    // What is not an endpoint, a service not running, a wrong method, and a
    // host the emulator does not answer (no DNS rebinding to the reset).
    let (status, refused) = admin(&emulator.url, "POST", "/_emulator/reset/dynamodb", None);
    assert_eq!(status, 400, "{refused}");
    assert!(!refused.to_string().contains("dynamodb"), "the name is not echoed: {refused}");
    assert_eq!(admin(&emulator.url, "GET", "/_emulator/reset", None).0, 405);
    assert_eq!(admin(&emulator.url, "GET", "/_emulator/nothing", None).0, 404);
    assert_eq!(admin(&emulator.url, "POST", "/_emulator/reset", Some("attacker.example")).0, 403);

    // One line per call: service, operation, status, time.
    drop(emulator);
    let log = std::fs::read_to_string(&log).unwrap();
    for call in ["s3.CreateBucket => 200", "sqs.CreateQueue => 200", "s3.ListBuckets => 200", "sqs.ListQueues => 200"] {
        assert!(
            log.lines().any(|line| line.contains(" INFO ") && line.contains(call) && line.ends_with(" ms)")),
            "{call}: {log}"
        );
    }
}

/// With `--data-dir`, S3's state outlives the process: what was
/// acknowledged before a `kill -9` (how `Drop` stops the emulator) is there
/// after a restart, bodies byte for byte with their metadata; a reset
/// empties the directory too.
#[test]
fn s3_state_survives_kill_9_with_a_data_dir() {
    let dir = std::env::temp_dir().join(format!("emulator-data-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let data_dir = dir.to_str().unwrap();
    let file = dir.with_extension("body");
    let body: Vec<u8> = (0..200_000u32).map(|i| (i * 7 % 251) as u8).collect();
    std::fs::write(&file, &body).unwrap();
    let file = file.to_str().unwrap();
    let e_tag = {
        let (emulator, _) = Emulator::start_with(&["--data-dir", data_dir], None);
        stdout(&emulator.aws("s3api", &["create-bucket", "--bucket", "durable"]));
        let put = [
            "put-object",
            "--bucket",
            "durable",
            "--key",
            "dir/object.bin",
            "--body",
            file,
            "--content-type",
            "application/x-test",
            "--metadata",
            "colour=blue",
        ];
        let e_tag = stdout(&emulator.aws("s3api", &put))["ETag"].clone();
        for key in ["gone", "kept"] {
            stdout(&emulator.aws("s3api", &["put-object", "--bucket", "durable", "--key", key, "--body", file]));
        }
        stdout(&emulator.aws("s3api", &["delete-object", "--bucket", "durable", "--key", "gone"]));
        e_tag
    };
    let (emulator, _) = Emulator::start_with(&["--data-dir", data_dir], None);
    let listed = stdout(&emulator.aws("s3api", &["list-objects-v2", "--bucket", "durable"]));
    let keys: Vec<&str> = listed["Contents"].as_array().unwrap().iter().map(|o| o["Key"].as_str().unwrap()).collect();
    assert_eq!(keys, ["dir/object.bin", "kept"]);
    let head = stdout(&emulator.aws("s3api", &["head-object", "--bucket", "durable", "--key", "dir/object.bin"]));
    assert_eq!(head["ETag"], e_tag);
    assert_eq!(head["ContentType"], "application/x-test");
    assert_eq!(head["Metadata"], json!({"colour": "blue"}));
    assert_eq!(head["ContentLength"], 200_000);
    let out = dir.with_extension("out");
    let get = ["get-object", "--bucket", "durable", "--key", "dir/object.bin", "--range", "bytes=100-199999"];
    stdout(&emulator.aws("s3api", &[&get[..], &[out.to_str().unwrap()]].concat()));
    assert_eq!(std::fs::read(&out).unwrap(), &body[100..]);
    // Three bodies were written, one deleted: two files are left.
    assert_eq!(std::fs::read_dir(dir.join("bodies")).unwrap().count(), 2);
    assert_eq!(admin(&emulator.url, "POST", "/_emulator/reset/s3", None).0, 200);
    assert_eq!(std::fs::read_dir(dir.join("bodies")).unwrap().count(), 0);
    drop(emulator);
    let (emulator, _) = Emulator::start_with(&["--data-dir", data_dir], None);
    assert_eq!(stdout(&emulator.aws("s3api", &["list-buckets"]))["Buckets"], json!([]));
    drop(emulator);
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::remove_file(file);
    let _ = std::fs::remove_file(out);
}

/// awscli's own S3 commands, as people run them, in memory and with a data
/// directory: `cp` of a 20 MiB file (a multipart upload of three parts, its
/// ETag S3's), `cp` back byte for byte, `sync` of a tree, `ls --recursive`,
/// a copy within S3, `rm --recursive` and `presign`, fetched with plain HTTP.
#[test]
fn awscli_s3_commands_in_memory_and_on_disk() {
    let work = std::env::temp_dir().join(format!("emulator-s3-cli-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&work);
    let tree = work.join("tree");
    std::fs::create_dir_all(tree.join("a/b")).unwrap();
    for (name, text) in [("a/b/one.txt", "1"), ("a/b/two.txt", "2"), ("a/three.txt", "3"), ("top.txt", "top")] {
        std::fs::write(tree.join(name), text).unwrap();
    }
    let big: Vec<u8> = (0..20u32 << 20).map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8).collect();
    let big_file = work.join("big.bin");
    std::fs::write(&big_file, &big).unwrap();
    let data = work.join("data");
    for args in [vec![], vec!["--data-dir", data.to_str().unwrap()]] {
        let (emulator, _) = Emulator::start_with(&args, None);
        let s3 = |args: &[&str]| emulator.aws("s3", args);
        assert!(s3(&["mb", "s3://cli"]).status.success());
        let cp = s3(&["cp", big_file.to_str().unwrap(), "s3://cli/big.bin"]);
        assert!(cp.status.success(), "{}", String::from_utf8_lossy(&cp.stderr));
        let head = stdout(&emulator.aws("s3api", &["head-object", "--bucket", "cli", "--key", "big.bin"]));
        assert!(head["ETag"].as_str().unwrap().ends_with("-3\""), "a three-part upload's ETag: {head}");
        assert_eq!(head["ContentLength"], 20 << 20);
        let back = work.join("back.bin");
        assert!(s3(&["cp", "s3://cli/big.bin", back.to_str().unwrap()]).status.success());
        assert!(std::fs::read(&back).unwrap() == big, "the object read back is the file");
        // No upload is left under way.
        let uploads = stdout(&emulator.aws("s3api", &["list-multipart-uploads", "--bucket", "cli"]));
        assert!(uploads.get("Uploads").is_none_or(|u| u.as_array().is_some_and(Vec::is_empty)), "{uploads}");

        assert!(s3(&["sync", tree.to_str().unwrap(), "s3://cli/tree"]).status.success());
        let listed = s3(&["ls", "--recursive", "s3://cli/tree/"]);
        let listed = String::from_utf8_lossy(&listed.stdout).into_owned();
        assert_eq!(listed.lines().count(), 4, "{listed}");
        assert!(listed.contains("tree/a/b/two.txt"), "{listed}");
        // A second sync sends nothing.
        let again = s3(&["sync", tree.to_str().unwrap(), "s3://cli/tree"]);
        assert!(String::from_utf8_lossy(&again.stdout).trim().is_empty());
        assert!(s3(&["cp", "s3://cli/tree/top.txt", "s3://cli/copy.txt"]).status.success());
        let removed = s3(&["rm", "--recursive", "s3://cli/tree"]);
        assert_eq!(String::from_utf8_lossy(&removed.stdout).matches("delete:").count(), 4);
        let left = String::from_utf8_lossy(&s3(&["ls", "s3://cli"]).stdout).into_owned();
        assert!(left.contains("copy.txt") && left.contains("big.bin") && !left.contains("tree"), "{left}");

        let presigned = s3(&["presign", "s3://cli/copy.txt", "--expires-in", "60"]);
        let url = String::from_utf8_lossy(&presigned.stdout).trim().to_string();
        let target = url.strip_prefix(&emulator.url).unwrap_or_else(|| panic!("{url}"));
        let (status, body) = s3_raw(&emulator.url, &format!("GET {target} HTTP/1.1"), b"");
        assert_eq!((status, body.as_str()), (200, "top"));
    }
    let _ = std::fs::remove_dir_all(&work);
}

/// A multipart upload interrupted by `kill -9` goes on after a restart on
/// the same data directory: the parts acknowledged are there, and the
/// upload completes into the object.
#[test]
fn a_multipart_upload_survives_kill_9() {
    let work = std::env::temp_dir().join(format!("emulator-mpu-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work).unwrap();
    let data = work.join("data");
    let args = ["--data-dir", data.to_str().unwrap()];
    let part_one: Vec<u8> = vec![1; 5 << 20];
    let part_two: Vec<u8> = vec![2; 1000];
    let (one, two) = (work.join("one"), work.join("two"));
    std::fs::write(&one, &part_one).unwrap();
    std::fs::write(&two, &part_two).unwrap();
    let (upload, e_tag_one) = {
        let (emulator, _) = Emulator::start_with(&args, None);
        stdout(&emulator.aws("s3api", &["create-bucket", "--bucket", "mpu"]));
        let created =
            stdout(&emulator.aws("s3api", &["create-multipart-upload", "--bucket", "mpu", "--key", "joined"]));
        let upload = created["UploadId"].as_str().unwrap().to_string();
        let part = ["upload-part", "--bucket", "mpu", "--key", "joined", "--upload-id", &upload, "--part-number", "1"];
        let sent = stdout(&emulator.aws("s3api", &[&part[..], &["--body", one.to_str().unwrap()]].concat()));
        (upload, sent["ETag"].as_str().unwrap().to_string())
        // Dropped: SIGKILL.
    };
    let (emulator, _) = Emulator::start_with(&args, None);
    let parts =
        stdout(&emulator.aws("s3api", &["list-parts", "--bucket", "mpu", "--key", "joined", "--upload-id", &upload]));
    assert_eq!(parts["Parts"][0]["ETag"], e_tag_one.as_str(), "{parts}");
    assert_eq!(parts["Parts"][0]["Size"], 5 << 20);
    let part = ["upload-part", "--bucket", "mpu", "--key", "joined", "--upload-id", &upload, "--part-number", "2"];
    let e_tag_two = stdout(&emulator.aws("s3api", &[&part[..], &["--body", two.to_str().unwrap()]].concat()))["ETag"]
        .as_str()
        .unwrap()
        .to_string();
    let layout = json!({"Parts": [{"PartNumber": 1, "ETag": e_tag_one}, {"PartNumber": 2, "ETag": e_tag_two}]});
    let complete = [
        "complete-multipart-upload",
        "--bucket",
        "mpu",
        "--key",
        "joined",
        "--upload-id",
        &upload,
        "--multipart-upload",
        &layout.to_string(),
    ];
    let completed = stdout(&emulator.aws("s3api", &complete));
    assert!(completed["ETag"].as_str().unwrap().ends_with("-2\""), "{completed}");
    let out = work.join("out");
    stdout(&emulator.aws("s3api", &["get-object", "--bucket", "mpu", "--key", "joined", out.to_str().unwrap()]));
    assert!(std::fs::read(&out).unwrap() == [part_one, part_two].concat());
    // The parts' files are gone with the upload: one body is left.
    assert_eq!(std::fs::read_dir(data.join("bodies")).unwrap().count(), 1);
    drop(emulator);
    let _ = std::fs::remove_dir_all(&work);
}

/// What S3 keeps beside objects, set and read with awscli, kept across a
/// restart on a data directory: bucket tags, versioning status, CORS rules
/// and policy; object tags (sent with the object or after); object
/// versions listed as a bucket never versioned lists them.
#[test]
fn s3_bucket_and_object_configuration() {
    let data = std::env::temp_dir().join(format!("emulator-s3-config-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&data);
    let args = ["--data-dir", data.to_str().unwrap()];
    let cors = r#"{"CORSRules":[{"AllowedMethods":["GET"],"AllowedOrigins":["*"],"MaxAgeSeconds":60}]}"#;
    let policy = r#"{"Version":"2012-10-17","Statement":[]}"#;
    {
        let (emulator, _) = Emulator::start_with(&args, None);
        let s3api = |args: &[&str]| emulator.aws("s3api", args);
        stdout(&s3api(&["create-bucket", "--bucket", "conf"]));
        let no_tags = stderr(&s3api(&["get-bucket-tagging", "--bucket", "conf"]));
        assert!(no_tags.contains("(NoSuchTagSet)"), "{no_tags}");
        assert_eq!(stdout(&s3api(&["get-bucket-versioning", "--bucket", "conf"])), Value::Null);
        assert!(stderr(&s3api(&["get-bucket-cors", "--bucket", "conf"])).contains("(NoSuchCORSConfiguration)"));
        assert!(stderr(&s3api(&["get-bucket-policy", "--bucket", "conf"])).contains("(NoSuchBucketPolicy)"));
        stdout(&s3api(&[
            "put-bucket-tagging",
            "--bucket",
            "conf",
            "--tagging",
            r#"{"TagSet":[{"Key":"team","Value":"a"}]}"#,
        ]));
        stdout(&s3api(&["put-bucket-versioning", "--bucket", "conf", "--versioning-configuration", "Status=Enabled"]));
        stdout(&s3api(&["put-bucket-cors", "--bucket", "conf", "--cors-configuration", cors]));
        stdout(&s3api(&["put-bucket-policy", "--bucket", "conf", "--policy", policy]));
        let bad = stderr(&s3api(&["put-bucket-policy", "--bucket", "conf", "--policy", "not json"]));
        assert!(bad.contains("(MalformedPolicy)"), "{bad}");
        stdout(&s3api(&["put-object", "--bucket", "conf", "--key", "tagged", "--tagging", "a=1&b=two%20words"]));
        stdout(&s3api(&["put-object", "--bucket", "conf", "--key", "later"]));
        stdout(&s3api(&[
            "put-object-tagging",
            "--bucket",
            "conf",
            "--key",
            "later",
            "--tagging",
            r#"{"TagSet":[{"Key":"k","Value":"v"}]}"#,
        ]));
        let twice = r#"{"TagSet":[{"Key":"k","Value":"1"},{"Key":"k","Value":"2"}]}"#;
        let refused = stderr(&s3api(&["put-object-tagging", "--bucket", "conf", "--key", "later", "--tagging", twice]));
        assert!(refused.contains("(InvalidTag)"), "{refused}");
    }
    let (emulator, _) = Emulator::start_with(&args, None);
    let s3api = |args: &[&str]| emulator.aws("s3api", args);
    assert_eq!(
        stdout(&s3api(&["get-bucket-tagging", "--bucket", "conf"]))["TagSet"],
        json!([{"Key": "team", "Value": "a"}])
    );
    assert_eq!(stdout(&s3api(&["get-bucket-versioning", "--bucket", "conf"]))["Status"], "Enabled");
    let rules = stdout(&s3api(&["get-bucket-cors", "--bucket", "conf"]));
    assert_eq!(rules["CORSRules"][0]["AllowedMethods"], json!(["GET"]), "{rules}");
    assert_eq!(rules["CORSRules"][0]["MaxAgeSeconds"], 60);
    assert_eq!(stdout(&s3api(&["get-bucket-policy", "--bucket", "conf"]))["Policy"], policy);
    assert_eq!(
        stdout(&s3api(&["get-object-tagging", "--bucket", "conf", "--key", "tagged"]))["TagSet"],
        json!([{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "two words"}])
    );
    assert_eq!(
        stdout(&s3api(&["get-object-tagging", "--bucket", "conf", "--key", "later"]))["TagSet"],
        json!([{"Key": "k", "Value": "v"}])
    );
    let versions = stdout(&s3api(&["list-object-versions", "--bucket", "conf"]));
    let keys: Vec<&str> = versions["Versions"].as_array().unwrap().iter().map(|v| v["Key"].as_str().unwrap()).collect();
    assert_eq!(keys, ["later", "tagged"]);
    // Written after versioning was enabled: versions with ids of their own.
    let id = versions["Versions"][0]["VersionId"].as_str().unwrap();
    assert!(id.len() == 32 && id.bytes().all(|b| b.is_ascii_hexdigit()), "{id}");
    stdout(&s3api(&["delete-bucket-tagging", "--bucket", "conf"]));
    stdout(&s3api(&["delete-bucket-cors", "--bucket", "conf"]));
    stdout(&s3api(&["delete-bucket-policy", "--bucket", "conf"]));
    stdout(&s3api(&["delete-object-tagging", "--bucket", "conf", "--key", "later"]));
    assert!(stderr(&s3api(&["get-bucket-tagging", "--bucket", "conf"])).contains("(NoSuchTagSet)"));
    assert_eq!(stdout(&s3api(&["get-object-tagging", "--bucket", "conf", "--key", "later"]))["TagSet"], json!([]));
    drop(emulator);
    let _ = std::fs::remove_dir_all(&data);
}
