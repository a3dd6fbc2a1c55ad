//! The language server's stdio transport: LSP's `Content-Length` framing, read so that no
//! input ends the server. A header that cannot be read, a length over [`MAX_BODY`], a body
//! that is not UTF-8, not JSON, or not one JSON-RPC message is logged to stderr and answered
//! (a JSON-RPC error with a null id) or skipped; only `exit` (or the end of stdin) ends it.

use std::io::{BufRead, Read, Write};
use std::sync::{Arc, Mutex};

use lsp_server::{Connection, Message};
use serde_json::Value;

/// The largest message body accepted: larger ones are skipped unread, never allocated.
pub const MAX_BODY: usize = 64 << 20;
/// The longest header line kept; the rest of a longer one is skipped.
const MAX_HEADER_LINE: usize = 8 << 10;

/// JSON-RPC's codes for what could not be a request.
const PARSE_ERROR: i64 = -32700;
const INVALID_REQUEST: i64 = -32600;

/// The threads that carry stdin to the server and its messages to stdout.
pub struct Threads {
    reader: std::thread::JoinHandle<()>,
    writer: std::thread::JoinHandle<()>,
}

impl Threads {
    pub fn join(self) {
        let _ = self.writer.join();
        // The reader may sit in a read of stdin forever; it ends with the process.
        drop(self.reader);
    }
}

fn log(what: &str) {
    eprintln!("k8sc lsp: {what}");
}

fn write_frame(out: &Mutex<std::io::Stdout>, body: &str) {
    let mut out = out.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let _ = write!(out, "Content-Length: {}\r\n\r\n{body}", body.len());
    let _ = out.flush();
}

fn reject(out: &Mutex<std::io::Stdout>, code: i64, message: &str) {
    log(message);
    let body = serde_json::json!({
        "jsonrpc": "2.0",
        "id": null,
        "error": { "code": code, "message": message },
    });
    write_frame(out, &body.to_string());
}

/// A connection on stdin and stdout.
pub fn stdio() -> (Connection, Threads) {
    let (server, client) = Connection::memory();
    let stdout = Arc::new(Mutex::new(std::io::stdout()));
    let out = Arc::clone(&stdout);
    let to_server = client.sender;
    let reader = std::thread::spawn(move || {
        let stdin = std::io::stdin();
        let mut input = stdin.lock();
        while let Some(frame) = next_frame(&mut input) {
            match frame {
                Frame::Message(message) => {
                    if to_server.send(message).is_err() {
                        return;
                    }
                }
                Frame::Rejected(code, why) => reject(&out, code, &why),
                Frame::Skipped(why) => log(&why),
            }
        }
    });
    let from_server = client.receiver;
    let writer = std::thread::spawn(move || {
        for message in from_server {
            let mut body = Vec::new();
            if message.write(&mut body).is_ok() {
                let mut out = stdout.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
                let _ = out.write_all(&body);
                let _ = out.flush();
            }
        }
    });
    (server, Threads { reader, writer })
}

pub enum Frame {
    Message(Message),
    /// Answered with a JSON-RPC error (null id): code, why.
    Rejected(i64, String),
    /// Logged only.
    Skipped(String),
}

/// One header line without its line break, at most [`MAX_HEADER_LINE`] bytes kept; `None`
/// at the end of input.
fn header_line(input: &mut impl BufRead) -> Option<Vec<u8>> {
    let mut line = Vec::new();
    let mut limited = input.by_ref().take(MAX_HEADER_LINE as u64);
    let read = limited.read_until(b'\n', &mut line).ok()?;
    if read == 0 {
        return None;
    }
    if line.last() != Some(&b'\n') && read == MAX_HEADER_LINE {
        // Too long: skip to the end of the line.
        let mut rest = Vec::new();
        loop {
            rest.clear();
            let mut limited = input.by_ref().take(MAX_HEADER_LINE as u64);
            match limited.read_until(b'\n', &mut rest) {
                Ok(0) | Err(_) => return None,
                Ok(_) if rest.last() == Some(&b'\n') => break,
                Ok(_) => {}
            }
        }
    }
    while matches!(line.last(), Some(b'\n' | b'\r')) {
        line.pop();
    }
    Some(line)
}

