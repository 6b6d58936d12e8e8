//! One planned change. Each variant carries the resource it changes, so a change's address and
//! its contents cannot disagree, and its action follows from what it holds (nothing live: create;
//! nothing desired: delete).
//!
//! Plan files and backup journals keep the older wire shape (`{"address", "action", "detail":
//! {"kind", ...}}`); `wire` converts, and a file whose address, action and detail disagree is
//! refused once, when it is decoded.

use serde::{Deserialize, Serialize};

use crate::address::Address;
use crate::bucket_cors::BucketCors;
use crate::cloudfront::behavior::{BehaviorPath, BehaviorSettings, LegacyCacheSettings};
use crate::cloudfront::policies::{
    CorsPolicy, LiveOriginRequestPolicy, LiveResponseHeadersPolicy, OriginRequestHeaders,
};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "wire::Change", try_from = "wire::Change")]
pub enum Change {
    /// create: no configuration live → rules (PutBucketCors); update: rules differ (PutBucketCors,
    /// replacing the whole configuration); delete: rules live → `cors_rules: []` (DeleteBucketCors).
    /// `before` and `after` are never both unconfigured.
    BucketCors {
        bucket: String,
        /// Where the write goes.
        region: String,
        before: BucketCors,
        after: BucketCors,
    },
    /// Always an update: cors-sync changes behaviors, never creates or deletes distributions.
    Distribution {
        id: String,
        behaviors: Vec<BehaviorChange>,
    },
    /// A create when nothing is live (`live` is `None`), else an update.
    OriginRequestPolicy {
        name: String,
        live: Option<LivePolicy<OriginRequestHeaders>>,
        after: OriginRequestHeaders,
    },
    ResponseHeadersPolicy {
        name: String,
        /// The policy's CORS is `None` when the live policy sets no CORS headers.
        live: Option<LivePolicy<Option<CorsPolicy>>>,
        after: CorsPolicy,
    },
}

/// A policy as it is live: its ID (what an update names) and the part cors-sync manages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LivePolicy<T> {
    pub id: String,
    pub before: T,
}

impl From<&LiveOriginRequestPolicy> for LivePolicy<OriginRequestHeaders> {
    fn from(policy: &LiveOriginRequestPolicy) -> Self {
        LivePolicy {
            id: policy.id.clone(),
            before: policy.headers.clone(),
        }
    }
}

impl From<&LiveResponseHeadersPolicy> for LivePolicy<Option<CorsPolicy>> {
    fn from(policy: &LiveResponseHeadersPolicy) -> Self {
        LivePolicy {
            id: policy.id.clone(),
            before: policy.cors.clone(),
        }
    }
}

impl Change {
    pub fn address(&self) -> Address {
        match self {
            Change::BucketCors { bucket, .. } => Address::S3Bucket(bucket.clone()),
            Change::Distribution { id, .. } => Address::CloudFrontDistribution(id.clone()),
            Change::OriginRequestPolicy { name, .. } => Address::OriginRequestPolicy(name.clone()),
            Change::ResponseHeadersPolicy { name, .. } => {
                Address::ResponseHeadersPolicy(name.clone())
            }
        }
    }

