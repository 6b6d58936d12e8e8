//! Rules and manifests as YAML text: for `import` output and for the rule listings that plan diffs
//! compare. Hand-written rather than serde-serialised so that lists stay on one line (one diff line
//! per field) and the text reads like the manifests users write.

use std::fmt::Write;

use crate::address::Address;
use crate::bucket_cors::CorsRule;
use crate::cloudfront::behavior::{BehaviorPath, BehaviorSettings};
use crate::cloudfront::policies::{CorsPolicy, PolicyRef};
use crate::manifest::MANIFEST_VERSION;
use crate::visible::{is_hidden, visible};
use std::collections::HashMap;

/// One bucket of an imported manifest.
pub struct ImportedBucket<'a> {
    pub name: &'a str,
    pub region: Option<&'a str>,
    pub rules: &'a [CorsRule],
}

/// Everything an import writes: buckets, distributions with every behavior's managed settings,
/// and the custom policies those behaviors use (policy references carry the names to write).
#[derive(Default)]
pub struct Imported<'a> {
    pub buckets: Vec<ImportedBucket<'a>>,
    pub distributions: Vec<(&'a str, &'a [(BehaviorPath, BehaviorSettings)])>,
    pub origin_request_policies: Vec<(&'a str, &'a [String])>,
    pub response_headers_policies: Vec<(&'a str, &'a CorsPolicy)>,
    /// A YAML comment written above a resource: where `convert` found it. Looked up once per
    /// resource, so a map: a template of 200,000 resources is written in linear time.
    pub comments: HashMap<Address, String>,
    /// The declared account every resource is in (`import --account`), written as the file's
    /// `account:`.
    pub account: Option<&'a str>,
}

impl Imported<'_> {
    fn comment(&self, address: Address, out: &mut String) {
        if let Some(text) = self.comments.get(&address) {
            // One line, whatever the source's name holds: a comment cannot end early.
            let text = visible(text).replace('\n', " ");
            let _ = writeln!(out, "  # {text}");
        }
    }
}

/// A whole version-1 manifest.
pub fn manifest(imported: &Imported<'_>) -> String {
    let mut out = format!("version: {MANIFEST_VERSION}\n");
    if let Some(account) = imported.account {
        let _ = writeln!(out, "account: {}", scalar(account));
    }
    if !imported.buckets.is_empty() {
        out.push_str("buckets:\n");
    }
    for bucket in &imported.buckets {
        imported.comment(Address::S3Bucket(bucket.name.to_string()), &mut out);
        let _ = writeln!(out, "  - name: {}", scalar(bucket.name));
        if let Some(region) = bucket.region {
            let _ = writeln!(out, "    region: {}", scalar(region));
        }
        if bucket.rules.is_empty() {
            out.push_str("    cors_rules: []\n");
        } else {
            out.push_str("    cors_rules:\n");
            out.push_str(&indent(&rules(bucket.rules), "      "));
        }
    }
    if !imported.distributions.is_empty() {
        out.push_str("distributions:\n");
    }
    for (id, behaviors) in &imported.distributions {
        imported.comment(Address::CloudFrontDistribution(id.to_string()), &mut out);
        let _ = writeln!(out, "  - id: {}\n    behaviors:", scalar(id));
        for (path, settings) in behaviors.iter() {
            let _ = writeln!(out, "      {}:", scalar(path.key()));
            out.push_str(&indent(&behavior(settings), "        "));
        }
    }
    if !imported.origin_request_policies.is_empty() {
        out.push_str("origin_request_policies:\n");
    }
    for (name, headers) in &imported.origin_request_policies {
        imported.comment(Address::OriginRequestPolicy(name.to_string()), &mut out);
        let _ = writeln!(
            out,
            "  - name: {}\n    headers: {}",
            scalar(name),
            list(headers)
        );
    }
    if !imported.response_headers_policies.is_empty() {
        out.push_str("response_headers_policies:\n");
    }
    for (name, cors) in &imported.response_headers_policies {
        imported.comment(Address::ResponseHeadersPolicy(name.to_string()), &mut out);
        let _ = writeln!(out, "  - name: {}\n    cors:", scalar(name));
        let mut fields = vec![
            format!("allow_origins: {}", list(&cors.allow_origins)),
            format!("allow_methods: {}", list(&cors.allow_methods)),
            format!("allow_headers: {}", list(&cors.allow_headers)),
        ];
        if !cors.expose_headers.is_empty() {
            fields.push(format!("expose_headers: {}", list(&cors.expose_headers)));
        }
        fields.push(format!("allow_credentials: {}", cors.allow_credentials));
        if let Some(seconds) = cors.max_age_seconds {
            fields.push(format!("max_age_seconds: {seconds}"));
        }
        fields.push(format!("origin_override: {}", cors.origin_override));
        for field in fields {
            let _ = writeln!(out, "      {field}");
        }
    }
    out
}

/// A behavior's managed settings as manifest fields: a legacy behavior by its whitelist, a
/// policy-based one by its policies; both with methods and the response headers policy.
fn behavior(settings: &BehaviorSettings) -> String {
    let reference = |r: &Option<PolicyRef>| {
        r.as_ref().map_or_else(
            || "null".to_string(),
            |r| scalar(r.name.as_deref().or(r.id.as_deref()).unwrap_or_default()),
        )
    };
    let mut out = String::new();
    match &settings.forward_headers {
        Some(headers) if settings.cache_policy.is_none() => {
            let _ = writeln!(out, "forward_headers: {}", list(headers));
        }
        _ => {
            let _ = writeln!(out, "cache_policy: {}", reference(&settings.cache_policy));
            let _ = writeln!(
                out,
                "origin_request_policy: {}",
                reference(&settings.origin_request_policy)
            );
        }
    }
    let _ = writeln!(
        out,
        "response_headers_policy: {}",
        reference(&settings.response_headers_policy)
    );
    let _ = writeln!(out, "allowed_methods: {}", list(&settings.allowed_methods));
    let _ = writeln!(out, "cached_methods: {}", list(&settings.cached_methods));
    out
}

