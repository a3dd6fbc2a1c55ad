//! The fuzzing entry points: what each target in `fuzz/` runs on one input, and what the
//! test suite replays on the corpus in `fuzz/regressions/` (the suite does not fuzz).
//!
//! Each takes arbitrary bytes and panics only when an invariant breaks: a crash of the
//! compiler, the formatter or the language server is a panic inside them too.
//!
//! - [`compile`]: loading a platform of several files (`#--- PATH` lines split the
//!   bytes), the whole front end, every HA rule and the three renderers (the terminal
//!   and SARIF on a few diagnostics, SARIF on one input in 64); a platform
//!   that checks clean and needs no secret is emitted, twice, to the same tree, whose
//!   YAML, JSON and TOML files all parse.
//! - [`fmt`]: a file that parses formats idempotently, to the same syntax tree, with the
//!   same comments in the same order.
//! - [`lsp`]: the bytes as a client's stream (framing, headers, bodies), then as a
//!   document in a whole session: every request gets exactly one answer, requests after
//!   `shutdown` are refused, and only `exit` ends it.

// Panicking is how a fuzz target reports a broken invariant: here, and only here, it is
// the point.
#![allow(clippy::expect_used, clippy::panic)]

use lsp_server::{Connection, Message, Notification, Request, RequestId};
use serde_json::json;

use crate::source::FileId;

/// Compiles `data` (as UTF-8, lossily) and renders its diagnostics. The text is a platform
/// of several files: each `#--- PATH` line starts another, which the first may `use`.
pub fn compile(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let files = crate::load::Memory::split("fuzz.k8s", &text);
    let first = files.files.get("fuzz.k8s").cloned().unwrap_or_default();
    let compilation = crate::compile_platform(vec![("fuzz.k8s".to_string(), first)], "", &files, |_| None);
    // The terminal renderer draws every excerpt: the first few exercise it as well as
    // thousands would (a mangled input draws thousands), at a fraction of the time.
    let shown = compilation.diagnostics.len().min(16);
    let _ = crate::report::render_human(
        &compilation.diagnostics[..shown],
        &compilation.sources,
        crate::report::HumanStyle::default(),
    );
    let _ = crate::report::render_json(&compilation.diagnostics, &compilation.sources);
    // SARIF carries every code's page on every run (a constant 100 KB): once in a while.
    if data.len().is_multiple_of(64) {
        let _ = crate::report::render_sarif(&compilation.diagnostics[..shown], &compilation.sources, &|code| {
            crate::check::rule_of(code).map(|(family, rule)| (family.name, rule.name))
        });
    }
    if compilation.has_errors() || !compilation.model.secret_uses().is_empty() {
        return;
    }
    let secrets = crate::platform::Secrets::default();
    let templates = crate::emit::Templates::default();
    let first = crate::build("fuzz.k8s", &compilation, &secrets, &templates).map_err(|found| found.len());
    let second = crate::build("fuzz.k8s", &compilation, &secrets, &templates).map_err(|found| found.len());
    assert!(first == second, "two emissions of one model differ");
    // Whatever strings the input holds, every structured file reads back as its format.
    if let Ok(output) = first {
        for (path, file) in &output.files {
            readable(path, &file.contents);
        }
    }
}

/// Panics when an emitted YAML, JSON or TOML file does not parse as its format.
fn readable(path: &str, contents: &str) {
    use serde::Deserialize as _;
    if path.ends_with(".yaml") || path.ends_with(".yml") {
        for document in serde_yaml::Deserializer::from_str(contents) {
            if let Err(err) = serde_yaml::Value::deserialize(document) {
                panic!("{path} is not YAML: {err}");
            }
        }
    } else if path.ends_with(".json") {
        if let Err(err) = serde_json::from_str::<serde_json::Value>(contents) {
            panic!("{path} is not JSON: {err}");
        }
    } else if path.ends_with(".toml")
        && let Err(err) = toml::from_str::<toml::Value>(contents)
    {
        panic!("{path} is not TOML: {err}");
    }
}

