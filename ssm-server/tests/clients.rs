//! Real AWS clients against the example server on a free loopback port:
//! awscli and boto3 (installed by `.ci/run`), and raw HTTP for what no
//! client sends.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Output};

use serde_json::Value;

struct Server {
    child: Child,
    url: String,
    address: String,
}

impl Server {
    fn start() -> Server {
        Server::start_with(&[])
    }

    fn start_with(args: &[&str]) -> Server {
        let (child, url) = common::spawn(args);
        let address = url.trim_start_matches("http://").to_string();
        Server { child, url, address }
    }

    fn aws(&self, args: &[&str]) -> Output {
        self.aws_as(("test", "test"), args)
    }

    /// awscli signing with this access key id and secret.
    fn aws_as(&self, key: (&str, &str), args: &[&str]) -> Output {
        self.aws_in("us-east-1", key, args)
    }

    /// awscli signing for `region`.
    fn aws_in(&self, region: &str, (key, secret): (&str, &str), args: &[&str]) -> Output {
        Command::new("aws")
            .args(["--endpoint-url", &self.url, "--region", region, "--output", "json", "ssm"])
            .args(args)
            .env("AWS_ACCESS_KEY_ID", key)
            .env("AWS_SECRET_ACCESS_KEY", secret)
            .env("AWS_CONFIG_FILE", "/nonexistent")
            .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
            .env("AWS_MAX_ATTEMPTS", "1")
            .env("AWS_PAGER", "")
            .output()
            .expect("awscli is installed (.ci/run installs it)")
    }

    /// One raw HTTP/1.1 request: (status, JSON body).
    fn raw(&self, method: &str, target: Option<&str>, body: &[u8]) -> (u16, Value) {
        self.raw_for(&self.address, method, target, body)
    }

