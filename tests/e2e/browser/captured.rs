//! `explain` on what real browsers report. Each cause is provoked in Chromium and in Firefox
//! against a loopback S3 and CloudFront (`bucket_server`) answering from the manifest (the
//! distributions are the emulator's, which `explain` reads to find the bucket behind a behavior,
//! and the manifest lists their domains, so their URLs name them). The HAR of the run
//! (playwright's `recordHar` for Chromium; for Firefox one built from its network events in the
//! shape Firefox's devtools export) is explained and must name every cause; then the console
//! message each browser logged is given to `explain` as a user would paste it (with
//! `--method`/`--header`, and `--origin` for Firefox, whose messages never name it), the cause is
//! asserted, the fix is written with `--fix --write`, and the same browser must then let the
//! request through. A page served from an address Chromium is told is public calls the loopback
//! S3: Chromium refuses it (Private/Local Network Access) before CORS. Firefox is told nothing of
//! the kind (its driver has no counterpart to Chromium's override), so for it the case is a
//! loopback page calling the loopback, which goes through: it shows `explain` names no cause for
//! an allowed request, not how Firefox would treat a public page.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use serde_json::json;

use super::bucket_server::{listen, CACHED_BUCKET, CDN_BUCKET, MOVED_BUCKET, PRIVATE_BUCKET};
use super::Engine;
use crate::support::cloudfront::{client, create_distribution};
use crate::support::cors_sync;
use crate::support::s3::runtime;

/// The bucket only a page from the "public" address may read (Chromium's Private/Local Network
/// Access refuses that page the loopback first).
const LOCAL_BUCKET: &str = "captured-local";

struct Provoked {
    cause: &'static str,
    page: String,
    url: String,
    method: &'static str,
    headers: Vec<(&'static str, &'static str)>,
    credentials: bool,
    /// What the user adds on the command line that the message does not say.
    fill: Vec<String>,
    /// The fix makes the request pass (a redirect has no manifest fix).
    fixable: bool,
    /// This engine refuses the request (Firefox has no Private/Local Network Access check).
    blocked: bool,
}

/// The emulator's distributions in front of `CDN_BUCKET`, as the manifest makes them: one that
/// forwards nothing to S3, one that does not allow OPTIONS.
struct Distributions {
    unforwarded: (String, String),
    no_options: (String, String),
}

impl Distributions {
    /// Creates both in the emulator (this engine's own); each is its ID and its domain.
    fn create(engine: Engine) -> Self {
        let one = |what: &str| {
            let id = create_distribution(&format!("captured-{what}-{}", engine.name()), CDN_BUCKET);
            let domain = runtime()
                .block_on(client().get_distribution().id(&id).send())
                .unwrap_or_else(|e| panic!("read distribution {id}: {e:?}"))
                .distribution
                .map(|d| d.domain_name.to_ascii_lowercase())
                .unwrap_or_else(|| panic!("distribution {id} has no domain"));
            (id, domain)
        };
        Distributions {
            unforwarded: one("unforwarded"),
            no_options: one("no-options"),
        }
    }
}

