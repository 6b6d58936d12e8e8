//! CloudFormation (and CDK-synthesised) templates, JSON or YAML with short-form intrinsic tags:
//! `AWS::S3::Bucket` `CorsConfiguration`, `AWS::CloudFront::Distribution` behaviors, and the two
//! CloudFront policy types. Only literal names and IDs carry over: a value computed by an
//! intrinsic function (`!Ref`, `Fn::Sub`, ...) is known only once the stack is deployed.

use serde_json::{Map, Value};

use super::{problem, strings, Converted, Found, Input};
use crate::bucket_cors::CorsRule;
use crate::cloudfront::policies::CorsPolicy;
use crate::manifest::yaml_tree::{self, Node, NodeValue};
use crate::Error;

pub(super) fn read(input: &Input<'_>, converted: &mut Converted) -> Result<(), Error> {
    let file = input.file;
    let template = if input.text.trim_start().starts_with('{') {
        serde_json::from_str::<Value>(input.text)
            .map_err(|e| problem(file, format!("not JSON: {e}")))?
    } else {
        let node = yaml_tree::parse_cloudformation(input.text).map_err(|e| {
            problem(
                file,
                format!(
                    "not YAML: {} at line {} column {}",
                    e.message, e.position.line, e.position.column
                ),
            )
        })?;
        json(&node)
    };
    let Some(resources) = template.get("Resources").and_then(Value::as_object) else {
        return Err(problem(
            file,
            "not a CloudFormation template: expected a `Resources` mapping",
        ));
    };
    for (logical_id, resource) in resources {
        let source = format!("from {file}: {logical_id}");
        let properties = resource.get("Properties").cloned().unwrap_or_default();
        match resource.get("Type").and_then(Value::as_str).unwrap_or_default() {
            "AWS::S3::Bucket" => {
                let Some(rules) = properties
                    .get("CorsConfiguration")
                    .and_then(|c| c.get("CorsRules"))
                    .and_then(Value::as_array)
                else {
                    continue;
                };
                let Some(bucket) = literal(properties.get("BucketName")) else {
                    converted.warnings.push(format!(
                        "{logical_id} in {file}: its BucketName is not a literal (computed, or left to CloudFormation), so its CORS rules were not carried over"
                    ));
                    continue;
                };
                converted.buckets.push(Found {
                    name: bucket,
                    value: rules.iter().map(rule).collect(),
                    source,
                });
            }
            "AWS::CloudFront::Distribution" => converted.warnings.push(format!(
                "{logical_id} in {file}: a distribution's ID is known only once the stack is deployed, so its behaviors were not carried over (import it with `cors-sync import --distribution ID`)"
            )),
            "AWS::CloudFront::OriginRequestPolicy" => {
                let config = properties.get("OriginRequestPolicyConfig");
                let Some(name) = literal(config.and_then(|c| c.get("Name"))) else {
                    converted.warnings.push(format!(
                        "{logical_id} in {file}: its Name is not a literal, so it was not carried over"
                    ));
                    continue;
                };
                let headers = config
                    .and_then(|c| c.get("HeadersConfig"))
                    .map(|h| strings(h.get("Headers")))
                    .unwrap_or_default();
                converted.origin_request_policies.push(Found {
                    name,
                    value: headers,
                    source,
                });
            }
            "AWS::CloudFront::ResponseHeadersPolicy" => {
                let config = properties.get("ResponseHeadersPolicyConfig");
                let Some(cors) = config.and_then(|c| c.get("CorsConfig")) else {
                    continue;
                };
                let Some(name) = literal(config.and_then(|c| c.get("Name"))) else {
                    converted.warnings.push(format!(
                        "{logical_id} in {file}: its Name is not a literal, so it was not carried over"
                    ));
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
    }
    Ok(())
}

/// A string the template states outright; `None` for an intrinsic function or nothing.
fn literal(value: Option<&Value>) -> Option<String> {
    value
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

fn rule(value: &Value) -> CorsRule {
    CorsRule {
        id: literal(value.get("Id")),
        allowed_origins: strings(value.get("AllowedOrigins")),
        allowed_methods: strings(value.get("AllowedMethods")),
        allowed_headers: strings(value.get("AllowedHeaders")),
        // CloudFormation spells these ExposedHeaders and MaxAge.
        expose_headers: strings(value.get("ExposedHeaders")),
        max_age_seconds: value
            .get("MaxAge")
            .and_then(|v| v.as_i64().or_else(|| v.as_str()?.parse().ok()))
            .and_then(|n| i32::try_from(n).ok()),
    }
}

fn cors_policy(cors: &Value) -> CorsPolicy {
    let items = |key: &str| strings(cors.get(key).and_then(|v| v.get("Items")));
    let flag = |key: &str| {
        cors.get(key)
            .and_then(|v| v.as_bool().or_else(|| v.as_str()?.parse().ok()))
            .unwrap_or(false)
    };
    CorsPolicy {
        allow_origins: items("AccessControlAllowOrigins"),
        allow_methods: items("AccessControlAllowMethods"),
        allow_headers: items("AccessControlAllowHeaders"),
        expose_headers: items("AccessControlExposeHeaders"),
        allow_credentials: flag("AccessControlAllowCredentials"),
        max_age_seconds: cors
            .get("AccessControlMaxAgeSec")
            .and_then(|v| v.as_i64().or_else(|| v.as_str()?.parse().ok()))
            .and_then(|n| i32::try_from(n).ok()),
        origin_override: flag("OriginOverride"),
    }
}

/// A YAML node as the JSON value CloudFormation's JSON syntax would give.
fn json(node: &Node) -> Value {
    match &node.value {
        NodeValue::Null => Value::Null,
        NodeValue::Bool(b) => Value::Bool(*b),
        NodeValue::Integer(i) => Value::from(*i),
        NodeValue::Float(f) => serde_json::Number::from_f64(*f).map_or(Value::Null, Value::Number),
        NodeValue::String(s) => Value::String(s.clone()),
        NodeValue::Sequence(items) => Value::Array(items.iter().map(json).collect()),
        NodeValue::Mapping(entries) => {
            let mut map = Map::new();
            for (key, value) in entries {
                let key = match &key.value {
                    NodeValue::String(s) => s.clone(),
                    other => json(&Node {
                        position: key.position,
                        value: other.clone(),
                    })
                    .to_string(),
                };
                map.insert(key, json(value));
            }
            Value::Object(map)
        }
    }
}
