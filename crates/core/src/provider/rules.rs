//! What a store refuses, as validate errors at the manifest's positions: bucket CORS where the
//! store has none (MinIO community), limits tighter than S3's (B2's and R2's max age), values it
//! refuses (B2's empty origin), and CloudFront resources in an account that is not on AWS.

use super::{Behaviour, BucketCorsSupport, Provider};
use crate::diagnostic::Diagnostic;
use crate::manifest::Manifest;
use crate::s3_limits;

/// Every error the stores' rows find in a loaded manifest (each bucket judged by its own store's
/// row; a manifest without `accounts:` by `manifest.provider`).
pub fn manifest_problems(manifest: &Manifest) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    let provider_of = manifest.provider_lookup();
    for bucket in &manifest.buckets {
        let provider = provider_of(bucket.account.as_ref());
        let facts = provider.facts();
        // Even `cors_rules: []` is refused: there is no bucket setting to read or delete, and
        // some releases answer GetBucketCors with an empty document rather than an error.
        if let BucketCorsSupport::NotImplemented { alternative } = facts.bucket_cors {
            found.push(
                Diagnostic::error(
                    bucket.location.clone(),
                    format!(
                        "bucket `{}` is on {provider}, which has no bucket CORS: PutBucketCors answers NotImplemented",
                        bucket.name
                    ),
                )
                .with_help(Some(alternative.to_string())),
            );
            continue;
        }
        // S3's own limits are the schema's (`s3_limits`), reported while decoding; only a
        // store's tighter ones are checked here.
        let limits = &facts.limits;
        let s3 = &Provider::Aws.facts().limits;
        if limits.max_rules < s3.max_rules && bucket.cors.rules.len() > limits.max_rules {
            found.push(Diagnostic::error(
                bucket.location.clone(),
                format!(
                    "{} CORS rules; {provider} allows at most {}",
                    bucket.cors.rules.len(),
                    limits.max_rules
                ),
            ));
        }
        let bytes = s3_limits::configuration_xml_bytes(&bucket.cors.rules);
        if limits.max_document_bytes < s3.max_document_bytes && bytes > limits.max_document_bytes {
            found.push(Diagnostic::error(
                bucket.location.clone(),
                format!(
                    "the CORS configuration is {bytes} bytes as XML; {provider} allows at most {}",
                    limits.max_document_bytes
                ),
            ));
        }
        for (index, rule) in bucket.cors.rules.iter().enumerate() {
            let at = bucket.part_location(index);
            if let Some(seconds) = rule.max_age_seconds {
                let seconds_64 = i64::from(seconds);
                if s3.max_age_seconds.contains(&seconds_64)
                    && !limits.max_age_seconds.contains(&seconds_64)
                {
                    found.push(Diagnostic::error(
                        at.clone(),
                        format!(
                            "max_age_seconds {seconds} is outside what {provider} accepts ({} to {})",
                            limits.max_age_seconds.start(),
                            limits.max_age_seconds.end()
                        ),
                    ));
                }
            }
            if facts.has(Behaviour::EmptyOriginRefused)
                && rule.allowed_origins.iter().any(String::is_empty)
            {
                found.push(
                    Diagnostic::error(
                        at.clone(),
                        format!(
                            "an empty allowed origin: {provider} refuses it ({})",
                            Behaviour::EmptyOriginRefused.words()
                        ),
                    )
                    .with_help(Some("remove it".into())),
                );
            }
        }
    }
    let cloudfront = manifest
        .distributions
        .iter()
        .map(|d| ("distribution", d.id.as_str(), &d.account, &d.location))
        .chain(manifest.origin_request_policies.iter().map(|p| {
            (
                "origin request policy",
                p.name.as_str(),
                &p.account,
                &p.location,
            )
        }))
        .chain(manifest.response_headers_policies.iter().map(|p| {
            (
                "response headers policy",
                p.name.as_str(),
                &p.account,
                &p.location,
            )
        }));
    for (kind, name, account, location) in cloudfront {
        let provider = manifest.provider_of(account.as_ref());
        if provider != Provider::Aws {
            let place = account
                .as_ref()
                .map_or_else(String::new, |a| format!(" (account `{}`)", a.name));
            found.push(
                Diagnostic::error(
                    location.clone(),
                    format!("{kind} `{name}` is CloudFront's, but its account{place} is on {provider}"),
                )
                .with_help(Some(
                    "CloudFront resources live in an AWS account: declare one (`provider: aws`) and put them there".into(),
                )),
            );
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn problems(text: &str) -> Vec<String> {
        match crate::manifest::load_str(Path::new("m.yaml"), text) {
            Ok(manifest) => manifest_problems(&manifest)
                .into_iter()
                .map(|d| d.to_string())
                .collect(),
            Err(diagnostics) => diagnostics.0.iter().map(|d| d.to_string()).collect(),
        }
    }

    #[test]
    fn minio_refuses_bucket_cors_naming_the_server_wide_setting() {
        let found = problems(
            "version: 1\naccounts:\n  - name: lab\n    provider: minio\n    endpoint_url: http://127.0.0.1:9000\nbuckets:\n  - name: assets\n    cors_rules:\n      - allowed_origins: [\"https://a.example.com\"]\n        allowed_methods: [GET]\n",
        );
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].starts_with("m.yaml:7:5: error: bucket `assets` is on MinIO (community edition), which has no bucket CORS: PutBucketCors answers NotImplemented"), "{}", found[0]);
        assert!(
            found[0].contains("MINIO_API_CORS_ALLOW_ORIGIN"),
            "{}",
            found[0]
        );
    }

    #[test]
    fn minio_refuses_even_an_empty_rule_list() {
        let found = problems(
            "version: 1\naccounts:\n  - name: lab\n    provider: minio\nbuckets:\n  - name: assets\n    cors_rules: []\n",
        );
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].contains("has no bucket CORS"), "{}", found[0]);
    }

    #[test]
    fn b2_max_age_is_at_most_a_day_at_the_rules_position() {
        let found = problems(
            "version: 1\naccounts:\n  - name: b\n    provider: b2\nbuckets:\n  - name: assets\n    cors_rules:\n      - allowed_origins: [\"https://a.example.com\"]\n        allowed_methods: [GET]\n        max_age_seconds: 86401\n",
        );
        assert_eq!(
            found,
            ["m.yaml:8:9: error: max_age_seconds 86401 is outside what Backblaze B2 accepts (0 to 86400)"]
        );
    }
}
