//! The CORS-relevant fields of a cache behavior, read from and written to the SDK's types.
//!
//! `DefaultCacheBehavior` and `CacheBehavior` are distinct SDK types with the same field names.
//! `take_fields!` moves the fields cors-sync manages out of either into `CorsFields`, plain
//! functions read or change them, and `put_fields!` moves them back; every other field of the
//! behavior is never touched.

// The legacy ForwardedValues whitelist is deprecated by AWS in favour of policies, but it is what
// many distributions use and what `forward_headers` manages.
#![allow(deprecated)]

use aws_sdk_cloudfront::types::{
    AllowedMethods, CachedMethods, CookiePreference, ForwardedValues, Headers, ItemSelection,
    Method,
};
use cors_sync_core::cloudfront::behavior::BehaviorSettings;
use cors_sync_core::cloudfront::policies::PolicyRef;
use cors_sync_core::plan::{BehaviorChange, Migration};

/// CloudFront's defaults for the legacy TTLs, set when a behavior moves back to legacy settings.
const LEGACY_DEFAULT_TTLS: (i64, i64, i64) = (0, 86_400, 31_536_000);

/// The fields of a behavior that cors-sync reads or may write.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CorsFields {
    pub forwarded_values: Option<ForwardedValues>,
    pub allowed_methods: Option<AllowedMethods>,
    pub cache_policy_id: Option<String>,
    pub origin_request_policy_id: Option<String>,
    pub response_headers_policy_id: Option<String>,
    pub min_ttl: Option<i64>,
    pub default_ttl: Option<i64>,
    pub max_ttl: Option<i64>,
}

/// Moves the managed fields out of a `DefaultCacheBehavior` or `CacheBehavior`.
#[macro_export]
macro_rules! take_fields {
    ($behavior:expr) => {{
        #[allow(deprecated)]
        let fields = $crate::cloudfront::behavior_fields::CorsFields {
            forwarded_values: $behavior.forwarded_values.take(),
            allowed_methods: $behavior.allowed_methods.take(),
            cache_policy_id: $behavior.cache_policy_id.take(),
            origin_request_policy_id: $behavior.origin_request_policy_id.take(),
            response_headers_policy_id: $behavior.response_headers_policy_id.take(),
            min_ttl: $behavior.min_ttl.take(),
            default_ttl: $behavior.default_ttl.take(),
            max_ttl: $behavior.max_ttl.take(),
        };
        fields
    }};
}

/// Moves the managed fields back into a `DefaultCacheBehavior` or `CacheBehavior`.
#[macro_export]
macro_rules! put_fields {
    ($behavior:expr, $fields:expr) => {{
        let fields: $crate::cloudfront::behavior_fields::CorsFields = $fields;
        #[allow(deprecated)]
        {
            $behavior.forwarded_values = fields.forwarded_values;
            $behavior.allowed_methods = fields.allowed_methods;
            $behavior.cache_policy_id = fields.cache_policy_id;
            $behavior.origin_request_policy_id = fields.origin_request_policy_id;
            $behavior.response_headers_policy_id = fields.response_headers_policy_id;
            $behavior.min_ttl = fields.min_ttl;
            $behavior.default_ttl = fields.default_ttl;
            $behavior.max_ttl = fields.max_ttl;
        }
    }};
}

/// Reads a behavior's settings without moving anything (for list summaries).
#[macro_export]
macro_rules! read_settings {
    ($behavior:expr) => {{
        #[allow(deprecated)]
        let fields = $crate::cloudfront::behavior_fields::CorsFields {
            forwarded_values: $behavior.forwarded_values.clone(),
            allowed_methods: $behavior.allowed_methods.clone(),
            cache_policy_id: $behavior.cache_policy_id.clone(),
            origin_request_policy_id: $behavior.origin_request_policy_id.clone(),
            response_headers_policy_id: $behavior.response_headers_policy_id.clone(),
            min_ttl: $behavior.min_ttl,
            default_ttl: $behavior.default_ttl,
            max_ttl: $behavior.max_ttl,
        };
        $crate::cloudfront::behavior_fields::settings(&fields)
    }};
}

