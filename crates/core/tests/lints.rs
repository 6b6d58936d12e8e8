//! Every lint: when it fires, when it does not, and silencing with a reason.

use std::path::Path;

use cors_sync_core::lint::manifest_lints;
use cors_sync_core::manifest::load_str;

fn lints(rules: &str) -> Vec<String> {
    lints_with(rules, "")
}

fn lints_with(rules: &str, extra: &str) -> Vec<String> {
    let text =
        format!("version: 1\nbuckets:\n  - name: lint-bucket\n{extra}    cors_rules:\n{rules}");
    let manifest = load_str(Path::new("m.yaml"), &text).unwrap_or_else(|e| panic!("{e}"));
    manifest_lints(&manifest)
        .iter()
        .map(|d| d.to_string())
        .collect()
}

fn codes(found: &[String]) -> Vec<&str> {
    found
        .iter()
        .map(|l| {
            l.split(": warning: ")
                .nth(1)
                .unwrap_or_default()
                .split(' ')
                .next()
                .unwrap_or_default()
        })
        .collect()
}

#[test]
fn a_clean_rule_set_has_no_lints() {
    let found = lints("      - allowed_origins: [\"https://www.example.com\", \"https://*.example.com\"]\n        allowed_methods: [GET, PUT]\n      - allowed_origins: [\"*\"]\n        allowed_methods: [GET, HEAD]\n");
    assert_eq!(found, Vec::<String>::new());
}

