//! Moving in from where CORS lives today, offline: the S3 API's JSON (the AWS guide's
//! `s3-cors.json`, `get-bucket-cors` output), Terraform's `terraform show -json`, CloudFormation
//! templates. Each format is read into `Converted` (every resource with where it came from, and a
//! warning for what cannot be carried over), which renders as a version-1 manifest.

mod aws_json;
mod cloudformation;
mod terraform;

use std::collections::HashMap;

use crate::bucket_cors::CorsRule;
use crate::cloudfront::behavior::{BehaviorPath, BehaviorSettings};
use crate::cloudfront::managed_policies;
use crate::cloudfront::policies::{CorsPolicy, PolicyRef};
use crate::plan::Address;
use crate::render::manifest_yaml::{self, Imported, ImportedBucket};
use crate::Error;

pub use aws_json::{export, Exported};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    AwsJson,
    Terraform,
    CloudFormation,
}

/// One file to convert; `bucket` names the bucket an aws-json file configures.
pub struct Input<'a> {
    pub file: &'a str,
    pub text: &'a str,
    pub bucket: Option<&'a str>,
}

/// A resource found, and where: `file` and a Terraform address or CloudFormation logical ID.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found<T> {
    pub name: String,
    pub value: T,
    pub source: String,
}

/// Everything converted, and what could not be.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Converted {
    pub buckets: Vec<Found<Vec<CorsRule>>>,
    pub distributions: Vec<Found<Vec<(BehaviorPath, BehaviorSettings)>>>,
    pub origin_request_policies: Vec<Found<Vec<String>>>,
    pub response_headers_policies: Vec<Found<CorsPolicy>>,
    /// What was not carried over, or needs a second look, each naming the resource.
    pub warnings: Vec<String>,
}

pub fn convert(format: Format, inputs: &[Input<'_>]) -> Result<Converted, Error> {
    let mut converted = Converted::default();
    for input in inputs {
        // The manifest written is YAML: what YAML forbids is refused in every format, at its place,
        // rather than cut short or carried into a manifest no reader can take.
        if let Some((at, c)) = crate::input::first_unprintable(input.text) {
            return Err(problem(
                input.file,
                Unreadable::Unprintable {
                    line: at.line,
                    column: at.column,
                    character: crate::input::describe_unprintable(c),
                },
            ));
        }
        match format {
            Format::AwsJson => aws_json::read(input, &mut converted)?,
            Format::Terraform => terraform::read(input, &mut converted)?,
            Format::CloudFormation => cloudformation::read(input, &mut converted)?,
        }
    }
    converted.keep_first_of_each();
    Ok(converted)
}

/// Why a file cannot be read as the format `convert` was told, and where it stopped. The JSON
/// and YAML parsers' own messages are kept as they say them.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Unreadable {
    #[error("line {line} column {column}: the character {character} is not allowed (of the control characters, only tab, line feed and carriage return are)")]
    Unprintable {
        line: usize,
        column: usize,
        character: String,
    },
    #[error("not JSON: {error}")]
    NotJson { error: String },
    #[error("not YAML: {message} at line {line} column {column}")]
    NotYaml {
        message: String,
        line: usize,
        column: usize,
    },
    #[error("not an S3 CORS configuration: expected {{\"CORSRules\": [...]}} (or the console's bare list of rules)")]
    NoCorsRules,
    #[error("not an S3 CORS configuration: expected {{\"CORSRules\": [...]}}")]
    NotACorsConfiguration,
    #[error("`CORSRules` is not a list of rules")]
    RulesNotAList,
    /// `number` counts from 1.
    #[error("rule {number} is not a CORS rule object")]
    NotARule { number: usize },
    #[error("which bucket does it configure? name it with --bucket NAME (or --bucket NAME=FILE)")]
    WhichBucket,
    #[error("not the JSON of `terraform show -json`: expected `format_version` and `values.root_module` (a state) or `planned_values.root_module` (a saved plan)")]
    NotTerraformJson,
    #[error("not a CloudFormation template: {error}")]
    NotATemplate { error: String },
    #[error("not a CloudFormation template: expected a `Resources` mapping")]
    NoResources,
    #[error("`Resources` is declared twice (again at line {line} column {column})")]
    ResourcesTwice { line: usize, column: usize },
    #[error("the logical ID `{id}` is declared twice (again at line {line} column {column})")]
    LogicalIdTwice {
        id: String,
        line: usize,
        column: usize,
    },
    /// A resource of a JSON template that is not JSON, named by its logical ID.
    #[error("{logical_id}: {error}")]
    Resource { logical_id: String, error: String },
}

