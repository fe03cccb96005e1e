//! The Lambda example's router as an AWS Lambda function
//! (`lambda-function`, `awsgen_runtime::lambda`), under a local Lambda
//! Runtime API: cargo-lambda's emulator (`cargo lambda watch`, from PyPI's
//! `cargo-lambda`, installed by `.ci/run`). The emulator is started with
//! `--only-lambda-apis`, so it builds nothing: this test starts the
//! function binary cargo built for it, pointed at the emulator as Lambda
//! would be (`AWS_LAMBDA_RUNTIME_API` and the rest). Events go in with
//! `cargo lambda invoke`: an API Gateway REST API's (payload 1.0), an HTTP
//! API's (2.0) and a function URL's (2.0), each a real request of the
//! example's API; and real HTTP requests go through the emulator's own
//! function URL (`/lambda-url/_/...`), which makes the events itself.
//!
//! Without cargo-lambda the test fails when `CI=true`, and otherwise says
//! it is skipped and passes.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use lambda_generated::runtime::Blob;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

const ROLE: &str = "arn:aws:iam::123456789012:role/lambda-role";
const ECHO_ARN: &str = "arn:aws:lambda:us-east-1:123456789012:function:echo";
/// The function's name under `--only-lambda-apis`: the emulator's default.
const FUNCTION: &str = "_";

/// cargo-lambda's binary; `cargo lambda X` runs `cargo-lambda lambda X`.
fn cargo_lambda() -> Command {
    let mut command = Command::new("cargo-lambda");
    command.arg("lambda");
    command
}

/// Whether cargo-lambda is installed: if not, fails under CI and
/// otherwise says why the test is skipped.
fn have_cargo_lambda() -> bool {
    match cargo_lambda().arg("--version").stdout(Stdio::null()).stderr(Stdio::null()).status() {
        Ok(status) if status.success() => true,
        other => {
            let reason = format!(
                "cargo-lambda is not installed (`cargo lambda --version`: {other:?}): \
                 `python3 -m pip install cargo-lambda` installs it (.ci/run does)"
            );
            assert!(std::env::var("CI").as_deref() != Ok("true"), "{reason}");
            eprintln!("skipped: {reason}");
            false
        }
    }
}

/// The emulator and the function polling it, each killed on drop.
struct Emulator {
    watch: Child,
    function: Child,
    port: u16,
    dir: PathBuf,
}

impl Emulator {
    fn start(test: &str) -> Emulator {
        let dir = std::env::temp_dir().join(format!("lambda-function-{test}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let manifest = concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml");
        let mut attempt = 1;
        let (mut watch, port) = loop {
            // A free port, given to the emulator (which takes no port 0);
            // another if something else takes it first.
            let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
            let mut watch = cargo_lambda()
                .args(["watch", "--only-lambda-apis", "--invoke-address", "127.0.0.1", "--invoke-port"])
                .arg(port.to_string())
                .args(["--manifest-path", manifest])
                .current_dir(&dir)
                .stdout(std::fs::File::create(dir.join("watch.log")).unwrap())
                .stderr(std::fs::File::create(dir.join("watch.err")).unwrap())
                .spawn()
                .expect("cargo-lambda starts");
            match wait_until_listening(&mut watch, port) {
                Ok(()) => break (watch, port),
                Err(e) if attempt < 3 => eprintln!("{e}; trying again:\n{}", logs(&dir)),
                Err(e) => panic!("{e}:\n{}", logs(&dir)),
            }
            attempt += 1;
        };
        let function = Command::new(env!("CARGO_BIN_EXE_lambda-function"))
            // What `cargo lambda watch --only-lambda-apis` says to set, as
            // Lambda sets them.
            .env("AWS_LAMBDA_RUNTIME_API", format!("http://127.0.0.1:{port}/.rt"))
            .env("AWS_LAMBDA_FUNCTION_NAME", FUNCTION)
            .env("AWS_LAMBDA_FUNCTION_VERSION", "1")
            .env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128")
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(dir.join("function.err")).unwrap())
            .spawn();
        match function {
            Ok(function) => Emulator { watch, function, port, dir },
            Err(e) => {
                let _ = watch.kill();
                let _ = watch.wait();
                panic!("the function does not start: {e}");
            }
        }
    }

    fn logs(&self) -> String {
        logs(&self.dir)
    }

