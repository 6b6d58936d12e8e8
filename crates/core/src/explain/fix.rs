//! The smallest manifest change that makes an explained request pass, written into the
//! manifest's own text (its comments, quoting and layout kept) and shown as a unified diff; and
//! what else the change allows, by `diff`'s access comparison, so a fix never widens access
//! silently.

use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::access;
use crate::bucket_cors::CorsRule;
use crate::manifest::yaml_tree::{self, Node, NodeValue};
use crate::manifest::{self, Manifest};
use crate::render::access_report::sentence;
use crate::Error;

/// The one manifest change that makes the request pass (written into the file by `fix`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    AddOrigin {
        rule: usize,
        origin: String,
    },
    RespellOrigin {
        rule: usize,
        from: String,
        to: String,
    },
    AddMethod {
        rule: usize,
        method: String,
    },
    AddHeader {
        rule: usize,
        header: String,
    },
    /// Named before `*`, the origin is echoed (with credentials allowed) instead of `*`.
    OriginBeforeWildcard {
        rule: usize,
        origin: String,
    },
    NewRule {
        rule: CorsRule,
    },
    /// A CloudFront behavior's `allowed_methods` gains these methods (OPTIONS for preflights, and
    /// the rest of CloudFront's one larger set for a method beyond GET and HEAD).
    BehaviorMethods {
        distribution: String,
        path: String,
        methods: Vec<String>,
    },
    /// A legacy behavior's `forward_headers` gains the headers S3's CORS answer depends on.
    BehaviorForwards {
        distribution: String,
        path: String,
        headers: Vec<String>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Fix {
    /// A unified diff of the manifest file.
    pub diff: String,
    /// Every widening of access the change makes, as `diff` says it.
    pub also_allows: Vec<String>,
    /// The file the diff applies to.
    #[serde(skip)]
    pub file: String,
    #[serde(skip)]
    pub fixed_text: String,
}

/// Why the manifest's text cannot take the change: what the fix looked for and did not find, or
/// a layout it does not edit.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NoFix {
    /// The YAML parser's own message.
    #[error("{message}")]
    NotYaml { message: String },
    #[error("distribution {distribution} behavior {path} is not in {}", .file.display())]
    BehaviorNotInFile {
        distribution: String,
        path: String,
        file: PathBuf,
    },
    #[error("bucket `{bucket}` is not in {}", .file.display())]
    BucketNotInFile { bucket: String, file: PathBuf },
    /// `owner` is what lacks the field: the behavior, the bucket, the rule.
    #[error("the {owner} has no {field}")]
    NoField {
        owner: &'static str,
        field: &'static str,
    },
    #[error("cors_rules is not a list")]
    RulesNotAList,
    #[error("cors_rules is not empty")]
    RulesNotEmpty,
    #[error("cors_rules is not written `[]`")]
    RulesNotWrittenEmpty,
    #[error("the field is not a list")]
    NotAList,
    /// `number` counts from 1, as the manifest's readers do.
    #[error("rule {number} is not in the file")]
    RuleNotInFile { number: usize },
    #[error("rule {number} has no {field}")]
    RuleWithoutField { number: usize, field: &'static str },
    #[error("`{value}` is not in the rule")]
    NotInRule { value: String },
    #[error("the rule does not list `*`")]
    NoWildcard,
    #[error("`{value}` is not where the manifest says")]
    NotWhereSaid { value: String },
    #[error("a position outside the file")]
    OutsideFile,
    #[error("a flow list spread over several lines")]
    FlowListOverLines,
    #[error("an empty block list")]
    EmptyBlockList,
}

fn cannot(why: NoFix) -> Error {
    Error::Explain(why.into())
}

/// The change, made in `text` (the manifest file that declares `bucket`, or the distribution a
/// behavior change is about).
pub fn fix(file: &Path, text: &str, bucket: &str, change: &Change) -> Result<Fix, Error> {
    let root = yaml_tree::parse(text).map_err(|e| cannot(NoFix::NotYaml { message: e.message }))?;
    if let Change::BehaviorMethods {
        distribution, path, ..
    }
    | Change::BehaviorForwards {
        distribution, path, ..
    } = change
    {
        let behavior = behavior_node(&root, distribution, path).ok_or_else(|| {
            cannot(NoFix::BehaviorNotInFile {
                distribution: distribution.clone(),
                path: path.clone(),
                file: file.to_path_buf(),
            })
        })?;
        let mut edit = Edit::new(text);
        match change {
            Change::BehaviorMethods { methods, .. } => {
                let list = required_field(behavior, "behavior", "allowed_methods")?;
                edit.append(list, &methods.join(", "))?;
            }
            Change::BehaviorForwards { headers, .. } => {
                let list = required_field(behavior, "behavior", "forward_headers")?;
                // One edit: the list's items are read once, before any is added.
                edit.append(list, &headers.join(", "))?;
            }
            _ => {}
        }
        return finished(file, text, edit.text(), |before, after| {
            behavior_also_allows(file, before, after, distribution)
        });
    }
    let spec = bucket_node(&root, bucket).ok_or_else(|| {
        cannot(NoFix::BucketNotInFile {
            bucket: bucket.to_string(),
            file: file.to_path_buf(),
        })
    })?;
    let rules = required_field(spec, "bucket", "cors_rules")?;
    let mut edit = Edit::new(text);
    match change {
        // Made on the distribution, above.
        Change::BehaviorMethods { .. } | Change::BehaviorForwards { .. } => {}
        Change::NewRule { rule } => {
            let NodeValue::Sequence(items) = &rules.value else {
                return Err(cannot(NoFix::RulesNotAList));
            };
            if !items.is_empty() {
                return Err(cannot(NoFix::RulesNotEmpty));
            }
            let key_column = key_column(spec, "cors_rules");
            let indent = " ".repeat(key_column + 1);
            let quoted =
                |list: &[String]| list.iter().map(|s| quote(s)).collect::<Vec<_>>().join(", ");
            let mut block = format!(
                "\n{indent}- allowed_origins: [{}]\n{indent}  allowed_methods: [{}]",
                quoted(&rule.allowed_origins),
                rule.allowed_methods.join(", ")
            );
            if !rule.allowed_headers.is_empty() {
                block.push_str(&format!(
                    "\n{indent}  allowed_headers: [{}]",
                    quoted(&rule.allowed_headers)
                ));
            }
            edit.replace_flow(rules.position, &block)?;
        }
        Change::AddOrigin { rule, origin } => {
            let list = rule_field(rules, *rule, "allowed_origins")?;
            edit.append(list, &quote(origin))?;
        }
        Change::AddMethod { rule, method } => {
            let list = rule_field(rules, *rule, "allowed_methods")?;
            edit.append(list, method)?;
        }
        Change::AddHeader { rule, header } => {
            let node = rule_node(rules, *rule)?;
            match field(node, "allowed_headers") {
                Some(list) => edit.append(list, &quote(header))?,
                None => {
                    let methods = required_field(node, "rule", "allowed_methods")?;
                    let column = key_column(node, "allowed_methods");
                    edit.insert_line_after(
                        last_line(methods),
                        &format!(
                            "{}allowed_headers: [{}]",
                            " ".repeat(column - 1),
                            quote(header)
                        ),
                    );
                }
            }
        }
        Change::RespellOrigin { rule, from, to } => {
            let list = rule_field(rules, *rule, "allowed_origins")?;
            let item = items(list)?
                .iter()
                .find(|n| n.value == NodeValue::String(from.clone()))
                .ok_or_else(|| {
                    cannot(NoFix::NotInRule {
                        value: from.clone(),
                    })
                })?;
            edit.replace_on_line(item.position, from, to)?;
        }
        Change::OriginBeforeWildcard { rule, origin } => {
            let list = rule_field(rules, *rule, "allowed_origins")?;
            let star = items(list)?
                .iter()
                .find(|n| n.value == NodeValue::String("*".into()))
                .ok_or_else(|| cannot(NoFix::NoWildcard))?;
            edit.insert_before(list, star, &quote(origin))?;
        }
    }
    finished(file, text, edit.text(), |before, after| {
        also_allows(file, before, after, bucket)
    })
}

fn finished(
    file: &Path,
    text: &str,
    fixed_text: String,
    also_allows: impl Fn(&str, &str) -> Result<Vec<String>, Error>,
) -> Result<Fix, Error> {
    let shown = file.display().to_string();
    let diff = similar::TextDiff::from_lines(text, &fixed_text)
        .unified_diff()
        .context_radius(2)
        .header(&shown, &shown)
        .to_string();
    Ok(Fix {
        diff,
        also_allows: also_allows(text, &fixed_text)?,
        file: shown,
        fixed_text,
    })
}

/// What `diff` says the behavior change does (CloudFront changes are described, not weighed).
fn behavior_also_allows(
    file: &Path,
    before: &str,
    after: &str,
    distribution: &str,
) -> Result<Vec<String>, Error> {
    let only = |text: &str| -> Result<Manifest, Error> {
        let mut whole = manifest::load_str(file, text).map_err(Error::Manifest)?;
        whole.buckets.clear();
        whole.distributions.retain(|d| d.id == distribution);
        Ok(whole)
    };
    let report = access::compare(&only(before)?, &only(after)?);
    Ok(report
        .cloudfront
        .iter()
        .cloned()
        .chain(
            report
                .lints_introduced
                .iter()
                .map(|l| format!("new warning: {l}")),
        )
        .collect())
}

/// The widenings and other changes of answer `diff` reports between the bucket before and after the change, other than the
/// request being fixed (the caller cannot tell those apart, so every one is listed).
fn also_allows(file: &Path, before: &str, after: &str, bucket: &str) -> Result<Vec<String>, Error> {
    let only = |text: &str| -> Result<Manifest, Error> {
        let mut whole = manifest::load_str(file, text).map_err(Error::Manifest)?;
        whole.buckets.retain(|b| b.name == bucket);
        whole.distributions.clear();
        Ok(whole)
    };
    let report = access::compare(&only(before)?, &only(after)?);
    Ok(report
        .changes
        .iter()
        .filter(|c| c.effect != access::Effect::Narrows)
        .map(sentence)
        .chain(
            report
                .lints_introduced
                .iter()
                .map(|l| format!("new warning: {l}")),
        )
        .collect())
}

/// A YAML flow-sequence item: plain when YAML reads it back unchanged, else double-quoted.
fn quote(value: &str) -> String {
    let plain = value
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "-_".contains(c))
        && !value.is_empty();
    if plain {
        value.to_string()
    } else {
        serde_json::to_string(value).unwrap_or_else(|_| format!("\"{value}\""))
    }
}

