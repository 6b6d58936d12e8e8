//! Every validation error the manifest can have, each with its file, line and column, all at once.

use std::path::Path;

use cors_sync_core::manifest::load_str;

fn problems(text: &str) -> String {
    match load_str(Path::new("m.yaml"), text) {
        Ok(_) => "ok".to_string(),
        Err(diagnostics) => diagnostics.to_string(),
    }
}

#[test]
fn a_valid_manifest_loads() {
    let manifest = load_str(
        Path::new("m.yaml"),
        r#"
version: 1
buckets:
  - name: example-assets
    region: eu-west-1
    cors_rules:
      - id: web-app
        allowed_origins: ["https://www.example.com", "https://*.example.com"]
        allowed_methods: [GET, HEAD, PUT]
        allowed_headers: ["*"]
        expose_headers: [ETag]
        max_age_seconds: 3000
  - name: example-private
    cors_rules: []
"#,
    )
    .unwrap();
    assert_eq!(manifest.buckets.len(), 2);
    let assets = &manifest.buckets[0];
    assert_eq!(assets.region.as_deref(), Some("eu-west-1"));
    assert_eq!(assets.cors.rules[0].id.as_deref(), Some("web-app"));
    assert_eq!(assets.cors.rules[0].allowed_methods, ["GET", "HEAD", "PUT"]);
    assert_eq!(assets.cors.rules[0].max_age_seconds, Some(3000));
    assert_eq!(assets.parts[0].to_string(), "m.yaml:7:9");
    assert!(manifest.buckets[1].cors.rules.is_empty());
}

