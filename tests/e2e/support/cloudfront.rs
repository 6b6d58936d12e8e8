//! Seeding and inspecting the emulator's CloudFront distributions with the SDK, independent of
//! cors-sync.

#![allow(deprecated)] // ForwardedValues: the legacy whitelist is what many distributions still use.

use aws_sdk_cloudfront::types::{
    AllowedMethods, CacheBehavior, CacheBehaviors, CachedMethods, CookieNames, CookiePreference,
    DefaultCacheBehavior, DistributionConfig, ForwardedValues, Headers, ItemSelection, Method,
    Origin, Origins, PriceClass, S3OriginConfig, ViewerProtocolPolicy,
};

use super::emulator::emulator;
use super::s3::runtime;

pub const CACHING_OPTIMIZED: &str = "658327ea-f89d-4fab-a63d-7e88639e58f6";
pub const CORS_S3_ORIGIN: &str = "88a5eaf4-2fd4-4709-b370-b4c650ea3fcf";

pub fn client() -> aws_sdk_cloudfront::Client {
    let config = aws_sdk_cloudfront::Config::builder()
        .behavior_version(aws_sdk_cloudfront::config::BehaviorVersion::latest())
        .region(aws_sdk_cloudfront::config::Region::new("us-east-1"))
        .endpoint_url(&emulator().endpoint)
        .credentials_provider(aws_sdk_cloudfront::config::Credentials::new(
            "test", "test", None, None, "tests",
        ))
        .build();
    aws_sdk_cloudfront::Client::from_conf(config)
}

fn methods(items: &[&str]) -> Vec<Method> {
    items.iter().map(|m| Method::from(*m)).collect()
}

pub fn allowed(allowed: &[&str], cached: &[&str]) -> AllowedMethods {
    AllowedMethods::builder()
        .quantity(allowed.len() as i32)
        .set_items(Some(methods(allowed)))
        .cached_methods(
            CachedMethods::builder()
                .quantity(cached.len() as i32)
                .set_items(Some(methods(cached)))
                .build()
                .unwrap(),
        )
        .build()
        .unwrap()
}

pub fn forwarded(headers: &[&str], query_string: bool, cookies: ItemSelection) -> ForwardedValues {
    let mut cookie_preference = CookiePreference::builder().forward(cookies.clone());
    if cookies == ItemSelection::Whitelist {
        cookie_preference = cookie_preference.whitelisted_names(
            CookieNames::builder()
                .quantity(1)
                .items("session")
                .build()
                .unwrap(),
        );
    }
    ForwardedValues::builder()
        .query_string(query_string)
        .cookies(cookie_preference.build().unwrap())
        .headers(
            Headers::builder()
                .quantity(headers.len() as i32)
                .set_items(Some(headers.iter().map(|h| h.to_string()).collect()))
                .build()
                .unwrap(),
        )
        .build()
        .unwrap()
}

/// A distribution in front of `bucket` with three behaviors: a legacy default (whitelist
/// `[Origin]`, GET/HEAD), `/fonts/*` on managed policies, and `/legacy/*` with query strings and a
/// whitelisted cookie forwarded, plus unmanaged settings a careless update would lose.
pub fn create_distribution(caller_reference: &str, bucket: &str) -> String {
    create_distribution_with(&client(), caller_reference, bucket)
}

