//! The language server at the protocol level, over an in-memory connection, and end to end
//! with a real editor (headless Neovim).

use std::process::Command;
use std::thread::JoinHandle;
use std::time::Duration;

use lsp_server::{Connection, Message, Notification, Request, RequestId};
use serde_json::{Value, json};

struct Client {
    connection: Connection,
    server: Option<JoinHandle<Result<(), String>>>,
    next_id: i32,
    /// publishDiagnostics notifications received while waiting for responses.
    published: Vec<Value>,
}

const URI: &str = "file:///work/platform.k8s";

impl Client {
    fn start() -> Client {
        let (server_side, client_side) = Connection::memory();
        let server = std::thread::spawn(move || k8sc::lsp::serve(&server_side));
        let mut client = Client {
            connection: client_side,
            server: Some(server),
            next_id: 0,
            published: Vec::new(),
        };
        let result = client.request("initialize", json!({ "capabilities": {} }));
        assert!(
            result["capabilities"]["hoverProvider"].as_bool().unwrap_or(false),
            "{result}"
        );
        client.notify("initialized", json!({}));
        client
    }

    fn notify(&self, method: &str, params: Value) {
        self.connection
            .sender
            .send(Message::Notification(Notification::new(method.into(), params)))
            .expect("server alive");
    }

    fn receive(&mut self) -> Message {
        self.connection
            .receiver
            .recv_timeout(Duration::from_secs(10))
            .expect("the server answers")
    }

    /// Sends a request and returns its result; an error response is returned as
    /// `{"error": message}`.
    fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = RequestId::from(self.next_id);
        self.connection
            .sender
            .send(Message::Request(Request::new(id.clone(), method.into(), params)))
            .expect("server alive");
        loop {
            match self.receive() {
                Message::Response(response) if response.id == id => {
                    return match response.response_result {
                        Err(error) => json!({ "error": error.message }),
                        Ok(result) => result,
                    };
                }
                Message::Notification(notification) if notification.method == "textDocument/publishDiagnostics" => {
                    self.published.push(notification.params);
                }
                _ => {}
            }
        }
    }

    /// The next publishDiagnostics notification.
    fn diagnostics(&mut self) -> Vec<Value> {
        if !self.published.is_empty() {
            let params = self.published.remove(0);
            return params["diagnostics"].as_array().cloned().unwrap_or_default();
        }
        loop {
            if let Message::Notification(notification) = self.receive()
                && notification.method == "textDocument/publishDiagnostics"
            {
                return notification.params["diagnostics"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default();
            }
        }
    }

    fn open(&mut self, text: &str) -> Vec<Value> {
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": URI, "languageId": "k8sc", "version": 1, "text": text } }),
        );
        self.diagnostics()
    }

    fn change(&mut self, version: i32, text: &str) -> Vec<Value> {
        self.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": URI, "version": version }, "contentChanges": [{ "text": text }] }),
        );
        self.diagnostics()
    }

    fn at(&mut self, method: &str, line: u32, character: u32) -> Value {
        self.request(
            method,
            json!({ "textDocument": { "uri": URI }, "position": { "line": line, "character": character } }),
        )
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.request("shutdown", Value::Null);
        self.notify("exit", Value::Null);
        if let Some(server) = self.server.take() {
            assert!(server.join().expect("server thread").is_ok());
        }
    }
}

fn quickstart() -> String {
    std::fs::read_to_string(crate::root().join("examples/quickstart.k8s")).expect("readable")
}

/// The 0-based line and column of the first occurrence of `needle`.
fn position_of(text: &str, needle: &str) -> (u32, u32) {
    let offset = text.find(needle).unwrap_or_else(|| panic!("`{needle}` is in the text"));
    let line = text[..offset].matches('\n').count();
    let column = offset - text[..offset].rfind('\n').map_or(0, |idx| idx + 1);
    (
        u32::try_from(line).expect("a line"),
        u32::try_from(column).expect("a column"),
    )
}