#[test]
fn every_problem_is_reported_at_once_with_its_position() {
    let text = r#"version: 1
buckets:
  - name: Bad_Name
    cors_rules:
      - allowed_origins: ["https://*.*.example.com", "https://ok.example.com"]
        allowed_methods: [get, PATCH, GET]
        allowed_headers: ["x-*-*"]
        max_age_secs: 10
      - allowed_origins: []
        allowed_methods: []
        max_age_seconds: -5
        id: "IDIDIDIDIDIDIDIDIDIDIDIDIDIDIDIDIDIDIDIDIDIDIDIDIDIDIDIDIDIDIDIDIDIDIDIDIDIDIDIDIDIDIDIDIDIDIDIDIDIDIDIDIDIDIDIDIDIDIDIDIDIDIDIDIDIDIDIDIDIDIDIDIDIDIDIDIDIDIDIDIDIDIDIDIDIDIDIDIDIDIDIDIDIDIDIDIDIDIDIDIDIDIDIDIDIDIDIDIDIDIDIDIDIDIDIDIDIDIDIDIDIDIDIDIDIDIDIDIDIDIDIDIDIDIDIDIDID"
      - allowed_origins: "https://one.example.com"
        allowed_methods: [GET, 7]
        max_age_seconds: "ten"
  - name: ok-bucket
    regoin: eu-west-1
    cors_rules:
  - name: ok-bucket
    cors_rules: []
"#;
    insta::assert_snapshot!(problems(text), @r#"
    m.yaml:3:11: error: invalid bucket name `Bad_Name`: may contain only lowercase letters, digits, '.' and '-' (found 'B')
    m.yaml:5:27: error: allowed origin `https://*.*.example.com` has 2 wildcards; S3 allows at most one `*`
    m.yaml:6:27: error: `get` is not a method S3 CORS allows (GET, PUT, POST, DELETE, HEAD)
      help: S3 method names are uppercase: write `GET`
    m.yaml:6:32: error: `PATCH` is not a method S3 CORS allows (GET, PUT, POST, DELETE, HEAD)
    m.yaml:7:27: error: allowed header `x-*-*` has 2 wildcards; S3 allows at most one `*`
    m.yaml:8:9: error: unknown field `max_age_secs` in a CORS rule
      help: did you mean `max_age_seconds`?
    m.yaml:9:26: error: `allowed_origins` must list at least one value
    m.yaml:10:26: error: `allowed_methods` must list at least one value
    m.yaml:11:26: error: max_age_seconds must not be negative (found -5)
    m.yaml:12:13: error: id is 276 characters long; S3 allows at most 255
    m.yaml:13:26: error: `allowed_origins` must be a list of strings, found a string
    m.yaml:14:32: error: `allowed_methods item` must be a string, found an integer
      help: quote the value to make it a string
    m.yaml:15:26: error: `max_age_seconds` must be a whole number of seconds, found a string
    m.yaml:17:5: error: unknown field `regoin` in a bucket
      help: did you mean `region`?
    m.yaml:18:5: error: `cors_rules` must be a list of rules, found null
      help: write `cors_rules: []` for a bucket that must have no CORS configuration
    m.yaml:19:5: error: bucket `ok-bucket` is named twice: first at m.yaml:16:5
      help: a bucket's whole CORS configuration belongs in one entry
    "#);
}

#[test]
fn version_must_be_present_and_one() {
    insta::assert_snapshot!(problems("buckets: []\n"), @r"
    m.yaml:1:1: error: the manifest has no `version`
      help: add `version: 1` as the first line
    ");
    insta::assert_snapshot!(problems("version: 2\nbuckets: []\n"), @r"
    m.yaml:1:10: error: unsupported manifest version 2
      help: this cors-sync reads `version: 1`
    ");
    insta::assert_snapshot!(problems("version: \"1\"\n"), @"
    m.yaml:1:10: error: version must be the integer 1
      help: write `version: 1` (no quotes, no decimal point)
    ");
}

#[test]
fn structural_problems_name_the_field() {
    insta::assert_snapshot!(problems("version: 1\nbucket: []\n"), @r"
    m.yaml:2:1: error: unknown field `bucket` in the manifest
      help: did you mean `buckets`?
    ");
    insta::assert_snapshot!(problems("version: 1\nbuckets: {name: a}\n"), @"m.yaml:2:10: error: `buckets` must be a list of buckets, found a mapping");
    insta::assert_snapshot!(problems("version: 1\nbuckets: [oops]\n"), @"m.yaml:2:11: error: a bucket must be a mapping, found a string");
    insta::assert_snapshot!(problems("version: 1\nbuckets:\n  - region: eu-west-1\n"), @r"
    m.yaml:3:5: error: a bucket is missing the required field `name`
    m.yaml:3:5: error: a bucket is missing the required field `cors_rules`
    ");
    insta::assert_snapshot!(problems(""), @"m.yaml:1:1: error: the manifest is empty: expected `version: 1` and `buckets:` or `distributions:`");
    insta::assert_snapshot!(problems("version: 1\nversion: 1\n"), @"m.yaml:2:1: error: field `version` appears twice in the manifest");
}

#[test]
fn yaml_syntax_errors_have_a_position() {
    insta::assert_snapshot!(problems("version: 1\nbuckets: [\n"), @"m.yaml:3:1: error: invalid YAML: while parsing a node, did not find expected node content");
}

#[test]
fn a_bare_wildcard_gets_the_hint_to_quote_it_at_its_position() {
    let flow = "version: 1\nbuckets:\n  - name: a\n    cors_rules:\n      - allowed_origins: [*]\n        allowed_methods: [GET]\n";
    insta::assert_snapshot!(problems(flow), @r#"
    m.yaml:5:27: error: invalid YAML: `*` unquoted is a YAML alias (`*name` refers to an `&name` anchor), not a wildcard
      help: quote it: `"*"`
    "#);
    let block = "version: 1\nbuckets:\n  - name: a\n    cors_rules:\n      - allowed_origins:\n          - *\n        allowed_methods: [GET]\n";
    insta::assert_snapshot!(problems(block), @r#"
    m.yaml:6:13: error: invalid YAML: `*` unquoted is a YAML alias (`*name` refers to an `&name` anchor), not a wildcard
      help: quote it: `"*"`
    "#);
    let pattern = "version: 1\nbuckets:\n  - name: a\n    cors_rules:\n      - allowed_origins: [*.example.com]\n        allowed_methods: [GET]\n";
    insta::assert_snapshot!(problems(pattern), @r#"
    m.yaml:5:27: error: invalid YAML: `*.example.com` unquoted is a YAML alias (`*name` refers to an `&name` anchor), not a wildcard
      help: quote it: `"*.example.com"`
    "#);
}

fn bucket_with_rules(rules: usize, origin: &str) -> String {
    let mut text = String::from("version: 1\nbuckets:\n  - name: big\n    cors_rules:\n");
    for _ in 0..rules {
        text.push_str(&format!(
            "      - allowed_origins: [\"{origin}\"]\n        allowed_methods: [GET]\n"
        ));
    }
    text
}

#[test]
fn s3_size_limits_are_enforced_before_aws_sees_them() {
    assert_eq!(problems(&bucket_with_rules(100, "https://a.example")), "ok");
    insta::assert_snapshot!(problems(&bucket_with_rules(101, "https://a.example")), @"m.yaml:5:7: error: 101 CORS rules; S3 allows at most 100");
    let long_origin = format!("https://{}.example", "a".repeat(700));
    insta::assert_snapshot!(problems(&bucket_with_rules(100, &long_origin)), @"m.yaml:5:7: error: the CORS configuration is 80325 bytes as XML; S3 allows at most 65536");
}

#[test]
fn the_same_bucket_in_two_files_names_both_places() {
    let dir = tempfile::tempdir().unwrap();
    let one = "version: 1\nbuckets:\n  - name: shared\n    cors_rules: []\n";
    let two = "version: 1\n\nbuckets:\n  - name: other\n    cors_rules: []\n  - name: shared\n    cors_rules: []\n";
    std::fs::write(dir.path().join("a.yaml"), one).unwrap();
    std::fs::write(dir.path().join("b.yml"), two).unwrap();
    std::fs::write(dir.path().join("notes.txt"), "not yaml: [").unwrap();
    let error = cors_sync_core::manifest::load(dir.path())
        .unwrap_err()
        .to_string();
    let error = error.replace(&dir.path().display().to_string(), "DIR");
    insta::assert_snapshot!(error, @r"
    DIR/b.yml:6:5: error: bucket `shared` is named twice: first at DIR/a.yaml:3:5
      help: a bucket's whole CORS configuration belongs in one entry
    ");
}

#[test]
fn unreadable_input_is_an_error_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let missing = cors_sync_core::manifest::load(&dir.path().join("nope.yaml")).unwrap_err();
    assert!(
        missing.to_string().contains("cannot read the manifest"),
        "{missing}"
    );

    let empty_dir = cors_sync_core::manifest::load(dir.path()).unwrap_err();
    assert!(
        empty_dir
            .to_string()
            .contains("has no *.yaml or *.yml files"),
        "{empty_dir}"
    );

    let binary = dir.path().join("bin.yaml");
    std::fs::write(&binary, b"version: 1\nbuckets:\n  - name: \xff\xfe\n").unwrap();
    let error = cors_sync_core::manifest::load(&binary)
        .unwrap_err()
        .to_string();
    assert!(
        error.ends_with("bin.yaml:3:11: error: the manifest is not valid UTF-8\n"),
        "{error}"
    );
}

#[test]
fn a_valid_cloudfront_manifest_loads() {
    let manifest = load_str(
        Path::new("m.yaml"),
        r#"
version: 1
distributions:
  - id: E2QWRUHAPOMQZL
    behaviors:
      default:
        forward_headers: [Origin, Access-Control-Request-Method, Access-Control-Request-Headers]
        allowed_methods: [GET, HEAD, OPTIONS]
        cached_methods: [GET, HEAD, OPTIONS]
      "/fonts/*":
        cache_policy: Managed-CachingOptimized
        origin_request_policy: cors-s3-forward
        response_headers_policy: fonts-cors
      "/api/*":
        response_headers_policy: null
origin_request_policies:
  - name: cors-s3-forward
    headers: [Origin, Access-Control-Request-Method, Access-Control-Request-Headers]
response_headers_policies:
  - name: fonts-cors
    cors:
      allow_origins: ["https://www.example.com"]
      allow_methods: [GET, HEAD, OPTIONS]
      allow_headers: ["*"]
      expose_headers: [ETag]
      allow_credentials: false
      max_age_seconds: 600
      origin_override: true
"#,
    )
    .unwrap();
    use cors_sync_core::cloudfront::behavior::Managed;
    let distribution = &manifest.distributions[0];
    assert_eq!(distribution.id, "E2QWRUHAPOMQZL");
    let paths: Vec<&str> = distribution
        .behaviors
        .iter()
        .map(|b| b.path.key())
        .collect();
    assert_eq!(paths, ["default", "/fonts/*", "/api/*"]);
    assert_eq!(
        distribution.behaviors[0]
            .forward_headers
            .as_ref()
            .map(Vec::len),
        Some(3)
    );
    assert_eq!(distribution.behaviors[0].cache_policy, Managed::Unmanaged);
    assert_eq!(
        distribution.behaviors[1].cache_policy,
        Managed::Set("Managed-CachingOptimized".into())
    );
    assert_eq!(
        distribution.behaviors[2].response_headers_policy,
        Managed::Detach
    );
    assert_eq!(manifest.origin_request_policies[0].headers.len(), 3);
    let cors = &manifest.response_headers_policies[0].cors;
    assert_eq!(
        (
            cors.max_age_seconds,
            cors.origin_override,
            cors.allow_credentials
        ),
        (Some(600), true, false)
    );
}

#[test]
fn every_cloudfront_problem_is_reported_at_once() {
    let text = r#"version: 1
distributions:
  - id: e2-lowercase
    behaviors:
      default:
        forward_headers: [Origin, "Bad Header"]
        allowed_methods: [GET, OPTIONS]
        cached_methods: [GET, HEAD, OPTIONS]
        cache_policy: Managed-CachingOptimized
      "/a/*":
        cache_policy: null
        origin_request_policy: Managed-CORS-S3Origin
      "/b/*":
        allowed_methods: [GET, HEAD]
        cached_methods: [GET, HEAD, OPTIONS]
        response_headers_policy: Managed-NoSuchPolicy
        forward_headers: [a, b, c, d, e, f, g, h, i, j, k]
      "/c/*":
        allowed_methods: null
  - id: E1
    behaviors: {}
  - id: E1
    behaviors: {}
origin_request_policies:
  - name: Managed-Mine
    headers: [Origin]
response_headers_policies:
  - name: cors
    cors:
      allow_origins: ["https://a.*.example.com", ALL]
      allow_methods: ["*", GET]
      allow_credentials: "no"
      origin_override: true
      max_age_seconds: -1
  - name: cors
    cors:
      allow_origins: ["*"]
      allow_methods: [GET]
      allow_credentials: false
"#;
    insta::assert_snapshot!(problems(text));
}

#[test]
fn a_distributions_domains_are_host_names_read_without_case() {
    let text = "version: 1\ndistributions:\n  - id: E1\n    domains: [D111.CloudFront.net., \"https://cdn.example.com\", \"*.example.com\"]\n    behaviors: {}\n";
    assert_eq!(
        problems(text),
        "m.yaml:4:37: error: `https://cdn.example.com` is not a host name: list the distribution's domain and aliases as pages reach them, like `d111111abcdef8.cloudfront.net` or `cdn.example.com` (no scheme, port or path; `*.example.com` for a wildcard alias)\n"
    );
    let fixed = text.replace("\"https://cdn.example.com\", ", "");
    let manifest = load_str(Path::new("m.yaml"), &fixed).unwrap();
    assert_eq!(
        manifest.distributions[0].domains,
        ["d111.cloudfront.net", "*.example.com"]
    );
}
