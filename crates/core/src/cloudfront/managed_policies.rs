//! AWS-managed CloudFront policies. Their IDs are fixed by AWS, so names resolve without an API
//! call. Source: `shared/aws-cors-facts.md` (AWS-managed policies); the API lists their names with
//! the `Managed-` prefix, which is how a manifest names them.

use super::policies::{CorsPolicy, PolicyKind};

pub struct ManagedPolicy {
    pub name: &'static str,
    pub kind: PolicyKind,
    pub id: &'static str,
}

pub const MANAGED_POLICIES: &[ManagedPolicy] = &[
    ManagedPolicy {
        name: "Managed-CORS-S3Origin",
        kind: PolicyKind::OriginRequest,
        id: "88a5eaf4-2fd4-4709-b370-b4c650ea3fcf",
    },
    ManagedPolicy {
        name: "Managed-CORS-CustomOrigin",
        kind: PolicyKind::OriginRequest,
        id: "59781a5b-3903-41f3-afcb-af62929ccde1",
    },
    ManagedPolicy {
        name: "Managed-CachingOptimized",
        kind: PolicyKind::Cache,
        id: "658327ea-f89d-4fab-a63d-7e88639e58f6",
    },
    ManagedPolicy {
        name: "Managed-CachingDisabled",
        kind: PolicyKind::Cache,
        id: "4135ea2d-6df8-44a3-9df3-4b5a84be39ad",
    },
    ManagedPolicy {
        name: "Managed-SimpleCORS",
        kind: PolicyKind::ResponseHeaders,
        id: "60669652-455b-4ae9-85a4-c4c02393f86c",
    },
    ManagedPolicy {
        name: "Managed-CORS-With-Preflight",
        kind: PolicyKind::ResponseHeaders,
        id: "5cc3b908-e619-4b99-88e5-2cf7f45965bd",
    },
    ManagedPolicy {
        name: "Managed-CORS-and-SecurityHeadersPolicy",
        kind: PolicyKind::ResponseHeaders,
        id: "e61eb60c-9c35-4d20-a928-2b84e02af89c",
    },
    ManagedPolicy {
        name: "Managed-CORS-with-preflight-and-SecurityHeadersPolicy",
        kind: PolicyKind::ResponseHeaders,
        id: "eaab4381-ed33-4a86-88ca-d9558dc6cd63",
    },
    ManagedPolicy {
        name: "Managed-SecurityHeadersPolicy",
        kind: PolicyKind::ResponseHeaders,
        id: "67f7725c-6f97-4210-82d7-5512b31e9d03",
    },
];

/// The prefix AWS reserves for its own policies' names.
pub const MANAGED_PREFIX: &str = "Managed-";

/// The CORS configuration of the AWS-managed response headers policies that set one. Source: the
/// CloudFront developer guide's page on managed response headers policies (not re-checked here).
pub fn managed_cors(id: &str) -> Option<CorsPolicy> {
    let all_methods = ["GET", "DELETE", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"];
    let simple = || CorsPolicy {
        allow_origins: vec!["*".into()],
        allow_methods: vec!["GET".into(), "HEAD".into(), "OPTIONS".into()],
        allow_headers: vec![],
        expose_headers: vec![],
        allow_credentials: false,
        max_age_seconds: None,
        origin_override: false,
    };
    let with_preflight = || CorsPolicy {
        allow_methods: all_methods.iter().map(|m| m.to_string()).collect(),
        allow_headers: vec!["*".into()],
        expose_headers: vec!["*".into()],
        ..simple()
    };
    match by_id(id)?.name {
        "Managed-SimpleCORS" | "Managed-CORS-and-SecurityHeadersPolicy" => Some(simple()),
        "Managed-CORS-With-Preflight" | "Managed-CORS-with-preflight-and-SecurityHeadersPolicy" => {
            Some(with_preflight())
        }
        _ => None,
    }
}

/// The headers an AWS-managed origin request or cache policy sends to the origin (`*` for all).
pub fn managed_forwarded_headers(id: &str) -> Option<&'static [&'static str]> {
    match by_id(id)?.name {
        "Managed-CORS-S3Origin" => Some(&[
            "Origin",
            "Access-Control-Request-Headers",
            "Access-Control-Request-Method",
        ]),
        "Managed-CORS-CustomOrigin" => Some(&["Origin"]),
        "Managed-CachingOptimized" | "Managed-CachingDisabled" => Some(&[]),
        _ => None,
    }
}

pub fn by_name(kind: PolicyKind, name: &str) -> Option<&'static ManagedPolicy> {
    MANAGED_POLICIES
        .iter()
        .find(|p| p.kind == kind && p.name == name)
}

pub fn by_id(id: &str) -> Option<&'static ManagedPolicy> {
    MANAGED_POLICIES.iter().find(|p| p.id == id)
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
}
