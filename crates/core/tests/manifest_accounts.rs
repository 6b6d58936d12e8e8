//! `accounts:` and `account:`: which account each resource resolves to, and every mistake an
//! estate's manifest can make, each at its position.

use std::path::Path;

use cors_sync_core::manifest::{load, load_str, Manifest};

fn problems(text: &str) -> String {
    match load_str(Path::new("m.yaml"), text) {
        Ok(_) => "ok".to_string(),
        Err(diagnostics) => diagnostics.to_string(),
    }
}

fn accounts_of(manifest: &Manifest) -> Vec<(String, Option<String>)> {
    let name =
        |a: &Option<cors_sync_core::manifest::AccountRef>| a.as_ref().map(|a| a.name.clone());
    let mut found: Vec<(String, Option<String>)> = Vec::new();
    found.extend(
        manifest
            .buckets
            .iter()
            .map(|b| (b.name.clone(), name(&b.account))),
    );
    found.extend(
        manifest
            .distributions
            .iter()
            .map(|d| (d.id.clone(), name(&d.account))),
    );
    let policies = manifest.response_headers_policies.iter();
    found.extend(policies.map(|p| (p.name.clone(), name(&p.account))));
    found
}

const ESTATE: &str = r#"
version: 1
accounts:
  - name: prod
    id: "111111111111"
    role_arn: arn:aws:iam::111111111111:role/cors-sync
    external_id: cors-sync-ci
  - name: media
    id: "222222222222"
    profile: media-admin
  - name: tools
    id: "333333333333"
account: prod
buckets:
  - name: prod-assets
    cors_rules: []
  - name: media-uploads
    account: media
    cors_rules: []
distributions:
  - id: E2ABCDEFGHIJKL
    account: tools
    behaviors: {}
response_headers_policies:
  - name: shared
    cors: {allow_origins: ["*"], allow_methods: [GET], allow_credentials: false, origin_override: true}
  - name: shared
    account: media
    cors: {allow_origins: ["*"], allow_methods: [GET], allow_credentials: false, origin_override: true}
"#;

#[test]
fn each_resource_takes_its_own_account_else_its_files() {
    let manifest = load_str(Path::new("m.yaml"), ESTATE).unwrap();
    let some = |s: &str| Some(s.to_string());
    assert_eq!(
        accounts_of(&manifest),
        [
            ("prod-assets".to_string(), some("prod")),
            ("media-uploads".to_string(), some("media")),
            ("E2ABCDEFGHIJKL".to_string(), some("tools")),
            // A policy name is unique in its account: the same name in two accounts is two policies.
            ("shared".to_string(), some("prod")),
            ("shared".to_string(), some("media")),
        ]
    );
    let prod = &manifest.accounts[0];
    assert_eq!(prod.id.as_deref(), Some("111111111111"));
    assert_eq!(prod.session_name(), "cors-sync");
    assert_eq!(prod.external_id.as_deref(), Some("cors-sync-ci"));
    assert_eq!(manifest.accounts[1].profile.as_deref(), Some("media-admin"));
    assert_eq!(
        manifest.accounts[2].reached_through(),
        "the base credentials"
    );
    let media = manifest.in_account(Some("media"));
    assert_eq!(media.buckets.len(), 1);
    assert_eq!(media.response_headers_policies.len(), 1);
    assert!(media.distributions.is_empty());
}

#[test]
fn moving_a_manifest_into_accounts_gives_each_the_part_in_account_copies() {
    let manifest = load_str(Path::new("m.yaml"), ESTATE).unwrap();
    // `tools` and `prod` reversed, and `media` left out: its resources belong to no part.
    let reached = [Some("tools"), Some("prod")];
    let copied: Vec<_> = reached.iter().map(|a| manifest.in_account(*a)).collect();
    assert_eq!(manifest.clone().into_accounts(&reached), copied);
    let unnamed = load_str(
        Path::new("m.yaml"),
        "version: 1\nbuckets:\n  - name: assets\n    cors_rules: []\n",
    )
    .unwrap();
    assert_eq!(
        unnamed.clone().into_accounts(&[None]),
        [unnamed.in_account(None)]
    );
}

