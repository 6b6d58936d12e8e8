//! Saved plans (`plan --out`): the changes exactly as reviewed, the manifest's digest, and a
//! fingerprint of the live state of every resource in the plan, so that `apply PLANFILE` writes
//! only what was reviewed and refuses when live state moved.
//!
//! The file is JSON: `{"format": "cors-sync-plan", "version": 2, "checksum": "sha256:…",
//! "signature": "hmac-sha256:…" (only when signed), "body": {…}}`. `checksum` is the SHA-256 of
//! the body's compact JSON: it catches a corrupted, truncated or carelessly edited file, not a
//! forgery (anyone can recompute it). `signature` is an HMAC-SHA256 of the same bytes with a key
//! only the team's pipeline holds (`CORS_SYNC_PLAN_KEY`): it catches forgeries too. The body holds
//! `created_by`, `manifest_sha256`, `made_in` (the account and endpoints the plan was made
//! against), `plan` (the changes, with full before/after) and `fingerprints`
//! (`[{"address", "sha256"}]`, one for every change).
//!
//! When the manifest declares accounts the file is version 3: the body adds `accounts` (each
//! account's name, id and how it was reached, so `apply PLANFILE` acts the same way without the
//! manifest), and every change and fingerprint names its `account`. An older cors-sync refuses it
//! rather than apply it to whatever account its credentials reach.
//!
//! Fields added since, each optional so that older files still load and older cors-syncs (which
//! ignore fields they do not know) still apply newer files: `made_at` and `manifest_path` (when
//! and from what the plan was made), `review` (the warnings, unmanaged buckets and access
//! summary `plan` printed beside the changes, for `show`), and the plan's `targets` (a partial
//! plan, `plan --target`). They are in the body, so the checksum and signature cover them.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::io;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

mod accounts;
mod current;
mod review;

pub use current::{fingerprints, moved, unfingerprinted, with_live_before};
pub use review::{Review, SavedWarning};

use crate::fingerprint::sha256_text;
use crate::manifest::Account;
use crate::plan::{Address, Plan};
use crate::signature;

pub const FORMAT: &str = "cors-sync-plan";
/// Bumped whenever a change to the body would make an older cors-sync misread it. 2: `made_in`.
pub const VERSION: u32 = 2;
/// A plan across declared accounts.
pub const ACCOUNTS_VERSION: u32 = 3;
const SIGNATURE_PREFIX: &str = "hmac-sha256:";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedPlan {
    /// The cors-sync that made the plan, e.g. `cors-sync 0.1.0`.
    pub created_by: String,
    /// Digest of the manifest files the plan was made from.
    pub manifest_sha256: String,
    /// Where the plan was made; `apply PLANFILE` writes nowhere else.
    pub made_in: Place,
    pub plan: Plan,
    pub fingerprints: Vec<Fingerprint>,
    /// The accounts the plan's changes are in, when the manifest declares accounts.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub accounts: Vec<Account>,
    /// When the plan was made, RFC 3339 UTC; absent from files made before `show`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub made_at: Option<String>,
    /// The manifest path the plan was made from, as given to `plan -f`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manifest_path: Option<String>,
    /// What `plan` showed beside the changes, so `show` shows the same.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review: Option<Review>,
}

/// The AWS a run reaches: the account its credentials act in, and the endpoints it was pointed
/// at when they are not AWS's own.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Place {
    /// From STS GetCallerIdentity; empty across declared accounts, whose IDs the account guard
    /// checks instead.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub account_id: String,
    /// Overridden endpoints by service (`s3`, `cloudfront`), userinfo removed.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub endpoints: BTreeMap<String, String>,
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.account_id.is_empty() {
            write!(f, "the declared accounts")?;
        } else {
            write!(f, "account {}", self.account_id)?;
        }
        for (service, endpoint) in &self.endpoints {
            write!(f, ", {service} endpoint {endpoint}")?;
        }
        if self.endpoints.is_empty() {
            write!(f, " on AWS's own endpoints")?;
        }
        Ok(())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fingerprint {
    pub address: Address,
    pub sha256: String,
    /// The resource's account, when the manifest declares accounts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    /// A distribution's ETag when it was read (also inside `sha256`), to say when it moved.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub etag: Option<String>,
}

