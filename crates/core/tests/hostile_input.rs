//! The manifest reader never panics: arbitrary text and bytes, and structurally valid manifests
//! with hostile values, are each accepted or refused with a clear error. A bounded number of
//! generated cases runs in CI; the fixed cases below cover the named classes of bad input.

use std::path::Path;

use cors_sync_core::convert::{convert, Format, Input};
use cors_sync_core::manifest::{load, load_str};
use proptest::prelude::*;

fn check(text: &str) -> Result<(), String> {
    match load_str(Path::new("m.yaml"), text) {
        Ok(_) => Ok(()),
        Err(diagnostics) => {
            let message = diagnostics.to_string();
            // Every refusal names the file and says "error".
            assert!(
                message
                    .lines()
                    .next()
                    .is_some_and(|l| l.starts_with("m.yaml") && l.contains("error")),
                "{message}"
            );
            Err(message)
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_text_never_panics(text in any::<String>()) {
        let _ = check(&text);
    }

    #[test]
    fn yaml_like_text_never_panics(text in "[a-z_:\\-\\[\\]{}*&!|>'\" \n0-9#,.]{0,400}") {
        let _ = check(&text);
    }

    #[test]
    fn arbitrary_bytes_in_a_file_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2000)) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m.yaml");
        std::fs::write(&path, &bytes).unwrap();
        let _ = load(&path);
    }

    #[test]
    fn hostile_values_in_a_valid_structure_never_panic(
        name in any::<String>(),
        origin in any::<String>(),
        method in any::<String>(),
        header in any::<String>(),
        max_age in any::<i64>(),
        id in any::<String>(),
    ) {
        let text = format!(
            "version: 1\nbuckets:\n  - name: {}\n    cors_rules:\n      - id: {}\n        allowed_origins: [{}]\n        allowed_methods: [{}]\n        allowed_headers: [{}]\n        max_age_seconds: {max_age}\n",
            serde_json::to_string(&name).unwrap(),
            serde_json::to_string(&id).unwrap(),
            serde_json::to_string(&origin).unwrap(),
            serde_json::to_string(&method).unwrap(),
            serde_json::to_string(&header).unwrap(),
        );
        let _ = check(&text);
    }

    #[test]
    fn convert_never_panics_on_arbitrary_json_or_yaml(
        text in "[a-zA-Z_:\\-\\[\\]{}*&!|>'\" \n0-9#,.]{0,300}",
        key in "(CORSRules|Resources|Type|Properties|format_version|values|root_module|resources|cors_rule|BucketName|!Ref|!Sub)",
        value in any::<String>(),
    ) {
        let shaped = [
            text.clone(),
            format!("{{\"{key}\": {}}}", serde_json::to_string(&value).unwrap()),
            format!("{{\"format_version\": \"1\", \"values\": {{\"root_module\": {{\"resources\": [{{\"type\": \"aws_s3_bucket\", \"values\": {{\"{key}\": [{text:?}]}}}}]}}}}}}"),
            format!("Resources:\n  A:\n    Type: AWS::S3::Bucket\n    Properties:\n      {key}: {}\n", serde_json::to_string(&value).unwrap()),
        ];
        for text in &shaped {
            for format in [Format::AwsJson, Format::Terraform, Format::CloudFormation] {
                let input = Input { file: "f", text, bucket: Some("b") };
                if let Ok(converted) = convert(format, &[input]) {
                    let _ = converted.manifest();
                }
            }
        }
    }
}

fn bucket_with(rules: &str) -> String {
    format!("version: 1\nbuckets:\n  - name: hostile-bucket\n    cors_rules:\n{rules}")
}

#[test]
fn huge_lists_are_refused_by_the_limits() {
    let origins: Vec<String> = (0..20_000)
        .map(|i| format!("\"https://o{i}.example\""))
        .collect();
    let text = bucket_with(&format!(
        "      - allowed_origins: [{}]\n        allowed_methods: [GET]\n",
        origins.join(", ")
    ));
    let error = check(&text).unwrap_err();
    assert!(
        error.contains("bytes as XML; S3 allows at most 65536"),
        "{error}"
    );
}

