//! The language server: `k8sc lsp`, over stdio.
//!
//! Input: LSP messages. Output: diagnostics on open and change, hover, definition,
//! references, rename, completion, document symbols, formatting and quick fixes.
//! Invariants: every request is answered from the latest compilation of the document,
//! which the compiler produces even for a broken file (parser recovery), so features keep
//! working on what parsed; no message, however malformed, ends the server except `exit`.

mod components;
mod features;
mod locate;
pub mod transport;
pub mod workspace;

use std::collections::HashMap;
use std::path::Path;
use std::str::FromStr;

use lsp_server::{Connection, ErrorCode, Message, Notification, Request, Response};
use lsp_types::notification::{
    DidChangeTextDocument, DidCloseTextDocument, DidOpenTextDocument, Notification as _, PublishDiagnostics,
};
use lsp_types::request::{
    CodeActionRequest, Completion, DocumentSymbolRequest, Formatting, GotoDefinition, HoverRequest, References, Rename,
    Request as _,
};
use lsp_types::{
    CodeActionProviderCapability, CompletionOptions, DiagnosticRelatedInformation, DiagnosticSeverity,
    HoverProviderCapability, Location, NumberOrString, OneOf, Position, PublishDiagnosticsParams, Range,
    ServerCapabilities, TextDocumentSyncCapability, TextDocumentSyncKind, Uri,
};

use crate::Compilation;
use crate::diagnostic::{Diagnostic, Severity};
use crate::report::DOCS_URL;
use crate::source::{FileId, SourceFile, Span};

/// A handler's answer: the result, or an error code and message for the client.
pub type Answer = Result<serde_json::Value, (ErrorCode, String)>;

/// One open document and its latest compilation: of the document's whole platform, when
/// it lies in a folder on disk (see [`workspace`]), else of the document alone.
pub struct Document {
    pub uri: Uri,
    pub text: String,
    pub compilation: Compilation,
    /// The document's own file in the compilation.
    pub own: FileId,
    /// Where its platform lies, when it is a file on disk.
    pub place: Option<workspace::Place>,
}

impl Document {
    /// Compiles a document: with its platform when `place` is known, else alone.
    fn new(uri: Uri, text: String, place: Option<workspace::Place>, overlay: &workspace::Overlay) -> Document {
        let path = workspace::path_of(&uri);
        let platform = place.as_ref().and_then(|place| {
            let compilation = workspace::compile(place, overlay)?;
            let own = (compilation.files.iter().copied())
                .find(|file| path.as_deref() == Some(Path::new(compilation.sources.name(*file))))?;
            Some((compilation, own))
        });
        let (compilation, own, place) = match platform {
            Some((compilation, own)) => (compilation, own, place),
            None => {
                let name = uri
                    .path()
                    .as_str()
                    .rsplit('/')
                    .next()
                    .unwrap_or("document.k8s")
                    .to_string();
                let compilation = crate::compile(&name, &text);
                let own = compilation.file;
                (compilation, own, None)
            }
        };
        Document {
            uri,
            text,
            compilation,
            own,
            place,
        }
    }

    pub fn file(&self) -> Option<&SourceFile> {
        self.compilation.sources.get(self.own)
    }

    /// The URI of a file of the document's platform.
    pub fn uri_of(&self, file: FileId) -> Option<Uri> {
        if file == self.own {
            return Some(self.uri.clone());
        }
        if self.place.is_none() || !self.compilation.files.contains(&file) {
            return None;
        }
        workspace::uri_of(Path::new(self.compilation.sources.name(file)))
    }

    /// The location of a span of the document's platform.
    pub fn location(&self, span: Span) -> Option<Location> {
        Some(Location::new(self.uri_of(span.file)?, self.range(span)))
    }

    /// The byte offset of an LSP position.
    pub fn offset(&self, position: Position) -> usize {
        self.file()
            .map_or(0, |file| file.offset_of_utf16(position.line, position.character))
    }

