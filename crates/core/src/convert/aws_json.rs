//! The S3 API's JSON for a CORS configuration: what `aws s3api put-bucket-cors
//! --cors-configuration file://s3-cors.json` takes and `get-bucket-cors` prints
//! (`{"CORSRules": [...]}`), and the bare rule list the S3 console edits.

use serde::Serialize;
use serde_json::Value;

use super::{problem, strings, Converted, Found, Input, Unreadable};
use crate::bucket_cors::CorsRule;
use crate::manifest::Manifest;
use crate::Error;

pub(super) fn read(input: &Input<'_>, converted: &mut Converted) -> Result<(), Error> {
    let file = input.file;
    let value: Value = serde_json::from_str(input.text).map_err(|e| {
        problem(
            file,
            Unreadable::NotJson {
                error: e.to_string(),
            },
        )
    })?;
    let rules = match &value {
        Value::Object(object) => object
            .get("CORSRules")
            .ok_or_else(|| problem(file, Unreadable::NoCorsRules))?,
        list @ Value::Array(_) => list,
        _ => return Err(problem(file, Unreadable::NotACorsConfiguration)),
    };
    let Value::Array(items) = rules else {
        return Err(problem(file, Unreadable::RulesNotAList));
    };
    let rules = items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            rule(item).ok_or_else(|| problem(file, Unreadable::NotARule { number: i + 1 }))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let Some(bucket) = input.bucket else {
        return Err(problem(file, Unreadable::WhichBucket));
    };
    converted.buckets.push(Found {
        name: bucket.to_string(),
        value: rules,
        source: format!("from {file}"),
    });
    Ok(())
}

fn rule(item: &Value) -> Option<CorsRule> {
    let object = item.as_object()?;
    Some(CorsRule {
        id: object
            .get("ID")
            .and_then(Value::as_str)
            .filter(|id| !id.is_empty())
            .map(str::to_string),
        allowed_origins: strings(object.get("AllowedOrigins")),
        allowed_methods: strings(object.get("AllowedMethods")),
        allowed_headers: strings(object.get("AllowedHeaders")),
        expose_headers: strings(object.get("ExposeHeaders")),
        max_age_seconds: object
            .get("MaxAgeSeconds")
            .and_then(Value::as_i64)
            .and_then(|n| i32::try_from(n).ok()),
    })
}

/// One bucket's CORS in the S3 API's JSON, or why there is none to write.
pub enum Exported {
    Configuration {
        bucket: String,
        json: String,
    },
    /// `cors_rules: []`: S3 refuses an empty configuration; DeleteBucketCors is the way.
    NoCors {
        bucket: String,
    },
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Configuration<'a> {
    #[serde(rename = "CORSRules")]
    cors_rules: Vec<Rule<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Rule<'a> {
    #[serde(rename = "ID", skip_serializing_if = "Option::is_none")]
    id: Option<&'a str>,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    allowed_headers: &'a [String],
    allowed_methods: &'a [String],
    allowed_origins: &'a [String],
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    expose_headers: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    max_age_seconds: Option<i32>,
}

/// Each of the manifest's buckets (or just `only`) as the S3 API's JSON.
pub fn export(manifest: &Manifest, only: Option<&str>) -> Vec<Exported> {
    manifest
        .buckets
        .iter()
        .filter(|b| only.is_none_or(|name| b.name == name))
        .map(|bucket| {
            if !bucket.cors.is_configured() {
                return Exported::NoCors {
                    bucket: bucket.name.clone(),
                };
            }
            let configuration = Configuration {
                cors_rules: bucket
                    .cors
                    .rules
                    .iter()
                    .map(|r| Rule {
                        id: r.id.as_deref(),
                        allowed_headers: &r.allowed_headers,
                        allowed_methods: &r.allowed_methods,
                        allowed_origins: &r.allowed_origins,
                        expose_headers: &r.expose_headers,
                        max_age_seconds: r.max_age_seconds,
                    })
                    .collect(),
            };
            let mut json = serde_json::to_string_pretty(&configuration).unwrap_or_default();
            json.push('\n');
            Exported::Configuration {
                bucket: bucket.name.clone(),
                json,
            }
        })
        .collect()
}
