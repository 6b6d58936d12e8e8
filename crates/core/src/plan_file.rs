//! Saved plans (`plan --out`): the changes exactly as reviewed, the manifest's digest, and a
//! fingerprint of the live state of every resource in the plan, so that `apply PLANFILE` writes
//! only what was reviewed and refuses when live state moved.
//!
//! The file is JSON: `{"format": "cors-sync-plan", "version": 1, "checksum": "sha256:…", "body": {…}}`.
//! `checksum` is the SHA-256 of the body's compact JSON, so a corrupted, truncated or hand-edited
//! file is refused rather than applied. The body holds `created_by`, `manifest_sha256`, `plan`
//! (the changes, with full before/after) and `fingerprints` (`[{"address", "sha256"}]`).

use serde::{Deserialize, Serialize};

use crate::fingerprint::{self, sha256_hex};
use crate::plan::{Address, Change, LiveState, Plan};

pub const FORMAT: &str = "cors-sync-plan";
/// Bumped whenever a change to the body would make an older cors-sync misread it.
pub const VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedPlan {
    /// The cors-sync that made the plan, e.g. `cors-sync 0.1.0`.
    pub created_by: String,
    /// Digest of the manifest files the plan was made from.
    pub manifest_sha256: String,
    pub plan: Plan,
    pub fingerprints: Vec<Fingerprint>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fingerprint {
    pub address: Address,
    pub sha256: String,
    /// A distribution's ETag when it was read (also inside `sha256`), to say when it moved.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub etag: Option<String>,
}

impl SavedPlan {
    pub fn fingerprint(&self, address: &Address) -> Option<&Fingerprint> {
        self.fingerprints.iter().find(|f| &f.address == address)
    }
}

/// The fingerprint of each resource in the plan, from live state read for it. A resource missing
/// from `live` fingerprints as absent, which differs from any state it was planned from.
pub fn fingerprints(plan: &Plan, live: &LiveState) -> Vec<Fingerprint> {
    plan.changes
        .iter()
        .map(|change| {
            let sha256 = match change {
                Change::BucketCors { bucket, .. } => {
                    live.buckets.iter().find(|b| &b.name == bucket).map_or_else(
                        || "absent".to_string(),
                        |b| fingerprint::bucket(&b.region, &b.cors),
                    )
                }
                Change::Distribution { id, .. } => live
                    .distributions
                    .iter()
                    .find(|d| &d.id == id)
                    .map_or_else(|| "absent".to_string(), fingerprint::distribution),
                Change::OriginRequestPolicy { name, .. } => fingerprint::origin_request_policy(
                    live.origin_request_policies
                        .iter()
                        .find(|p| &p.name == name),
                ),
                Change::ResponseHeadersPolicy { name, .. } => fingerprint::response_headers_policy(
                    live.response_headers_policies
                        .iter()
                        .find(|p| &p.name == name),
                ),
            };
            let etag = match change {
                Change::Distribution { id, .. } => live
                    .distributions
                    .iter()
                    .find(|d| &d.id == id)
                    .and_then(|d| d.etag.clone()),
                _ => None,
            };
            Fingerprint {
                address: change.address(),
                sha256,
                etag,
            }
        })
        .collect()
}

/// The resources whose live state no longer has the fingerprint the plan recorded.
pub fn moved<'p>(saved: &'p SavedPlan, now: &[Fingerprint]) -> Vec<&'p Address> {
    saved
        .fingerprints
        .iter()
        .filter(|recorded| {
            now.iter()
                .find(|f| f.address == recorded.address)
                .is_none_or(|f| f.sha256 != recorded.sha256)
        })
        .map(|f| &f.address)
        .collect()
}

#[derive(Serialize, Deserialize)]
struct Envelope {
    format: String,
    version: u32,
    checksum: String,
    body: serde_json::Value,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanFileError {
    /// Not JSON at all, or cut short.
    #[error("the plan file is corrupt or truncated ({0})")]
    Unreadable(String),
    #[error("this is not a cors-sync plan file")]
    NotAPlan,
    #[error("the plan file has format version {found}; this cors-sync reads version {VERSION}. Make the plan again with this cors-sync")]
    Version { found: u32 },
    #[error("the plan file's checksum does not match its contents: it was corrupted or edited")]
    Checksum,
    #[error("the plan file's contents are not a plan this cors-sync understands ({0})")]
    Body(String),
}

fn checksum(body: &serde_json::Value) -> String {
    sha256_hex(serde_json::to_string(body).unwrap_or_default().as_bytes())
}

pub fn encode(saved: &SavedPlan) -> String {
    let body = serde_json::to_value(saved).unwrap_or_default();
    let envelope = Envelope {
        format: FORMAT.to_string(),
        version: VERSION,
        checksum: checksum(&body),
        body,
    };
    let mut text = serde_json::to_string_pretty(&envelope).unwrap_or_default();
    text.push('\n');
    text
}

pub fn decode(text: &str) -> Result<SavedPlan, PlanFileError> {
    if !text.trim_start().starts_with('{') && !text.trim().is_empty() {
        return Err(PlanFileError::NotAPlan);
    }
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| PlanFileError::Unreadable(e.to_string()))?;
    if value.get("format").and_then(|f| f.as_str()) != Some(FORMAT) {
        return Err(PlanFileError::NotAPlan);
    }
    let envelope: Envelope =
        serde_json::from_value(value).map_err(|e| PlanFileError::Unreadable(e.to_string()))?;
    if envelope.version != VERSION {
        return Err(PlanFileError::Version {
            found: envelope.version,
        });
    }
    if checksum(&envelope.body) != envelope.checksum {
        return Err(PlanFileError::Checksum);
    }
    serde_json::from_value(envelope.body).map_err(|e| PlanFileError::Body(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bucket_cors::CorsRule;

    fn saved() -> SavedPlan {
        SavedPlan {
            created_by: "cors-sync 0.0.0".into(),
            manifest_sha256: "sha256:00".into(),
            plan: Plan {
                changes: vec![Change::BucketCors {
                    bucket: "b".into(),
                    region: "eu-west-1".into(),
                    before: None,
                    after: Some(vec![CorsRule::allowing(&["*"], &["GET"])]),
                }],
            },
            fingerprints: vec![Fingerprint {
                address: Address::S3Bucket("b".into()),
                sha256: "sha256:11".into(),
                etag: None,
            }],
        }
    }

    #[test]
    fn a_saved_plan_round_trips() {
        assert_eq!(decode(&encode(&saved())), Ok(saved()));
    }

    #[test]
    fn truncated_edited_foreign_and_future_files_are_refused() {
        let text = encode(&saved());
        assert!(matches!(
            decode(&text[..text.len() / 2]),
            Err(PlanFileError::Unreadable(_))
        ));
        assert_eq!(
            decode(&text.replace("eu-west-1", "eu-west-2")),
            Err(PlanFileError::Checksum)
        );
        assert_eq!(decode("{\"hello\": 1}"), Err(PlanFileError::NotAPlan));
        assert_eq!(
            decode(&text.replace("\"version\": 1", "\"version\": 2")),
            Err(PlanFileError::Version { found: 2 })
        );
        assert!(matches!(decode(""), Err(PlanFileError::Unreadable(_))));
    }
}