#[test]
fn diagnostics_arrive_on_open_and_on_change_with_code_range_and_related_information() {
    let mut client = Client::start();
    let clean = quickstart();
    assert_eq!(client.open(&clean), Vec::<Value>::new());
    let broken = clean.replacen("  address = 10.10.0.12", "  adress = 10.10.0.12", 1);
    let diagnostics = client.change(2, &broken);
    assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
    let diagnostic = &diagnostics[0];
    assert_eq!(diagnostic["code"], "E0102");
    assert_eq!(diagnostic["source"], "k8sc");
    assert_eq!(diagnostic["severity"], 1);
    let (line, column) = position_of(&broken, "adress");
    assert_eq!(
        diagnostic["range"]["start"],
        json!({ "line": line, "character": column })
    );
    assert_eq!(
        diagnostic["range"]["end"],
        json!({ "line": line, "character": column + 6 })
    );
    assert!(
        diagnostic["message"]
            .as_str()
            .unwrap_or("")
            .contains("did you mean `address`?")
    );
    assert!(
        diagnostic["codeDescription"]["href"]
            .as_str()
            .unwrap_or("")
            .ends_with("E0102")
    );

    // An HA finding carries its other parties as related information.
    let shared = clean.replacen(
        "  host = pm2\n  roles = [control_plane, etcd, ingress]",
        "  host = pm1\n  roles = [control_plane, etcd, ingress]",
        1,
    );
    let diagnostics = client.change(3, &shared);
    let ha = diagnostics.iter().find(|d| d["code"] == "HA021").expect("HA021");
    assert!(!ha["relatedInformation"].as_array().expect("related").is_empty());
    assert_eq!(
        client.change(4, &clean),
        Vec::<Value>::new(),
        "fixed: the diagnostics clear"
    );
}

#[test]
fn hover_shows_field_types_and_docs_and_etcd_and_vip_summaries() {
    let mut client = Client::start();
    let text = quickstart();
    client.open(&text);
    let value = hover(&mut client, &text, "address = 10.10.0.11", 2);
    assert!(
        value.contains("address: ipv4") && value.contains("The node's IPv4 address"),
        "{value}"
    );

    let value = hover(&mut client, &text, "node master1", 6);
    assert!(
        value.contains("3 members, quorum 2, tolerates 1 failure; survives the loss of any one physical host"),
        "{value}"
    );

    let value = hover(&mut client, &text, "vip_group api_vip", 11);
    assert!(
        value.contains("3 members (master1 MASTER 200, master2 BACKUP 150, master3 BACKUP 100"),
        "{value}"
    );
    assert!(value.contains("virtual_router_id 51 (assigned by k8sc)"), "{value}");
    assert!(!value.contains("nopreempt"), "{value}");
    crate::snapshot_settings("lsp").bind(|| insta::assert_snapshot!("hover-preempting-vip", value));

    assert!(
        hover(&mut client, &text, "host = pm1", 8).contains("physical_host pm1"),
        "a reference shows its declaration"
    );

    // A DRBD pair's VIP does not preempt: keepalived starts every member BACKUP.
    let three_masters =
        std::fs::read_to_string(crate::root().join("examples/004-three-masters.k8s")).expect("readable");
    client.open(&three_masters);
    let value = hover(&mut client, &three_masters, "vip_group nfs_vip", 11);
    assert!(
        value.contains("BACKUP")
            && !value.contains("MASTER")
            && value.contains("nopreempt: every member starts BACKUP"),
        "{value}"
    );
    crate::snapshot_settings("lsp").bind(|| insta::assert_snapshot!("hover-nopreempt-vip", value));
}

/// The hover text `offset` characters into the first occurrence of `needle`.
fn hover(client: &mut Client, text: &str, needle: &str, offset: u32) -> String {
    let (line, column) = position_of(text, needle);
    let hover = client.at("textDocument/hover", line, column + offset);
    hover["contents"]["value"].as_str().unwrap_or("").to_string()
}

#[test]
fn definition_references_and_rename_follow_every_name() {
    let mut client = Client::start();
    let text = quickstart();
    client.open(&text);
    let (line, column) = position_of(&text, "host = pm1");
    let definition = client.at("textDocument/definition", line, column + 8);
    let (decl_line, decl_column) = position_of(&text, "physical_host pm1");
    assert_eq!(
        definition["range"]["start"],
        json!({ "line": decl_line, "character": decl_column + 14 })
    );

    let references = client.request(
        "textDocument/references",
        json!({ "textDocument": { "uri": URI }, "position": { "line": line, "character": column + 8 }, "context": { "includeDeclaration": true } }),
    );
    assert_eq!(
        references.as_array().map(Vec::len),
        Some(3),
        "the declaration and master1's and worker1's host"
    );

    let rename = client.request(
        "textDocument/rename",
        json!({ "textDocument": { "uri": URI }, "position": { "line": line, "character": column + 8 }, "newName": "rack1_host" }),
    );
    assert_eq!(rename["changes"][URI].as_array().map(Vec::len), Some(3), "{rename}");

    let taken = client.request(
        "textDocument/rename",
        json!({ "textDocument": { "uri": URI }, "position": { "line": line, "character": column + 8 }, "newName": "pm2" }),
    );
    assert!(
        taken["error"].as_str().unwrap_or("").contains("already exists"),
        "{taken}"
    );
}

