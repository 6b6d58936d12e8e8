//! A loopback S3 and CloudFront for the captured-cause tests: requests to
//! `BUCKET.s3.amazonaws.com` (the browsers map that name to 127.0.0.1) are answered with what S3's
//! CORS algorithm answers under the manifest file on disk, read again for every request, so a fix
//! `explain --fix --write` made is what the browser meets next. A host a distribution of the
//! manifest lists in `domains` is answered as CloudFront answers through the behavior the manifest
//! gives that path (its allowed methods, the headers it forwards) in front of `CDN_BUCKET`. The
//! bucket `MOVED_BUCKET` answers every request with a redirect to another region, as a bucket
//! addressed through the wrong regional endpoint does; `CACHED_BUCKET` with an answer cached for
//! another origin; `PRIVATE_BUCKET` every request (not its preflights) with S3's 403 AccessDenied,
//! which carries no CORS headers.

use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use cors_sync_core::cloudfront::behavior::{BehaviorPath, BehaviorSettings};
use cors_sync_core::cloudfront::distribution::path_pattern_matches;
use cors_sync_core::evaluate::cloudfront::{self, Edge, Forwarded};
use cors_sync_core::evaluate::s3::{self, Stored};
use cors_sync_core::evaluate::{Request, RequestKind, Response};
use cors_sync_core::manifest::{self, Manifest};

use super::http;

pub(crate) const MOVED_BUCKET: &str = "captured-moved";
/// Answers as a cache in front of the bucket that keeps one answer for every origin does: with
/// the CORS headers of an answer made for `CACHED_FOR`.
pub(crate) const CACHED_BUCKET: &str = "captured-cached";
pub(crate) const CACHED_FOR: &str = "http://elsewhere.test";
/// Refuses every request itself (a private object, or a presigned URL signed for other headers):
/// 403 AccessDenied before CORS matters; its preflights are answered from its rules.
pub(crate) const PRIVATE_BUCKET: &str = "captured-private";
/// The bucket behind every distribution the server answers for.
pub(crate) const CDN_BUCKET: &str = "captured-cdn";

const ACCESS_DENIED: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>";

/// What CloudFront answers for the distribution listing `host`, through the behavior the manifest
/// gives `path` (a field it leaves out is CloudFront's default: GET and HEAD, nothing forwarded);
/// `None` when no distribution lists the host.
fn through_distribution(
    loaded: &Manifest,
    host: &str,
    path: &str,
    request: &Request,
) -> Option<Response> {
    let distribution = loaded
        .distributions
        .iter()
        .find(|d| d.domains.iter().any(|listed| listed == host))?;
    let behavior = distribution
        .behaviors
        .iter()
        .find(|b| match &b.path {
            BehaviorPath::Pattern(pattern) => path_pattern_matches(pattern, path),
            BehaviorPath::Default => false,
        })
        .or_else(|| {
            distribution
                .behaviors
                .iter()
                .find(|b| b.path == BehaviorPath::Default)
        })?;
    let get_head = || vec!["GET".to_string(), "HEAD".to_string()];
    let settings = BehaviorSettings {
        forward_headers: Some(behavior.forward_headers.clone().unwrap_or_default()),
        allowed_methods: behavior.allowed_methods.clone().unwrap_or_else(get_head),
        cached_methods: behavior.cached_methods.clone().unwrap_or_else(get_head),
        cache_policy: None,
        origin_request_policy: None,
        response_headers_policy: None,
    };
    let forwarded = Forwarded::from_headers(
        settings
            .forward_headers
            .iter()
            .flatten()
            .map(String::as_str),
    );
    let edge = Edge {
        behavior: &settings,
        forwarded,
        response_headers: None,
    };
    let bucket = match loaded.bucket(CDN_BUCKET) {
        Some(spec) => Stored::Cors(&spec.cors),
        None => Stored::Missing,
    };
    Some(cloudfront::evaluate(&edge, bucket, request).response)
}

/// The manifest the server answers from.
pub(crate) type ManifestPath = Arc<Mutex<PathBuf>>;

/// S3's answer, and its body.
fn answer_from_bucket(
    manifest: &Path,
    bucket: &str,
    request: &Request,
    path: &str,
) -> (Response, &'static str) {
    let response = if bucket == MOVED_BUCKET {
        Response {
            status: 307,
            headers: vec![(
                "Location".into(),
                format!("http://{bucket}.s3.eu-west-1.amazonaws.com{path}"),
            )],
        }
    } else if bucket == CACHED_BUCKET {
        Response {
            status: 200,
            headers: vec![
                ("Access-Control-Allow-Origin".into(), CACHED_FOR.into()),
                ("Access-Control-Allow-Credentials".into(), "true".into()),
            ],
        }
    } else if bucket == PRIVATE_BUCKET && request.kind == RequestKind::Actual {
        let xml = vec![("Content-Type".into(), "application/xml".into())];
        return (
            Response {
                status: 403,
                headers: xml,
            },
            ACCESS_DENIED,
        );
    } else {
        match manifest::load(manifest) {
            Ok(loaded) => match loaded.bucket(bucket) {
                Some(spec) => s3::evaluate(Stored::Cors(&spec.cors), request).response,
                None => s3::evaluate(Stored::Missing, request).response,
            },
            Err(_) => Response {
                status: 500,
                headers: Vec::new(),
            },
        }
    };
    (response, "ok")
}

/// The request S3 (or CloudFront) evaluates, from the head the browser sent.
fn request_of(head: &http::Head) -> Request {
    let header = |name: &str| head.header(name);
    let preflight = head.method == "OPTIONS";
    Request {
        origin: header("Origin"),
        method: if preflight {
            header("Access-Control-Request-Method").unwrap_or_default()
        } else {
            head.method.clone()
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
    }
}

fn serve(mut stream: TcpStream, manifest: &ManifestPath) -> std::io::Result<()> {
    let Some(head) = http::read_head(&mut stream)? else {
        return Ok(());
    };
    let host = head.header("Host").unwrap_or_default().to_ascii_lowercase();
    let host_name = host.split(':').next().unwrap_or_default().to_string();
    let path = head
        .target
        .split('?')
        .next()
        .unwrap_or_default()
        .to_string();
    let request = request_of(&head);
    let manifest_path = manifest.lock().unwrap().clone();
    let answered = match host.split_once(".s3.") {
        Some((bucket, _)) => Some(answer_from_bucket(
            &manifest_path,
            bucket,
            &request,
            &head.target,
        )),
        None => manifest::load(&manifest_path)
            .ok()
            .and_then(|loaded| through_distribution(&loaded, &host_name, &path, &request))
            .map(|response| (response, "ok")),
    };
    let (status, headers, body) = match answered {
        Some((response, body)) => (response.status, response.headers, body),
        None => (
            200,
            vec![("Content-Type".to_string(), "text/html".to_string())],
            "<!doctype html><title>cors-sync explain test</title>",
        ),
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
