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

/// A bucket across accounts: the account it is in (`None` when the manifest declares no
/// accounts) and its name. Desired and live state are joined by it, once, in `plan::plan`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct BucketKey<'a> {
    pub account: Option<&'a str>,
    pub name: &'a str,
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
