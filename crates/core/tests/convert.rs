//! `convert`: fixtures written from each format's documentation, converted to manifests that
//! validate, with a comment naming each resource's source and a warning for what cannot be carried
//! over; and bad input refused with one clear error.

use std::path::Path;

use cors_sync_core::convert::{convert, Format, Input};
use cors_sync_core::manifest::load_str;

fn fixture(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/convert")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The manifest, then the warnings; the manifest must validate.
fn converted(format: Format, files: &[(&str, Option<&str>)]) -> String {
    let texts: Vec<(String, String)> = files
        .iter()
        .map(|(name, _)| (name.to_string(), fixture(name)))
        .collect();
    let inputs: Vec<Input> = texts
        .iter()
        .zip(files)
        .map(|((file, text), (_, bucket))| Input {
            file,
            text,
            bucket: *bucket,
        })
        .collect();
    let converted = convert(format, &inputs).unwrap();
    let manifest = converted.manifest();
    if let Err(problems) = load_str(Path::new("converted.yaml"), &manifest) {
        panic!("the converted manifest does not validate:\n{problems}\n{manifest}");
    }
    let warnings: Vec<String> = converted
        .warnings
        .iter()
        .map(|w| format!("warning: {w}"))
        .collect();
    format!("{manifest}---\n{}", warnings.join("\n"))
}

#[test]
fn aws_json_from_the_guide_and_from_get_bucket_cors() {
    insta::assert_snapshot!(converted(
        Format::AwsJson,
        &[("s3-cors.json", Some("guide-bucket")), ("get-bucket-cors.json", Some("saved-bucket"))]
    ), @r#"
    version: 1
    buckets:
      # from s3-cors.json
      - name: guide-bucket
        cors_rules:
          - allowed_origins: ["http://www.example1.com"]
            allowed_methods: [PUT, POST, DELETE]
            allowed_headers: ["*"]
          - allowed_origins: ["http://www.example2.com"]
            allowed_methods: [PUT, POST, DELETE]
            allowed_headers: ["*"]
          - allowed_origins: ["*"]
            allowed_methods: [GET]
      # from get-bucket-cors.json
      - name: saved-bucket
        cors_rules:
          - id: web
            allowed_origins: ["https://www.example.com"]
            allowed_methods: [GET, HEAD]
            allowed_headers: [Authorization]
            expose_headers: [ETag]
            max_age_seconds: 3000
    ---
    "#);
}

#[test]
fn terraform_state_with_modules_inline_rules_cloudfront_and_policies() {
    insta::assert_snapshot!(converted(Format::Terraform, &[("terraform-state.json", None)]), @r#"
    version: 1
    buckets:
      # from terraform-state.json: aws_s3_bucket_cors_configuration.assets
      - name: example-assets
        cors_rules:
          - allowed_origins: ["https://s3-website-test.example.com"]
            allowed_methods: [PUT, POST]
            allowed_headers: ["*"]
            expose_headers: [ETag]
            max_age_seconds: 3000
          - id: reads
            allowed_origins: ["*"]
            allowed_methods: [GET]
      # from terraform-state.json: aws_s3_bucket.legacy
      - name: example-legacy
        cors_rules:
          - allowed_origins: ["https://www.example.com"]
            allowed_methods: [GET]
      # from terraform-state.json: module.uploads.aws_s3_bucket_cors_configuration.this
      - name: example-uploads
        cors_rules:
          - allowed_origins: ["https://app.example.com"]
            allowed_methods: [PUT]
            allowed_headers: [Content-Type]
    distributions:
      # from terraform-state.json: aws_cloudfront_distribution.cdn
      - id: E2QWRUHAPOMQZL
        behaviors:
          default:
            forward_headers: [Origin, Access-Control-Request-Method, Access-Control-Request-Headers]
            response_headers_policy: null
            allowed_methods: [HEAD, GET, OPTIONS]
            cached_methods: [HEAD, GET, OPTIONS]
          "/fonts/*":
            cache_policy: Managed-CachingOptimized
            origin_request_policy: Managed-CORS-S3Origin
            response_headers_policy: Managed-CORS-With-Preflight
            allowed_methods: [GET, HEAD, OPTIONS]
            cached_methods: [GET, HEAD, OPTIONS]
    origin_request_policies:
      # from terraform-state.json: aws_cloudfront_origin_request_policy.forward
      - name: cors-forward
        headers: [Origin, Access-Control-Request-Method]
    response_headers_policies:
      # from terraform-state.json: aws_cloudfront_response_headers_policy.fonts
      - name: fonts-cors
        cors:
          allow_origins: ["https://www.example.com"]
          allow_methods: [GET, HEAD]
          allow_headers: ["*"]
          allow_credentials: false
          max_age_seconds: 600
          origin_override: true
    ---
    warning: aws_s3_bucket_cors_configuration.assets in terraform-state.json: bucket `example-assets` has 2 rules, and Terraform keeps `cors_rule` as a set: the order shown need not be the order S3 evaluates; confirm it against `cors-sync plan`
    "#);
}

#[test]
fn terraform_plan_with_a_bucket_name_and_a_policy_id_known_only_after_apply() {
    insta::assert_snapshot!(converted(Format::Terraform, &[("terraform-plan.json", None)]), @r#"
    version: 1
    buckets:
      # from terraform-plan.json: aws_s3_bucket_cors_configuration.known
      - name: example-known
        cors_rules:
          - allowed_origins: ["https://www.example.com"]
            allowed_methods: [GET]
    distributions:
      # from terraform-plan.json: aws_cloudfront_distribution.cdn
      - id: E3PLANNEDDIST1
        behaviors:
          "/api/*":
            cache_policy: Managed-CachingDisabled
            origin_request_policy: Managed-CORS-S3Origin
            response_headers_policy: null
            allowed_methods: [GET, HEAD]
            cached_methods: [GET, HEAD]
    ---
    warning: aws_s3_bucket_cors_configuration.generated in terraform-plan.json: its bucket name is not known until apply, so its CORS rules were not carried over
    warning: aws_cloudfront_distribution.cdn in terraform-plan.json: behavior default refers to a policy by an ID known only after apply, so the behavior was not carried over
    "#);
}

#[test]
fn cloudformation_yaml_with_short_form_tags_and_json() {
    insta::assert_snapshot!(converted(
        Format::CloudFormation,
        &[("template.yaml", None), ("template.json", None)]
    ), @r#"
    version: 1
    buckets:
      # from template.yaml: AssetsBucket
      - name: example-cfn-assets
        cors_rules:
          - id: web
            allowed_origins: ["https://www.example.com", "https://*.example.com"]
            allowed_methods: [GET, HEAD]
            allowed_headers: ["*"]
            expose_headers: [ETag]
            max_age_seconds: 3000
          - allowed_origins: ["*"]
            allowed_methods: [GET]
      # from template.json: Uploads
      - name: example-cfn-json-uploads
        cors_rules:
          - allowed_origins: ["https://app.example.com"]
            allowed_methods: [PUT, POST]
            allowed_headers: [Content-Type]
            max_age_seconds: 600
    origin_request_policies:
      # from template.yaml: Forward
      - name: cfn-cors-forward
        headers: [Origin, Access-Control-Request-Method, Access-Control-Request-Headers]
    response_headers_policies:
      # from template.yaml: FontsPolicy
      - name: cfn-fonts-cors
        cors:
          allow_origins: ["https://www.example.com"]
          allow_methods: [GET, HEAD]
          allow_headers: ["*"]
          allow_credentials: false
          max_age_seconds: 600
          origin_override: true
    ---
    warning: StageBucket in template.yaml: its BucketName is not a literal (computed, or left to CloudFormation), so its CORS rules were not carried over
    warning: UnnamedBucket in template.yaml: its BucketName is not a literal (computed, or left to CloudFormation), so its CORS rules were not carried over
    warning: Cdn in template.yaml: a distribution's ID is known only once the stack is deployed, so its behaviors were not carried over (import it with `cors-sync import --distribution ID`)
    warning: Computed in template.json: its BucketName is not a literal (computed, or left to CloudFormation), so its CORS rules were not carried over
    "#);
}

#[test]
fn a_file_in_another_format_or_none_is_one_clear_error() {
    let error = |format: Format, text: &str| {
        convert(
            format,
            &[Input {
                file: "input",
                text,
                bucket: Some("b"),
            }],
        )
        .unwrap_err()
        .to_string()
    };
    let state = fixture("terraform-state.json");
    insta::assert_snapshot!(error(Format::AwsJson, &state), @r#"input: not an S3 CORS configuration: expected {"CORSRules": [...]} (or the console's bare list of rules)"#);
    insta::assert_snapshot!(error(Format::CloudFormation, &state), @"input: not a CloudFormation template: expected a `Resources` mapping");
    insta::assert_snapshot!(error(Format::Terraform, &fixture("s3-cors.json")), @"input: not the JSON of `terraform show -json`: expected `format_version` and `values.root_module` (a state) or `planned_values.root_module` (a saved plan)");
    insta::assert_snapshot!(error(Format::Terraform, "{\"format_version\": "), @"input: not JSON: EOF while parsing a value at line 1 column 19");
    insta::assert_snapshot!(error(Format::CloudFormation, "Resources: [unclosed"), @"input: not YAML: while parsing a flow sequence, expected ',' or ']' at line 2 column 1");
    insta::assert_snapshot!(error(Format::AwsJson, "not json"), @"input: not JSON: expected ident at line 1 column 2");
}

#[test]
fn a_terraform_state_without_cors_is_an_empty_manifest_and_a_note() {
    let text = r#"{"format_version": "1.0", "values": {"root_module": {"resources": []}}}"#;
    let converted = convert(
        Format::Terraform,
        &[Input {
            file: "empty.json",
            text,
            bucket: None,
        }],
    )
    .unwrap();
    assert_eq!(converted.manifest(), "version: 1\n");
    assert_eq!(
        converted.warnings,
        ["empty.json: no CORS resources found (the manifest is empty)"]
    );
}

/// The manifest, then the warnings. Not validated: with values left out, a list can be empty, and
/// `validate` saying so is one more prompt to review it.
fn converted_text(format: Format, file: &str, text: &str) -> String {
    let input = Input {
        file,
        text,
        bucket: None,
    };
    let converted = convert(format, &[input]).unwrap();
    let manifest = converted.manifest();
    let warnings: Vec<String> = converted
        .warnings
        .iter()
        .map(|w| format!("warning: {w}"))
        .collect();
    format!("{manifest}---\n{}", warnings.join("\n"))
}

#[test]
fn cloudformation_values_computed_at_deploy_time_are_named_in_a_warning_never_dropped_silently() {
    let template = r#"Parameters:
  Stage: {Type: String}
  Origins: {Type: CommaDelimitedList}
Conditions:
  IsProd: !Equals [!Ref Stage, prod]
Resources:
  Site:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: example-cfn-site
      CorsConfiguration:
        CorsRules:
          - Id: !Sub "${Stage}-reads"
            AllowedOrigins: ["https://www.example.com", !Sub "https://${Stage}.example.com"]
            AllowedMethods: [GET, !Ref Method]
            AllowedHeaders: !Split [",", !Ref Headers]
            MaxAge: !Ref MaxAge
          - !If [IsProd, {AllowedOrigins: ["*"], AllowedMethods: [GET]}, !Ref AWS::NoValue]
  Switched:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: example-cfn-switched
      CorsConfiguration:
        CorsRules: !If [IsProd, [], [{AllowedOrigins: ["*"], AllowedMethods: [GET]}]]
  Fonts:
    Type: AWS::CloudFront::ResponseHeadersPolicy
    Properties:
      ResponseHeadersPolicyConfig:
        Name: cfn-fonts
        CorsConfig:
          AccessControlAllowCredentials: false
          AccessControlAllowHeaders: {Items: ["*"]}
          AccessControlAllowMethods: {Items: [GET]}
          AccessControlAllowOrigins: !If [IsProd, {Items: ["https://www.example.com"]}, {Items: ["*"]}]
          OriginOverride: true
"#;
    insta::assert_snapshot!(converted_text(Format::CloudFormation, "computed.yaml", template), @r#"
    version: 1
    buckets:
      # from computed.yaml: Site
      - name: example-cfn-site
        cors_rules:
          - allowed_origins: ["https://www.example.com"]
            allowed_methods: [GET]
    response_headers_policies:
      # from computed.yaml: Fonts
      - name: cfn-fonts
        cors:
          allow_origins: []
          allow_methods: [GET]
          allow_headers: ["*"]
          allow_credentials: false
          origin_override: true
    ---
    warning: Site in computed.yaml: values decided only when the stack is deployed were left out: CorsRules[0].AllowedOrigins[1] (!Sub), CorsRules[0].AllowedMethods[1] (!Ref), CorsRules[0].AllowedHeaders (!Split), CorsRules[0].Id (!Sub), CorsRules[0].MaxAge (!Ref), CorsRules[1] (!If); review what was carried over
    warning: Switched in computed.yaml: its CorsRules is !If, decided only when the stack is deployed, so its CORS rules were not carried over
    warning: Fonts in computed.yaml: values decided only when the stack is deployed were left out: CorsConfig.AccessControlAllowOrigins (!If); review what was carried over
    "#);
}

#[test]
fn a_logical_id_declared_twice_is_an_error_in_yaml_and_json() {
    let yaml = "Resources:\n  Site:\n    Type: AWS::S3::Bucket\n    Properties: {BucketName: first}\n  Site:\n    Type: AWS::S3::Bucket\n    Properties: {BucketName: second}\n";
    let json = r#"{"Resources": {"Site": {"Type": "AWS::S3::Bucket"},
  "Site": {"Type": "AWS::S3::Bucket"}}}"#;
    let errors: Vec<String> = [("twice.yaml", yaml), ("twice.json", json)]
        .into_iter()
        .map(|(file, text)| {
            let input = Input {
                file,
                text,
                bucket: None,
            };
            convert(Format::CloudFormation, &[input])
                .unwrap_err()
                .to_string()
        })
        .collect();
    insta::assert_snapshot!(errors.join("\n"), @"
    twice.yaml: the logical ID `Site` is declared twice (again at line 5 column 3)
    twice.json: not a CloudFormation template: the logical ID `Site` is declared twice at line 2 column 38
    ");
}

#[test]
fn terraform_plan_values_known_only_after_apply_are_named_in_a_warning() {
    let plan = r#"{
  "format_version": "1.2",
  "planned_values": {"root_module": {"resources": [
    {"address": "aws_s3_bucket_cors_configuration.site", "mode": "managed",
     "type": "aws_s3_bucket_cors_configuration", "name": "site",
     "values": {"bucket": "example-tf-site", "cors_rule": [
       {"allowed_headers": [], "allowed_methods": ["GET"], "allowed_origins": ["https://www.example.com"], "expose_headers": [], "id": "", "max_age_seconds": null}]}},
    {"address": "aws_cloudfront_response_headers_policy.fonts", "mode": "managed",
     "type": "aws_cloudfront_response_headers_policy", "name": "fonts",
     "values": {"cors_config": []}}
  ]}},
  "resource_changes": [
    {"address": "aws_s3_bucket_cors_configuration.site",
     "change": {"actions": ["create"], "after_unknown": {"id": true, "cors_rule": [{"allowed_origins": [false, true], "allowed_headers": true}]}}},
    {"address": "aws_cloudfront_response_headers_policy.fonts",
     "change": {"actions": ["create"], "after_unknown": {"id": true, "name": true}}}
  ]
}"#;
    insta::assert_snapshot!(converted_text(Format::Terraform, "tfplan.json", plan), @r#"
    version: 1
    buckets:
      # from tfplan.json: aws_s3_bucket_cors_configuration.site
      - name: example-tf-site
        cors_rules:
          - allowed_origins: ["https://www.example.com"]
            allowed_methods: [GET]
    ---
    warning: aws_s3_bucket_cors_configuration.site in tfplan.json: cors_rule[0].allowed_origins[1], cors_rule[0].allowed_headers known only after apply, so left out; convert the state once applied, or review what was carried over
    warning: aws_cloudfront_response_headers_policy.fonts in tfplan.json: its name is not known until apply, so it was not carried over
    "#);
}
