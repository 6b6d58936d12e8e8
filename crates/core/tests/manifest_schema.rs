//! The manifest schema is what the decoder enforces: required fields, list bounds and values.

use std::path::Path;

use cors_sync_core::manifest::load_str;
use cors_sync_core::manifest::schema::*;

#[test]
fn an_empty_object_is_missing_exactly_the_fields_the_schema_marks_required() {
    let empty = "version: 1\nbuckets:\n  - name: bucket\n    cors_rules: [{}]\n  - {}\ndistributions:\n  - {}\norigin_request_policies:\n  - {}\nresponse_headers_policies:\n  - {name: r, cors: {}}\n  - {}\n";
    let report = load_str(Path::new("m.yaml"), empty)
        .err()
        .map(|d| d.to_string())
        .unwrap_or_default();
    let mut missing: Vec<&str> = report
        .lines()
        .filter_map(|line| line.split("missing the required field `").nth(1))
        .map(|rest| rest.trim_end_matches('`'))
        .collect();
    missing.sort_unstable();
    let mut required: Vec<&str> = [
        &BUCKET,
        &RULE,
        &DISTRIBUTION,
        &ORIGIN_REQUEST_POLICY,
        &RESPONSE_HEADERS_POLICY,
        &CORS_POLICY,
    ]
    .iter()
    .flat_map(|object| object.fields.iter().filter(|f| f.required).map(|f| f.name))
    .collect();
    required.sort_unstable();
    assert_eq!(missing, required, "{report}");
}

fn report(text: &str) -> String {
    load_str(Path::new("m.yaml"), text)
        .err()
        .map(|d| d.to_string())
        .unwrap_or_default()
}

#[test]
fn the_decoder_enforces_the_bounds_and_values_the_schema_declares() {
    let field = |object: &'static Object, name: &str| -> &'static Field {
        object.fields.iter().find(|f| f.name == name).unwrap()
    };
    let Shape::List { max: Some(max), .. } = field(&BUCKET, "cors_rules").shape else {
        panic!("cors_rules declares a maximum");
    };
    let rule = "      - {allowed_origins: [\"*\"], allowed_methods: [GET]}\n";
    let at_most = |count: u64| {
        let rules = rule.repeat(count as usize);
        report(&format!(
            "version: 1\nbuckets:\n  - name: bucket\n    cors_rules:\n{rules}"
        ))
    };
    assert_eq!(at_most(max), "");
    assert!(at_most(max + 1).contains(&format!("{} CORS rules; S3 allows at most {max}", max + 1)));

    let Shape::List { item, .. } = field(&RULE, "allowed_methods").shape else {
        panic!("allowed_methods is a list");
    };
    let Shape::OneOf(choice) = item else {
        panic!("allowed_methods lists one of the S3 methods");
    };
    for method in ["GET", "get", "PATCH", "OPTIONS", "DELETE"] {
        let text = format!("version: 1\nbuckets:\n  - name: bucket\n    cors_rules:\n      - {{allowed_origins: [\"*\"], allowed_methods: [{method}]}}\n");
        let refused = report(&text).contains("is not a method S3 CORS allows");
        assert_eq!(refused, !choice.values.contains(&method), "{method}");
    }
}
