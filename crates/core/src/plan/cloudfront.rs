//! CloudFront changes: declared policies to create or update, and behaviors whose managed fields
//! differ from live. Fields a manifest leaves out keep their live values exactly.

use super::{by_key, BehaviorChange, Change, LivePolicy, LiveState, Migration, PlannedChange};
use crate::cloudfront::behavior::{BehaviorSettings, BehaviorSpec, Managed, Unmakeable};
use crate::cloudfront::distribution::{DistributionSpec, LiveDistribution};
use crate::cloudfront::managed_policies;
use crate::cloudfront::policies::{
    looks_like_policy_id, OriginRequestHeaders, PolicyKind, PolicyRef,
};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::manifest::{Declared, Manifest};
use crate::Error;

/// Which of the account's custom policy lists a plan needs: a list is read only when the manifest
/// declares policies of that kind or refers to one by a name that is neither AWS-managed nor an ID.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PolicyListings {
    pub cache: bool,
    pub origin_request: bool,
    pub response_headers: bool,
}

pub fn policy_listings_needed(manifest: &Manifest) -> PolicyListings {
    let refers_by_name = |kind: PolicyKind| {
        manifest
            .distributions
            .iter()
            .flat_map(|d| &d.behaviors)
            .any(|b| match policy_field(b, kind) {
                Managed::Set(text) => {
                    managed_policies::by_name(kind, text).is_none() && !looks_like_policy_id(text)
                }
                _ => false,
            })
    };
    PolicyListings {
        cache: refers_by_name(PolicyKind::Cache),
        origin_request: !manifest.origin_request_policies.is_empty()
            || refers_by_name(PolicyKind::OriginRequest),
        response_headers: !manifest.response_headers_policies.is_empty()
            || refers_by_name(PolicyKind::ResponseHeaders),
    }
}

fn policy_field(behavior: &BehaviorSpec, kind: PolicyKind) -> &Managed<String> {
    match kind {
        PolicyKind::Cache => &behavior.cache_policy,
        PolicyKind::OriginRequest => &behavior.origin_request_policy,
        PolicyKind::ResponseHeaders => &behavior.response_headers_policy,
    }
}

pub(super) fn changes(
    manifest: &Manifest,
    live: &LiveState,
    diagnostics: &mut Diagnostics,
) -> Vec<PlannedChange> {
    let mut changes = policy_changes(manifest, live);
    let resolver = Resolver { manifest, live };
    // Joined once, by each distribution's key, as buckets are.
    let read = live.distributions_by_key();
    for spec in &manifest.distributions {
        let Some(current) = read.get(&spec.key()).copied() else {
            continue;
        };
        if let Some(change) = distribution_change(spec, current, &resolver, diagnostics) {
            changes.push(PlannedChange::in_account_of(spec.account.as_ref(), change));
        }
    }
    changes
}

fn policy_changes(manifest: &Manifest, live: &LiveState) -> Vec<PlannedChange> {
    let mut changes = Vec::new();
    // Each kind joined once, by key, as buckets are.
    let account = live.account.as_deref();
    let read = by_key(account, &live.origin_request_policies);
    for spec in &manifest.origin_request_policies {
        let desired = OriginRequestHeaders::whitelist(spec.headers.clone());
        let current = read.get(&spec.key()).copied().map(LivePolicy::from);
        if current
            .as_ref()
            .is_some_and(|current| current.before.equivalent(&desired))
        {
            continue;
        }
        let change = Change::OriginRequestPolicy {
            name: spec.name.clone(),
            live: current,
            after: desired,
        };
        changes.push(PlannedChange::in_account_of(spec.account.as_ref(), change));
    }
    let read = by_key(account, &live.response_headers_policies);
    for spec in &manifest.response_headers_policies {
        let current = read.get(&spec.key()).copied().map(LivePolicy::from);
        let unchanged = current
            .as_ref()
            .and_then(|c| c.before.as_ref())
            .is_some_and(|c| c.equivalent(&spec.cors));
        if unchanged {
            continue;
        }
        let change = Change::ResponseHeadersPolicy {
            name: spec.name.clone(),
            live: current,
            after: spec.cors.clone(),
        };
        changes.push(PlannedChange::in_account_of(spec.account.as_ref(), change));
    }
    changes
}

