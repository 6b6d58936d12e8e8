//! What `import` prints, from what was read: buckets as they are, and distributions with every
//! custom policy their behaviors use named and written beside them, so the manifest plans to no
//! changes.

use crate::cloudfront::behavior::BehaviorSettings;
use crate::cloudfront::distribution::LiveDistribution;
use crate::cloudfront::managed_policies::MANAGED_PREFIX;
use crate::cloudfront::policies::{PolicyKind, PolicyRef};
use crate::plan::{LiveState, PolicyListings};
use crate::render::manifest_yaml::{self, Imported, ImportedBucket};
use crate::Error;

fn reference_of(settings: &BehaviorSettings, kind: PolicyKind) -> Option<&PolicyRef> {
    match kind {
        PolicyKind::Cache => settings.cache_policy.as_ref(),
        PolicyKind::OriginRequest => settings.origin_request_policy.as_ref(),
        PolicyKind::ResponseHeaders => settings.response_headers_policy.as_ref(),
    }
}

/// The custom policy lists needed to name the read distributions' policies (AWS-managed ones are
/// named already).
pub fn listings_needed(distributions: &[LiveDistribution]) -> PolicyListings {
    let unnamed = |kind| {
        distributions
            .iter()
            .flat_map(|d| &d.behaviors)
            .filter_map(|(_, s)| reference_of(s, kind))
            .any(|r| r.name.is_none())
    };
    PolicyListings {
        cache: unnamed(PolicyKind::Cache),
        origin_request: unnamed(PolicyKind::OriginRequest),
        response_headers: unnamed(PolicyKind::ResponseHeaders),
    }
}

/// Names every custom policy reference from the listings in `live`; each one not listed is an
/// error naming its distribution.
pub fn name_policies(live: &mut LiveState) -> Result<(), Vec<Error>> {
    let LiveState {
        distributions,
        origin_request_policies,
        response_headers_policies,
        cache_policies,
        ..
    } = live;
    let name_of = |kind: PolicyKind, id: &str| -> Option<String> {
        let found = match kind {
            PolicyKind::Cache => cache_policies.iter().find(|p| p.id == id).map(|p| &p.name),
            PolicyKind::OriginRequest => origin_request_policies
                .iter()
                .find(|p| p.id == id)
                .map(|p| &p.name),
            PolicyKind::ResponseHeaders => response_headers_policies
                .iter()
                .find(|p| p.id == id)
                .map(|p| &p.name),
        };
        found.cloned()
    };
    let mut errors = Vec::new();
    for distribution in distributions.iter_mut() {
        for (_, settings) in &mut distribution.behaviors {
            let references = [
                (PolicyKind::Cache, &mut settings.cache_policy),
                (
                    PolicyKind::OriginRequest,
                    &mut settings.origin_request_policy,
                ),
                (
                    PolicyKind::ResponseHeaders,
                    &mut settings.response_headers_policy,
                ),
            ];
            for (kind, reference) in references {
                let Some(reference) = reference.as_mut().filter(|r| r.name.is_none()) else {
                    continue;
                };
                let id = reference.id.clone().unwrap_or_default();
                match name_of(kind, &id) {
                    Some(name) => reference.name = Some(name),
                    None => errors.push(Error::PolicyNotListed {
                        distribution: Some(distribution.id.clone()),
                        kind,
                        id,
                    }),
                }
            }
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

/// The version-1 manifest of what was read, with only the custom policies the behaviors use.
pub fn manifest(live: &LiveState, account: Option<&str>) -> String {
    let used = |kind: PolicyKind, id: &str| {
        live.distributions
            .iter()
            .flat_map(|d| &d.behaviors)
            .filter_map(|(_, s)| reference_of(s, kind))
            .any(|r| r.id.as_deref() == Some(id))
    };
    let imported = Imported {
        buckets: live
            .buckets
            .iter()
            .map(|b| ImportedBucket {
                name: &b.name,
                region: Some(&b.region),
                rules: &b.cors.rules,
            })
            .collect(),
        distributions: live
            .distributions
            .iter()
            .map(|d| (d.id.as_str(), d.behaviors.as_slice()))
            .collect(),
        // A policy that forwards all viewer headers is not one a manifest can declare.
        origin_request_policies: live
            .origin_request_policies
            .iter()
            .filter(|p| used(PolicyKind::OriginRequest, &p.id))
            // AWS's own policies are referred to by name, never declared.
            .filter(|p| !p.name.starts_with(MANAGED_PREFIX))
            .filter(|p| matches!(p.headers.header_behavior.as_str(), "whitelist" | "none"))
            .map(|p| (p.name.as_str(), p.headers.headers.as_slice()))
            .collect(),
        response_headers_policies: live
            .response_headers_policies
            .iter()
            .filter(|p| used(PolicyKind::ResponseHeaders, &p.id))
            .filter(|p| !p.name.starts_with(MANAGED_PREFIX))
            .filter_map(|p| Some((p.name.as_str(), p.cors.as_ref()?)))
            .collect(),
        comments: Default::default(),
        account,
    };
    manifest_yaml::manifest(&imported)
}
