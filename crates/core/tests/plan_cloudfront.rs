//! CloudFront planning as a pure function of manifest and live state: which behaviors change,
//! how policy references resolve, and which policies are created or updated.

use std::path::Path;

use cors_sync_core::cloudfront::behavior::{BehaviorPath, BehaviorSettings};
use cors_sync_core::cloudfront::distribution::LiveDistribution;
use cors_sync_core::cloudfront::policies::{
    CorsPolicy, LiveCachePolicy, LiveOriginRequestPolicy, LiveResponseHeadersPolicy,
    OriginRequestHeaders, PolicyRef,
};
use cors_sync_core::manifest::load_str;
use cors_sync_core::plan::{
    plan, policy_listings_needed, Action, Change, LiveState, PolicyListings,
};
use cors_sync_core::render::{json_plan, text_plan};

const CACHING_OPTIMIZED: &str = "658327ea-f89d-4fab-a63d-7e88639e58f6";

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

fn legacy(headers: &[&str]) -> BehaviorSettings {
    BehaviorSettings {
        forward_headers: Some(strings(headers)),
        allowed_methods: strings(&["GET", "HEAD"]),
        cached_methods: strings(&["GET", "HEAD"]),
        cache_policy: None,
        origin_request_policy: None,
        response_headers_policy: None,
    }
}

fn policy_based(origin_request: Option<&str>) -> BehaviorSettings {
    BehaviorSettings {
        forward_headers: None,
        cache_policy: Some(PolicyRef::by_id(CACHING_OPTIMIZED)),
        origin_request_policy: origin_request.map(PolicyRef::by_id),
        ..legacy(&[])
    }
}

fn live(behaviors: Vec<(BehaviorPath, BehaviorSettings)>) -> LiveState {
    LiveState {
        distributions: vec![LiveDistribution {
            id: "EDIST".into(),
            domain_name: "d1.cloudfront.net".into(),
            aliases: Vec::new(),
            origin_domains: vec!["assets.s3.amazonaws.com".into()],
            behaviors,
            etag: None,
            behavior_origins: vec![],
        }],
        ..LiveState::default()
    }
}

fn manifest(text: &str) -> cors_sync_core::manifest::Manifest {
    load_str(Path::new("m.yaml"), &format!("version: 1\n{text}")).unwrap()
}

const FONTS: &str = "/fonts/*";

fn fonts() -> BehaviorPath {
    BehaviorPath::Pattern(FONTS.into())
}

#[test]
fn header_case_and_order_and_unmanaged_fields_are_no_change() {
    let m = manifest(
        "distributions:\n  - id: EDIST\n    behaviors:\n      default:\n        forward_headers: [origin, ACCESS-CONTROL-REQUEST-METHOD]\n        allowed_methods: [HEAD, GET]\n",
    );
    let state = live(vec![(
        BehaviorPath::Default,
        legacy(&["Access-Control-Request-Method", "Origin"]),
    )]);
    assert!(plan(&m, &state).unwrap().is_empty());
}

#[test]
fn only_managed_fields_change_in_the_planned_after() {
    let m = manifest("distributions:\n  - id: EDIST\n    behaviors:\n      default:\n        allowed_methods: [GET, HEAD, OPTIONS]\n");
    let mut before = legacy(&["Origin"]);
    before.response_headers_policy = Some(PolicyRef::by_id("60669652-455b-4ae9-85a4-c4c02393f86c"));
    let result = plan(&m, &live(vec![(BehaviorPath::Default, before.clone())])).unwrap();
    let Change::Distribution { behaviors, .. } = &result.changes[0].change else {
        panic!("not a distribution change")
    };
    let expected_after = BehaviorSettings {
        allowed_methods: strings(&["GET", "HEAD", "OPTIONS"]),
        ..before.clone()
    };
    assert_eq!(behaviors[0].before, before);
    assert_eq!(behaviors[0].after, expected_after);
    assert_eq!(behaviors[0].migration, None);
}

