//! The provider table as validate and the lints read it: each store's refusals and warnings at
//! the manifest's positions.

use std::path::Path;

use cors_sync_core::lint;
use cors_sync_core::manifest::load_str;
use cors_sync_core::provider::Provider;

fn errors(text: &str) -> Vec<String> {
    match load_str(Path::new("m.yaml"), text) {
        Ok(_) => Vec::new(),
        Err(diagnostics) => diagnostics.0.iter().map(|d| d.to_string()).collect(),
    }
}

fn lints(text: &str) -> Vec<String> {
    let manifest = load_str(Path::new("m.yaml"), text).expect("a valid manifest");
    lint::manifest_lints(&manifest)
        .iter()
        .map(|d| d.to_string())
        .collect()
}

fn on(provider: &str, rules: &str) -> String {
    format!(
        "version: 1\naccounts:\n  - name: store\n    provider: {provider}\n    endpoint_url: https://s3.example.net\nbuckets:\n  - name: assets\n    cors_rules:\n{rules}"
    )
}

#[test]
fn garage_warns_at_a_rule_listing_two_origins_naming_the_joined_header() {
    let rules = "      - allowed_origins: [\"https://a.example.com\", \"https://b.example.com\"]\n        allowed_methods: [GET]\n      - allowed_origins: [\"https://c.example.com\"]\n        allowed_methods: [GET]\n";
    let found = lints(&on("garage", rules));
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].starts_with("m.yaml:9:9: warning: CS201 store-joins-origins: on Garage (read from its source only), rule 1: it lists 2 origins, and every allowed origin of the matching rule is sent joined in one Access-Control-Allow-Origin"),
        "{}",
        found[0]
    );
    // The same rules on AWS (and on a store without the behaviour) are fine.
    assert_eq!(
        lints(&on("aws", rules).replace(
            "    endpoint_url: https://s3.example.net\n",
            "    id: \"111111111111\"\n"
        )),
        Vec::<String>::new()
    );
    assert_eq!(lints(&on("r2", rules)), Vec::<String>::new());
}

#[test]
fn garage_warns_about_wildcard_origins_and_upper_case_headers() {
    let rules = "      - allowed_origins: [\"https://*.example.com\"]\n        allowed_methods: [PUT]\n        allowed_headers: [Content-Type]\n";
    let codes: Vec<String> = lints(&on("garage", rules))
        .iter()
        .map(|l| l.split_whitespace().nth(2).unwrap_or_default().to_string())
        .collect();
    assert_eq!(codes, ["CS202", "CS203"]);
}

#[test]
fn first_origin_match_stores_warn_at_the_rule_never_used() {
    let rules = "      - allowed_origins: [\"https://a.example.com\"]\n        allowed_methods: [GET]\n      - allowed_origins: [\"https://a.example.com\"]\n        allowed_methods: [PUT]\n";
    for provider in ["seaweedfs", "ceph", "spaces"] {
        let found = lints(&on(provider, rules));
        assert_eq!(found.len(), 1, "{provider}: {found:?}");
        assert!(
            found[0].starts_with("m.yaml:11:9: warning: CS204 store-first-origin-match"),
            "{}",
            found[0]
        );
        assert!(
            found[0].contains("rule 1 matches the same origins first"),
            "{}",
            found[0]
        );
    }
}

#[test]
fn no_rules_on_wasabi_warns_that_its_default_applies() {
    let text = "version: 1\naccounts:\n  - name: store\n    provider: wasabi\nbuckets:\n  - name: assets\n    cors_rules: []\n";
    let found = lints(text);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].contains("CS205 store-default-cors: bucket `assets` has `cors_rules: []` on Wasabi, where its default CORS configuration applies"), "{}", found[0]);
}

#[test]
fn a_role_is_refused_outside_aws_at_its_position() {
    let text = "version: 1\naccounts:\n  - name: store\n    provider: r2\n    role_arn: arn:aws:iam::111111111111:role/x\nbuckets: []\n";
    assert_eq!(
        errors(text),
        ["m.yaml:5:15: error: `role_arn` is AWS's; Cloudflare R2 has no roles to assume\n  help: give the account's keys through `profile:` or the environment"]
    );
}