/// The field `name` of `owner` (a bucket, a rule, a behavior): an edit needs it to be there.
fn required_field<'a>(
    node: &'a Node,
    owner: &'static str,
    name: &'static str,
) -> Result<&'a Node, Error> {
    field(node, name).ok_or_else(|| cannot(NoFix::NoField { owner, field: name }))
}

fn field<'a>(node: &'a Node, name: &str) -> Option<&'a Node> {
    match &node.value {
        NodeValue::Mapping(entries) => entries
            .iter()
            .find(|(k, _)| k.value == NodeValue::String(name.into()))
            .map(|(_, v)| v),
        _ => None,
    }
}

fn key_column(node: &Node, name: &str) -> usize {
    match &node.value {
        NodeValue::Mapping(entries) => entries
            .iter()
            .find(|(k, _)| k.value == NodeValue::String(name.into()))
            .map_or(1, |(k, _)| k.position.column),
        _ => 1,
    }
}

fn items(node: &Node) -> Result<&[Node], Error> {
    match &node.value {
        NodeValue::Sequence(items) => Ok(items),
        _ => Err(cannot(NoFix::NotAList)),
    }
}

fn bucket_node<'a>(root: &'a Node, name: &str) -> Option<&'a Node> {
    let NodeValue::Sequence(buckets) = &field(root, "buckets")?.value else {
        return None;
    };
    buckets
        .iter()
        .find(|b| field(b, "name").is_some_and(|n| n.value == NodeValue::String(name.into())))
}