/// As `create_distribution`, through this client (another account's, say).
pub fn create_distribution_with(
    client: &aws_sdk_cloudfront::Client,
    caller_reference: &str,
    bucket: &str,
) -> String {
    let origin = Origin::builder()
        .id("s3")
        .domain_name(format!("{bucket}.s3.eu-west-1.amazonaws.com"))
        .s3_origin_config(S3OriginConfig::builder().origin_access_identity("").build())
        .build()
        .unwrap();
    let default = DefaultCacheBehavior::builder()
        .target_origin_id("s3")
        .viewer_protocol_policy(ViewerProtocolPolicy::RedirectToHttps)
        .forwarded_values(forwarded(&["Origin"], false, ItemSelection::None))
        .min_ttl(5)
        .default_ttl(3600)
        .max_ttl(86400)
        .compress(true)
        .allowed_methods(allowed(&["GET", "HEAD"], &["GET", "HEAD"]))
        .build()
        .unwrap();
    let fonts = CacheBehavior::builder()
        .path_pattern("/fonts/*")
        .target_origin_id("s3")
        .viewer_protocol_policy(ViewerProtocolPolicy::AllowAll)
        .cache_policy_id(CACHING_OPTIMIZED)
        .origin_request_policy_id(CORS_S3_ORIGIN)
        .allowed_methods(allowed(&["GET", "HEAD"], &["GET", "HEAD"]))
        .build()
        .unwrap();
    let legacy = CacheBehavior::builder()
        .path_pattern("/legacy/*")
        .target_origin_id("s3")
        .viewer_protocol_policy(ViewerProtocolPolicy::HttpsOnly)
        .forwarded_values(forwarded(
            &["Origin", "Accept"],
            true,
            ItemSelection::Whitelist,
        ))
        .min_ttl(0)
        .default_ttl(60)
        .max_ttl(600)
        .smooth_streaming(false)
        .allowed_methods(allowed(&["GET", "HEAD"], &["GET", "HEAD"]))
        .build()
        .unwrap();
    let config = DistributionConfig::builder()
        .caller_reference(caller_reference)
        .comment(format!("{caller_reference}: seeded by the tests"))
        .enabled(true)
        .default_root_object("index.html")
        .price_class(PriceClass::PriceClass100)
        .origins(
            Origins::builder()
                .quantity(1)
                .items(origin)
                .build()
                .unwrap(),
        )
        .default_cache_behavior(default)
        .cache_behaviors(
            CacheBehaviors::builder()
                .quantity(2)
                .items(fonts)
                .items(legacy)
                .build()
                .unwrap(),
        )
        .build()
        .unwrap();
    runtime().block_on(async {
        client
            .create_distribution()
            .distribution_config(config)
            .send()
            .await
            .unwrap_or_else(|e| panic!("create distribution {caller_reference}: {e:?}"))
            .distribution
            .expect("distribution")
            .id
    })
}

pub fn config(id: &str) -> DistributionConfig {
    runtime().block_on(async {
        client()
            .get_distribution_config()
            .id(id)
            .send()
            .await
            .unwrap_or_else(|e| panic!("get distribution config {id}: {e:?}"))
            .distribution_config
            .expect("config")
    })
}

/// The config with the fields cors-sync manages cleared (the whitelist inside ForwardedValues,
/// methods, policy IDs), so that what remains must be identical before and after an apply.
pub fn unmanaged_part(mut config: DistributionConfig) -> DistributionConfig {
    fn clear(
        forwarded_values: &mut Option<ForwardedValues>,
        allowed_methods: &mut Option<AllowedMethods>,
        policies: [&mut Option<String>; 3],
    ) {
        if let Some(fv) = forwarded_values.as_mut() {
            fv.headers = None;
        }
        *allowed_methods = None;
        for policy in policies {
            *policy = None;
        }
    }
    if let Some(b) = config.default_cache_behavior.as_mut() {
        clear(
            &mut b.forwarded_values,
            &mut b.allowed_methods,
            [
                &mut b.cache_policy_id,
                &mut b.origin_request_policy_id,
                &mut b.response_headers_policy_id,
            ],
        );
    }
    for b in config
        .cache_behaviors
        .as_mut()
        .and_then(|c| c.items.as_mut())
        .into_iter()
        .flatten()
    {
        clear(
            &mut b.forwarded_values,
            &mut b.allowed_methods,
            [
                &mut b.cache_policy_id,
                &mut b.origin_request_policy_id,
                &mut b.response_headers_policy_id,
            ],
        );
    }
    config
}

pub fn default_behavior(config: &DistributionConfig) -> &DefaultCacheBehavior {
    config
        .default_cache_behavior
        .as_ref()
        .expect("default behavior")
}

pub fn behavior<'c>(config: &'c DistributionConfig, path: &str) -> &'c CacheBehavior {
    config
        .cache_behaviors
        .as_ref()
        .and_then(|c| c.items.as_ref())
        .and_then(|items| items.iter().find(|b| b.path_pattern == path))
        .unwrap_or_else(|| panic!("no behavior {path}"))
}

pub fn header_items(fv: Option<&ForwardedValues>) -> Vec<String> {
    fv.and_then(|f| f.headers.as_ref())
        .and_then(|h| h.items.clone())
        .unwrap_or_default()
}

/// Updates a distribution behind cors-sync's back, as a console user would.
pub fn update(id: &str, config: DistributionConfig) {
    runtime().block_on(async {
        let etag = client()
            .get_distribution_config()
            .id(id)
            .send()
            .await
            .expect("read config")
            .e_tag;
        client()
            .update_distribution()
            .id(id)
            .set_if_match(etag)
            .distribution_config(config)
            .send()
            .await
            .unwrap_or_else(|e| panic!("update distribution {id}: {e:?}"));
    });
}