/// Turns a manifest's policy text into a reference, and live IDs into named references.
struct Resolver<'a> {
    manifest: &'a Manifest,
    live: &'a LiveState,
}

impl Resolver<'_> {
    /// The account's policies of one kind, as (id, name).
    fn live_policies(&self, kind: PolicyKind) -> Vec<(&str, &str)> {
        let live = self.live;
        match kind {
            PolicyKind::Cache => live
                .cache_policies
                .iter()
                .map(|p| (p.id.as_str(), p.name.as_str()))
                .collect(),
            PolicyKind::OriginRequest => live
                .origin_request_policies
                .iter()
                .map(|p| (p.id.as_str(), p.name.as_str()))
                .collect(),
            PolicyKind::ResponseHeaders => live
                .response_headers_policies
                .iter()
                .map(|p| (p.id.as_str(), p.name.as_str()))
                .collect(),
        }
    }

    fn live_name(&self, kind: PolicyKind, id: &str) -> Option<String> {
        self.live_policies(kind)
            .into_iter()
            .find(|(live_id, _)| *live_id == id)
            .map(|(_, name)| name.to_string())
    }

    fn live_id(&self, kind: PolicyKind, name: &str) -> Option<String> {
        self.live_policies(kind)
            .into_iter()
            .find(|(_, live_name)| *live_name == name)
            .map(|(id, _)| id.to_string())
    }

    fn declared(&self, kind: PolicyKind, name: &str) -> bool {
        match kind {
            PolicyKind::Cache => false,
            PolicyKind::OriginRequest => self
                .manifest
                .origin_request_policies
                .iter()
                .any(|p| p.name == name),
            PolicyKind::ResponseHeaders => self
                .manifest
                .response_headers_policies
                .iter()
                .any(|p| p.name == name),
        }
    }

    /// A live reference with its name filled in where it is known.
    fn named(&self, kind: PolicyKind, reference: &Option<PolicyRef>) -> Option<PolicyRef> {
        reference.as_ref().map(|r| match (&r.name, &r.id) {
            (None, Some(id)) => PolicyRef {
                id: Some(id.clone()),
                name: self.live_name(kind, id),
            },
            _ => r.clone(),
        })
    }

    fn resolve(&self, kind: PolicyKind, text: &str) -> Result<PolicyRef, Unmakeable> {
        if let Some(managed) = managed_policies::by_name(kind, text) {
            return Ok(PolicyRef::by_id(managed.id));
        }
        if looks_like_policy_id(text) {
            let mut reference = PolicyRef::by_id(text);
            reference.name = reference.name.or_else(|| self.live_name(kind, text));
            return Ok(reference);
        }
        let id = self.live_id(kind, text);
        if id.is_some() || self.declared(kind, text) {
            return Ok(PolicyRef {
                id,
                name: Some(text.to_string()),
            });
        }
        Err(Unmakeable::NoPolicyNamed {
            kind,
            name: text.to_string(),
        })
    }
}

/// The settings a behavior will have once the manifest is applied: live settings with every field
/// the manifest manages replaced. `None` when the manifest does not name that behavior.
pub fn desired_behavior(
    manifest: &Manifest,
    live: &LiveState,
    id: &str,
    path: &crate::cloudfront::behavior::BehaviorPath,
) -> Option<Result<BehaviorSettings, Error>> {
    let spec = manifest
        .distribution(id)?
        .behaviors
        .iter()
        .find(|b| &b.path == path)?;
    let current = live.distribution(id)?.behavior(path)?;
    let resolver = Resolver { manifest, live };
    let desired = desired_settings(current, spec, &resolver).map_err(|problem| Error::Behavior {
        distribution: id.to_string(),
        path: path.clone(),
        problem,
    });
    Some(desired.map(|(after, _)| after))
}

