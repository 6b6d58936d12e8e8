//! The text plan as users read it, for each kind of change, with and without colour.

use cors_sync_core::bucket::Bucket;
use cors_sync_core::bucket_cors::{BucketCors, CorsRule};
use cors_sync_core::plan::{bucket_change, Plan};
use cors_sync_core::provider::Provider;
use cors_sync_core::render::text_plan::{render, Colour};
use cors_sync_core::render::{json_plan, markdown_plan};

fn rule(id: Option<&str>, origins: &[&str], methods: &[&str]) -> CorsRule {
    CorsRule {
        id: id.map(str::to_string),
        ..CorsRule::allowing(origins, methods)
    }
}

fn live(name: &str, rules: Vec<CorsRule>) -> Bucket {
    Bucket {
        name: name.into(),
        region: "eu-west-1".into(),
        cors: BucketCors::new(rules),
    }
}

fn sample_plan() -> Plan {
    let first = rule(Some("app"), &["https://app.example"], &["GET", "PUT"]);
    let second = rule(None, &["*"], &["GET"]);
    let changes = [
        bucket_change(
            Provider::Aws,
            &BucketCors::new(vec![second.clone()]),
            &live("created", vec![]),
        ),
        // A new rule inserted first, and a method added to what is now the second rule.
        bucket_change(
            Provider::Aws,
            &BucketCors::new(vec![
                second.clone(),
                rule(
                    Some("app"),
                    &["https://app.example"],
                    &["PUT", "GET", "DELETE"],
                ),
            ]),
            &live("updated", vec![first.clone()]),
        ),
        bucket_change(
            Provider::Aws,
            &BucketCors::none(),
            &live("deleted", vec![first]),
        ),
    ];
    Plan::without_accounts(changes.into_iter().flatten())
}

/// The sample plan as if its first change were in account prod and the others in media.
fn across_accounts() -> Plan {
    let mut plan = sample_plan();
    for (i, planned) in plan.changes.iter_mut().enumerate() {
        planned.account = Some(if i == 0 { "prod" } else { "media" }.to_string());
    }
    plan
}