#[test]
fn completion_offers_fields_values_references_and_kinds() {
    let mut client = Client::start();
    let text = quickstart().replacen("  host = pm3\n", "  host = pm3\n  \n  cni_x = 1\n", 0);
    let with_blank = text.replacen("node worker2 {\n", "node worker2 {\n  \n", 1);
    client.open(&with_blank);
    let (line, _) = position_of(&with_blank, "node worker2 {");
    let items = client.at("textDocument/completion", line + 1, 2);
    let labels: Vec<&str> = items
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|i| i["label"].as_str())
        .collect();
    assert!(labels.contains(&"roles") && labels.contains(&"pool"), "{labels:?}");
    assert!(!labels.contains(&"host"), "fields already set are not offered");

    let with_value = with_blank.replacen("node worker2 {\n  \n", "node worker2 {\n  host = \n", 1);
    client.change(2, &with_value);
    let items = client.at("textDocument/completion", line + 1, 9);
    let labels: Vec<&str> = items
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|i| i["label"].as_str())
        .collect();
    assert_eq!(labels, ["pm1", "pm2", "pm3"], "references of the right kind");

    let with_enum = with_value.replacen("  host = \n", "  host = pm2\n", 1).replacen(
        "  version = \"1.36.3\"\n",
        "  version = \"1.36.3\"\n  cni = \n",
        1,
    );
    client.change(3, &with_enum);
    let (cni_line, _) = position_of(&with_enum, "  cni = ");
    let items = client.at("textDocument/completion", cni_line, 8);
    let labels: Vec<&str> = items
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|i| i["label"].as_str())
        .collect();
    assert_eq!(labels, ["calico", "flannel", "weave", "cilium"]);

    let items = client.at("textDocument/completion", 0, 0);
    let labels: Vec<&str> = items
        .as_array()
        .expect("items")
        .iter()
        .filter_map(|i| i["label"].as_str())
        .collect();
    assert!(
        labels.contains(&"node") && labels.contains(&"use"),
        "kinds and keywords at the top level"
    );
}

#[test]
fn symbols_are_grouped_by_layer_and_formatting_uses_the_formatter() {
    let mut client = Client::start();
    let messy = quickstart().replace("  address = 10.10.0.11", "address=10.10.0.11");
    client.open(&messy);
    let symbols = client.request("textDocument/documentSymbol", json!({ "textDocument": { "uri": URI } }));
    let layers: Vec<&str> = symbols
        .as_array()
        .expect("symbols")
        .iter()
        .filter_map(|s| s["name"].as_str())
        .collect();
    assert_eq!(layers, ["client", "access", "application", "infrastructure"]);
    let infrastructure = &symbols[3]["children"];
    assert!(
        infrastructure
            .as_array()
            .expect("children")
            .iter()
            .any(|s| s["name"] == "master1")
    );

    let edits = client.request(
        "textDocument/formatting",
        json!({ "textDocument": { "uri": URI }, "options": { "tabSize": 2, "insertSpaces": true } }),
    );
    let edits = edits.as_array().expect("edits");
    assert_eq!(edits.len(), 1);
    assert_eq!(edits[0]["newText"].as_str(), Some(quickstart().as_str()));
}

fn quick_fixes(client: &mut Client, text: &str, needle: &str) -> Vec<Value> {
    let (line, column) = position_of(text, needle);
    let actions = client.request(
        "textDocument/codeAction",
        json!({
            "textDocument": { "uri": URI },
            "range": { "start": { "line": line, "character": column }, "end": { "line": line, "character": column } },
            "context": { "diagnostics": [] }
        }),
    );
    actions.as_array().cloned().unwrap_or_default()
}

