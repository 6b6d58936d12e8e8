//! The CORS-relevant fields of a cache behavior, read from and written to the SDK's types.
//!
//! `DefaultCacheBehavior` and `CacheBehavior` are distinct SDK types with the same field names.
//! Both implement `Behavior`, which swaps the fields cors-sync manages out into `CorsFields`;
//! plain functions read or change them there, and a second swap puts them back. Every other field
//! of the behavior is never touched.

// The legacy ForwardedValues whitelist is deprecated by AWS in favour of policies, but it is what
// many distributions use and what `forward_headers` manages.
#![allow(deprecated)]

use aws_sdk_cloudfront::types::{
    AllowedMethods, CacheBehavior, CachedMethods, CookieNames, CookiePreference,
    DefaultCacheBehavior, ForwardedValues, Headers, ItemSelection, Method, QueryStringCacheKeys,
};
use aws_smithy_types::error::operation::BuildError;
use cors_sync_core::cloudfront::behavior::{BehaviorSettings, LegacyCacheSettings};
use cors_sync_core::cloudfront::policies::PolicyRef;
use cors_sync_core::plan::{BehaviorChange, Migration};

use super::quantity;

/// CloudFront's defaults for the legacy TTLs, set when a behavior moves back to legacy settings.
const LEGACY_DEFAULT_TTLS: (i64, i64, i64) = (0, 86_400, 31_536_000);

/// Why a planned behavior change cannot be written onto the fields read.
#[derive(Debug, thiserror::Error)]
pub enum Unwritable {
    /// The SDK refused to build a field from the planned settings.
    #[error("{0}")]
    Unbuildable(#[from] BuildError),
    #[error(transparent)]
    PolicyNotCreated(#[from] PolicyNotCreated),
}

/// A behavior refers, by name, to a policy the manifest declares that this apply did not create
/// (its creation failed or was not reached), so the behavior has no ID to point at.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("policy `{name}` was not created, so the behaviors that use it were not changed")]
pub struct PolicyNotCreated {
    pub name: String,
}

/// The fields of a behavior that cors-sync reads or may write.
#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct CorsFields {
    forwarded_values: Option<ForwardedValues>,
    allowed_methods: Option<AllowedMethods>,
    cache_policy_id: Option<String>,
    origin_request_policy_id: Option<String>,
    response_headers_policy_id: Option<String>,
    min_ttl: Option<i64>,
    default_ttl: Option<i64>,
    max_ttl: Option<i64>,
}

/// A cache behavior of either SDK type: the managed fields can be swapped out and back.
pub(super) trait Behavior {
    /// Exchanges the behavior's managed fields with `fields`; every other field stays.
    fn swap_fields(&mut self, fields: &mut CorsFields);

