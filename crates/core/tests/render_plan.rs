//! The text plan as users read it, for each kind of change, with and without colour.

use cors_sync_core::bucket_cors::{BucketCors, CorsRule};
use cors_sync_core::plan::{bucket_change, LiveBucket, Plan};
use cors_sync_core::render::text_plan::{render, Colour};

fn rule(id: Option<&str>, origins: &[&str], methods: &[&str]) -> CorsRule {
    CorsRule {
        id: id.map(str::to_string),
        allowed_origins: origins.iter().map(|s| s.to_string()).collect(),
        allowed_methods: methods.iter().map(|s| s.to_string()).collect(),
        ..CorsRule::default()
    }
}

fn live(name: &str, rules: Vec<CorsRule>) -> LiveBucket {
    LiveBucket {
        name: name.into(),
        region: "eu-west-1".into(),
        cors: BucketCors::new(rules),
    }
}

fn sample_plan() -> Plan {
    let first = rule(Some("app"), &["https://app.example"], &["GET", "PUT"]);
    let second = rule(None, &["*"], &["GET"]);
    let changes = [
        bucket_change(
            &BucketCors::new(vec![second.clone()]),
            &live("created", vec![]),
        ),
        // A new rule inserted first, and a method added to what is now the second rule.
        bucket_change(
            &BucketCors::new(vec![
                second.clone(),
                rule(
                    Some("app"),
                    &["https://app.example"],
                    &["PUT", "GET", "DELETE"],
                ),
            ]),
            &live("updated", vec![first.clone()]),
        ),
        bucket_change(&BucketCors::none(), &live("deleted", vec![first])),
    ];
    Plan {
        changes: changes.into_iter().flatten().collect(),
    }
}

#[test]
fn text_plan_shows_each_change_as_a_diff_and_a_summary() {
    insta::assert_snapshot!(render(&sample_plan(), Colour::Never), @r#"
    cors-sync will perform the following actions:

      + s3_bucket.created (eu-west-1): CORS configuration will be created
          --- live (no CORS configuration)
          +++ manifest
          @@ -0,0 +1,2 @@
          +- allowed_origins: ["*"]
          +  allowed_methods: [GET]

      ~ s3_bucket.updated (eu-west-1): CORS configuration will be updated
          --- live
          +++ manifest
          @@ -1,3 +1,5 @@
          +- allowed_origins: ["*"]
          +  allowed_methods: [GET]
           - id: app
             allowed_origins: ["https://app.example"]
          -  allowed_methods: [GET, PUT]
          +  allowed_methods: [DELETE, GET, PUT]

      - s3_bucket.deleted (eu-west-1): CORS configuration will be deleted
          --- live
          +++ manifest (no CORS configuration)
          @@ -1,3 +0,0 @@
          -- id: app
          -  allowed_origins: ["https://app.example"]
          -  allowed_methods: [GET, PUT]

    Plan: 1 to create, 1 to update, 1 to delete.
    "#);
}

#[test]
fn colour_marks_additions_removals_and_headers() {
    let coloured = render(&sample_plan(), Colour::Always);
    assert!(coloured.contains("\x1b[32m+- allowed_origins: [\"*\"]\x1b[0m"));
    assert!(coloured.contains("\x1b[31m-  allowed_methods: [GET, PUT]\x1b[0m"));
    assert!(coloured.contains("\x1b[33m~\x1b[0m \x1b[1ms3_bucket.updated\x1b[0m"));
    assert!(coloured.contains("\x1b[1mPlan: 1 to create, 1 to update, 1 to delete.\x1b[0m"));
    let plain = render(&sample_plan(), Colour::Never);
    assert!(!plain.contains('\x1b'));
}

#[test]
fn an_empty_plan_says_no_changes() {
    insta::assert_snapshot!(render(&Plan::default(), Colour::Never), @"No changes. Live CORS configuration matches the manifest.");
}