    /// `cargo lambda invoke` of `event`: its output (through files, so
    /// that a large one cannot block it while it is waited for).
    fn invoke_raw(&mut self, event: &Value) -> Output {
        let [file, out, err] = ["event.json", "invoke.out", "invoke.err"].map(|name| self.dir.join(name));
        std::fs::write(&file, event.to_string()).unwrap();
        let mut child = cargo_lambda()
            .args(["invoke", "--invoke-address", "127.0.0.1", "--invoke-port"])
            .arg(self.port.to_string())
            .arg("--data-file")
            .arg(&file)
            .args(["--output-format", "json", FUNCTION])
            .stdout(std::fs::File::create(&out).unwrap())
            .stderr(std::fs::File::create(&err).unwrap())
            .spawn()
            .expect("cargo lambda invoke starts");
        let deadline = Instant::now() + Duration::from_secs(60);
        let status = loop {
            if let Some(status) = child.try_wait().unwrap() {
                break status;
            }
            if let Some(status) = self.function.try_wait().unwrap() {
                let _ = child.kill();
                let _ = child.wait();
                panic!("the function exited ({status}):\n{}", self.logs());
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                let _ = child.wait();
                panic!("cargo lambda invoke took over 60 s:\n{}", self.logs());
            }
            std::thread::sleep(Duration::from_millis(20));
        };
        Output { status, stdout: std::fs::read(&out).unwrap(), stderr: std::fs::read(&err).unwrap() }
    }

    /// The function's answer to `event`: the response API Gateway turns
    /// into HTTP.
    fn invoke(&mut self, event: &Value) -> Value {
        let output = self.invoke_raw(event);
        assert!(output.status.success(), "{}\n{}", String::from_utf8_lossy(&output.stderr), self.logs());
        serde_json::from_slice(&output.stdout)
            .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&output.stdout)))
    }

    /// One HTTP/1.1 request to the emulator's function URL for the
    /// function: (status, head, body).
    fn http(&self, method: &str, target: &str, headers: &[(&str, &str)], body: &[u8]) -> (u16, String, Vec<u8>) {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        stream.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
        let mut head = format!(
            "{method} /lambda-url/{FUNCTION}{target} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nConnection: close\r\n\
             Content-Length: {}\r\n",
            self.port,
            body.len()
        );
        for (name, value) in headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str("\r\n");
        stream.write_all(head.as_bytes()).unwrap();
        stream.write_all(body).unwrap();
        let mut response = Vec::new();
        let _ = stream.read_to_end(&mut response);
        let split = response.windows(4).position(|w| w == b"\r\n\r\n").expect("a response head");
        let head = String::from_utf8_lossy(&response[..split]).to_string();
        let status = head.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or_else(|| panic!("{head}"));
        (status, head, response[split + 4..].to_vec())
    }
}

