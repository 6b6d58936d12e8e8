//! `cors-sync verify` against servers nobody here wrote: s3rver, whose preflights follow S3's
//! first-match algorithm with documented deviations, and moto, whose preflights do not; plus a
//! differential test of the evaluator against s3rver on generated rule sets.

use cors_sync_aws::connection::DEFAULT_ATTEMPT_TIMEOUT;
use cors_sync_aws::probe::Prober;
use cors_sync_core::bucket_cors::{BucketCors, CorsRule};
use cors_sync_core::evaluate::browser::judge;
use cors_sync_core::evaluate::s3::{evaluate, Stored};
use cors_sync_core::evaluate::Request;

use crate::support::emulator::s3rver;
use crate::support::random::Dice;
use crate::support::s3::{self, rule};
use crate::support::{bucket_manifest as manifest, cors_sync};

/// A rule set that exercises origins (exact and wildcard), methods, headers (exact, wildcard,
/// partial wildcard), max-age and expose headers, and first-match order.
fn rich_rules() -> Vec<CorsRule> {
    vec![
        CorsRule {
            id: Some("uploads".into()),
            allowed_origins: vec!["https://app.example.com".into()],
            allowed_methods: vec!["PUT".into(), "POST".into()],
            allowed_headers: vec!["content-type".into(), "x-amz-*".into()],
            expose_headers: vec!["ETag".into()],
            max_age_seconds: Some(600),
        },
        CorsRule {
            id: Some("reads".into()),
            allowed_origins: vec!["https://*.example.com".into()],
            allowed_methods: vec!["GET".into(), "HEAD".into()],
            allowed_headers: vec!["*".into()],
            ..CorsRule::default()
        },
        rule(&["*"], &["GET"]),
    ]
}

/// What s3rver is documented to do differently from AWS (`docs/aws-and-browsers.md`, the
/// emulators): a specific-origin match answered with `Access-Control-Allow-Origin: *` (so no
/// Allow-Credentials), and no Max-Age or Expose-Headers on preflight answers.
fn is_documented_s3rver_deviation(difference: &str) -> bool {
    difference.starts_with("Access-Control-Allow-Origin: predicted `https://")
        && difference.ends_with("endpoint `*`")
        || difference == "Access-Control-Allow-Credentials: predicted `true`, endpoint absent"
        || difference.starts_with("Access-Control-Max-Age: predicted `")
            && difference.ends_with("endpoint absent")
        || difference.starts_with("Access-Control-Expose-Headers: predicted `")
            && difference.ends_with("endpoint absent")
}

#[test]
fn verify_against_s3rver_reports_its_documented_deviations_and_nothing_else() {
    s3::s3rver_bucket("verify-rich", &rich_rules());
    let run = cors_sync()
        .manifest(&manifest("verify-rich", &rich_rules()))
        .endpoint(Some(&s3rver().endpoint))
        .run_with(&["verify", "-f", "manifest.yaml"]);
    run.code(2);
    // Its `*` for a specific origin (no Allow-Credentials) is a header deviation for requests
    // without credentials, and a wrong verdict exactly for those with them: a browser sending
    // cookies is refused where AWS lets it through.
    let verdicts: Vec<&str> = run
        .stdout
        .lines()
        .filter(|l| l.trim_start().starts_with("VERDICT"))
        .collect();
    assert!(!verdicts.is_empty(), "{}", run.stdout);
    for verdict in &verdicts {
        assert!(
            verdict.contains(", with credentials: ")
                && verdict.ends_with("predicted allowed (200), endpoint denied (200)"),
            "a verdict s3rver's documented deviation does not explain: {verdict}\n{}",
            run.stdout
        );
    }
    let differences: Vec<&str> = run
        .stdout
        .lines()
        .filter(|l| l.starts_with("            "))
        .map(str::trim)
        .collect();
    assert!(
        !differences.is_empty(),
        "s3rver's known deviations are reported, not hidden"
    );
    for difference in &differences {
        assert!(
            is_documented_s3rver_deviation(difference),
            "an undocumented difference from s3rver: {difference}\n{}",
            run.stdout
        );
    }
}

