//! The JSON plan: a contract that users' pipelines parse. Keep every name and shape; add, never rename.
//!
//! ```json
//! {"format_version": 1,
//!  "changes": [{"address": "s3_bucket.NAME", "action": "create"|"update"|"delete",
//!               "before": [rules] | null, "after": [rules] | null}],
//!  "summary": {"create": N, "update": N, "delete": N}}
//! ```
//!
//! Additions: a bucket change carries `region`. A distribution change has `before` and `after`
//! of the form `{"behaviors": {"<path>": settings}}` for its changed behaviors, and `notes` saying
//! when a behavior moves between legacy settings and a cache policy. A policy change has `id`
//! (null until created) and `before` (null when created) / `after` of its managed settings.
//! When the manifest declares accounts, every change has `account` (the declared name): a
//! policy's address is unique together with its account. An unmanaged bucket has `account` too.
//! A partial plan (`plan --target`) has `targets`: the addresses it is limited to. `show` adds
//! `saved_plan`: where and when the plan file was made.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::{json, Value};

use super::UnmanagedBucket;
use crate::plan::{Address, Change, LivePolicy, Plan, Summary};

pub const FORMAT_VERSION: u32 = 1;

#[derive(Serialize)]
struct PlanDocument<'a> {
    format_version: u32,
    changes: Changes<'a>,
    summary: Summary,
    /// Only with `--report-unmanaged`.
    #[serde(skip_serializing_if = "Option::is_none")]
    unmanaged: Option<&'a [UnmanagedBucket]>,
    /// Only in a partial plan (`--target`): the resources it is limited to.
    #[serde(skip_serializing_if = "<[Address]>::is_empty")]
    targets: &'a [Address],
    /// Only from `show`: where and when the saved plan was made.
    #[serde(skip_serializing_if = "Option::is_none")]
    saved_plan: Option<Value>,
}

/// The plan's changes, each made into its JSON document only as it is written: a plan of 100,000
/// changes is never held as one tree or one string besides the plan itself.
struct Changes<'a>(&'a Plan);

impl Serialize for Changes<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(
            self.0
                .entries()
                .map(|(account, change)| change_document(account, change)),
        )
    }
}

pub fn render(plan: &Plan) -> String {
    render_with(plan, None)
}

pub fn render_with(plan: &Plan, unmanaged: Option<&[UnmanagedBucket]>) -> String {
    render_saved(plan, unmanaged, None)
}

/// As `render_with`, with `saved_plan` (`show`'s account of where and when) added.
pub fn render_saved(
    plan: &Plan,
    unmanaged: Option<&[UnmanagedBucket]>,
    saved_plan: Option<Value>,
) -> String {
    let mut out = Vec::new();
    // Writing plain data into memory cannot fail; an empty object would still be valid JSON.
    match write_saved(plan, unmanaged, saved_plan, &mut out) {
        Ok(()) => String::from_utf8(out).unwrap_or_else(|_| "{}".to_string()),
        Err(_) => "{}".to_string(),
    }
}

/// The JSON plan written to `out` as it is serialised (the same text as `render_with`), so its
/// size costs no memory beyond the plan's own.
pub fn write_with(
    plan: &Plan,
    unmanaged: Option<&[UnmanagedBucket]>,
    out: impl std::io::Write,
) -> std::io::Result<()> {
    write_saved(plan, unmanaged, None, out)
}

fn write_saved(
    plan: &Plan,
    unmanaged: Option<&[UnmanagedBucket]>,
    saved_plan: Option<Value>,
    out: impl std::io::Write,
) -> std::io::Result<()> {
    let document = PlanDocument {
        format_version: FORMAT_VERSION,
        changes: Changes(plan),
        summary: plan.summary(),
        unmanaged,
        targets: &plan.targets,
        saved_plan,
    };
    serde_json::to_writer_pretty(out, &document).map_err(std::io::Error::from)
}

fn change_document(account: Option<&str>, change: &Change) -> Value {
    let mut document = json!({
        "address": change.address(),
        "action": change.action(),
    });
    if let (Some(account), Value::Object(base)) = (account, &mut document) {
        base.insert("account".to_string(), json!(account));
    }
    let extra = match change {
        Change::BucketCors {
            region,
            before,
            after,
            ..
        } => json!({
            "before": before.configured(),
            "after": after.configured(),
            "region": region,
        }),
        Change::Distribution { behaviors, .. } => {
            let side = |pick: fn(
                &crate::plan::BehaviorChange,
            ) -> &crate::cloudfront::behavior::BehaviorSettings| {
                let map: BTreeMap<&str, _> =
                    behaviors.iter().map(|b| (b.path.key(), pick(b))).collect();
                json!({ "behaviors": map })
            };
            let notes: Vec<String> = behaviors
                .iter()
                .filter_map(crate::plan::BehaviorChange::migration_note)
                .collect();
            json!({
                "before": side(|b| &b.before),
                "after": side(|b| &b.after),
                "notes": notes,
            })
        }
        Change::OriginRequestPolicy { live, after, .. } => json!({
            "id": live.as_ref().map(|l| &l.id),
            "before": live.as_ref().map(|LivePolicy { before, .. }| before),
            "after": after,
        }),
        Change::ResponseHeadersPolicy { live, after, .. } => json!({
            "id": live.as_ref().map(|l| &l.id),
            "before": live.as_ref().map(|LivePolicy { before, .. }| json!({ "cors": before })),
            "after": { "cors": after },
        }),
    };
    if let (Value::Object(base), Value::Object(more)) = (&mut document, extra) {
        base.extend(more);
    }
    document
}