#[test]
fn quick_fixes_for_unknown_fields_missing_fields_and_duplicate_router_ids() {
    let mut client = Client::start();
    let text = quickstart().replacen("  address = 10.10.0.21", "  adress = 10.10.0.21", 1);
    client.open(&text);
    let actions = quick_fixes(&mut client, &text, "adress");
    let fix = actions
        .iter()
        .find(|a| a["title"] == "Replace with `address`")
        .expect("a did-you-mean fix");
    assert_eq!(fix["edit"]["changes"][URI][0]["newText"], "address");

    let missing = quickstart().replacen("  address = 10.10.0.22\n", "", 1);
    client.change(2, &missing);
    let actions = quick_fixes(&mut client, &missing, "worker2");
    let fix = actions
        .iter()
        .find(|a| a["title"] == "Add `address = 10.0.0.10`")
        .expect("an insert fix");
    assert_eq!(fix["edit"]["changes"][URI][0]["newText"], "\n  address = 10.0.0.10");

    let duplicate = quickstart().replacen("  track = haproxy\n", "  track = haproxy\n  router_id = 7\n", 1)
        + "\nvip_group spare {\n  address = 10.10.0.200\n  members = [worker1, worker2]\n  router_id = 7\n}\n";
    client.change(3, &duplicate);
    let (line, column) = position_of(&duplicate, "router_id = 7\n}");
    let actions = client.request(
        "textDocument/codeAction",
        json!({
            "textDocument": { "uri": URI },
            "range": { "start": { "line": line, "character": column + 12 }, "end": { "line": line, "character": column + 13 } },
            "context": { "diagnostics": [] }
        }),
    );
    let fix = actions
        .as_array()
        .expect("actions")
        .iter()
        .find(|a| a["title"] == "Use virtual_router_id 1")
        .cloned();
    assert!(fix.is_some(), "{actions}");
}

/// An item listed twice (E0122) is removed with its separator; a field with no effect
/// (E0123) is removed with its line.
#[test]
fn quick_fixes_remove_a_repeated_item_and_a_field_with_no_effect() {
    let mut client = Client::start();
    let repeated = quickstart().replacen(
        "members = [master1, master2, master3]",
        "members = [master1, master2, master3, master2]",
        1,
    );
    client.open(&repeated);
    let (line, column) = position_of(&repeated, ", master2]");
    assert_eq!(
        fix_edit(&mut client, &repeated, "master2]", "Remove the repeat"),
        json!({
            "newText": "",
            "range": { "start": { "line": line, "character": column }, "end": { "line": line, "character": column + 9 } }
        })
    );

    let untracked = quickstart().replacen("  track = haproxy\n", "  check_fall = 3\n", 1);
    client.change(2, &untracked);
    let (line, _) = position_of(&untracked, "  check_fall = 3");
    assert_eq!(
        fix_edit(&mut client, &untracked, "3\n  auth_pass", "Remove `check_fall`"),
        json!({
            "newText": "",
            "range": { "start": { "line": line, "character": 0 }, "end": { "line": line + 1, "character": 0 } }
        })
    );
}

/// The one edit of the quick fix titled `title` at the first occurrence of `needle`.
fn fix_edit(client: &mut Client, text: &str, needle: &str, title: &str) -> Value {
    let actions = quick_fixes(client, text, needle);
    let fix = (actions.iter())
        .find(|a| a["title"] == title)
        .unwrap_or_else(|| panic!("a fix titled {title}: {actions:?}"));
    fix["edit"]["changes"][URI][0].clone()
}

#[test]
fn a_broken_file_keeps_features_working_and_nothing_crashes_the_server() {
    let mut client = Client::start();
    let text = quickstart().replacen("node worker1 {", "node worker1 {\n  = oops ]]", 1);
    let diagnostics = client.open(&text);
    assert!(diagnostics.iter().any(|d| d["code"] == "E0002"), "{diagnostics:?}");
    assert!(
        hover(&mut client, &text, "address = 10.10.0.11", 2).contains("ipv4"),
        "hover works on what parsed"
    );
    let symbols = client.request("textDocument/documentSymbol", json!({ "textDocument": { "uri": URI } }));
    assert!(!symbols.as_array().expect("symbols").is_empty());

    // Garbage in every request: the server answers and lives on.
    for (version, garbage) in [
        "\u{0}{{{{ node node \"",
        "",
        "@@@ ]]] 1.2.3.4.5",
        "node a { b = [ { c = ( } ] }",
    ]
    .iter()
    .enumerate()
    {
        client.change(i32::try_from(version).expect("a version") + 2, garbage);
        for line in 0..3 {
            for character in [0, 1, 5, 100] {
                for method in [
                    "textDocument/hover",
                    "textDocument/definition",
                    "textDocument/completion",
                ] {
                    let _ = client.at(method, line, character);
                }
            }
        }
        let _ = client.request(
            "textDocument/formatting",
            json!({ "textDocument": { "uri": URI }, "options": { "tabSize": 2, "insertSpaces": true } }),
        );
    }
    let unknown = client.request("k8sc/unknown", json!({}));
    assert!(unknown["error"].is_string());
}

