//! Findings in CI formats: the `validate --format json` contract, and GitHub workflow commands
//! escaped so no value can end a command or start another.

use std::path::Path;

use cors_sync_core::diagnostic::Diagnostic;
use cors_sync_core::lint;
use cors_sync_core::manifest::load_str;
use cors_sync_core::render::findings;

const WITH_PROBLEMS: &str = "version: 1\nbuckets:\n  - name: assets\n    cors_rules:\n      - allowed_origins: [\"*\"]\n        allowed_methods: [GET, get]\n";
const WITH_LINTS: &str = "version: 1\nbuckets:\n  - name: assets\n    cors_rules:\n      - allowed_origins: [\"*\"]\n        allowed_methods: [PUT]\n      - allowed_origins: [\"http://a.example\"]\n        allowed_methods: [GET]\n";

fn errors(text: &str) -> Vec<Diagnostic> {
    load_str(Path::new("manifests/cors.yaml"), text)
        .unwrap_err()
        .0
}

fn lints(text: &str) -> Vec<Diagnostic> {
    lint::manifest_lints(&load_str(Path::new("manifests/cors.yaml"), text).unwrap())
}

#[test]
fn validate_json_is_the_documented_contract() {
    insta::assert_snapshot!(findings::validate_json(&errors(WITH_PROBLEMS)), @r#"
    {
      "valid": false,
      "error_count": 1,
      "warning_count": 0,
      "diagnostics": [
        {
          "severity": "error",
          "code": "CS000",
          "message": "`get` is not a method S3 CORS allows (GET, PUT, POST, DELETE, HEAD)",
          "help": "S3 method names are uppercase: write `GET`",
          "file": "manifests/cors.yaml",
          "line": 6,
          "column": 32
        }
      ]
    }
    "#);
    insta::assert_snapshot!(findings::validate_json(&lints(WITH_LINTS)), @r#"
    {
      "valid": true,
      "error_count": 0,
      "warning_count": 2,
      "diagnostics": [
        {
          "severity": "warning",
          "code": "CS001",
          "message": "CS001 wildcard-origin-with-writes: allowed_origins [\"*\"] with PUT: any website can write to this bucket from its visitors' browsers",
          "help": "list the origins that may write, or keep `*` for GET/HEAD only",
          "file": "manifests/cors.yaml",
          "line": 5,
          "column": 9
        },
        {
          "severity": "warning",
          "code": "CS002",
          "message": "CS002 http-origin: `http://a.example`: an http:// origin is sent in clear text and can be impersonated on the network",
          "help": "use https://, or silence CS002 for a development-only origin",
          "file": "manifests/cors.yaml",
          "line": 7,
          "column": 9
        }
      ]
    }
    "#);
    insta::assert_snapshot!(findings::validate_json(&[]), @r#"
    {
      "valid": true,
      "error_count": 0,
      "warning_count": 0,
      "diagnostics": []
    }
    "#);
}

#[test]
fn github_commands_put_each_finding_on_its_line() {
    insta::assert_snapshot!(findings::github(&errors(WITH_PROBLEMS)), @"::error file=manifests/cors.yaml,line=6,col=32,title=cors-sync CS000 invalid-manifest::`get` is not a method S3 CORS allows (GET, PUT, POST, DELETE, HEAD)%0Ahelp: S3 method names are uppercase: write `GET`");
    insta::assert_snapshot!(findings::github(&lints(WITH_LINTS)), @r#"
    ::warning file=manifests/cors.yaml,line=5,col=9,title=cors-sync CS001 wildcard-origin-with-writes::CS001 wildcard-origin-with-writes: allowed_origins ["*"] with PUT: any website can write to this bucket from its visitors' browsers%0Ahelp: list the origins that may write, or keep `*` for GET/HEAD only
    ::warning file=manifests/cors.yaml,line=7,col=9,title=cors-sync CS002 http-origin::CS002 http-origin: `http://a.example`: an http:// origin is sent in clear text and can be impersonated on the network%0Ahelp: use https://, or silence CS002 for a development-only origin
    "#);
}

#[test]
fn github_escaping_follows_the_workflow_commands_rules() {
    assert_eq!(
        findings::escape_data("100% done\r\nnext"),
        "100%25 done%0D%0Anext"
    );
    assert_eq!(findings::escape_property("dir:a,b%\n"), "dir%3Aa%2Cb%25%0A");
    // A message cannot end its own command and start another.
    let mut forged = errors(WITH_PROBLEMS).remove(0);
    forged.message = "bad\n::error file=x::injected".into();
    let line = findings::github(&[forged]);
    assert_eq!(line.lines().count(), 1, "{line}");
    assert!(line.contains("bad%0A::error file=x::injected"), "{line}");
}
