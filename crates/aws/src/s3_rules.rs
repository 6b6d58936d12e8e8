//! Converting CORS rules between the SDK's types and the core model.

use cors_sync_core::bucket_cors::CorsRule;

pub fn from_sdk(rule: &aws_sdk_s3::types::CorsRule) -> CorsRule {
    CorsRule {
        id: rule.id().map(str::to_string),
        allowed_origins: rule.allowed_origins().to_vec(),
        allowed_methods: rule.allowed_methods().to_vec(),
        allowed_headers: rule.allowed_headers().to_vec(),
        expose_headers: rule.expose_headers().to_vec(),
        max_age_seconds: rule.max_age_seconds(),
    }
}

pub fn to_sdk(rule: &CorsRule) -> Result<aws_sdk_s3::types::CorsRule, String> {
    let optional = |items: &[String]| (!items.is_empty()).then(|| items.to_vec());
    aws_sdk_s3::types::CorsRule::builder()
        .set_id(rule.id.clone())
        .set_allowed_origins(Some(rule.allowed_origins.clone()))
        .set_allowed_methods(Some(rule.allowed_methods.clone()))
        .set_allowed_headers(optional(&rule.allowed_headers))
        .set_expose_headers(optional(&rule.expose_headers))
        .set_max_age_seconds(rule.max_age_seconds)
        .build()
        .map_err(|e| e.to_string())
}