/// A real editor: headless Neovim starts `k8sc lsp` for a `.k8s` file with an error and
/// receives the diagnostic with the right code and range (the test command installs Neovim).
#[test]
fn neovim_receives_the_diagnostic() {
    let dir = std::env::temp_dir().join(format!("k8sc-nvim-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("scratch");
    let file = dir.join("platform.k8s");
    let text = quickstart().replacen("  address = 10.10.0.12", "  adress = 10.10.0.12", 1);
    std::fs::write(&file, &text).expect("write");
    let out = dir.join("diagnostics.jsonl");
    let output = Command::new("nvim")
        .args(["--headless", "--clean", "-u"])
        .arg(crate::root().join("tests/editors/lsp_dump.lua"))
        .arg(&file)
        .env("K8SC_LSP_CMD", env!("CARGO_BIN_EXE_k8sc"))
        .env("K8SC_LSP_OUT", &out)
        .output()
        .expect("nvim runs (tests/run.sh installs neovim)");
    assert_eq!(
        output.status.code(),
        Some(0),
        "nvim: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let dumped = std::fs::read_to_string(&out).expect("diagnostics were written");
    let published: Value = serde_json::from_str(dumped.lines().last().expect("a line")).expect("JSON");
    let diagnostic = &published["diagnostics"][0];
    assert_eq!(diagnostic["code"], "E0102");
    assert_eq!(diagnostic["source"], "k8sc");
    let (line, column) = position_of(&text, "adress");
    assert_eq!(diagnostic["range"]["start"]["line"], line);
    assert_eq!(diagnostic["range"]["start"]["character"], column);
    assert_eq!(diagnostic["range"]["end"]["character"], column + 6);
}

/// The real server on stdio survives what broke it before: a Content-Length that is not a
/// number, a body that is not UTF-8, a JSON array, a request after `shutdown`; each gets a
/// JSON-RPC error, and only `exit` ends it, with status 0.
#[test]
fn the_server_survives_a_broken_client() {
    use std::io::{BufRead, BufReader, Read, Write};
    let mut server = std::process::Command::new(env!("CARGO_BIN_EXE_k8sc"))
        .arg("lsp")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("k8sc lsp");
    let mut input = server.stdin.take().expect("stdin");
    let mut output = BufReader::new(server.stdout.take().expect("stdout"));
    let mut raw = |bytes: &[u8]| {
        input.write_all(bytes).expect("write");
        input.flush().expect("flush");
    };
    let mut frame = |body: &[u8]| {
        let mut bytes = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
        bytes.extend_from_slice(body);
        raw(&bytes);
    };
    let mut read = || -> serde_json::Value {
        let mut length = 0;
        loop {
            let mut line = String::new();
            output.read_line(&mut line).expect("a header");
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some(value) = line.strip_prefix("Content-Length: ") {
                length = value.parse().expect("a length");
            }
        }
        let mut body = vec![0; length];
        output.read_exact(&mut body).expect("a body");
        serde_json::from_slice(&body).expect("JSON")
    };
    frame(br#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{}}}"#);
    assert!(read()["result"]["capabilities"].is_object());
    frame(b"");
    assert_eq!(read()["error"]["code"], -32700, "an empty body is not JSON");
    frame(b"\xff\xfe\xfd");
    assert_eq!(read()["error"]["code"], -32700);
    frame(b"[1, 2, 3]");
    assert_eq!(read()["error"]["code"], -32600);
    frame(br#"{"jsonrpc":"2.0","id":2,"method":"shutdown"}"#);
    let response = read();
    assert_eq!(
        (response["id"].clone(), response["result"].clone()),
        (serde_json::json!(2), serde_json::Value::Null)
    );
    frame(br#"{"jsonrpc":"2.0","id":3,"method":"textDocument/hover","params":{"textDocument":{"uri":"file:///x.k8s"},"position":{"line":0,"character":0}}}"#);
    let response = read();
    assert_eq!(
        (response["id"].clone(), response["error"]["code"].clone()),
        (serde_json::json!(3), serde_json::json!(-32600))
    );
    frame(br#"{"jsonrpc":"2.0","method":"exit"}"#);
    let status = server.wait().expect("the server ends");
    assert_eq!(status.code(), Some(0));
}

/// Every publishDiagnostics received so far and until the server has answered one more
/// request, by URI (the last for each).
fn published_by_uri(client: &mut Client) -> std::collections::BTreeMap<String, Vec<Value>> {
    let _ = client.request("textDocument/documentSymbol", json!({ "textDocument": { "uri": URI } }));
    let mut found = std::collections::BTreeMap::new();
    for params in client.published.drain(..) {
        let uri = params["uri"].as_str().unwrap_or_default().to_string();
        found.insert(uri, params["diagnostics"].as_array().cloned().unwrap_or_default());
    }
    found
}

/// A platform of several files on disk: the server compiles a document with the file that
/// uses it, answers definition, references and rename across the files, and publishes
/// diagnostics per file.
#[test]
fn a_platform_of_several_files_is_one_platform() {
    let folder = std::env::temp_dir().join(format!("k8sc-lsp-platform-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&folder);
    std::fs::create_dir_all(folder.join("hosts")).expect("mkdir");
    let folder = folder.canonicalize().expect("canonical");
    let text = quickstart();
    // The quickstart split at its first node: the hosts in a file of their own.
    let split = text.find("node master1").expect("a node");
    let hosts_at = text.find("physical_host pm1").expect("a host");
    let main = format!("{}use \"./hosts/\"\n{}", &text[..hosts_at], &text[split..]);
    let hosts = text[hosts_at..split].to_string();
    std::fs::write(folder.join("main.k8s"), &main).expect("write");
    std::fs::write(folder.join("hosts/pm.k8s"), &hosts).expect("write");
    let main_uri = format!("file://{}/main.k8s", folder.display());
    let hosts_uri = format!("file://{}/hosts/pm.k8s", folder.display());

    let mut client = Client::start();
    client.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": hosts_uri, "languageId": "k8sc", "version": 1, "text": hosts } }),
    );
    let published = published_by_uri(&mut client);
    assert_eq!(
        published.keys().cloned().collect::<Vec<_>>(),
        [hosts_uri.clone(), main_uri.clone()],
        "one publication per file of the platform"
    );
    assert!(published.values().all(Vec::is_empty), "{published:?}");

    // From a reference in main.k8s, the definition is in hosts/pm.k8s.
    client.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": main_uri, "languageId": "k8sc", "version": 1, "text": main } }),
    );
    let (line, column) = position_of(&main, "host = pm1");
    let at = json!({ "uri": main_uri });
    let definition = client.request(
        "textDocument/definition",
        json!({ "textDocument": at, "position": { "line": line, "character": column + 8 } }),
    );
    assert_eq!(definition["uri"], json!(hosts_uri), "{definition}");
    assert_eq!(definition["range"]["start"], json!({ "line": 0, "character": 14 }));

    // A rename edits both files.
    let rename = client.request(
        "textDocument/rename",
        json!({ "textDocument": at, "position": { "line": line, "character": column + 8 }, "newName": "rack1_host" }),
    );
    assert_eq!(
        rename["changes"][&hosts_uri].as_array().map(Vec::len),
        Some(1),
        "{rename}"
    );
    assert_eq!(
        rename["changes"][&main_uri].as_array().map(Vec::len),
        Some(2),
        "{rename}"
    );

    // An edit in one file that breaks the other: the other's diagnostics say so.
    let _ = published_by_uri(&mut client);
    client.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": hosts_uri, "version": 2 }, "contentChanges": [{ "text": hosts.replace("pm1", "pm9") }] }),
    );
    let published = published_by_uri(&mut client);
    let in_main = &published[&main_uri];
    assert!(
        in_main.iter().any(|d| d["code"] == "E0108"),
        "main.k8s's `host = pm1` no longer resolves: {published:?}"
    );
    assert!(published[&hosts_uri].is_empty(), "{published:?}");

    // `use "` completes the files and folders beside the document.
    client.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": main_uri, "version": 2 }, "contentChanges": [{ "text": format!("use \"\n{main}") }] }),
    );
    let completion = client.request(
        "textDocument/completion",
        json!({ "textDocument": { "uri": main_uri }, "position": { "line": 0, "character": 5 } }),
    );
    let labels: Vec<&str> = (completion.as_array().into_iter().flatten())
        .filter_map(|item| item["label"].as_str())
        .collect();
    assert_eq!(labels, ["./hosts/"], "{completion}");
    drop(client);
    let _ = std::fs::remove_dir_all(&folder);
}