    /// One raw HTTP/1.1 request naming `host`: (status, JSON body).
    fn raw_for(&self, host: &str, method: &str, target: Option<&str>, body: &[u8]) -> (u16, Value) {
        let mut stream = TcpStream::connect(&self.address).unwrap();
        let target = target.map(|t| format!("X-Amz-Target: {t}\r\n")).unwrap_or_default();
        let head = format!(
            "{method} / HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/x-amz-json-1.1; charset=utf-8\r\n{target}Content-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        );
        stream.write_all(head.as_bytes()).unwrap();
        let _ = stream.write_all(body);
        let mut response = Vec::new();
        let _ = stream.read_to_end(&mut response);
        let text = String::from_utf8_lossy(&response);
        let status = text.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or_else(|| panic!("{text}"));
        let body = text.split("\r\n\r\n").nth(1).unwrap_or("");
        (status, serde_json::from_str(body).unwrap_or(Value::Null))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn stdout(output: &Output) -> Value {
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout).unwrap()
}

fn stderr(output: &Output) -> String {
    assert!(!output.status.success(), "expected a failure: {}", String::from_utf8_lossy(&output.stdout));
    String::from_utf8_lossy(&output.stderr).trim().to_string()
}

#[test]
fn awscli_life_cycle_and_errors() {
    let server = Server::start();
    let created = stdout(&server.aws(&[
        "create-maintenance-window",
        "--name",
        "nightly",
        "--schedule",
        "cron(0 2 ? * SUN *)",
        "--duration",
        "2",
        "--cutoff",
        "1",
        "--allow-unassociated-targets",
    ]));
    let window = created["WindowId"].as_str().unwrap().to_string();
    let registered = stdout(&server.aws(&[
        "register-task-with-maintenance-window",
        "--window-id",
        &window,
        "--task-arn",
        "AWS-RunPatchBaseline",
        "--task-type",
        "RUN_COMMAND",
    ]));
    let task = registered["WindowTaskId"].as_str().unwrap().to_string();
    let deregister = ["deregister-task-from-maintenance-window", "--window-id", &window, "--window-task-id", &task];
    assert_eq!(stdout(&server.aws(&deregister)), serde_json::json!({"WindowId": window, "WindowTaskId": task}));
    assert_eq!(
        stderr(&server.aws(&deregister)),
        format!(
            "An error occurred (DoesNotExistException) when calling the DeregisterTaskFromMaintenanceWindow operation: Task {task} does not exist in maintenance window {window}"
        )
    );

    // Values botocore does not check client-side: a pattern and a maximum length.
    assert_eq!(
        stderr(&server.aws(&[
            "deregister-task-from-maintenance-window",
            "--window-id",
            "mw-0c50858d01EXAMPLE",
            "--window-task-id",
            &task
        ])),
        "An error occurred (ValidationException) when calling the DeregisterTaskFromMaintenanceWindow operation: 1 validation error detected. \
         Value at '/WindowId' failed to satisfy constraint: Member must satisfy regular expression pattern: ^mw-[0-9a-f]{17}$"
    );
    assert_eq!(
        stderr(&server.aws(&[
            "deregister-task-from-maintenance-window",
            "--window-id",
            "mw-0c50858d01abcdef012",
            "--window-task-id",
            &task
        ])),
        "An error occurred (ValidationException) when calling the DeregisterTaskFromMaintenanceWindow operation: 1 validation error detected. \
         Value with length 22 at '/WindowId' failed to satisfy constraint: Member must have length between 20 and 20, inclusive"
    );

    let execution = stdout(&server.aws(&[
        "get-maintenance-window-execution-task",
        "--window-execution-id",
        "b40a588d-32a7-4ea7-9a6b-b4ef436a1b2c",
        "--task-id",
        "0c9ac961-dafd-4a94-b6c7-1bef3a1b2c3d",
    ]));
    assert_eq!(execution["TaskArn"], "AWS-RunPatchBaseline");
    assert_eq!(execution["Status"], "SUCCESS");
    assert_eq!(execution["TaskParameters"][0]["Operation"]["Values"][0], "Scan");
    assert_eq!(execution.as_object().unwrap().len(), 15, "every member of the seed response: {execution}");
    let missing = stderr(&server.aws(&[
        "get-maintenance-window-execution-task",
        "--window-execution-id",
        "b40a588d-32a7-4ea7-9a6b-b4ef436a1b2d",
        "--task-id",
        "0c9ac961-dafd-4a94-b6c7-1bef3a1b2c3d",
    ]));
    assert!(
        missing.starts_with(
            "An error occurred (DoesNotExistException) when calling the GetMaintenanceWindowExecutionTask operation"
        ),
        "{missing}"
    );
}

/// With `--credentials`, requests must be signed with a known key and its
/// secret; refusals are AWS's errors, as awscli and boto3 report them.
#[test]
fn sigv4_with_awscli_and_boto3() {
    let server = Server::start_with(&["--credentials", "AKIDSSMTEST:s3cret/KEY", "--credentials", "AKIDOTHER:x"]);
    let create = [
        "create-maintenance-window",
        "--name",
        "signed",
        "--schedule",
        "rate(1 day)",
        "--duration",
        "1",
        "--cutoff",
        "0",
        "--allow-unassociated-targets",
    ];
    let created = stdout(&server.aws_as(("AKIDSSMTEST", "s3cret/KEY"), &create));
    assert!(created["WindowId"].as_str().is_some_and(|id| id.starts_with("mw-")), "{created}");

    let wrong = stderr(&server.aws_as(("AKIDSSMTEST", "not-the-secret"), &create));
    assert!(wrong.contains("An error occurred (InvalidSignatureException) when calling the CreateMaintenanceWindow operation: The request signature we calculated does not match"), "{wrong}");
    // Scoped to another region than the server's (us-east-1 by default).
    let elsewhere = stderr(&server.aws_in("eu-west-1", ("AKIDSSMTEST", "s3cret/KEY"), &create));
    assert!(elsewhere.contains("(InvalidSignatureException) when calling the CreateMaintenanceWindow operation: Credential should be scoped to a valid region."), "{elsewhere}");
    let unknown = stderr(&server.aws_as(("AKIDNOBODY", "s3cret/KEY"), &create));
    assert!(unknown.contains("(UnrecognizedClientException) when calling the CreateMaintenanceWindow operation: The security token included in the request is invalid."), "{unknown}");
    let mut unsigned = create.to_vec();
    unsigned.push("--no-sign-request");
    let unsigned = stderr(&server.aws_as(("AKIDSSMTEST", "s3cret/KEY"), &unsigned));
    assert!(unsigned.contains("(MissingAuthenticationTokenException) when calling the CreateMaintenanceWindow operation: Missing Authentication Token"), "{unsigned}");
    let (status, body) = server.raw("POST", Some("AmazonSSM.CreateMaintenanceWindow"), b"{}");
    assert_eq!((status, body["__type"].as_str()), (400, Some("MissingAuthenticationTokenException")));

    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/clients/boto3_sigv4.py");
    let output = Command::new("python3").arg(script).arg(&server.url).output().expect("python3 is installed");
    let text = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    assert!(output.status.success(), "{text}");
    assert_eq!(String::from_utf8_lossy(&output.stdout).trim(), "boto3 sigv4: ok", "{text}");
}

#[test]
fn boto3_session() {
    // Its burst of 64 windows is past AWS's default quota of 50.
    let server = Server::start_with(&["--max-windows", "100"]);
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/clients/boto3_session.py");
    let output = Command::new("python3").arg(script).arg(&server.url).output().expect("python3 is installed");
    assert!(
        output.status.success(),
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&output.stdout).trim(), "boto3 session: ok");
}

#[test]
fn what_no_client_sends() {
    let server = Server::start();
    let (status, body) = server.raw("POST", Some("AmazonSSM.NoSuchThing"), b"{}");
    assert_eq!((status, body["__type"].as_str()), (400, Some("UnknownOperationException")));
    let (status, body) = server.raw("POST", None, b"{}");
    assert_eq!((status, body["__type"].as_str()), (400, Some("UnknownOperationException")));
    let (status, body) = server.raw("POST", Some("AmazonSSM.CreateMaintenanceWindow"), b"{\"Name\": ");
    assert_eq!((status, body["__type"].as_str()), (400, Some("SerializationException")), "{body}");
    let (status, body) =
        server.raw("POST", Some("AmazonSSM.CreateMaintenanceWindow"), br#"{"Name": "nightly", "Duration": "two"}"#);
    assert_eq!((status, body["__type"].as_str()), (400, Some("SerializationException")), "{body}");
    let (status, body) = server.raw("GET", None, b"");
    assert_eq!((status, body["__type"].as_str()), (405, Some("MethodNotAllowedException")));
    let (status, body) = server.raw("POST", Some("AmazonSSM.CreateMaintenanceWindow"), &vec![b' '; 9 << 20]);
    assert_eq!((status, body["__type"].as_str()), (413, Some("RequestEntityTooLargeException")));
    // Still serving.
    let (status, body) = server.raw(
        "POST",
        Some("AmazonSSM.CreateMaintenanceWindow"),
        br#"{"Name": "after", "Schedule": "rate(1 day)", "Duration": 1, "Cutoff": 0, "AllowUnassociatedTargets": true}"#,
    );
    assert_eq!(status, 200, "{body}");
}

#[test]
fn without_credentials_only_loopback_hosts_are_answered() {
    let create = br#"{"Name": "nightly", "Schedule": "rate(1 day)", "Duration": 1, "Cutoff": 0, "AllowUnassociatedTargets": true}"#;
    let target = Some("AmazonSSM.CreateMaintenanceWindow");
    let server = Server::start_with(&["--allow-host", "ssm.internal"]);
    // A page at evil.example whose name was rebound to 127.0.0.1.
    let (status, body) = server.raw_for("evil.example:4566", "POST", target, create);
    assert_eq!((status, body["__type"].as_str()), (403, Some("AccessDeniedException")), "{body}");
    for host in ["localhost:4566", "127.0.0.1", "[::1]:4566", "ssm.internal:4566"] {
        let (status, body) = server.raw_for(host, "POST", target, create);
        assert_eq!(status, 200, "{host}: {body}");
    }
}

#[test]
fn client_tokens_and_quotas_as_ssm_has_them() {
    let server = Server::start_with(&["--max-windows", "2", "--max-tasks-per-window", "1"]);
    let create = |name: &str, token: &str| {
        let body = format!(
            r#"{{"Name": "{name}", "Schedule": "rate(1 day)", "Duration": 1, "Cutoff": 0, "AllowUnassociatedTargets": true, "ClientToken": "{token}"}}"#
        );
        server.raw("POST", Some("AmazonSSM.CreateMaintenanceWindow"), body.as_bytes())
    };
    // A retry with the same token and parameters gets the same window.
    let (status, first) = create("nightly", "token-1");
    assert_eq!(status, 200, "{first}");
    let (_, again) = create("nightly", "token-1");
    assert_eq!(again["WindowId"], first["WindowId"]);
    // The same token with other parameters is a mismatch.
    let (status, body) = create("weekly", "token-1");
    assert_eq!((status, body["__type"].as_str()), (400, Some("IdempotentParameterMismatch")), "{body}");
    // Two windows is this server's quota.
    assert_eq!(create("weekly", "token-2").0, 200);
    let (status, body) = create("monthly", "token-3");
    assert_eq!((status, body["__type"].as_str()), (400, Some("ResourceLimitExceededException")), "{body}");

    let window = first["WindowId"].as_str().unwrap();
    let register = |arn: &str, token: &str| {
        let body = format!(
            r#"{{"WindowId": "{window}", "TaskArn": "{arn}", "TaskType": "RUN_COMMAND", "ClientToken": "{token}"}}"#
        );
        server.raw("POST", Some("AmazonSSM.RegisterTaskWithMaintenanceWindow"), body.as_bytes())
    };
    let (status, task) = register("AWS-RunShellScript", "task-1");
    assert_eq!(status, 200, "{task}");
    assert_eq!(register("AWS-RunShellScript", "task-1").1["WindowTaskId"], task["WindowTaskId"]);
    let (status, body) = register("AWS-RunPatchBaseline", "task-1");
    assert_eq!((status, body["__type"].as_str()), (400, Some("IdempotentParameterMismatch")), "{body}");
    let (status, body) = register("AWS-RunPatchBaseline", "task-2");
    assert_eq!((status, body["__type"].as_str()), (400, Some("ResourceLimitExceededException")), "{body}");
    // Deregistering makes room.
    let deregister = format!(r#"{{"WindowId": "{window}", "WindowTaskId": {}}}"#, task["WindowTaskId"]);
    assert_eq!(server.raw("POST", Some("AmazonSSM.DeregisterTaskFromMaintenanceWindow"), deregister.as_bytes()).0, 200);
    assert_eq!(register("AWS-RunPatchBaseline", "task-2").0, 200);
}