fn problem(file: &str, problem: Unreadable) -> Error {
    Error::Convert {
        file: file.to_string(),
        problem,
    }
}

/// A policy ID as a manifest refers to it: an AWS-managed one by its `Managed-` name.
fn policy_ref(id: &str) -> PolicyRef {
    let mut reference = PolicyRef::by_id(id);
    reference.name = managed_policies::by_id(id).map(|p| p.name.to_string());
    reference
}

impl Converted {
    /// A resource named twice (Terraform's inline `cors_rule` and a separate configuration for
    /// one bucket, two templates) would make an invalid manifest: the first is kept.
    fn keep_first_of_each(&mut self) {
        // One look-up per resource in a map of those kept: linear in the number of resources.
        fn dedup<T>(found: &mut Vec<Found<T>>, what: &str, warnings: &mut Vec<String>) {
            let mut first_of: HashMap<String, String> = HashMap::with_capacity(found.len());
            let mut kept: Vec<Found<T>> = Vec::with_capacity(found.len());
            for item in found.drain(..) {
                match first_of.get(&item.name) {
                    Some(first) => warnings.push(format!(
                        "{what} `{}` is in both {first} and {}; kept the first",
                        item.name, item.source
                    )),
                    None => {
                        first_of.insert(item.name.clone(), item.source.clone());
                        kept.push(item);
                    }
                }
            }
            *found = kept;
        }
        dedup(&mut self.buckets, "bucket", &mut self.warnings);
        dedup(&mut self.distributions, "distribution", &mut self.warnings);
        dedup(
            &mut self.origin_request_policies,
            "origin request policy",
            &mut self.warnings,
        );
        dedup(
            &mut self.response_headers_policies,
            "response headers policy",
            &mut self.warnings,
        );
    }

    pub fn is_empty(&self) -> bool {
        self.buckets.is_empty()
            && self.distributions.is_empty()
            && self.origin_request_policies.is_empty()
            && self.response_headers_policies.is_empty()
    }

    /// The version-1 manifest, each resource under a comment saying where it came from.
    pub fn manifest(&self) -> String {
        let mut comments = HashMap::new();
        let mut imported = Imported::default();
        for bucket in &self.buckets {
            comments.insert(
                Address::S3Bucket(bucket.name.clone()),
                bucket.source.clone(),
            );
            imported.buckets.push(ImportedBucket {
                name: &bucket.name,
                region: None,
                rules: &bucket.value,
            });
        }
        for distribution in &self.distributions {
            comments.insert(
                Address::CloudFrontDistribution(distribution.name.clone()),
                distribution.source.clone(),
            );
            imported
                .distributions
                .push((&distribution.name, &distribution.value));
        }
        for policy in &self.origin_request_policies {
            comments.insert(
                Address::OriginRequestPolicy(policy.name.clone()),
                policy.source.clone(),
            );
            imported
                .origin_request_policies
                .push((&policy.name, &policy.value));
        }
        for policy in &self.response_headers_policies {
            comments.insert(
                Address::ResponseHeadersPolicy(policy.name.clone()),
                policy.source.clone(),
            );
            imported
                .response_headers_policies
                .push((&policy.name, &policy.value));
        }
        imported.comments = comments;
        manifest_yaml::manifest(&imported)
    }
}

/// A behavior's settings from what a format spells: `forward_headers` for a legacy behavior, or
/// policy IDs (an empty or absent one is no policy).
fn behavior_settings(
    allowed_methods: Vec<String>,
    cached_methods: Vec<String>,
    forwarded: Option<Vec<String>>,
    policies: [Option<String>; 3],
) -> BehaviorSettings {
    let [cache, origin_request, response_headers] =
        policies.map(|id| id.filter(|id| !id.is_empty()).map(|id| policy_ref(&id)));
    BehaviorSettings {
        forward_headers: if cache.is_some() {
            None
        } else {
            Some(forwarded.unwrap_or_default())
        },
        allowed_methods,
        cached_methods,
        cache_policy: cache,
        origin_request_policy: origin_request,
        response_headers_policy: response_headers,
    }
}

/// Strings of a JSON list; anything else is an empty list.
fn strings(value: Option<&serde_json::Value>) -> Vec<String> {
    value
        .and_then(serde_json::Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}