#[test]
fn verify_against_moto_reports_its_wrong_verdicts() {
    s3::create_bucket("verify-moto", "us-east-1");
    let rules = vec![rule(&["https://app.example.com"], &["GET"])];
    s3::put_cors("verify-moto", &rules);
    let run = cors_sync()
        .manifest(&manifest("verify-moto", &rules))
        .run_with(&["verify", "-f", "manifest.yaml"]);
    run.code(2);
    // moto matches origins by prefix, so the browser is let through where S3 refuses it...
    assert!(
        run.stdout.contains("VERDICT rule 1, origin just outside: GET from https://app.example.com.cors-sync-evil: predicted denied (403), endpoint allowed (200)"),
        "{}",
        run.stdout
    );
    // ...and it ignores the requested method: S3 refuses a PUT preflight, moto answers 200 (the
    // browser still stops because Allow-Methods lacks PUT, so only headers differ).
    assert!(run.stdout.contains("HEADERS rule 1, method not allowed: PUT from https://app.example.com: predicted denied (403), endpoint denied (200)"), "{}", run.stdout);
    // ...and its preflight answers carry no Access-Control-Allow-Credentials, so a request with
    // credentials that S3 lets through is refused.
    assert!(run.stdout.contains("VERDICT rule 1, with credentials: GET from https://app.example.com: predicted allowed (200), endpoint denied (200)"), "{}", run.stdout);
    assert!(
        run.stdout
            .contains("2 where the browser's verdict differs from the prediction"),
        "{}",
        run.stdout
    );
}

/// s3rver picks the first rule whose origin and method match and then checks the requested
/// headers against that rule alone (`matchRule` in s3rver's lib/models/config.js), where S3 goes
/// on to the first rule for which origin, method and headers all hold. A preflight that a later
/// rule allows is then refused by s3rver.
fn explained_by_s3rver_first_origin_and_method_rule(rules: &[CorsRule], request: &Request) -> bool {
    use cors_sync_core::evaluate::wildcard_matches;
    let origin = request.origin.as_deref().unwrap_or_default();
    let first = rules.iter().position(|r| {
        r.allowed_origins
            .iter()
            .any(|p| wildcard_matches(p, origin, false))
            && r.allowed_methods.contains(&request.method)
    });
    let headers_ok = |r: &CorsRule| {
        request.headers.iter().all(|h| {
            r.allowed_headers
                .iter()
                .any(|p| wildcard_matches(p, h, true))
        })
    };
    first.is_some_and(|i| !headers_ok(&rules[i]))
}

/// Some of `items` (each by a coin toss), at least `at_least` of them.
fn some(random: &mut Dice, items: &[&str], at_least: usize) -> Vec<String> {
    let mut chosen: Vec<String> = items
        .iter()
        .filter(|_| random.chance(2))
        .map(|s| s.to_string())
        .collect();
    while chosen.len() < at_least {
        chosen.push(random.pick(items).to_string());
    }
    chosen.dedup();
    chosen
}

const ORIGIN_PATTERNS: [&str; 5] = [
    "https://a.example",
    "https://*.example",
    "*",
    "http://a.example",
    "https://b.example",
];
const ORIGINS: [&str; 5] = [
    "https://a.example",
    "https://x.example",
    "http://a.example",
    "https://b.example",
    "https://evil.test",
];
const METHODS: [&str; 5] = ["GET", "PUT", "POST", "DELETE", "HEAD"];
const HEADER_PATTERNS: [&str; 3] = ["content-type", "x-custom", "*"];
const HEADERS: [&str; 3] = ["Content-Type", "X-Custom", "X-Other"];

#[test]
fn the_evaluator_agrees_with_s3rver_on_generated_rule_sets() {
    let mut random = Dice::seeded(0x5eed_c0de_1234_5678);
    let prober = Prober::new(DEFAULT_ATTEMPT_TIMEOUT);
    let runtime = tokio::runtime::Runtime::new().expect("a tokio runtime");
    let mut disagreements = Vec::new();
    let mut explained = 0;
    for case in 0..24 {
        let rules: Vec<CorsRule> = (0..1 + random.below(3))
            .map(|_| CorsRule {
                allowed_origins: some(&mut random, &ORIGIN_PATTERNS, 1),
                allowed_methods: some(&mut random, &METHODS, 1),
                allowed_headers: if random.chance(2) {
                    some(&mut random, &HEADER_PATTERNS, 1)
                } else {
                    vec![]
                },
                ..CorsRule::default()
            })
            .collect();
        let bucket = format!("differential-{case}");
        s3::s3rver_bucket(&bucket, &rules);
        let url = format!("{}/{bucket}/probe", s3rver().endpoint);
        for _ in 0..6 {
            let headers: Vec<&str> = if random.chance(2) {
                vec![*random.pick(&HEADERS)]
            } else {
                vec![]
            };
            let (origin, method) = (*random.pick(&ORIGINS), *random.pick(&METHODS));
            let request = Request::preflight(origin, method, &headers);
            let predicted =
                evaluate(Stored::Cors(&BucketCors::new(rules.clone())), &request).response;
            let observed = runtime
                .block_on(prober.send(&bucket, &url, &request))
                .unwrap_or_else(|e| panic!("s3rver: {e}"));
            let verdicts_differ =
                judge(&request, &predicted).passes != judge(&request, &observed).passes;
            if verdicts_differ && explained_by_s3rver_first_origin_and_method_rule(&rules, &request)
            {
                explained += 1;
            } else if verdicts_differ {
                disagreements.push(format!(
                    "case {case}: {request:?} on {rules:?}: predicted {}, s3rver {}",
                    predicted.status, observed.status
                ));
            }
        }
    }
    assert!(
        explained > 0,
        "the generated cases exercise s3rver's documented deviation"
    );
    assert_eq!(
        disagreements,
        Vec::<String>::new(),
        "every verdict disagreement must be fixed or documented"
    );
}