fn manifest(app: &str, public: &str, cdn: &Distributions) -> String {
    let (unforwarded, unforwarded_domain) = &cdn.unforwarded;
    let (no_options, no_options_domain) = &cdn.no_options;
    format!(
        r#"version: 1
distributions:
  - id: {unforwarded}
    domains: [{unforwarded_domain}]
    behaviors:
      default:
        forward_headers: []
        allowed_methods: [GET, HEAD, OPTIONS]
        cached_methods: [GET, HEAD]
  - id: {no_options}
    domains: [{no_options_domain}]
    behaviors:
      default:
        forward_headers: [Origin, Access-Control-Request-Method, Access-Control-Request-Headers]
        allowed_methods: [GET, HEAD]
        cached_methods: [GET, HEAD]
buckets:
  - name: {CDN_BUCKET}
    cors_rules:
      - allowed_origins: ["{app}"]
        allowed_methods: [GET, PUT]
  - name: {PRIVATE_BUCKET}
    cors_rules:
      - allowed_origins: ["{app}"]
        allowed_methods: [GET]
  - name: {LOCAL_BUCKET}
    cors_rules:
      - allowed_origins: ["{public}"]
        allowed_methods: [GET]
  - name: captured-rules
    cors_rules:
      - id: reads
        allowed_origins: ["{app}"]
        allowed_methods: [GET, HEAD]
      - id: uploads
        allowed_origins: ["{app}"]
        allowed_methods: [PUT]
        allowed_headers: [content-type]
  - name: captured-none
    cors_rules: []
  - name: captured-public
    cors_rules:
      - allowed_origins: ["*"]
        allowed_methods: [GET]
  - name: {MOVED_BUCKET}
    cors_rules:
      - allowed_origins: ["{app}"]
        allowed_methods: [GET, PUT]
  - name: captured-spelled
    cors_rules:
      - allowed_origins: ["{spelled}"]
        allowed_methods: [GET]
  - name: {CACHED_BUCKET}
    cors_rules:
      - allowed_origins: ["{app}"]
        allowed_methods: [GET]
"#,
        spelled = app.replace("app.test", "APP.test")
    )
}

fn provoked(port: u16, public: &str, cdn: &Distributions, engine: Engine) -> Vec<Provoked> {
    let app = format!("http://app.test:{port}");
    let other = format!("http://other.test:{port}");
    let url = |bucket: &str, cause: &str| {
        format!(
            "http://{bucket}.s3.amazonaws.com:{port}/photo.png?cause={cause}&engine={}",
            engine.name()
        )
    };
    let through = |(_, domain): &(String, String), cause: &str| {
        format!(
            "http://{domain}:{port}/photo.png?cause={cause}&engine={}",
            engine.name()
        )
    };
    let fill = |items: &[&str]| items.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    vec![
        Provoked {
            cause: "origin-not-allowed",
            page: other.clone(),
            url: url("captured-rules", "origin"),
            method: "GET",
            headers: vec![],
            credentials: false,
            fill: fill(&["--method", "GET"]),
            fixable: true,
            blocked: true,
        },
        Provoked {
            cause: "method-not-allowed",
            page: app.clone(),
            url: url("captured-rules", "method"),
            method: "DELETE",
            headers: vec![],
            credentials: false,
            fill: fill(&["--method", "DELETE"]),
            fixable: true,
            blocked: true,
        },
        Provoked {
            cause: "header-not-allowed",
            page: app.clone(),
            url: url("captured-rules", "header"),
            method: "PUT",
            headers: vec![("Content-Type", "image/png"), ("X-Api-Key", "k")],
            credentials: false,
            fill: fill(&[
                "--method",
                "PUT",
                "--header",
                "Content-Type: image/png",
                "--header",
                "X-Api-Key: k",
            ]),
            fixable: true,
            blocked: true,
        },
        Provoked {
            cause: "no-cors-configuration",
            page: app.clone(),
            url: url("captured-none", "none"),
            method: "GET",
            headers: vec![],
            credentials: false,
            fill: fill(&["--method", "GET"]),
            fixable: true,
            blocked: true,
        },
        Provoked {
            cause: "credentials-with-wildcard",
            page: app.clone(),
            url: url("captured-public", "credentials"),
            method: "GET",
            headers: vec![],
            credentials: true,
            fill: fill(&["--method", "GET", "--credentials"]),
            fixable: true,
            blocked: true,
        },
        Provoked {
            cause: "origin-unsendable",
            page: app.clone(),
            url: url("captured-spelled", "spelled"),
            method: "GET",
            headers: vec![],
            credentials: false,
            fill: fill(&["--method", "GET"]),
            fixable: true,
            blocked: true,
        },
        Provoked {
            cause: "cached-for-another-origin",
            page: app.clone(),
            url: url(CACHED_BUCKET, "cached"),
            method: "GET",
            headers: vec![],
            credentials: false,
            fill: fill(&["--method", "GET"]),
            fixable: false,
            blocked: true,
        },
        Provoked {
            cause: "preflight-redirected",
            page: app.clone(),
            url: url(MOVED_BUCKET, "redirect"),
            method: "PUT",
            headers: vec![],
            credentials: false,
            fill: fill(&["--method", "PUT"]),
            fixable: false,
            blocked: true,
        },
        Provoked {
            cause: "origin-not-forwarded",
            page: app.clone(),
            url: through(&cdn.unforwarded, "forwarded"),
            method: "GET",
            headers: vec![],
            credentials: false,
            fill: fill(&["--method", "GET"]),
            fixable: true,
            blocked: true,
        },
        Provoked {
            cause: "options-not-allowed",
            page: app.clone(),
            url: through(&cdn.no_options, "options"),
            method: "PUT",
            headers: vec![],
            credentials: false,
            fill: fill(&["--method", "PUT"]),
            fixable: true,
            blocked: true,
        },
        Provoked {
            cause: "not-cors",
            page: app,
            url: url(PRIVATE_BUCKET, "denied"),
            method: "GET",
            headers: vec![],
            credentials: false,
            fill: fill(&["--method", "GET"]),
            fixable: false,
            blocked: true,
        },
        Provoked {
            cause: "private-network",
            page: public.to_string(),
            url: url(LOCAL_BUCKET, "local"),
            method: "GET",
            headers: vec![],
            credentials: false,
            fill: fill(&["--method", "GET"]),
            fixable: false,
            blocked: engine == Engine::Chromium,
        },
    ]
}