/// Formats `data` when it parses, and holds the formatter's invariants.
pub fn fmt(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(formatted) = crate::format::format(FileId(0), text) else {
        return;
    };
    let again = crate::format::format(FileId(0), &formatted);
    assert_eq!(again.as_ref(), Ok(&formatted), "formatting is not idempotent");
    let (before, _) = crate::syntax::parse(FileId(0), text);
    let (after, errors) = crate::syntax::parse(FileId(0), &formatted);
    assert!(errors.is_empty(), "the formatted text does not parse: {errors:?}");
    assert_eq!(
        tree_shape(&before),
        tree_shape(&after),
        "formatting changed the syntax tree"
    );
    let comments = |module: &crate::syntax::ast::Module| -> Vec<String> {
        module
            .comments
            .iter()
            .map(|comment| comment.text.trim_end().to_string())
            .collect()
    };
    assert_eq!(
        comments(&before),
        comments(&after),
        "formatting lost or moved a comment"
    );
}

/// The syntax tree's items without what formatting may change: positions, and whether a
/// list or record was spread over lines.
fn tree_shape(module: &crate::syntax::ast::Module) -> String {
    let debug = format!("{:?}", module.items);
    let mut shape = String::with_capacity(debug.len());
    let mut rest = debug.as_str();
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix("Span {") {
            rest = after.split_once('}').map_or("", |(_, tail)| tail);
            shape.push_str("Span");
        } else if let Some(after) = rest.strip_prefix("multiline: ") {
            rest = after.trim_start_matches("true").trim_start_matches("false");
        } else {
            let mut chars = rest.chars();
            if let Some(ch) = chars.next() {
                shape.push(ch);
            }
            rest = chars.as_str();
        }
    }
    shape
}

/// Runs the transport on `data` as a byte stream, then a session on `data` as a document.
pub fn lsp(data: &[u8]) {
    let mut stream = std::io::BufReader::new(data);
    let mut frames = 0usize;
    while crate::lsp::transport::next_frame(&mut stream).is_some() {
        frames += 1;
        assert!(frames <= data.len() + 1, "the framing made no progress");
    }
    session(&String::from_utf8_lossy(data));
}

/// The requests at positions spread over the document: hover, completion, definition,
/// references, rename and code actions at up to 8 places.
fn positioned_requests(document: &serde_json::Value, lines: usize) -> Vec<(&'static str, serde_json::Value)> {
    let mut wanted = Vec::new();
    for step in 0..lines.min(8) {
        let line = step * lines / 8;
        let character = (step * 7) % 40;
        let at = json!({ "textDocument": document, "position": { "line": line, "character": character } });
        for method in [
            "textDocument/hover",
            "textDocument/completion",
            "textDocument/definition",
        ] {
            wanted.push((method, at.clone()));
        }
        let mut references = at.clone();
        references["context"] = json!({ "includeDeclaration": true });
        wanted.push(("textDocument/references", references));
        let mut rename = at.clone();
        rename["newName"] = json!("renamed");
        wanted.push(("textDocument/rename", rename));
        let range = json!({ "start": { "line": line, "character": 0 }, "end": { "line": line + 1, "character": 0 } });
        wanted.push((
            "textDocument/codeAction",
            json!({ "textDocument": document, "range": range, "context": { "diagnostics": [] } }),
        ));
    }
    wanted
}