    /// The LSP range of a span in this document.
    pub fn range(&self, span: Span) -> Range {
        let Some(file) = self.compilation.sources.get(span.file) else {
            return Range::default();
        };
        let (start_line, start_column) = file.line_utf16(span.start as usize);
        let (end_line, end_column) = file.line_utf16(span.end as usize);
        Range::new(
            Position::new(start_line, start_column),
            Position::new(end_line, end_column),
        )
    }
}

/// The server's state: the open documents.
#[derive(Default)]
pub struct Server {
    pub documents: HashMap<String, Document>,
}

/// The capabilities k8sc announces.
pub fn capabilities() -> ServerCapabilities {
    ServerCapabilities {
        text_document_sync: Some(TextDocumentSyncCapability::Kind(TextDocumentSyncKind::FULL)),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        definition_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        rename_provider: Some(OneOf::Left(true)),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(vec!["=".into(), " ".into(), "[".into(), ",".into()]),
            ..Default::default()
        }),
        document_symbol_provider: Some(OneOf::Left(true)),
        document_formatting_provider: Some(OneOf::Left(true)),
        code_action_provider: Some(CodeActionProviderCapability::Simple(true)),
        ..Default::default()
    }
}

/// Runs the server on stdin and stdout until the client says `exit` (or closes stdin).
/// Nothing the client sends ends it otherwise: see [`transport`].
pub fn run() -> Result<(), String> {
    let (connection, threads) = transport::stdio();
    let result = serve(&connection);
    drop(connection);
    threads.join();
    result
}

/// The whole session on a connection: the initialize handshake, then the message loop.
/// Before `initialize`, requests get ServerNotInitialized; after `shutdown`, requests get
/// InvalidRequest and only the `exit` notification ends the session.
pub fn serve(connection: &Connection) -> Result<(), String> {
    let capabilities = serde_json::to_value(capabilities()).map_err(|err| err.to_string())?;
    // The handshake.
    loop {
        let Ok(message) = connection.receiver.recv() else {
            return Ok(());
        };
        match message {
            Message::Request(request) if request.method == "initialize" => {
                let result = serde_json::json!({ "capabilities": capabilities });
                send(connection, Message::Response(Response::new_ok(request.id, result)));
                break;
            }
            Message::Request(request) => send(
                connection,
                Message::Response(Response::new_err(
                    request.id,
                    ErrorCode::ServerNotInitialized as i32,
                    format!("`{}` before `initialize`", request.method),
                )),
            ),
            Message::Notification(notification) if notification.method == "exit" => return Ok(()),
            Message::Notification(_) | Message::Response(_) => {}
        }
    }
    let mut server = Server::default();
    let mut shut_down = false;
    for message in &connection.receiver {
        match message {
            Message::Request(request) if shut_down => send(
                connection,
                Message::Response(Response::new_err(
                    request.id,
                    ErrorCode::InvalidRequest as i32,
                    format!("`{}` after `shutdown`: only `exit` is expected", request.method),
                )),
            ),
            Message::Request(request) if request.method == "shutdown" => {
                shut_down = true;
                send(connection, Message::Response(Response::new_ok(request.id, ())));
            }
            Message::Request(request) => {
                let response = server.handle_request(request);
                send(connection, Message::Response(response));
            }
            Message::Notification(notification) if notification.method == "exit" => return Ok(()),
            Message::Notification(_) if shut_down => {}
            Message::Notification(notification) => {
                for published in server.handle_notification(notification) {
                    send(connection, Message::Notification(published));
                }
            }
            Message::Response(_) => {}
        }
    }
    Ok(())
}

fn send(connection: &Connection, message: Message) {
    // A closed channel means the client is gone; the loop ends on its own then.
    let _ = connection.sender.send(message);
}

fn parse_uri(text: &str) -> Option<Uri> {
    Uri::from_str(text).ok()
}

