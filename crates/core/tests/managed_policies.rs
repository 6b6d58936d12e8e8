//! Every AWS-managed policy: the table knows the common ones offline; a `Managed-` name outside
//! it is a warning, resolved by plan from AWS's own managed list; and what CloudFront refuses of
//! a response headers policy is caught before AWS sees it.

use std::path::Path;

use cors_sync_core::cloudfront::behavior::{BehaviorPath, BehaviorSettings};
use cors_sync_core::cloudfront::distribution::LiveDistribution;
use cors_sync_core::cloudfront::managed_policies;
use cors_sync_core::cloudfront::policies::{
    LiveOriginRequestPolicy, OriginRequestHeaders, PolicyKind, PolicyRef,
};
use cors_sync_core::lint;
use cors_sync_core::manifest::load_str;
use cors_sync_core::plan::{plan, Change, LiveState};

fn behavior_with(policy: &str) -> String {
    format!("version: 1\ndistributions:\n  - id: EDIST\n    behaviors:\n      default:\n        cache_policy: Managed-CachingOptimized\n        origin_request_policy: {policy}\n")
}

#[test]
fn the_table_knows_every_managed_policy_the_facts_list() {
    for (kind, name) in [
        (
            PolicyKind::OriginRequest,
            "Managed-AllViewerExceptHostHeader",
        ),
        (PolicyKind::OriginRequest, "Managed-AllViewer"),
        (PolicyKind::OriginRequest, "Managed-UserAgentRefererHeaders"),
        (PolicyKind::Cache, "Managed-UseOriginCacheControlHeaders"),
        (
            PolicyKind::Cache,
            "Managed-CachingOptimizedForUncompressedObjects",
        ),
        (PolicyKind::Cache, "Managed-Amplify"),
    ] {
        assert!(managed_policies::by_name(kind, name).is_some(), "{name}");
    }
    let known = load_str(
        Path::new("m.yaml"),
        &behavior_with("Managed-AllViewerExceptHostHeader"),
    )
    .unwrap();
    assert!(lint::manifest_lints(&known).is_empty());
}

#[test]
fn a_managed_name_outside_the_table_is_a_warning_and_plan_resolves_it_from_aws() {
    let manifest = load_str(
        Path::new("m.yaml"),
        &behavior_with("Managed-FutureHeaders-2027"),
    )
    .unwrap();
    let warnings: Vec<String> = lint::manifest_lints(&manifest)
        .iter()
        .map(ToString::to_string)
        .collect();
    insta::assert_snapshot!(warnings.join("\n"), @"
    m.yaml:5:7: warning: CS104 unknown-managed-policy: behavior default origin_request_policy `Managed-FutureHeaders-2027`: not in cors-sync's table of AWS-managed policies: plan resolves it from AWS's own list, and validate cannot check it
      help: check the name against `aws cloudfront list-*-policies --type managed`
    ");
    let settings = BehaviorSettings {
        forward_headers: None,
        allowed_methods: vec!["GET".into(), "HEAD".into()],
        cached_methods: vec!["GET".into(), "HEAD".into()],
        cache_policy: Some(PolicyRef::by_id("658327ea-f89d-4fab-a63d-7e88639e58f6")),
        origin_request_policy: None,
        response_headers_policy: None,
    };
    let live = LiveState {
        distributions: vec![LiveDistribution {
            id: "EDIST".into(),
            domain_name: "d.cloudfront.net".into(),
            aliases: Vec::new(),
            origin_domains: vec![],
            behaviors: vec![(BehaviorPath::Default, settings)],
            etag: None,
            behavior_origins: vec![],
        }],
        // AWS's managed list, read because the name is not in the table.
        origin_request_policies: vec![LiveOriginRequestPolicy {
            id: "future-id".into(),
            name: "Managed-FutureHeaders-2027".into(),
            headers: OriginRequestHeaders::whitelist(vec!["Origin".into()]),
        }],
        ..LiveState::default()
    };
    let planned = plan(&manifest, &live).unwrap();
    let Change::Distribution { behaviors, .. } = &planned.changes[0].change else {
        panic!("{planned:?}");
    };
    let reference = behaviors[0].after.origin_request_policy.as_ref().unwrap();
    assert_eq!(reference.id.as_deref(), Some("future-id"));
    // Not in AWS's list either: a clear error at the behavior.
    let error = plan(
        &manifest,
        &LiveState {
            origin_request_policies: vec![],
            ..live
        },
    )
    .unwrap_err();
    assert!(
        error
            .to_string()
            .contains("no origin request policy named `Managed-FutureHeaders-2027`"),
        "{error}"
    );
}

#[test]
fn what_cloudfront_refuses_of_a_response_headers_policy_is_caught_offline() {
    let policy = |origins: &str, headers: &str| {
        format!("version: 1\nresponse_headers_policies:\n  - name: fonts\n    cors:\n      allow_origins: [{origins}]\n      allow_methods: [GET]\n      allow_headers: [{headers}]\n      allow_credentials: true\n      origin_override: true\n")
    };
    let refused = load_str(
        Path::new("m.yaml"),
        &policy("\"https://a.example\"", "\"*\""),
    )
    .unwrap_err();
    insta::assert_snapshot!(refused.to_string(), @"
    m.yaml:7:23: error: `allow_headers` cannot contain `*` when `allow_credentials` is true: CloudFront refuses it
      help: list the headers, or set `allow_credentials: false`
    ");
    let any_origin = load_str(Path::new("m.yaml"), &policy("\"*\"", "x-a")).unwrap();
    let warnings: Vec<String> = lint::manifest_lints(&any_origin)
        .iter()
        .map(ToString::to_string)
        .collect();
    insta::assert_snapshot!(warnings.join("\n"), @"
    m.yaml:3:5: warning: CS105 credentials-with-any-origin: response headers policy `fonts` allows origin `*` with credentials: a browser refuses a credentialed answer with Access-Control-Allow-Origin: *, so requests with cookies fail
      help: list the origins that may send credentials
    ");
}

#[test]
fn a_plan_past_the_default_policy_quota_is_warned_about() {
    let declared: String = (0..3)
        .map(|i| format!("  - name: new-{i}\n    headers: [Origin]\n"))
        .collect();
    let manifest = load_str(
        Path::new("m.yaml"),
        &format!("version: 1\norigin_request_policies:\n{declared}"),
    )
    .unwrap();
    let live = LiveState {
        origin_request_policies: (0..18)
            .map(|i| LiveOriginRequestPolicy {
                id: format!("id-{i}"),
                name: format!("existing-{i}"),
                headers: OriginRequestHeaders::whitelist(vec![]),
            })
            .collect(),
        ..LiveState::default()
    };
    let warnings: Vec<String> = lint::policy_quota_lints(&manifest, &live)
        .iter()
        .map(ToString::to_string)
        .collect();
    insta::assert_snapshot!(warnings.join("\n"), @"
    m.yaml:3:5: warning: CS106 policy-quota: the plan creates 3 origin request policies where the account has 18: 21 in all: more custom policies of one kind than an account's default quota (20) allows: CloudFront will refuse the ones past it
      help: delete unused custom policies, or ask AWS to raise the quota
    ");
}
