//! CloudFormation (and CDK-synthesised) templates, JSON or YAML with short-form intrinsic tags:
//! `AWS::S3::Bucket` `CorsConfiguration`, `AWS::CloudFront::Distribution` behaviors, and the two
//! CloudFront policy types. Only literal names and IDs carry over: a value computed by an
//! intrinsic function (`!Ref`, `Fn::Sub`, ...) is known only once the stack is deployed.

use std::collections::HashSet;

use serde_json::value::RawValue;
use serde_json::{Map, Value};

use super::{problem, Converted, Found, Input, Unreadable};
use crate::bucket_cors::CorsRule;
use crate::cloudfront::policies::CorsPolicy;
use crate::manifest::yaml_tree::{self, Node, NodeValue};
use crate::Error;

pub(super) fn read(input: &Input<'_>, converted: &mut Converted) -> Result<(), Error> {
    let file = input.file;
    for (logical_id, body) in resources(input)? {
        // One resource's value at a time: a 200,000-resource template is never all in memory as
        // JSON values at once.
        let resource = match body {
            Body::Read(value) => value,
            Body::Text(text) => serde_json::from_str(text.get()).map_err(|e| {
                problem(
                    file,
                    Unreadable::Resource {
                        logical_id: logical_id.clone(),
                        error: e.to_string(),
                    },
                )
            })?,
        };
        let source = format!("from {file}: {logical_id}");
        let properties = resource.get("Properties").unwrap_or(&Value::Null);
        let mut dropped = Dropped::default();
        match resource.get("Type").and_then(Value::as_str).unwrap_or_default() {
            "AWS::S3::Bucket" => {
                let Some(configuration) = properties.get("CorsConfiguration") else {
                    continue;
                };
                let computed = |what: &str, value: &Value| {
                    format!(
                        "{logical_id} in {file}: its {what} is {}, decided only when the stack is deployed, so its CORS rules were not carried over",
                        described(value)
                    )
                };
                if intrinsic(configuration).is_some() {
                    converted
                        .warnings
                        .push(computed("CorsConfiguration", configuration));
                    continue;
                }
                let Some(rules) = configuration.get("CorsRules") else {
                    continue;
                };
                let Some(rules) = rules.as_array() else {
                    converted.warnings.push(computed("CorsRules", rules));
                    continue;
                };
                let Some(bucket) = literal(properties.get("BucketName")) else {
                    converted.warnings.push(format!(
                        "{logical_id} in {file}: its BucketName is not a literal (computed, or left to CloudFormation), so its CORS rules were not carried over"
                    ));
                    continue;
                };
                let mut kept = Vec::new();
                for (index, value) in rules.iter().enumerate() {
                    let at = format!("CorsRules[{index}]");
                    if intrinsic(value).is_some() || !value.is_object() {
                        dropped.push(&at, value);
                    } else {
                        kept.push(rule(value, &at, &mut dropped));
                    }
                }
                converted.buckets.push(Found {
                    name: bucket,
                    value: kept,
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
                    .map(|h| dropped.strings(h.get("Headers"), "HeadersConfig.Headers"))
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
                    value: cors_policy(cors, &mut dropped),
                    source,
                });
            }
            _ => {}
        }
        if !dropped.0.is_empty() {
            converted.warnings.push(format!(
                "{logical_id} in {file}: values decided only when the stack is deployed were left out: {}; review what was carried over",
                dropped.0.join(", ")
            ));
        }
    }
    Ok(())
}

