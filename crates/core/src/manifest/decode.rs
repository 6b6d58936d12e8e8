//! One manifest file's node tree → the manifest model, checking each value against what AWS accepts
//! and recording every problem, with its position, instead of stopping at the first.

use std::path::Path;

use super::yaml_tree::{Node, NodeValue, Position};
use super::{BucketSpec, Manifest, MANIFEST_VERSION};
use crate::bucket_cors::{BucketCors, CorsRule};
use crate::diagnostic::{Diagnostic, Diagnostics, SourceLocation};
use crate::s3_limits;

const MANIFEST_FIELDS: &[&str] = &["version", "buckets"];
const BUCKET_FIELDS: &[&str] = &["name", "region", "cors_rules"];
const RULE_FIELDS: &[&str] = &[
    "id",
    "allowed_origins",
    "allowed_methods",
    "allowed_headers",
    "expose_headers",
    "max_age_seconds",
];

/// Decodes one file's document. Problems go to `diagnostics`; the returned manifest holds whatever
/// could be decoded, so later checks (duplicates across files) still run.
pub fn decode(file: &Path, root: &Node, diagnostics: &mut Diagnostics) -> Manifest {
    let mut decoder = Decoder { file, diagnostics };
    decoder.manifest(root)
}

struct Decoder<'a> {
    file: &'a Path,
    diagnostics: &'a mut Diagnostics,
}

/// A mapping's known fields, looked up by name.
struct Fields<'n> {
    position: Position,
    entries: Vec<(&'n str, &'n Node)>,
}

impl<'n> Fields<'n> {
    fn get(&self, name: &str) -> Option<&'n Node> {
        self.entries
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| *v)
    }
}