#[test]
fn without_accounts_nothing_changes_and_one_account_is_everyones_default() {
    let manifest = load_str(
        Path::new("m.yaml"),
        "version: 1\nbuckets:\n  - name: assets\n    cors_rules: []\n",
    )
    .unwrap();
    assert_eq!(accounts_of(&manifest), [("assets".to_string(), None)]);
    assert_eq!(manifest.accounts_in_play(&[]).unwrap(), [None]);
    let one = load_str(
        Path::new("m.yaml"),
        "version: 1\naccounts:\n  - name: solo\n    id: \"111111111111\"\nbuckets:\n  - name: assets\n    cors_rules: []\n",
    )
    .unwrap();
    assert_eq!(
        accounts_of(&one),
        [("assets".to_string(), Some("solo".to_string()))]
    );
}

#[test]
fn with_several_accounts_a_resource_in_none_is_an_error_at_its_position() {
    let text = ESTATE.replace("account: prod\nbuckets:", "buckets:");
    insta::assert_snapshot!(problems(&text), @r"
    m.yaml:14:5: error: bucket `prod-assets` is in no account: the manifest declares 3
      help: add `account:` (prod, media, tools) to it, or to its file
    m.yaml:24:5: error: response headers policy `shared` is in no account: the manifest declares 3
      help: add `account:` (prod, media, tools) to it, or to its file
    ");
}

#[test]
fn every_account_mistake_is_reported_at_its_position() {
    insta::assert_snapshot!(problems(r#"
version: 1
accounts:
  - name: prod
    id: 111111111111
  - name: prod
    id: "1234"
    role_arn: arn:aws:iam::999999999999:role/x
    profile: p
  - name: media
    id: "222222222222"
    role_arn: not-an-arn
    session_name: "a b"
  - name: tools
    id: "333333333333"
    external_id: x
  - name: staging
    id: "222222222222"
buckets:
  - name: prod-assets
    account: prd
    cors_rules: []
"#), @r#"
    m.yaml:5:9: error: `id` must be a string, found an integer
      help: quote the value to make it a string
    m.yaml:6:5: error: an account takes `role_arn` or `profile`, not both
      help: a profile that assumes a role says so itself (`role_arn` in ~/.aws/config)
    m.yaml:7:9: error: account id `1234` is not 12 digits
      help: an AWS account ID is 12 digits, quoted: `id: "111111111111"`
    m.yaml:8:15: error: the role is in account 999999999999, but the account's id is 1234
    m.yaml:12:15: error: `not-an-arn` is not an IAM role ARN
      help: role ARNs look like `arn:aws:iam::111111111111:role/cors-sync`
    m.yaml:13:19: error: `a b` is not a role session name: 2 to 64 letters, digits and +=,.@_-
    m.yaml:16:18: error: `external_id` is only used with `role_arn`
    m.yaml:17:5: error: accounts `media` and `staging` have the same id 222222222222
      help: one declaration per account: resources refer to it by name
    m.yaml:21:14: error: bucket `prod-assets` refers to account `prd`, which `accounts:` (at m.yaml:4:3) does not declare
      help: did you mean `prod`?
    "#);
}

#[test]
fn an_account_reference_without_accounts_is_an_error() {
    insta::assert_snapshot!(
        problems("version: 1\naccount: prod\nbuckets:\n  - name: assets\n    cors_rules: []\n"),
        @"
    m.yaml:2:10: error: bucket `assets` refers to account `prod`, which no `accounts:` declares
      help: declare it under `accounts:` (name, id, and role_arn or profile)
    "
    );
}

#[test]
fn accounts_stand_in_any_one_file_of_a_directory_and_only_one() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| std::fs::write(dir.path().join(name), text).unwrap();
    write(
        "a-buckets.yaml",
        "version: 1\naccount: media\nbuckets:\n  - name: media-uploads\n    cors_rules: []\n",
    );
    write(
        "z-accounts.yaml",
        "version: 1\naccounts:\n  - name: prod\n    id: \"111111111111\"\n  - name: media\n    id: \"222222222222\"\n",
    );
    let manifest = load(dir.path()).unwrap();
    assert_eq!(
        accounts_of(&manifest),
        [("media-uploads".to_string(), Some("media".to_string()))]
    );
    write(
        "b-more.yaml",
        "version: 1\naccounts:\n  - name: tools\n    id: \"333333333333\"\n",
    );
    let problems = load(dir.path()).unwrap_err().to_string();
    let again = dir.path().join("z-accounts.yaml");
    let first = dir.path().join("b-more.yaml");
    assert_eq!(
        problems,
        format!(
            "{}:3:3: error: `accounts:` is declared again: first at {}:3:3\n  help: declare every account in one file of the manifest\n",
            again.display(),
            first.display()
        )
    );
}

#[test]
fn account_filters_name_declared_accounts() {
    let manifest = load_str(Path::new("m.yaml"), ESTATE).unwrap();
    let names = |only: &[&str]| -> Result<Vec<String>, String> {
        let only: Vec<String> = only.iter().map(|s| s.to_string()).collect();
        Ok(manifest
            .accounts_in_play(&only)
            .map_err(|e| e.to_string())?
            .into_iter()
            .map(|a| a.map(|a| a.name.clone()).unwrap_or_default())
            .collect())
    };
    assert_eq!(names(&[]).unwrap(), ["prod", "media", "tools"]);
    assert_eq!(names(&["tools", "prod"]).unwrap(), ["prod", "tools"]);
    assert_eq!(
        names(&["prd"]).unwrap_err(),
        "--account prd: the manifest declares no such account (it declares prod, media, tools)"
    );
}

#[test]
fn the_estate_example_loads_with_each_resource_in_its_account() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/estate");
    let manifest = load(&dir).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(manifest.accounts.len(), 3);
    let some = |s: &str| Some(s.to_string());
    assert_eq!(
        accounts_of(&manifest),
        [
            ("example-media-uploads".to_string(), some("media")),
            ("example-prod-assets".to_string(), some("prod")),
            ("uploads-cors".to_string(), some("media")),
        ]
    );
}

/// Desired and live are joined by each bucket's key, its account and its name: a bucket of the
/// same name read in another account is not the manifest's, for a plan or a saved plan's check.
#[test]
fn a_bucket_is_joined_with_live_state_read_in_its_own_account_only() {
    use cors_sync_core::bucket::Bucket;
    use cors_sync_core::bucket_cors::{BucketCors, CorsRule};
    use cors_sync_core::plan::{plan, LiveState};
    use cors_sync_core::plan_file::fingerprints;

    let manifest = load_str(
        Path::new("m.yaml"),
        &ESTATE.replace(
            "  - name: prod-assets\n    cors_rules: []",
            "  - name: prod-assets\n    cors_rules:\n      - allowed_origins: [\"https://a.example\"]\n        allowed_methods: [GET]",
        ),
    )
    .unwrap();
    let prod = manifest.in_account(Some("prod"));
    let read_in = |account: &str| LiveState {
        account: Some(account.to_string()),
        buckets: vec![Bucket {
            name: "prod-assets".into(),
            region: "eu-west-1".into(),
            cors: BucketCors::new(vec![CorsRule::allowing(&["https://b.example"], &["GET"])]),
        }],
        ..LiveState::default()
    };
    let bucket_changes = |live: &LiveState| {
        let mut planned = plan(&prod, live).unwrap();
        planned
            .changes
            .retain(|c| c.change.address().to_string() == "s3_bucket.prod-assets");
        planned
    };
    let planned = bucket_changes(&read_in("prod"));
    assert_eq!(planned.changes.len(), 1);
    assert_eq!(planned.changes[0].account.as_deref(), Some("prod"));
    // Read in media, the same name is another bucket: nothing to join, so no change.
    assert!(bucket_changes(&read_in("media")).is_empty());
    // A saved plan's change fingerprints the bucket in its own account, else as absent.
    let here = &fingerprints(&planned.changes, &read_in("prod"))[0];
    let elsewhere = &fingerprints(&planned.changes, &read_in("media"))[0];
    assert_ne!(here.sha256, "absent");
    assert_eq!(elsewhere.sha256, "absent");
}