/// The template's resources in the order written, by logical ID. A logical ID declared twice is
/// an error: CloudFormation refuses such a template, and reading it would keep one of the two
/// silently.
fn resources(input: &Input<'_>) -> Result<Vec<(String, Body)>, Error> {
    let file = input.file;
    let missing = || problem(file, Unreadable::NoResources);
    if input.text.trim_start().starts_with('{') {
        let template: JsonTemplate =
            serde_json::from_str(input.text).map_err(|e| match e.classify() {
                serde_json::error::Category::Data => problem(
                    file,
                    Unreadable::NotATemplate {
                        error: e.to_string(),
                    },
                ),
                _ => problem(
                    file,
                    Unreadable::NotJson {
                        error: e.to_string(),
                    },
                ),
            })?;
        return template.resources.map(|r| r.0).ok_or_else(missing);
    }
    let root = yaml_tree::parse_cloudformation(input.text).map_err(|e| {
        problem(
            file,
            Unreadable::NotYaml {
                message: e.message,
                line: e.position.line,
                column: e.position.column,
            },
        )
    })?;
    let NodeValue::Mapping(top) = &root.value else {
        return Err(missing());
    };
    let mut found = None;
    for (key, value) in top {
        if key.value == NodeValue::String("Resources".into()) {
            if found.is_some() {
                return Err(problem(
                    file,
                    Unreadable::ResourcesTwice {
                        line: key.position.line,
                        column: key.position.column,
                    },
                ));
            }
            found = Some(value);
        }
    }
    let Some(NodeValue::Mapping(entries)) = found.map(|n| &n.value) else {
        return Err(missing());
    };
    let mut seen = HashSet::new();
    let mut resources = Vec::with_capacity(entries.len());
    for (key, value) in entries {
        let id = match json(key) {
            Value::String(id) => id,
            other => other.to_string(),
        };
        if !seen.insert(id.clone()) {
            return Err(problem(
                file,
                Unreadable::LogicalIdTwice {
                    id,
                    line: key.position.line,
                    column: key.position.column,
                },
            ));
        }
        resources.push((id, Body::Read(json(value))));
    }
    Ok(resources)
}

/// The part of a JSON template conversion reads. serde refuses a second `Resources` key.
#[derive(serde::Deserialize)]
struct JsonTemplate {
    #[serde(rename = "Resources")]
    resources: Option<LogicalIds>,
}

/// A `Resources` object's entries in order, refusing a logical ID declared twice (serde_json
/// alone keeps the last one).
struct LogicalIds(Vec<(String, Body)>);

/// A resource as read from YAML, or still as its JSON text (checked as JSON, read when reached).
enum Body {
    Read(Value),
    Text(Box<RawValue>),
}

impl<'de> serde::Deserialize<'de> for LogicalIds {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Entries;
        impl<'de> serde::de::Visitor<'de> for Entries {
            type Value = LogicalIds;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a mapping of logical IDs to resources")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<LogicalIds, A::Error> {
                let mut seen = HashSet::new();
                let mut entries = Vec::new();
                while let Some((id, resource)) = map.next_entry::<String, Box<RawValue>>()? {
                    if !seen.insert(id.clone()) {
                        return Err(serde::de::Error::custom(format!(
                            "the logical ID `{id}` is declared twice"
                        )));
                    }
                    entries.push((id, Body::Text(resource)));
                }
                Ok(LogicalIds(entries))
            }
        }
        deserializer.deserialize_map(Entries)
    }
}

/// What a resource's CORS lost to values CloudFormation computes at deploy time, each as
/// `where (what)`: `CorsRules[0].AllowedOrigins[1] (!Sub)`.
#[derive(Default)]
struct Dropped(Vec<String>);

impl Dropped {
    fn push(&mut self, at: &str, value: &Value) {
        self.0.push(format!("{at} ({})", described(value)));
    }

    /// The literal strings of a list; every other item, or a list that is itself computed, is
    /// recorded as dropped.
    fn strings(&mut self, value: Option<&Value>, at: &str) -> Vec<String> {
        match value {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(items)) => items
                .iter()
                .enumerate()
                .filter_map(|(index, item)| match item {
                    Value::String(text) => Some(text.clone()),
                    other => {
                        self.push(&format!("{at}[{index}]"), other);
                        None
                    }
                })
                .collect(),
            Some(other) => {
                self.push(at, other);
                Vec::new()
            }
        }
    }

    /// A number CloudFormation may also write as a string; anything else is dropped.
    fn number(&mut self, value: Option<&Value>, at: &str) -> Option<i32> {
        let value = value.filter(|v| !v.is_null())?;
        let number = value
            .as_i64()
            .or_else(|| value.as_str()?.parse().ok())
            .and_then(|n| i32::try_from(n).ok());
        if number.is_none() {
            self.push(at, value);
        }
        number
    }
}