    /// Moves the managed fields out, leaving them unset.
    fn take_fields(&mut self) -> CorsFields {
        let mut fields = CorsFields::default();
        self.swap_fields(&mut fields);
        fields
    }
}

// The two SDK types share the field names but no trait, so one body serves both.
macro_rules! impl_behavior {
    ($($sdk_type:ty),+) => {$(
        impl Behavior for $sdk_type {
            fn swap_fields(&mut self, fields: &mut CorsFields) {
                use std::mem::swap;
                swap(&mut self.forwarded_values, &mut fields.forwarded_values);
                swap(&mut self.allowed_methods, &mut fields.allowed_methods);
                swap(&mut self.cache_policy_id, &mut fields.cache_policy_id);
                swap(&mut self.origin_request_policy_id, &mut fields.origin_request_policy_id);
                swap(&mut self.response_headers_policy_id, &mut fields.response_headers_policy_id);
                swap(&mut self.min_ttl, &mut fields.min_ttl);
                swap(&mut self.default_ttl, &mut fields.default_ttl);
                swap(&mut self.max_ttl, &mut fields.max_ttl);
            }
        }
    )+};
}

impl_behavior!(DefaultCacheBehavior, CacheBehavior);

/// The settings cors-sync manages, from a behavior's fields.
pub(super) fn settings(fields: &CorsFields) -> BehaviorSettings {
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
pub(super) fn write(
    fields: &mut CorsFields,
    change: &BehaviorChange,
    policy_id: &dyn Fn(&PolicyRef) -> Result<String, PolicyNotCreated>,
) -> Result<(), Unwritable> {
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
            match &change.restore_legacy {
                // A rollback puts back exactly what the move to a cache policy removed.
                Some(legacy) => {
                    fields.min_ttl = legacy.min_ttl.or(Some(min));
                    fields.default_ttl = legacy.default_ttl.or(Some(default));
                    fields.max_ttl = legacy.max_ttl.or(Some(max));
                    fields.forwarded_values = Some(restored_forwarded_values(legacy)?);
                }
                None => {
                    fields.min_ttl = Some(min);
                    fields.default_ttl = Some(default);
                    fields.max_ttl = Some(max);
                    // Whatever ForwardedValues the policy-based behavior carried is replaced whole.
                    fields.forwarded_values = None;
                }
            }
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

/// `AllowedMethods` with its `CachedMethods`; every `Quantity` equals its `Items` length, as
/// CloudFront requires.
fn allowed_methods(settings: &BehaviorSettings) -> Result<AllowedMethods, BuildError> {
    let cached = CachedMethods::builder()
        .quantity(quantity(settings.cached_methods.len()))
        .set_items(Some(method_list(&settings.cached_methods)))
        .build()?;
    AllowedMethods::builder()
        .quantity(quantity(settings.allowed_methods.len()))
        .set_items(Some(method_list(&settings.allowed_methods)))
        .cached_methods(cached)
        .build()
}

/// The legacy whitelist set to `headers`, keeping the rest of an existing ForwardedValues
/// (query strings, cookies) as it was; a new one forwards no query strings and no cookies.
fn forwarded_values(
    existing: Option<ForwardedValues>,
    headers: &[String],
) -> Result<ForwardedValues, BuildError> {
    let headers = Headers::builder()
        .quantity(quantity(headers.len()))
        .set_items(Some(headers.to_vec()))
        .build()?;
    match existing {
        Some(mut fv) => {
            fv.headers = Some(headers);
            Ok(fv)
        }
        None => {
            let cookies = CookiePreference::builder()
                .forward(ItemSelection::None)
                .build()?;
            ForwardedValues::builder()
                .query_string(false)
                .cookies(cookies)
                .headers(headers)
                .build()
        }
    }
}

/// The legacy settings of a behavior beyond its whitelist (the rest of its ForwardedValues and its
/// TTLs), when it has ForwardedValues.
pub(super) fn legacy_settings(fields: &CorsFields) -> Option<LegacyCacheSettings> {
    let fv = fields.forwarded_values.as_ref()?;
    let cookies = fv.cookies.as_ref();
    Some(LegacyCacheSettings {
        query_string: fv.query_string,
        query_string_cache_keys: fv
            .query_string_cache_keys
            .as_ref()
            .and_then(|k| k.items.clone()),
        cookies: cookies.map_or("none", |c| c.forward.as_str()).to_string(),
        cookie_names: cookies
            .and_then(|c| c.whitelisted_names.as_ref())
            .and_then(|n| n.items.clone()),
        headers: fv
            .headers
            .as_ref()
            .and_then(|h| h.items.clone())
            .unwrap_or_default(),
        min_ttl: fields.min_ttl,
        default_ttl: fields.default_ttl,
        max_ttl: fields.max_ttl,
    })
}

/// The ForwardedValues a backup recorded, rebuilt whole.
fn restored_forwarded_values(legacy: &LegacyCacheSettings) -> Result<ForwardedValues, BuildError> {
    let cookie_names = legacy
        .cookie_names
        .as_ref()
        .map(|names| {
            CookieNames::builder()
                .quantity(quantity(names.len()))
                .set_items(Some(names.clone()))
                .build()
        })
        .transpose()?;
    let cookies = CookiePreference::builder()
        .forward(ItemSelection::from(legacy.cookies.as_str()))
        .set_whitelisted_names(cookie_names)
        .build()?;
    let cache_keys = legacy
        .query_string_cache_keys
        .as_ref()
        .map(|keys| {
            QueryStringCacheKeys::builder()
                .quantity(quantity(keys.len()))
                .set_items(Some(keys.clone()))
                .build()
        })
        .transpose()?;
    let headers = Headers::builder()
        .quantity(quantity(legacy.headers.len()))
        .set_items(Some(legacy.headers.clone()))
        .build()?;
    ForwardedValues::builder()
        .query_string(legacy.query_string)
        .cookies(cookies)
        .headers(headers)
        .set_query_string_cache_keys(cache_keys)
        .build()
}

/// Clears what an update may change on a behavior, so that what is left must be what was read:
/// with a migration every managed field; otherwise the methods, the policy IDs and only the
/// whitelist inside ForwardedValues (its query string and cookie settings, and the TTLs, stay).
pub(super) fn mask_managed(behavior: &mut dyn Behavior, migration: Option<Migration>) {
    let mut fields = behavior.take_fields();
    if migration.is_none() {
        let mut kept = CorsFields {
            forwarded_values: fields.forwarded_values.take().map(|mut fv| {
                fv.headers = None;
                fv
            }),
            min_ttl: fields.min_ttl,
            default_ttl: fields.default_ttl,
            max_ttl: fields.max_ttl,
            ..CorsFields::default()
        };
        behavior.swap_fields(&mut kept);
    }
}
