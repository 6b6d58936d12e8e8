//! `diff` held to brute force: random BASE and HEAD manifests (one to four rules per bucket,
//! wildcard origins and header patterns, every method, expose headers, rule reorders, buckets
//! added and removed), and a corpus of page requests sent through the evaluator and the browser
//! model on both sides. Whenever brute force finds a request DENIED at BASE and ALLOWED at HEAD,
//! diff must report a widening of that bucket (and a narrowing the other way round); every example
//! diff gives must get, from the evaluator, the verdicts its change claims. The same through a
//! CloudFront behavior whose forwarding, OPTIONS and response headers policy change too.

use std::path::Path;

use cors_sync_core::access::{compare, side_changes, verdict, AccessChange, Effect, Side, Verdict};
use cors_sync_core::bucket_cors::BucketCors;
use cors_sync_core::cloudfront::behavior::BehaviorSettings;
use cors_sync_core::cloudfront::policies::CorsPolicy;
use cors_sync_core::evaluate::browser::{judge, PageRequest, RequestHeader};
use cors_sync_core::evaluate::cloudfront::{Edge, Forwarded};
use cors_sync_core::evaluate::evaluate;
use cors_sync_core::evaluate::s3::{self, Stored};
use cors_sync_core::evaluate::wildcard_matches;
use cors_sync_core::manifest::load_str;
use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed};

const ORIGIN_PATTERNS: [&str; 9] = [
    "https://*.x.example",
    "https://c*.x.example",
    "https://a.x.example",
    "https://c.x.example",
    "*",
    "null",
    "https://*.example",
    "http://*.x.example",
    "https://*x.example",
];
const HEADER_PATTERNS: [&str; 7] = [
    "x-amz-*",
    "x-amz-date",
    "x-a",
    "X-B",
    "*",
    "content-type",
    "x-*-id",
];
const EXPOSE: [&str; 3] = ["etag", "x-amz-request-id", "*"];
const METHODS: [&str; 5] = ["GET", "HEAD", "PUT", "POST", "DELETE"];

/// One origin per class the patterns above cut (and one outside them all).
const ORIGINS: [&str; 8] = [
    "https://a.x.example",
    "https://c.x.example",
    "https://cx.x.example",
    "https://evil.x.example",
    "https://evil.example",
    "http://a.x.example",
    "null",
    "https://ax.example",
];
const HEADERS: [&str; 6] = [
    "x-amz-date",
    "x-amz-meta-a",
    "x-a",
    "x-b",
    "content-type",
    "x-req-id",
];

#[derive(Debug, Clone)]
struct Rule {
    origins: Vec<&'static str>,
    methods: Vec<&'static str>,
    headers: Vec<&'static str>,
    expose: Vec<&'static str>,
    max_age: Option<u32>,
}

fn rule() -> impl Strategy<Value = Rule> {
    (
        proptest::sample::subsequence(ORIGIN_PATTERNS.to_vec(), 1..=2),
        proptest::sample::subsequence(METHODS.to_vec(), 1..=3),
        proptest::sample::subsequence(HEADER_PATTERNS.to_vec(), 0..=2),
        proptest::sample::subsequence(EXPOSE.to_vec(), 0..=1),
        proptest::option::of(Just(60u32)),
    )
        .prop_map(|(origins, methods, headers, expose, max_age)| Rule {
            origins,
            methods,
            headers,
            expose,
            max_age,
        })
}

/// A bucket's rules, or `None` when the manifest does not have the bucket.
fn bucket() -> impl Strategy<Value = Option<Vec<Rule>>> {
    proptest::option::weighted(0.85, proptest::collection::vec(rule(), 1..=4))
}

/// BASE and HEAD for two buckets: HEAD is either unrelated, or BASE reordered and tweaked.
/// Each bucket's rules, or `None` when the manifest lacks the bucket.
type Buckets = Vec<Option<Vec<Rule>>>;

