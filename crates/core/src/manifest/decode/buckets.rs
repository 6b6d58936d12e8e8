//! Buckets and their CORS rules.

use super::super::schema;
use super::super::yaml_tree::{Node, NodeValue, Position};
use super::super::Declared;
use super::Decoder;
use crate::bucket::Bucket;
use crate::bucket_cors::{BucketCors, CorsRule};
use crate::diagnostic::SourceLocation;
use crate::s3_limits;

impl Decoder<'_> {
    pub(super) fn bucket(&mut self, node: &Node) -> Option<Declared<Bucket<Option<String>>>> {
        let fields = self.fields(node, "a bucket", &schema::BUCKET)?;
        let name_node = fields.get("name");
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
        let (rules, rule_locations) = fields
            .get("cors_rules")
            .map(|node| self.rules(node))
            .unwrap_or_default();
        Some(Declared {
            value: Bucket {
                name: name?,
                region,
                cors: BucketCors::new(rules),
            },
            location: self.at(fields.position),
            parts: rule_locations,
            silenced: self.silenced(&fields),
            account: self.account_ref(&fields),
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
        let mut rules = Vec::with_capacity(items.len());
        let mut locations = Vec::with_capacity(items.len());
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
        // Rules that failed to decode leave room behind; a whole estate is held at once.
        rules.shrink_to_fit();
        locations.shrink_to_fit();
        (rules, locations)
    }

    fn rule(&mut self, node: &Node) -> Option<CorsRule> {
        let what = "a CORS rule";
        let fields = self.fields(node, what, &schema::RULE)?;
        let mut complete = true;

        let id = fields.get("id").and_then(|n| {
            let id = self.string(n, "id");
            complete &= id.is_some();
            if let Some(problem) = id.as_deref().and_then(s3_limits::rule_id_problem) {
                self.error(n.position, problem);
            }
            id
        });

        let origins = self.required_list(&fields, "allowed_origins");
        let methods = self.required_list(&fields, "allowed_methods");
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

        let max_age_seconds = match fields.get("max_age_seconds") {
            None => None,
            Some(n) => match n.value {
                NodeValue::Null => None,
                // Out of range was reported with the rule's fields.
                NodeValue::Integer(seconds) => i32::try_from(seconds).ok(),
                _ => {
                    self.wrong_type(n, "max_age_seconds", "a whole number of seconds");
                    complete = false;
                    None
                }
            },
        };

        // Exactly as long as the list: an estate holds 100,000 buckets' rules at once, and a
        // collected or pushed-to Vec keeps room for several more items than most lists have.
        let strings = |list: Vec<(String, Position)>| {
            let mut kept = Vec::with_capacity(list.len());
            kept.extend(list.into_iter().map(|(s, _)| s));
            kept
        };
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