/// A constant, like a declaration: hover shows its value, definition goes to its `let`,
/// references and rename reach every use (bare and interpolated), completion offers it.
#[test]
fn constants_are_hovered_defined_referenced_renamed_and_completed() {
    let text = quickstart()
        .replacen(
            "use ingress\n",
            "use ingress\n\nlet subnet = 10.10.0.0/24\nlet shop_tag = \"1.4.2\"\n",
            1,
        )
        .replacen("node_subnet = 10.10.0.0/24", "node_subnet = subnet", 1)
        .replacen("storefront:1.4.2\"", "storefront:\\(shop_tag)\"", 1);
    assert!(text.contains("\\(shop_tag)"), "the image is interpolated");
    let mut client = Client::start();
    assert_eq!(client.open(&text), Vec::<Value>::new(), "the platform is clean");

    let (line, column) = position_of(&text, "node_subnet = subnet");
    let hover = client.at("textDocument/hover", line, column + 15);
    let shown = hover["contents"]["value"].as_str().unwrap_or_default();
    assert!(
        shown.contains("let subnet = 10.10.0.0/24") && shown.contains("used 1 time"),
        "{hover}"
    );

    let definition = client.at("textDocument/definition", line, column + 15);
    let (let_line, let_column) = position_of(&text, "let subnet");
    assert_eq!(
        definition["range"]["start"],
        json!({ "line": let_line, "character": let_column + 4 })
    );

    let (use_line, use_column) = position_of(&text, "\\(shop_tag)");
    let references = client.request(
        "textDocument/references",
        json!({ "textDocument": { "uri": URI }, "position": { "line": use_line, "character": use_column + 3 }, "context": { "includeDeclaration": true } }),
    );
    assert_eq!(references.as_array().map(Vec::len), Some(2), "{references}");

    let rename = client.request(
        "textDocument/rename",
        json!({ "textDocument": { "uri": URI }, "position": { "line": use_line, "character": use_column + 3 }, "newName": "storefront_tag" }),
    );
    let edits = rename["changes"][URI].as_array().cloned().unwrap_or_default();
    assert_eq!(edits.len(), 2, "{rename}");
    let clash = client.request(
        "textDocument/rename",
        json!({ "textDocument": { "uri": URI }, "position": { "line": use_line, "character": use_column + 3 }, "newName": "pm1" }),
    );
    assert!(
        clash["error"].as_str().unwrap_or("").contains("physical_host `pm1`"),
        "{clash}"
    );

    let (image_line, _) = position_of(&text, "image = ");
    let completion = client.at("textDocument/completion", image_line, 10);
    let labels: Vec<&str> = (completion.as_array().into_iter().flatten())
        .filter_map(|item| item["label"].as_str())
        .collect();
    assert!(labels.contains(&"shop_tag") && labels.contains(&"subnet"), "{labels:?}");
}

