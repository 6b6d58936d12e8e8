//! The browser model held to real browsers, in two engines. Headless Chromium (Debian's
//! `chromium`, driven by `tests/browser/drive.cjs` through playwright-core) and headless Firefox
//! (Debian's `firefox-esr`, driven by `tests/browser/drive-firefox.cjs` through puppeteer-core over
//! WebDriver BiDi) load a page from each case's origin and run `fetch()` against a server here on
//! the loopback; the server records what the browser sent and answers as S3 would. For every
//! generated case the evaluator's prediction must equal what each browser did: whether it sent a
//! preflight, its Access-Control-Request-Method and -Headers, and whether the page could read the
//! answer.
//!
//! Two passes: "model" answers each request with exactly what the evaluator predicts S3 sends for
//! the request the model predicts (the browser model alone is under test); "s3" answers whatever
//! Chromium actually sent with what the evaluator says S3 answers to it (end to end).

mod bucket_server;
mod captured;
mod check;
mod http;
mod server;
mod stores;

use std::collections::HashMap;
use std::path::PathBuf;
use std::process::Command;
use std::sync::{Arc, Mutex};

use cors_sync_core::bucket_cors::{BucketCors, CorsRule};
use cors_sync_core::evaluate::browser::{self, judge, PageRequest, RequestHeader};
use cors_sync_core::evaluate::s3::{self, Stored};
use cors_sync_core::evaluate::{Request, Response};

use server::{listen, Server};

use crate::support::emulator::repo_root;
use crate::support::random::Dice;

pub(crate) const CASES: usize = 300;
const SEED: u64 = 0x5eed_c0a5;

struct Case {
    id: usize,
    cors: BucketCors,
    /// Every header the page's script sets, forbidden ones included: fetch() drops those, and
    /// `page` (the model's view) does too.
    sent: Vec<RequestHeader>,
    page: PageRequest,
    /// The page's origin host and port, to load the page from.
    page_url: String,
}

impl Case {
    fn predicted_preflight(&self, engine: Engine) -> Option<Request> {
        let engine = engine.model();
        self.page
            .needs_preflight_in(engine)
            .then(|| self.page.preflight_in(engine))
    }

    /// What the model says the browser concludes, when S3 answers `answer` to each request.
    fn predicted_verdict(&self, engine: Engine, answer: &dyn Fn(&Request) -> Response) -> bool {
        let preflight_passes = self
            .predicted_preflight(engine)
            .is_none_or(|p| judge(&p, &answer(&p)).passes);
        let actual = self.page.actual();
        preflight_passes && judge(&actual, &answer(&actual)).passes
    }
}

