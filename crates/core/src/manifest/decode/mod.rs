//! One manifest file's node tree → the manifest model, checking each value against what AWS accepts
//! and recording every problem, with its position, instead of stopping at the first.

mod accounts;
mod bounds;
mod buckets;
mod cloudfront;

use std::path::Path;
use std::sync::Arc;

use super::accounts::FileAccounts;
use super::schema::{self, Field, Object, Shape};
use super::yaml_tree::{Node, NodeValue, Position};
use super::{Manifest, MANIFEST_VERSION};
use crate::diagnostic::{did_you_mean, Diagnostic, Diagnostics, SourceLocation};
use crate::visible::visible;
use accounts::default_account;

/// Decodes one file's document. Problems go to `diagnostics`; the returned manifest holds whatever
/// could be decoded, so later checks (duplicates across files) still run. Each resource holds its
/// own `account:`, else the file's; the file's `accounts:` come back apart, to be checked with
/// every other file's.
pub(super) fn decode(
    file: &Path,
    root: &Node,
    diagnostics: &mut Diagnostics,
) -> (Manifest, FileAccounts) {
    let mut decoder = Decoder {
        file: Arc::from(file),
        diagnostics,
    };
    decoder.manifest(root)
}

pub(super) struct Decoder<'a> {
    /// The one copy of the path that every location decoded from this file points at.
    file: Arc<Path>,
    diagnostics: &'a mut Diagnostics,
}

/// A mapping's known fields, looked up by name.
pub(super) struct Fields<'n> {
    pub(super) position: Position,
    entries: Vec<(&'n str, &'n Node)>,
    /// Fields whose value is outside the schema's bounds or values (already reported).
    misfits: Vec<&'n str>,
}

impl<'n> Fields<'n> {
    pub(super) fn get(&self, name: &str) -> Option<&'n Node> {
        self.entries
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| *v)
    }

    /// Whether the field's value is within the schema's bounds and values, so checks across its
    /// items (CloudFront's method sets) are worth making.
    pub(super) fn fits(&self, name: &str) -> bool {
        !self.misfits.contains(&name)
    }
}

