//! `terraform show -json`, of a state or a saved plan: the values of every resource in the root
//! module and its child modules (`values` for a state, `planned_values` for a plan, where a value
//! not known until apply is left out and flagged in `resource_changes[].change.after_unknown`).

use serde_json::{Map, Value};

use super::{behavior_settings, problem, strings, Converted, Found, Input, Unreadable};
use crate::bucket_cors::CorsRule;
use crate::cloudfront::behavior::BehaviorPath;
use crate::cloudfront::policies::CorsPolicy;
use crate::Error;

pub(super) fn read(input: &Input<'_>, converted: &mut Converted) -> Result<(), Error> {
    let file = input.file;
    let document: Value = serde_json::from_str(input.text).map_err(|e| {
        problem(
            file,
            Unreadable::NotJson {
                error: e.to_string(),
            },
        )
    })?;
    let root = document
        .get("values")
        .or_else(|| document.get("planned_values"))
        .and_then(|v| v.get("root_module"));
    let Some(root) = root.filter(|_| document.get("format_version").is_some()) else {
        return Err(problem(file, Unreadable::NotTerraformJson));
    };
    let unknown = unknown_values(&document);
    let before = converted.clone();
    let mut resources = Vec::new();
    collect(root, &mut resources);
    for resource in resources {
        let address = resource
            .get("address")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let source = format!("from {file}: {address}");
        let values = resource.get("values").cloned().unwrap_or_default();
        let kind = resource
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let unknown = unknown.get(address);
        // What a saved plan leaves out of `planned_values` because only apply will know it.
        let fields: &[&str] = match kind {
            "aws_s3_bucket_cors_configuration" | "aws_s3_bucket" => &["cors_rule"],
            "aws_cloudfront_distribution" => &["default_cache_behavior", "ordered_cache_behavior"],
            "aws_cloudfront_origin_request_policy" => &["headers_config"],
            "aws_cloudfront_response_headers_policy" => &["cors_config"],
            _ => &[],
        };
        let left_out = unknown
            .map(|u| unknown_paths(u, fields))
            .unwrap_or_default();
        let warned = converted.warnings.len();
        match kind {
            "aws_s3_bucket_cors_configuration" | "aws_s3_bucket" => {
                let rules = cors_rules(values.get("cors_rule"));
                if rules.is_empty() && kind == "aws_s3_bucket" {
                    continue;
                }
                let bucket = values.get("bucket").and_then(Value::as_str);
                let Some(bucket) = bucket.filter(|b| !b.is_empty()) else {
                    let why =
                        if unknown.is_some_and(|u| u.get("bucket") == Some(&Value::Bool(true))) {
                            "is not known until apply"
                        } else {
                            "is not in the file"
                        };
                    converted.warnings.push(format!(
                        "{address} in {file}: its bucket name {why}, so its CORS rules were not carried over"
                    ));
                    continue;
                };
                if rules.len() > 1 {
                    converted.warnings.push(format!(
                        "{address} in {file}: bucket `{bucket}` has {} rules, and Terraform keeps `cors_rule` as a set: the order shown need not be the order S3 evaluates; confirm it against `cors-sync plan`",
                        rules.len()
                    ));
                }
                converted.buckets.push(Found {
                    name: bucket.to_string(),
                    value: rules,
                    source,
                });
            }
            "aws_cloudfront_distribution" => {
                let Some(id) = values
                    .get("id")
                    .and_then(Value::as_str)
                    .filter(|i| !i.is_empty())
                else {
                    converted.warnings.push(format!(
                        "{address} in {file}: the distribution's ID is not known until apply, so its behaviors were not carried over"
                    ));
                    continue;
                };
                let mut behaviors = Vec::new();
                let unknown_at = |block: &str, index: usize| {
                    unknown
                        .and_then(|u| u.get(block))
                        .and_then(|b| b.get(index))
                        .is_some_and(policy_id_unknown)
                };
                let mut found = Vec::new();
                if let Some(default) = first(values.get("default_cache_behavior")) {
                    found.push((
                        BehaviorPath::Default,
                        default,
                        unknown_at("default_cache_behavior", 0),
                    ));
                }
                for (index, ordered) in values
                    .get("ordered_cache_behavior")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .enumerate()
                {
                    let path = ordered
                        .get("path_pattern")
                        .and_then(Value::as_str)
                        .unwrap_or_default();
                    found.push((
                        BehaviorPath::from_key(path),
                        ordered,
                        unknown_at("ordered_cache_behavior", index),
                    ));
                }
                for (path, value, computed) in found {
                    if computed {
                        // Written without its policy, the behavior would have it detached.
                        converted.warnings.push(format!(
                            "{address} in {file}: behavior {path} refers to a policy by an ID known only after apply, so the behavior was not carried over"
                        ));
                    } else {
                        behaviors.push((path, behavior(value)));
                    }
                }
                converted.distributions.push(Found {
                    name: id.to_string(),
                    value: behaviors,
                    source,
                });
            }
            "aws_cloudfront_origin_request_policy" => {
                let Some(name) = name(&values) else {
                    name_unknown(unknown, address, file, converted);
                    continue;
                };
                let headers = first(values.get("headers_config"))
                    .and_then(|c| first(c.get("headers")))
                    .map(|h| strings(h.get("items")))
                    .unwrap_or_default();
                converted.origin_request_policies.push(Found {
                    name,
                    value: headers,
                    source,
                });
            }
            "aws_cloudfront_response_headers_policy" => {
                let Some(name) = name(&values) else {
                    name_unknown(unknown, address, file, converted);
                    continue;
                };
                let Some(cors) = first(values.get("cors_config")) else {
                    continue;
                };
                converted.response_headers_policies.push(Found {
                    name,
                    value: cors_policy(cors),
                    source,
                });
            }
            _ => {}
        }
        // Said once per resource, unless it was left out whole (a warning already says why).
        let carried = converted.warnings.len() == warned;
        if carried && !left_out.is_empty() {
            converted.warnings.push(format!(
                "{address} in {file}: {} known only after apply, so left out; convert the state once applied, or review what was carried over",
                left_out.join(", ")
            ));
        }
    }
    if *converted == before {
        converted.warnings.push(format!(
            "{file}: no CORS resources found (the manifest is empty)"
        ));
    }
    Ok(())
}