fn generate(ports: (u16, u16)) -> Vec<Case> {
    let (p, q) = ports;
    let origins = [
        format!("http://app.test:{p}"),
        format!("http://other.test:{p}"),
        format!("http://app.test:{q}"),
    ];
    let allowed_origins = [
        format!("http://app.test:{p}"),
        format!("http://*.test:{p}"),
        "*".to_string(),
        format!("http://other.test:{p}"),
        // Scheme, port and case differ from what the browser sends: never a match.
        format!("https://app.test:{p}"),
        format!("http://app.test:{q}"),
        format!("http://APP.test:{p}"),
    ];
    let methods = ["GET", "PUT", "POST", "DELETE", "HEAD"];
    let allowed_headers: [&[&str]; 5] = [
        &[],
        &["*"],
        &["x-amz-*"],
        &["Content-Type", "X-Custom"],
        &["authorization", "x-custom", "content-language"],
    ];
    let request_methods = [
        "GET", "POST", "PUT", "DELETE", "HEAD", "get", "put", "post", "patch",
    ];
    let request_headers = [
        ("Content-Type", "text/plain"),
        ("Content-Type", "application/json"),
        ("Content-Type", "multipart/form-data; boundary=x"),
        ("Accept", "application/json"),
        ("Accept-Language", "en-US"),
        ("Content-Language", "de"),
        ("X-Custom", "1"),
        ("X-Amz-Meta-Foo", "a"),
        ("Range", "bytes=0-10"),
        ("Range", "bytes=5-1"),
        ("Authorization", "Bearer t"),
        // Forbidden request headers: fetch() drops them without a word.
        ("Cookie", "a=1"),
        ("Content-Length", "5"),
        ("Sec-Custom", "1"),
        ("Proxy-Custom", "1"),
        // Safelisted by Chromium only (docs/explain.md, "Where Chromium and Firefox differ").
        ("DPR", "2"),
        ("Save-Data", "on"),
        ("Viewport-Width", "1200"),
        ("DPR", "-1"),
    ];
    let mut dice = Dice::seeded(SEED);
    (0..CASES)
        .map(|id| {
            let rules = (0..1 + dice.below(2))
                .map(|_| CorsRule {
                    allowed_origins: vec![dice.pick(&allowed_origins).clone()],
                    // GET always, so every rule is one S3 accepts; the others by chance.
                    allowed_methods: methods
                        .iter()
                        .filter(|m| **m == "GET" || dice.chance(2))
                        .map(|m| m.to_string())
                        .collect(),
                    allowed_headers: dice
                        .pick(&allowed_headers)
                        .iter()
                        .map(|h| h.to_string())
                        .collect(),
                    ..CorsRule::default()
                })
                .collect();
            let mut headers: Vec<RequestHeader> = Vec::new();
            for _ in 0..dice.below(3) {
                let (name, value) = *dice.pick(&request_headers);
                if headers.iter().any(|h| h.name.eq_ignore_ascii_case(name)) {
                    continue;
                }
                let name = match dice.below(3) {
                    0 => name.to_ascii_lowercase(),
                    1 => name.to_ascii_uppercase(),
                    _ => name.to_string(),
                };
                headers.push(RequestHeader {
                    name,
                    value: Some(value.to_string()),
                });
            }
            let origin = dice.pick(&origins).clone();
            let method = *dice.pick(&request_methods);
            let page = PageRequest::new(&origin, method, headers.clone(), dice.chance(2));
            Case {
                id,
                cors: BucketCors::new(rules),
                sent: headers,
                page_url: format!("{origin}/page"),
                page,
            }
        })
        .collect()
}

/// A real browser the tests drive: Chromium through playwright-core (`tests/browser/drive.cjs`),
/// Firefox through puppeteer-core over WebDriver BiDi (`tests/browser/drive-firefox.cjs`); both
/// drivers read the same plan and print the same lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Engine {
    Chromium,
    Firefox,
}