fn behavior_node<'a>(root: &'a Node, id: &str, path: &str) -> Option<&'a Node> {
    let NodeValue::Sequence(distributions) = &field(root, "distributions")?.value else {
        return None;
    };
    let distribution = distributions
        .iter()
        .find(|d| field(d, "id").is_some_and(|n| n.value == NodeValue::String(id.into())))?;
    field(field(distribution, "behaviors")?, path)
}

fn rule_node(rules: &Node, index: usize) -> Result<&Node, Error> {
    items(rules)?
        .get(index)
        .ok_or_else(|| cannot(NoFix::RuleNotInFile { number: index + 1 }))
}

fn rule_field<'a>(rules: &'a Node, index: usize, name: &'static str) -> Result<&'a Node, Error> {
    field(rule_node(rules, index)?, name).ok_or_else(|| {
        cannot(NoFix::RuleWithoutField {
            number: index + 1,
            field: name,
        })
    })
}

/// The last line a node's text is on (its items' lines; a scalar is one line).
fn last_line(node: &Node) -> usize {
    match &node.value {
        NodeValue::Sequence(items) => items
            .iter()
            .map(last_line)
            .max()
            .unwrap_or(node.position.line),
        NodeValue::Mapping(entries) => entries
            .iter()
            .map(|(_, v)| last_line(v))
            .max()
            .unwrap_or(node.position.line),
        _ => node.position.line,
    }
}