impl Server {
    fn handle_notification(&mut self, notification: Notification) -> Vec<Notification> {
        let uri = match notification.method.as_str() {
            DidOpenTextDocument::METHOD => {
                let Ok(params) =
                    notification.extract::<lsp_types::DidOpenTextDocumentParams>(DidOpenTextDocument::METHOD)
                else {
                    return Vec::new();
                };
                let document = params.text_document;
                self.open(document.uri, document.text)
            }
            DidChangeTextDocument::METHOD => {
                let Ok(params) =
                    notification.extract::<lsp_types::DidChangeTextDocumentParams>(DidChangeTextDocument::METHOD)
                else {
                    return Vec::new();
                };
                // Full sync: the last change holds the whole text.
                let Some(change) = params.content_changes.into_iter().last() else {
                    return Vec::new();
                };
                self.open(params.text_document.uri, change.text)
            }
            DidCloseTextDocument::METHOD => {
                if let Ok(params) =
                    notification.extract::<lsp_types::DidCloseTextDocumentParams>(DidCloseTextDocument::METHOD)
                {
                    return self.close(params.text_document.uri);
                }
                return Vec::new();
            }
            _ => return Vec::new(),
        };
        uri.iter().flat_map(|uri| self.publish(uri)).collect()
    }

    /// Closes a document: clears the diagnostics of each file of its platform that no
    /// other open document's platform holds.
    fn close(&mut self, uri: Uri) -> Vec<Notification> {
        let Some(closed) = self.documents.remove(uri.as_str()) else {
            return Vec::new();
        };
        let mut cleared = vec![uri.clone()];
        if closed.place.is_some() {
            for file in &closed.compilation.files {
                let Some(file_uri) = closed.uri_of(*file) else { continue };
                let path = Path::new(closed.compilation.sources.name(*file));
                let still_shown = (self.documents.values()).any(|open| workspace::holds(&open.compilation, path));
                if file_uri != uri && !still_shown {
                    cleared.push(file_uri);
                }
            }
        }
        cleared
            .into_iter()
            .map(|uri| {
                let params = PublishDiagnosticsParams::new(uri, Vec::new(), None);
                Notification::new(PublishDiagnostics::METHOD.into(), params)
            })
            .collect()
    }

    /// Opens (or replaces) a document and compiles it, and compiles again every other open
    /// document of its platform, which sees its new text. Returns the documents compiled.
    pub fn open(&mut self, uri: Uri, text: String) -> Vec<Uri> {
        let path = workspace::path_of(&uri);
        let mut texts: rustc_hash::FxHashMap<std::path::PathBuf, String> = (self.documents.values())
            .filter_map(|document| Some((workspace::path_of(&document.uri)?, document.text.clone())))
            .collect();
        if let Some(path) = &path {
            texts.insert(path.clone(), text.clone());
        }
        let overlay: workspace::Overlay = std::sync::Arc::new(texts);
        // A document's platform is found when it is opened, and kept while it is open.
        let place = match self.documents.get(uri.as_str()) {
            Some(open) => open.place.clone(),
            None => path.as_deref().and_then(|path| workspace::discover(path, &overlay)),
        };
        let mut compiled = vec![uri.clone()];
        let others: Vec<(Uri, String, Option<workspace::Place>)> = match &path {
            Some(path) => (self.documents.values())
                .filter(|other| other.uri != uri && workspace::holds(&other.compilation, path))
                .map(|other| (other.uri.clone(), other.text.clone(), other.place.clone()))
                .collect(),
            None => Vec::new(),
        };
        self.replace(Document::new(uri, text, place, &overlay));
        for (other, text, place) in others {
            compiled.push(other.clone());
            self.replace(Document::new(other, text, place, &overlay));
        }
        compiled
    }

    fn replace(&mut self, document: Document) {
        if let Some(previous) = self.documents.insert(document.uri.as_str().to_string(), document) {
            // Freeing a large compilation takes as long as a good part of compiling it: do it
            // beside the loop, so the diagnostics go out first.
            std::thread::spawn(move || drop(previous));
        }
    }

