//! An account as a manifest declares it: its name, the store it is on (AWS unless `provider:`
//! says otherwise, `crate::provider`), the ID it must be, and how a run acts in it; and a
//! resource's reference to one. Which account each resource is in is resolved with the
//! manifest (`manifest::accounts`).

use serde::{Deserialize, Serialize};

use crate::diagnostic::SourceLocation;
use crate::provider::Provider;

/// The session name AssumeRole is given when `session_name:` is left out.
pub const DEFAULT_SESSION_NAME: &str = "cors-sync";

/// One declared account: its name in the manifest, the ID it must be, and how to act in it
/// (a role assumed from the base credentials, a profile, or the base credentials themselves).
/// Saved plans record it as is, so `apply PLANFILE` acts the same way without the manifest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    pub name: String,
    /// Twelve digits on AWS, checked with STS GetCallerIdentity before anything is read;
    /// optional elsewhere (R2's account ID, for instance), where it is not checked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The store the account is on.
    #[serde(default, skip_serializing_if = "Provider::is_aws")]
    pub provider: Provider,
    /// The store's S3 endpoint for this account (overrides `--endpoint-url`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoint_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role_arn: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<String>,
    /// Where it is declared (nowhere, when read back from a saved plan).
    #[serde(skip)]
    pub location: SourceLocation,
}

impl Account {
    pub fn session_name(&self) -> &str {
        self.session_name.as_deref().unwrap_or(DEFAULT_SESSION_NAME)
    }

    /// How credentials are had, in words: `role ARN`, `profile NAME` or `the base credentials`.
    pub fn reached_through(&self) -> String {
        match (&self.role_arn, &self.profile) {
            (Some(role), _) => format!("role {role}"),
            (None, Some(profile)) => format!("profile {profile}"),
            (None, None) => "the base credentials".to_string(),
        }
    }
}

/// An `account:` as written: the name, and where it stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountRef {
    pub name: String,
    pub location: SourceLocation,
}
