//! Resolving a behavior's policies from what was read: the edge check and verify judge, and the
//! names import writes.

use cors_sync_core::cloudfront::behavior::{BehaviorPath, BehaviorSettings};
use cors_sync_core::cloudfront::distribution::LiveDistribution;
use cors_sync_core::cloudfront::policies::{
    CorsPolicy, LiveCachePolicy, LiveOriginRequestPolicy, LiveResponseHeadersPolicy,
    OriginRequestHeaders, PolicyRef,
};
use cors_sync_core::evaluate::cloudfront::Forwarded;
use cors_sync_core::evaluate::edge;
use cors_sync_core::import;
use cors_sync_core::manifest::Manifest;
use cors_sync_core::plan::{LiveState, PolicyListings};

const CACHING_OPTIMIZED: &str = "658327ea-f89d-4fab-a63d-7e88639e58f6";
const CORS_WITH_PREFLIGHT: &str = "5cc3b908-e619-4b99-88e5-2cf7f45965bd";

fn on_policies(orp: Option<&str>, rhp: Option<&str>) -> BehaviorSettings {
    BehaviorSettings {
        forward_headers: None,
        allowed_methods: vec!["GET".into(), "HEAD".into(), "OPTIONS".into()],
        cached_methods: vec!["GET".into(), "HEAD".into(), "OPTIONS".into()],
        cache_policy: Some(PolicyRef::by_id(CACHING_OPTIMIZED)),
        origin_request_policy: orp.map(PolicyRef::by_id),
        response_headers_policy: rhp.map(PolicyRef::by_id),
    }
}

fn cors() -> CorsPolicy {
    CorsPolicy {
        allow_origins: vec!["https://app.example.org".into()],
        allow_methods: vec!["GET".into()],
        allow_headers: vec![],
        expose_headers: vec![],
        allow_credentials: false,
        max_age_seconds: Some(600),
        origin_override: true,
    }
}

fn listed() -> LiveState {
    LiveState {
        origin_request_policies: vec![LiveOriginRequestPolicy {
            id: "orp-1".into(),
            name: "forward-all".into(),
            headers: OriginRequestHeaders {
                header_behavior: "allViewerAndWhitelistCloudFront".into(),
                headers: vec!["CloudFront-Viewer-Country".into()],
            },
        }],
        response_headers_policies: vec![LiveResponseHeadersPolicy {
            id: "rhp-1".into(),
            name: "app-cors".into(),
            cors: Some(cors()),
        }],
        cache_policies: vec![LiveCachePolicy {
            id: "cp-1".into(),
            name: "by-origin".into(),
        }],
        ..LiveState::default()
    }
}

#[test]
fn only_custom_policies_need_the_account_listings() {
    let manifest = Manifest::default();
    let managed = on_policies(
        Some("88a5eaf4-2fd4-4709-b370-b4c650ea3fcf"),
        Some(CORS_WITH_PREFLIGHT),
    );
    assert_eq!(
        edge::listings_needed([&managed], &manifest),
        PolicyListings::default()
    );
    let custom = on_policies(Some("orp-1"), Some("rhp-1"));
    assert_eq!(
        edge::listings_needed([&managed, &custom], &manifest),
        PolicyListings {
            cache: false,
            origin_request: true,
            response_headers: true
        }
    );
}

#[test]
fn a_listed_custom_policy_resolves_and_an_all_viewer_one_forwards_everything() {
    let settings = on_policies(Some("orp-1"), Some("rhp-1"));
    let (forwarded, policy) = edge::edge(&settings, &Manifest::default(), &listed()).unwrap();
    assert_eq!(
        forwarded,
        Forwarded {
            origin: true,
            request_method: true,
            request_headers: true
        }
    );
    assert_eq!(policy, Some(cors()));

    let managed = on_policies(None, Some(CORS_WITH_PREFLIGHT));
    let (forwarded, policy) = edge::edge(&managed, &Manifest::default(), &listed()).unwrap();
    assert!(!forwarded.origin, "CachingOptimized forwards no headers");
    assert_eq!(policy.map(|p| p.allow_headers), Some(vec!["*".to_string()]));
}

