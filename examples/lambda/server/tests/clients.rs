//! Real AWS clients against the Lambda example on a free loopback port:
//! awscli and boto3 (installed by `.ci/run`), and raw HTTP for what no
//! client sends.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

use lambda_generated::runtime::Blob;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

const ARN: &str = "arn:aws:lambda:us-east-1:123456789012:function";
const ROLE: &str = "arn:aws:iam::123456789012:role/lambda-role";

struct Server {
    child: Child,
    url: String,
    address: String,
    /// A directory of this test's own: the deployment package, events,
    /// awscli's output files and its config.
    dir: PathBuf,
}

impl Server {
    fn start(test: &str) -> Server {
        Server::start_with(test, &[])
    }

    fn start_with(test: &str, args: &[&str]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_lambda-server"))
            .args(["--port", "0"])
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("the server starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        let url = line.trim().strip_prefix("lambda-server listening on ").unwrap_or_else(|| panic!("{line}"));
        let dir = std::env::temp_dir().join(format!("lambda-server-{test}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        // botocore checks some constraints itself (`--timeout 0`); with
        // this config it sends what it is given, so the server's checks show.
        std::fs::write(dir.join("unchecked.cfg"), "[default]\nparameter_validation = false\n").unwrap();
        let address = url.trim_start_matches("http://").to_string();
        Server { child, url: url.to_string(), address, dir }
    }

    /// awscli's `lambda` command with `args`.
    fn aws(&self, args: &[&str]) -> Output {
        self.aws_with("/nonexistent", ("test", "test"), args)
    }

    /// awscli without its client-side parameter checks.
    fn aws_unchecked(&self, args: &[&str]) -> Output {
        self.aws_with(&self.dir.join("unchecked.cfg").to_string_lossy(), ("test", "test"), args)
    }

    /// awscli signing with this access key id and secret.
    fn aws_as(&self, key: (&str, &str), args: &[&str]) -> Output {
        self.aws_with("/nonexistent", key, args)
    }

    fn aws_with(&self, config: &str, (key, secret): (&str, &str), args: &[&str]) -> Output {
        Command::new("aws")
            .args(["--endpoint-url", &self.url, "--region", "us-east-1", "--output", "json", "lambda"])
            .args(args)
            .current_dir(&self.dir)
            .env("AWS_ACCESS_KEY_ID", key)
            .env("AWS_SECRET_ACCESS_KEY", secret)
            .env("AWS_CONFIG_FILE", config)
            .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
            .env("AWS_MAX_ATTEMPTS", "1")
            .env("AWS_PAGER", "")
            .output()
            .expect("awscli is installed (.ci/run installs it)")
    }

    fn file(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    /// One raw HTTP/1.1 request: (status, head, JSON body or null).
    fn raw(&self, method: &str, target: &str, headers: &[(&str, &str)], body: &[u8]) -> (u16, String, Value) {
        let mut stream = TcpStream::connect(&self.address).unwrap();
        let mut head = format!("{method} {target} HTTP/1.1\r\nConnection: close\r\nContent-Length: {}\r\n", body.len());
        if !headers.iter().any(|(name, _)| name.eq_ignore_ascii_case("host")) {
            head.push_str(&format!("Host: {}\r\n", self.address));
        }
        for (name, value) in headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str("\r\n");
        stream.write_all(head.as_bytes()).unwrap();
        stream.write_all(body).unwrap();
        let mut response = Vec::new();
        let _ = stream.read_to_end(&mut response);
        let text = String::from_utf8_lossy(&response);
        let (head, body) = text.split_once("\r\n\r\n").unwrap_or_else(|| panic!("{text}"));
        let status = head.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or_else(|| panic!("{text}"));
        (status, head.to_string(), serde_json::from_str(body).unwrap_or(Value::Null))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The headers botocore's SigV4 signer adds to `method path` on `server`
/// for Lambda in us-east-1, signed now with `key`.
fn botocore_signed_headers(
    server: &Server,
    method: &str,
    path: &str,
    (key, secret): (&str, &str),
) -> Vec<(String, String)> {
    let script = "import sys\n\
        from botocore.auth import SigV4Auth\n\
        from botocore.awsrequest import AWSRequest\n\
        from botocore.credentials import Credentials\n\
        method, url, key, secret = sys.argv[1:]\n\
        request = AWSRequest(method=method, url=url)\n\
        SigV4Auth(Credentials(key, secret), 'lambda', 'us-east-1').add_auth(request)\n\
        for name in ('X-Amz-Date', 'Authorization'):\n\
        \x20   print(name + ': ' + request.headers[name])\n";
    let url = format!("{}{path}", server.url);
    let output = Command::new("python3").args(["-c", script, method, &url, key, secret]).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|line| line.split_once(": ").map(|(n, v)| (n.to_string(), v.to_string())).unwrap())
        .collect()
}

/// The value of the header `name` in a response's `head`.
fn header(head: &str, name: &str) -> Option<String> {
    head.lines().find_map(|line| {
        let (found, value) = line.split_once(':')?;
        found.eq_ignore_ascii_case(name).then(|| value.trim().to_string())
    })
}

fn stdout(output: &Output) -> Value {
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let text = String::from_utf8_lossy(&output.stdout);
    // Operations with no output print nothing.
    if text.trim().is_empty() { Value::Null } else { serde_json::from_str(&text).unwrap() }
}

fn stderr(output: &Output) -> String {
    assert!(!output.status.success(), "expected a failure: {}", String::from_utf8_lossy(&output.stdout));
    String::from_utf8_lossy(&output.stderr).trim().to_string()
}

/// A real, tiny deployment package, written by Python's zipfile (the
/// server takes any bytes, but Lambda takes zips).
fn write_package(path: &Path) -> Vec<u8> {
    let script = "import sys, zipfile\n\
                  with zipfile.ZipFile(sys.argv[1], 'w') as z:\n    \
                  z.writestr('handler.py', 'def handler(event, context):\\n    return event\\n')";
    let status = Command::new("python3").args(["-c", script]).arg(path).status().expect("python3 is installed");
    assert!(status.success());
    let bytes = std::fs::read(path).unwrap();
    assert!(bytes.starts_with(b"PK\x03\x04"), "a zip");
    bytes
}

fn create(server: &Server, name: &str) -> Value {
    stdout(&server.aws(&[
        "create-function",
        "--function-name",
        name,
        "--runtime",
        "python3.12",
        "--role",
        ROLE,
        "--handler",
        "handler.handler",
        "--zip-file",
        "fileb://package.zip",
    ]))
}

#[test]
fn awscli_functions_aliases_and_tags() {
    let server = Server::start("functions");
    let package = write_package(&server.file("package.zip"));
    let created = stdout(&server.aws(&[
        "create-function",
        "--function-name",
        "echo",
        "--runtime",
        "python3.12",
        "--role",
        ROLE,
        "--handler",
        "handler.handler",
        "--zip-file",
        "fileb://package.zip",
        "--description",
        "echoes its event",
        "--environment",
        "Variables={STAGE=test}",
        "--tags",
        "team=platform",
    ]));
    let sha256 = Blob::new(Sha256::digest(&package).to_vec()).to_base64();
    assert_eq!(created["FunctionName"], "echo");
    assert_eq!(created["FunctionArn"], format!("{ARN}:echo"));
    assert_eq!(created["CodeSize"], package.len());
    assert_eq!(created["CodeSha256"], sha256);
    assert_eq!(created["Environment"], json!({"Variables": {"STAGE": "test"}}));
    assert_eq!(
        (&created["Version"], &created["Timeout"], &created["MemorySize"]),
        (&json!("$LATEST"), &json!(3), &json!(128))
    );
    let last_modified = created["LastModified"].as_str().unwrap();
    assert!(last_modified.len() == 28 && last_modified.ends_with("+0000"), "{last_modified}");
    assert_eq!(
        stderr(&server.aws(&[
            "create-function",
            "--function-name",
            "echo",
            "--runtime",
            "python3.12",
            "--role",
            ROLE,
            "--handler",
            "handler.handler",
            "--zip-file",
            "fileb://package.zip",
        ])),
        "An error occurred (ResourceConflictException) when calling the CreateFunction operation: Function already exist: echo"
    );

    let function = stdout(&server.aws(&["get-function", "--function-name", "echo"]));
    assert_eq!(function["Configuration"], created);
    assert_eq!(function["Tags"], json!({"team": "platform"}));
    // By ARN (a label that needs escaping), with a qualifier in the query string.
    let arn = format!("{ARN}:echo");
    let configuration =
        stdout(&server.aws(&["get-function-configuration", "--function-name", &arn, "--qualifier", "$LATEST"]));
    assert_eq!(configuration, created);
    assert_eq!(
        stderr(&server.aws(&["get-function", "--function-name", "missing"])),
        format!(
            "An error occurred (ResourceNotFoundException) when calling the GetFunction operation: Function not found: {ARN}:missing"
        )
    );

    let updated = stdout(&server.aws(&[
        "update-function-configuration",
        "--function-name",
        "echo",
        "--timeout",
        "30",
        "--memory-size",
        "512",
        "--description",
        "updated",
    ]));
    assert_eq!(
        (&updated["Timeout"], &updated["MemorySize"], &updated["Description"]),
        (&json!(30), &json!(512), &json!("updated"))
    );
    assert_ne!(updated["RevisionId"], created["RevisionId"]);
    // Invalid input, reported by the server with the member's path.
    assert_eq!(
        stderr(&server.aws_unchecked(&["update-function-configuration", "--function-name", "echo", "--timeout", "0"])),
        "An error occurred (ValidationException) when calling the UpdateFunctionConfiguration operation: 1 validation error detected. \
         Value at '/Timeout' failed to satisfy constraint: Member must be greater than or equal to 1"
    );
    let long = "d".repeat(300);
    assert_eq!(
        stderr(&server.aws(&["update-function-configuration", "--function-name", "echo", "--description", &long])),
        "An error occurred (ValidationException) when calling the UpdateFunctionConfiguration operation: 1 validation error detected. \
         Value with length 300 at '/Description' failed to satisfy constraint: Member must have length between 0 and 256, inclusive"
    );

    // Pages of one function (MaxItems and Marker in the query string),
    // two pages at a time, then from the token awscli gave.
    for name in ["alpha", "beta", "gamma"] {
        create(&server, name);
    }
    let list = ["list-functions", "--page-size", "1", "--max-items", "2"];
    let first = stdout(&server.aws(&list));
    let names = |page: &Value| -> Vec<String> {
        page["Functions"].as_array().unwrap().iter().map(|f| f["FunctionName"].as_str().unwrap().to_string()).collect()
    };
    assert_eq!(names(&first), ["alpha", "beta"]);
    let token = first["NextToken"].as_str().expect("more to come");
    let rest = stdout(&server.aws(&["list-functions", "--page-size", "1", "--starting-token", token]));
    assert_eq!(names(&rest), ["echo", "gamma"]);
    assert!(rest.get("NextToken").is_none(), "{rest}");

    // Aliases.
    let alias = stdout(&server.aws(&[
        "create-alias",
        "--function-name",
        "echo",
        "--name",
        "live",
        "--function-version",
        "$LATEST",
        "--description",
        "production",
    ]));
    assert_eq!(alias["AliasArn"], format!("{ARN}:echo:live"));
    assert_eq!(alias["FunctionVersion"], "$LATEST");
    let duplicate = ["create-alias", "--function-name", "echo", "--name", "live", "--function-version", "$LATEST"];
    assert_eq!(
        stderr(&server.aws(&duplicate)),
        format!(
            "An error occurred (ResourceConflictException) when calling the CreateAlias operation: Alias already exists: {ARN}:echo:live"
        )
    );
    stdout(&server.aws(&[
        "create-alias",
        "--function-name",
        "echo",
        "--name",
        "canary",
        "--function-version",
        "$LATEST",
    ]));
    assert_eq!(stdout(&server.aws(&["get-alias", "--function-name", "echo", "--name", "live"])), alias);
    let changed = stdout(&server.aws(&[
        "update-alias",
        "--function-name",
        "echo",
        "--name",
        "live",
        "--description",
        "still live",
    ]));
    assert_eq!(changed["Description"], "still live");
    assert_ne!(changed["RevisionId"], alias["RevisionId"]);
    let aliases = stdout(&server.aws(&["list-aliases", "--function-name", "echo"]));
    let alias_names: Vec<&str> =
        aliases["Aliases"].as_array().unwrap().iter().map(|a| a["Name"].as_str().unwrap()).collect();
    assert_eq!(alias_names, ["canary", "live"]);
    assert_eq!(stdout(&server.aws(&["delete-alias", "--function-name", "echo", "--name", "canary"])), Value::Null);
    assert_eq!(
        stderr(&server.aws(&["get-alias", "--function-name", "echo", "--name", "canary"])),
        format!(
            "An error occurred (ResourceNotFoundException) when calling the GetAlias operation: Alias not found: {ARN}:echo:canary"
        )
    );

    // Tags, by ARN; the keys to remove are a list in the query string.
    stdout(&server.aws(&["tag-resource", "--resource", &arn, "--tags", "env=test,owner=me"]));
    let tags = stdout(&server.aws(&["list-tags", "--resource", &arn]));
    assert_eq!(tags, json!({"Tags": {"env": "test", "owner": "me", "team": "platform"}}));
    stdout(&server.aws(&["untag-resource", "--resource", &arn, "--tag-keys", "team", "owner"]));
    assert_eq!(stdout(&server.aws(&["list-tags", "--resource", &arn])), json!({"Tags": {"env": "test"}}));

    // Lambda's limits: 50 tags; environments of 4 KB, without the
    // variables Lambda sets itself; values are never quoted back.
    let fifty: Vec<String> = (0..50).map(|i| format!("k{i}=v")).collect();
    let too_many = stderr(&server.aws(&["tag-resource", "--resource", &arn, "--tags", &fifty.join(",")]));
    assert!(
        too_many.contains("(InvalidParameterValueException)") && too_many.contains("at most 50 tags"),
        "{too_many}"
    );
    let big = format!("Variables={{BIG={}}}", "v".repeat(4_100));
    let refused =
        stderr(&server.aws(&["update-function-configuration", "--function-name", "echo", "--environment", &big]));
    assert!(refused.contains("exceeded the 4KB limit") && !refused.contains("vvvv"), "{refused}");
    let reserved = "Variables={AWS_REGION=eu-west-1,MINE=1}";
    let refused =
        stderr(&server.aws(&["update-function-configuration", "--function-name", "echo", "--environment", reserved]));
    assert!(refused.ends_with("Reserved keys used in this request: AWS_REGION"), "{refused}");

    // Deleting a function takes its aliases and tags with it. (awscli's
    // model of DeleteFunction, newer than ours, shows the status code.)
    assert_eq!(stdout(&server.aws(&["delete-function", "--function-name", "echo"])), json!({"StatusCode": 204}));
    let gone = stderr(&server.aws(&["get-alias", "--function-name", "echo", "--name", "live"]));
    assert!(gone.starts_with("An error occurred (ResourceNotFoundException)"), "{gone}");
    let gone = stderr(&server.aws(&["list-tags", "--resource", &arn]));
    assert!(gone.starts_with("An error occurred (ResourceNotFoundException)"), "{gone}");
    assert_eq!(names(&stdout(&server.aws(&["list-functions"]))), ["alpha", "beta", "gamma"]);
}

#[test]
fn awscli_invoke() {
    let server = Server::start("invoke");
    write_package(&server.file("package.zip"));
    create(&server, "echo");
    stdout(&server.aws(&[
        "create-alias",
        "--function-name",
        "echo",
        "--name",
        "live",
        "--function-version",
        "$LATEST",
    ]));
    // `fileb://` sends the file's bytes as the payload in awscli 1 and 2
    // alike (a `--payload` string is raw in 1, base64 in 2 unless
    // `--cli-binary-format raw-in-base64-out`, which 1 does not know).
    std::fs::write(server.file("event.json"), br#"{"a": 1}"#).unwrap();
    let read = |name: &str| std::fs::read_to_string(server.file(name)).unwrap();

    let invoked =
        stdout(&server.aws(&["invoke", "--function-name", "echo", "--payload", "fileb://event.json", "out.json"]));
    assert_eq!(invoked, json!({"StatusCode": 200, "ExecutedVersion": "$LATEST"}));
    assert_eq!(read("out.json"), r#"{"a": 1}"#);

    // Through an alias, with the log's tail and a client context (headers
    // both ways); no payload, so the function says who ran.
    let context = Blob::new(br#"{"custom": {"caller": "awscli"}}"#.to_vec()).to_base64();
    let invoked = stdout(&server.aws(&[
        "invoke",
        "--function-name",
        "echo",
        "--qualifier",
        "live",
        "--log-type",
        "Tail",
        "--client-context",
        &context,
        "out.json",
    ]));
    assert_eq!((&invoked["StatusCode"], &invoked["ExecutedVersion"]), (&json!(200), &json!("$LATEST")));
    let log = Blob::from_base64(invoked["LogResult"].as_str().unwrap()).unwrap().into_inner();
    let log = String::from_utf8(log).unwrap();
    assert!(
        log.starts_with("START RequestId: ") && log.contains(r#"client context: {"custom": {"caller": "awscli"}}"#),
        "{log}"
    );
    assert_eq!(
        serde_json::from_str::<Value>(&read("out.json")).unwrap(),
        json!({"function": "echo", "version": "$LATEST"})
    );

    // A function error is a successful call with X-Amz-Function-Error.
    std::fs::write(server.file("raise.json"), br#"{"raise": "out of stock"}"#).unwrap();
    let invoked =
        stdout(&server.aws(&["invoke", "--function-name", "echo:live", "--payload", "fileb://raise.json", "out.json"]));
    assert_eq!(invoked, json!({"StatusCode": 200, "FunctionError": "Unhandled", "ExecutedVersion": "$LATEST"}));
    assert_eq!(
        serde_json::from_str::<Value>(&read("out.json")).unwrap(),
        json!({"errorMessage": "out of stock", "errorType": "Exception"})
    );

    // Asynchronous and dry runs: 202 and 204, no payload.
    let event = [
        "invoke",
        "--function-name",
        "echo",
        "--invocation-type",
        "Event",
        "--payload",
        "fileb://event.json",
        "event.out",
    ];
    assert_eq!(stdout(&server.aws(&event)), json!({"StatusCode": 202}));
    assert_eq!(read("event.out"), "");
    let dry_run = ["invoke", "--function-name", "echo", "--invocation-type", "DryRun", "dry.out"];
    assert_eq!(stdout(&server.aws(&dry_run)), json!({"StatusCode": 204}));
    assert_eq!(read("dry.out"), "");

    assert_eq!(
        stderr(&server.aws(&["invoke", "--function-name", "missing", "out.json"])),
        format!(
            "An error occurred (ResourceNotFoundException) when calling the Invoke operation: Function not found: {ARN}:missing"
        )
    );
    assert_eq!(
        stderr(&server.aws(&["invoke", "--function-name", "echo", "--invocation-type", "Later", "out.json"])),
        "An error occurred (ValidationException) when calling the Invoke operation: 1 validation error detected. \
         Value at '/InvocationType' failed to satisfy constraint: Member must satisfy enum value set: [Event, RequestResponse, DryRun]"
    );
    std::fs::write(server.file("bad.json"), b"{not json").unwrap();
    let bad = stderr(&server.aws(&["invoke", "--function-name", "echo", "--payload", "fileb://bad.json", "out.json"]));
    assert!(
        bad.starts_with("An error occurred (InvalidRequestContentException) when calling the Invoke operation: Could not parse request body into json"),
        "{bad}"
    );
}

/// With `--credentials`, requests must be signed: the signature covers the
/// path as sent (an ARN label, escaped), the query string (a `$`, a
/// repeated key) and the payload.
#[test]
fn sigv4_with_awscli() {
    let server = Server::start_with("sigv4", &["--credentials", "AKIDLAMBDA:s3cret/KEY"]);
    write_package(&server.file("package.zip"));
    std::fs::write(server.file("event.json"), br#"{"signed": true}"#).unwrap();
    let key = ("AKIDLAMBDA", "s3cret/KEY");
    let arn = format!("{ARN}:echo");
    let created = stdout(&server.aws_as(
        key,
        &[
            "create-function",
            "--function-name",
            "echo",
            "--runtime",
            "python3.12",
            "--role",
            ROLE,
            "--handler",
            "handler.handler",
            "--zip-file",
            "fileb://package.zip",
            "--tags",
            "a=1,b=2,c=3",
        ],
    ));
    assert_eq!(created["FunctionArn"], arn);
    let configuration =
        stdout(&server.aws_as(key, &["get-function-configuration", "--function-name", &arn, "--qualifier", "$LATEST"]));
    assert_eq!(configuration["FunctionName"], "echo");
    let invoked = stdout(
        &server
            .aws_as(key, &["invoke", "--function-name", "echo:$LATEST", "--payload", "fileb://event.json", "out.json"]),
    );
    assert_eq!(invoked["StatusCode"], 200);
    assert_eq!(std::fs::read_to_string(server.file("out.json")).unwrap(), r#"{"signed": true}"#);
    stdout(&server.aws_as(key, &["untag-resource", "--resource", &arn, "--tag-keys", "c", "a"]));
    assert_eq!(stdout(&server.aws_as(key, &["list-tags", "--resource", &arn])), json!({"Tags": {"b": "2"}}));

    let wrong = stderr(&server.aws_as(("AKIDLAMBDA", "not-the-secret"), &["list-functions"]));
    assert!(
        wrong.starts_with("An error occurred (InvalidSignatureException) when calling the ListFunctions operation"),
        "{wrong}"
    );
    let unknown = stderr(&server.aws_as(("AKIDNOBODY", "s3cret/KEY"), &["list-functions"]));
    assert!(unknown.contains("(UnrecognizedClientException)"), "{unknown}");
    let unsigned = stderr(&server.aws_as(key, &["list-functions", "--no-sign-request"]));
    assert!(unsigned.contains("(MissingAuthenticationTokenException)"), "{unsigned}");
    // The path served is the path signed: a ListFunctions signed by
    // botocore and sent as `/2015-03-31/functions/.` was served as
    // GetFunction(".").
    let signed = botocore_signed_headers(&server, "GET", "/2015-03-31/functions", key);
    let headers: Vec<(&str, &str)> = signed.iter().map(|(name, value)| (name.as_str(), value.as_str())).collect();
    let (status, _, body) = server.raw("GET", "/2015-03-31/functions/.", &headers, b"");
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["Functions"][0]["FunctionName"], "echo", "{body}");
    // As Lambda answers them: 403, the name in X-Amzn-Errortype.
    let (status, head, body) = server.raw("GET", "/2015-03-31/functions", &[], b"");
    assert_eq!(
        (status, header(&head, "x-amzn-errortype").as_deref()),
        (403, Some("MissingAuthenticationTokenException"))
    );
    assert_eq!(body, json!({"message": "Missing Authentication Token"}));
}

#[test]
fn boto3_session() {
    let server = Server::start("boto3");
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
    let server = Server::start("raw");
    let error_type = |head: &str| header(head, "x-amzn-errortype").unwrap_or_default();
    // No operation has the path.
    let (status, head, body) = server.raw("GET", "/2015-03-31/nothing-here", &[], b"");
    assert_eq!((status, error_type(&head).as_str()), (404, "UnknownOperationException"), "{body}");
    // The path is ListFunctions' and CreateFunction's, for GET and POST only.
    let (status, head, body) = server.raw("PUT", "/2015-03-31/functions", &[], b"");
    assert_eq!((status, error_type(&head).as_str()), (405, "UnknownOperationException"), "{body}");
    assert_eq!(header(&head, "allow").as_deref(), Some("GET, POST"), "{head}");
    // A JSON body declared as text.
    let create = br#"{"FunctionName": "f", "Role": "r", "Code": {}}"#;
    let (status, head, body) = server.raw("POST", "/2015-03-31/functions", &[("Content-Type", "text/plain")], create);
    assert_eq!((status, error_type(&head).as_str()), (415, "UnsupportedMediaTypeException"), "{body}");
    // Not JSON, and a query parameter that is not a number.
    let (status, head, body) =
        server.raw("POST", "/2015-03-31/functions", &[("Content-Type", "application/json")], b"{\"FunctionName\": ");
    assert_eq!((status, error_type(&head).as_str()), (400, "SerializationException"), "{body}");
    let (status, head, body) = server.raw("GET", "/2015-03-31/functions?MaxItems=ten", &[], b"");
    assert_eq!((status, error_type(&head).as_str()), (400, "SerializationException"), "{body}");
    assert_eq!(body["message"], "the query parameter \"MaxItems\" is not a whole number at '/MaxItems'");
    // The server authenticates no one, so it answers loopback hosts only.
    let (status, head, body) = server.raw("GET", "/2015-03-31/functions", &[("Host", "evil.example:9001")], b"");
    assert_eq!((status, error_type(&head).as_str()), (403, "AccessDeniedException"), "{body}");
    // Still serving; the request id is on every response.
    let (status, head, body) = server.raw("GET", "/2015-03-31/functions", &[("Host", "localhost")], b"");
    assert_eq!((status, body), (200, json!({"Functions": []})));
    assert!(header(&head, "x-amzn-requestid").is_some(), "{head}");
}

/// SIGTERM (`docker stop`, systemd) stops the server as SIGINT does: a
/// request whose body was half-sent when it came is still answered, then
/// the server exits. It killed the server at once, mid-request.
#[test]
fn sigterm_stops_the_server_once_requests_in_flight_are_answered() {
    let mut server = Server::start("sigterm");
    let body = r#"{"order": 42}"#;
    let mut stream = TcpStream::connect(&server.address).unwrap();
    write!(
        stream,
        "POST /2015-03-31/functions/missing/invocations HTTP/1.1\r\nHost: {}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{}",
        server.address,
        body.len(),
        &body[..5]
    )
    .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(200));
    let pid = server.child.id().to_string();
    assert!(Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
    std::thread::sleep(std::time::Duration::from_millis(200));
    stream.write_all(&body.as_bytes()[5..]).unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    assert!(response.starts_with("HTTP/1.1 404"), "{response}");
    assert!(response.contains("ResourceNotFoundException"), "{response}");
    let status = server.child.wait().unwrap();
    assert!(status.success(), "{status}");
    assert!(TcpStream::connect(&server.address).is_err(), "still accepting");
}

/// `X-Amz-Log-Result` carries the log's last 4 KB, as Lambda's does: a
/// 267 KB client context came back whole in it.
#[test]
fn the_log_tail_is_bounded() {
    let server = Server::start("log-tail");
    write_package(&server.file("package.zip"));
    create(&server, "echo");
    let context = Blob::new(format!("{{\"custom\": \"{}\"}}", "c".repeat(200_000)).into_bytes()).to_base64();
    let (status, head, _) = server.raw(
        "POST",
        "/2015-03-31/functions/echo/invocations",
        &[("X-Amz-Log-Type", "Tail"), ("X-Amz-Client-Context", &context)],
        b"{}",
    );
    assert_eq!(status, 200, "{}", &head[..head.len().min(300)]);
    let log = header(&head, "x-amz-log-result").expect("a log");
    assert!(log.len() <= 4 << 10 << 1, "{} bytes", log.len());
    let log = Blob::from_base64(&log).unwrap().into_inner();
    assert!(String::from_utf8_lossy(&log).ends_with("Duration: 0.01 ms\n"));
}