impl Engine {
    pub(crate) fn name(self) -> &'static str {
        self.model().name()
    }

    /// The browser model's name for this engine.
    fn model(self) -> browser::Engine {
        match self {
            Engine::Chromium => browser::Engine::Chromium,
            Engine::Firefox => browser::Engine::Firefox,
        }
    }

    /// The driver script, the browser and the npm package that drives it; fails saying how to
    /// install them when they are missing.
    fn driver(self) -> (PathBuf, PathBuf, PathBuf) {
        let (variable, default, package, script, install) = match self {
            Engine::Chromium => (
                "CORS_SYNC_TEST_CHROMIUM",
                "/usr/bin/chromium",
                ".browser/node_modules/playwright-core",
                "tests/browser/drive.cjs",
                "apt-get install -y chromium; npm install --prefix .browser playwright-core",
            ),
            Engine::Firefox => (
                "CORS_SYNC_TEST_FIREFOX",
                "/usr/bin/firefox-esr",
                ".browser-firefox/node_modules/puppeteer-core",
                "tests/browser/drive-firefox.cjs",
                "apt-get install -y --no-install-recommends firefox-esr; npm install --prefix .browser-firefox puppeteer-core@24",
            ),
        };
        let browser = std::env::var_os(variable)
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from(default));
        let module = repo_root().join(package);
        assert!(
            browser.exists() && module.exists(),
            "the browser test needs {} ({}) and its driver ({}); `make test` installs both ({install})",
            self.name(),
            browser.display(),
            module.display()
        );
        (repo_root().join(script), browser, module)
    }

    /// Runs the plan (`{"pages": [...]}`) in this browser; returns its version and one JSON
    /// value per case.
    pub(crate) fn run(self, plan: &serde_json::Value) -> (String, Vec<serde_json::Value>) {
        let (script, browser, module) = self.driver();
        let dir = tempfile::tempdir().expect("scratch directory");
        let path = dir.path().join("cases.json");
        std::fs::write(&path, plan.to_string()).unwrap();
        let output = Command::new("node")
            .arg(script)
            .arg(&module)
            .arg(&browser)
            .arg(&path)
            .env("HOME", dir.path())
            .output()
            .expect("run node");
        assert!(
            output.status.success(),
            "the {} driver failed: {}",
            self.name(),
            String::from_utf8_lossy(&output.stderr)
        );
        let mut version = String::new();
        let mut cases = Vec::new();
        for line in String::from_utf8_lossy(&output.stdout).lines() {
            let value: serde_json::Value = serde_json::from_str(line).expect("a JSON line");
            if let Some(v) = value["version"].as_str() {
                version = v.to_string();
            } else {
                cases.push(value);
            }
        }
        (version, cases)
    }
}

/// Runs every case once in `engine`, answering as `pass` says; returns the browser's version and
/// each case's outcome.
fn run_pass(
    engine: Engine,
    server: &Arc<Mutex<Server>>,
    api: &str,
    pass: &str,
) -> (String, HashMap<usize, bool>) {
    server.lock().unwrap().pass = pass.to_string();
    let state = server.lock().unwrap();
    // Each pass, engine and case has a URL of its own, so nothing one run cached answers another.
    let url_of = |case: &Case| {
        format!(
            "{api}/obj?case={}&pass={pass}&engine={}",
            case.id,
            engine.name()
        )
    };
    let pages = pages(&state.cases, &url_of);
    drop(state);
    drive(engine, pages)
}

/// The cases grouped by the page (origin) they run from, each fetching `url_of` it.
fn pages(cases: &[Case], url_of: &dyn Fn(&Case) -> String) -> Vec<serde_json::Value> {
    let mut by_page: Vec<(String, Vec<serde_json::Value>)> = Vec::new();
    for case in cases {
        let entry = serde_json::json!({
            "id": case.id,
            "url": url_of(case),
            "method": case.page.method,
            "headers": case.sent.iter().map(|h| [h.name.clone(), h.value.clone().unwrap_or_default()]).collect::<Vec<_>>(),
            "credentials": case.page.credentials,
        });
        match by_page.iter_mut().find(|(p, _)| *p == case.page_url) {
            Some((_, list)) => list.push(entry),
            None => by_page.push((case.page_url.clone(), vec![entry])),
        }
    }
    by_page
        .into_iter()
        .map(|(page, cases)| serde_json::json!({ "page": page, "cases": cases }))
        .collect()
}

/// Runs the pages' cases in `engine`; returns its version and each case's outcome.
fn drive(engine: Engine, pages: Vec<serde_json::Value>) -> (String, HashMap<usize, bool>) {
    let (version, cases) = engine.run(&serde_json::json!({ "pages": pages }));
    let outcomes = cases
        .iter()
        .map(|value| {
            let id = value["id"].as_u64().expect("a case id") as usize;
            (id, value["ok"].as_bool().unwrap_or(false))
        })
        .collect();
    (version, outcomes)
}

#[test]
fn the_browser_model_agrees_with_chromium_on_every_generated_case() {
    differential(Engine::Chromium);
}

#[test]
fn the_browser_model_agrees_with_firefox_on_every_generated_case() {
    differential(Engine::Firefox);
}