/// The client's side of [`session`]: its messages, and how many requests they hold (the
/// last one is sent after `exit`, and must never be answered).
fn session_messages(text: &str) -> (Vec<Message>, i32) {
    let uri = "file:///fuzz/cluster.k8s";
    let document = json!({ "uri": uri });
    let lines = text.split('\n').count();
    let mut messages: Vec<Message> = Vec::new();
    let mut requests = 0i32;
    let mut request = |messages: &mut Vec<Message>, method: &str, params: serde_json::Value| {
        requests += 1;
        messages.push(Message::Request(Request::new(
            RequestId::from(requests),
            method.into(),
            params,
        )));
    };
    request(&mut messages, "initialize", json!({ "capabilities": {} }));
    let notify = |messages: &mut Vec<Message>, method: &str, params: serde_json::Value| {
        messages.push(Message::Notification(Notification::new(method.into(), params)));
    };
    notify(&mut messages, "initialized", json!({}));
    notify(
        &mut messages,
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": uri, "languageId": "k8s", "version": 1, "text": text } }),
    );
    for (method, params) in positioned_requests(&document, lines) {
        request(&mut messages, method, params);
    }
    request(
        &mut messages,
        "textDocument/documentSymbol",
        json!({ "textDocument": document }),
    );
    request(
        &mut messages,
        "textDocument/formatting",
        json!({ "textDocument": document, "options": { "tabSize": 2, "insertSpaces": true } }),
    );
    let half: String = text.chars().take(text.chars().count() / 2).collect();
    notify(
        &mut messages,
        "textDocument/didChange",
        json!({ "textDocument": { "uri": uri, "version": 2 }, "contentChanges": [{ "text": half }] }),
    );
    request(
        &mut messages,
        "textDocument/hover",
        json!({ "textDocument": document, "position": { "line": 0, "character": 0 } }),
    );
    request(&mut messages, "shutdown", serde_json::Value::Null);
    request(
        &mut messages,
        "textDocument/documentSymbol",
        json!({ "textDocument": document }),
    );
    notify(&mut messages, "exit", serde_json::Value::Null);
    // A request the server must never see: `exit` ended the session before it.
    let after_exit = requests + 1;
    messages.push(Message::Request(Request::new(
        RequestId::from(after_exit),
        "shutdown".into(),
        serde_json::Value::Null,
    )));
    (messages, requests)
}

/// A whole session on one document: every feature at positions spread over it, an edit,
/// shutdown, a request after it, and exit.
fn session(text: &str) {
    let (messages, requests) = session_messages(text);
    let (server, client) = Connection::memory();
    for message in messages {
        client.sender.send(message).expect("the channel is open");
    }
    drop(client.sender);
    crate::lsp::serve(&server).expect("the session ends cleanly");
    drop(server);
    let mut answered: Vec<i32> = Vec::new();
    for message in client.receiver.try_iter() {
        if let Message::Response(response) = message {
            let id = response.id.to_string().parse::<i32>().expect("a numeric id");
            if id == requests {
                let error = response.response_result.as_ref().err().map(|error| error.code);
                assert_eq!(
                    error,
                    Some(lsp_server::ErrorCode::InvalidRequest as i32),
                    "a request after shutdown"
                );
            }
            answered.push(id);
        }
    }
    let expected: Vec<i32> = (1..=requests).collect();
    assert_eq!(
        answered, expected,
        "every request is answered once, in order, and none after exit"
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape(text: &str) -> String {
        let (module, errors) = crate::syntax::parse(FileId(0), text);
        assert!(errors.is_empty(), "{errors:?}");
        tree_shape(&module)
    }

    /// The comparison `fmt` relies on ignores layout and sees every change of meaning.
    #[test]
    fn the_tree_shape_ignores_layout_only() {
        let one_line = shape("node a {\n  x = [1, { b = 2 }]\n}\n");
        assert_eq!(
            one_line,
            shape("node   a {\n\n  x = [\n    1,\n    {\n      b = 2\n    },\n  ]\n}\n")
        );
        assert_ne!(one_line, shape("node a {\n  x = [1, { b = 3 }]\n}\n"));
        assert_ne!(one_line, shape("node a {\n  x = [{ b = 2 }, 1]\n}\n"));
        assert_ne!(one_line, shape("node b {\n  x = [1, { b = 2 }]\n}\n"));
    }

    /// A session answers every request: the check that would catch a server going quiet.
    #[test]
    fn a_session_on_an_example_answers_everything() {
        session("cluster c {\n  version = \"1.36.3\"\n}\n\nnode a {\n  address = 10.0.0.1\n}\n");
    }
}