#[test]
fn id_is_optional_outside_aws_and_required_on_it() {
    let r2 = "version: 1\naccounts:\n  - name: store\n    provider: r2\n    profile: r2\n    endpoint_url: https://abc.r2.cloudflarestorage.com\nbuckets: []\n";
    let manifest = load_str(Path::new("m.yaml"), r2).expect("valid");
    assert_eq!(manifest.accounts[0].provider, Provider::R2);
    assert_eq!(manifest.accounts[0].id, None);
    assert_eq!(
        manifest.accounts[0].endpoint_url.as_deref(),
        Some("https://abc.r2.cloudflarestorage.com")
    );
    let aws = "version: 1\naccounts:\n  - name: prod\n    profile: prod\nbuckets: []\n";
    let found = errors(aws);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0]
            .starts_with("m.yaml:3:5: error: an AWS account is missing the required field `id`"),
        "{}",
        found[0]
    );
}

#[test]
fn an_unknown_provider_is_named_with_the_closest() {
    let text = "version: 1\naccounts:\n  - name: store\n    provider: seaweed\nbuckets: []\n";
    let found = errors(text);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].starts_with(
            "m.yaml:4:15: error: `seaweed` is not a provider cors-sync knows (aws, r2, spaces"
        ),
        "{}",
        found[0]
    );
    assert!(
        found[0].contains("did you mean `seaweedfs`?"),
        "{}",
        found[0]
    );
}

#[test]
fn a_distribution_in_an_account_not_on_aws_is_an_error() {
    let text = "version: 1\naccounts:\n  - name: store\n    provider: seaweedfs\n    endpoint_url: http://127.0.0.1:8333\ndistributions:\n  - id: E123456789ABCD\n    behaviors:\n      default:\n        cache_policy: Managed-CachingOptimized\n";
    let found = errors(text);
    assert!(
        found.iter().any(|e| e.starts_with("m.yaml:7:5: error: distribution `E123456789ABCD` is CloudFront's, but its account (account `store`) is on SeaweedFS")),
        "{found:?}"
    );
}

mod preflight {
    use cors_sync_core::bucket_cors::{BucketCors, CorsRule};
    use cors_sync_core::evaluate::s3::{evaluate, evaluate_on, Stored};
    use cors_sync_core::evaluate::Request;
    use cors_sync_core::provider::Provider;

    /// The configuration the answers below were measured with against SeaweedFS 4.48.
    fn measured() -> BucketCors {
        BucketCors::new(vec![
            CorsRule {
                allowed_headers: vec!["x-amz-*".into(), "content-type".into()],
                expose_headers: vec!["ETag".into()],
                max_age_seconds: Some(600),
                ..CorsRule::allowing(&["https://a.example.com"], &["GET", "PUT"])
            },
            CorsRule::allowing(&["*"], &["GET"]),
        ])
    }

    fn answer(provider: Provider, request: &Request) -> (u16, Vec<(String, String)>) {
        let cors = measured();
        let response = evaluate_on(provider, Stored::Cors(&cors), request).response;
        let mut headers = response.headers;
        headers.sort();
        (response.status, headers)
    }

    fn headers(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        let mut all: Vec<(String, String)> = pairs
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect();
        all.sort();
        all
    }