/// A component of the user's: hover on a `from` says where each field comes from along
/// its chain, definition goes to the component, rename reaches every `from`.
#[test]
fn components_of_your_own_are_hovered_defined_and_renamed() {
    let text =
        std::fs::read_to_string(crate::root().join("tests/cases/semantic/E0127_components_that_derive.pass.k8s"))
            .expect("readable");
    // One file: the components where the `use` was.
    let (main, components) = text.split_once("#--- components.k8s\n").expect("two files");
    let text = main.replacen("use \"./components.k8s\"\n", components, 1);
    let mut client = Client::start();
    assert_eq!(client.open(&text), Vec::<Value>::new(), "the platform is clean");

    let (line, column) = position_of(&text, "app cart from shop_service");
    let hover = client.at("textDocument/hover", line, column + 16);
    let shown = hover["contents"]["value"].as_str().unwrap_or_default();
    assert!(
        shown.contains("component shop_service: app from java_service")
            && shown.contains("`namespace = shop` (from `shop_service`)")
            && shown.contains("`replicas = 1` (from `java_service`)"),
        "{shown}"
    );
    let on_name = client.at("textDocument/hover", line, column + 5);
    let shown = on_name["contents"]["value"].as_str().unwrap_or_default();
    assert!(
        shown.contains("(from `java_service`)"),
        "a declaration's hover names its fields' component: {shown}"
    );

    let definition = client.at("textDocument/definition", line, column + 16);
    let (component_line, component_column) = position_of(&text, "component shop_service");
    assert_eq!(
        definition["range"]["start"],
        json!({ "line": component_line, "character": component_column + 10 })
    );

    let rename = client.request(
        "textDocument/rename",
        json!({ "textDocument": { "uri": URI }, "position": { "line": line, "character": column + 16 }, "newName": "store_service" }),
    );
    assert_eq!(
        rename["changes"][URI].as_array().map(Vec::len),
        Some(3),
        "the component and the two apps from it: {rename}"
    );
}