/// Every resource of a module and its child modules, depth first.
fn collect<'a>(module: &'a Value, into: &mut Vec<&'a Map<String, Value>>) {
    for resource in module
        .get("resources")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        if let Some(resource) = resource.as_object() {
            if resource.get("mode").and_then(Value::as_str) != Some("data") {
                into.push(resource);
            }
        }
    }
    for child in module
        .get("child_modules")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        collect(child, into);
    }
}

/// A policy whose name is not in the file: said when the plan marks it as known only after apply
/// (a policy with no name at all is not a resource Terraform could create).
fn name_unknown(unknown: Option<&Value>, address: &str, file: &str, converted: &mut Converted) {
    if unknown.is_some_and(|u| u.get("name") == Some(&Value::Bool(true))) {
        converted.warnings.push(format!(
            "{address} in {file}: its name is not known until apply, so it was not carried over"
        ));
    }
}

/// Every place under `fields` that `after_unknown` marks as known only after apply, as a path
/// (`cors_rule[0].allowed_origins[1]`). Policy IDs of behaviors are left to the behavior's own
/// warning.
fn unknown_paths(unknown: &Value, fields: &[&str]) -> Vec<String> {
    fn walk(value: &Value, path: String, into: &mut Vec<String>) {
        match value {
            Value::Bool(true) => into.push(path),
            Value::Array(items) => {
                for (index, item) in items.iter().enumerate() {
                    walk(item, format!("{path}[{index}]"), into);
                }
            }
            Value::Object(fields) => {
                for (key, item) in fields {
                    if !key.ends_with("_policy_id") {
                        walk(item, format!("{path}.{key}"), into);
                    }
                }
            }
            _ => {}
        }
    }
    let mut paths = Vec::new();
    for field in fields {
        if let Some(value) = unknown.get(*field) {
            walk(value, (*field).to_string(), &mut paths);
        }
    }
    paths
}