#[test]
fn declared_policies_are_created_updated_or_left_alone() {
    let m = manifest(
        r#"origin_request_policies:
  - name: new-orp
    headers: [Origin]
  - name: same-orp
    headers: [origin]
  - name: changed-orp
    headers: [Origin, Access-Control-Request-Method]
response_headers_policies:
  - name: cors-less
    cors:
      allow_origins: ["*"]
      allow_methods: [GET]
      allow_credentials: false
      origin_override: true
"#,
    );
    let state = LiveState {
        origin_request_policies: vec![
            LiveOriginRequestPolicy {
                id: "id-same".into(),
                name: "same-orp".into(),
                headers: OriginRequestHeaders::whitelist(strings(&["Origin"])),
            },
            LiveOriginRequestPolicy {
                id: "id-changed".into(),
                name: "changed-orp".into(),
                headers: OriginRequestHeaders::whitelist(strings(&["Origin"])),
            },
            LiveOriginRequestPolicy {
                id: "id-other".into(),
                name: "not-in-manifest".into(),
                headers: OriginRequestHeaders::whitelist(vec![]),
            },
        ],
        response_headers_policies: vec![LiveResponseHeadersPolicy {
            id: "id-rhp".into(),
            name: "cors-less".into(),
            cors: None,
        }],
        ..LiveState::default()
    };
    let result = plan(&m, &state).unwrap();
    let summary: Vec<(String, Action)> = result
        .changes
        .iter()
        .map(|c| (c.change.address().to_string(), c.change.action()))
        .collect();
    assert_eq!(
        summary,
        [
            ("origin_request_policy.new-orp".to_string(), Action::Create),
            (
                "origin_request_policy.changed-orp".to_string(),
                Action::Update
            ),
            (
                "response_headers_policy.cors-less".to_string(),
                Action::Update
            ),
        ],
        "a policy the manifest does not declare is never changed"
    );
    insta::assert_snapshot!(text_plan::render(&result, text_plan::Colour::Never), @r#"
    cors-sync will perform the following actions:

      + origin_request_policy.new-orp: origin request policy will be created
          --- live (no such policy)
          +++ manifest
          @@ -0,0 +1,2 @@
          +header_behavior: whitelist
          +headers: [Origin]

      ~ origin_request_policy.changed-orp: origin request policy will be updated
          --- live
          +++ manifest
          @@ -1,2 +1,2 @@
           header_behavior: whitelist
          -headers: [Origin]
          +headers: [Access-Control-Request-Method, Origin]

      ~ response_headers_policy.cors-less: response headers policy will be updated
          --- live
          +++ manifest
          @@ -1 +1,6 @@
          -cors: null
          +allow_origins: ["*"]
          +allow_methods: [GET]
          +allow_headers: []
          +expose_headers: []
          +allow_credentials: false
          +origin_override: true

    Plan: 1 to create, 2 to update, 0 to delete.
    "#);
}

#[test]
fn references_resolve_to_managed_declared_account_or_raw_ids() {
    let m = manifest(
        r#"distributions:
  - id: EDIST
    behaviors:
      default:
        cache_policy: my-cache
        origin_request_policy: to-create
        response_headers_policy: 11111111-2222-3333-4444-555555555555
origin_request_policies:
  - name: to-create
    headers: [Origin]
"#,
    );
    assert_eq!(
        policy_listings_needed(&m),
        PolicyListings {
            cache: true,
            origin_request: true,
            response_headers: false
        }
    );
    let mut state = live(vec![(BehaviorPath::Default, policy_based(None))]);
    state.cache_policies = vec![LiveCachePolicy {
        id: "cache-id".into(),
        name: "my-cache".into(),
    }];
    let result = plan(&m, &state).unwrap();
    let Change::Distribution { behaviors, .. } = &result.changes[1].change else {
        panic!("not a distribution change")
    };
    let after = &behaviors[0].after;
    assert_eq!(
        after.cache_policy,
        Some(PolicyRef {
            id: Some("cache-id".into()),
            name: Some("my-cache".into())
        })
    );
    assert_eq!(
        after.origin_request_policy,
        Some(PolicyRef {
            id: None,
            name: Some("to-create".into())
        })
    );
    assert_eq!(
        after.response_headers_policy,
        Some(PolicyRef {
            id: Some("11111111-2222-3333-4444-555555555555".into()),
            name: None
        })
    );
    insta::assert_snapshot!(json_plan::render(&result), @r#"
    {
      "format_version": 1,
      "changes": [
        {
          "address": "origin_request_policy.to-create",
          "action": "create",
          "id": null,
          "before": null,
          "after": {
            "header_behavior": "whitelist",
            "headers": [
              "Origin"
            ]
          }
        },
        {
          "address": "cloudfront_distribution.EDIST",
          "action": "update",
          "before": {
            "behaviors": {
              "default": {
                "forward_headers": null,
                "allowed_methods": [
                  "GET",
                  "HEAD"
                ],
                "cached_methods": [
                  "GET",
                  "HEAD"
                ],
                "cache_policy": {
                  "name": "Managed-CachingOptimized",
                  "id": "658327ea-f89d-4fab-a63d-7e88639e58f6"
                },
                "origin_request_policy": null,
                "response_headers_policy": null
              }
            }
          },
          "after": {
            "behaviors": {
              "default": {
                "forward_headers": null,
                "allowed_methods": [
                  "GET",
                  "HEAD"
                ],
                "cached_methods": [
                  "GET",
                  "HEAD"
                ],
                "cache_policy": {
                  "name": "my-cache",
                  "id": "cache-id"
                },
                "origin_request_policy": {
                  "name": "to-create",
                  "id": null
                },
                "response_headers_policy": {
                  "name": null,
                  "id": "11111111-2222-3333-4444-555555555555"
                }
              }
            }
          },
          "notes": []
        }
      ],
      "summary": {
        "create": 1,
        "update": 1,
        "delete": 0
      }
    }
    "#);
}

#[test]
fn an_unknown_policy_name_is_an_error_at_its_behavior() {
    let m = manifest("distributions:\n  - id: EDIST\n    behaviors:\n      \"/fonts/*\":\n        origin_request_policy: nowhere\n");
    let error = plan(
        &m,
        &live(vec![
            (BehaviorPath::Default, legacy(&[])),
            (fonts(), policy_based(None)),
        ]),
    )
    .unwrap_err();
    insta::assert_snapshot!(error.to_string(), @"m.yaml:5:7: error: distribution EDIST behavior `/fonts/*`: no origin request policy named `nowhere`: it is not AWS-managed, declared in the manifest, or in the account");
}

#[test]
fn methods_that_would_leave_cached_outside_allowed_are_an_error() {
    let m = manifest("distributions:\n  - id: EDIST\n    behaviors:\n      default:\n        allowed_methods: [GET, HEAD]\n");
    let mut current = legacy(&[]);
    current.allowed_methods = strings(&["GET", "HEAD", "OPTIONS"]);
    current.cached_methods = strings(&["GET", "HEAD", "OPTIONS"]);
    let error = plan(&m, &live(vec![(BehaviorPath::Default, current)])).unwrap_err();
    assert!(error.to_string().contains("cached methods [GET, HEAD, OPTIONS] would not be within allowed methods [GET, HEAD]; set `cached_methods` too"), "{error}");
}

#[test]
fn an_origin_request_policy_on_a_legacy_behavior_needs_a_cache_policy() {
    let m = manifest("distributions:\n  - id: EDIST\n    behaviors:\n      default:\n        origin_request_policy: Managed-CORS-S3Origin\n");
    let error = plan(
        &m,
        &live(vec![(BehaviorPath::Default, legacy(&["Origin"]))]),
    )
    .unwrap_err();
    assert!(
        error
            .to_string()
            .contains("an origin request policy needs a cache policy on the same behavior"),
        "{error}"
    );
}

#[test]
fn a_response_headers_policy_with_equal_cors_is_no_change() {
    let m = manifest(
        "response_headers_policies:\n  - name: p\n    cors:\n      allow_origins: [\"https://b\", \"https://a\"]\n      allow_methods: [GET, HEAD]\n      allow_headers: [X-Custom]\n      allow_credentials: true\n      origin_override: false\n",
    );
    let cors = CorsPolicy {
        allow_origins: strings(&["https://a", "https://b"]),
        allow_methods: strings(&["HEAD", "GET"]),
        allow_headers: strings(&["x-custom"]),
        expose_headers: vec![],
        allow_credentials: true,
        max_age_seconds: None,
        origin_override: false,
    };
    let state = LiveState {
        response_headers_policies: vec![LiveResponseHeadersPolicy {
            id: "i".into(),
            name: "p".into(),
            cors: Some(cors),
        }],
        ..LiveState::default()
    };
    assert!(plan(&m, &state).unwrap().is_empty());
}
