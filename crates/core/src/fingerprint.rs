//! A digest of the live state a plan was computed from, per resource, so that a saved plan can
//! tell whether what it would change has moved since. Digests cover what cors-sync manages (in
//! canonical form, so an equivalent re-read digests the same) and a distribution's ETag, which
//! moves on any change to it.

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::bucket_cors::BucketCors;
use crate::cloudfront::distribution::LiveDistribution;
use crate::cloudfront::policies::{LiveOriginRequestPolicy, LiveResponseHeadersPolicy};
use crate::normalize::for_display;

/// `sha256:<hex>` of a value's JSON.
pub fn sha256_of<T: Serialize>(value: &T) -> String {
    let json = serde_json::to_vec(value).unwrap_or_default();
    sha256_hex(&json)
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    sha256_text(Sha256::digest(bytes).as_slice())
}

/// `sha256:<hex>` of a digest already taken.
pub fn sha256_text(digest: &[u8]) -> String {
    format!("sha256:{}", hex::encode(digest))
}

pub fn bucket(region: &str, cors: &BucketCors) -> String {
    let canonical: Vec<_> = cors.rules.iter().map(for_display).collect();
    sha256_of(&(region, canonical))
}

pub fn distribution(distribution: &LiveDistribution) -> String {
    let behaviors: Vec<_> = distribution
        .behaviors
        .iter()
        .map(|(path, settings)| {
            let mut settings = settings.clone();
            let sort = |items: &mut Vec<String>| items.sort_by_key(|s| s.to_ascii_lowercase());
            if let Some(headers) = settings.forward_headers.as_mut() {
                sort(headers);
            }
            sort(&mut settings.allowed_methods);
            sort(&mut settings.cached_methods);
            // Names are filled in from listings that may or may not have been read; IDs identify.
            for policy in [
                &mut settings.cache_policy,
                &mut settings.origin_request_policy,
                &mut settings.response_headers_policy,
            ]
            .into_iter()
            .flatten()
            {
                policy.name = None;
            }
            (path.key().to_string(), settings)
        })
        .collect();
    sha256_of(&(&distribution.etag, behaviors))
}

pub fn origin_request_policy(policy: Option<&LiveOriginRequestPolicy>) -> String {
    sha256_of(&policy.map(|p| {
        let mut headers: Vec<String> = p
            .headers
            .headers
            .iter()
            .map(|h| h.to_ascii_lowercase())
            .collect();
        headers.sort();
        (&p.id, &p.headers.header_behavior, headers)
    }))
}

pub fn response_headers_policy(policy: Option<&LiveResponseHeadersPolicy>) -> String {
    sha256_of(&policy.map(|p| (&p.id, &p.cors)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bucket_cors::CorsRule;

    #[test]
    fn equivalent_bucket_states_digest_the_same_and_changes_do_not() {
        let rule = |methods: &[&str]| CorsRule {
            allowed_origins: vec!["*".into()],
            allowed_methods: methods.iter().map(|m| m.to_string()).collect(),
            ..CorsRule::default()
        };
        let a = bucket("eu-west-1", &BucketCors::new(vec![rule(&["GET", "PUT"])]));
        assert_eq!(
            a,
            bucket("eu-west-1", &BucketCors::new(vec![rule(&["PUT", "GET"])]))
        );
        assert_ne!(
            a,
            bucket("eu-west-1", &BucketCors::new(vec![rule(&["GET"])]))
        );
        assert_ne!(
            a,
            bucket("us-east-1", &BucketCors::new(vec![rule(&["GET", "PUT"])]))
        );
        assert!(a.starts_with("sha256:") && a.len() == 7 + 64);
    }
}