#[test]
fn plans_across_accounts_group_their_changes_by_account() {
    let plan = across_accounts();
    let text = render(&plan, Colour::Never);
    let headings: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("In account"))
        .collect();
    assert_eq!(headings, ["In account prod:", "In account media:"]);
    let json: serde_json::Value = serde_json::from_str(&json_plan::render(&plan)).unwrap();
    let accounts: Vec<&str> = json["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["account"].as_str().unwrap())
        .collect();
    assert_eq!(accounts, ["prod", "media", "media"]);
    let markdown = markdown_plan::render(&plan, &[], None);
    insta::assert_snapshot!(markdown.lines().take(7).collect::<Vec<_>>().join("\n"), @"
    ### cors-sync plan: 1 to create, 1 to update, 1 to delete

    | Account | Resource | Action |
    | --- | --- | --- |
    | prod | `s3_bucket.created` | create |
    | media | `s3_bucket.updated` | update |
    | media | `s3_bucket.deleted` | delete |
    ");
    assert!(markdown.contains("#### Account prod\n"));
    assert!(markdown.contains("#### Account media\n"));
    // Without accounts, no change names one.
    let alone = json_plan::render(&sample_plan());
    assert!(!alone.contains("\"account\""), "{alone}");
}

#[test]
fn text_plan_shows_each_change_as_a_diff_and_a_summary() {
    insta::assert_snapshot!(render(&sample_plan(), Colour::Never), @r#"
    cors-sync will perform the following actions:

      + s3_bucket.created (eu-west-1): CORS configuration will be created
          --- live (no CORS configuration)
          +++ manifest
          @@ -0,0 +1,2 @@
          +- allowed_origins: ["*"]
          +  allowed_methods: [GET]

      ~ s3_bucket.updated (eu-west-1): CORS configuration will be updated
          --- live
          +++ manifest
          @@ -1,3 +1,5 @@
          +- allowed_origins: ["*"]
          +  allowed_methods: [GET]
           - id: app
             allowed_origins: ["https://app.example"]
          -  allowed_methods: [GET, PUT]
          +  allowed_methods: [DELETE, GET, PUT]

      - s3_bucket.deleted (eu-west-1): CORS configuration will be deleted
          --- live
          +++ manifest (no CORS configuration)
          @@ -1,3 +0,0 @@
          -- id: app
          -  allowed_origins: ["https://app.example"]
          -  allowed_methods: [GET, PUT]

    Plan: 1 to create, 1 to update, 1 to delete.
    "#);
}

#[test]
fn colour_marks_additions_removals_and_headers() {
    let coloured = render(&sample_plan(), Colour::Always);
    assert!(coloured.contains("\x1b[32m+- allowed_origins: [\"*\"]\x1b[0m"));
    assert!(coloured.contains("\x1b[31m-  allowed_methods: [GET, PUT]\x1b[0m"));
    assert!(coloured.contains("\x1b[33m~\x1b[0m \x1b[1ms3_bucket.updated\x1b[0m"));
    assert!(coloured.contains("\x1b[1mPlan: 1 to create, 1 to update, 1 to delete.\x1b[0m"));
    let plain = render(&sample_plan(), Colour::Never);
    assert!(!plain.contains('\x1b'));
}

#[test]
fn an_empty_plan_says_no_changes() {
    insta::assert_snapshot!(render(&Plan::default(), Colour::Never), @"No changes. Live CORS configuration matches the manifest.");
}

#[test]
fn a_large_markdown_plan_is_summarised_with_a_note_not_cut() {
    use cors_sync_core::render::markdown_plan::render_within;
    let plan = sample_plan();
    let full = render_within(&plan, &[], None, usize::MAX);
    assert_eq!(full.matches("<details>").count(), 3);
    assert!(!full.contains("**Note:**"));
    // A budget that fits the table and one diff: every change is still in the table.
    let first_block = full.find("<details>").unwrap();
    let second_block = full[first_block + 1..].find("<details>").unwrap() + first_block + 1;
    let small = render_within(&plan, &[], None, second_block + 250);
    assert_eq!(small.matches("<details>").count(), 1);
    assert_eq!(small.matches("| `s3_bucket.").count(), 3);
    assert!(
        small.contains("> **Note:** the diffs of 2 more resources are not shown"),
        "{small}"
    );
}

#[test]
fn markdown_lists_warnings() {
    use cors_sync_core::diagnostic::{Diagnostic, Severity, SourceLocation};
    use cors_sync_core::manifest::yaml_tree::Position;
    let warning = Diagnostic {
        code: Some("CS002"),
        location: SourceLocation::new(
            std::path::Path::new("m.yaml"),
            Position { line: 3, column: 5 },
        ),
        severity: Severity::Warning,
        message: "an example warning".into(),
        help: Some("how to fix it".into()),
    };
    let text = cors_sync_core::render::markdown_plan::render(&Plan::default(), &[warning], None);
    insta::assert_snapshot!(text, @"
    ### cors-sync plan: no changes

    Live CORS configuration matches the manifest.

    **Warnings**

    - `m.yaml:3:5`: an example warning (how to fix it)
    ");
}

#[test]
fn a_moved_distribution_names_its_etag_change_only_when_it_changed() {
    use cors_sync_core::cloudfront::behavior::{BehaviorPath, BehaviorSettings};
    use cors_sync_core::cloudfront::distribution::LiveDistribution;
    use cors_sync_core::plan::{BehaviorChange, Change, LiveState};
    use cors_sync_core::render::text_plan::moved_block;
    let settings = |headers: &[&str]| BehaviorSettings {
        forward_headers: Some(headers.iter().map(|h| h.to_string()).collect()),
        allowed_methods: vec!["GET".into(), "HEAD".into()],
        cached_methods: vec!["GET".into(), "HEAD".into()],
        cache_policy: None,
        origin_request_policy: None,
        response_headers_policy: None,
    };
    let change = Change::Distribution {
        id: "EDIST".into(),
        behaviors: vec![BehaviorChange {
            path: BehaviorPath::Default,
            before: settings(&["Origin"]),
            after: settings(&["Origin", "X"]),
            migration: None,
            removed_legacy: None,
            restore_legacy: None,
        }],
    };
    let now = |etag: &str| LiveState {
        distributions: vec![LiveDistribution {
            id: "EDIST".into(),
            domain_name: String::new(),
            aliases: Vec::new(),
            origin_domains: vec![],
            behaviors: vec![(BehaviorPath::Default, settings(&["Origin"]))],
            etag: Some(etag.into()),
            behavior_origins: vec![],
        }],
        ..LiveState::default()
    };
    insta::assert_snapshot!(moved_block(&change, &now("E2"), Some("E1"), Colour::Never), @"
    cloudfront_distribution.EDIST: moved since the plan was made
        ETag E1 → E2: the distribution was updated since the plan was made
    ");
    assert!(!moved_block(&change, &now("E1"), Some("E1"), Colour::Never).contains("ETag"));
}

/// Characters a reader cannot see or tells apart from a plain space, in every place a plan shows
/// a value: none reaches the text or Markdown plan raw, each is written as an escape.
#[test]
fn hidden_and_space_like_characters_are_escaped_in_text_and_markdown_plans() {
    let hidden = [
        ('\u{a0}', "\\u00a0"),   // no-break space
        ('\u{200b}', "\\u200b"), // zero-width space
        ('\u{202e}', "\\u202e"), // right-to-left override
        ('\u{7f}', "\\u007f"),   // DEL
        ('\u{9b}', "\\u009b"),   // C1 control sequence introducer
    ];
    let origins: Vec<String> = hidden
        .iter()
        .map(|(c, _)| format!("https://a{c}.example"))
        .collect();
    let origins: Vec<&str> = origins.iter().map(String::as_str).collect();
    // The manifest refuses control characters, so its warnings hold only the invisible ones.
    let quoted: Vec<String> = hidden[..3]
        .iter()
        .map(|(c, _)| format!("\"https://a\\u{:04x}.example\"", u32::from(*c)))
        .collect();
    let manifest_text = format!(
        "version: 1\nbuckets:\n  - name: hidden-values\n    cors_rules:\n      - allowed_origins: [{}]\n        allowed_methods: [GET]\n",
        quoted.join(", ")
    );
    let manifest =
        cors_sync_core::manifest::load_str(std::path::Path::new("m.yaml"), &manifest_text).unwrap();
    let warnings = cors_sync_core::lint::manifest_lints(&manifest);
    assert!(!warnings.is_empty());
    let plan = Plan::without_accounts(bucket_change(
        Provider::Aws,
        &BucketCors::new(vec![rule(None, &origins, &["GET"])]),
        &live("hidden-values", vec![]),
    ));
    for (format, shown) in [
        ("text", render(&plan, Colour::Never)),
        ("markdown", markdown_plan::render(&plan, &warnings, None)),
    ] {
        // The plan is built directly, with controls a manifest would refuse but an answer read
        // from a store could carry.
        for (c, escape) in hidden {
            assert!(
                !shown.contains(c),
                "{format}: U+{:04X} shown raw:\n{shown}",
                u32::from(c)
            );
            assert!(shown.contains(escape), "{format}: no {escape}:\n{shown}");
        }
    }
}
/// Records what reaches it: how much it had been given when the last change's address arrived.
#[derive(Default)]
struct Sink {
    written: Vec<u8>,
    writes: usize,
}

impl std::io::Write for Sink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.writes += 1;
        self.written.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn the_json_plan_streams_to_its_writer_as_it_is_serialised() {
    let plan = sample_plan();
    let mut sink = Sink::default();
    json_plan::write_with(&plan, None, &mut sink).unwrap();
    // The same document as the string form, word for word.
    assert_eq!(
        String::from_utf8(sink.written).unwrap(),
        json_plan::render(&plan)
    );
    // Written piece by piece as serialised, not built whole and then written once: a plan of
    // 100,000 changes never needs one string of all of them.
    assert!(
        sink.writes > plan.changes.len() * 10,
        "{} writes",
        sink.writes
    );
}