/// Line-based edits of the manifest's text; positions are 1-based lines and columns (in
/// characters) as the YAML tree records them.
struct Edit {
    lines: Vec<String>,
    trailing_newline: bool,
}

impl Edit {
    fn new(text: &str) -> Self {
        Edit {
            lines: text.lines().map(str::to_string).collect(),
            trailing_newline: text.ends_with('\n'),
        }
    }

    fn text(&self) -> String {
        let mut text = self.lines.join("\n");
        if self.trailing_newline {
            text.push('\n');
        }
        text
    }

    fn line(&mut self, line: usize) -> Result<&mut String, Error> {
        self.lines
            .get_mut(line.wrapping_sub(1))
            .ok_or_else(|| cannot(NoFix::OutsideFile))
    }

    /// Byte offset of a 1-based character column in `line`.
    fn byte_at(line: &str, column: usize) -> usize {
        line.char_indices()
            .nth(column.saturating_sub(1))
            .map_or(line.len(), |(i, _)| i)
    }

    /// Where the `]` closing the flow sequence that opens at `position` is, on its line.
    fn flow_end(&mut self, position: yaml_tree::Position) -> Result<Option<usize>, Error> {
        let line = self.line(position.line)?;
        let start = Self::byte_at(line, position.column);
        if !line[start..].starts_with('[') {
            return Ok(None);
        }
        let mut quote = None;
        for (offset, c) in line[start..].char_indices() {
            match (quote, c) {
                (Some(q), c) if c == q => quote = None,
                (Some(_), _) => {}
                (None, '"' | '\'') => quote = Some(c),
                (None, ']') => return Ok(Some(start + offset)),
                _ => {}
            }
        }
        Err(cannot(NoFix::FlowListOverLines))
    }

