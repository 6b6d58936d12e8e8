//! Input that must never be misread: several YAML documents, a byte-order mark, a version that
//! only looks like 1, control characters S3 would refuse, and characters a reader cannot see.

use std::path::Path;

use cors_sync_core::bucket_cors::{BucketCors, CorsRule};
use cors_sync_core::lint;
use cors_sync_core::manifest::load_str;
use cors_sync_core::plan::{Change, Plan};
use cors_sync_core::render::{markdown_plan, text_plan};

fn problems(text: &str) -> String {
    match load_str(Path::new("m.yaml"), text) {
        Ok(_) => "ok".to_string(),
        Err(diagnostics) => diagnostics.to_string(),
    }
}

const ONE_BUCKET: &str = "version: 1\nbuckets:\n  - name: assets\n    cors_rules: []\n";

#[test]
fn a_second_yaml_document_is_an_error_at_its_start_never_silently_dropped() {
    let two =
        format!("{ONE_BUCKET}---\nversion: 1\nbuckets:\n  - name: other\n    cors_rules: []\n");
    insta::assert_snapshot!(problems(&two), @"m.yaml:5:1: error: invalid YAML: a second YAML document (after `---`): a manifest file holds one document; put each in a file of its own in a manifest directory");
    // One document that opens with `---` (or ends with `...`) is one document.
    assert_eq!(problems(&format!("---\n{ONE_BUCKET}...\n")), "ok");
}

#[test]
fn a_byte_order_mark_is_accepted_and_positions_stay_as_the_reader_sees_them() {
    assert_eq!(problems(&format!("\u{feff}{ONE_BUCKET}")), "ok");
    insta::assert_snapshot!(problems("\u{feff}version: 1\nbuckets: 3\n"), @"m.yaml:2:10: error: `buckets` must be a list of buckets, found an integer");
}

#[test]
fn a_version_that_only_looks_like_one_is_refused() {
    for version in ["1.0", "\"1\"", "'1'", "1.00"] {
        let text = format!("version: {version}\nbuckets: []\n");
        let report = problems(&text);
        assert!(
            report.contains("error: version must be the integer 1"),
            "{version}: {report}"
        );
    }
}

#[test]
fn control_characters_in_values_s3_would_receive_are_errors() {
    let text = "version: 1\nbuckets:\n  - name: assets\n    cors_rules:\n      - id: \"web\\u0000\"\n        allowed_origins: [\"https://a.example\\n\"]\n        allowed_methods: [GET]\n        allowed_headers: [\"x-a\\tb\"]\n        expose_headers: [\"ETag\\u001b[31m\"]\n";
    insta::assert_snapshot!(problems(text), @r"
    m.yaml:5:13: error: `id` value `web\u{0000}` contains the control character \u{0000}; S3 and CloudFront refuse control characters
    m.yaml:6:27: error: `allowed_origins item` value `https://a.example\n` contains the control character \n; S3 and CloudFront refuse control characters
    m.yaml:8:27: error: `allowed_headers item` value `x-a\tb` contains the control character \t; S3 and CloudFront refuse control characters
    m.yaml:9:26: error: `expose_headers item` value `ETag\u{001b}[31m` contains the control character \u{001b}; S3 and CloudFront refuse control characters
    ");
}

#[test]
fn invisible_and_non_ascii_origins_are_a_lint_shown_escaped() {
    let text = "version: 1\nbuckets:\n  - name: assets\n    cors_rules:\n      - allowed_origins: [\"https://app\u{200b}.example.com\", \"https://b\u{fc}cher.example\", \"https://\u{202e}moc.elpmaxe\"]\n        allowed_methods: [GET]\n";
    let manifest = load_str(Path::new("m.yaml"), text).unwrap();
    let warnings: Vec<String> = lint::manifest_lints(&manifest)
        .iter()
        .map(ToString::to_string)
        .collect();
    insta::assert_snapshot!(warnings.join("\n"), @r"
    m.yaml:5:9: warning: CS007 non-ascii-origin: `https://app\u{200b}.example.com` contains the invisible character U+200B: a browser sends hosts in ASCII (punycode), so this origin never matches
      help: write the host in its ASCII form (xn--… for an internationalised name) and remove invisible characters
    m.yaml:5:9: warning: CS007 non-ascii-origin: `https://bücher.example` contains the non-ASCII character U+00FC: a browser sends hosts in ASCII (punycode), so this origin never matches
      help: write the host in its ASCII form (xn--… for an internationalised name) and remove invisible characters
    m.yaml:5:9: warning: CS007 non-ascii-origin: `https://\u{202e}moc.elpmaxe` contains the invisible character U+202E: a browser sends hosts in ASCII (punycode), so this origin never matches
      help: write the host in its ASCII form (xn--… for an internationalised name) and remove invisible characters
    ");
}

#[test]
fn plans_show_hidden_characters_escaped_so_no_value_can_forge_a_line() {
    let plan = Plan::without_accounts([Change::BucketCors {
        bucket: "assets".into(),
        region: "us-east-1".into(),
        before: BucketCors::none(),
        after: BucketCors::new(vec![CorsRule::allowing(
            &[
                "https://a\u{200b}.example",
                "https://b.example\u{2028}+ forged line",
            ],
            &["GET"],
        )]),
    }]);
    let text = text_plan::render(&plan, text_plan::Colour::Never);
    assert!(text.contains(r#""https://a\u200b.example""#), "{text}");
    assert!(
        text.contains(r#""https://b.example\u2028+ forged line""#),
        "{text}"
    );
    let markdown = markdown_plan::render(&plan, &[], None);
    assert!(
        markdown.contains(r#""https://a\u200b.example""#),
        "{markdown}"
    );
    for rendered in [&text, &markdown] {
        let hidden = |c: char| c != '\n' && cors_sync_core::visible::is_hidden(c);
        assert!(!rendered.chars().any(hidden), "{rendered}");
    }
}