    /// The publishDiagnostics notifications of a document: one for each file of its
    /// platform (with none for a file that has none, so the editor clears it).
    pub fn publish(&self, uri: &Uri) -> Vec<Notification> {
        let Some(document) = self.documents.get(uri.as_str()) else {
            return Vec::new();
        };
        let files: Vec<FileId> = if document.place.is_some() {
            document.compilation.files.clone()
        } else {
            vec![document.own]
        };
        let mut notifications = Vec::new();
        for file in files {
            let Some(file_uri) = document.uri_of(file) else {
                continue;
            };
            let diagnostics = (document.compilation.diagnostics.iter())
                .filter(|diagnostic| diagnostic.primary.span.file == file)
                .map(|diagnostic| to_lsp(document, diagnostic))
                .collect();
            let params = PublishDiagnosticsParams::new(file_uri, diagnostics, None);
            notifications.push(Notification::new(PublishDiagnostics::METHOD.into(), params));
        }
        notifications
    }

    fn handle_request(&mut self, request: Request) -> Response {
        let id = request.id.clone();
        let result: Answer = match request.method.as_str() {
            HoverRequest::METHOD => self.with_params(request, features::hover),
            GotoDefinition::METHOD => self.with_params(request, features::definition),
            References::METHOD => self.with_params(request, features::references),
            Rename::METHOD => self.with_params(request, features::rename),
            Completion::METHOD => self.with_params(request, features::completion),
            DocumentSymbolRequest::METHOD => self.with_params(request, features::symbols),
            Formatting::METHOD => self.with_params(request, features::formatting),
            CodeActionRequest::METHOD => self.with_params(request, features::code_actions),
            _ => Err((
                ErrorCode::MethodNotFound,
                format!("k8sc does not handle {}", request.method),
            )),
        };
        match result {
            Ok(value) => Response::new_ok(id, value),
            Err((code, message)) => Response::new_err(id, code as i32, message),
        }
    }

    fn with_params<P: serde::de::DeserializeOwned>(
        &self,
        request: Request,
        handler: fn(&Server, P) -> Answer,
    ) -> Answer {
        let params: P = serde_json::from_value(request.params)
            .map_err(|err| (ErrorCode::InvalidParams, format!("invalid parameters: {err}")))?;
        handler(self, params)
    }

    /// The open document at a URI, or an error response.
    pub fn document(&self, uri: &Uri) -> Result<&Document, (ErrorCode, String)> {
        self.documents
            .get(uri.as_str())
            .ok_or_else(|| (ErrorCode::InvalidParams, format!("{} is not open", uri.as_str())))
    }
}

/// A k8sc diagnostic as the editor sees it: the same code, range, help and related labels.
pub fn to_lsp(document: &Document, diagnostic: &Diagnostic) -> lsp_types::Diagnostic {
    let mut message = diagnostic.message.clone();
    for note in &diagnostic.notes {
        message.push_str(&format!("\nnote: {note}"));
    }
    if let Some(help) = &diagnostic.help {
        message.push_str(&format!("\nhelp: {help}"));
    }
    let related: Vec<DiagnosticRelatedInformation> = (diagnostic.secondary.iter())
        .filter_map(|label| {
            Some(DiagnosticRelatedInformation {
                location: document.location(label.span)?,
                message: label.message.clone(),
            })
        })
        .collect();
    lsp_types::Diagnostic {
        range: document.range(diagnostic.primary.span),
        severity: Some(match diagnostic.severity {
            Severity::Error => DiagnosticSeverity::ERROR,
            Severity::Warning => DiagnosticSeverity::WARNING,
        }),
        code: Some(NumberOrString::String(diagnostic.code.as_str().into())),
        code_description: parse_uri(&format!("{DOCS_URL}{}", diagnostic.code.as_str()))
            .map(|href| lsp_types::CodeDescription { href }),
        source: Some("k8sc".into()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        ..Default::default()
    }
}
