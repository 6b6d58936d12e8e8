//! AWS-managed CloudFront policies. Their IDs are fixed by AWS, so names resolve without an API
//! call. Source: `docs/aws-and-browsers.md` (AWS-managed policies); the API lists their names with
//! the `Managed-` prefix, which is how a manifest names them.

use super::policies::{CorsPolicy, PolicyKind, PolicyRef};

/// One AWS-managed policy and everything cors-sync knows about it.
pub struct ManagedPolicy {
    pub name: &'static str,
    pub kind: PolicyKind,
    pub id: &'static str,
    /// The headers an origin request or cache policy sends to the origin (`*` for all); `None`
    /// for a response headers policy.
    pub forwards: Option<&'static [&'static str]>,
    /// The CORS configuration a response headers policy adds, if it adds one.
    pub cors: Option<ManagedCors>,
}

/// A managed response headers policy's CORS configuration. Source: the CloudFront developer
/// guide's page on managed response headers policies.
pub struct ManagedCors {
    pub allow_methods: &'static [&'static str],
    /// Also the exposed headers: both are `*` or both empty in every managed policy.
    pub allow_headers: &'static [&'static str],
}

const S3_ORIGIN_HEADERS: &[&str] = &[
    "Origin",
    "Access-Control-Request-Headers",
    "Access-Control-Request-Method",
];
const SIMPLE: ManagedCors = ManagedCors {
    allow_methods: &["GET", "HEAD", "OPTIONS"],
    allow_headers: &[],
};
const WITH_PREFLIGHT: ManagedCors = ManagedCors {
    allow_methods: &["GET", "DELETE", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"],
    allow_headers: &["*"],
};

const fn policy(
    name: &'static str,
    kind: PolicyKind,
    id: &'static str,
    forwards: Option<&'static [&'static str]>,
    cors: Option<ManagedCors>,
) -> ManagedPolicy {
    ManagedPolicy {
        name,
        kind,
        id,
        forwards,
        cors,
    }
}

use PolicyKind::{Cache, OriginRequest, ResponseHeaders};

#[rustfmt::skip]
pub const MANAGED_POLICIES: &[ManagedPolicy] = &[
    policy("Managed-CORS-S3Origin", OriginRequest, "88a5eaf4-2fd4-4709-b370-b4c650ea3fcf", Some(S3_ORIGIN_HEADERS), None),
    policy("Managed-CORS-CustomOrigin", OriginRequest, "59781a5b-3903-41f3-afcb-af62929ccde1", Some(&["Origin"]), None),
    policy("Managed-CachingOptimized", Cache, "658327ea-f89d-4fab-a63d-7e88639e58f6", Some(&[]), None),
    policy("Managed-CachingDisabled", Cache, "4135ea2d-6df8-44a3-9df3-4b5a84be39ad", Some(&[]), None),
    policy("Managed-SimpleCORS", ResponseHeaders, "60669652-455b-4ae9-85a4-c4c02393f86c", None, Some(SIMPLE)),
    policy("Managed-CORS-With-Preflight", ResponseHeaders, "5cc3b908-e619-4b99-88e5-2cf7f45965bd", None, Some(WITH_PREFLIGHT)),
    policy("Managed-CORS-and-SecurityHeadersPolicy", ResponseHeaders, "e61eb60c-9c35-4d20-a928-2b84e02af89c", None, Some(SIMPLE)),
    policy("Managed-CORS-with-preflight-and-SecurityHeadersPolicy", ResponseHeaders, "eaab4381-ed33-4a86-88ca-d9558dc6cd63", None, Some(WITH_PREFLIGHT)),
    policy("Managed-SecurityHeadersPolicy", ResponseHeaders, "67f7725c-6f97-4210-82d7-5512b31e9d03", None, None),
    // More in common use (IDs as AWS's CDK constants publish them). All viewer headers reach the
    // origin through the AllViewer family.
    policy("Managed-AllViewer", OriginRequest, "216adef6-5c7f-47e4-b989-5492eafa07d3", Some(&["*"]), None),
    policy("Managed-AllViewerExceptHostHeader", OriginRequest, "b689b0a8-53d0-40ab-baf2-68738e2966ac", Some(&["*"]), None),
    policy("Managed-AllViewerAndCloudFrontHeaders-2022-06", OriginRequest, "33f36d7e-f396-46d9-90e0-52428a34d9dc", Some(&["*"]), None),
    policy("Managed-UserAgentRefererHeaders", OriginRequest, "acba4595-bd28-49b8-b9fe-13317c0390fa", Some(&["User-Agent", "Referer"]), None),
    // Unverified: the headers these forward are taken as none of the CORS ones; AWS's own
    // policy lists are authoritative, and a plan reads them for a name outside this table.
    policy("Managed-Elemental-MediaTailor-PersonalizedManifests", OriginRequest, "775133bc-15f2-49f9-abea-afb2e0bf67d2", Some(&[]), None),
    policy("Managed-CachingOptimizedForUncompressedObjects", Cache, "b2884449-e4de-46a7-ac36-70bc7f1ddd6d", Some(&[]), None),
    policy("Managed-UseOriginCacheControlHeaders", Cache, "83da9c7e-98b4-4e11-a168-04f0df8e2c65", Some(&["Origin"]), None),
    policy("Managed-UseOriginCacheControlHeaders-QueryStrings", Cache, "4cc15a8a-d715-48a4-82b8-cc0b614638fe", Some(&["Origin"]), None),
    policy("Managed-Elemental-MediaPackage", Cache, "08627262-05a9-4f76-9ded-b50ca2e3a84f", Some(&["Origin"]), None),
    policy("Managed-Amplify", Cache, "2e54312d-136d-493c-8eb9-b001f22f67d2", Some(&["Authorization", "Host"]), None),
];