/// A pool's instances are declarations like any: a reference to one goes to the pool's
/// head; renaming an instance is refused (the pool names them all), renaming the pool is
/// not a rename of one instance.
#[test]
fn a_pool_instance_is_defined_at_its_template_and_not_renamed_alone() {
    let text =
        std::fs::read_to_string(crate::root().join("tests/cases/semantic/E0133_pools.pass.k8s")).expect("readable");
    let text = format!("{text}\nvip_group api {{\n  address = 10.0.0.100\n  members = [worker2, worker5]\n}}\n");
    let mut client = Client::start();
    let published = client.open(&text);
    assert!(
        published.iter().all(|d| d["code"] != "E0108"),
        "worker2 and worker5 are declared: {published:?}"
    );
    let (line, column) = position_of(&text, "worker5]");
    let definition = client.at("textDocument/definition", line, column + 1);
    let (pool_line, pool_column) = position_of(&text, "node worker[1..6]");
    assert_eq!(
        definition["range"]["start"],
        json!({ "line": pool_line, "character": pool_column + 5 })
    );
    let rename = client.request(
        "textDocument/rename",
        json!({ "textDocument": { "uri": URI }, "position": { "line": line, "character": column + 1 }, "newName": "spare" }),
    );
    assert!(
        rename["error"].as_str().unwrap_or("").contains("an instance of a pool"),
        "{rename}"
    );
    // The pool's head says what it declares.
    let hover = client.at("textDocument/hover", pool_line, pool_column + 6);
    let shown = hover["contents"]["value"].as_str().unwrap_or_default();
    assert!(
        shown.contains("node worker[1..6]") && shown.contains("a pool: 6 declarations: `worker1`"),
        "{hover}"
    );
}

/// Inside `at NS { ... }`, a field hovers as the declaration's own.
#[test]
fn a_field_in_an_at_block_hovers_as_its_kinds() {
    let text = std::fs::read_to_string(crate::root().join("tests/cases/semantic/E0136_an_app_per_stage.pass.k8s"))
        .expect("readable");
    let mut client = Client::start();
    assert_eq!(client.open(&text), Vec::<Value>::new(), "the platform is clean");
    let at = text.find("at shop_prod").expect("an at block");
    let offset = at + text[at..].find("replicas").expect("a field in it");
    let line = u32::try_from(text[..offset].matches('\n').count()).expect("a line");
    let column = u32::try_from(offset - text[..offset].rfind('\n').map_or(0, |idx| idx + 1)).expect("a column");
    let hover = client.at("textDocument/hover", line, column + 2);
    let shown = hover["contents"]["value"].as_str().unwrap_or_default();
    assert!(shown.contains("replicas: int"), "{hover}");
}

/// A platform of two clusters (article 001): a cluster's file opened alone is compiled with
/// the main file that uses it, every file of the platform is published, and a reference
/// across the clusters is E0139 in the file that makes it.
#[test]
fn a_platform_of_two_clusters_is_one_platform_in_the_editor() {
    let folder = crate::root()
        .join("examples/001-two-datacenters")
        .canonicalize()
        .expect("the example");
    let dc2 = std::fs::read_to_string(folder.join("dc2.k8s")).expect("readable");
    let dc2_uri = format!("file://{}/dc2.k8s", folder.display());
    let mut client = Client::start();
    client.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": dc2_uri, "languageId": "k8sc", "version": 1, "text": dc2 } }),
    );
    let published = published_by_uri(&mut client);
    let files: Vec<String> = (published.keys())
        .filter_map(|uri| uri.rsplit('/').next())
        .map(str::to_string)
        .collect();
    assert_eq!(
        files,
        [
            "apps.k8s",
            "dc1.k8s",
            "dc2.k8s",
            "main.k8s",
            "registries.k8s",
            "shapes.k8s"
        ],
        "one publication per file of the platform"
    );
    assert!(published.values().all(Vec::is_empty), "{published:?}");
    // dc2's ingress VIP given a node of dc1.
    let crossed = dc2.replace("members = [dc2_edge1, dc2_edge2]", "members = [dc2_edge1, dc1_edge2]");
    assert_ne!(crossed, dc2);
    client.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": dc2_uri, "version": 2 }, "contentChanges": [{ "text": crossed }] }),
    );
    let published = published_by_uri(&mut client);
    let codes: Vec<&str> = (published[&dc2_uri].iter())
        .filter_map(|diagnostic| diagnostic["code"].as_str())
        .collect();
    assert_eq!(codes, ["E0139"], "{published:?}");
}