/// Rules as a YAML block sequence, fields in manifest order, absent optional fields left out.
pub fn rules(rules: &[CorsRule]) -> String {
    let mut out = String::new();
    for rule in rules {
        let mut lines = Vec::new();
        if let Some(id) = &rule.id {
            lines.push(format!("id: {}", scalar(id)));
        }
        lines.push(format!("allowed_origins: {}", list(&rule.allowed_origins)));
        lines.push(format!("allowed_methods: {}", list(&rule.allowed_methods)));
        if !rule.allowed_headers.is_empty() {
            lines.push(format!("allowed_headers: {}", list(&rule.allowed_headers)));
        }
        if !rule.expose_headers.is_empty() {
            lines.push(format!("expose_headers: {}", list(&rule.expose_headers)));
        }
        if let Some(seconds) = rule.max_age_seconds {
            lines.push(format!("max_age_seconds: {seconds}"));
        }
        for (i, line) in lines.iter().enumerate() {
            let lead = if i == 0 { "- " } else { "  " };
            let _ = writeln!(out, "{lead}{line}");
        }
    }
    out
}

fn indent(text: &str, by: &str) -> String {
    text.lines().map(|line| format!("{by}{line}\n")).collect()
}

pub fn list(items: &[String]) -> String {
    let items: Vec<String> = items.iter().map(|s| scalar(s)).collect();
    format!("[{}]", items.join(", "))
}

/// A string as a YAML scalar that reads back as the same string: plain when that is unambiguous
/// (method and header names), double-quoted otherwise. JSON string syntax is valid YAML.
pub fn scalar(value: &str) -> String {
    const RESERVED: [&str; 12] = [
        "true", "false", "null", "yes", "no", "on", "off", "y", "n", "~", "nan", "inf",
    ];
    let plain = value.starts_with(|c: char| c.is_ascii_alphabetic())
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.')
        && !RESERVED.contains(&value.to_ascii_lowercase().as_str());
    if plain {
        return value.to_string();
    }
    // JSON escapes C0 control characters; DEL, C1 controls and invisible characters are escaped
    // too, in the `\uXXXX` form both JSON and YAML read back, so a reviewer sees them and they
    // still round-trip.
    let quoted = serde_json::to_string(value).unwrap_or_else(|_| format!("{value:?}"));
    if !quoted.chars().any(is_hidden) {
        return quoted;
    }
    quoted
        .chars()
        .map(|c| match c {
            c if is_hidden(c) => format!("\\u{:04x}", u32::from(c)),
            c => c.to_string(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::load_str;
    use std::path::Path;

    fn sample_rules() -> Vec<CorsRule> {
        vec![
            CorsRule {
                id: Some("web app".into()),
                allowed_origins: vec![
                    "https://www.example.com".into(),
                    "https://*.example.com".into(),
                ],
                allowed_methods: vec!["GET".into(), "PUT".into()],
                allowed_headers: vec!["*".into(), "x-amz-*".into()],
                expose_headers: vec!["ETag".into()],
                max_age_seconds: Some(3000),
            },
            CorsRule {
                id: None,
                allowed_origins: vec!["*".into()],
                allowed_methods: vec!["GET".into()],
                ..CorsRule::default()
            },
        ]
    }

    #[test]
    fn rules_render_as_readable_yaml() {
        insta::assert_snapshot!(rules(&sample_rules()), @r#"
        - id: "web app"
          allowed_origins: ["https://www.example.com", "https://*.example.com"]
          allowed_methods: [GET, PUT]
          allowed_headers: ["*", "x-amz-*"]
          expose_headers: [ETag]
          max_age_seconds: 3000
        - allowed_origins: ["*"]
          allowed_methods: [GET]
        "#);
    }

    #[test]
    fn imported_manifest_reads_back_to_the_same_rules() {
        let rules = sample_rules();
        let text = manifest(&Imported {
            buckets: vec![
                ImportedBucket {
                    name: "assets",
                    region: Some("eu-west-1"),
                    rules: &rules,
                },
                ImportedBucket {
                    name: "private",
                    region: None,
                    rules: &[],
                },
            ],
            ..Imported::default()
        });
        let read = load_str(Path::new("import.yaml"), &text).unwrap();
        assert_eq!(read.buckets[0].cors.rules, rules);
        assert_eq!(read.buckets[0].region.as_deref(), Some("eu-west-1"));
        assert!(read.buckets[1].cors.rules.is_empty());
    }

    #[test]
    fn scalars_that_yaml_would_retype_are_quoted() {
        for value in [
            "true",
            "null",
            "123",
            "1.5",
            "*",
            "a: b",
            "",
            "ON",
            "-x",
            "with space",
            "é",
        ] {
            let rendered = scalar(value);
            assert!(rendered.starts_with('"'), "{value} -> {rendered}");
        }
        for value in ["GET", "ETag", "x-amz-meta-a", "Content-Type"] {
            assert_eq!(scalar(value), value);
        }
    }
}