impl SavedPlan {
    /// The file format version this plan is written in: a plan across accounts needs version 3.
    fn format_version(&self) -> u32 {
        if self.accounts.is_empty() {
            VERSION
        } else {
            ACCOUNTS_VERSION
        }
    }

    /// Every recorded fingerprint by (account, address), built once: a check of each change
    /// against the list would be quadratic in a saved plan of 100,000 buckets.
    pub fn fingerprints_by_key(&self) -> HashMap<(Option<&str>, &Address), &Fingerprint> {
        let mut by_key = HashMap::with_capacity(self.fingerprints.len());
        for f in &self.fingerprints {
            by_key
                .entry((f.account.as_deref(), &f.address))
                .or_insert(f);
        }
        by_key
    }
}

/// The file: written with the body serialized straight from the plan, read with the body as
/// JSON first (its checksum is over the body as the file holds it).
#[derive(Serialize, Deserialize)]
struct Envelope<Body> {
    format: String,
    version: u32,
    checksum: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    signature: Option<String>,
    body: Body,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanFileError {
    /// Not JSON at all, or cut short.
    #[error("the plan file is corrupt or truncated ({0})")]
    Unreadable(String),
    #[error("this is not a cors-sync plan file")]
    NotAPlan,
    #[error("the plan file has format version {found}; this cors-sync reads version {VERSION} (and {ACCOUNTS_VERSION} across accounts). Make the plan again with this cors-sync")]
    Version { found: u32 },
    #[error("the plan file's checksum does not match its contents: it was corrupted or edited")]
    Checksum,
    #[error("the plan file's contents are not a plan this cors-sync understands ({0})")]
    Body(String),
    #[error("the plan file is not signed, and CORS_SYNC_PLAN_KEY is set: only plans signed with that key are applied")]
    Unsigned,
    #[error("the plan file is signed, but CORS_SYNC_PLAN_KEY is not set to check the signature")]
    NoKey,
    #[error("the plan file's signature does not match its contents and CORS_SYNC_PLAN_KEY: it was edited, forged, or signed with another key")]
    Signature,
}

/// The plan file's text; signed when `key` is given.
pub fn encode(saved: &SavedPlan, key: Option<&[u8]>) -> String {
    let mut text = Vec::new();
    // Writing into memory fails only where serializing would (it cannot: every key is a string).
    let _ = write(saved, key, &mut text);
    String::from_utf8(text).unwrap_or_default()
}

/// Writes the plan file's text to `out`; signed when `key` is given. Neither the file's text nor
/// the body's compact JSON is held whole: a plan of 100,000 changes is 160 MB of text.
pub fn write(saved: &SavedPlan, key: Option<&[u8]>, out: &mut dyn io::Write) -> io::Result<()> {
    // The body's compact JSON is what the checksum and the signature cover: serialized straight
    // from the plan, it is the same bytes as through a JSON value (keys keep their order).
    let mut covered = Covered {
        sha256: Sha256::new(),
        signing: key.and_then(signature::Signing::new),
    };
    serde_json::to_writer(&mut covered, saved)?;
    let envelope = Envelope {
        format: FORMAT.to_string(),
        version: saved.format_version(),
        checksum: sha256_text(covered.sha256.finalize().as_slice()),
        signature: covered
            .signing
            .map(|signing| format!("{SIGNATURE_PREFIX}{}", signing.hex())),
        body: saved,
    };
    serde_json::to_writer_pretty(&mut *out, &envelope)?;
    out.write_all(b"\n")
}

/// The checksum and the signature, taken over the body's bytes as they are serialized.
struct Covered {
    sha256: Sha256,
    signing: Option<signature::Signing>,
}

impl io::Write for Covered {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.sha256.update(bytes);
        if let Some(signing) = &mut self.signing {
            signing.update(bytes);
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// The saved plan in `text`. With `key`, only a plan signed with that key is accepted; without
/// one, a signed plan is refused rather than applied unchecked.
pub fn decode(text: &str, key: Option<&[u8]>) -> Result<SavedPlan, PlanFileError> {
    if !text.trim_start().starts_with('{') && !text.trim().is_empty() {
        return Err(PlanFileError::NotAPlan);
    }
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| PlanFileError::Unreadable(e.to_string()))?;
    if value.get("format").and_then(|f| f.as_str()) != Some(FORMAT) {
        return Err(PlanFileError::NotAPlan);
    }
    let envelope: Envelope<serde_json::Value> =
        serde_json::from_value(value).map_err(|e| PlanFileError::Unreadable(e.to_string()))?;
    if envelope.version != VERSION && envelope.version != ACCOUNTS_VERSION {
        return Err(PlanFileError::Version {
            found: envelope.version,
        });
    }
    // The checksum and the signature over the body's compact JSON, taken in one pass as it is
    // serialized, never held: 160 MB for a plan of 100,000 changes.
    let mut covered = Covered {
        sha256: Sha256::new(),
        signing: key.and_then(signature::Signing::new),
    };
    serde_json::to_writer(&mut covered, &envelope.body)
        .map_err(|e| PlanFileError::Unreadable(e.to_string()))?;
    let Covered { sha256, signing } = covered;
    if sha256_text(sha256.finalize().as_slice()) != envelope.checksum {
        return Err(PlanFileError::Checksum);
    }
    match (key, &envelope.signature) {
        (None, None) => {}
        (None, Some(_)) => return Err(PlanFileError::NoKey),
        (Some(_), None) => return Err(PlanFileError::Unsigned),
        (Some(_), Some(signature)) => {
            let signed = signature
                .strip_prefix(SIGNATURE_PREFIX)
                .zip(signing)
                .is_some_and(|(tag, signing)| signing.verify(tag));
            if !signed {
                return Err(PlanFileError::Signature);
            }
        }
    }
    let saved: SavedPlan =
        serde_json::from_value(envelope.body).map_err(|e| PlanFileError::Body(e.to_string()))?;
    if envelope.version != saved.format_version() {
        return Err(PlanFileError::Body(format!(
            "a version {} file {} accounts",
            envelope.version,
            if saved.accounts.is_empty() {
                "without"
            } else {
                "with"
            }
        )));
    }
    // A plan makes at most one change to a resource; a second one (the file edited, lines
    // duplicated) would be written twice.
    let mut seen = std::collections::HashSet::new();
    for (account, change) in saved.plan.entries() {
        let address = change.address();
        if !seen.insert((account, address.clone())) {
            return Err(PlanFileError::Body(format!(
                "it changes {address}{} twice; a plan changes each resource once",
                account
                    .map(|a| format!(" in account {a}"))
                    .unwrap_or_default()
            )));
        }
    }
    Ok(saved)
}

/// Whether a plan file's signature was checked, for `show`, which reads a plan without applying it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signature {
    Unsigned,
    /// Signed, and the signature matches `CORS_SYNC_PLAN_KEY`.
    Checked,
    /// Signed, but no key was given to check it with.
    NotChecked,
}

/// The saved plan in `text`, to be shown rather than applied: every check `decode` makes, except
/// that a signature without a key to check it (or a key without a signature) is reported instead
/// of refused. A signature that does not match the key is still an error.
pub fn inspect(text: &str, key: Option<&[u8]>) -> Result<(SavedPlan, Signature), PlanFileError> {
    match decode(text, key) {
        Ok(saved) if key.is_some() => Ok((saved, Signature::Checked)),
        Ok(saved) => Ok((saved, Signature::Unsigned)),
        // The checksum is still checked: only the signature is set aside.
        Err(PlanFileError::NoKey) => {
            decode(&unsigned(text)?, None).map(|s| (s, Signature::NotChecked))
        }
        Err(PlanFileError::Unsigned) => decode(text, None).map(|s| (s, Signature::Unsigned)),
        Err(other) => Err(other),
    }
}

/// The file's text with its signature removed.
fn unsigned(text: &str) -> Result<String, PlanFileError> {
    let mut value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| PlanFileError::Unreadable(e.to_string()))?;
    if let Some(envelope) = value.as_object_mut() {
        envelope.remove("signature");
    }
    Ok(value.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bucket::Bucket;
    use crate::bucket_cors::{BucketCors, CorsRule};
    use crate::plan::{Change, LiveState, PlannedChange};

    /// The old way: the body's compact JSON held whole, hashed and signed apart.
    fn checksum(body: &serde_json::Value) -> String {
        crate::fingerprint::sha256_hex(serde_json::to_string(body).unwrap_or_default().as_bytes())
    }

    fn signed_bytes(body: &serde_json::Value) -> Vec<u8> {
        serde_json::to_vec(body).unwrap_or_default()
    }

    fn saved() -> SavedPlan {
        SavedPlan {
            created_by: "cors-sync 0.0.0".into(),
            manifest_sha256: "sha256:00".into(),
            made_in: Place {
                account_id: "123456789012".into(),
                endpoints: BTreeMap::new(),
            },
            plan: Plan {
                changes: vec![PlannedChange {
                    account: None,
                    change: Change::BucketCors {
                        bucket: "b".into(),
                        region: "eu-west-1".into(),
                        before: BucketCors::none(),
                        after: BucketCors::new(vec![CorsRule::allowing(&["*"], &["GET"])]),
                    },
                }],
                ..Plan::default()
            },
            fingerprints: vec![Fingerprint {
                address: Address::S3Bucket("b".into()),
                sha256: "sha256:11".into(),
                account: None,
                etag: None,
            }],
            accounts: Vec::new(),
            made_at: None,
            manifest_path: None,
            review: None,
        }
    }

    /// The same plan, its change and fingerprint in the declared account `prod`.
    fn in_prod() -> SavedPlan {
        let mut saved = saved();
        saved.plan.changes[0].account = Some("prod".into());
        saved.fingerprints[0].account = Some("prod".into());
        saved.accounts = vec![Account {
            name: "prod".into(),
            id: Some("111111111111".into()),
            provider: Default::default(),
            endpoint_url: None,
            role_arn: Some("arn:aws:iam::111111111111:role/cors-sync".into()),
            external_id: None,
            session_name: None,
            profile: None,
            location: Default::default(),
        }];
        saved
    }

    /// A fingerprint holds for its own account only: one recorded under another account leaves
    /// the change unfingerprinted, a check in another account finds none of it moved, and a
    /// bucket read in another account is absent.
    #[test]
    fn fingerprints_and_what_moved_are_each_accounts_own() {
        let saved = in_prod();
        let b = Address::S3Bucket("b".into());
        assert_eq!(unfingerprinted(&saved), Vec::<Address>::new());
        let mut edited = in_prod();
        edited.fingerprints[0].account = Some("media".into());
        assert_eq!(unfingerprinted(&edited), std::slice::from_ref(&b));

        let as_recorded = [saved.fingerprints[0].clone()];
        let changed = [Fingerprint {
            sha256: "sha256:22".into(),
            ..saved.fingerprints[0].clone()
        }];
        assert_eq!(
            moved(&saved, Some("prod"), &as_recorded),
            Vec::<&Address>::new()
        );
        assert_eq!(moved(&saved, Some("prod"), &changed), [&b]);
        assert_eq!(
            moved(&saved, Some("media"), &changed),
            Vec::<&Address>::new()
        );

        let read_in = |account: &str| LiveState {
            account: Some(account.into()),
            buckets: vec![Bucket {
                name: "b".into(),
                region: "eu-west-1".into(),
                cors: BucketCors::none(),
            }],
            ..LiveState::default()
        };
        let sha256 = |live: &LiveState| fingerprints(&saved.plan.changes, live)[0].sha256.clone();
        assert_eq!(sha256(&read_in("media")), "absent");
        assert_eq!(
            sha256(&read_in("prod")),
            crate::fingerprint::bucket("eu-west-1", &BucketCors::none())
        );
    }

    #[test]
    fn a_saved_plan_round_trips() {
        assert_eq!(decode(&encode(&saved(), None), None), Ok(saved()));
    }

    #[test]
    fn a_plan_that_changes_a_resource_twice_is_refused_even_when_signed() {
        let mut twice = saved();
        twice.plan.changes.push(twice.plan.changes[0].clone());
        let key: &[u8] = b"team key";
        assert_eq!(
            decode(&encode(&twice, Some(key)), Some(key)),
            Err(PlanFileError::Body(
                "it changes s3_bucket.b twice; a plan changes each resource once".into()
            ))
        );
    }

    #[test]
    fn truncated_edited_foreign_and_future_files_are_refused() {
        let text = encode(&saved(), None);
        assert!(matches!(
            decode(&text[..text.len() / 2], None),
            Err(PlanFileError::Unreadable(_))
        ));
        assert_eq!(
            decode(&text.replace("eu-west-1", "eu-west-2"), None),
            Err(PlanFileError::Checksum)
        );
        assert_eq!(decode("{\"hello\": 1}", None), Err(PlanFileError::NotAPlan));
        assert_eq!(
            decode(&text.replace("\"version\": 2", "\"version\": 1"), None),
            Err(PlanFileError::Version { found: 1 })
        );
        assert!(matches!(
            decode("", None),
            Err(PlanFileError::Unreadable(_))
        ));
    }

    #[test]
    fn a_signed_plan_is_applied_only_with_its_key() {
        let key = b"team secret".as_slice();
        let signed = encode(&saved(), Some(key));
        assert_eq!(decode(&signed, Some(key)), Ok(saved()));
        assert_eq!(
            decode(&signed, Some(b"another key".as_slice())),
            Err(PlanFileError::Signature)
        );
        assert_eq!(decode(&signed, None), Err(PlanFileError::NoKey));
        assert_eq!(
            decode(&encode(&saved(), None), Some(key)),
            Err(PlanFileError::Unsigned)
        );
        // A forger who edits the body and recomputes the checksum still lacks the key.
        let mut envelope: serde_json::Value = serde_json::from_str(&signed).unwrap();
        envelope["body"]["plan"]["changes"][0]["detail"]["region"] = "us-east-1".into();
        envelope["checksum"] = checksum(&envelope["body"]).into();
        let forged = serde_json::to_string(&envelope).unwrap();
        assert_eq!(decode(&forged, Some(key)), Err(PlanFileError::Signature));
    }

    #[test]
    fn a_plan_across_accounts_is_version_3_and_keeps_each_changes_account() {
        let mut saved = in_prod();
        let text = encode(&saved, None);
        assert!(text.contains("\"version\": 3"), "{text}");
        assert_eq!(decode(&text, None), Ok(saved.clone()));
        let names: Vec<&str> = saved
            .accounts_in_play()
            .unwrap()
            .iter()
            .flatten()
            .map(|a| a.name.as_str())
            .collect();
        assert_eq!(names, ["prod"]);
        let address = Address::S3Bucket("b".into());
        let recorded = saved.fingerprints_by_key();
        assert!(recorded.contains_key(&(Some("prod"), &address)));
        assert!(!recorded.contains_key(&(Some("media"), &address)));
        assert!(!recorded.contains_key(&(None, &address)));
        // A version 3 file must declare its accounts, and a version 2 file must not.
        let stripped = text.replace("\"version\": 3", "\"version\": 2");
        assert!(matches!(
            decode(&stripped, None),
            Err(PlanFileError::Body(_))
        ));
        // A change in an account the file does not declare is an edited file.
        saved.accounts[0].name = "media".into();
        assert!(matches!(
            saved.accounts_in_play(),
            Err(PlanFileError::Body(_))
        ));
    }

    /// The file as it was made before the body was serialized straight from the plan: through a
    /// JSON value, whose compact text the checksum and signature covered.
    fn encoded_through_a_json_value(saved: &SavedPlan, key: Option<&[u8]>) -> String {
        let body = serde_json::to_value(saved).unwrap();
        let envelope = Envelope {
            format: FORMAT.to_string(),
            version: saved.format_version(),
            checksum: checksum(&body),
            signature: key
                .and_then(|key| signature::sign(key, &signed_bytes(&body)))
                .map(|hex| format!("{SIGNATURE_PREFIX}{hex}")),
            body,
        };
        serde_json::to_string_pretty(&envelope).unwrap() + "\n"
    }

    #[test]
    fn a_plan_file_is_byte_for_byte_what_it_was_through_a_json_value() {
        let mut across = in_prod();
        across.accounts[0].endpoint_url = Some("https://s3.example.com".into());
        across.accounts[0].external_id = Some("ci".into());
        across.made_at = Some("2026-12-06T21:00:00Z".into());
        across.plan.targets = vec![Address::S3Bucket("b".into())];
        let key: &[u8] = b"team key";
        for (plan, key) in [(&saved(), None), (&across, None), (&across, Some(key))] {
            assert_eq!(encode(plan, key), encoded_through_a_json_value(plan, key));
        }
    }

    #[test]
    fn a_change_without_a_fingerprint_is_named() {
        let mut saved = saved();
        saved.fingerprints.clear();
        assert_eq!(unfingerprinted(&saved), vec![Address::S3Bucket("b".into())]);
    }
}