/// A saved plan's `after_unknown` by resource address: the values known only after apply.
fn unknown_values(document: &Value) -> std::collections::HashMap<String, Value> {
    document
        .get("resource_changes")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|change| {
            let address = change.get("address")?.as_str()?.to_string();
            let unknown = change.get("change")?.get("after_unknown")?.clone();
            Some((address, unknown))
        })
        .collect()
}

/// Whether a behavior's `after_unknown` marks one of its policy IDs as known only after apply.
fn policy_id_unknown(unknown: &Value) -> bool {
    unknown.as_object().is_some_and(|fields| {
        fields
            .iter()
            .any(|(key, value)| key.ends_with("_policy_id") && value == &Value::Bool(true))
    })
}

/// Terraform writes a nested block as a list of one object.
fn first(value: Option<&Value>) -> Option<&Value> {
    value
        .and_then(Value::as_array)
        .and_then(|items| items.first())
}

fn name(values: &Value) -> Option<String> {
    values
        .get("name")
        .and_then(Value::as_str)
        .filter(|n| !n.is_empty())
        .map(str::to_string)
}

fn cors_rules(value: Option<&Value>) -> Vec<CorsRule> {
    value
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|rule| CorsRule {
            // Terraform writes an unset optional string as "".
            id: rule
                .get("id")
                .and_then(Value::as_str)
                .filter(|id| !id.is_empty())
                .map(str::to_string),
            allowed_origins: strings(rule.get("allowed_origins")),
            allowed_methods: strings(rule.get("allowed_methods")),
            allowed_headers: strings(rule.get("allowed_headers")),
            expose_headers: strings(rule.get("expose_headers")),
            // An unset max_age_seconds is written as 0 or null; S3 has none then.
            max_age_seconds: rule
                .get("max_age_seconds")
                .and_then(Value::as_i64)
                .filter(|n| *n != 0)
                .and_then(|n| i32::try_from(n).ok()),
        })
        .collect()
}

fn behavior(value: &Value) -> crate::cloudfront::behavior::BehaviorSettings {
    let id = |key: &str| value.get(key).and_then(Value::as_str).map(str::to_string);
    let forwarded = first(value.get("forwarded_values")).map(|f| strings(f.get("headers")));
    behavior_settings(
        strings(value.get("allowed_methods")),
        strings(value.get("cached_methods")),
        forwarded,
        [
            id("cache_policy_id"),
            id("origin_request_policy_id"),
            id("response_headers_policy_id"),
        ],
    )
}

fn cors_policy(cors: &Value) -> CorsPolicy {
    let items = |key: &str| {
        first(cors.get(key))
            .map(|v| strings(v.get("items")))
            .unwrap_or_default()
    };
    CorsPolicy {
        allow_origins: items("access_control_allow_origins"),
        allow_methods: items("access_control_allow_methods"),
        allow_headers: items("access_control_allow_headers"),
        expose_headers: items("access_control_expose_headers"),
        allow_credentials: cors
            .get("access_control_allow_credentials")
            .and_then(Value::as_bool)
            .unwrap_or(false),
        max_age_seconds: cors
            .get("access_control_max_age_sec")
            .and_then(Value::as_i64)
            .filter(|n| *n != 0)
            .and_then(|n| i32::try_from(n).ok()),
        origin_override: cors
            .get("origin_override")
            .and_then(Value::as_bool)
            .unwrap_or(false),
    }
}
