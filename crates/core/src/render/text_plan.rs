//! The human plan: terraform-like blocks, one per changed resource, each with a unified diff of
//! what changes, then a summary line.

use std::fmt::Write;

use similar::TextDiff;

use super::manifest_yaml::{self, list, scalar};
use super::plural;
use super::UnmanagedBucket;
use crate::bucket::Bucket;
use crate::bucket_cors::{BucketCors, CorsRule};
use crate::cloudfront::behavior::BehaviorSettings;
use crate::cloudfront::policies::{CorsPolicy, OriginRequestHeaders, PolicyRef};
use crate::normalize;
use crate::plan::{Action, Change, LivePolicy, LiveState, Plan, ResourceKey};
use crate::visible::visible;

/// ANSI colour, only when the caller has decided the output is a terminal that wants it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Colour {
    Never,
    Always,
}

impl Colour {
    fn paint(self, code: &str, text: &str) -> String {
        match self {
            Colour::Never => text.to_string(),
            Colour::Always => format!("\x1b[{code}m{text}\x1b[0m"),
        }
    }
}

const RED: &str = "31";
const GREEN: &str = "32";
const YELLOW: &str = "33";
const CYAN: &str = "36";
const BOLD: &str = "1";

pub fn render(plan: &Plan, colour: Colour) -> String {
    let mut out = whole_or_partial(plan, colour);
    if let Some(line) = partial_line(plan) {
        out.push_str(&colour.paint(YELLOW, &line));
        out.push('\n');
    }
    out
}

/// What a partial plan (`--target`) says about itself, after the plan; `None` for a whole one.
pub fn partial_line(plan: &Plan) -> Option<String> {
    if !plan.is_partial() {
        return None;
    }
    let targets: Vec<String> = plan.targets.iter().map(ToString::to_string).collect();
    Some(format!(
        "This plan is partial (--target): only {} {} read and planned; the manifest's other resources were not compared with live state.",
        targets.join(", "),
        if targets.len() == 1 { "was" } else { "were" }
    ))
}

fn whole_or_partial(plan: &Plan, colour: Colour) -> String {
    if plan.is_empty() {
        return "No changes. Live CORS configuration matches the manifest.\n".to_string();
    }
    let mut out = String::from("cors-sync will perform the following actions:\n");
    let mut current = None;
    for (account, change) in plan.entries() {
        out.push('\n');
        if account.is_some() && account != current {
            current = account;
            let heading = format!("In account {}:", visible(account.unwrap_or_default()));
            let _ = writeln!(out, "{}\n", colour.paint(BOLD, &heading));
        }
        out.push_str(&change_block(change, colour));
    }
    out.push('\n');
    out.push_str(&summary_line(plan, colour));
    out
}

pub fn summary_line(plan: &Plan, colour: Colour) -> String {
    let s = plan.summary();
    let line = format!(
        "Plan: {} to create, {} to update, {} to delete.",
        s.create, s.update, s.delete
    );
    format!("{}\n", colour.paint(BOLD, &line))
}

/// The buckets with CORS that the manifest does not name, as an information section.
pub fn unmanaged_section(unmanaged: &[UnmanagedBucket]) -> String {
    let mut out = String::from("\nBuckets with a CORS configuration that the manifest does not name (information only; never changed):\n");
    if unmanaged.is_empty() {
        out.push_str("  none\n");
    }
    for bucket in unmanaged {
        let _ = writeln!(
            out,
            "  {} ({}): {} rule{}",
            bucket.address,
            bucket.whereabouts(),
            bucket.rules,
            plural(bucket.rules)
        );
    }
    out
}

/// The symbol and verb a change is announced with.
pub fn action_words(action: Action) -> (&'static str, &'static str) {
    match action {
        Action::Create => ("+", "created"),
        Action::Update => ("~", "updated"),
        Action::Delete => ("-", "deleted"),
    }
}

/// What a change is to, as its announcement names it: "s3_bucket.x (eu-west-1): CORS configuration".
pub fn subject(change: &Change) -> String {
    let address = change.address();
    match change {
        Change::BucketCors { region, .. } => format!("{address} ({region}): CORS configuration"),
        Change::Distribution { behaviors, .. } => {
            let n = behaviors.len();
            format!("{address}: {n} behavior{}", plural(n))
        }
        Change::OriginRequestPolicy { .. } => format!("{address}: origin request policy"),
        Change::ResponseHeadersPolicy { .. } => format!("{address}: response headers policy"),
    }
}

