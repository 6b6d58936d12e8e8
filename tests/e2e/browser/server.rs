//! The loopback server Chromium's fetches go to: it records what each request carried and
//! answers as the pass says (what the model predicts S3 sends, or what S3 answers to what was sent).

use std::collections::HashMap;
use std::net::TcpStream;
use std::sync::{Arc, Mutex};

use cors_sync_core::evaluate::s3::{self, Stored};
use cors_sync_core::evaluate::{Request, RequestKind, Response};

use super::{http, Case, Engine};

/// One request as the server saw it.
#[derive(Debug, Clone)]
pub(super) struct Seen {
    pub(super) method: String,
    pub(super) origin: Option<String>,
    pub(super) request_method: Option<String>,
    pub(super) request_headers: Option<String>,
}

#[derive(Default)]
pub(super) struct Server {
    pub(super) cases: Vec<Case>,
    pub(super) pass: String,
    pub(super) seen: HashMap<(String, usize), Vec<Seen>>,
}

fn answer_for(case: &Case, pass: &str, engine: Engine, seen: &Seen) -> Response {
    let cors = Stored::Cors(&case.cors);
    let request = match pass {
        // Exactly what the model predicts the browser sends.
        "model" if seen.method == "OPTIONS" => case.predicted_preflight(engine),
        "model" => Some(case.page.actual()),
        // Whatever the browser sent.
        _ => Some(Request {
            origin: seen.origin.clone(),
            method: match &seen.request_method {
                Some(method) if seen.method == "OPTIONS" => method.clone(),
                _ => seen.method.clone(),
            },
            headers: seen
                .request_headers
                .as_deref()
                .unwrap_or_default()
                .split(',')
                .map(|h| h.trim().to_string())
                .filter(|h| !h.is_empty())
                .collect(),
            kind: if seen.method == "OPTIONS" {
                RequestKind::Preflight
            } else {
                RequestKind::Actual
            },
            credentials: false,
        }),
    };
    match request {
        Some(request) => s3::evaluate(cors, &request).response,
        // The model predicted no preflight, and one came: answer as S3 would to it.
        None => answer_for(case, "s3", engine, seen),
    }
}

fn serve(mut stream: TcpStream, server: &Mutex<Server>) -> std::io::Result<()> {
    let Some(head) = http::read_head(&mut stream)? else {
        return Ok(());
    };
    let (method, target) = (&head.method, &head.target);
    let header = |name: &str| head.header(name);
    let (status, headers, body): (u16, Vec<(String, String)>, &str) = if target == "/page" {
        let html = vec![("Content-Type".to_string(), "text/html".to_string())];
        (
            200,
            html,
            "<!doctype html><title>cors-sync browser test</title>",
        )
    } else if let Some(query) = target.strip_prefix("/obj?") {
        let param = |key: &str| {
            query
                .split('&')
                .find_map(|kv| kv.strip_prefix(&format!("{key}=")))
                .unwrap_or_default()
                .to_string()
        };
        let id: usize = param("case").parse().unwrap_or(usize::MAX);
        let pass = param("pass");
        let engine = param("engine");
        let seen = Seen {
            method: method.clone(),
            origin: header("Origin"),
            request_method: header("Access-Control-Request-Method"),
            request_headers: header("Access-Control-Request-Headers"),
        };
        let mut state = server.lock().unwrap();
        state
            .seen
            .entry((format!("{pass}-{engine}"), id))
            .or_default()
            .push(seen.clone());
        match state.cases.get(id) {
            Some(case) => {
                let engine = if engine == Engine::Firefox.name() {
                    Engine::Firefox
                } else {
                    Engine::Chromium
                };
                let response = answer_for(case, &pass, engine, &seen);
                (response.status, response.headers, "ok")
            }
            None => (404, Vec::new(), ""),
        }
    } else {
        (404, Vec::new(), "")
    };
    http::answer(&mut stream, &head, status, &headers, body)
}

pub(super) fn listen(server: &Arc<Mutex<Server>>) -> u16 {
    let server = server.clone();
    http::listen("the browser test's server", move |stream| {
        serve(stream, &server)
    })
}