fn pair() -> impl Strategy<Value = (Buckets, Buckets)> {
    let buckets = || proptest::collection::vec(bucket(), 2);
    prop_oneof![
        (buckets(), buckets()),
        (buckets(), any::<u64>(), rule()).prop_map(|(base, seed, extra)| {
            let head = base
                .iter()
                .enumerate()
                .map(|(i, b)| {
                    b.as_ref().map(|rules| {
                        let mut rules = rules.clone();
                        let n = rules.len();
                        rules.rotate_left((seed as usize + i) % n);
                        match (seed >> 8) % 6 {
                            0 => rules[0] = extra.clone(),
                            1 if n < 4 => rules.push(extra.clone()),
                            2 if n > 1 => {
                                rules.remove(0);
                            }
                            // Two rules merged into one: every list the union of both.
                            3 if n > 1 => {
                                let second = rules.remove(1);
                                let first = &mut rules[0];
                                for (into, from) in [
                                    (&mut first.origins, &second.origins),
                                    (&mut first.methods, &second.methods),
                                    (&mut first.headers, &second.headers),
                                    (&mut first.expose, &second.expose),
                                ] {
                                    for item in from {
                                        if !into.contains(item) {
                                            into.push(item);
                                        }
                                    }
                                }
                            }
                            // A narrow origin pattern widened to the one around it.
                            4 => {
                                for rule in &mut rules {
                                    for origin in &mut rule.origins {
                                        if *origin == "https://c*.x.example"
                                            || *origin == "https://a.x.example"
                                        {
                                            *origin = "https://*.x.example";
                                        }
                                    }
                                    rule.origins.dedup();
                                }
                            }
                            _ => {}
                        }
                        rules
                    })
                })
                .collect();
            (base, head)
        }),
    ]
}

fn list(items: &[&str]) -> String {
    let quoted: Vec<String> = items.iter().map(|i| format!("\"{i}\"")).collect();
    format!("[{}]", quoted.join(", "))
}

fn yaml(buckets: &[Option<Vec<Rule>>]) -> String {
    let mut text = String::from("version: 1\nbuckets:\n");
    for (i, rules) in buckets.iter().enumerate() {
        let Some(rules) = rules else { continue };
        text.push_str(&format!("  - name: bucket-{i}\n    cors_rules:\n"));
        for rule in rules {
            text.push_str(&format!(
                "      - allowed_origins: {}\n        allowed_methods: {}\n",
                list(&rule.origins),
                list(&rule.methods)
            ));
            if !rule.headers.is_empty() {
                text.push_str(&format!(
                    "        allowed_headers: {}\n",
                    list(&rule.headers)
                ));
            }
            if !rule.expose.is_empty() {
                text.push_str(&format!("        expose_headers: {}\n", list(&rule.expose)));
            }
            if let Some(seconds) = rule.max_age {
                text.push_str(&format!("        max_age_seconds: {seconds}\n"));
            }
        }
    }
    if buckets.iter().all(Option::is_none) {
        text = "version: 1\nbuckets: []\n".into();
    }
    text
}

fn judged(cors: &BucketCors, page: &PageRequest) -> Verdict {
    verdict(&|request| s3::evaluate(Stored::Cors(cors), request), page)
}

fn page(origin: &str, method: &str, headers: &[&str], credentials: bool) -> PageRequest {
    let headers = headers
        .iter()
        .map(|h| RequestHeader {
            name: h.to_string(),
            value: None,
        })
        .collect();
    PageRequest::new(origin, method, headers, credentials)
}

fn header_sets() -> Vec<Vec<&'static str>> {
    let mut sets = vec![Vec::new()];
    for (i, a) in HEADERS.iter().enumerate() {
        sets.push(vec![*a]);
        for b in &HEADERS[i + 1..] {
            sets.push(vec![*a, *b]);
        }
    }
    sets
}

/// The evaluator agrees with what the change says of its example.
fn confirmed(change: &AccessChange, before: &BucketCors, after: &BucketCors) -> bool {
    let e = &change.example;
    let headers: Vec<&str> = e.headers.iter().map(String::as_str).collect();
    let request = page(&e.origin, &e.method, &headers, e.credentials);
    let (was, is) = (judged(before, &request), judged(after, &request));
    let reading = change.detail.starts_with("the page can");
    match change.effect {
        Effect::Widens | Effect::Narrows if reading => was.allowed && is.allowed,
        Effect::Widens => !was.allowed && is.allowed,
        Effect::Narrows => was.allowed && !is.allowed,
        Effect::Changes => was.allowed && is.allowed,
    }
}

