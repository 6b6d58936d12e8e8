//! CloudFront policies a manifest can declare (origin request and response headers policies) or
//! reference (those and cache policies), and references to them from behaviors.

use std::fmt;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PolicyKind {
    Cache,
    OriginRequest,
    ResponseHeaders,
}

impl PolicyKind {
    pub fn field(self) -> &'static str {
        match self {
            PolicyKind::Cache => "cache_policy",
            PolicyKind::OriginRequest => "origin_request_policy",
            PolicyKind::ResponseHeaders => "response_headers_policy",
        }
    }

    /// How a sentence names the kind: "origin request" (policy).
    pub fn noun(self) -> &'static str {
        match self {
            PolicyKind::Cache => "cache",
            PolicyKind::OriginRequest => "origin request",
            PolicyKind::ResponseHeaders => "response headers",
        }
    }
}

/// A policy a behavior points at. `id` is absent only for a policy the manifest declares that does
/// not exist yet: it gets its ID when apply creates it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyRef {
    pub name: Option<String>,
    pub id: Option<String>,
}

impl PolicyRef {
    /// Same policy: compared by ID; a policy still to be created matches only itself by name.
    pub fn same_as(&self, other: &PolicyRef) -> bool {
        match (&self.id, &other.id) {
            (Some(a), Some(b)) => a == b,
            (None, None) => self.name == other.name,
            _ => false,
        }
    }
}

impl fmt::Display for PolicyRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.name, &self.id) {
            (Some(name), None) => write!(f, "{name} (to be created)"),
            (Some(name), Some(_)) => write!(f, "{name}"),
            (None, Some(id)) => write!(f, "{id}"),
            (None, None) => write!(f, "(unknown)"),
        }
    }
}

/// True for a string shaped like a CloudFront policy ID (a UUID), which a manifest may use as is.
pub fn looks_like_policy_id(text: &str) -> bool {
    let groups: Vec<&str> = text.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, len)| g.len() == len && g.chars().all(|c| c.is_ascii_hexdigit()))
}

/// What an origin request policy forwards, as far as cors-sync manages it: its header whitelist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OriginRequestHeaders {
    /// CloudFront's `HeaderBehavior`: `whitelist`, `none`, `allViewer`, ...
    pub header_behavior: String,
    #[serde(default)]
    pub headers: Vec<String>,
}

impl OriginRequestHeaders {
    pub fn whitelist(headers: Vec<String>) -> Self {
        let header_behavior = if headers.is_empty() {
            "none"
        } else {
            "whitelist"
        };
        OriginRequestHeaders {
            header_behavior: header_behavior.to_string(),
            headers,
        }
    }

    pub fn equivalent(&self, other: &Self) -> bool {
        self.header_behavior == other.header_behavior
            && header_set(&self.headers) == header_set(&other.headers)
    }
}

/// A response headers policy's CORS configuration, with the manifest's field names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CorsPolicy {
    pub allow_origins: Vec<String>,
    pub allow_methods: Vec<String>,
    #[serde(default)]
    pub allow_headers: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub expose_headers: Vec<String>,
    pub allow_credentials: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_age_seconds: Option<i32>,
    pub origin_override: bool,
}

impl CorsPolicy {
    /// Same CORS answer: lists are sets; header names compare case-insensitively.
    pub fn equivalent(&self, other: &Self) -> bool {
        let exact = |v: &[String]| v.iter().cloned().collect::<std::collections::BTreeSet<_>>();
        exact(&self.allow_origins) == exact(&other.allow_origins)
            && exact(&self.allow_methods) == exact(&other.allow_methods)
            && header_set(&self.allow_headers) == header_set(&other.allow_headers)
            && header_set(&self.expose_headers) == header_set(&other.expose_headers)
            && self.allow_credentials == other.allow_credentials
            && self.max_age_seconds == other.max_age_seconds
            && self.origin_override == other.origin_override
    }
}

/// Header names as a set: HTTP header names are case-insensitive.
pub fn header_set(headers: &[String]) -> std::collections::BTreeSet<String> {
    headers.iter().map(|h| h.to_ascii_lowercase()).collect()
}

/// An origin request policy the manifest declares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OriginRequestPolicySpec {
    pub name: String,
    pub headers: Vec<String>,
}

/// A response headers policy the manifest declares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResponseHeadersPolicySpec {
    pub name: String,
    pub cors: CorsPolicy,
}

/// A custom origin request policy as the account holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveOriginRequestPolicy {
    pub id: String,
    pub name: String,
    pub headers: OriginRequestHeaders,
}

/// A custom response headers policy as the account holds it; `cors` is absent when it sets no CORS headers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveResponseHeadersPolicy {
    pub id: String,
    pub name: String,
    pub cors: Option<CorsPolicy>,
}

/// A custom cache policy's name and ID (cors-sync only refers to cache policies).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveCachePolicy {
    pub id: String,
    pub name: String,
}

/// Policies are known by their names within an account (cors-sync finds declared ones by name).
macro_rules! known_by_name {
    ($($kind:ty),*) => {
        $(impl crate::address::Named for $kind {
            fn name(&self) -> &str {
                &self.name
            }
        })*
    };
}

known_by_name!(
    OriginRequestPolicySpec,
    ResponseHeadersPolicySpec,
    LiveOriginRequestPolicy,
    LiveResponseHeadersPolicy
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy_ids_are_uuids() {
        assert!(looks_like_policy_id("88a5eaf4-2fd4-4709-b370-b4c650ea3fcf"));
        assert!(!looks_like_policy_id("Managed-CORS-S3Origin"));
        assert!(!looks_like_policy_id("88a5eaf4-2fd4-4709-b370-b4c650ea3fc"));
    }

    #[test]
    fn references_compare_by_id_and_display_by_name() {
        let managed = PolicyRef::by_id("658327ea-f89d-4fab-a63d-7e88639e58f6");
        assert_eq!(managed.to_string(), "Managed-CachingOptimized");
        let raw = PolicyRef::by_id("11111111-2222-3333-4444-555555555555");
        assert_eq!(raw.to_string(), "11111111-2222-3333-4444-555555555555");
        let new = PolicyRef {
            id: None,
            name: Some("fonts-cors".into()),
        };
        assert_eq!(new.to_string(), "fonts-cors (to be created)");
        assert!(!new.same_as(&raw));
        assert!(new.same_as(&new.clone()));
    }
}