#[test]
fn verify_probes_distributions_with_the_cloudfront_model() {
    // s3rver holds the bucket; moto holds the distribution; s3rver also stands in for the
    // distribution's domain, so predictions for behaviors CloudFront would refuse stand out.
    let rules = vec![CorsRule {
        allowed_origins: vec!["https://app.example.com".into()],
        allowed_methods: vec!["GET".into()],
        allowed_headers: vec!["*".into()],
        ..CorsRule::default()
    }];
    s3::s3rver_bucket("verify-cdn", &rules);
    let id = crate::support::cloudfront::create_distribution("verify-cdn", "verify-cdn");
    let text = format!(
        "{}distributions:\n  - id: {id}\n    behaviors:\n      default:\n        forward_headers: [Origin, Access-Control-Request-Method, Access-Control-Request-Headers]\n        allowed_methods: [GET, HEAD, OPTIONS]\n        cached_methods: [GET, HEAD, OPTIONS]\n",
        manifest("verify-cdn", &rules)
    );
    let stand_in = format!("{}/verify-cdn", s3rver().endpoint);
    let run = cors_sync()
        .manifest(&text)
        .endpoint(None)
        .env("AWS_ENDPOINT_URL_S3", &s3rver().endpoint)
        .env(
            "AWS_ENDPOINT_URL_CLOUDFRONT",
            &crate::support::emulator().endpoint,
        )
        .run_with(&[
            "verify",
            "-f",
            "manifest.yaml",
            "--cloudfront-endpoint",
            &stand_in,
        ]);
    run.code(2);
    let section = |title: &str| -> String {
        let start = run
            .stdout
            .find(title)
            .unwrap_or_else(|| panic!("no section {title}:\n{}", run.stdout));
        let rest = &run.stdout[start..];
        rest[..rest[1..].find("\n\n").map_or(rest.len(), |i| i + 1)].to_string()
    };
    let default = section(&format!(
        "cloudfront_distribution.{id} behavior default (bucket verify-cdn):"
    ));
    // Only s3rver's documented `*` for a specific origin changes a verdict: for credentials.
    let wrong: Vec<&str> = default
        .lines()
        .filter(|l| l.trim_start().starts_with("VERDICT") && !l.contains(", with credentials: "))
        .collect();
    assert!(
        wrong.is_empty(),
        "the fixed behavior lets preflights through as predicted:\n{default}"
    );
    let fonts = section(&format!(
        "cloudfront_distribution.{id} behavior /fonts/* (bucket verify-cdn):"
    ));
    assert!(
        fonts.contains("VERDICT rule 1: GET from https://app.example.com with x-cors-sync-probe: predicted denied (403), endpoint allowed (200)"),
        "CloudFront would refuse OPTIONS on /fonts/*; the stand-in does not:\n{fonts}"
    );
}

#[test]
fn verify_names_a_distribution_it_cannot_read() {
    let text = format!("{}distributions:\n  - id: EVERIFYMISSING\n    behaviors:\n      default:\n        allowed_methods: [GET, HEAD]\n", manifest("verify-missing-cdn", &[rule(&["*"], &["GET"])]));
    let run = cors_sync()
        .manifest(&text)
        .run_with(&["verify", "-f", "manifest.yaml"]);
    run.code(1);
    assert!(
        run.stderr.contains("error: cloudfront_distribution.EVERIFYMISSING: ListDistributions failed: NoSuchDistribution"),
        "{}",
        run.stderr
    );
}
