//! `cors-sync explain`: a console message, a HAR export or a curl line in, the cause and the
//! nearest rule of the manifest out, through the binary. Offline: no emulator is contacted.

use serde_json::{json, Value};

use crate::support::cors_sync;
use crate::support::fault_proxy::FaultProxy;

const MANIFEST: &str = r#"version: 1
buckets:
  - name: explain-uploads
    cors_rules:
      - id: reads
        allowed_origins: ["https://*.example.com"]
        allowed_methods: [GET, HEAD]
      - id: writes
        allowed_origins: ["https://app.example.com"]
        allowed_methods: [PUT]
        allowed_headers: [content-type]
  - name: explain-private
    cors_rules: []
"#;

const URL: &str = "https://explain-uploads.s3.eu-west-1.amazonaws.com/photo.png";

fn chromium(url: &str, origin: &str, reason: &str) -> String {
    format!("Access to fetch at '{url}' from origin '{origin}' has been blocked by CORS policy: {reason}")
}

const PREFLIGHT_MISSING: &str = "Response to preflight request doesn't pass access control check: No 'Access-Control-Allow-Origin' header is present on the requested resource.";

fn firefox(url: &str, reason: &str) -> String {
    format!("Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at {url}. (Reason: {reason}")
}

fn explain(args: &[&str]) -> (i32, Value, String) {
    let cli = cors_sync()
        .endpoint(None)
        .file("manifests/app.yaml", MANIFEST);
    let mut all = vec!["explain", "--format", "json"];
    all.extend_from_slice(args);
    let run = cli.run_with(&all);
    let json = if run.code == 0 {
        run.json()
    } else {
        Value::Null
    };
    (run.code, json, run.stderr)
}

fn first(document: &Value) -> &Value {
    &document["explanations"][0]
}

