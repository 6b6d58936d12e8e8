//! Everything cors-sync prints about a plan or a manifest, built from the model in one place.

pub mod access_report;
pub mod apply_summary;
pub mod check_report;
pub mod explain_report;
pub mod findings;
pub mod json_plan;
pub mod json_schema;
pub mod manifest_yaml;
pub mod markdown_plan;
pub mod plan_view;
pub mod saved_plan;
pub mod text_plan;
pub mod verify_report;

use serde::{Deserialize, Serialize};

/// The plural ending for `n` of something: `format!("{n} rule{}", plural(n))`.
pub fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// A bucket with a CORS configuration that the manifest does not name: reported by
/// `plan --report-unmanaged` as information, never as a change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnmanagedBucket {
    pub address: String,
    pub region: String,
    pub rules: usize,
    /// The declared account it was found in, when the manifest declares accounts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
}

impl UnmanagedBucket {
    /// `eu-west-1`, or `eu-west-1, account prod` across accounts.
    pub fn whereabouts(&self) -> String {
        match &self.account {
            Some(account) => format!("{}, account {account}", self.region),
            None => self.region.clone(),
        }
    }
}
