//! A loopback S3 for the captured-cause tests: requests to `BUCKET.s3.amazonaws.com` (the browsers
//! map that name to 127.0.0.1) are answered with what S3's CORS algorithm answers under the
//! manifest file on disk, read again for every request, so a fix `explain --fix --write` made is
//! what the browser meets next. The bucket `MOVED_BUCKET` answers every request with a redirect to
//! another region, as a bucket addressed through the wrong regional endpoint does, and
//! `CACHED_BUCKET` with an answer cached for another origin.

use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use cors_sync_core::evaluate::s3::{self, Bucket};
use cors_sync_core::evaluate::{Request, RequestKind, Response};
use cors_sync_core::manifest;

use super::http;

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
    let Some(head) = http::read_head(&mut stream)? else {
        return Ok(());
    };
    let (method, path) = (&head.method, &head.target);
    let header = |name: &str| head.header(name);
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
            let response = answer(&path_for, &bucket, &request, path);
            (response.status, response.headers, "ok")
        }
    };
    http::answer(&mut stream, &head, status, &headers, body)
}

/// Starts the server on a free loopback port; returns the port.
pub(crate) fn listen(manifest: &ManifestPath) -> u16 {
    let manifest = manifest.clone();
    http::listen("the captured-cause server", move |stream| {
        serve(stream, &manifest)
    })
}
