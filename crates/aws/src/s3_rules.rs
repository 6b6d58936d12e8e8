//! The edge between the core's `BucketCors` and the SDK's types: the one place a bucket's rules
//! change shape, on the way out of GetBucketCors and on the way into PutBucketCors.

use aws_sdk_s3::error::BuildError;
use aws_sdk_s3::types::CorsConfiguration;
use cors_sync_core::bucket_cors::{BucketCors, CorsRule};

/// The rules GetBucketCors answered with.
pub fn from_sdk(rules: &[aws_sdk_s3::types::CorsRule]) -> BucketCors {
    BucketCors::new(rules.iter().map(rule_from_sdk).collect())
}

/// The configuration PutBucketCors sends for `cors`.
pub fn to_sdk(cors: &BucketCors) -> Result<CorsConfiguration, BuildError> {
    let rules = cors
        .rules
        .iter()
        .map(rule_to_sdk)
        .collect::<Result<Vec<_>, _>>()?;
    CorsConfiguration::builder()
        .set_cors_rules(Some(rules))
        .build()
}

fn rule_from_sdk(rule: &aws_sdk_s3::types::CorsRule) -> CorsRule {
    CorsRule {
        id: rule.id().map(str::to_string),
        allowed_origins: rule.allowed_origins().to_vec(),
        allowed_methods: rule.allowed_methods().to_vec(),
        allowed_headers: rule.allowed_headers().to_vec(),
        expose_headers: rule.expose_headers().to_vec(),
        max_age_seconds: rule.max_age_seconds(),
    }
}

fn rule_to_sdk(rule: &CorsRule) -> Result<aws_sdk_s3::types::CorsRule, BuildError> {
    let optional = |items: &[String]| (!items.is_empty()).then(|| items.to_vec());
    aws_sdk_s3::types::CorsRule::builder()
        .set_id(rule.id.clone())
        .set_allowed_origins(Some(rule.allowed_origins.clone()))
        .set_allowed_methods(Some(rule.allowed_methods.clone()))
        .set_allowed_headers(optional(&rule.allowed_headers))
        .set_expose_headers(optional(&rule.expose_headers))
        .set_max_age_seconds(rule.max_age_seconds)
        .build()
}