    pub fn action(&self) -> Action {
        match self {
            Change::BucketCors { before, .. } if !before.is_configured() => Action::Create,
            Change::BucketCors { after, .. } if !after.is_configured() => Action::Delete,
            Change::BucketCors { .. } | Change::Distribution { .. } => Action::Update,
            Change::OriginRequestPolicy { live, .. } => Action::of_policy(live.is_some()),
            Change::ResponseHeadersPolicy { live, .. } => Action::of_policy(live.is_some()),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    Create,
    Update,
    Delete,
}

impl Action {
    fn of_policy(exists: bool) -> Self {
        if exists {
            Action::Update
        } else {
            Action::Create
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BehaviorChange {
    pub path: BehaviorPath,
    pub before: BehaviorSettings,
    pub after: BehaviorSettings,
    pub migration: Option<Migration>,
    /// In a backup journal, on a move to a cache policy: the legacy settings that write removed,
    /// as read just before it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub removed_legacy: Option<LegacyCacheSettings>,
    /// On a move back to legacy made by rollback: the legacy settings to restore instead of
    /// CloudFront's defaults.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restore_legacy: Option<LegacyCacheSettings>,
}

impl BehaviorChange {
    /// What else the same update changes when the behavior switches between legacy settings
    /// and a cache policy.
    pub fn migration_note(&self) -> Option<String> {
        let migration = self.migration?;
        match (migration, &self.restore_legacy) {
            (Migration::ToLegacy, Some(legacy)) => {
                let ttl = |t: Option<i64>| t.map_or_else(|| "unset".to_string(), |t| t.to_string());
                Some(format!(
                    "behavior {} moves from its cache policy back to legacy settings: the same update removes the cache and origin request policies and restores the ForwardedValues (query strings {}, cookies {}) and TTLs ({}/{}/{} s) the backup recorded",
                    self.path,
                    if legacy.query_string { "forwarded" } else { "not forwarded" },
                    legacy.cookies,
                    ttl(legacy.min_ttl),
                    ttl(legacy.default_ttl),
                    ttl(legacy.max_ttl),
                ))
            }
            _ => Some(migration.describe(&self.path)),
        }
    }
}

/// A switch between legacy cache settings and a cache policy, which other fields change with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Migration {
    /// ForwardedValues and the legacy MinTTL/DefaultTTL/MaxTTL are removed.
    ToCachePolicy,
    /// The cache and origin request policies are removed; ForwardedValues and CloudFront's
    /// default TTLs are set.
    ToLegacy,
}

impl Migration {
    pub fn describe(self, path: &BehaviorPath) -> String {
        match self {
            Migration::ToCachePolicy => format!(
                "behavior {path} moves from legacy ForwardedValues to a cache policy: the same update removes ForwardedValues and the legacy MinTTL/DefaultTTL/MaxTTL"
            ),
            Migration::ToLegacy => format!(
                "behavior {path} moves from its cache policy back to legacy settings: the same update removes the cache and origin request policies and sets ForwardedValues with CloudFront's default TTLs (0/86400/31536000 s)"
            ),
        }
    }
}

/// The shape plan files and backup journals have always had. Kept byte for byte: a saved plan or
/// a journal written before this shape existed must still read.
mod wire {
    use serde::{Deserialize, Serialize};

    use super::{Action, Address, BehaviorChange, LivePolicy};
    use crate::bucket_cors::{BucketCors, CorsRule};
    use crate::cloudfront::policies::{CorsPolicy, OriginRequestHeaders};

    #[derive(Serialize, Deserialize)]
    pub struct Change {
        address: Address,
        action: Action,
        detail: Detail,
    }

    #[derive(Serialize, Deserialize)]
    #[serde(tag = "kind", rename_all = "snake_case")]
    enum Detail {
        BucketCors {
            region: String,
            before: Option<Vec<CorsRule>>,
            after: Option<Vec<CorsRule>>,
        },
        Distribution {
            behaviors: Vec<BehaviorChange>,
        },
        OriginRequestPolicy {
            id: Option<String>,
            before: Option<OriginRequestHeaders>,
            after: OriginRequestHeaders,
        },
        ResponseHeadersPolicy {
            id: Option<String>,
            before: Option<Option<CorsPolicy>>,
            after: CorsPolicy,
        },
    }

    impl From<super::Change> for Change {
        fn from(change: super::Change) -> Self {
            let address = change.address();
            let action = change.action();
            let detail = match change {
                super::Change::BucketCors {
                    region,
                    before,
                    after,
                    ..
                } => Detail::BucketCors {
                    region,
                    before: before.into_configured(),
                    after: after.into_configured(),
                },
                super::Change::Distribution { behaviors, .. } => Detail::Distribution { behaviors },
                super::Change::OriginRequestPolicy { live, after, .. } => {
                    let (id, before) = split(live);
                    Detail::OriginRequestPolicy { id, before, after }
                }
                super::Change::ResponseHeadersPolicy { live, after, .. } => {
                    let (id, before) = split(live);
                    Detail::ResponseHeadersPolicy { id, before, after }
                }
            };
            Change {
                address,
                action,
                detail,
            }
        }
    }

    fn split<T>(live: Option<LivePolicy<T>>) -> (Option<String>, Option<T>) {
        match live {
            Some(LivePolicy { id, before }) => (Some(id), Some(before)),
            None => (None, None),
        }
    }

    fn joined<T>(
        address: &Address,
        id: Option<String>,
        before: Option<T>,
    ) -> Result<Option<LivePolicy<T>>, String> {
        match (id, before) {
            (Some(id), Some(before)) => Ok(Some(LivePolicy { id, before })),
            (None, None) => Ok(None),
            _ => Err(format!(
                "{address}: a policy change needs both its live ID and its live state, or neither"
            )),
        }
    }

    impl TryFrom<Change> for super::Change {
        type Error = String;

        fn try_from(wire: Change) -> Result<Self, String> {
            let Change {
                address,
                action,
                detail,
            } = wire;
            let change = match (&address, detail) {
                (
                    Address::S3Bucket(bucket),
                    Detail::BucketCors {
                        region,
                        before,
                        after,
                    },
                ) => {
                    let before = BucketCors::from_configured(before);
                    let after = BucketCors::from_configured(after);
                    if !before.is_configured() && !after.is_configured() {
                        return Err(format!(
                            "{address}: a bucket change with neither a before nor an after state"
                        ));
                    }
                    super::Change::BucketCors {
                        bucket: bucket.clone(),
                        region,
                        before,
                        after,
                    }
                }
                (Address::CloudFrontDistribution(id), Detail::Distribution { behaviors }) => {
                    super::Change::Distribution {
                        id: id.clone(),
                        behaviors,
                    }
                }
                (
                    Address::OriginRequestPolicy(name),
                    Detail::OriginRequestPolicy { id, before, after },
                ) => super::Change::OriginRequestPolicy {
                    name: name.clone(),
                    live: joined(&address, id, before)?,
                    after,
                },
                (
                    Address::ResponseHeadersPolicy(name),
                    Detail::ResponseHeadersPolicy { id, before, after },
                ) => super::Change::ResponseHeadersPolicy {
                    name: name.clone(),
                    live: joined(&address, id, before)?,
                    after,
                },
                _ => {
                    return Err(format!(
                        "{address}: the change's detail is for another kind of resource"
                    ))
                }
            };
            if change.action() != action {
                return Err(format!(
                    "{address}: the action `{}` does not follow from the change's before and after states",
                    serde_json::to_string(&action).unwrap_or_default().trim_matches('"')
                ));
            }
            Ok(change)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bucket_cors::CorsRule;

    fn rules() -> BucketCors {
        BucketCors::new(vec![CorsRule::allowing(&["https://a.example"], &["GET"])])
    }

    #[test]
    fn the_wire_shape_is_the_one_plan_files_have_always_had() {
        let change = Change::BucketCors {
            bucket: "b".into(),
            region: "eu-west-1".into(),
            before: BucketCors::none(),
            after: rules(),
        };
        let json = serde_json::to_string(&change).unwrap();
        assert_eq!(
            json,
            r#"{"address":"s3_bucket.b","action":"create","detail":{"kind":"bucket_cors","region":"eu-west-1","before":null,"after":[{"allowed_origins":["https://a.example"],"allowed_methods":["GET"]}]}}"#
        );
        assert_eq!(serde_json::from_str::<Change>(&json).unwrap(), change);
    }

    #[test]
    fn a_change_whose_parts_disagree_is_refused_when_read() {
        let cases = [
            (
                r#"{"address":"cloudfront_distribution.E1","action":"update","detail":{"kind":"bucket_cors","region":"r","before":null,"after":[]}}"#,
                "the change's detail is for another kind of resource",
            ),
            (
                r#"{"address":"s3_bucket.b","action":"delete","detail":{"kind":"bucket_cors","region":"r","before":null,"after":[{"allowed_origins":["https://a.example"],"allowed_methods":["GET"]}]}}"#,
                "the action `delete` does not follow",
            ),
            // An empty rule list is no configuration (S3 cannot hold one): not a create.
            (
                r#"{"address":"s3_bucket.b","action":"create","detail":{"kind":"bucket_cors","region":"r","before":null,"after":[]}}"#,
                "neither a before nor an after state",
            ),
            (
                r#"{"address":"s3_bucket.b","action":"update","detail":{"kind":"bucket_cors","region":"r","before":null,"after":null}}"#,
                "neither a before nor an after state",
            ),
            (
                r#"{"address":"origin_request_policy.p","action":"update","detail":{"kind":"origin_request_policy","id":"X","before":null,"after":{"header_behavior":"none","headers":[]}}}"#,
                "needs both its live ID and its live state",
            ),
        ];
        for (json, expected) in cases {
            let error = serde_json::from_str::<Change>(json)
                .unwrap_err()
                .to_string();
            assert!(error.contains(expected), "{json}: {error}");
        }
    }
}