/// The settings cors-sync manages, from a behavior's fields.
pub fn settings(fields: &CorsFields) -> BehaviorSettings {
    // An empty ID is no policy (moto reads unset IDs back as "").
    let policy = |id: &Option<String>| {
        id.as_deref()
            .filter(|id| !id.is_empty())
            .map(PolicyRef::by_id)
    };
    let cache_policy = policy(&fields.cache_policy_id);
    let methods = |items: &[Method]| {
        items
            .iter()
            .map(|m| m.as_str().to_string())
            .collect::<Vec<_>>()
    };
    let allowed = fields.allowed_methods.as_ref();
    BehaviorSettings {
        // A behavior with a cache policy is policy-based whatever else it carries (moto injects a
        // ForwardedValues next to a cache policy, which AWS never returns).
        forward_headers: cache_policy.is_none().then(|| {
            fields
                .forwarded_values
                .as_ref()
                .and_then(|fv| fv.headers.as_ref())
                .and_then(|h| h.items.clone())
                .unwrap_or_default()
        }),
        allowed_methods: allowed.map(|a| methods(&a.items)).unwrap_or_default(),
        cached_methods: allowed
            .and_then(|a| a.cached_methods.as_ref())
            .map(|c| methods(&c.items))
            .unwrap_or_default(),
        cache_policy,
        origin_request_policy: policy(&fields.origin_request_policy_id),
        response_headers_policy: policy(&fields.response_headers_policy_id),
    }
}

/// Writes what differs between a change's `before` and `after` onto the fields. `policy_id` turns
/// a reference into an ID, including policies created earlier in the same apply.
pub fn write(
    fields: &mut CorsFields,
    change: &BehaviorChange,
    policy_id: &dyn Fn(&PolicyRef) -> Result<String, String>,
) -> Result<(), String> {
    let (before, after) = (&change.before, &change.after);
    if after.allowed_methods != before.allowed_methods
        || after.cached_methods != before.cached_methods
    {
        fields.allowed_methods = Some(allowed_methods(after)?);
    }
    match change.migration {
        Some(Migration::ToCachePolicy) => {
            fields.forwarded_values = None;
            fields.min_ttl = None;
            fields.default_ttl = None;
            fields.max_ttl = None;
        }
        Some(Migration::ToLegacy) => {
            let (min, default, max) = LEGACY_DEFAULT_TTLS;
            fields.min_ttl = Some(min);
            fields.default_ttl = Some(default);
            fields.max_ttl = Some(max);
            // Whatever ForwardedValues the policy-based behavior carried is replaced whole.
            fields.forwarded_values = None;
        }
        None => {}
    }
    if let Some(headers) = &after.forward_headers {
        if after.forward_headers != before.forward_headers || change.migration.is_some() {
            fields.forwarded_values =
                Some(forwarded_values(fields.forwarded_values.take(), headers)?);
        }
    }
    let resolve = |reference: &Option<PolicyRef>| reference.as_ref().map(policy_id).transpose();
    if after.cache_policy != before.cache_policy {
        fields.cache_policy_id = resolve(&after.cache_policy)?;
    }
    if after.origin_request_policy != before.origin_request_policy {
        fields.origin_request_policy_id = resolve(&after.origin_request_policy)?;
    }
    if after.response_headers_policy != before.response_headers_policy {
        fields.response_headers_policy_id = resolve(&after.response_headers_policy)?;
    }
    Ok(())
}

fn method_list(methods: &[String]) -> Vec<Method> {
    methods.iter().map(|m| Method::from(m.as_str())).collect()
}

fn quantity(n: usize) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

/// `AllowedMethods` with its `CachedMethods`; every `Quantity` equals its `Items` length, as
/// CloudFront requires.
fn allowed_methods(settings: &BehaviorSettings) -> Result<AllowedMethods, String> {
    let cached = CachedMethods::builder()
        .quantity(quantity(settings.cached_methods.len()))
        .set_items(Some(method_list(&settings.cached_methods)))
        .build()
        .map_err(|e| e.to_string())?;
    AllowedMethods::builder()
        .quantity(quantity(settings.allowed_methods.len()))
        .set_items(Some(method_list(&settings.allowed_methods)))
        .cached_methods(cached)
        .build()
        .map_err(|e| e.to_string())
}

/// The legacy whitelist set to `headers`, keeping the rest of an existing ForwardedValues
/// (query strings, cookies) as it was; a new one forwards no query strings and no cookies.
fn forwarded_values(
    existing: Option<ForwardedValues>,
    headers: &[String],
) -> Result<ForwardedValues, String> {
    let headers = Headers::builder()
        .quantity(quantity(headers.len()))
        .set_items(Some(headers.to_vec()))
        .build()
        .map_err(|e| e.to_string())?;
    match existing {
        Some(mut fv) => {
            fv.headers = Some(headers);
            Ok(fv)
        }
        None => {
            let cookies = CookiePreference::builder()
                .forward(ItemSelection::None)
                .build()
                .map_err(|e| e.to_string())?;
            ForwardedValues::builder()
                .query_string(false)
                .cookies(cookies)
                .headers(headers)
                .build()
                .map_err(|e| e.to_string())
        }
    }
}
