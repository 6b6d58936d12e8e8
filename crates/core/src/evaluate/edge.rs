//! Which edge a behavior is: the CORS request headers it forwards to S3 and the CORS
//! configuration its response headers policy adds. Policies resolve from the AWS-managed table,
//! the manifest, or the account's custom policies as listed (read only when a behavior refers to
//! one, see `listings_needed`).

use crate::cloudfront::behavior::BehaviorSettings;
use crate::cloudfront::managed_policies;
use crate::cloudfront::policies::{CorsPolicy, PolicyKind, PolicyRef};
use crate::evaluate::cloudfront::Forwarded;
use crate::manifest::Manifest;
use crate::plan::{LiveState, PolicyListings};
use crate::Error;

/// A custom policy: one with an ID that is not AWS's.
fn custom_id(reference: &PolicyRef) -> Option<&str> {
    reference
        .id
        .as_deref()
        .filter(|id| managed_policies::by_id(id).is_none())
}

fn declared_cors<'a>(manifest: &'a Manifest, reference: &PolicyRef) -> Option<&'a CorsPolicy> {
    let name = reference.name.as_deref()?;
    manifest
        .response_headers_policies
        .iter()
        .find(|p| p.name == name)
        .map(|p| &p.cors)
}

/// The headers an origin request policy sends to the origin (`*` for every viewer header): from
/// the AWS-managed table, the manifest's declaration (what apply will make it), or the account's
/// listing; `None` when none of them knows the policy.
pub fn origin_request_headers(
    reference: &PolicyRef,
    manifest: &Manifest,
    live: &LiveState,
) -> Option<Vec<String>> {
    let id = reference.id.as_deref();
    if let Some(managed) = id.and_then(managed_policies::managed_forwarded_headers) {
        return Some(managed.iter().map(|h| h.to_string()).collect());
    }
    let name = reference.name.as_deref();
    if let Some(declared) = manifest
        .origin_request_policies
        .iter()
        .find(|p| Some(p.name.as_str()) == name)
    {
        return Some(declared.headers.clone());
    }
    let listed = live
        .origin_request_policies
        .iter()
        .find(|p| Some(p.id.as_str()) == id)?;
    let all_viewer = listed.headers.header_behavior.starts_with("allViewer");
    Some(
        all_viewer
            .then(|| "*".to_string())
            .into_iter()
            .chain(listed.headers.headers.iter().cloned())
            .collect(),
    )
}

/// The account's policy lists `edge` needs to resolve these behaviors' custom policies.
pub fn listings_needed<'a>(
    behaviors: impl IntoIterator<Item = &'a BehaviorSettings>,
    manifest: &Manifest,
) -> PolicyListings {
    let mut needed = PolicyListings::default();
    for settings in behaviors {
        let custom =
            |reference: &Option<PolicyRef>| reference.as_ref().and_then(custom_id).is_some();
        needed.origin_request |= settings.forward_headers.is_none()
            && custom(&settings.origin_request_policy)
            && settings
                .origin_request_policy
                .as_ref()
                .and_then(|r| origin_request_headers(r, manifest, &LiveState::default()))
                .is_none();
        needed.response_headers |= custom(&settings.response_headers_policy)
            && settings
                .response_headers_policy
                .as_ref()
                .and_then(|r| declared_cors(manifest, r))
                .is_none();
    }
    needed
}

/// What the behavior forwards, and the CORS configuration it adds, if any. An error names a
/// custom policy the listings do not hold.
pub fn edge(
    settings: &BehaviorSettings,
    manifest: &Manifest,
    live: &LiveState,
) -> Result<(Forwarded, Option<CorsPolicy>), Error> {
    Ok((
        forwarded(settings, manifest, live)?,
        response_headers_cors(settings, manifest, live)?,
    ))
}

/// Which CORS request headers the behavior sends to its origin. A custom cache policy adds none
/// here: cors-sync reads only its name.
fn forwarded(
    settings: &BehaviorSettings,
    manifest: &Manifest,
    live: &LiveState,
) -> Result<Forwarded, Error> {
    if let Some(headers) = &settings.forward_headers {
        return Ok(Forwarded::from_headers(headers.iter().map(String::as_str)));
    }
    let mut names: Vec<String> = Vec::new();
    let managed = |reference: &Option<PolicyRef>| {
        let id = reference.as_ref()?.id.as_deref()?;
        managed_policies::managed_forwarded_headers(id)
    };
    for headers in [
        managed(&settings.cache_policy),
        managed(&settings.origin_request_policy),
    ]
    .into_iter()
    .flatten()
    {
        names.extend(headers.iter().map(|h| h.to_string()));
    }
    if let Some(reference) = &settings.origin_request_policy {
        match origin_request_headers(reference, manifest, live) {
            Some(headers) => names.extend(headers),
            None => {
                if let Some(id) = custom_id(reference) {
                    return Err(not_listed(PolicyKind::OriginRequest, id));
                }
            }
        }
    }
    Ok(Forwarded::from_headers(names.iter().map(String::as_str)))
}

/// The CORS configuration of the behavior's response headers policy, if it has one.
fn response_headers_cors(
    settings: &BehaviorSettings,
    manifest: &Manifest,
    live: &LiveState,
) -> Result<Option<CorsPolicy>, Error> {
    let Some(reference) = &settings.response_headers_policy else {
        return Ok(None);
    };
    if let Some(declared) = declared_cors(manifest, reference) {
        return Ok(Some(declared.clone()));
    }
    let Some(id) = reference.id.as_deref() else {
        return Ok(None);
    };
    if custom_id(reference).is_none() {
        return Ok(managed_policies::managed_cors(id));
    }
    live.response_headers_policies
        .iter()
        .find(|p| p.id == id)
        .map(|p| p.cors.clone())
        .ok_or_else(|| not_listed(PolicyKind::ResponseHeaders, id))
}

fn not_listed(kind: PolicyKind, id: &str) -> Error {
    Error::PolicyNotListed {
        distribution: None,
        kind,
        id: id.to_string(),
    }
}
