//! Where a change is made, as plans name it: `s3_bucket.assets`, `cloudfront_distribution.E2Q…`.

use std::fmt;

use serde::{Deserialize, Serialize};

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

/// A resource across accounts: the account it is in (`None` when the manifest declares no
/// accounts) and what it is known by there (`Named`). Each kind's desired and live state are
/// joined by it, once, in `plan::plan`, each kind in a map of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ResourceKey<'a> {
    pub account: Option<&'a str>,
    pub name: &'a str,
}

impl<'a> ResourceKey<'a> {
    pub fn of(account: Option<&'a str>, resource: &'a impl Named) -> Self {
        ResourceKey {
            account,
            name: resource.name(),
        }
    }
}

/// What a resource is known by within its account: a bucket's or a policy's name, a
/// distribution's ID.
pub trait Named {
    fn name(&self) -> &str;
}

/// Each of `resources` by its key in `account`, built once: what desired and live state are
/// joined with. A search of the list per resource is quadratic (minutes for an account of
/// 100,000 buckets). The first of a key wins, as a search would find it.
pub fn by_key<'a, T: Named>(
    account: Option<&'a str>,
    resources: &'a [T],
) -> std::collections::HashMap<ResourceKey<'a>, &'a T> {
    let mut by_key = std::collections::HashMap::with_capacity(resources.len());
    for resource in resources {
        by_key
            .entry(ResourceKey::of(account, resource))
            .or_insert(resource);
    }
    by_key
}

/// Text that is not `<kind>.<name>` for a kind of resource cors-sync manages.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a resource address")]
pub struct NotAnAddress(pub String);

impl std::str::FromStr for Address {
    type Err = NotAnAddress;

    fn from_str(text: &str) -> Result<Self, NotAnAddress> {
        let not_one = || NotAnAddress(text.to_string());
        let (kind, name) = text.split_once('.').ok_or_else(not_one)?;
        let name = name.to_string();
        match kind {
            "s3_bucket" => Ok(Address::S3Bucket(name)),
            "cloudfront_distribution" => Ok(Address::CloudFrontDistribution(name)),
            "origin_request_policy" => Ok(Address::OriginRequestPolicy(name)),
            "response_headers_policy" => Ok(Address::ResponseHeadersPolicy(name)),
            _ => Err(not_one()),
        }
    }
}

impl<'de> Deserialize<'de> for Address {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bucket::Bucket;

    fn bucket(name: &str, region: &str) -> Bucket {
        Bucket {
            name: name.into(),
            region: region.into(),
            cors: Default::default(),
        }
    }

    #[test]
    fn a_key_holds_its_account_and_the_first_of_a_name_wins() {
        let read = [
            bucket("assets", "eu-west-1"),
            bucket("logs", "eu-west-1"),
            bucket("assets", "us-east-1"),
        ];
        let by_key = by_key(Some("prod"), &read);
        assert_eq!(by_key.len(), 2);
        let assets = ResourceKey {
            account: Some("prod"),
            name: "assets",
        };
        assert_eq!(by_key[&assets].region, "eu-west-1");
        // The same name in another account, or with no account declared, is another resource.
        for account in [Some("staging"), None] {
            let elsewhere = ResourceKey {
                account,
                name: "assets",
            };
            assert!(!by_key.contains_key(&elsewhere));
        }
    }
}