impl Decoder<'_> {
    fn at(&self, position: Position) -> SourceLocation {
        SourceLocation::new(self.file, position)
    }

    fn error(&mut self, position: Position, message: impl Into<String>) {
        let diagnostic = Diagnostic::error(self.at(position), message);
        self.diagnostics.push(diagnostic);
    }

    fn error_with_help(&mut self, position: Position, message: String, help: Option<String>) {
        let diagnostic = Diagnostic::error(self.at(position), message).with_help(help);
        self.diagnostics.push(diagnostic);
    }

    fn wrong_type(&mut self, node: &Node, field: &str, expected: &str) {
        let mut help = None;
        if expected == "a string"
            && matches!(
                node.value,
                NodeValue::Integer(_) | NodeValue::Float(_) | NodeValue::Bool(_)
            )
        {
            help = Some("quote the value to make it a string".to_string());
        }
        let message = format!("`{field}` must be {expected}, found {}", node.value.kind());
        self.error_with_help(node.position, message, help);
    }

    /// Reads a mapping, reporting unknown (with a suggestion), duplicate and non-string keys.
    fn fields<'n>(&mut self, node: &'n Node, what: &str, known: &[&str]) -> Option<Fields<'n>> {
        let NodeValue::Mapping(entries) = &node.value else {
            self.error(
                node.position,
                format!("{what} must be a mapping, found {}", node.value.kind()),
            );
            return None;
        };
        let mut fields = Fields {
            position: node.position,
            entries: Vec::new(),
        };
        for (key, value) in entries {
            let NodeValue::String(name) = &key.value else {
                self.error(
                    key.position,
                    format!(
                        "{what} keys must be field names, found {}",
                        key.value.kind()
                    ),
                );
                continue;
            };
            if !known.contains(&name.as_str()) {
                let help = did_you_mean(name, known)
                    .map(|s| format!("did you mean `{s}`?"))
                    .or_else(|| Some(format!("expected one of {}", backticked(known))));
                self.error_with_help(
                    key.position,
                    format!("unknown field `{name}` in {what}"),
                    help,
                );
                continue;
            }
            if fields.get(name).is_some() {
                self.error(
                    key.position,
                    format!("field `{name}` appears twice in {what}"),
                );
                continue;
            }
            fields.entries.push((name.as_str(), value));
        }
        Some(fields)
    }

    fn required<'n>(&mut self, fields: &Fields<'n>, name: &str, what: &str) -> Option<&'n Node> {
        let node = fields.get(name);
        if node.is_none() {
            self.error(
                fields.position,
                format!("{what} is missing the required field `{name}`"),
            );
        }
        node
    }

    fn string(&mut self, node: &Node, field: &str) -> Option<String> {
        match &node.value {
            NodeValue::String(s) => Some(s.clone()),
            _ => {
                self.wrong_type(node, field, "a string");
                None
            }
        }
    }

    /// A list of strings; null reads as an empty list. Items of the wrong type are reported and skipped.
    fn string_list(&mut self, node: &Node, field: &str) -> Option<Vec<(String, Position)>> {
        match &node.value {
            NodeValue::Null => Some(Vec::new()),
            NodeValue::Sequence(items) => Some(
                items
                    .iter()
                    .filter_map(|item| {
                        let text = self.string(item, &format!("{field} item"))?;
                        Some((text, item.position))
                    })
                    .collect(),
            ),
            _ => {
                self.wrong_type(node, field, "a list of strings");
                None
            }
        }
    }

    fn manifest(&mut self, root: &Node) -> Manifest {
        let mut manifest = Manifest::default();
        if root.value == NodeValue::Null {
            self.error(
                root.position,
                "the manifest is empty: expected `version: 1` and `buckets:`",
            );
            return manifest;
        }
        let Some(fields) = self.fields(root, "the manifest", MANIFEST_FIELDS) else {
            return manifest;
        };
        match fields.get("version") {
            None => self.error_with_help(
                root.position,
                "the manifest has no `version`".into(),
                Some(format!(
                    "add `version: {MANIFEST_VERSION}` as the first line"
                )),
            ),
            Some(node) if node.value == NodeValue::Integer(MANIFEST_VERSION) => {}
            Some(node) => {
                let found = match &node.value {
                    NodeValue::Integer(v) => v.to_string(),
                    NodeValue::String(s) => format!("{s:?}"),
                    other => other.kind().to_string(),
                };
                self.error_with_help(
                    node.position,
                    format!("unsupported manifest version {found}"),
                    Some(format!(
                        "this cors-sync reads `version: {MANIFEST_VERSION}`"
                    )),
                );
            }
        }
        if let Some(node) = fields.get("buckets") {
            match &node.value {
                NodeValue::Null => {}
                NodeValue::Sequence(items) => {
                    manifest.buckets = items.iter().filter_map(|item| self.bucket(item)).collect();
                }
                _ => self.wrong_type(node, "buckets", "a list of buckets"),
            }
        }
        manifest
    }

    fn bucket(&mut self, node: &Node) -> Option<BucketSpec> {
        let fields = self.fields(node, "a bucket", BUCKET_FIELDS)?;
        let name_node = self.required(&fields, "name", "a bucket");
        let name = name_node.and_then(|n| self.string(n, "name"));
        if let (Some(name), Some(name_node)) = (&name, name_node) {
            if let Some(problem) = s3_limits::bucket_name_problem(name) {
                self.error(
                    name_node.position,
                    format!("invalid bucket name `{name}`: {problem}"),
                );
            }
        }
        let region = fields.get("region").and_then(|n| {
            let region = self.string(n, "region")?;
            let well_formed = !region.is_empty()
                && region
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
            if !well_formed {
                self.error_with_help(
                    n.position,
                    format!("`{region}` is not an AWS region name"),
                    Some("region names look like `eu-west-1`".into()),
                );
            }
            Some(region)
        });
        // A bucket whose rules have errors is still returned (with the rules that decoded), so
        // that checks across buckets, such as duplicate names, report everything in one run.
        let (rules, rule_locations) = self
            .required(&fields, "cors_rules", "a bucket")
            .map(|node| self.rules(node))
            .unwrap_or_default();
        Some(BucketSpec {
            name: name?,
            region,
            cors: BucketCors::new(rules),
            location: self.at(fields.position),
            rule_locations,
        })
    }

    fn rules(&mut self, node: &Node) -> (Vec<CorsRule>, Vec<SourceLocation>) {
        let NodeValue::Sequence(items) = &node.value else {
            let message = format!(
                "`cors_rules` must be a list of rules, found {}",
                node.value.kind()
            );
            let help = (node.value == NodeValue::Null).then(|| {
                "write `cors_rules: []` for a bucket that must have no CORS configuration"
                    .to_string()
            });
            self.error_with_help(node.position, message, help);
            return Default::default();
        };
        if items.len() > s3_limits::MAX_RULES {
            self.error(
                node.position,
                format!(
                    "{} CORS rules; S3 allows at most {}",
                    items.len(),
                    s3_limits::MAX_RULES
                ),
            );
        }
        let mut rules = Vec::new();
        let mut locations = Vec::new();
        for item in items {
            if let Some(rule) = self.rule(item) {
                rules.push(rule);
                locations.push(self.at(item.position));
            }
        }
        let bytes = s3_limits::configuration_xml_bytes(&rules);
        if bytes > s3_limits::MAX_CONFIGURATION_BYTES {
            self.error(
                node.position,
                format!(
                    "the CORS configuration is {bytes} bytes as XML; S3 allows at most {}",
                    s3_limits::MAX_CONFIGURATION_BYTES
                ),
            );
        }
        (rules, locations)
    }

    fn rule(&mut self, node: &Node) -> Option<CorsRule> {
        let what = "a CORS rule";
        let fields = self.fields(node, what, RULE_FIELDS)?;
        let mut complete = true;

        let id = fields.get("id").and_then(|n| {
            let id = self.string(n, "id");
            complete &= id.is_some();
            if let Some(problem) = id.as_deref().and_then(s3_limits::rule_id_problem) {
                self.error(n.position, problem);
            }
            id
        });

        let non_empty_list = |decoder: &mut Self, field: &str| -> Option<Vec<(String, Position)>> {
            let node = decoder.required(&fields, field, what)?;
            let list = decoder.string_list(node, field)?;
            if list.is_empty() {
                decoder.error(
                    node.position,
                    format!("`{field}` must list at least one value"),
                );
            }
            Some(list)
        };
        let origins = non_empty_list(self, "allowed_origins");
        let methods = non_empty_list(self, "allowed_methods");
        let optional_list = |decoder: &mut Self, field: &str| match fields.get(field) {
            None => Some(Vec::new()),
            Some(node) => decoder.string_list(node, field),
        };
        let headers = optional_list(self, "allowed_headers");
        let expose = optional_list(self, "expose_headers");

        for (origin, position) in origins.iter().flatten() {
            if let Some(problem) = s3_limits::wildcard_problem(origin) {
                self.error(*position, format!("allowed origin {problem}"));
            }
        }
        for (header, position) in headers.iter().flatten() {
            if let Some(problem) = s3_limits::wildcard_problem(header) {
                self.error(*position, format!("allowed header {problem}"));
            }
        }
        for (method, position) in methods.iter().flatten() {
            if let Some((message, help)) = s3_limits::method_problem(method) {
                self.error_with_help(*position, message, help);
            }
        }

        let max_age_seconds = match fields.get("max_age_seconds") {
            None => None,
            Some(n) => match n.value {
                NodeValue::Null => None,
                NodeValue::Integer(seconds) => match s3_limits::max_age_problem(seconds) {
                    Some(problem) => {
                        self.error(n.position, problem);
                        None
                    }
                    None => i32::try_from(seconds).ok(),
                },
                _ => {
                    self.wrong_type(n, "max_age_seconds", "a whole number of seconds");
                    complete = false;
                    None
                }
            },
        };

        let strings = |list: Vec<(String, Position)>| list.into_iter().map(|(s, _)| s).collect();
        let rule = CorsRule {
            id,
            allowed_origins: strings(origins?),
            allowed_methods: strings(methods?),
            allowed_headers: strings(headers?),
            expose_headers: strings(expose?),
            max_age_seconds,
        };
        complete.then_some(rule)
    }
}

fn backticked(names: &[&str]) -> String {
    names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The known name closest to a misspelt one, if any is close enough to be a likely typo.
pub fn did_you_mean<'k>(unknown: &str, known: &[&'k str]) -> Option<&'k str> {
    let unknown = unknown.to_ascii_lowercase();
    known
        .iter()
        .map(|k| (strsim::jaro_winkler(&unknown, k), *k))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, k)| k)
}