#[test]
fn deep_nesting_is_refused() {
    let text = format!(
        "version: 1\nbuckets: {}{}\n",
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    let error = check(&text).unwrap_err();
    // yaml-rust2 stops at its own recursion limit before the tree builder's depth bound.
    assert!(
        error.contains("recursion limit exceeded")
            || error.contains("nesting deeper than 64 levels"),
        "{error}"
    );
}

#[test]
fn an_alias_bomb_is_refused() {
    let mut text = String::from("version: 1\nx0: &x0 [a, a, a, a, a, a, a, a, a, a]\n");
    for level in 1..12 {
        let prev = level - 1;
        let refs = vec![format!("*x{prev}"); 10].join(", ");
        text.push_str(&format!("x{level}: &x{level} [{refs}]\n"));
    }
    let error = check(&text).unwrap_err();
    assert!(error.contains("document too large"), "{error}");
}

#[test]
fn a_ten_megabyte_string_is_refused_with_a_clear_error() {
    let long = "a".repeat(10 * 1024 * 1024);
    let text = bucket_with(&format!("      - id: \"{long}\"\n        allowed_origins: [\"*\"]\n        allowed_methods: [GET]\n"));
    let error = check(&text).unwrap_err();
    assert!(
        error.contains("id is 10485760 characters long; S3 allows at most 255"),
        "{}",
        &error[..200.min(error.len())]
    );
}

#[test]
fn control_characters_are_data_not_structure() {
    let text = bucket_with("      - allowed_origins: [\"https://a.example\\u0000\\u001b[31m\"]\n        allowed_methods: [\"GET\\n\"]\n");
    let error = check(&text).unwrap_err();
    assert!(error.contains("is not a method S3 CORS allows"), "{error}");
}

#[test]
fn non_utf8_bytes_are_refused_with_their_position() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("m.yaml");
    std::fs::write(&path, b"version: 1\n\xc3\x28 bad\n").unwrap();
    let error = load(&path).unwrap_err().to_string();
    assert!(
        error.contains("m.yaml:2:1: error: the manifest is not valid UTF-8"),
        "{error}"
    );
}

#[test]
fn tabs_and_other_syntax_errors_are_refused_with_a_position() {
    let error = check("version: 1\nbuckets:\n\t- name: x\n").unwrap_err();
    assert!(error.contains("m.yaml:3:"), "{error}");
}

#[test]
fn a_nul_or_any_character_yaml_forbids_is_an_error_at_its_place_never_the_end_of_the_file() {
    // Read as the end of the text, the NUL in the comment would drop the second rule silently.
    let text = "version: 1\nbuckets:\n  - name: nul-bucket\n    cors_rules:\n      - allowed_origins: [\"https://a.example\"]\n        allowed_methods: [GET] # a note\0\n      - allowed_origins: [\"https://b.example\"]\n        allowed_methods: [PUT]\n";
    let error = check(text).unwrap_err();
    assert!(
        error.starts_with(
            "m.yaml:6:40: error: invalid YAML: the character U+0000 (NUL) is not allowed in YAML"
        ),
        "{error}"
    );
    for (c, shown) in [
        ('\u{1}', "U+0001"),
        ('\u{7f}', "U+007F (DEL)"),
        ('\u{9b}', "U+009B"),
    ] {
        let error = check(&format!("version: 1\nbuckets: []\n# {c}\n")).unwrap_err();
        assert!(
            error.starts_with(&format!(
                "m.yaml:3:3: error: invalid YAML: the character {shown}"
            )),
            "{error}"
        );
    }
}

#[test]
fn a_nul_in_any_file_convert_reads_is_an_error_at_its_line_and_column() {
    let texts = [
        (
            Format::AwsJson,
            "{\"CORSRules\": [\n  {\"AllowedOrigins\": [\"https://a.example\"], \"AllowedMethods\": [\"GET\"]}\n]\0 trailing\n",
            "line 3 column 2",
        ),
        (
            Format::Terraform,
            "{\"format_version\": \"1.2\",\n \"values\": {\"root_module\": {}}}\n\0",
            "line 3 column 1",
        ),
        (
            Format::CloudFormation,
            "Resources:\n  Site:\n    Type: AWS::S3::Bucket # \0\n    Properties:\n      BucketName: site\n      CorsConfiguration:\n        CorsRules:\n          - AllowedOrigins: [\"https://a.example\"]\n            AllowedMethods: [GET]\n",
            "line 3 column 29",
        ),
        (
            Format::CloudFormation,
            "{\"Resources\": {}}\n\0",
            "line 2 column 1",
        ),
    ];
    for (format, text, place) in texts {
        let input = Input {
            file: "in.txt",
            text,
            bucket: Some("b"),
        };
        let error = convert(format, &[input]).unwrap_err().to_string();
        assert!(
            error.contains(&format!(
                "{place}: the character U+0000 (NUL) is not allowed"
            )),
            "{format:?}: {error}"
        );
    }
}
