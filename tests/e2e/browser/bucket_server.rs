//! A loopback S3 for the captured-cause tests: requests to `BUCKET.s3.amazonaws.com` (the browsers
//! map that name to 127.0.0.1) are answered with what S3's CORS algorithm answers under the
//! manifest file on disk, read again for every request, so a fix `explain --fix --write` made is
//! what the browser meets next. The bucket `MOVED_BUCKET` answers every request with a redirect to
//! another region, as a bucket addressed through the wrong regional endpoint does, and
//! `CACHED_BUCKET` with an answer cached for another origin.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use cors_sync_core::evaluate::s3::{self, Bucket};
use cors_sync_core::evaluate::{Request, RequestKind, Response};
use cors_sync_core::manifest;

pub(crate) const MOVED_BUCKET: &str = "captured-moved";
/// Answers as a cache in front of the bucket that keeps one answer for every origin does: with
/// the CORS headers of an answer made for `CACHED_FOR`.
pub(crate) const CACHED_BUCKET: &str = "captured-cached";
pub(crate) const CACHED_FOR: &str = "http://elsewhere.test";

/// The manifest the server answers from.
pub(crate) type ManifestPath = Arc<Mutex<PathBuf>>;

fn answer(manifest: &Path, bucket: &str, request: &Request, path: &str) -> Response {
    if bucket == MOVED_BUCKET {
        return Response {
            status: 307,
            headers: vec![(
                "Location".into(),
                format!("http://{bucket}.s3.eu-west-1.amazonaws.com{path}"),
            )],
        };
    }
    if bucket == CACHED_BUCKET {
        return Response {
            status: 200,
            headers: vec![
                ("Access-Control-Allow-Origin".into(), CACHED_FOR.into()),
                ("Access-Control-Allow-Credentials".into(), "true".into()),
            ],
        };
    }
    let Ok(loaded) = manifest::load(manifest) else {
        return Response {
            status: 500,
            headers: Vec::new(),
        };
    };
    match loaded.bucket(bucket) {
        Some(spec) => s3::evaluate(Bucket::Cors(&spec.cors), request).response,
        None => s3::evaluate(Bucket::Missing, request).response,
    }
}

fn serve(mut stream: TcpStream, manifest: &ManifestPath) -> std::io::Result<()> {
    let mut data = Vec::new();
    let mut buffer = [0u8; 4096];
    while !data.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = stream.read(&mut buffer)?;
        if n == 0 {
            return Ok(());
        }
        data.extend_from_slice(&buffer[..n]);
    }
    let head = String::from_utf8_lossy(&data).to_string();
    let mut first = head.lines().next().unwrap_or_default().split_whitespace();
    let (method, path) = (
        first.next().unwrap_or_default().to_string(),
        first.next().unwrap_or_default().to_string(),
    );
    let header = |name: &str| {
        head.lines().skip(1).find_map(|l| {
            let (n, v) = l.split_once(':')?;
            n.trim()
                .eq_ignore_ascii_case(name)
                .then(|| v.trim().to_string())
        })
    };
    let host = header("Host").unwrap_or_default();
    let bucket = host.split_once(".s3.").map(|(b, _)| b.to_string());
    let (status, headers, body) = match bucket {
        None => (
            200,
            vec![("Content-Type".to_string(), "text/html".to_string())],
            "<!doctype html><title>cors-sync explain test</title>",
        ),
        Some(bucket) => {
            let preflight = method == "OPTIONS";
            let request = Request {
                origin: header("Origin"),
                method: if preflight {
                    header("Access-Control-Request-Method").unwrap_or_default()
                } else {
                    method.clone()
                },
                headers: header("Access-Control-Request-Headers")
                    .unwrap_or_default()
                    .split(',')
                    .map(|h| h.trim().to_string())
                    .filter(|h| !h.is_empty())
                    .collect(),
                kind: if preflight {
                    RequestKind::Preflight
                } else {
                    RequestKind::Actual
                },
                credentials: false,
            };
            let path_for = manifest.lock().unwrap().clone();
            let response = answer(&path_for, &bucket, &request, &path);
            (response.status, response.headers, "ok")
        }
    };
    let body = if method == "HEAD" { "" } else { body };
    let mut out = format!("HTTP/1.1 {status} Answer\r\n");
    for (name, value) in &headers {
        out.push_str(&format!("{name}: {value}\r\n"));
    }
    out.push_str(&format!(
        "Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    ));
    stream.write_all(out.as_bytes())
}

/// Starts the server on a free loopback port; returns the port.
pub(crate) fn listen(manifest: &ManifestPath) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind the captured-cause server");
    let port = listener.local_addr().expect("its address").port();
    let manifest = manifest.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let manifest = manifest.clone();
            std::thread::spawn(move || {
                let _ = serve(stream, &manifest);
            });
        }
    });
    port
}
