//! A cache behavior's CORS-relevant settings, as live and as the manifest wants them.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::policies::{header_set, PolicyKind, PolicyRef};
use crate::diagnostic::SourceLocation;

/// Why a behavior cannot be made what the manifest says.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Unmakeable {
    #[error("no {} policy named `{name}`: it is not AWS-managed, declared in the manifest, or in the account", .kind.noun())]
    NoPolicyNamed { kind: PolicyKind, name: String },
    #[error("it uses cache policy {cache_policy}, and CloudFront rejects `forward_headers` (the legacy ForwardedValues whitelist) next to a cache policy; forward headers with `origin_request_policy` instead")]
    ForwardHeadersBesideCachePolicy { cache_policy: PolicyRef },
    #[error("cached methods [{}] would not be within allowed methods [{}]; set `cached_methods` too", .cached.join(", "), .allowed.join(", "))]
    CachedOutsideAllowed {
        cached: Vec<String>,
        allowed: Vec<String>,
    },
    #[error("an origin request policy needs a cache policy on the same behavior; set `cache_policy` too")]
    OriginRequestWithoutCachePolicy,
}

/// Which behavior: the distribution's default one, or a cache behavior by its path pattern.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(from = "String", into = "String")]
pub enum BehaviorPath {
    Default,
    Pattern(String),
}

impl BehaviorPath {
    /// The manifest's key for this behavior.
    pub fn key(&self) -> &str {
        match self {
            BehaviorPath::Default => "default",
            BehaviorPath::Pattern(pattern) => pattern,
        }
    }

    pub fn from_key(key: &str) -> Self {
        if key == "default" {
            BehaviorPath::Default
        } else {
            BehaviorPath::Pattern(key.to_string())
        }
    }
}

impl From<String> for BehaviorPath {
    fn from(key: String) -> Self {
        BehaviorPath::from_key(&key)
    }
}

impl From<BehaviorPath> for String {
    fn from(path: BehaviorPath) -> Self {
        path.key().to_string()
    }
}

impl fmt::Display for BehaviorPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

/// What cors-sync manages on a behavior. A behavior with a cache policy is policy-based; one
/// without is legacy, and its `ForwardedValues.Headers` whitelist is `forward_headers`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BehaviorSettings {
    /// `Some` on a legacy behavior (the whitelist, possibly empty); `None` on a policy-based one.
    pub forward_headers: Option<Vec<String>>,
    pub allowed_methods: Vec<String>,
    pub cached_methods: Vec<String>,
    pub cache_policy: Option<PolicyRef>,
    pub origin_request_policy: Option<PolicyRef>,
    pub response_headers_policy: Option<PolicyRef>,
}

impl BehaviorSettings {
    pub fn is_legacy(&self) -> bool {
        self.cache_policy.is_none()
    }

    /// Same behavior to CloudFront: header names case-insensitive, method lists as sets,
    /// policies by ID.
    pub fn equivalent(&self, other: &Self) -> bool {
        let methods = |m: &[String]| {
            m.iter()
                .map(|x| x.to_ascii_uppercase())
                .collect::<std::collections::BTreeSet<_>>()
        };
        let same_ref = |a: &Option<PolicyRef>, b: &Option<PolicyRef>| match (a, b) {
            (None, None) => true,
            (Some(a), Some(b)) => a.same_as(b),
            _ => false,
        };
        self.forward_headers.as_deref().map(header_set)
            == other.forward_headers.as_deref().map(header_set)
            && methods(&self.allowed_methods) == methods(&other.allowed_methods)
            && methods(&self.cached_methods) == methods(&other.cached_methods)
            && same_ref(&self.cache_policy, &other.cache_policy)
            && same_ref(&self.origin_request_policy, &other.origin_request_policy)
            && same_ref(
                &self.response_headers_policy,
                &other.response_headers_policy,
            )
    }
}

/// A legacy behavior's cache settings beyond its header whitelist: the rest of its
/// `ForwardedValues` and its legacy TTLs. A move to a cache policy removes them; the backup
/// journal keeps them as read just before that write, so a rollback puts them back exactly
/// instead of CloudFront's defaults.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LegacyCacheSettings {
    pub query_string: bool,
    /// `QueryStringCacheKeys`, when the behavior names some.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub query_string_cache_keys: Option<Vec<String>>,
    /// `Cookies.Forward`: `none`, `all` or `whitelist`.
    pub cookies: String,
    /// `Cookies.WhitelistedNames`, when the behavior names some.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cookie_names: Option<Vec<String>>,
    pub headers: Vec<String>,
    pub min_ttl: Option<i64>,
    pub default_ttl: Option<i64>,
    pub max_ttl: Option<i64>,
}

/// A manifest field that may be left out (not managed: the live value stays), set to null
/// (detach), or set.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Managed<T> {
    #[default]
    Unmanaged,
    Detach,
    Set(T),
}

/// What the manifest says about one behavior. Every field is optional: a field left out keeps its
/// live value exactly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BehaviorSpec {
    pub path: BehaviorPath,
    pub forward_headers: Option<Vec<String>>,
    pub allowed_methods: Option<Vec<String>>,
    pub cached_methods: Option<Vec<String>>,
    /// Policy fields hold the manifest's text: a managed name, a declared or account policy's
    /// name, or an ID. Resolution to IDs happens against live state.
    pub cache_policy: Managed<String>,
    pub origin_request_policy: Managed<String>,
    pub response_headers_policy: Managed<String>,
    pub location: SourceLocation,
    /// Set by rollback only (a manifest cannot say it): the legacy settings a move back to
    /// legacy restores, as the backup journal recorded them.
    pub restore_legacy: Option<LegacyCacheSettings>,
}
