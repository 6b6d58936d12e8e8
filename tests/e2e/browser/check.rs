//! `check` takes the request as a browser makes it: safelisted headers, credentials, the origin
//! as a browser serialises it, and the method as fetch normalises it.

use crate::support::s3;
use crate::support::{assert_run, cors_sync};

#[test]
fn check_models_the_browser_safelisted_headers_credentials_origin_and_method() {
    s3::create_bucket("browser-model", "us-east-1");
    let manifest = "version: 1\nbuckets:\n  - name: browser-model\n    cors_rules:\n      - allowed_origins: [\"*\"]\n        allowed_methods: [GET, PUT]\n        allowed_headers: [\"x-amz-meta-*\"]\n";
    let cli = cors_sync().manifest(manifest).endpoint(None);
    let check = |extra: &[&str]| {
        let mut args = vec!["check", "s3://browser-model/a", "-f", "manifest.yaml"];
        args.extend_from_slice(extra);
        cli.run_with(&args)
    };
    // Every browser sends this GET without a preflight, and S3 allows it.
    let simple = check(&[
        "--origin",
        "https://app.example.com",
        "--method",
        "GET",
        "--header",
        "Content-Type: text/plain",
    ]);
    simple.code(0);
    assert!(
        simple
            .stdout
            .contains("no preflight: GET with only CORS-safelisted headers is a simple request"),
        "{}",
        simple.stdout
    );
    // `Accept` is safelisted: the preflight asks S3 only about the other header.
    let put = check(&[
        "--origin",
        "https://app.example.com",
        "--method",
        "put",
        "--header",
        "Accept: application/json",
        "--header",
        "X-Amz-Meta-Foo: 1",
    ]);
    put.code(0);
    assert!(
        put.stdout
            .contains("asked: Access-Control-Request-Headers: x-amz-meta-foo\n"),
        "{}",
        put.stdout
    );
    assert!(
        put.stdout.contains(": PUT from"),
        "fetch upper-cases put: {}",
        put.stdout
    );
    // With credentials, S3's `Access-Control-Allow-Origin: *` is refused by the browser.
    let cookies = check(&[
        "--origin",
        "https://app.example.com",
        "--method",
        "GET",
        "--credentials",
    ]);
    assert_run!(cookies, @"
    exit code: 2
    ----- stdout -----
    s3://browser-model/a, by the manifest: GET from https://app.example.com, with credentials

    no preflight: GET without custom headers is a simple request

    GET request: fails
      rule 1 matched
      HTTP 200
      Access-Control-Allow-Origin: *
      Access-Control-Allow-Methods: GET, PUT
      Vary: Origin, Access-Control-Request-Headers, Access-Control-Request-Method
      the browser: Access-Control-Allow-Origin is `*`, which a request with credentials does not accept: the answer must name the origin

    DENIED: the browser blocks this request.
    ----- stderr -----
    ");
    // The origin as a browser sends it, and `patch` as fetch sends it.
    let odd = check(&[
        "--origin",
        "HTTPS://App.Example.com:443/",
        "--method",
        "patch",
    ]);
    odd.code(2);
    assert!(odd.stdout.contains("note: a browser sends the origin `HTTPS://App.Example.com:443/` as `https://app.example.com`"), "{}", odd.stdout);
    assert!(
        odd.stdout.contains(": patch from https://app.example.com"),
        "{}",
        odd.stdout
    );
}

#[test]
fn check_names_where_chromium_and_firefox_disagree() {
    let manifest = "version: 1\nbuckets:\n  - name: engines-differ\n    cors_rules:\n      - allowed_origins: [\"https://app.example.com\"]\n        allowed_methods: [GET, POST]\n";
    let cli = cors_sync().manifest(manifest).endpoint(None);
    let check = |extra: &[&str]| {
        let mut args = vec![
            "check",
            "s3://engines-differ/a",
            "-f",
            "manifest.yaml",
            "--origin",
            "https://app.example.com",
            "--method",
            "POST",
            "--header",
            "DPR: 2",
        ];
        args.extend_from_slice(extra);
        cli.run_with(&args)
    };
    // Chromium sends its client hint DPR without a preflight; Firefox asks, and S3 refuses.
    let both = check(&[]);
    both.code(2);
    assert!(both.stdout.contains("in chromium:\n"), "{}", both.stdout);
    assert!(both.stdout.contains("in firefox:\n"), "{}", both.stdout);
    assert!(
        both.stdout.contains(
            "DISAGREEMENT: the browsers disagree: allowed in chromium, blocked in firefox"
        ),
        "{}",
        both.stdout
    );
    check(&["--browser", "chromium"]).code(0);
    check(&["--browser", "firefox"]).code(2);
    let json = check(&["--format", "json"]);
    json.code(2);
    let document = json.json();
    assert_eq!(document["allowed"], false);
    assert_eq!(document["browser"], "firefox");
    assert_eq!(document["preflight"]["request"]["headers"][0], "dpr");
    assert_eq!(document["browsers"][0]["browser"], "chromium");
    assert_eq!(
        document["browsers"][0]["preflight"],
        serde_json::Value::Null
    );
    assert!(document["disagreement"]
        .as_str()
        .unwrap_or_default()
        .contains("blocked in firefox"));
    // Where the engines send the same requests, one report, as before.
    let same = cli.run_with(&[
        "check",
        "s3://engines-differ/a",
        "-f",
        "manifest.yaml",
        "--origin",
        "https://app.example.com",
        "--method",
        "GET",
    ]);
    same.code(0);
    assert!(!same.stdout.contains("in chromium"), "{}", same.stdout);
}
