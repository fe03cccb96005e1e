//! The README's example service, served: requests as any awsJson1.0 client
//! sends them (`curl` in the README and docs/guide/writing-a-service.md), over a real socket.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};

use serde_json::{Value, json};

struct Server {
    child: Child,
    address: String,
}

impl Server {
    fn start() -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_notes-server"))
            .args(["--port", "0"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("the server starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        let address = line.trim().strip_prefix("notes listening on http://").unwrap_or_else(|| panic!("{line:?}"));
        Server { address: address.to_string(), child }
    }

    /// Calls `operation` with `body`; the status and the response body.
    fn call(&self, operation: &str, body: &Value) -> (u16, Value) {
        let body = body.to_string();
        let mut stream = TcpStream::connect(&self.address).unwrap();
        write!(
            stream,
            "POST / HTTP/1.1\r\nHost: {}\r\nContent-Type: application/x-amz-json-1.0\r\nX-Amz-Target: Notes.{operation}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            self.address,
            body.len()
        )
        .unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).unwrap();
        let (head, body) = response.split_once("\r\n\r\n").unwrap();
        let status = head.split(' ').nth(1).unwrap().parse().unwrap();
        (status, serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {body:?}")))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn notes_are_written_read_listed_and_deleted() {
    let server = Server::start();
    let (status, put) = server.call("PutNote", &json!({"id": "groceries", "text": "eggs, milk", "tags": ["home"]}));
    assert_eq!(status, 200, "{put}");
    let note = &put["note"];
    assert_eq!((note["id"].as_str(), note["text"].as_str()), (Some("groceries"), Some("eggs, milk")));
    // The model's default, and the time written, as epoch seconds.
    assert_eq!(note["priority"], "normal");
    assert!(note["updated"].as_f64().unwrap() > 1.7e9, "{note}");

    assert_eq!(server.call("GetNote", &json!({"id": "groceries"})), (200, json!({"note": note.clone()})));
    server.call("PutNote", &json!({"id": "ideas", "text": "a tower layer", "priority": "high"}));

    let (status, page) = server.call("ListNotes", &json!({"maxResults": 1}));
    assert_eq!(status, 200);
    assert_eq!(page["notes"].as_array().unwrap().len(), 1);
    assert_eq!(page["nextToken"], "ideas");
    let (_, rest) = server.call("ListNotes", &json!({"nextToken": "ideas"}));
    assert_eq!(rest["notes"][0]["priority"], "high");
    assert!(rest.get("nextToken").is_none(), "{rest}");
    let (_, tagged) = server.call("ListNotes", &json!({"tag": "home"}));
    assert_eq!(tagged["notes"].as_array().unwrap().len(), 1);

    assert_eq!(server.call("DeleteNote", &json!({"id": "groceries"})), (200, json!({})));
    let (status, missing) = server.call("GetNote", &json!({"id": "groceries"}));
    assert_eq!(status, 400);
    // awsJson1.0 names a modelled error by its shape id.
    assert_eq!(missing, json!({"__type": "example.notes#NoteNotFound", "message": "no note has the id groceries"}));
}

#[test]
fn the_model_constraints_are_enforced() {
    let server = Server::start();
    let bad = json!({"id": "Not An Id", "text": "", "priority": "urgent", "tags": ["a", "a"]});
    let (status, body) = server.call("PutNote", &bad);
    assert_eq!(status, 400);
    assert_eq!(body["__type"], "ValidationException");
    assert!(body["message"].as_str().unwrap().starts_with("4 validation errors detected."), "{body}");
    let paths: Vec<&str> = body["fieldList"].as_array().unwrap().iter().map(|f| f["path"].as_str().unwrap()).collect();
    assert_eq!(paths, ["/text", "/priority", "/tags", "/id"]);

    let (status, body) = server.call("ListNotes", &json!({"maxResults": 0}));
    assert_eq!(status, 400);
    assert_eq!(
        body["fieldList"],
        json!([{"path": "/maxResults", "message": "Value at '/maxResults' failed to satisfy constraint: Member must be between 1 and 100, inclusive"}])
    );
    let (status, body) = server.call("GetNote", &json!({}));
    assert_eq!((status, body["fieldList"][0]["path"].as_str()), (400, Some("/id")));
    let (status, body) = server.call("ShareNote", &json!({}));
    assert_eq!((status, body["__type"].as_str()), (400, Some("UnknownOperationException")));
}

/// SIGTERM (`docker stop`, systemd) stops the server as SIGINT does: a
/// request whose body was half-sent when it came is still answered, then
/// the server exits. It killed the server at once, mid-request.
#[test]
fn sigterm_stops_the_server_once_requests_in_flight_are_answered() {
    let mut server = Server::start();
    let body = r#"{"id": "late", "text": "sent after SIGTERM"}"#;
    let mut stream = TcpStream::connect(&server.address).unwrap();
    write!(
        stream,
        "POST / HTTP/1.1\r\nHost: {}\r\nContent-Type: application/x-amz-json-1.0\r\nX-Amz-Target: Notes.PutNote\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{}",
        server.address,
        body.len(),
        &body[..10]
    )
    .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(200));
    let pid = server.child.id().to_string();
    assert!(Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
    std::thread::sleep(std::time::Duration::from_millis(200));
    stream.write_all(&body.as_bytes()[10..]).unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    let status = server.child.wait().unwrap();
    assert!(status.success(), "{status}");
    assert!(TcpStream::connect(&server.address).is_err(), "still accepting");
}
