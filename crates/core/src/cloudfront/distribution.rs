//! A distribution as the manifest names it and as CloudFront holds it.

use super::behavior::{BehaviorPath, BehaviorSettings, BehaviorSpec};
use crate::diagnostic::SourceLocation;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DistributionSpec {
    pub id: String,
    pub behaviors: Vec<BehaviorSpec>,
    pub location: SourceLocation,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveDistribution {
    pub id: String,
    /// The distribution's own domain (`d111.cloudfront.net`).
    pub domain_name: String,
    /// Domain names of its origins, e.g. `bucket.s3.eu-west-1.amazonaws.com`.
    pub origin_domains: Vec<String>,
    /// The default behavior first, then cache behaviors in CloudFront's order.
    pub behaviors: Vec<(BehaviorPath, BehaviorSettings)>,
    /// The config's ETag, when the read returned one (list pages may not).
    pub etag: Option<String>,
}

impl LiveDistribution {
    pub fn behavior(&self, path: &BehaviorPath) -> Option<&BehaviorSettings> {
        self.behaviors
            .iter()
            .find(|(p, _)| p == path)
            .map(|(_, s)| s)
    }

    pub fn paths(&self) -> Vec<String> {
        self.behaviors
            .iter()
            .map(|(p, _)| p.key().to_string())
            .collect()
    }
}