/// One change as the text plan shows it: its announcement line, then its diffs.
pub fn change_block(change: &Change, colour: Colour) -> String {
    let (symbol, verb) = action_words(change.action());
    let symbol_colour = match change.action() {
        Action::Create => GREEN,
        Action::Update => YELLOW,
        Action::Delete => RED,
    };
    let mut out = String::new();
    let subject = subject(change);
    let (address, rest) = subject.split_at(change.address().to_string().len());
    let _ = writeln!(
        out,
        "  {} {}{rest} will be {verb}",
        colour.paint(symbol_colour, symbol),
        colour.paint(BOLD, address),
    );
    match change {
        Change::BucketCors { before, after, .. } => {
            let label = |side: &str, cors: &BucketCors| match cors.is_configured() {
                true => side.to_string(),
                false => format!("{side} (no CORS configuration)"),
            };
            out.push_str(&diff(
                &rules_listing(before.configured()),
                &rules_listing(after.configured()),
                (&label("live", before), &label("manifest", after)),
                colour,
            ));
        }
        Change::Distribution { behaviors, .. } => {
            for behavior in behaviors {
                let _ = writeln!(
                    out,
                    "      behavior {}:",
                    visible(&behavior.path.to_string())
                );
                out.push_str(&diff(
                    &behavior_listing(&behavior.before),
                    &behavior_listing(&behavior.after),
                    ("live", "manifest"),
                    colour,
                ));
                if let Some(note) = behavior.migration_note() {
                    let _ = writeln!(out, "      note: {note}");
                }
            }
        }
        Change::OriginRequestPolicy { live, after, .. } => {
            let before_text = live
                .as_ref()
                .map(|live| origin_request_listing(&live.before))
                .unwrap_or_default();
            let label = if live.is_some() {
                "live"
            } else {
                "live (no such policy)"
            };
            out.push_str(&diff(
                &before_text,
                &origin_request_listing(after),
                (label, "manifest"),
                colour,
            ));
        }
        Change::ResponseHeadersPolicy { live, after, .. } => {
            let before_text = match live {
                Some(LivePolicy {
                    before: Some(cors), ..
                }) => cors_policy_listing(cors),
                Some(LivePolicy { before: None, .. }) => "cors: null\n".to_string(),
                None => String::new(),
            };
            let label = if live.is_some() {
                "live"
            } else {
                "live (no such policy)"
            };
            out.push_str(&diff(
                &before_text,
                &cors_policy_listing(after),
                (label, "manifest"),
                colour,
            ));
        }
    }
    out
}

/// How a resource in a saved plan moved: the live state the plan was made from against the live
/// state now, for the parts the plan would change.
pub fn moved_block(
    change: &Change,
    now: &LiveState,
    recorded_etag: Option<&str>,
    colour: Colour,
) -> String {
    let bucket_now = match change {
        Change::BucketCors { bucket, .. } => now.bucket(bucket),
        _ => None,
    };
    moved_block_of(change, bucket_now, now, recorded_etag, colour)
}

/// `moved_block` for each of `moved` (a change in `now`'s account, and the ETag its plan
/// recorded): the buckets read are indexed once, not searched for each one, as every resource of
/// a 100,000-bucket plan may have moved.
pub fn moved_blocks<'c>(
    moved: impl IntoIterator<Item = (&'c Change, Option<&'c str>)>,
    now: &LiveState,
    colour: Colour,
) -> Vec<String> {
    let buckets = now.buckets_by_key();
    moved
        .into_iter()
        .map(|(change, recorded_etag)| {
            let bucket_now = match change {
                Change::BucketCors { bucket, .. } => buckets
                    .get(&ResourceKey {
                        account: now.account.as_deref(),
                        name: bucket,
                    })
                    .copied(),
                _ => None,
            };
            moved_block_of(change, bucket_now, now, recorded_etag, colour)
        })
        .collect()
}