fn distribution_change(
    spec: &Declared<DistributionSpec>,
    live: &LiveDistribution,
    resolver: &Resolver<'_>,
    diagnostics: &mut Diagnostics,
) -> Option<Change> {
    let mut behaviors = Vec::new();
    for behavior in &spec.behaviors {
        let Some(current) = live.behavior(&behavior.path) else {
            diagnostics.push(
                Diagnostic::error(
                    behavior.location.clone(),
                    format!(
                        "distribution {} has no behavior `{}`",
                        spec.id, behavior.path
                    ),
                )
                .with_help(Some(format!(
                    "its behaviors are: {}",
                    live.paths().join(", ")
                ))),
            );
            continue;
        };
        let before = BehaviorSettings {
            cache_policy: resolver.named(PolicyKind::Cache, &current.cache_policy),
            origin_request_policy: resolver
                .named(PolicyKind::OriginRequest, &current.origin_request_policy),
            response_headers_policy: resolver.named(
                PolicyKind::ResponseHeaders,
                &current.response_headers_policy,
            ),
            ..current.clone()
        };
        match desired_settings(&before, behavior, resolver) {
            Ok((after, migration)) => {
                if !after.equivalent(&before) {
                    behaviors.push(BehaviorChange {
                        path: behavior.path.clone(),
                        before,
                        after,
                        migration,
                        removed_legacy: None,
                        restore_legacy: behavior
                            .restore_legacy
                            .clone()
                            .filter(|_| migration == Some(Migration::ToLegacy)),
                    });
                }
            }
            Err(problem) => {
                let error = Error::Behavior {
                    distribution: spec.id.clone(),
                    path: behavior.path.clone(),
                    problem,
                };
                diagnostics.push(Diagnostic::error(
                    behavior.location.clone(),
                    error.to_string(),
                ));
            }
        }
    }
    (!behaviors.is_empty()).then(|| Change::Distribution {
        id: spec.id.clone(),
        behaviors,
    })
}

/// The live settings with every field the manifest manages replaced.
fn desired_settings(
    live: &BehaviorSettings,
    spec: &BehaviorSpec,
    resolver: &Resolver<'_>,
) -> Result<(BehaviorSettings, Option<Migration>), Unmakeable> {
    let mut after = live.clone();
    let mut migration = None;
    match &spec.cache_policy {
        Managed::Unmanaged => {}
        Managed::Set(text) => {
            after.cache_policy = Some(resolver.resolve(PolicyKind::Cache, text)?);
            if live.is_legacy() {
                migration = Some(Migration::ToCachePolicy);
                after.forward_headers = None;
            }
        }
        Managed::Detach => {
            after.cache_policy = None;
            after.origin_request_policy = None;
            if !live.is_legacy() {
                migration = Some(Migration::ToLegacy);
            }
        }
    }
    if let Some(headers) = &spec.forward_headers {
        if let Some(cache_policy) = &after.cache_policy {
            return Err(Unmakeable::ForwardHeadersBesideCachePolicy {
                cache_policy: cache_policy.clone(),
            });
        }
        after.forward_headers = Some(headers.clone());
    }
    if let Some(methods) = &spec.allowed_methods {
        after.allowed_methods = methods.clone();
    }
    if let Some(methods) = &spec.cached_methods {
        after.cached_methods = methods.clone();
    }
    if !after
        .cached_methods
        .iter()
        .all(|m| after.allowed_methods.contains(m))
    {
        return Err(Unmakeable::CachedOutsideAllowed {
            cached: after.cached_methods,
            allowed: after.allowed_methods,
        });
    }
    match &spec.origin_request_policy {
        Managed::Unmanaged => {}
        Managed::Detach => after.origin_request_policy = None,
        Managed::Set(text) => {
            if after.cache_policy.is_none() {
                return Err(Unmakeable::OriginRequestWithoutCachePolicy);
            }
            after.origin_request_policy = Some(resolver.resolve(PolicyKind::OriginRequest, text)?);
        }
    }
    match &spec.response_headers_policy {
        Managed::Unmanaged => {}
        Managed::Detach => after.response_headers_policy = None,
        Managed::Set(text) => {
            after.response_headers_policy =
                Some(resolver.resolve(PolicyKind::ResponseHeaders, text)?);
        }
    }
    Ok((after, migration))
}
