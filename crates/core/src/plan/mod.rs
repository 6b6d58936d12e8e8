//! The plan: the changes that make live state equal the manifest, a pure function of the two.

mod buckets;
mod cloudfront;

use std::fmt;

use serde::{Deserialize, Serialize};

pub use buckets::bucket_change;
pub use cloudfront::{desired_behavior, policy_listings_needed, PolicyListings};

use crate::bucket_cors::{BucketCors, CorsRule};
use crate::cloudfront::behavior::{BehaviorPath, BehaviorSettings};
use crate::cloudfront::distribution::LiveDistribution;
use crate::cloudfront::policies::{
    CorsPolicy, LiveCachePolicy, LiveOriginRequestPolicy, LiveResponseHeadersPolicy,
    OriginRequestHeaders,
};
use crate::diagnostic::Diagnostics;
use crate::manifest::Manifest;

/// A bucket's CORS as read from S3, in the region the bucket lives in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveBucket {
    pub name: String,
    pub region: String,
    pub cors: BucketCors,
}

/// Everything read from AWS that a plan is computed against.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LiveState {
    pub buckets: Vec<LiveBucket>,
    pub distributions: Vec<LiveDistribution>,
    /// The account's custom policies of each kind; read only when the manifest needs them
    /// (see `policy_listings_needed`).
    pub origin_request_policies: Vec<LiveOriginRequestPolicy>,
    pub response_headers_policies: Vec<LiveResponseHeadersPolicy>,
    pub cache_policies: Vec<LiveCachePolicy>,
}

/// The resource a change is made to; displayed as its plan address.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Address {
    S3Bucket(String),
    CloudFrontDistribution(String),
    OriginRequestPolicy(String),
    ResponseHeadersPolicy(String),
}

impl fmt::Display for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Address::S3Bucket(name) => write!(f, "s3_bucket.{name}"),
            Address::CloudFrontDistribution(id) => write!(f, "cloudfront_distribution.{id}"),
            Address::OriginRequestPolicy(name) => write!(f, "origin_request_policy.{name}"),
            Address::ResponseHeadersPolicy(name) => write!(f, "response_headers_policy.{name}"),
        }
    }
}

impl Serialize for Address {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl std::str::FromStr for Address {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        let (kind, name) = text
            .split_once('.')
            .ok_or_else(|| format!("`{text}` is not a resource address"))?;
        let name = name.to_string();
        match kind {
            "s3_bucket" => Ok(Address::S3Bucket(name)),
            "cloudfront_distribution" => Ok(Address::CloudFrontDistribution(name)),
            "origin_request_policy" => Ok(Address::OriginRequestPolicy(name)),
            "response_headers_policy" => Ok(Address::ResponseHeadersPolicy(name)),
            _ => Err(format!("`{text}` is not a resource address")),
        }
    }
}

impl<'de> Deserialize<'de> for Address {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    Create,
    Update,
    Delete,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    pub address: Address,
    pub action: Action,
    pub detail: ChangeDetail,
}

/// What changes, by kind of resource.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ChangeDetail {
    /// create: no configuration live → rules (PutBucketCors); update: rules differ (PutBucketCors,
    /// replacing the whole configuration); delete: rules live → `cors_rules: []` (DeleteBucketCors).
    BucketCors {
        /// Where the write goes.
        region: String,
        before: Option<Vec<CorsRule>>,
        after: Option<Vec<CorsRule>>,
    },
    /// Always an update: cors-sync changes behaviors, never creates or deletes distributions.
    Distribution { behaviors: Vec<BehaviorChange> },
    OriginRequestPolicy {
        /// Absent when the policy is to be created.
        id: Option<String>,
        before: Option<OriginRequestHeaders>,
        after: OriginRequestHeaders,
    },
    ResponseHeadersPolicy {
        id: Option<String>,
        /// `None` inside `Some` is a live policy that sets no CORS headers.
        before: Option<Option<CorsPolicy>>,
        after: CorsPolicy,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BehaviorChange {
    pub path: BehaviorPath,
    pub before: BehaviorSettings,
    pub after: BehaviorSettings,
    pub migration: Option<Migration>,
}

/// A switch between legacy cache settings and a cache policy, which other fields change with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Migration {
    /// ForwardedValues and the legacy MinTTL/DefaultTTL/MaxTTL are removed.
    ToCachePolicy,
    /// The cache and origin request policies are removed; ForwardedValues and CloudFront's
    /// default TTLs are set.
    ToLegacy,
}

impl Migration {
    pub fn describe(self, path: &BehaviorPath) -> String {
        match self {
            Migration::ToCachePolicy => format!(
                "behavior {path} moves from legacy ForwardedValues to a cache policy: the same update removes ForwardedValues and the legacy MinTTL/DefaultTTL/MaxTTL"
            ),
            Migration::ToLegacy => format!(
                "behavior {path} moves from its cache policy back to legacy settings: the same update removes the cache and origin request policies and sets ForwardedValues with CloudFront's default TTLs (0/86400/31536000 s)"
            ),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Plan {
    /// In apply order: buckets, then policies (so that behaviors can refer to them), then distributions.
    pub changes: Vec<Change>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Summary {
    pub create: usize,
    pub update: usize,
    pub delete: usize,
}

impl Plan {
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    pub fn summary(&self) -> Summary {
        let mut summary = Summary::default();
        for change in &self.changes {
            match change.action {
                Action::Create => summary.create += 1,
                Action::Update => summary.update += 1,
                Action::Delete => summary.delete += 1,
            }
        }
        summary
    }
}

/// The plan for everything the manifest names. Resources missing from `live` are skipped (the
/// reader reports why it could not read them). `Err` holds problems only live state reveals, such
/// as a behavior path the distribution does not have, each tied to its place in the manifest.
pub fn plan(manifest: &Manifest, live: &LiveState) -> Result<Plan, Diagnostics> {
    let mut changes: Vec<Change> = manifest
        .buckets
        .iter()
        .filter_map(|spec| {
            let current = live.buckets.iter().find(|l| l.name == spec.name)?;
            bucket_change(&spec.cors, current)
        })
        .collect();
    let mut diagnostics = Diagnostics::default();
    changes.extend(cloudfront::changes(manifest, live, &mut diagnostics));
    if diagnostics.has_errors() {
        diagnostics.sort();
        return Err(diagnostics);
    }
    Ok(Plan { changes })
}