fn moved_block_of(
    change: &Change,
    bucket_now: Option<&Bucket>,
    now: &LiveState,
    recorded_etag: Option<&str>,
    colour: Colour,
) -> String {
    let labels = ("when planned", "now");
    let mut out = format!(
        "  {}: moved since the plan was made\n",
        colour.paint(BOLD, &change.address().to_string())
    );
    match change {
        Change::BucketCors { before, .. } => {
            let current = bucket_now.map(|b| b.cors.rules.as_slice());
            out.push_str(&diff(
                &rules_listing(before.configured()),
                &rules_listing(current),
                labels,
                colour,
            ));
        }
        Change::Distribution { id, behaviors } => {
            let current = now.distribution(id);
            for behavior in behaviors {
                let now_text = current
                    .and_then(|d| d.behavior(&behavior.path))
                    .map_or_else(|| "(no such behavior)\n".to_string(), behavior_listing);
                let before_text = behavior_listing(&behavior.before);
                if before_text != now_text {
                    let _ = writeln!(
                        out,
                        "      behavior {}:",
                        visible(&behavior.path.to_string())
                    );
                    out.push_str(&diff(&before_text, &now_text, labels, colour));
                }
            }
            let etag_now = current.and_then(|d| d.etag.as_deref());
            if etag_now != recorded_etag {
                let show = |etag: Option<&str>| etag.unwrap_or("(none)").to_string();
                let _ = writeln!(
                    out,
                    "      ETag {} → {}: the distribution was updated since the plan was made",
                    show(recorded_etag),
                    show(etag_now)
                );
            }
        }
        Change::OriginRequestPolicy { name, live, .. } => {
            let listing = |live: Option<&LivePolicy<_>>| {
                live.map(|live| origin_request_listing(&live.before))
                    .unwrap_or_default()
            };
            let before_text = listing(live.as_ref());
            let now_text = listing(now.origin_request_policy(name).as_ref());
            out.push_str(&diff(&before_text, &now_text, labels, colour));
        }
        Change::ResponseHeadersPolicy { name, live, .. } => {
            let listing = |cors: &Option<CorsPolicy>| {
                cors.as_ref()
                    .map_or_else(|| "cors: null\n".to_string(), cors_policy_listing)
            };
            let text = |live: Option<&LivePolicy<_>>| {
                live.map(|live| listing(&live.before)).unwrap_or_default()
            };
            let before_text = text(live.as_ref());
            let now_text = text(now.response_headers_policy(name).as_ref());
            out.push_str(&diff(&before_text, &now_text, labels, colour));
        }
    }
    out
}

fn diff(before: &str, after: &str, labels: (&str, &str), colour: Colour) -> String {
    let text_diff = TextDiff::from_lines(before, after);
    let unified = text_diff
        .unified_diff()
        // The whole listing as context: a field is only meaningful next to its neighbours.
        .context_radius(before.lines().count().max(after.lines().count()))
        .header(labels.0, labels.1)
        .to_string();
    let mut out = String::new();
    for line in unified.lines() {
        let painted = match line.chars().next() {
            Some('+') if !line.starts_with("+++") => colour.paint(GREEN, line),
            Some('-') if !line.starts_with("---") => colour.paint(RED, line),
            Some('@') => colour.paint(CYAN, line),
            _ => line.to_string(),
        };
        let _ = writeln!(out, "      {painted}");
    }
    out
}

fn rules_listing(rules: Option<&[CorsRule]>) -> String {
    let shown: Vec<CorsRule> = rules
        .unwrap_or_default()
        .iter()
        .map(normalize::for_display)
        .collect();
    manifest_yaml::rules(&shown)
}

/// A list sorted case-insensitively, so that order never shows up as a difference.
fn sorted(items: &[String]) -> String {
    let mut items = items.to_vec();
    items.sort_by_key(|s| s.to_ascii_lowercase());
    list(&items)
}

fn policy(reference: &Option<PolicyRef>) -> String {
    reference
        .as_ref()
        .map_or_else(|| "null".to_string(), |r| scalar(&r.to_string()))
}

fn behavior_listing(settings: &BehaviorSettings) -> String {
    format!(
        "forward_headers: {}\ncache_policy: {}\norigin_request_policy: {}\nresponse_headers_policy: {}\nallowed_methods: {}\ncached_methods: {}\n",
        settings.forward_headers.as_deref().map_or_else(|| "null".to_string(), sorted),
        policy(&settings.cache_policy),
        policy(&settings.origin_request_policy),
        policy(&settings.response_headers_policy),
        sorted(&settings.allowed_methods),
        sorted(&settings.cached_methods),
    )
}

fn origin_request_listing(headers: &OriginRequestHeaders) -> String {
    format!(
        "header_behavior: {}\nheaders: {}\n",
        headers.header_behavior,
        sorted(&headers.headers)
    )
}

fn cors_policy_listing(cors: &CorsPolicy) -> String {
    let mut out = format!(
        "allow_origins: {}\nallow_methods: {}\nallow_headers: {}\nexpose_headers: {}\nallow_credentials: {}\n",
        sorted(&cors.allow_origins),
        sorted(&cors.allow_methods),
        sorted(&cors.allow_headers),
        sorted(&cors.expose_headers),
        cors.allow_credentials,
    );
    if let Some(seconds) = cors.max_age_seconds {
        let _ = writeln!(out, "max_age_seconds: {seconds}");
    }
    let _ = writeln!(out, "origin_override: {}", cors.origin_override);
    out
}