#[test]
fn a_chromium_message_with_the_request_filled_in_names_the_header_and_its_rule() {
    let message = chromium(URL, "https://app.example.com", PREFLIGHT_MISSING);
    let (code, document, stderr) = explain(&[
        "--message",
        &message,
        "--method",
        "PUT",
        "--header",
        "Content-Type: image/png",
        "--header",
        "x-api-key: k",
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        document,
        json!({"format_version": 1, "explanations": [{
            "target": "s3://explain-uploads",
            "step": "preflight",
            "cause": "header-not-allowed",
            "candidates": ["header-not-allowed"],
            "browser_reason": PREFLIGHT_MISSING,
            "request": {"origin": "https://app.example.com", "method": "PUT", "headers": ["content-type", "x-api-key"], "credentials": null},
            "rule": {"file": "manifests/app.yaml", "line": 8, "column": 9, "index": 2, "id": "writes", "lacks": "the header `x-api-key`"},
            "fix": null,
            "source": "chromium",
            "urls": [URL],
            "detail": "rule 2 \"writes\" matches the origin and PUT but not `x-api-key`",
            "notes": []
        }]})
    );
}

#[test]
fn a_message_that_leaves_the_cause_open_lists_the_candidates_and_gives_no_fix() {
    let message = chromium(URL, "https://app.example.com", PREFLIGHT_MISSING);
    let (code, document, stderr) = explain(&["--message", &message, "--fix"]);
    assert_eq!(code, 0, "{stderr}");
    let explanation = first(&document);
    assert_eq!(explanation["cause"], "method-not-allowed");
    assert_eq!(
        explanation["candidates"],
        json!(["method-not-allowed", "header-not-allowed"])
    );
    assert_eq!(explanation["fix"], Value::Null);
    assert_eq!(explanation["rule"], Value::Null);
    let notes = explanation["notes"].to_string();
    assert!(
        notes.contains("rule 2 \\\"writes\\\" allows PUT with headers content-type"),
        "{notes}"
    );
    assert!(notes.contains("--method"), "{notes}");
}

#[test]
fn each_common_cause_from_chromium_and_firefox_wordings() {
    let cases: Vec<(String, Vec<&str>, &str)> = vec![
        (
            chromium(URL, "https://evil.example.net", PREFLIGHT_MISSING),
            vec!["--method", "PUT", "--header", "content-type"],
            "origin-not-allowed",
        ),
        (
            firefox(URL, "CORS header \u{2018}Access-Control-Allow-Origin\u{2019} missing). Status code: 403."),
            vec!["--origin", "https://evil.example.net", "--method", "PUT"],
            "origin-not-allowed",
        ),
        (
            chromium(URL, "https://app.example.com", PREFLIGHT_MISSING),
            vec!["--method", "DELETE", "--header", "x-none: 1"],
            "method-not-allowed",
        ),
        (
            firefox(URL, "Did not find method in CORS header \u{2018}Access-Control-Allow-Methods\u{2019})."),
            vec!["--origin", "https://app.example.com", "--method", "DELETE"],
            "method-not-allowed",
        ),
        (
            firefox(URL, "CORS preflight response did not succeed). Status code: 403."),
            vec!["--origin", "https://app.example.com", "--method", "PUT", "--header", "x-api-key"],
            "header-not-allowed",
        ),
        (
            chromium(&URL.replace("explain-uploads", "explain-private"), "https://app.example.com", "No 'Access-Control-Allow-Origin' header is present on the requested resource."),
            vec![],
            "no-cors-configuration",
        ),
        (
            chromium(URL, "https://app.example.com", "The value of the 'Access-Control-Allow-Origin' header in the response must not be the wildcard '*' when the request's credentials mode is 'include'."),
            vec![],
            "credentials-with-wildcard",
        ),
        (
            chromium(URL, "https://app.example.com", "Response to preflight request doesn't pass access control check: Redirect is not allowed for a preflight request."),
            vec![],
            "preflight-redirected",
        ),
        (
            firefox(URL, "CORS header \u{2018}Access-Control-Allow-Origin\u{2019} missing). Status code: 403."),
            vec!["--origin", "https://shop.example.com", "--method", "GET"],
            "not-cors",
        ),
        (
            chromium(URL, "https://app.example.com", "The 'Access-Control-Allow-Origin' header has a value 'https://shop.example.com' that is not equal to the supplied origin."),
            vec![],
            "cached-for-another-origin",
        ),
        (
            chromium("http://10.0.0.5/a", "https://app.example.com", "Permission was denied for this request to access the `local` address space."),
            vec!["--target", "s3://explain-uploads"],
            "private-network",
        ),
    ];
    for (message, extra, cause) in cases {
        let mut args = vec!["--message", message.as_str()];
        args.extend(extra.iter().copied());
        let (code, document, stderr) = explain(&args);
        assert_eq!(code, 0, "{message}: {stderr}");
        assert_eq!(
            first(&document)["cause"],
            cause,
            "{message} {extra:?}: {document:#}"
        );
    }
}

#[test]
fn the_fix_is_the_narrowest_diff_and_write_makes_the_request_pass() {
    let cli = cors_sync()
        .endpoint(None)
        .file("manifests/app.yaml", MANIFEST);
    let message = chromium(URL, "https://app.example.com", PREFLIGHT_MISSING);
    let args = [
        "explain",
        "--message",
        &message,
        "--method",
        "PUT",
        "--header",
        "x-api-key",
        "--fix",
    ];
    let shown = cli.run_with(&args);
    shown.code(0);
    assert!(
        shown.stdout.contains("-        allowed_headers: [content-type]\n    +        allowed_headers: [content-type, x-api-key]"),
        "{}",
        shown.stdout
    );
    assert!(
        shown
            .stdout
            .contains("now allows PUT from https://app.example.com with header x-api-key"),
        "{}",
        shown.stdout
    );
    assert_eq!(
        cli.read("manifests/app.yaml"),
        MANIFEST,
        "--fix alone writes nothing"
    );
    let mut write = args.to_vec();
    write.push("--write");
    cli.run_with(&write).code(0);
    assert_eq!(
        cli.read("manifests/app.yaml"),
        MANIFEST.replace(
            "allowed_headers: [content-type]",
            "allowed_headers: [content-type, x-api-key]"
        )
    );
    let check = cli.run_with(&[
        "check",
        "s3://explain-uploads",
        "--origin",
        "https://app.example.com",
        "--method",
        "PUT",
        "--header",
        "x-api-key",
    ]);
    check.code(0);
    let again = cli.run_with(&[
        "explain",
        "--format",
        "json",
        "--message",
        &message,
        "--method",
        "PUT",
        "--header",
        "x-api-key",
    ]);
    again.code(0);
    assert_eq!(first(&again.json())["cause"], "allowed-by-manifest");
}

#[test]
fn a_curl_line_is_judged_literally_as_s3_judges_it() {
    let (code, document, stderr) = explain(&[
        "--curl",
        "curl -X OPTIONS -H 'Origin: https://app.example.com/' -H 'Access-Control-Request-Method: PUT' https://s3.eu-west-1.amazonaws.com/explain-uploads/photo.png",
        "--fix",
    ]);
    assert_eq!(code, 0, "{stderr}");
    let explanation = first(&document);
    assert_eq!(explanation["cause"], "origin-not-allowed");
    assert_eq!(explanation["source"], "curl");
    assert_eq!(
        explanation["browser_reason"],
        "S3 answers 403: This CORS request is not allowed. No rule matched."
    );
    assert_eq!(explanation["fix"], Value::Null, "no page sends that origin");
    assert!(explanation["notes"]
        .to_string()
        .contains("a browser sends this origin as `https://app.example.com`"));
    let (code, document, stderr) = explain(&[
        "--curl",
        "curl -X OPTIONS -H 'Origin: https://app.example.com' -H 'Access-Control-Request-Method: PUT' https://s3.eu-west-1.amazonaws.com/explain-uploads/photo.png",
    ]);
    assert_eq!(code, 0, "{stderr}");
    let explanation = first(&document);
    assert_eq!(explanation["cause"], "allowed-by-manifest");
    assert_eq!(
        explanation["browser_reason"],
        "S3 answers 200 with CORS headers: rule 2 matched (id writes)"
    );
}

#[test]
fn a_har_export_explains_each_failed_request_grouped_by_reason() {
    let header = |name: &str, value: &str| json!({"name": name, "value": value});
    let failed = |url: &str| {
        json!([
            {"_resourceType": "preflight", "request": {"method": "OPTIONS", "url": url, "headers": [
                header("Origin", "https://app.example.com"), header("Access-Control-Request-Method", "PUT"),
                header("Access-Control-Request-Headers", "x-api-key")]},
             "response": {"status": 403, "headers": []}},
            {"_resourceType": "fetch", "request": {"method": "PUT", "url": url, "headers": [header("x-api-key", "k"), header("Origin", "https://app.example.com")]},
             "response": {"status": 0, "headers": [], "_error": "net::ERR_FAILED"}}
        ])
    };
    let mut entries = failed(URL).as_array().cloned().unwrap_or_default();
    entries.extend(
        failed(&URL.replace("photo", "other"))
            .as_array()
            .cloned()
            .unwrap_or_default(),
    );
    let har = json!({"log": {"version": "1.2", "entries": entries}}).to_string();
    let cli = cors_sync()
        .endpoint(None)
        .file("manifests/app.yaml", MANIFEST)
        .file("page.har", &har);
    let run = cli.run_with(&["explain", "--format", "json", "--har", "page.har"]);
    run.code(0);
    let document = run.json();
    assert_eq!(
        document["explanations"].as_array().map(Vec::len),
        Some(1),
        "{document:#}"
    );
    let explanation = first(&document);
    assert_eq!(explanation["cause"], "header-not-allowed");
    assert_eq!(explanation["source"], "har");
    assert_eq!(
        explanation["urls"],
        json!([URL, URL.replace("photo", "other")])
    );
}

#[test]
fn unreadable_input_and_unknown_buckets_exit_1_saying_why() {
    let (code, _, stderr) = explain(&["--message", "TypeError: Failed to fetch"]);
    assert_eq!(code, 1);
    assert!(stderr.contains("holds no CORS error"), "{stderr}");
    let other = chromium(
        "https://someone-else.s3.amazonaws.com/a",
        "https://app.example.com",
        PREFLIGHT_MISSING,
    );
    let (code, _, stderr) = explain(&["--message", &other]);
    assert_eq!(code, 1);
    assert!(
        stderr.contains("the bucket `someone-else`, which the manifest does not declare"),
        "{stderr}"
    );
    let custom = chromium(
        "https://cdn.example.com/a",
        "https://app.example.com",
        PREFLIGHT_MISSING,
    );
    let (code, _, stderr) = explain(&["--message", &custom]);
    assert_eq!(code, 1);
    assert!(stderr.contains("--target s3://BUCKET"), "{stderr}");
    let (code, _, stderr) = explain(&["--har", "missing.har"]);
    assert_eq!(code, 1);
    assert!(
        stderr.contains("cannot read the HAR file missing.har"),
        "{stderr}"
    );
    // A device is refused, not read until memory runs out.
    let (code, _, stderr) = explain(&["--har", "/dev/zero"]);
    assert_eq!(code, 1);
    assert!(
        stderr.contains("cannot read the HAR file /dev/zero: it is a device, not a regular file"),
        "{stderr}"
    );
    let (code, _, stderr) = explain(&["--curl", "curl -H 'Origin: x"]);
    assert_eq!(code, 1);
    assert!(stderr.contains("unbalanced quotes"), "{stderr}");
}

#[test]
fn the_message_can_come_from_stdin() {
    let message = firefox(
        URL,
        "CORS header \u{2018}Access-Control-Allow-Origin\u{2019} missing). Status code: 403.",
    );
    let cli = cors_sync()
        .endpoint(None)
        .file("manifests/app.yaml", MANIFEST)
        .stdin(&format!(
            "{message}\nTypeError: NetworkError when attempting to fetch resource.\n"
        ));
    let run = cli.run_with(&[
        "explain",
        "--message",
        "-",
        "--origin",
        "https://evil.example.net",
        "--method",
        "PUT",
    ]);
    run.code(0);
    assert!(
        run.stdout.contains("cause: origin-not-allowed"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains("nearest rule: rule 2 \"writes\" at manifests/app.yaml:8:9"),
        "{}",
        run.stdout
    );
}

/// Two failed requests to one bucket: its CORS is read once, not once for each.
#[test]
fn each_target_is_read_once_however_many_requests_name_it() {
    crate::support::s3::create_bucket("explain-once", "us-east-1");
    crate::support::s3::put_cors(
        "explain-once",
        &[crate::support::s3::rule(&["https://a.example"], &["GET"])],
    );
    let proxy = FaultProxy::start(&crate::support::emulator().endpoint);
    let cli = cors_sync()
        .file("manifests/app.yaml", MANIFEST)
        .endpoint(Some(&proxy.endpoint));
    let console = ["one.png", "two.png"]
        .map(|key| {
            chromium(
                &format!("https://explain-once.s3.amazonaws.com/{key}"),
                "https://a.example",
                PREFLIGHT_MISSING,
            )
        })
        .join("\n");
    let run = cli.run_with(&[
        "explain",
        "--live",
        "--format",
        "json",
        "--message",
        &console,
        "--method",
        "PUT",
    ]);
    run.code(0);
    // Both requests were explained (as one, since they fail alike).
    let document = run.json();
    assert_eq!(
        first(&document)["urls"],
        json!([
            "https://explain-once.s3.amazonaws.com/one.png",
            "https://explain-once.s3.amazonaws.com/two.png"
        ]),
        "{document:#}"
    );
    assert_eq!(proxy.requests_matching("GET /explain-once/?cors"), 1);
}

#[test]
fn live_state_is_explained_with_live_and_has_no_file_to_fix() {
    crate::support::s3::create_bucket("explain-live", "us-east-1");
    crate::support::s3::put_cors(
        "explain-live",
        &[crate::support::s3::rule(&["https://a.example"], &["GET"])],
    );
    let cli = cors_sync().file("manifests/app.yaml", MANIFEST);
    let message = chromium(
        "https://explain-live.s3.amazonaws.com/k",
        "https://a.example",
        PREFLIGHT_MISSING,
    );
    let run = cli.run_with(&[
        "explain",
        "--live",
        "--format",
        "json",
        "--message",
        &message,
        "--method",
        "PUT",
    ]);
    run.code(0);
    let document = run.json();
    let explanation = first(&document);
    assert_eq!(explanation["cause"], "method-not-allowed", "{document:#}");
    assert_eq!(explanation["rule"]["index"], 1);
    assert_eq!(
        explanation["rule"]["file"],
        Value::Null,
        "live state has no file"
    );
    let fix = cli.run_with(&["explain", "--live", "--fix", "--message", &message]);
    fix.code(1);
    assert!(
        fix.stderr.contains("run it without --live"),
        "{}",
        fix.stderr
    );
}

#[test]
fn a_distribution_in_front_of_the_bucket_names_cloudfront_causes() {
    crate::support::s3::create_bucket("explain-cdn-assets", "us-east-1");
    let id = crate::support::cloudfront::create_distribution("explain-cdn", "explain-cdn-assets");
    let bucket = "buckets:\n  - name: explain-cdn-assets\n    cors_rules:\n      - allowed_origins: [\"https://app.example.com\"]\n        allowed_methods: [GET, PUT]\n        allowed_headers: [\"*\"]\n";
    let url = "https://d111111abcdef8.cloudfront.net/uploads/x.bin";
    let target = format!("cloudfront://{id}/uploads/x.bin");
    // `explain --format json --message MESSAGE --target TARGET --method METHOD MORE...` offline,
    // with `manifest` as manifests/app.yaml: the run, and where it ran.
    let explain_target = |manifest: &str, message: &str, method: &str, more: &[&str]| {
        let cli = cors_sync().file("manifests/app.yaml", manifest);
        let mut args = vec![
            "explain",
            "--format",
            "json",
            "--message",
            message,
            "--target",
            &target,
            "--method",
            method,
        ];
        args.extend(more);
        let run = cli.run_with(&args);
        (cli, run)
    };
    // The distribution as created: its behavior does not allow OPTIONS.
    let message = chromium(url, "https://app.example.com", PREFLIGHT_MISSING);
    let (_, options) = explain_target(&format!("version: 1\n{bucket}"), &message, "PUT", &[]);
    options.code(0);
    let document = options.json();
    assert_eq!(
        first(&document)["cause"],
        "options-not-allowed",
        "{document:#}"
    );
    assert_eq!(first(&document)["target"], target);
    // As the manifest makes it: OPTIONS allowed, but nothing forwarded to S3.
    let unforwarded = format!(
        "version: 1\n{bucket}distributions:\n  - id: {id}\n    behaviors:\n      default:\n        forward_headers: []\n        allowed_methods: [GET, HEAD, OPTIONS]\n        cached_methods: [GET, HEAD, OPTIONS]\n"
    );
    let simple = chromium(
        url,
        "https://app.example.com",
        "No 'Access-Control-Allow-Origin' header is present on the requested resource.",
    );
    let (_, run) = explain_target(&unforwarded, &simple, "GET", &["--fix"]);
    run.code(0);
    let document = run.json();
    assert_eq!(
        first(&document)["cause"],
        "origin-not-forwarded",
        "{document:#}"
    );
    assert!(
        first(&document)["fix"]["diff"]
            .as_str()
            .unwrap_or_default()
            .contains("+        forward_headers: [Origin, Access-Control-Request-Method, Access-Control-Request-Headers]"),
        "{document:#}"
    );
    // OPTIONS refused by the declared behavior: the fix allows it, and then the preflight passes.
    let no_options = format!(
        "version: 1\n{bucket}distributions:\n  - id: {id}\n    behaviors:\n      default:\n        forward_headers: [Origin, Access-Control-Request-Method, Access-Control-Request-Headers]\n        allowed_methods: [GET, HEAD]\n        cached_methods: [GET, HEAD]\n"
    );
    let (cli, fixed) = explain_target(&no_options, &message, "PUT", &["--fix", "--write"]);
    fixed.code(0);
    assert_eq!(first(&fixed.json())["cause"], "options-not-allowed");
    assert!(
        cli.read("manifests/app.yaml")
            .contains("allowed_methods: [GET, HEAD, OPTIONS, PUT, POST, PATCH, DELETE]"),
        "a PUT needs CloudFront's set of all seven methods"
    );
    cli.run_with(&[
        "check",
        &target,
        "--origin",
        "https://app.example.com",
        "--method",
        "PUT",
    ])
    .code(0);
    // Without --target, a CloudFront URL names no distribution offline.
    let (code, _, stderr) = explain(&["--message", &simple]);
    assert_eq!(code, 1);
    assert!(stderr.contains("--target cloudfront://ID"), "{stderr}");
}

/// The domain the emulator gave a distribution.
fn domain_of(id: &str) -> String {
    crate::support::s3::runtime()
        .block_on(
            crate::support::cloudfront::client()
                .get_distribution()
                .id(id)
                .send(),
        )
        .unwrap_or_else(|e| panic!("read distribution {id}: {e:?}"))
        .distribution
        .map(|d| d.domain_name)
        .unwrap_or_else(|| panic!("distribution {id} has no domain"))
}

#[test]
fn a_cloudfront_domain_names_the_distribution_the_manifest_or_the_account_lists() {
    use aws_sdk_cloudfront::types::Aliases;
    crate::support::s3::create_bucket("explain-domain-assets", "us-east-1");
    let id =
        crate::support::cloudfront::create_distribution("explain-domain", "explain-domain-assets");
    let domain = domain_of(&id);
    // An alias, as a console user adds one.
    let mut config = crate::support::cloudfront::config(&id);
    config.aliases = Some(
        Aliases::builder()
            .quantity(1)
            .items("assets.explain-domain.example")
            .build()
            .unwrap(),
    );
    crate::support::cloudfront::update(&id, config);
    let bucket = "buckets:\n  - name: explain-domain-assets\n    cors_rules:\n      - allowed_origins: [\"https://app.example.com\"]\n        allowed_methods: [GET, PUT]\n";
    let declared = |domains: &str| {
        format!("version: 1\n{bucket}distributions:\n  - id: {id}\n{domains}    behaviors:\n      default:\n        allowed_methods: [GET, HEAD]\n        cached_methods: [GET, HEAD]\n")
    };
    let explain_put = |cli: &crate::support::CorsSync, url: &str, live: bool| {
        let message = chromium(url, "https://app.example.com", PREFLIGHT_MISSING);
        let mut args = vec![
            "explain",
            "--format",
            "json",
            "--message",
            &message,
            "--method",
            "PUT",
        ];
        if live {
            args.push("--live");
        }
        cli.run_with(&args)
    };
    // `url` is found to be the distribution's `path`, whose behavior does not allow OPTIONS.
    let assert_judged = |cli: &crate::support::CorsSync, url: &str, live: bool, path: &str| {
        let run = explain_put(cli, url, live);
        run.code(0);
        let document = run.json();
        assert_eq!(
            first(&document)["target"],
            format!("cloudfront://{id}{path}"),
            "{url}: {document:#}"
        );
        assert_eq!(
            first(&document)["cause"],
            "options-not-allowed",
            "{url}: {document:#}"
        );
    };
    // Offline: the manifest lists the distribution's domain, or an alias (any case, `*.` one label).
    for (domains, url) in [
        (
            format!("    domains: [{domain}]\n"),
            format!("https://{}/uploads/x.bin", domain.to_uppercase()),
        ),
        (
            "    domains: [\"*.explain-domain.example\"]\n".to_string(),
            "https://img.explain-domain.example/uploads/x.bin".to_string(),
        ),
    ] {
        let cli = cors_sync().file("manifests/app.yaml", &declared(&domains));
        assert_judged(&cli, &url, false, "/uploads/x.bin");
    }
    // Offline, a domain no distribution of the manifest lists: an error that says what to do.
    let cli = cors_sync().file("manifests/app.yaml", &declared(""));
    let unlisted = explain_put(&cli, &format!("https://{domain}/x.bin"), false);
    unlisted.code(1);
    assert!(
        unlisted
            .stderr
            .contains("no distribution of the manifest lists in `domains`")
            && unlisted.stderr.contains("--target cloudfront://ID")
            && unlisted.stderr.contains("--live"),
        "{}",
        unlisted.stderr
    );
    // --live: found among the account's distributions by its domain or its alias, judged live.
    for url in [
        format!("https://{domain}/x.bin"),
        "https://assets.explain-domain.example/x.bin".to_string(),
    ] {
        assert_judged(&cli, &url, true, "/x.bin");
    }
    // The account's distributions are listed once: the one found is judged as listed, not listed
    // again to be read.
    let proxy = FaultProxy::start(&crate::support::emulator().endpoint);
    let through = cors_sync()
        .file("manifests/app.yaml", &declared(""))
        .endpoint(Some(&proxy.endpoint));
    assert_judged(&through, &format!("https://{domain}/x.bin"), true, "/x.bin");
    assert_eq!(
        proxy.requests_matching("GET /2020-05-31/distribution?MaxItems="),
        1,
        "listings begun"
    );
    let nowhere = explain_put(&cli, "https://d0000000nowhere.cloudfront.net/x.bin", true);
    nowhere.code(1);
    assert!(
        nowhere
            .stderr
            .contains("no distribution of the account has `d0000000nowhere.cloudfront.net` as its domain or an alias"),
        "{}",
        nowhere.stderr
    );
}
