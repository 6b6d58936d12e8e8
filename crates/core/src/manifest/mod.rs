//! The manifest: what a reviewed YAML file says the CORS state must be.
//!
//! Reading happens in three steps, each its own module: `yaml_tree` parses text into positioned
//! nodes, `decode` turns one file's nodes into the model while checking every field against what
//! AWS accepts, and `load` gathers the files of a path and checks them against each other.

pub mod accounts;
pub mod decode;
pub mod load;
pub mod schema;
pub mod targets;
pub mod yaml_tree;

pub use crate::account::{Account, AccountRef};
use crate::address::BucketKey;
use crate::bucket_cors::BucketCors;
use crate::cloudfront::distribution::DistributionSpec;
use crate::cloudfront::policies::{OriginRequestPolicySpec, ResponseHeadersPolicySpec};
use crate::diagnostic::SourceLocation;
use crate::provider::Provider;

/// The only manifest format version this build reads.
pub const MANIFEST_VERSION: i64 = 1;

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Manifest {
    /// `sha256:…` over every file read (path and content), to record what a plan was made from.
    pub digest: String,
    /// The accounts resources live in; empty when the manifest declares none.
    pub accounts: Vec<Account>,
    /// The store of resources in no declared account: AWS, or what `--provider` says.
    pub provider: Provider,
    pub buckets: Vec<BucketSpec>,
    pub distributions: Vec<DistributionSpec>,
    pub origin_request_policies: Vec<OriginRequestPolicySpec>,
    pub response_headers_policies: Vec<ResponseHeadersPolicySpec>,
}

/// One bucket whose CORS configuration the manifest manages.
#[derive(Debug, Clone, PartialEq)]
pub struct BucketSpec {
    pub name: String,
    /// When absent, the bucket's region is discovered from S3.
    pub region: Option<String>,
    /// The whole configuration, in S3 evaluation order. No rules means no CORS configuration.
    pub cors: BucketCors,
    /// Where the bucket entry starts, for messages about the bucket as a whole.
    pub location: SourceLocation,
    /// Where each rule starts, index for index with `cors.rules`.
    pub rule_locations: Vec<SourceLocation>,
    /// Lint codes silenced for this bucket, each with the reason given.
    pub silenced: Vec<(String, String)>,
    /// Its account, when the manifest declares accounts (resolved by `load`).
    pub account: Option<AccountRef>,
}

impl BucketSpec {
    /// The bucket across accounts: in the account the manifest gives it.
    pub fn key(&self) -> BucketKey<'_> {
        BucketKey {
            account: self.account.as_ref().map(|a| a.name.as_str()),
            name: &self.name,
        }
    }
}

impl Manifest {
    pub fn bucket(&self, name: &str) -> Option<&BucketSpec> {
        self.buckets.iter().find(|b| b.name == name)
    }

    /// The store a resource in `account` is on: the account's provider, else the manifest's.
    pub fn provider_of(&self, account: Option<&AccountRef>) -> Provider {
        account
            .and_then(|a| self.account(&a.name))
            .map_or(self.provider, |a| a.provider)
    }

    pub fn distribution(&self, id: &str) -> Option<&DistributionSpec> {
        self.distributions.iter().find(|d| d.id == id)
    }

    /// True when the manifest manages anything on CloudFront, so CloudFront must be read.
    pub fn uses_cloudfront(&self) -> bool {
        !(self.distributions.is_empty()
            && self.origin_request_policies.is_empty()
            && self.response_headers_policies.is_empty())
    }
}

pub use accounts::NotInPlay;
pub use load::{load, load_on, load_str};
