//! Seeding and inspecting the emulator's buckets directly with the SDK, independent of cors-sync.

use std::sync::OnceLock;

use aws_sdk_s3::types::{BucketLocationConstraint, CorsConfiguration, CreateBucketConfiguration};
use cors_sync_core::bucket_cors::CorsRule;

use super::emulator::emulator;

pub fn runtime() -> &'static tokio::runtime::Runtime {
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .expect("test runtime")
    })
}

pub fn client(region: &str) -> aws_sdk_s3::Client {
    client_for(&emulator().endpoint, "test", region)
}

/// A client for s3rver, which accepts only its own fixed credentials.
pub fn s3rver_client() -> aws_sdk_s3::Client {
    client_for(
        &crate::support::emulator::s3rver().endpoint,
        "S3RVER",
        "us-east-1",
    )
}

/// A client for the signature-checking moto, with the credentials it accepts.
pub fn signature_checking_client(region: &str) -> aws_sdk_s3::Client {
    let emulator = crate::support::emulator::signature_checking();
    let (key, secret) = emulator
        .credentials
        .as_ref()
        .expect("the signature-checking emulator reports its credentials");
    client_with(&emulator.endpoint, key, secret, region)
}

fn client_for(endpoint: &str, key: &str, region: &str) -> aws_sdk_s3::Client {
    client_with(endpoint, key, key, region)
}

fn client_with(endpoint: &str, key: &str, secret: &str, region: &str) -> aws_sdk_s3::Client {
    client_as(
        endpoint,
        aws_sdk_s3::config::Credentials::new(key, secret, None, None, "tests"),
        region,
    )
}

/// An S3 client signing with `credentials` (another account's, say).
pub fn client_as(
    endpoint: &str,
    credentials: aws_sdk_s3::config::Credentials,
    region: &str,
) -> aws_sdk_s3::Client {
    let config = aws_sdk_s3::Config::builder()
        .behavior_version(aws_sdk_s3::config::BehaviorVersion::latest())
        .region(aws_sdk_s3::config::Region::new(region.to_string()))
        .endpoint_url(endpoint)
        .force_path_style(true)
        .credentials_provider(credentials)
        .build();
    aws_sdk_s3::Client::from_conf(config)
}

/// Creates a bucket and sets its CORS on s3rver.
pub fn s3rver_bucket(name: &str, rules: &[CorsRule]) {
    runtime().block_on(async {
        let client = s3rver_client();
        let _ = client.create_bucket().bucket(name).send().await;
        if rules.is_empty() {
            let _ = client.delete_bucket_cors().bucket(name).send().await;
            return;
        }
        client
            .put_bucket_cors()
            .bucket(name)
            .cors_configuration(configuration(rules))
            .send()
            .await
            .unwrap_or_else(|e| panic!("put cors {name} on s3rver: {e:?}"));
    });
}

fn configuration(rules: &[CorsRule]) -> CorsConfiguration {
    let rules: Vec<aws_sdk_s3::types::CorsRule> = rules
        .iter()
        .map(|r| {
            aws_sdk_s3::types::CorsRule::builder()
                .set_id(r.id.clone())
                .set_allowed_origins(Some(r.allowed_origins.clone()))
                .set_allowed_methods(Some(r.allowed_methods.clone()))
                .set_allowed_headers(
                    (!r.allowed_headers.is_empty()).then(|| r.allowed_headers.clone()),
                )
                .set_expose_headers(
                    (!r.expose_headers.is_empty()).then(|| r.expose_headers.clone()),
                )
                .set_max_age_seconds(r.max_age_seconds)
                .build()
                .expect("rule")
        })
        .collect();
    CorsConfiguration::builder()
        .set_cors_rules(Some(rules))
        .build()
        .expect("config")
}

pub fn create_bucket(name: &str, region: &str) {
    create_bucket_with(&client(region), name, region);
}

pub fn create_bucket_with(client: &aws_sdk_s3::Client, name: &str, region: &str) {
    runtime().block_on(async {
        let mut request = client.create_bucket().bucket(name);
        if region != "us-east-1" {
            request = request.create_bucket_configuration(
                CreateBucketConfiguration::builder()
                    .location_constraint(BucketLocationConstraint::from(region))
                    .build(),
            );
        }
        request
            .send()
            .await
            .unwrap_or_else(|e| panic!("create bucket {name}: {e:?}"));
    });
}

pub fn put_cors(name: &str, rules: &[CorsRule]) {
    put_cors_with(&client("us-east-1"), name, rules);
}

pub fn put_cors_with(client: &aws_sdk_s3::Client, name: &str, rules: &[CorsRule]) {
    runtime().block_on(async {
        client
            .put_bucket_cors()
            .bucket(name)
            .cors_configuration(configuration(rules))
            .send()
            .await
            .unwrap_or_else(|e| panic!("put cors {name}: {e:?}"));
    });
}

/// The bucket's live rules; empty when it has no CORS configuration.
pub fn cors(name: &str) -> Vec<CorsRule> {
    cors_with(&client("us-east-1"), name)
}

/// The bucket's rules as `client`'s store reads them back; empty without a configuration.
pub fn cors_with(client: &aws_sdk_s3::Client, name: &str) -> Vec<CorsRule> {
    runtime().block_on(async {
        match client.get_bucket_cors().bucket(name).send().await {
            Ok(out) => out
                .cors_rules()
                .iter()
                .map(|r| CorsRule {
                    id: r.id().map(str::to_string),
                    allowed_origins: r.allowed_origins().to_vec(),
                    allowed_methods: r.allowed_methods().to_vec(),
                    allowed_headers: r.allowed_headers().to_vec(),
                    expose_headers: r.expose_headers().to_vec(),
                    max_age_seconds: r.max_age_seconds(),
                })
                .collect(),
            Err(e)
                if aws_sdk_s3::error::ProvideErrorMetadata::code(&e)
                    == Some("NoSuchCORSConfiguration") =>
            {
                Vec::new()
            }
            Err(e) => panic!("get cors {name}: {e:?}"),
        }
    })
}

/// A rule from its origins and methods, for seeding.
pub fn rule(origins: &[&str], methods: &[&str]) -> CorsRule {
    CorsRule::allowing(origins, methods)
}

/// Deletes an (empty) bucket behind cors-sync's back.
pub fn delete_bucket(name: &str) {
    runtime().block_on(async {
        client("us-east-1")
            .delete_bucket()
            .bucket(name)
            .send()
            .await
            .unwrap_or_else(|e| panic!("delete bucket {name}: {e:?}"));
    });
}

/// Creates a bucket on the signature-checking moto, with `rules` as its CORS when there are any.
pub fn signature_checked_bucket(name: &str, region: &str, rules: &[CorsRule]) {
    let client = signature_checking_client(region);
    create_bucket_with(&client, name, region);
    if !rules.is_empty() {
        put_cors_with(&client, name, rules);
    }
}