/// Every generated case, in both passes, in `engine`: the model's prediction must be what the
/// browser did.
fn differential(engine: Engine) {
    let browser = engine.name();
    let server = Arc::new(Mutex::new(Server::default()));
    let ports = (listen(&server), listen(&server));
    server.lock().unwrap().cases = generate(ports);
    let api = format!("http://api.test:{}", ports.0);
    let mut mismatches = Vec::new();
    let mut version = String::new();
    // What the cases exercised, so the test cannot pass by exercising nothing.
    let (mut preflights, mut allowed, mut blocked) = (0, 0, 0);
    for pass in ["model", "s3"] {
        let (seen_version, outcomes) = run_pass(engine, &server, &api, pass);
        version = seen_version;
        let state = server.lock().unwrap();
        for case in &state.cases {
            let seen = state
                .seen
                .get(&(format!("{pass}-{browser}"), case.id))
                .cloned()
                .unwrap_or_default();
            let preflight = seen.iter().find(|s| s.method == "OPTIONS");
            preflights += usize::from(preflight.is_some());
            let predicted = case.predicted_preflight(engine);
            let mut differences = Vec::new();
            if preflight.is_some() != predicted.is_some() {
                differences.push(format!(
                    "preflight sent: {browser} {}, model {}",
                    preflight.is_some(),
                    predicted.is_some()
                ));
            }
            if let (Some(sent), Some(predicted)) = (preflight, &predicted) {
                if sent.request_method.as_deref() != Some(predicted.method.as_str()) {
                    differences.push(format!(
                        "Access-Control-Request-Method: {browser} {:?}, model {:?}",
                        sent.request_method, predicted.method
                    ));
                }
                let asked: Vec<&str> = sent
                    .request_headers
                    .as_deref()
                    .unwrap_or_default()
                    .split(',')
                    .map(str::trim)
                    .filter(|h| !h.is_empty())
                    .collect();
                if asked != predicted.headers {
                    differences.push(format!(
                        "Access-Control-Request-Headers: {browser} {asked:?}, model {:?}",
                        predicted.headers
                    ));
                }
            }
            let answer =
                |request: &Request| s3::evaluate(Stored::Cors(&case.cors), request).response;
            let predicted_ok = case.predicted_verdict(engine, &answer);
            match outcomes.get(&case.id) {
                Some(true) => allowed += 1,
                Some(false) => blocked += 1,
                None => {}
            }
            match outcomes.get(&case.id) {
                Some(ok) if *ok == predicted_ok => {}
                Some(ok) => differences.push(format!(
                    "verdict: {browser} {}, model {}",
                    if *ok { "allowed" } else { "blocked" },
                    if predicted_ok { "allowed" } else { "blocked" }
                )),
                None => differences.push(format!("{browser} reported nothing")),
            }
            if !differences.is_empty() {
                mismatches.push(format!(
                    "pass {pass}, case {}: {} {} from {} headers {:?} credentials {} rules {:?}\n    {}",
                    case.id,
                    case.page.method,
                    api,
                    case.page.origin,
                    case.sent,
                    case.page.credentials,
                    case.cors.rules,
                    differences.join("\n    ")
                ));
            }
        }
    }
    eprintln!(
        "{CASES} generated cases, 2 passes, with {browser} {version}: {preflights} preflights, {allowed} allowed, {blocked} blocked; {} disagree",
        mismatches.len()
    );
    for (what, count) in [
        ("preflights", preflights),
        ("allowed", allowed),
        ("blocked", blocked),
    ] {
        assert!(
            count >= CASES / 5,
            "too few {what} to test anything: {count}"
        );
    }
    assert!(
        mismatches.is_empty(),
        "{} of {} case runs disagree with {browser} {version}:\n{}",
        mismatches.len(),
        2 * CASES,
        mismatches
            .iter()
            .take(15)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}