/// The intrinsic function a value is a call of, in its short form: `{"Fn::Sub": ..}` is `!Sub`.
fn intrinsic(value: &Value) -> Option<String> {
    let object = value.as_object().filter(|o| o.len() == 1)?;
    let key = object.keys().next()?;
    match key.as_str() {
        "Ref" | "Condition" => Some(format!("!{key}")),
        other => other.strip_prefix("Fn::").map(|name| format!("!{name}")),
    }
}

/// A value as a warning names it: its intrinsic function, or what kind of value it is.
fn described(value: &Value) -> String {
    intrinsic(value).unwrap_or_else(|| {
        match value {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Number(_) => "a number",
            Value::String(_) => "a string",
            Value::Array(_) => "a list",
            Value::Object(_) => "a mapping",
        }
        .to_string()
    })
}

/// A string the template states outright; `None` for an intrinsic function or nothing.
fn literal(value: Option<&Value>) -> Option<String> {
    value
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

fn rule(value: &Value, at: &str, dropped: &mut Dropped) -> CorsRule {
    let mut list = |key: &str| dropped.strings(value.get(key), &format!("{at}.{key}"));
    let allowed_origins = list("AllowedOrigins");
    let allowed_methods = list("AllowedMethods");
    let allowed_headers = list("AllowedHeaders");
    // CloudFormation spells these ExposedHeaders and MaxAge.
    let expose_headers = list("ExposedHeaders");
    let id = match value.get("Id") {
        Some(Value::String(id)) if !id.is_empty() => Some(id.clone()),
        None | Some(Value::Null) | Some(Value::String(_)) => None,
        Some(other) => {
            dropped.push(&format!("{at}.Id"), other);
            None
        }
    };
    CorsRule {
        id,
        allowed_origins,
        allowed_methods,
        allowed_headers,
        expose_headers,
        max_age_seconds: dropped.number(value.get("MaxAge"), &format!("{at}.MaxAge")),
    }
}

fn cors_policy(cors: &Value, dropped: &mut Dropped) -> CorsPolicy {
    let mut items = |key: &str| {
        let list = cors.get(key);
        match list.filter(|l| intrinsic(l).is_some()) {
            Some(computed) => {
                dropped.push(&format!("CorsConfig.{key}"), computed);
                Vec::new()
            }
            None => dropped.strings(
                list.and_then(|v| v.get("Items")),
                &format!("CorsConfig.{key}.Items"),
            ),
        }
    };
    let allow_origins = items("AccessControlAllowOrigins");
    let allow_methods = items("AccessControlAllowMethods");
    let allow_headers = items("AccessControlAllowHeaders");
    let expose_headers = items("AccessControlExposeHeaders");
    let mut flag = |key: &str| match cors.get(key) {
        None | Some(Value::Null) => false,
        Some(value) => value
            .as_bool()
            .or_else(|| value.as_str()?.parse().ok())
            .unwrap_or_else(|| {
                dropped.push(&format!("CorsConfig.{key}"), value);
                false
            }),
    };
    let allow_credentials = flag("AccessControlAllowCredentials");
    let origin_override = flag("OriginOverride");
    CorsPolicy {
        allow_origins,
        allow_methods,
        allow_headers,
        expose_headers,
        allow_credentials,
        max_age_seconds: dropped.number(
            cors.get("AccessControlMaxAgeSec"),
            "CorsConfig.AccessControlMaxAgeSec",
        ),
        origin_override,
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