    /// Adds `item` at the end of the list `list`, in the list's own style.
    fn append(&mut self, list: &Node, item: &str) -> Result<(), Error> {
        let entries = items(list)?;
        if let Some(end) = self.flow_end(list.position)? {
            let line = self.line(list.position.line)?;
            let separator = if entries.is_empty() { "" } else { ", " };
            line.insert_str(end, &format!("{separator}{item}"));
            return Ok(());
        }
        let first = entries
            .first()
            .ok_or_else(|| cannot(NoFix::EmptyBlockList))?;
        let dash = list.position.column.min(first.position.column);
        let indent = " ".repeat(dash.saturating_sub(1));
        self.insert_line_after(last_line(list), &format!("{indent}- {item}"));
        Ok(())
    }

    /// Adds `item` just before `before`, an item of `list`.
    fn insert_before(&mut self, list: &Node, before: &Node, item: &str) -> Result<(), Error> {
        if self.flow_end(list.position)?.is_some() {
            let line = self.line(before.position.line)?;
            let at = Self::byte_at(line, before.position.column);
            line.insert_str(at, &format!("{item}, "));
            return Ok(());
        }
        let line = self.line(before.position.line)?.clone();
        let dash = line.find('-').unwrap_or(0);
        self.lines.insert(
            before.position.line - 1,
            format!("{}- {item}", &line[..dash]),
        );
        Ok(())
    }

    fn insert_line_after(&mut self, line: usize, text: &str) {
        let at = line.min(self.lines.len());
        self.lines.insert(at, text.to_string());
    }

    /// Replaces the flow sequence opening at `position` (`[]`) with `text`.
    fn replace_flow(&mut self, position: yaml_tree::Position, text: &str) -> Result<(), Error> {
        let end = self
            .flow_end(position)?
            .ok_or_else(|| cannot(NoFix::RulesNotWrittenEmpty))?;
        let line = self.line(position.line)?;
        let start = Self::byte_at(line, position.column);
        // `key: []` becomes `key:` followed by the block.
        let key_end = line[..start].trim_end().len();
        line.replace_range(key_end..=end, text);
        Ok(())
    }

