//! The browser model's steps, each against the Fetch standard's wording.

use cors_sync_core::evaluate::browser::*;
use cors_sync_core::evaluate::{Request, Response};

fn headers(items: &[(&str, Option<&str>)]) -> Vec<RequestHeader> {
    items
        .iter()
        .map(|(n, v)| RequestHeader {
            name: n.to_string(),
            value: v.map(str::to_string),
        })
        .collect()
}

#[test]
fn a_preflight_is_needed_for_unsafelisted_methods_or_unsafe_headers() {
    let request = |method: &str, h: &[(&str, Option<&str>)]| {
        PageRequest::new("https://a.example", method, headers(h), false)
    };
    assert!(!request("GET", &[]).needs_preflight());
    assert!(!request("post", &[]).needs_preflight());
    assert!(request("PUT", &[]).needs_preflight());
    assert!(request("patch", &[]).needs_preflight());
    assert!(!request("GET", &[("Content-Type", Some("text/plain"))]).needs_preflight());
    assert!(request("GET", &[("Content-Type", Some("application/json"))]).needs_preflight());
    assert!(request("GET", &[("Content-Type", None)]).needs_preflight());
    assert!(!request("GET", &[("Range", Some("bytes=0-99"))]).needs_preflight());
    assert!(request("GET", &[("Range", Some("bytes=0-1,5-9"))]).needs_preflight());
    assert!(request("GET", &[("X-Custom", Some("1"))]).needs_preflight());
    let long = "a".repeat(129);
    assert!(request("GET", &[("Accept", Some(&long))]).needs_preflight());
}

#[test]
fn the_preflight_asks_about_unsafe_names_lower_cased_sorted_once() {
    let page = PageRequest::new(
        "https://a.example",
        "put",
        headers(&[
            ("X-Amz-Meta-Foo", Some("1")),
            ("Accept", Some("*/*")),
            ("x-amz-meta-foo", Some("2")),
            ("Content-Type", Some("application/json")),
        ]),
        false,
    );
    let preflight = page.preflight();
    assert_eq!(preflight.method, "PUT");
    assert_eq!(preflight.headers, ["content-type", "x-amz-meta-foo"]);
}

#[test]
fn safelisted_values_over_1024_bytes_together_are_all_asked_about() {
    let value = "a".repeat(120);
    let many: Vec<RequestHeader> = (0..9)
        .map(|_| RequestHeader {
            name: "Accept-Language".into(),
            value: Some(value.clone()),
        })
        .collect();
    assert_eq!(unsafe_header_names(&many), ["accept-language"]);
    assert!(unsafe_header_names(&many[..8]).is_empty());
}

#[test]
fn origins_are_serialised_as_a_browser_sends_them() {
    let origin = |text: &str| serialize_origin(text).unwrap();
    assert_eq!(
        origin("https://App.Example.COM:443/path/"),
        "https://app.example.com"
    );
    assert_eq!(origin("HTTP://localhost:80"), "http://localhost");
    assert_eq!(origin("http://localhost:4200/"), "http://localhost:4200");
    assert_eq!(
        origin("https://bücher.example"),
        "https://xn--bcher-kva.example"
    );
    let refused = |text: &str| serialize_origin(text).unwrap_err().to_string();
    assert_eq!(
        refused("localhost:4566"),
        "`localhost:4566` is not an origin a page can have (its scheme localhost has no origin): \
         write scheme://host[:port]"
    );
    assert_eq!(
        refused("not an origin"),
        "`not an origin` is not an origin a page can have (relative URL without a base): \
         write scheme://host[:port]"
    );
    assert!(refused("https://a\u{7}.example").starts_with("`https://a\\u{0007}.example`"));
}

#[test]
fn credentials_make_wildcards_literal_and_require_allow_credentials() {
    let answer = |pairs: &[(&str, &str)]| Response {
        status: 200,
        headers: pairs
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect(),
    };
    let with = Request::preflight("https://a.example", "PUT", &["x-a"]).with_credentials(true);
    let without = Request::preflight("https://a.example", "PUT", &["x-a"]);
    let star = answer(&[
        ("Access-Control-Allow-Origin", "*"),
        ("Access-Control-Allow-Methods", "*"),
        ("Access-Control-Allow-Headers", "*"),
    ]);
    assert!(judge(&without, &star).passes);
    assert!(!judge(&with, &star).passes);
    let named = answer(&[
        ("Access-Control-Allow-Origin", "https://a.example"),
        ("Access-Control-Allow-Methods", "*"),
        ("Access-Control-Allow-Headers", "*"),
        ("Access-Control-Allow-Credentials", "true"),
    ]);
    let judged = judge(&with, &named);
    assert!(!judged.passes);
    assert!(
        judged.reason.contains("not a wildcard"),
        "{}",
        judged.reason
    );
    let authorization = Request::preflight("https://a.example", "GET", &["authorization"]);
    assert!(!judge(&authorization, &star).passes);
}

