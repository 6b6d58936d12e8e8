//! Rules and manifests as YAML text: for `import` output and for the rule listings that plan diffs
//! compare. Hand-written rather than serde-serialised so that lists stay on one line (one diff line
//! per field) and the text reads like the manifests users write.

use std::fmt::Write;

use crate::bucket_cors::CorsRule;
use crate::manifest::MANIFEST_VERSION;

/// One bucket of an imported manifest.
pub struct ImportedBucket<'a> {
    pub name: &'a str,
    pub region: Option<&'a str>,
    pub rules: &'a [CorsRule],
}

/// A whole version-1 manifest.
pub fn manifest(buckets: &[ImportedBucket<'_>]) -> String {
    let mut out = format!("version: {MANIFEST_VERSION}\nbuckets:\n");
    for bucket in buckets {
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
        value.to_string()
    } else {
        serde_json::to_string(value).unwrap_or_else(|_| format!("{value:?}"))
    }
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
        let text = manifest(&[
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
        ]);
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
