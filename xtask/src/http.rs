//! A small HTTP/1.1 client for the emulator's measurements: requests written
//! by hand as botocore would send them, on one kept-alive connection, each
//! response read whole (by `Content-Length`, chunked, or to the close) so
//! that the next request can follow it. No HTTP crate: the bytes sent are
//! exactly those `load` replays.

use std::borrow::Cow;
use std::io::{self, BufRead, BufReader, Write};
use std::net::TcpStream;

/// A request's bytes: its line, `Host`, `headers`, `Content-Length` and
/// `body`.
pub fn request(host: &str, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Vec<u8> {
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: {host}\r\n");
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
    let mut request = head.into_bytes();
    request.extend_from_slice(body);
    request
}

/// A response: its status and body (de-chunked).
pub struct Response {
    pub status: u16,
    pub body: Vec<u8>,
    /// Whether the server closes the connection after it.
    pub close: bool,
}

impl Response {
    pub fn text(&self) -> Cow<'_, str> {
        String::from_utf8_lossy(&self.body)
    }
}

fn invalid(what: impl Into<String>) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, what.into())
}

/// One line, without its line end; an error at the end of the stream.
fn line(reader: &mut impl BufRead) -> io::Result<String> {
    let mut line = String::new();
    if reader.read_line(&mut line)? == 0 {
        return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "the connection closed"));
    }
    Ok(line.trim_end_matches(['\r', '\n']).to_string())
}

/// Reads one response to a request other than HEAD.
pub fn read_response(reader: &mut impl BufRead) -> io::Result<Response> {
    let status_line = line(reader)?;
    let status = status_line
        .split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .ok_or_else(|| invalid(format!("not a status line: {status_line:?}")))?;
    let (mut length, mut chunked, mut close) = (None, false, status_line.starts_with("HTTP/1.0"));
    loop {
        let header = line(reader)?;
        if header.is_empty() {
            break;
        }
        let Some((name, value)) = header.split_once(':') else { continue };
        let value = value.trim();
        if name.eq_ignore_ascii_case("content-length") {
            length = Some(value.parse::<usize>().map_err(|_| invalid(format!("Content-Length: {value}")))?);
        } else if name.eq_ignore_ascii_case("transfer-encoding") {
            chunked = value.eq_ignore_ascii_case("chunked");
        } else if name.eq_ignore_ascii_case("connection") {
            close = value.eq_ignore_ascii_case("close");
        }
    }
    let mut body = Vec::new();
    if chunked {
        loop {
            let size = line(reader)?;
            let size = size.split(';').next().unwrap_or_default().trim();
            let size = usize::from_str_radix(size, 16).map_err(|_| invalid(format!("chunk size {size:?}")))?;
            if size == 0 {
                // Trailers, up to the blank line.
                while !line(reader)?.is_empty() {}
                break;
            }
            let start = body.len();
            body.resize(start + size, 0);
            reader.read_exact(&mut body[start..])?;
            line(reader)?;
        }
    } else if let Some(length) = length {
        body.resize(length, 0);
        reader.read_exact(&mut body)?;
    } else if !(status == 204 || status == 304 || (100..200).contains(&status)) {
        reader.read_to_end(&mut body)?;
        close = true;
    }
    Ok(Response { status, body, close })
}

/// One kept-alive connection, opened again when the server closes it.
pub struct Connection {
    address: String,
    open: Option<(BufReader<TcpStream>, TcpStream)>,
}

impl Connection {
    pub fn new(address: &str) -> Connection {
        Connection { address: address.to_string(), open: None }
    }

    /// Sends `request` and reads its response. After a failure the next
    /// request opens a new connection.
    pub fn send(&mut self, request: &[u8]) -> io::Result<Response> {
        let (reader, writer) = match &mut self.open {
            Some(open) => open,
            None => {
                let stream = TcpStream::connect(&self.address)?;
                stream.set_nodelay(true)?;
                let writer = stream.try_clone()?;
                self.open.insert((BufReader::new(stream), writer))
            }
        };
        let response = writer.write_all(request).and_then(|()| read_response(reader));
        if response.as_ref().map_or(true, |response| response.close) {
            self.open = None;
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_has_its_host_and_length() {
        let sent = request("127.0.0.1:9", "PUT", "/b/k", &[("X-A", "1")], b"body");
        assert_eq!(sent, b"PUT /b/k HTTP/1.1\r\nHost: 127.0.0.1:9\r\nX-A: 1\r\nContent-Length: 4\r\n\r\nbody");
    }

    #[test]
    fn responses_are_read_whole_by_length_chunks_or_close() {
        let two = b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabcHTTP/1.1 204 No Content\r\n\r\n";
        let mut reader = &two[..];
        let first = read_response(&mut reader).unwrap();
        assert_eq!((first.status, first.body.as_slice(), first.close), (200, &b"abc"[..], false));
        let second = read_response(&mut reader).unwrap();
        assert_eq!((second.status, second.body.len()), (204, 0));
        assert!(reader.is_empty());

        let chunked =
            b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n3\r\nabc\r\na;x=1\r\n0123456789\r\n0\r\n\r\n";
        let mut reader = &chunked[..];
        assert_eq!(read_response(&mut reader).unwrap().body, b"abc0123456789");
        assert!(reader.is_empty());

        let closed = b"HTTP/1.0 500 Oops\r\n\r\nto the end";
        let response = read_response(&mut &closed[..]).unwrap();
        assert_eq!((response.status, response.text().as_ref(), response.close), (500, "to the end", true));
        assert!(read_response(&mut &b"HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nshort"[..]).is_err());
    }
}
