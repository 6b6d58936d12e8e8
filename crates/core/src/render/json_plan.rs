//! The JSON plan: a contract that users' pipelines parse. Keep every name and shape; add, never rename.
//!
//! ```json
//! {"format_version": 1,
//!  "changes": [{"address": "s3_bucket.NAME", "action": "create"|"update"|"delete",
//!               "before": [rules] | null, "after": [rules] | null}],
//!  "summary": {"create": N, "update": N, "delete": N}}
//! ```

use serde::Serialize;

use crate::bucket_cors::CorsRule;
use crate::plan::{Action, Address, Plan, Summary};

pub const FORMAT_VERSION: u32 = 1;

#[derive(Serialize)]
struct PlanDocument<'a> {
    format_version: u32,
    changes: Vec<ChangeDocument<'a>>,
    summary: Summary,
}

#[derive(Serialize)]
struct ChangeDocument<'a> {
    address: &'a Address,
    action: Action,
    before: Option<&'a [CorsRule]>,
    after: Option<&'a [CorsRule]>,
    /// Added beside the contract's fields: where the change is written.
    region: &'a str,
}

pub fn render(plan: &Plan) -> String {
    let document = PlanDocument {
        format_version: FORMAT_VERSION,
        changes: plan
            .changes
            .iter()
            .map(|change| ChangeDocument {
                address: &change.address,
                action: change.action,
                before: change.before.as_deref(),
                after: change.after.as_deref(),
                region: &change.region,
            })
            .collect(),
        summary: plan.summary(),
    };
    // Serialising these plain structs cannot fail; an empty object would still be valid JSON.
    serde_json::to_string_pretty(&document).unwrap_or_else(|_| "{}".to_string())
}