    #[test]
    fn seaweedfs_answers_as_measured() {
        let sw = Provider::Seaweedfs;
        assert_eq!(
            answer(
                sw,
                &Request::preflight(
                    "https://a.example.com",
                    "PUT",
                    &["content-type", "x-amz-date"]
                )
            ),
            (
                200,
                headers(&[
                    ("Access-Control-Allow-Origin", "https://a.example.com"),
                    ("Access-Control-Allow-Methods", "GET, PUT"),
                    ("Access-Control-Allow-Headers", "content-type, x-amz-date"),
                    ("Access-Control-Max-Age", "600"),
                    ("Access-Control-Expose-Headers", "ETag"),
                    ("Vary", "Origin"),
                ])
            )
        );
        // The first rule matching the origin refuses DELETE: 200 with the origin alone, where
        // S3 goes on to rule 2 (which refuses too) and answers 403.
        let delete = Request::preflight("https://a.example.com", "DELETE", &[]);
        assert_eq!(
            answer(sw, &delete),
            (
                200,
                headers(&[
                    ("Access-Control-Allow-Origin", "https://a.example.com"),
                    ("Vary", "Origin")
                ])
            )
        );
        assert_eq!(answer(Provider::Aws, &delete).0, 403);
        // A `*` rule echoes the origin, sends the max age it read back as 0, and (without
        // AllowedHeaders) lets any header through.
        assert_eq!(
            answer(
                sw,
                &Request::preflight("https://b.example.com", "GET", &["x-custom"])
            ),
            (
                200,
                headers(&[
                    ("Access-Control-Allow-Origin", "https://b.example.com"),
                    ("Access-Control-Allow-Methods", "GET"),
                    ("Access-Control-Allow-Headers", "x-custom"),
                    ("Access-Control-Max-Age", "0"),
                    ("Vary", "Origin"),
                ])
            )
        );
        // Rule 1 matches the origin and refuses x-custom: rule 2, which S3 would reach, is not.
        let custom = Request::preflight("https://a.example.com", "GET", &["x-custom"]);
        assert_eq!(answer(sw, &custom).0, 200);
        assert_eq!(answer(sw, &custom).1.len(), 2);
        assert_eq!(answer(Provider::Aws, &custom).0, 403);
    }

    #[test]
    fn seaweedfs_judges_the_request_itself_by_full_match_and_answers_a_post_to_any_origin() {
        let cors = BucketCors::new(vec![
            CorsRule::allowing(&["*"], &["GET", "POST"]),
            CorsRule::allowing(&["http://*.test:1"], &["GET", "HEAD"]),
        ]);
        let sw = |request: &Request| {
            evaluate_on(Provider::Seaweedfs, Stored::Cors(&cors), request).response
        };
        // Measured: the HEAD itself gets rule 2's headers, though rule 1 matches the origin first.
        let head = sw(&Request::actual("http://o.test:1", "HEAD"));
        assert_eq!(
            head.header("Access-Control-Allow-Methods"),
            Some("GET, HEAD")
        );
        // Measured: a POST to an object gets 405 allowing any origin, whatever the rules say.
        let only_a = BucketCors::new(vec![CorsRule::allowing(
            &["https://a.example.com"],
            &["GET"],
        )]);
        let post = evaluate_on(
            Provider::Seaweedfs,
            Stored::Cors(&only_a),
            &Request::actual("http://z.test:1", "POST"),
        )
        .response;
        assert_eq!(post.status, 405);
        assert_eq!(post.header("Access-Control-Allow-Origin"), Some("*"));
        let on_aws = evaluate(
            Stored::Cors(&only_a),
            &Request::actual("http://z.test:1", "POST"),
        );
        assert_eq!(on_aws.response.header("Access-Control-Allow-Origin"), None);
    }

    #[test]
    fn garage_joins_the_rules_origins_and_matches_them_exactly() {
        let cors = BucketCors::new(vec![CorsRule::allowing(
            &["https://a.example.com", "https://*.example.org"],
            &["GET"],
        )]);
        let garage = |origin: &str| {
            evaluate_on(
                Provider::Garage,
                Stored::Cors(&cors),
                &Request::preflight(origin, "GET", &[]),
            )
            .response
        };
        assert_eq!(
            garage("https://a.example.com").header("Access-Control-Allow-Origin"),
            Some("https://a.example.com, https://*.example.org")
        );
        assert_eq!(garage("https://x.example.org").status, 403);
        let aws = evaluate(
            Stored::Cors(&cors),
            &Request::preflight("https://x.example.org", "GET", &[]),
        );
        assert_eq!(aws.response.status, 200);
    }
}
