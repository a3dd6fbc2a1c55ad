//! A YAML writer for serialisable values, safe for Kubernetes' YAML 1.1 readers.
//!
//! serde_yaml writes `yes`, `no`, `on` and `off` unquoted, which YAML 1.2 reads as
//! strings but the YAML 1.1 parsers behind kubectl and PyYAML read as booleans (`args:
//! [--appendonly, yes]` would become `true`). This writer quotes every string that is not
//! unambiguously a plain string in both, and keeps field order.

use serde::Serialize;
use serde_json::Value;

/// Block-style YAML of a value, ending with a line break.
pub fn to_yaml(value: &impl Serialize) -> String {
    let value = serde_json::to_value(value).unwrap_or(Value::Null);
    let mut out = String::new();
    match &value {
        Value::Object(map) if !map.is_empty() => write_map(map, 0, &mut out),
        Value::Array(items) if !items.is_empty() => write_list(items, 0, &mut out),
        scalar => {
            out.push_str(&inline(scalar));
            out.push('\n');
        }
    }
    out
}

/// Scalars (and empty collections) on one line.
fn inline(value: &Value) -> String {
    match value {
        Value::Null => "null".into(),
        Value::Bool(flag) => flag.to_string(),
        Value::Number(number) => number.to_string(),
        Value::String(text) => scalar(text),
        Value::Array(_) => "[]".into(),
        Value::Object(_) => "{}".into(),
    }
}

/// Words YAML 1.1 reads as booleans or null.
const AMBIGUOUS: &[&str] = &["y", "yes", "n", "no", "true", "false", "on", "off", "null", "~"];

/// A string, plain when that is unambiguous, else double-quoted (JSON escapes are valid
/// YAML double-quoted escapes).
pub fn scalar(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    push_scalar(&mut out, text);
    out
}

/// [`scalar`], appended to `out` without allocating: the writers call it for every key
/// and string of tens of megabytes of manifests.
pub fn push_scalar(out: &mut String, text: &str) {
    if is_plain(text) {
        out.push_str(text);
    } else {
        push_quoted(out, text);
    }
}

/// The bytes a plain scalar may hold.
const PLAIN: [bool; 256] = {
    let mut table = [false; 256];
    let mut byte = 0;
    while byte < 256 {
        #[expect(clippy::cast_possible_truncation, reason = "byte < 256")]
        let b = byte as u8;
        table[byte] =
            b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'/' | b':' | b'=' | b'@' | b'+' | b',');
        byte += 1;
    }
    table
};

fn is_plain(text: &str) -> bool {
    let bytes = text.as_bytes();
    // No space is plain, so `: ` never occurs in a plain scalar.
    bytes
        .first()
        .is_some_and(|&b| b.is_ascii_alphabetic() || b == b'/' || b == b'_')
        && bytes.iter().all(|&b| PLAIN[b as usize])
        && !text.ends_with(':')
        && (bytes.len() > 5 || !AMBIGUOUS.iter().any(|word| word.eq_ignore_ascii_case(text)))
}

/// A double-quoted string with JSON's escapes.
fn push_quoted(out: &mut String, text: &str) {
    out.push('"');
    let mut start = 0;
    for (idx, ch) in text.char_indices() {
        let escape = match ch {
            '"' => "\\\"",
            '\\' => "\\\\",
            '\n' => "\\n",
            '\r' => "\\r",
            '\t' => "\\t",
            '\u{08}' => "\\b",
            '\u{0c}' => "\\f",
            ch if (ch as u32) < 0x20 => "",
            _ => continue,
        };
        out.push_str(&text[start..idx]);
        if escape.is_empty() {
            out.push_str(&format!("\\u{:04x}", ch as u32));
        } else {
            out.push_str(escape);
        }
        start = idx + ch.len_utf8();
    }
    out.push_str(&text[start..]);
    out.push('"');
}

fn key(text: &str) -> String {
    scalar(text)
}

fn indent(depth: usize, out: &mut String) {
    for _ in 0..depth {
        out.push_str("  ");
    }
}

fn write_map(map: &serde_json::Map<String, Value>, depth: usize, out: &mut String) {
    for (name, value) in map {
        indent(depth, out);
        out.push_str(&key(name));
        out.push(':');
        write_value_after_key(value, depth, out);
    }
}

fn write_value_after_key(value: &Value, depth: usize, out: &mut String) {
    match value {
        Value::Object(inner) if !inner.is_empty() => {
            out.push('\n');
            write_map(inner, depth + 1, out);
        }
        Value::Array(items) if !items.is_empty() => {
            out.push('\n');
            write_list(items, depth, out);
        }
        scalar => {
            out.push(' ');
            out.push_str(&inline(scalar));
            out.push('\n');
        }
    }
}

/// A sequence at `depth` (Kubernetes style: dashes at the parent key's indentation).
fn write_list(items: &[Value], depth: usize, out: &mut String) {
    for item in items {
        indent(depth, out);
        out.push_str("- ");
        match item {
            Value::Object(map) if !map.is_empty() => {
                // The first entry shares the dash's line; the rest align under it.
                let mut first = true;
                for (name, value) in map {
                    if !first {
                        indent(depth + 1, out);
                    }
                    first = false;
                    out.push_str(&key(name));
                    out.push(':');
                    write_value_after_key(value, depth + 1, out);
                }
            }
            Value::Array(inner) if !inner.is_empty() => {
                out.push('\n');
                write_list(inner, depth + 1, out);
            }
            scalar => {
                out.push_str(&inline(scalar));
                out.push('\n');
            }
        }
    }
}

/// A value that exercises every shape the writers handle, for their tests.
#[cfg(test)]
pub(super) fn sample() -> Value {
    serde_json::json!({
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": { "name": "web", "labels": {} },
        "spec": {
            "containers": [
                { "name": "web", "args": ["redis-server", "--appendonly", "yes"], "ports": [{ "containerPort": 80 }] }
            ],
            "nested": [[1, 2], []],
            "flag": true,
            "text": "line\nbreak \"quoted\""
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_strings_use_json_escapes() {
        for text in [
            "a: b",
            "tab\there",
            "quote \" and \\",
            "line\nbreak\r",
            "\u{1}\u{8}\u{c}\u{1f}",
            "ünï €",
            "8080",
        ] {
            assert_eq!(scalar(text), serde_json::to_string(text).unwrap(), "{text:?}");
        }
    }

    #[test]
    fn ambiguous_words_and_numbers_are_quoted() {
        assert_eq!(scalar("yes"), "\"yes\"");
        assert_eq!(scalar("On"), "\"On\"");
        assert_eq!(scalar("8080"), "\"8080\"");
        assert_eq!(scalar("1.30"), "\"1.30\"");
        assert_eq!(scalar(""), "\"\"");
        assert_eq!(scalar("a: b"), "\"a: b\"");
        assert_eq!(scalar("--config.file=/etc/x"), "\"--config.file=/etc/x\"");
        assert_eq!(scalar("nginx:1.27"), "nginx:1.27");
        assert_eq!(scalar("app.kubernetes.io/name"), "app.kubernetes.io/name");
    }

    #[test]
    fn writes_block_yaml_that_reads_back_the_same() {
        let value = sample();
        let text = to_yaml(&value);
        assert!(text.starts_with("apiVersion: v1\nkind: Pod\n"), "{text}");
        assert!(text.contains("- \"yes\""), "{text}");
        let back: serde_json::Value = serde_yaml::from_str(&text).expect("valid YAML");
        assert_eq!(back, value);
    }
}