impl Decoder<'_> {
    pub(super) fn at(&self, position: Position) -> SourceLocation {
        SourceLocation::in_file(&self.file, position)
    }

    pub(super) fn error(&mut self, position: Position, message: impl Into<String>) {
        let diagnostic = Diagnostic::error(self.at(position), message);
        self.diagnostics.push(diagnostic);
    }

    pub(super) fn error_with_help(
        &mut self,
        position: Position,
        message: String,
        help: Option<String>,
    ) {
        let diagnostic = Diagnostic::error(self.at(position), message).with_help(help);
        self.diagnostics.push(diagnostic);
    }

    pub(super) fn wrong_type(&mut self, node: &Node, field: &str, expected: &str) {
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

    /// Reads a mapping as the schema's `object`, reporting unknown (with a suggestion), duplicate
    /// and non-string keys, every field the schema marks required that is missing, and every value
    /// outside the bounds and values the schema declares.
    pub(super) fn fields<'n>(
        &mut self,
        node: &'n Node,
        what: &str,
        object: &Object,
    ) -> Option<Fields<'n>> {
        let known = &object.field_names();
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
            misfits: Vec::new(),
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
            if let Some(field) = object.fields.iter().find(|f| f.name == name) {
                if !self.within(field, value) {
                    fields.misfits.push(name.as_str());
                }
            }
            fields.entries.push((name.as_str(), value));
        }
        // A missing constant (the manifest version) is reported by the caller, with what to add.
        let reported_here = |f: &&Field| f.required && !matches!(f.shape, Shape::Const(_));
        for field in object.fields.iter().filter(reported_here) {
            if fields.get(field.name).is_none() {
                self.error(
                    fields.position,
                    format!("{what} is missing the required field `{}`", field.name),
                );
            }
        }
        Some(fields)
    }

    /// A string field. A control character (NUL, a newline, an escape) is an error: every string
    /// the decoder reads is sent to S3 or CloudFront, which refuse them (MalformedXML).
    pub(super) fn string(&mut self, node: &Node, field: &str) -> Option<String> {
        match &node.value {
            NodeValue::String(s) => {
                if let Some(c) = s.chars().find(|c| c.is_control()) {
                    self.error(
                        node.position,
                        format!(
                            "`{field}` value `{s}` contains the control character {}; S3 and CloudFront refuse control characters",
                            visible(&c.to_string())
                        ),
                    );
                }
                Some(s.clone())
            }
            _ => {
                self.wrong_type(node, field, "a string");
                None
            }
        }
    }

    /// A list of strings; null reads as an empty list. Items of the wrong type are reported and skipped.
    pub(super) fn string_list(
        &mut self,
        node: &Node,
        field: &str,
    ) -> Option<Vec<(String, Position)>> {
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

    /// An optional top-level list whose items decode with `item`; items that fail are left out.
    fn list_of<T>(
        &mut self,
        fields: &Fields<'_>,
        field: &str,
        expected: &str,
        item: fn(&mut Self, &Node) -> Option<T>,
    ) -> Vec<T> {
        match fields.get(field).map(|node| (node, &node.value)) {
            None | Some((_, NodeValue::Null)) => Vec::new(),
            Some((_, NodeValue::Sequence(items))) => {
                items.iter().filter_map(|n| item(self, n)).collect()
            }
            Some((node, _)) => {
                self.wrong_type(node, field, expected);
                Vec::new()
            }
        }
    }

    /// `silence_lints: {CODE: reason}`: known codes only, each with a reason.
    pub(super) fn silenced(&mut self, fields: &Fields<'_>) -> Vec<(String, String)> {
        let Some(node) = fields.get("silence_lints") else {
            return Vec::new();
        };
        let NodeValue::Mapping(entries) = &node.value else {
            self.wrong_type(node, "silence_lints", "a mapping of lint codes to reasons");
            return Vec::new();
        };
        let mut silenced = Vec::new();
        for (key, value) in entries {
            let Some(code) = self.string(key, "lint code") else {
                continue;
            };
            if !crate::diagnostic::LINTS.iter().any(|(c, _, _)| *c == code) {
                let codes: Vec<&str> = crate::diagnostic::LINTS
                    .iter()
                    .map(|(c, _, _)| *c)
                    .collect();
                self.error_with_help(
                    key.position,
                    format!("`{code}` is not a lint code"),
                    Some(format!("codes: {}", codes.join(", "))),
                );
                continue;
            }
            match &value.value {
                NodeValue::String(reason) if !reason.trim().is_empty() => {
                    silenced.push((code, reason.clone()))
                }
                _ => self.error(
                    value.position,
                    format!("silencing {code} needs a reason (a non-empty string)"),
                ),
            }
        }
        silenced
    }

    /// A list of strings the mapping must have (its bounds are checked with the mapping).
    pub(super) fn required_list(
        &mut self,
        fields: &Fields<'_>,
        field: &str,
    ) -> Option<Vec<(String, Position)>> {
        let node = fields.get(field)?;
        self.string_list(node, field)
    }

    /// A boolean field.
    pub(super) fn boolean(&mut self, node: &Node, field: &str) -> Option<bool> {
        match node.value {
            NodeValue::Bool(b) => Some(b),
            _ => {
                self.wrong_type(node, field, "true or false");
                None
            }
        }
    }

    fn manifest(&mut self, root: &Node) -> (Manifest, FileAccounts) {
        let mut manifest = Manifest::default();
        if root.value == NodeValue::Null {
            self.error(
                root.position,
                "the manifest is empty: expected `version: 1` and `buckets:` or `distributions:`",
            );
            return (manifest, FileAccounts::default());
        }
        let Some(fields) = self.fields(root, "the manifest", &schema::MANIFEST) else {
            return (manifest, FileAccounts::default());
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
            // `1.0` and `"1"` look right and are not: a later version may be a float or a string.
            Some(node) if looks_like_the_version(&node.value) => self.error_with_help(
                node.position,
                format!("version must be the integer {MANIFEST_VERSION}"),
                Some(format!(
                    "write `version: {MANIFEST_VERSION}` (no quotes, no decimal point)"
                )),
            ),
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
        manifest.buckets = self.list_of(&fields, "buckets", "a list of buckets", Self::bucket);
        manifest.distributions = self.list_of(
            &fields,
            "distributions",
            "a list of distributions",
            Self::distribution,
        );
        manifest.origin_request_policies = self.list_of(
            &fields,
            "origin_request_policies",
            "a list of origin request policies",
            Self::origin_request_policy,
        );
        manifest.response_headers_policies = self.list_of(
            &fields,
            "response_headers_policies",
            "a list of response headers policies",
            Self::response_headers_policy,
        );
        let accounts = self.accounts(&fields);
        if let Some(default) = self.account_ref(&fields) {
            default_account(&mut manifest, &default);
        }
        (manifest, accounts)
    }
}

/// A value that reads as the manifest version without being the integer.
fn looks_like_the_version(value: &NodeValue) -> bool {
    match value {
        NodeValue::Float(v) => *v == MANIFEST_VERSION as f64,
        NodeValue::String(s) => s.trim().parse::<f64>() == Ok(MANIFEST_VERSION as f64),
        _ => false,
    }
}

fn backticked(names: &[&str]) -> String {
    names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}