/// A request brute force found: origin, method, headers, credentials.
type Found = (&'static str, &'static str, Vec<&'static str>, bool);

fn check_pair(base: &[Option<Vec<Rule>>], head: &[Option<Vec<Rule>>]) -> Result<(), TestCaseError> {
    let (base_text, head_text) = (yaml(base), yaml(head));
    let (Ok(base_manifest), Ok(head_manifest)) = (
        load_str(Path::new("base.yaml"), &base_text),
        load_str(Path::new("head.yaml"), &head_text),
    ) else {
        return Err(TestCaseError::reject("not a valid manifest"));
    };
    let report = compare(&base_manifest, &head_manifest);
    let none = BucketCors::none();
    let sets = header_sets();
    for i in 0..base.len() {
        let name = format!("bucket-{i}");
        let address = format!("s3_bucket.{name}");
        let before = base_manifest.bucket(&name).map_or(&none, |b| &b.cors);
        let after = head_manifest.bucket(&name).map_or(&none, |b| &b.cors);
        let said: Vec<&AccessChange> = report
            .changes
            .iter()
            .filter(|c| c.resource == address)
            .collect();
        for change in &said {
            prop_assert!(
                confirmed(change, before, after),
                "example not confirmed: {change:?}\nBASE:\n{base_text}\nHEAD:\n{head_text}"
            );
        }
        // Said for an origin pattern the request's origin matches, that method, and requests with
        // (or without) credentials as it was.
        let says = |effect: Effect, (origin, method, _, credentials): &Found| {
            said.iter().any(|c| {
                c.effect == effect
                    && (c.origin == *origin || wildcard_matches(&c.origin, origin, false))
                    && c.methods.iter().any(|m| m == method)
                    && c.credentials.is_none_or(|with| with == *credentials)
            })
        };
        for origin in ORIGINS {
            for method in METHODS {
                for credentials in [false, true] {
                    // The request itself carries no header S3 looks at: judged once per origin,
                    // method and credentials; the preflight once per header set.
                    let actual = page(origin, method, &[], credentials).actual();
                    let passes = |cors: &BucketCors| {
                        judge(&actual, &s3::evaluate(Stored::Cors(cors), &actual).response).passes
                    };
                    let actual_passes = (passes(before), passes(after));
                    for headers in &sets {
                        let request = page(origin, method, headers, credentials);
                        let allowed = |cors: &BucketCors, actual: bool| {
                            actual
                                && (!request.needs_preflight() || {
                                    let preflight = request.preflight();
                                    let answer = s3::evaluate(Stored::Cors(cors), &preflight);
                                    judge(&preflight, &answer.response).passes
                                })
                        };
                        let (was, is) = (
                            allowed(before, actual_passes.0),
                            allowed(after, actual_passes.1),
                        );
                        let found: Found = (origin, method, headers.clone(), credentials);
                        if !was && is {
                            prop_assert!(
                                says(Effect::Widens, &found),
                                "{found:?} widens {address} and diff does not say so\nBASE:\n{base_text}\nHEAD:\n{head_text}\n{report:#?}"
                            );
                        }
                        if was && !is {
                            prop_assert!(
                                says(Effect::Narrows, &found),
                                "{found:?} narrows {address} and diff does not say so\nBASE:\n{base_text}\nHEAD:\n{head_text}\n{report:#?}"
                            );
                        }
                    }
                }
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(Config {
        cases: 1000,
        rng_seed: RngSeed::Fixed(25),
        failure_persistence: None,
        max_global_rejects: 20_000,
        ..Config::default()
    })]

    #[test]
    fn diff_misses_no_widening_brute_force_finds((base, head) in pair()) {
        check_pair(&base, &head)?;
    }
}

/// A behavior in front of the bucket: what it forwards, whether it allows OPTIONS, and its
/// response headers policy.
#[derive(Debug, Clone)]
struct EdgeSpec {
    forwarded: Forwarded,
    options: bool,
    policy: Option<CorsPolicy>,
}

fn edge_spec() -> impl Strategy<Value = EdgeSpec> {
    let policy = (
        proptest::sample::select(vec![
            vec!["*"],
            vec!["https://*.x.example"],
            vec!["https://a.x.example", "null"],
        ]),
        proptest::sample::select(vec![
            vec!["GET", "HEAD", "OPTIONS"],
            vec!["ALL"],
            vec!["PUT"],
        ]),
        proptest::sample::select(vec![
            vec![],
            vec!["*"],
            vec!["x-a", "X-B"],
            vec!["x-amz-date"],
        ]),
        proptest::sample::subsequence(EXPOSE.to_vec(), 0..=1),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(
            |(origins, methods, headers, expose, credentials, origin_override)| CorsPolicy {
                allow_origins: origins.iter().map(|s| s.to_string()).collect(),
                allow_methods: methods.iter().map(|s| s.to_string()).collect(),
                allow_headers: headers.iter().map(|s| s.to_string()).collect(),
                expose_headers: expose.iter().map(|s| s.to_string()).collect(),
                allow_credentials: credentials,
                max_age_seconds: None,
                origin_override,
            },
        );
    (
        any::<(bool, bool, bool)>(),
        any::<bool>(),
        proptest::option::of(policy),
    )
        .prop_map(
            |((origin, request_method, request_headers), options, policy)| EdgeSpec {
                forwarded: Forwarded {
                    origin,
                    request_method,
                    request_headers,
                },
                options,
                policy,
            },
        )
}

fn behavior(spec: &EdgeSpec) -> BehaviorSettings {
    let mut methods = vec!["GET".to_string(), "HEAD".to_string()];
    if spec.options {
        methods.push("OPTIONS".into());
    }
    BehaviorSettings {
        forward_headers: None,
        allowed_methods: methods,
        cached_methods: vec!["GET".into(), "HEAD".into()],
        cache_policy: None,
        origin_request_policy: None,
        response_headers_policy: None,
    }
}

fn cors_of(rules: &[Rule]) -> BucketCors {
    let text = yaml(&[Some(rules.to_vec())]);
    load_str(Path::new("m.yaml"), &text)
        .ok()
        .and_then(|m| m.bucket("bucket-0").map(|b| b.cors.clone()))
        .unwrap_or_else(BucketCors::none)
}

proptest! {
    #![proptest_config(Config {
        cases: 300,
        rng_seed: RngSeed::Fixed(26),
        failure_persistence: None,
        ..Config::default()
    })]

    /// The same through a CloudFront behavior: the bucket and the edge both change.
    #[test]
    fn diff_misses_no_widening_through_the_edge(
        rules in proptest::collection::vec(rule(), 1..=3),
        head_rules in proptest::collection::vec(rule(), 1..=3),
        same_bucket in any::<bool>(),
        edges in (edge_spec(), edge_spec()),
    ) {
        let before_cors = cors_of(&rules);
        let after_cors = if same_bucket { before_cors.clone() } else { cors_of(&head_rules) };
        let settings = (behavior(&edges.0), behavior(&edges.1));
        let edge = |spec: &EdgeSpec, settings: &BehaviorSettings| -> (Forwarded, Option<CorsPolicy>, BehaviorSettings) {
            (spec.forwarded, spec.policy.clone(), settings.clone())
        };
        let (was, is) = (edge(&edges.0, &settings.0), edge(&edges.1, &settings.1));
        let was_edge = Edge { behavior: &was.2, forwarded: was.0, response_headers: was.1.as_ref() };
        let is_edge = Edge { behavior: &is.2, forwarded: is.0, response_headers: is.1.as_ref() };
        let before = Side { cors: &before_cors, edge: Some(&was_edge) };
        let after = Side { cors: &after_cors, edge: Some(&is_edge) };
        let said = side_changes("edge", &before, &after);
        let through = |side: &Side<'_>, page: &PageRequest| {
            verdict(&|request| evaluate(side.edge, Stored::Cors(side.cors), request), page)
        };
        for change in &said {
            let e = &change.example;
            let headers: Vec<&str> = e.headers.iter().map(String::as_str).collect();
            let request = page(&e.origin, &e.method, &headers, e.credentials);
            let (v0, v1) = (through(&before, &request), through(&after, &request));
            let reading = change.detail.starts_with("the page can");
            let ok = match change.effect {
                Effect::Widens | Effect::Narrows if reading => v0.allowed && v1.allowed,
                Effect::Widens => !v0.allowed && v1.allowed,
                Effect::Narrows => v0.allowed && !v1.allowed,
                Effect::Changes => v0.allowed && v1.allowed,
            };
            prop_assert!(ok, "example not confirmed: {change:?}\n{edges:?}");
        }
        let sets = header_sets();
        for origin in ORIGINS {
            for method in METHODS {
                for credentials in [false, true] {
                    for headers in &sets {
                        let request = page(origin, method, headers, credentials);
                        let (v0, v1) = (through(&before, &request), through(&after, &request));
                        let found: Found = (origin, method, headers.clone(), credentials);
                        let says = |effect: Effect| said.iter().any(|c| {
                            c.effect == effect
                                && c.methods.iter().any(|m| m == method)
                                && c.credentials.is_none_or(|with| with == credentials)
                        });
                        if !v0.allowed && v1.allowed {
                            prop_assert!(says(Effect::Widens), "{found:?} widens and diff does not say so\n{edges:?}\n{before_cors:?}\n{after_cors:?}\n{said:#?}");
                        }
                        if v0.allowed && !v1.allowed {
                            prop_assert!(says(Effect::Narrows), "{found:?} narrows and diff does not say so\n{edges:?}\n{before_cors:?}\n{after_cors:?}\n{said:#?}");
                        }
                    }
                }
            }
        }
    }
}