#[test]
fn each_lint_fires_with_its_code_position_and_fix() {
    let found = lints(
        r#"      - allowed_origins: ["*"]
        allowed_methods: [PUT, DELETE]
      - allowed_origins: ["http://localhost:3000", ""]
        allowed_methods: [GET]
      - allowed_origins: ["https://*", "*.com"]
        allowed_methods: [GET]
      - allowed_origins: ["https://a.example.com"]
        allowed_methods: [GET]
      - allowed_origins: ["https://a.example.com"]
        allowed_methods: [GET]
"#,
    );
    insta::assert_snapshot!(found.join("\n"), @r#"
    m.yaml:5:9: warning: CS001 wildcard-origin-with-writes: allowed_origins ["*"] with PUT, DELETE: any website can write to this bucket from its visitors' browsers
      help: list the origins that may write, or keep `*` for GET/HEAD only
    m.yaml:7:9: warning: CS002 http-origin: `http://localhost:3000`: an http:// origin is sent in clear text and can be impersonated on the network
      help: use https://, or silence CS002 for a development-only origin
    m.yaml:7:9: warning: CS004 empty-origin: an empty allowed origin: an empty origin matches no browser (AWS accepts it anyway)
      help: remove it
    m.yaml:9:9: warning: CS003 broad-wildcard-origin: `https://*`: the wildcard admits origins far beyond your own sites
      help: put the wildcard under a domain you own, like `https://*.example.com`
    m.yaml:9:9: warning: CS003 broad-wildcard-origin: `*.com`: the wildcard admits origins far beyond your own sites
      help: put the wildcard under a domain you own, like `https://*.example.com`
    m.yaml:11:9: warning: CS005 shadowed-rule: rule 4 is shadowed by rule 3: an earlier rule matches every request this rule would, so S3 never reaches it
      help: move the narrower rule first, or delete it
    m.yaml:13:9: warning: CS006 duplicate-rule: rule 5 repeats rule 4: the same rule appears twice; S3 only ever uses the first
      help: delete the repeated rule
    "#);
}

#[test]
fn a_narrower_rule_after_a_broader_one_is_shadowed_but_not_the_reverse() {
    let shadowed = lints("      - allowed_origins: [\"https://*.example.com\"]\n        allowed_methods: [GET, PUT]\n        allowed_headers: [\"*\"]\n      - allowed_origins: [\"https://app.example.com\"]\n        allowed_methods: [PUT]\n        allowed_headers: [Content-Type]\n");
    assert_eq!(codes(&shadowed), ["CS005"]);
    let fine = lints("      - allowed_origins: [\"https://app.example.com\"]\n        allowed_methods: [PUT]\n      - allowed_origins: [\"https://*.example.com\"]\n        allowed_methods: [GET, PUT]\n");
    assert_eq!(fine, Vec::<String>::new());
    let more_headers = lints("      - allowed_origins: [\"https://*.example.com\"]\n        allowed_methods: [PUT]\n      - allowed_origins: [\"https://app.example.com\"]\n        allowed_methods: [PUT]\n        allowed_headers: [Content-Type]\n");
    assert_eq!(
        more_headers,
        Vec::<String>::new(),
        "the later rule admits preflights with headers the earlier one refuses"
    );
}

#[test]
fn lints_are_silenced_per_resource_with_a_reason() {
    let rules =
        "      - allowed_origins: [\"http://localhost:3000\"]\n        allowed_methods: [GET]\n";
    assert_eq!(codes(&lints(rules)), ["CS002"]);
    assert_eq!(
        lints_with(
            rules,
            "    silence_lints:\n      CS002: local development only\n"
        ),
        Vec::<String>::new()
    );
    let text = format!("version: 1\nbuckets:\n  - name: lint-bucket\n    silence_lints:\n      CS999: nope\n      CS002: \"\"\n    cors_rules:\n{rules}");
    let error = load_str(Path::new("m.yaml"), &text)
        .unwrap_err()
        .to_string();
    insta::assert_snapshot!(error, @r"
    m.yaml:5:7: error: `CS999` is not a lint code
      help: codes: CS001, CS002, CS003, CS004, CS005, CS006, CS007, CS008, CS009, CS101, CS102, CS103, CS104, CS105, CS106, CS201, CS202, CS203, CS204, CS205
    m.yaml:6:14: error: silencing CS002 needs a reason (a non-empty string)
    ");
}

#[test]
fn an_origin_no_browser_can_send_is_flagged_with_what_a_browser_sends() {
    let text = "version: 1\nbuckets:\n  - name: assets\n    cors_rules:\n      - allowed_origins: [\"https://App.example.com\", \"https://www.example.com:443\", \"https://www.example.com/\", \"https://*.Example.com\", \"https://ok.example.com\", \"http://localhost:8080\", \"*\"]\n        allowed_methods: [GET]\n";
    let manifest =
        cors_sync_core::manifest::load_str(std::path::Path::new("m.yaml"), text).unwrap();
    let found: Vec<String> = cors_sync_core::lint::manifest_lints(&manifest)
        .iter()
        .filter(|d| d.message.starts_with("CS008"))
        .map(|d| d.message.clone())
        .collect();
    insta::assert_snapshot!(found.join("\n"), @"
    CS008 unsendable-origin: `https://App.example.com` (a browser sends `https://app.example.com`): no browser sends an origin written this way, and S3 compares origins literally, so it never matches
    CS008 unsendable-origin: `https://www.example.com:443` (a browser sends `https://www.example.com`): no browser sends an origin written this way, and S3 compares origins literally, so it never matches
    CS008 unsendable-origin: `https://www.example.com/` (a browser sends `https://www.example.com`): no browser sends an origin written this way, and S3 compares origins literally, so it never matches
    CS008 unsendable-origin: `https://*.Example.com` (a browser sends `https://*.example.com`): no browser sends an origin written this way, and S3 compares origins literally, so it never matches
    ");
}

#[test]
fn an_allowed_null_origin_is_flagged_because_any_sandboxed_page_sends_it() {
    let found = lints("      - allowed_origins: [\"null\", \"https://app.example.com\"]\n        allowed_methods: [GET]\n");
    insta::assert_snapshot!(found.join("\n"), @r"
    m.yaml:5:9: warning: CS009 null-origin: allowed origin `null`: browsers send `Origin: null` from sandboxed frames, `file:` pages and some redirects, so any site can claim it
      help: name the origins that may call, and serve sandboxed or local pages from one of them
    ");
}