fn plan(
    cases: &[Provoked],
    capture: bool,
    har: Option<&PathBuf>,
    public_port: u16,
) -> serde_json::Value {
    let pages: Vec<serde_json::Value> = cases
        .iter()
        .enumerate()
        .map(|(id, c)| {
            json!({"page": format!("{}/page", c.page), "cases": [{
                "id": id,
                "url": c.url,
                "method": c.method,
                "headers": c.headers.iter().map(|(n, v)| [n, v]).collect::<Vec<_>>(),
                "credentials": c.credentials,
            }]})
        })
        .collect();
    json!({
        "capture": capture,
        "pages": pages,
        "har": har,
        // Chromium's driver passes these to --ip-address-space-overrides; Firefox has no such
        // check, and its driver no such switch.
        "public_addresses": [format!("127.0.0.1:{public_port}")],
    })
}

fn captured_causes(engine: Engine) {
    let served = Arc::new(Mutex::new(PathBuf::new()));
    let port = listen(&served);
    // The same server on a second port, whose pages Chromium is told are on a public address.
    let public_port = listen(&served);
    let public = format!("http://public.test:{public_port}");
    let cdn = Distributions::create(engine);
    let cli = cors_sync().file(
        "manifests/app.yaml",
        &manifest(&format!("http://app.test:{port}"), &public, &cdn),
    );
    *served.lock().unwrap() = cli.path("manifests/app.yaml");
    let cases = provoked(port, &public, &cdn, engine);
    let har = cli.path("captured.har");
    let (version, before) = engine.run(&plan(&cases, true, Some(&har), public_port));
    assert_eq!(before.len(), cases.len(), "{before:?}");
    // The HAR of the same run: every failed request explained, with the same cause.
    let from_har = cli.run_with(&["explain", "--format", "json", "--har", "captured.har"]);
    from_har.code(0);
    let document = from_har.json();
    // playwright's recorder leaves preflights out, so a redirected one is not in Chromium's HAR;
    // neither export keeps the headers or the status of an answer the browser blocked, so no HAR
    // shows which origin a cached answer named or that S3 refused the request itself (403); and
    // a request Private/Local Network Access stopped was never answered, so its entry is one the
    // manifest allows.
    let in_har = |c: &&Provoked| {
        (c.cause != "preflight-redirected" || engine == Engine::Firefox)
            && !["cached-for-another-origin", "not-cors", "private-network"].contains(&c.cause)
    };
    for case in cases.iter().filter(in_har) {
        let explanation = document["explanations"]
            .as_array()
            .and_then(|all| {
                all.iter().find(|e| {
                    e["urls"]
                        .as_array()
                        .is_some_and(|u| u.iter().any(|u| u == &case.url))
                })
            })
            .unwrap_or_else(|| {
                panic!(
                    "{} {}: the HAR explains nothing for {}:\n{}\n{document:#}",
                    engine.name(),
                    case.cause,
                    case.url,
                    cli.read("captured.har")
                )
            });
        assert_eq!(
            explanation["cause"],
            case.cause,
            "{} HAR, {}:\n{explanation:#}\n{}",
            engine.name(),
            case.url,
            cli.read("captured.har")
        );
    }
    // What an engine lets through has no failed entry in its HAR: nothing there to call a cause.
    for case in cases.iter().filter(|c| !c.blocked) {
        let claimed: Vec<&serde_json::Value> = document["explanations"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|e| {
                e["urls"]
                    .as_array()
                    .is_some_and(|u| u.iter().any(|u| u == &case.url))
            })
            .collect();
        assert!(
            claimed.is_empty(),
            "{} let {} through, yet its HAR is explained:\n{claimed:#?}",
            engine.name(),
            case.url
        );
    }
    let mut explained = Vec::new();
    for (case, seen) in cases.iter().zip(&before) {
        if !case.blocked {
            assert_eq!(
                seen["ok"],
                true,
                "{} {}: {} refused it: {seen}",
                engine.name(),
                case.cause,
                engine.name()
            );
            explained.push(format!("{}: let through, nothing to explain", case.cause));
            continue;
        }
        assert_eq!(
            seen["ok"], false,
            "{}: the browser let it through",
            case.cause
        );
        let messages: Vec<&str> = seen["messages"]
            .as_array()
            .map(|m| m.iter().filter_map(|v| v.as_str()).collect())
            .unwrap_or_default();
        assert!(
            !messages.is_empty(),
            "{} {}: no CORS message was logged: {seen}",
            engine.name(),
            case.cause
        );
        let message = messages.join("\n");
        let mut args = vec![
            "explain".to_string(),
            "--format".into(),
            "json".into(),
            "--message".into(),
            message.clone(),
        ];
        args.extend(case.fill.iter().cloned());
        if engine == Engine::Firefox {
            args.extend(["--origin".to_string(), case.page.clone()]);
        }
        let run = cli.run_with(&args);
        run.code(0);
        let document = run.json();
        assert_eq!(
            document["explanations"][0]["cause"],
            case.cause,
            "{} said:\n{message}\nexplain said:\n{document:#}",
            engine.name()
        );
        if case.fixable {
            args.extend(["--fix".to_string(), "--write".into()]);
            cli.run_with(&args).code(0);
        }
        explained.push(format!("{}: {message}", case.cause));
    }
    let (_, after) = engine.run(&plan(&cases, false, None, public_port));
    for (case, seen) in cases.iter().zip(&after) {
        if case.fixable {
            assert_eq!(
                seen["ok"],
                true,
                "{} {}: still blocked after the fix:\n{}",
                engine.name(),
                case.cause,
                cli.read("manifests/app.yaml")
            );
        }
    }
    eprintln!(
        "{} {version}: {} causes provoked and explained, {} fixed and passed after the fix:\n{}",
        engine.name(),
        cases.iter().filter(|c| c.blocked).count(),
        cases.iter().filter(|c| c.fixable).count(),
        explained.join("\n")
    );
}

#[test]
fn explain_names_each_cause_chromium_reports_and_its_fix_lets_chromium_through() {
    captured_causes(Engine::Chromium);
}

#[test]
fn explain_names_each_cause_firefox_reports_and_its_fix_lets_firefox_through() {
    captured_causes(Engine::Firefox);
}