    fn replace_on_line(
        &mut self,
        position: yaml_tree::Position,
        from: &str,
        to: &str,
    ) -> Result<(), Error> {
        let line = self.line(position.line)?;
        let start = Self::byte_at(line, position.column);
        let at = line[start..].find(from).map(|i| i + start).ok_or_else(|| {
            cannot(NoFix::NotWhereSaid {
                value: from.to_string(),
            })
        })?;
        line.replace_range(at..at + from.len(), to);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bucket_cors::CorsRule;

    const MANIFEST: &str = r#"version: 1
buckets:
  # uploads from the app
  - name: uploads
    cors_rules:
      - id: reads
        allowed_origins: ["https://*.example.com"]
        allowed_methods: [GET, HEAD]
      - id: writes
        allowed_origins:
          - "https://app.example.com"
          - "*"
        allowed_methods:
          - PUT
        allowed_headers: [content-type]
  - name: empty
    cors_rules: []
"#;

    fn fixed(bucket: &str, change: Change) -> Fix {
        fix(Path::new("m.yaml"), MANIFEST, bucket, &change).unwrap()
    }

    #[test]
    fn flow_and_block_lists_grow_in_their_own_style() {
        let method = fixed(
            "uploads",
            Change::AddMethod {
                rule: 0,
                method: "DELETE".into(),
            },
        );
        assert!(
            method
                .fixed_text
                .contains("allowed_methods: [GET, HEAD, DELETE]"),
            "{}",
            method.fixed_text
        );
        assert!(
            method.diff.starts_with("--- m.yaml\n+++ m.yaml\n"),
            "{}",
            method.diff
        );
        assert_eq!(
            method.also_allows,
            ["s3_bucket.uploads: now allows DELETE from https://*.example.com (rule 1 \"reads\", new); e.g. DELETE from https://app.example.com"],
        );
        let block = fixed(
            "uploads",
            Change::AddMethod {
                rule: 1,
                method: "POST".into(),
            },
        );
        assert!(
            block
                .fixed_text
                .contains("          - PUT\n          - POST\n"),
            "{}",
            block.fixed_text
        );
        let header = fixed(
            "uploads",
            Change::AddHeader {
                rule: 1,
                header: "x-api-key".into(),
            },
        );
        assert!(header
            .fixed_text
            .contains("allowed_headers: [content-type, x-api-key]"));
        let new_header = fixed(
            "uploads",
            Change::AddHeader {
                rule: 0,
                header: "x-api-key".into(),
            },
        );
        assert!(
            new_header.fixed_text.contains(
                "        allowed_methods: [GET, HEAD]\n        allowed_headers: [x-api-key]\n"
            ),
            "{}",
            new_header.fixed_text
        );
        let origin = fixed(
            "uploads",
            Change::AddOrigin {
                rule: 0,
                origin: "https://example.org".into(),
            },
        );
        assert!(origin
            .fixed_text
            .contains(r#"allowed_origins: ["https://*.example.com", "https://example.org"]"#));
        assert!(manifest::load_str(Path::new("m.yaml"), &origin.fixed_text).is_ok());
    }

    #[test]
    fn behaviors_gain_options_or_forwarded_headers() {
        let text = "version: 1\ndistributions:\n  - id: E1\n    behaviors:\n      default:\n        forward_headers: [Origin]\n        allowed_methods: [GET, HEAD]\n        cached_methods: [GET, HEAD]\n";
        let change = |method: &str, distribution: &str| Change::BehaviorMethods {
            distribution: distribution.into(),
            path: "default".into(),
            methods: vec![method.into()],
        };
        let options = fix(Path::new("m.yaml"), text, "", &change("OPTIONS", "E1")).unwrap();
        assert!(
            options.fixed_text.contains(
                "allowed_methods: [GET, HEAD, OPTIONS]\n        cached_methods: [GET, HEAD]\n"
            ),
            "{}",
            options.fixed_text
        );
        assert!(
            !options.also_allows.is_empty(),
            "diff describes the behavior change"
        );
        let forwards = Change::BehaviorForwards {
            distribution: "E1".into(),
            path: "default".into(),
            headers: vec![
                "Access-Control-Request-Method".into(),
                "Access-Control-Request-Headers".into(),
            ],
        };
        let forwards = fix(Path::new("m.yaml"), text, "", &forwards).unwrap();
        assert!(
            forwards.fixed_text.contains(
                "forward_headers: [Origin, Access-Control-Request-Method, Access-Control-Request-Headers]"
            ),
            "{}",
            forwards.fixed_text
        );
        assert!(manifest::load_str(Path::new("m.yaml"), &forwards.fixed_text).is_ok());
        let elsewhere = fix(Path::new("m.yaml"), text, "", &change("OPTIONS", "E2"));
        assert!(elsewhere
            .unwrap_err()
            .to_string()
            .contains("distribution E2 behavior default is not in m.yaml"));
    }

    #[test]
    fn respelling_wildcards_and_new_rules() {
        let before = fixed(
            "uploads",
            Change::OriginBeforeWildcard {
                rule: 1,
                origin: "https://b.example.net".into(),
            },
        );
        assert!(
            before
                .fixed_text
                .contains("          - \"https://b.example.net\"\n          - \"*\"\n"),
            "{}",
            before.fixed_text
        );
        let respelled = fixed(
            "uploads",
            Change::RespellOrigin {
                rule: 1,
                from: "https://app.example.com".into(),
                to: "https://app.example.org".into(),
            },
        );
        assert!(respelled
            .fixed_text
            .contains("- \"https://app.example.org\""));
        let rule = CorsRule::allowing(&["https://a.example"], &["GET"]);
        let new = fixed("empty", Change::NewRule { rule });
        assert!(new.fixed_text.contains("    cors_rules:\n      - allowed_origins: [\"https://a.example\"]\n        allowed_methods: [GET]\n"), "{}", new.fixed_text);
        let loaded = manifest::load_str(Path::new("m.yaml"), &new.fixed_text).unwrap();
        assert_eq!(loaded.bucket("empty").unwrap().cors.rules.len(), 1);
    }
}