/// Reads the next frame; `None` at the end of input.
pub fn next_frame(input: &mut impl BufRead) -> Option<Frame> {
    let mut length: Result<Option<usize>, String> = Ok(None);
    let mut seen_header = false;
    loop {
        let line = header_line(input)?;
        if line.is_empty() {
            if seen_header {
                break;
            }
            continue;
        }
        seen_header = true;
        let text = String::from_utf8_lossy(&line);
        if let Some((name, value)) = text.split_once(':')
            && name.trim().eq_ignore_ascii_case("content-length")
        {
            length = match value.trim().parse::<usize>() {
                Ok(bytes) => Ok(Some(bytes)),
                Err(_) => Err(format!("a Content-Length that is not a number: `{}`", value.trim())),
            };
        }
    }
    let bytes = match length {
        Ok(Some(bytes)) => bytes,
        Ok(None) => return Some(Frame::Skipped("a message without Content-Length".into())),
        Err(why) => return Some(Frame::Rejected(PARSE_ERROR, why)),
    };
    if bytes > MAX_BODY {
        // Skipped unread, in small pieces: the framing stays intact.
        let _ = std::io::copy(&mut input.by_ref().take(bytes as u64), &mut std::io::sink());
        return Some(Frame::Rejected(
            INVALID_REQUEST,
            format!("a message of {bytes} bytes, over the {MAX_BODY}-byte limit"),
        ));
    }
    let mut body = vec![0u8; bytes];
    if input.read_exact(&mut body).is_err() {
        return None;
    }
    Some(decode(&body))
}

fn decode(body: &[u8]) -> Frame {
    let Ok(text) = std::str::from_utf8(body) else {
        return Frame::Rejected(PARSE_ERROR, "a message body that is not UTF-8".into());
    };
    let value: Value = match serde_json::from_str(text) {
        Ok(value) => value,
        Err(err) => return Frame::Rejected(PARSE_ERROR, format!("a message body that is not JSON: {err}")),
    };
    if !value.is_object() {
        return Frame::Rejected(
            INVALID_REQUEST,
            "a message that is not one JSON object (LSP has no batches)".into(),
        );
    }
    match serde_json::from_value::<Message>(value) {
        Ok(message) => Frame::Message(message),
        Err(err) => Frame::Rejected(
            INVALID_REQUEST,
            format!("not a JSON-RPC request, response or notification: {err}"),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frames(input: &[u8]) -> Vec<String> {
        let mut reader = std::io::BufReader::new(input);
        let mut found = Vec::new();
        while let Some(frame) = next_frame(&mut reader) {
            found.push(match frame {
                Frame::Message(Message::Request(request)) => format!("request {}", request.method),
                Frame::Message(Message::Notification(notification)) => format!("notification {}", notification.method),
                Frame::Message(Message::Response(_)) => "response".into(),
                Frame::Rejected(code, _) => format!("rejected {code}"),
                Frame::Skipped(_) => "skipped".into(),
            });
        }
        found
    }

    fn framed(body: &[u8]) -> Vec<u8> {
        let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
        out.extend_from_slice(body);
        out
    }

    #[test]
    fn no_input_stops_the_reader_before_its_end() {
        let good = framed(br#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#);
        let mut input = Vec::new();
        input.extend(b"Content-Length: lots\r\n\r\n");
        input.extend(framed(b"\xff\xfe not utf-8"));
        input.extend(framed(b"{not json"));
        input.extend(framed(b"[1, 2]"));
        input.extend(framed(br#"{"jsonrpc":"2.0","what":1}"#));
        input.extend(b"Content-Length: 4000000000\r\n\r\n");
        input.extend(&good);
        input.extend(&good);
        let found = frames(&input);
        assert_eq!(
            found[..5],
            [
                "rejected -32700",
                "rejected -32700",
                "rejected -32700",
                "rejected -32600",
                "rejected -32600"
            ]
        );
        // The 4 GB message is skipped unread (here the input ends inside it).
        assert_eq!(found[5], "rejected -32600");
        assert_eq!(found.len(), 6);
        let mut input = Vec::new();
        input.extend(framed(b"{not json"));
        input.extend(&good);
        assert_eq!(frames(&input), ["rejected -32700", "notification initialized"]);
    }
}