#[test]
fn forbidden_request_headers_are_dropped_as_fetch_drops_them() {
    let page = PageRequest::new(
        "https://a.example",
        "GET",
        headers(&[
            ("Cookie", Some("a=1")),
            ("Content-Length", Some("5")),
            ("Origin", Some("https://evil.example")),
            ("Host", None),
            ("Sec-Fetch-Mode", Some("cors")),
            ("Proxy-Authorization", Some("x")),
            ("X-Custom", Some("1")),
        ]),
        false,
    );
    assert_eq!(
        page.headers
            .iter()
            .map(|h| h.name.as_str())
            .collect::<Vec<_>>(),
        ["X-Custom"]
    );
    assert_eq!(page.preflight().headers, ["x-custom"]);
    let only_forbidden = PageRequest::new(
        "https://a.example",
        "GET",
        headers(&[("Cookie", None)]),
        false,
    );
    assert!(!only_forbidden.needs_preflight());
    let notes = sending_notes(
        "https://a.example",
        "https://a.example",
        &headers(&[("Cookie", None)]),
    );
    assert_eq!(notes.len(), 1);
    assert!(
        notes[0].starts_with("`Cookie` is a forbidden request header"),
        "{notes:?}"
    );
}

#[test]
fn null_is_an_origin_a_page_sends() {
    assert_eq!(serialize_origin("null").ok().as_deref(), Some("null"));
    assert!(serialize_origin("file:///etc/passwd").is_err());
}

#[test]
fn chromium_safelists_its_client_hints_and_firefox_does_not() {
    // Measured: Chromium 156 sends these without a preflight, Firefox 153 preflights them.
    let safe_in_chromium = [
        ("DPR", "2"),
        ("DPR", "1.5"),
        ("Device-Memory", "0.5"),
        ("Downlink", "1.5"),
        ("Width", "100"),
        ("Width", " 100"),
        ("Viewport-Width", "100"),
        ("RTT", "50"),
        ("ECT", "4g"),
        ("ECT", "slow-2g"),
        ("Save-Data", "on"),
        ("Save-Data", "ON"),
        ("Intervention", "a\"b"),
    ];
    for (name, value) in safe_in_chromium {
        assert!(
            Engine::Chromium.is_safelisted(name, Some(value)),
            "{name}: {value}"
        );
        assert!(
            !Engine::Firefox.is_safelisted(name, Some(value)),
            "{name}: {value}"
        );
    }
    // Preflighted by both: values outside the shapes Chromium accepts.
    let unsafe_in_both = [
        ("DPR", "abc"),
        ("DPR", "-1"),
        ("DPR", ".5"),
        ("DPR", "5."),
        ("DPR", "1e3"),
        ("Width", "1.5"),
        ("RTT", "1.5"),
        ("ECT", "5g"),
        ("ECT", "3G"),
        ("Save-Data", "off"),
    ];
    for (name, value) in unsafe_in_both {
        assert!(
            !Engine::Chromium.is_safelisted(name, Some(value)),
            "{name}: {value}"
        );
        assert!(
            !Engine::Firefox.is_safelisted(name, Some(value)),
            "{name}: {value}"
        );
    }
    let long = "1".repeat(129);
    assert!(!Engine::Chromium.is_safelisted("DPR", Some(&long)));
    let page = PageRequest::new(
        "https://a.example",
        "POST",
        headers(&[("DPR", Some("2")), ("Content-Type", Some("text/plain"))]),
        false,
    );
    assert!(!page.needs_preflight_in(Engine::Chromium));
    assert!(page.needs_preflight_in(Engine::Firefox));
    assert_eq!(page.preflight_in(Engine::Firefox).headers, ["dpr"]);
    assert!(
        page.needs_preflight(),
        "the engine-free model is Fetch's, as Firefox"
    );
}