/// The prefix AWS reserves for its own policies' names.
pub const MANAGED_PREFIX: &str = "Managed-";

impl ManagedCors {
    /// As a policy's CORS configuration: every origin, no credentials, the origin's headers
    /// replaced only where the origin sets none.
    pub fn to_policy(&self) -> CorsPolicy {
        let strings = |items: &[&str]| items.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        CorsPolicy {
            allow_origins: vec!["*".into()],
            allow_methods: strings(self.allow_methods),
            allow_headers: strings(self.allow_headers),
            expose_headers: strings(self.allow_headers),
            allow_credentials: false,
            max_age_seconds: None,
            origin_override: false,
        }
    }
}

/// The CORS configuration of the AWS-managed response headers policy with this ID, if it sets one.
pub fn managed_cors(id: &str) -> Option<CorsPolicy> {
    by_id(id)?.cors.as_ref().map(ManagedCors::to_policy)
}

/// The headers an AWS-managed origin request or cache policy sends to the origin (`*` for all).
pub fn managed_forwarded_headers(id: &str) -> Option<&'static [&'static str]> {
    by_id(id)?.forwards
}

pub fn by_name(kind: PolicyKind, name: &str) -> Option<&'static ManagedPolicy> {
    MANAGED_POLICIES
        .iter()
        .find(|p| p.kind == kind && p.name == name)
}

pub fn by_id(id: &str) -> Option<&'static ManagedPolicy> {
    MANAGED_POLICIES.iter().find(|p| p.id == id)
}

impl PolicyRef {
    /// A reference to the policy with this ID, named when the ID is one of AWS's managed
    /// policies (here, beside the table, so the reference type need not know the table).
    pub fn by_id(id: &str) -> Self {
        PolicyRef {
            id: Some(id.to_string()),
            name: by_id(id).map(|p| p.name.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_resolve_only_within_their_kind() {
        assert_eq!(
            by_name(PolicyKind::OriginRequest, "Managed-CORS-S3Origin").map(|p| p.id),
            Some("88a5eaf4-2fd4-4709-b370-b4c650ea3fcf")
        );
        assert!(by_name(PolicyKind::Cache, "Managed-CORS-S3Origin").is_none());
        assert_eq!(
            by_id("658327ea-f89d-4fab-a63d-7e88639e58f6").map(|p| p.name),
            Some("Managed-CachingOptimized")
        );
    }

    #[test]
    fn every_managed_name_has_the_prefix_and_a_unique_id() {
        let mut ids: Vec<&str> = MANAGED_POLICIES.iter().map(|p| p.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), MANAGED_POLICIES.len());
        assert!(MANAGED_POLICIES
            .iter()
            .all(|p| p.name.starts_with(MANAGED_PREFIX)));
    }

    #[test]
    fn only_request_side_policies_forward_and_only_response_headers_policies_add_cors() {
        for policy in MANAGED_POLICIES {
            let response = policy.kind == PolicyKind::ResponseHeaders;
            assert_eq!(policy.forwards.is_none(), response, "{}", policy.name);
            assert!(response || policy.cors.is_none(), "{}", policy.name);
        }
        let preflight = managed_cors("5cc3b908-e619-4b99-88e5-2cf7f45965bd");
        assert_eq!(
            preflight.map(|c| c.expose_headers),
            Some(vec!["*".to_string()])
        );
        assert_eq!(managed_cors("67f7725c-6f97-4210-82d7-5512b31e9d03"), None);
    }
}