/// Waits for the emulator's port (it first runs `cargo metadata`); the
/// function starts once it is there, as in Lambda, where the Runtime API
/// comes first.
fn wait_until_listening(watch: &mut Child, port: u16) -> Result<(), String> {
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let listening = TcpStream::connect(("127.0.0.1", port)).is_ok();
        // Something else may have the port: then the emulator has exited.
        if let Some(status) = watch.try_wait().unwrap() {
            return Err(format!("cargo lambda watch exited ({status})"));
        }
        if listening {
            return Ok(());
        }
        if Instant::now() > deadline {
            let _ = watch.kill();
            let _ = watch.wait();
            return Err("cargo lambda watch is not listening after 120 s".to_string());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// What the emulator and the function have printed.
fn logs(dir: &Path) -> String {
    ["watch.log", "watch.err", "function.err"]
        .iter()
        .map(|name| format!("--- {name}\n{}", std::fs::read_to_string(dir.join(name)).unwrap_or_default()))
        .collect()
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.function.kill();
        let _ = self.function.wait();
        let _ = self.watch.kill();
        let _ = self.watch.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// An API Gateway REST API's proxy event (payload 1.0) on the stage
/// `prod`: `path` is the resource path, `requestContext.path` has the
/// stage in front.
fn rest_event(method: &str, path: &str, query: Value, headers: &[(&str, &str)], body: Option<&str>) -> Value {
    let mut single = json!({"Host": "abc123.execute-api.us-east-1.amazonaws.com", "User-Agent": "test"});
    let mut multi = json!({"Host": ["abc123.execute-api.us-east-1.amazonaws.com"], "User-Agent": ["test"]});
    for (name, value) in headers {
        single[*name] = json!(value);
        multi[*name] = json!([value]);
    }
    let single_query = match &query {
        Value::Object(map) => {
            Value::Object(map.iter().map(|(k, v)| (k.clone(), v[v.as_array().unwrap().len() - 1].clone())).collect())
        }
        _ => Value::Null,
    };
    json!({
        "resource": "/{proxy+}",
        "path": path,
        "httpMethod": method,
        "headers": single,
        "multiValueHeaders": multi,
        "queryStringParameters": single_query,
        "multiValueQueryStringParameters": query,
        "pathParameters": {"proxy": path.trim_start_matches('/')},
        "stageVariables": null,
        "requestContext": {
            "accountId": "123456789012",
            "resourceId": "abcdef",
            "stage": "prod",
            "requestId": format!("rest-{}", path.len()),
            "identity": {"sourceIp": "203.0.113.7", "userAgent": "test"},
            "resourcePath": "/{proxy+}",
            "httpMethod": method,
            "apiId": "abc123",
            "protocol": "HTTP/1.1",
            "path": format!("/prod{path}"),
            "domainName": "abc123.execute-api.us-east-1.amazonaws.com"
        },
        "body": body,
        "isBase64Encoded": false
    })
}

/// A payload 2.0 event: an HTTP API's on the stage `prod` (whose name
/// starts `rawPath`), or a function URL's (stage `$default`, its own
/// domain).
fn v2_event(
    function_url: bool,
    method: &str,
    path: &str,
    query: &str,
    headers: &[(&str, &str)],
    body: Option<&[u8]>,
) -> Value {
    let (stage, raw_path, domain) = if function_url {
        ("$default", path.to_string(), "abcdefghij.lambda-url.us-east-1.on.aws")
    } else {
        ("prod", format!("/prod{path}"), "abc123.execute-api.us-east-1.amazonaws.com")
    };
    let mut all = json!({"host": domain, "user-agent": "test", "x-forwarded-proto": "https"});
    for (name, value) in headers {
        all[name.to_ascii_lowercase()] = json!(value);
    }
    json!({
        "version": "2.0",
        "routeKey": if function_url { "$default".to_string() } else { format!("{method} /{{proxy+}}") },
        "rawPath": raw_path,
        "rawQueryString": query,
        "headers": all,
        "requestContext": {
            "accountId": "123456789012",
            "apiId": domain.split('.').next().unwrap(),
            "domainName": domain,
            "domainPrefix": domain.split('.').next().unwrap(),
            "http": {"method": method, "path": raw_path, "protocol": "HTTP/1.1", "sourceIp": "203.0.113.7", "userAgent": "test"},
            "requestId": format!("v2-{}", raw_path.len()),
            "routeKey": "$default",
            "stage": stage,
            "time": "07/Dec/2026:10:00:00 +0000",
            "timeEpoch": 1796637600000i64
        },
        // Binary bodies come in base64, as API Gateway sends them.
        "body": body.map(|body| Blob::new(body.to_vec()).to_base64()),
        "isBase64Encoded": body.is_some()
    })
}

/// A response's JSON body.
fn json_body(response: &Value) -> Value {
    assert_eq!(response["isBase64Encoded"], false, "{response}");
    serde_json::from_str(response["body"].as_str().unwrap_or_else(|| panic!("no body: {response}"))).unwrap()
}

/// A REST API response's header (its one value).
fn rest_header(response: &Value, name: &str) -> Value {
    let values = &response["multiValueHeaders"][name];
    assert_eq!(values.as_array().map(Vec::len), Some(1), "{name}: {response}");
    values[0].clone()
}

#[test]
fn rest_api_http_api_and_function_url_events() {
    if !have_cargo_lambda() {
        return;
    }
    let mut emulator = Emulator::start("events");
    let package = b"PK\x03\x04 a deployment package".to_vec();

    // CreateFunction from a REST API: a JSON body (text), the stage in
    // `requestContext.path` only.
    let create = json!({
        "FunctionName": "echo",
        "Runtime": "python3.12",
        "Role": ROLE,
        "Handler": "handler.handler",
        "Description": "created through API Gateway",
        "Code": {"ZipFile": Blob::new(package.clone()).to_base64()}
    })
    .to_string();
    let event = rest_event(
        "POST",
        "/2015-03-31/functions",
        Value::Null,
        &[("Content-Type", "application/json")],
        Some(&create),
    );
    let response = emulator.invoke(&event);
    assert_eq!(response["statusCode"], 201, "{response}");
    let created = json_body(&response);
    assert_eq!(created["FunctionName"], "echo");
    assert_eq!(created["FunctionArn"], ECHO_ARN);
    assert_eq!(created["Description"], "created through API Gateway");
    assert_eq!(created["CodeSize"], package.len());
    assert_eq!(created["CodeSha256"], Blob::new(Sha256::digest(&package).to_vec()).to_base64());
    assert_eq!(rest_header(&response, "content-type"), "application/json");
    // The router's request id is API Gateway's.
    assert_eq!(rest_header(&response, "x-amzn-requestid"), event["requestContext"]["requestId"]);

    // CreateAlias from an HTTP API on a named stage: the label, a base64
    // JSON body.
    let alias = br#"{"Name": "live", "FunctionVersion": "$LATEST", "Description": "through an HTTP API"}"#;
    let event = v2_event(
        false,
        "POST",
        "/2015-03-31/functions/echo/aliases",
        "",
        &[("Content-Type", "application/json")],
        Some(alias),
    );
    assert_eq!(event["rawPath"], "/prod/2015-03-31/functions/echo/aliases");
    let response = emulator.invoke(&event);
    assert_eq!(response["statusCode"], 201, "{response}");
    assert_eq!(json_body(&response)["AliasArn"], format!("{ECHO_ARN}:live"));
    assert_eq!(response["headers"]["x-amzn-requestid"], event["requestContext"]["requestId"]);

    // Invoke through a function URL: a label with a qualifier, a query
    // parameter, headers both ways, the event as the body.
    let event = v2_event(
        true,
        "POST",
        "/2015-03-31/functions/echo/invocations",
        "Qualifier=live",
        &[("X-Amz-Log-Type", "Tail"), ("X-Amz-Invocation-Type", "RequestResponse")],
        Some(br#"{"order": 42}"#),
    );
    let response = emulator.invoke(&event);
    assert_eq!(response["statusCode"], 200, "{response}");
    assert_eq!(json_body(&response), json!({"order": 42}));
    assert_eq!(response["headers"]["content-type"], "application/octet-stream");
    assert_eq!(response["headers"]["x-amz-executed-version"], "$LATEST");
    let log = Blob::from_base64(response["headers"]["x-amz-log-result"].as_str().expect("a log")).unwrap();
    assert!(String::from_utf8_lossy(log.as_bytes()).contains("START RequestId"), "{response}");

    // GetFunction from a REST API: no body, the alias as a query parameter.
    let event = rest_event("GET", "/2015-03-31/functions/echo", json!({"Qualifier": ["live"]}), &[], None);
    let response = emulator.invoke(&event);
    assert_eq!(response["statusCode"], 200, "{response}");
    let got = json_body(&response);
    assert_eq!(got["Configuration"]["FunctionName"], "echo");
    assert_eq!(got["Configuration"]["FunctionArn"], ECHO_ARN);
    // The query parameter reached the router: an alias that is not there.
    let event = rest_event("GET", "/2015-03-31/functions/echo", json!({"Qualifier": ["gone"]}), &[], None);
    let response = emulator.invoke(&event);
    assert_eq!(response["statusCode"], 404, "{response}");
    assert_eq!(rest_header(&response, "x-amzn-errortype"), "ResourceNotFoundException");

    // A repeated query key from a REST API: UntagResource of two keys, the
    // ARN label escaped.
    let tags = json!({"Tags": {"team": "platform", "owner": "me", "stage": "test"}}).to_string();
    let escaped = ECHO_ARN.replace(':', "%3A");
    let event = rest_event(
        "POST",
        &format!("/2017-03-31/tags/{escaped}"),
        Value::Null,
        &[("Content-Type", "application/json")],
        Some(&tags),
    );
    assert_eq!(emulator.invoke(&event)["statusCode"], 204);
    let event =
        rest_event("DELETE", &format!("/2017-03-31/tags/{escaped}"), json!({"tagKeys": ["owner", "stage"]}), &[], None);
    let response = emulator.invoke(&event);
    assert_eq!(response["statusCode"], 204, "{response}");
    assert!(response.get("body").is_none(), "{response}");
    let event = v2_event(true, "GET", &format!("/2017-03-31/tags/{escaped}"), "", &[], None);
    assert_eq!(json_body(&emulator.invoke(&event)), json!({"Tags": {"team": "platform"}}));

    // A constraint violation from each source: the router's
    // ValidationException, named in `X-Amzn-Errortype` and the body.
    let description = json!({"Description": "x".repeat(300)}).to_string();
    let event = rest_event(
        "PUT",
        "/2015-03-31/functions/echo/configuration",
        Value::Null,
        &[("Content-Type", "application/json")],
        Some(&description),
    );
    let response = emulator.invoke(&event);
    assert_eq!(response["statusCode"], 400, "{response}");
    assert_eq!(rest_header(&response, "x-amzn-errortype"), "ValidationException");
    let error = json_body(&response);
    assert!(
        error["message"].as_str().unwrap().contains(
            "Value with length 300 at '/Description' failed to satisfy constraint: Member must have length between 0 and 256, inclusive"
        ),
        "{error}"
    );
    for function_url in [false, true] {
        let event = v2_event(function_url, "GET", "/2015-03-31/functions/", "MaxItems=0", &[], None);
        let response = emulator.invoke(&event);
        assert_eq!(response["statusCode"], 400, "{response}");
        assert_eq!(response["headers"]["x-amzn-errortype"], "ValidationException");
        assert_eq!(json_body(&response)["fieldList"][0]["path"], "/MaxItems");
    }

    // Not an HTTP event: that invocation fails, and the function goes on.
    let output = emulator.invoke_raw(&json!({"order": 42}));
    assert!(!output.status.success(), "{}", String::from_utf8_lossy(&output.stdout));
    let event = rest_event("GET", "/2015-03-31/functions/", Value::Null, &[], None);
    let response = emulator.invoke(&event);
    assert_eq!(response["statusCode"], 200, "{response}");
    assert_eq!(json_body(&response)["Functions"][0]["FunctionName"], "echo");
    assert!(emulator.function.try_wait().unwrap().is_none(), "the function is still running:\n{}", emulator.logs());
}

#[test]
fn http_requests_through_the_emulators_function_url() {
    if !have_cargo_lambda() {
        return;
    }
    let emulator = Emulator::start("url");
    // The emulator turns each HTTP request into a function URL event.
    let create = json!({
        "FunctionName": "echo",
        "Runtime": "python3.12",
        "Role": ROLE,
        "Handler": "handler.handler",
        "Code": {"ZipFile": Blob::new(b"PK\x03\x04".to_vec()).to_base64()}
    });
    let (status, head, body) = emulator.http(
        "POST",
        "/2015-03-31/functions",
        &[("Content-Type", "application/json")],
        create.to_string().as_bytes(),
    );
    assert_eq!(status, 201, "{head}");
    assert_eq!(serde_json::from_slice::<Value>(&body).unwrap()["FunctionArn"], ECHO_ARN);

    let (status, head, body) = emulator.http("GET", "/2015-03-31/functions/echo?Qualifier=%24LATEST", &[], b"");
    assert_eq!(status, 200, "{head}");
    assert_eq!(serde_json::from_slice::<Value>(&body).unwrap()["Configuration"]["Version"], "$LATEST");

    // Invoke with a payload that is not UTF-8: the emulator sends it in
    // base64 (for a binary Content-Type: without one it fails, a 500 of
    // its own), and the function refuses it as Lambda does.
    let binary = [("Content-Type", "application/octet-stream")];
    let (status, head, body) =
        emulator.http("POST", "/2015-03-31/functions/echo/invocations", &binary, &[0xff, 0xfe, 0x00]);
    assert_eq!(status, 400, "{head}");
    assert!(head.to_ascii_lowercase().contains("x-amzn-errortype: invalidrequestcontentexception"), "{head}");
    assert_eq!(serde_json::from_slice::<Value>(&body).unwrap()["Type"], "User");

    let (status, head, body) = emulator.http("GET", "/2015-03-31/functions/missing", &[], b"");
    assert_eq!(status, 404, "{head}");
    assert!(head.to_ascii_lowercase().contains("x-amzn-errortype: resourcenotfoundexception"), "{head}");
    assert!(String::from_utf8_lossy(&body).contains("Function not found"), "{}", String::from_utf8_lossy(&body));
}