#[test]
fn a_custom_policy_missing_from_the_listing_is_an_error_not_a_guess() {
    let settings = on_policies(Some("orp-gone"), None);
    let error = edge::edge(&settings, &Manifest::default(), &listed()).unwrap_err();
    assert_eq!(
        error.to_string(),
        "origin request policy orp-gone is not among the account's custom origin request policies"
    );
}

fn distribution(settings: BehaviorSettings) -> LiveDistribution {
    LiveDistribution {
        id: "EDIST".into(),
        domain_name: "d1.cloudfront.net".into(),
        aliases: Vec::new(),
        origin_domains: vec![],
        behaviors: vec![(BehaviorPath::Default, settings)],
        etag: None,
        behavior_origins: vec![],
    }
}

#[test]
fn import_names_custom_policies_from_the_listings_and_writes_only_those_used() {
    let mut settings = on_policies(None, Some("rhp-1"));
    settings.cache_policy = Some(PolicyRef::by_id("cp-1"));
    let mut live = listed();
    live.distributions = vec![distribution(settings)];
    live.response_headers_policies
        .push(LiveResponseHeadersPolicy {
            id: "rhp-unused".into(),
            name: "unused".into(),
            cors: Some(cors()),
        });
    assert_eq!(
        import::listings_needed(&live.distributions),
        PolicyListings {
            cache: true,
            origin_request: false,
            response_headers: true
        }
    );
    import::name_policies(&mut live).unwrap();
    let behavior = &live.distributions[0].behaviors[0].1;
    assert_eq!(
        behavior
            .cache_policy
            .as_ref()
            .and_then(|r| r.name.as_deref()),
        Some("by-origin")
    );
    let manifest = import::manifest(&live, None);
    assert!(manifest.contains("cache_policy: by-origin"), "{manifest}");
    assert!(manifest.contains("- name: app-cors"), "{manifest}");
    assert!(!manifest.contains("unused"), "{manifest}");
}

#[test]
fn import_says_which_distribution_uses_a_policy_it_cannot_name() {
    let mut live = listed();
    live.distributions = vec![distribution(on_policies(Some("orp-gone"), None))];
    let errors = import::name_policies(&mut live).unwrap_err();
    let messages: Vec<String> = errors.iter().map(ToString::to_string).collect();
    assert_eq!(
        messages,
        ["cloudfront_distribution.EDIST: its origin_request_policy orp-gone is not among the account's custom policies"]
    );
}

#[test]
fn lints_and_edge_agree_that_an_all_viewer_policy_forwards_the_cors_headers() {
    let text = "version: 1\nbuckets:\n  - name: assets\n    cors_rules: []\ndistributions:\n  - id: EDIST\n    behaviors:\n      default:\n        allowed_methods: [GET, HEAD, OPTIONS]\n        cached_methods: [GET, HEAD, OPTIONS]\n        cache_policy: Managed-CachingOptimized\n        origin_request_policy: forward-all\n        response_headers_policy: Managed-CORS-With-Preflight\n";
    let manifest =
        cors_sync_core::manifest::load_str(std::path::Path::new("m.yaml"), text).unwrap();
    let mut live = listed();
    let mut now = on_policies(Some("orp-1"), Some(CORS_WITH_PREFLIGHT));
    now.origin_request_policy = Some(PolicyRef {
        id: Some("orp-1".into()),
        name: Some("forward-all".into()),
    });
    live.distributions = vec![LiveDistribution {
        behavior_origins: vec![(BehaviorPath::Default, "assets.s3.amazonaws.com".into())],
        ..distribution(now)
    }];
    let found: Vec<String> = cors_sync_core::lint::cloudfront_lints(&manifest, &live)
        .iter()
        .map(ToString::to_string)
        .collect();
    assert!(!found.iter().any(|d| d.contains("CS101")), "{found:?}");
    assert!(
        found.iter().any(|d| d.contains("CS103")),
        "Origin reaches S3 but is not in CachingOptimized's key: {found:?}"
    );
}
