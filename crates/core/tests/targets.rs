//! `--target`: which addresses a manifest manages, the manifest cut down to the targeted ones
//! (with the declared policies a targeted distribution names), and the plan that says it is
//! partial.

use cors_sync_core::bucket_cors::{BucketCors, CorsRule};
use cors_sync_core::manifest::{load_str, Manifest};
use cors_sync_core::plan::{Address, Change, Plan};
use cors_sync_core::render::text_plan::{self, Colour};
use cors_sync_core::render::{json_plan, markdown_plan};

fn manifest() -> Manifest {
    let text = r#"version: 1
buckets:
  - name: assets
    cors_rules:
      - allowed_origins: ["https://www.example.com"]
        allowed_methods: [GET]
  - name: uploads
    cors_rules: []
distributions:
  - id: EDIST
    behaviors:
      default:
        response_headers_policy: site-cors
response_headers_policies:
  - name: site-cors
    cors:
      allow_origins: ["https://www.example.com"]
      allow_methods: [GET]
      allow_credentials: false
      origin_override: true
  - name: other-cors
    cors:
      allow_origins: ["https://other.example.com"]
      allow_methods: [GET]
      allow_credentials: false
      origin_override: true
"#;
    load_str(std::path::Path::new("m.yaml"), text).unwrap_or_else(|e| panic!("{e}"))
}

fn addresses(texts: &[&str]) -> Vec<Address> {
    texts.iter().map(|t| t.parse().unwrap()).collect()
}

#[test]
fn targets_parse_once_each_and_unknown_ones_name_the_likely_address() {
    let m = manifest();
    let given = |texts: &[&str]| {
        m.targets(&texts.iter().map(|t| t.to_string()).collect::<Vec<_>>())
            .map_err(|e| e.to_string())
    };
    assert_eq!(
        given(&[
            "s3_bucket.assets",
            "s3_bucket.assets",
            "cloudfront_distribution.EDIST"
        ]),
        Ok(addresses(&[
            "s3_bucket.assets",
            "cloudfront_distribution.EDIST"
        ]))
    );
    assert_eq!(
        given(&["s3_bucket.asets"]),
        Err("--target s3_bucket.asets: the manifest manages no such resource; did you mean `s3_bucket.assets`?".into())
    );
    assert_eq!(
        given(&["uploads"]),
        Err("--target `uploads` is not a resource address (write s3_bucket.NAME, cloudfront_distribution.ID, origin_request_policy.NAME or response_headers_policy.NAME); did you mean `s3_bucket.uploads`?".into())
    );
    assert_eq!(given(&[]), Ok(Vec::new()));
}

#[test]
fn a_targeted_manifest_keeps_only_its_targets_and_what_a_distribution_names() {
    let m = manifest();
    let bucket = m.targeted(&addresses(&["s3_bucket.uploads"]));
    assert_eq!(bucket.addresses(), addresses(&["s3_bucket.uploads"]));
    assert_eq!(bucket.digest, m.digest);
    // A distribution cannot be planned without the declared policy its behavior names.
    let distribution = m.targeted(&addresses(&["cloudfront_distribution.EDIST"]));
    assert_eq!(
        distribution.addresses(),
        addresses(&[
            "cloudfront_distribution.EDIST",
            "response_headers_policy.site-cors"
        ])
    );
    let policy = m.targeted(&addresses(&["response_headers_policy.other-cors"]));
    assert_eq!(
        policy.addresses(),
        addresses(&["response_headers_policy.other-cors"])
    );
}

#[test]
fn a_partial_plan_says_so_in_every_format() {
    let change = Change::BucketCors {
        bucket: "assets".into(),
        region: "eu-west-1".into(),
        before: BucketCors::none(),
        after: BucketCors::new(vec![CorsRule::allowing(&["https://a.example"], &["GET"])]),
    };
    let partial = Plan {
        targets: addresses(&["s3_bucket.assets", "s3_bucket.uploads"]),
        ..Plan::without_accounts([change])
    };
    let line = "This plan is partial (--target): only s3_bucket.assets, s3_bucket.uploads were read and planned; the manifest's other resources were not compared with live state.";
    assert!(text_plan::render(&partial, Colour::Never).ends_with(&format!("{line}\n")));
    let empty = Plan {
        targets: addresses(&["s3_bucket.assets"]),
        ..Plan::default()
    };
    insta::assert_snapshot!(text_plan::render(&empty, Colour::Never), @"
    No changes. Live CORS configuration matches the manifest.
    This plan is partial (--target): only s3_bucket.assets was read and planned; the manifest's other resources were not compared with live state.
    ");
    assert!(markdown_plan::render(&partial, &[], None)
        .contains(&format!("> **Partial plan.** {line}\n")));
    let document: serde_json::Value = serde_json::from_str(&json_plan::render(&partial)).unwrap();
    assert_eq!(
        document["targets"],
        serde_json::json!(["s3_bucket.assets", "s3_bucket.uploads"])
    );
    // A whole plan is as it always was: no line, no field.
    let whole = Plan {
        targets: Vec::new(),
        ..partial
    };
    assert!(!text_plan::render(&whole, Colour::Never).contains("partial"));
    assert!(!json_plan::render(&whole).contains("targets"));
}
