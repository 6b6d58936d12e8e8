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

#[test]
fn sarif_holds_one_run_with_every_rule_and_each_finding_at_its_place() {
    insta::assert_snapshot!(findings::sarif(&errors(WITH_PROBLEMS), "0.0.0"), @r#"
    {
      "$schema": "https://schemastore.azurewebsites.net/schemas/json/sarif-2.1.0.json",
      "runs": [
        {
          "results": [
            {
              "level": "error",
              "locations": [
                {
                  "physicalLocation": {
                    "artifactLocation": {
                      "uri": "manifests/cors.yaml"
                    },
                    "region": {
                      "startColumn": 32,
                      "startLine": 6
                    }
                  }
                }
              ],
              "message": {
                "text": "`get` is not a method S3 CORS allows (GET, PUT, POST, DELETE, HEAD) (help: S3 method names are uppercase: write `GET`)"
              },
              "ruleId": "CS000",
              "ruleIndex": 0
            }
          ],
          "tool": {
            "driver": {
              "informationUri": "https://github.com/cors-sync/cors-sync/blob/main/README.md",
              "name": "cors-sync",
              "rules": [
                {
                  "help": {
                    "text": "AWS would refuse this manifest, or cors-sync cannot read it. See https://github.com/cors-sync/cors-sync/blob/main/README.md#what-validate-checks-offline-all-at-once-exit-1-if-any"
                  },
                  "helpUri": "https://github.com/cors-sync/cors-sync/blob/main/README.md#what-validate-checks-offline-all-at-once-exit-1-if-any",
                  "id": "CS000",
                  "name": "invalid-manifest",
                  "shortDescription": {
                    "text": "AWS would refuse this manifest, or cors-sync cannot read it"
                  }
                },
                {
                  "help": {
                    "text": "any website can write to this bucket from its visitors' browsers. See https://github.com/cors-sync/cors-sync/blob/main/README.md#lints"
                  },
                  "helpUri": "https://github.com/cors-sync/cors-sync/blob/main/README.md#lints",
                  "id": "CS001",
                  "name": "wildcard-origin-with-writes",
                  "shortDescription": {
                    "text": "any website can write to this bucket from its visitors' browsers"
                  }
                },
                {
                  "help": {
                    "text": "an http:// origin is sent in clear text and can be impersonated on the network. See https://github.com/cors-sync/cors-sync/blob/main/README.md#lints"
                  },
                  "helpUri": "https://github.com/cors-sync/cors-sync/blob/main/README.md#lints",
                  "id": "CS002",
                  "name": "http-origin",
                  "shortDescription": {
                    "text": "an http:// origin is sent in clear text and can be impersonated on the network"
                  }
                },
                {
                  "help": {
                    "text": "the wildcard admits origins far beyond your own sites. See https://github.com/cors-sync/cors-sync/blob/main/README.md#lints"
                  },
                  "helpUri": "https://github.com/cors-sync/cors-sync/blob/main/README.md#lints",
                  "id": "CS003",
                  "name": "broad-wildcard-origin",
                  "shortDescription": {
                    "text": "the wildcard admits origins far beyond your own sites"
                  }
                },
                {
                  "help": {
                    "text": "an empty origin matches no browser (AWS accepts it anyway). See https://github.com/cors-sync/cors-sync/blob/main/README.md#lints"
                  },
                  "helpUri": "https://github.com/cors-sync/cors-sync/blob/main/README.md#lints",
                  "id": "CS004",
                  "name": "empty-origin",
                  "shortDescription": {
                    "text": "an empty origin matches no browser (AWS accepts it anyway)"
                  }
                },
                {
                  "help": {
                    "text": "an earlier rule matches every request this rule would, so S3 never reaches it. See https://github.com/cors-sync/cors-sync/blob/main/README.md#lints"
                  },
                  "helpUri": "https://github.com/cors-sync/cors-sync/blob/main/README.md#lints",
                  "id": "CS005",
                  "name": "shadowed-rule",
                  "shortDescription": {
                    "text": "an earlier rule matches every request this rule would, so S3 never reaches it"
                  }
                },
                {
                  "help": {
                    "text": "the same rule appears twice; S3 only ever uses the first. See https://github.com/cors-sync/cors-sync/blob/main/README.md#lints"
                  },
                  "helpUri": "https://github.com/cors-sync/cors-sync/blob/main/README.md#lints",
                  "id": "CS006",
                  "name": "duplicate-rule",
                  "shortDescription": {
                    "text": "the same rule appears twice; S3 only ever uses the first"
                  }
                },
                {
                  "help": {
                    "text": "a browser sends hosts in ASCII (punycode), so this origin never matches. See https://github.com/cors-sync/cors-sync/blob/main/README.md#lints"
                  },
                  "helpUri": "https://github.com/cors-sync/cors-sync/blob/main/README.md#lints",
                  "id": "CS007",
                  "name": "non-ascii-origin",
                  "shortDescription": {
                    "text": "a browser sends hosts in ASCII (punycode), so this origin never matches"
                  }
                },
                {
                  "help": {
                    "text": "no browser sends an origin written this way, and S3 compares origins literally, so it never matches. See https://github.com/cors-sync/cors-sync/blob/main/README.md#lints"
                  },
                  "helpUri": "https://github.com/cors-sync/cors-sync/blob/main/README.md#lints",
                  "id": "CS008",
                  "name": "unsendable-origin",
                  "shortDescription": {
                    "text": "no browser sends an origin written this way, and S3 compares origins literally, so it never matches"
                  }
                },
                {
                  "help": {
                    "text": "browsers send `Origin: null` from sandboxed frames, `file:` pages and some redirects, so any site can claim it. See https://github.com/cors-sync/cors-sync/blob/main/README.md#lints"
                  },
                  "helpUri": "https://github.com/cors-sync/cors-sync/blob/main/README.md#lints",
                  "id": "CS009",
                  "name": "null-origin",
                  "shortDescription": {
                    "text": "browsers send `Origin: null` from sandboxed frames, `file:` pages and some redirects, so any site can claim it"
                  }
                },
                {
                  "help": {
                    "text": "CloudFront does not forward what S3's CORS answer needs, so preflights cannot pass. See https://github.com/cors-sync/cors-sync/blob/main/README.md#lints"
                  },
                  "helpUri": "https://github.com/cors-sync/cors-sync/blob/main/README.md#lints",
                  "id": "CS101",
                  "name": "preflight-not-forwarded",
                  "shortDescription": {
                    "text": "CloudFront does not forward what S3's CORS answer needs, so preflights cannot pass"
                  }
                },
                {
                  "help": {
                    "text": "the behavior does not allow (or cache) OPTIONS, so preflights fail or hit S3 every time. See https://github.com/cors-sync/cors-sync/blob/main/README.md#lints"
                  },
                  "helpUri": "https://github.com/cors-sync/cors-sync/blob/main/README.md#lints",
                  "id": "CS102",
                  "name": "options-not-allowed",
                  "shortDescription": {
                    "text": "the behavior does not allow (or cache) OPTIONS, so preflights fail or hit S3 every time"
                  }
                },
                {
                  "help": {
                    "text": "Origin reaches S3 but is not in the cache key: one site's CORS answer can be served to another. See https://github.com/cors-sync/cors-sync/blob/main/README.md#lints"
                  },
                  "helpUri": "https://github.com/cors-sync/cors-sync/blob/main/README.md#lints",
                  "id": "CS103",
                  "name": "origin-not-in-cache-key",
                  "shortDescription": {
                    "text": "Origin reaches S3 but is not in the cache key: one site's CORS answer can be served to another"
                  }
                },
                {
                  "help": {
                    "text": "not in cors-sync's table of AWS-managed policies: plan resolves it from AWS's own list, and validate cannot check it. See https://github.com/cors-sync/cors-sync/blob/main/README.md#lints"
                  },
                  "helpUri": "https://github.com/cors-sync/cors-sync/blob/main/README.md#lints",
                  "id": "CS104",
                  "name": "unknown-managed-policy",
                  "shortDescription": {
                    "text": "not in cors-sync's table of AWS-managed policies: plan resolves it from AWS's own list, and validate cannot check it"
                  }
                },
                {
                  "help": {
                    "text": "a browser refuses a credentialed answer with Access-Control-Allow-Origin: *, so requests with cookies fail. See https://github.com/cors-sync/cors-sync/blob/main/README.md#lints"
                  },
                  "helpUri": "https://github.com/cors-sync/cors-sync/blob/main/README.md#lints",
                  "id": "CS105",
                  "name": "credentials-with-any-origin",
                  "shortDescription": {
                    "text": "a browser refuses a credentialed answer with Access-Control-Allow-Origin: *, so requests with cookies fail"
                  }
                },
                {
                  "help": {
                    "text": "more custom policies of one kind than an account's default quota (20) allows: CloudFront will refuse the ones past it. See https://github.com/cors-sync/cors-sync/blob/main/README.md#lints"
                  },
                  "helpUri": "https://github.com/cors-sync/cors-sync/blob/main/README.md#lints",
                  "id": "CS106",
                  "name": "policy-quota",
                  "shortDescription": {
                    "text": "more custom policies of one kind than an account's default quota (20) allows: CloudFront will refuse the ones past it"
                  }
                },
                {
                  "help": {
                    "text": "the store sends every allowed origin of the rule joined in one Access-Control-Allow-Origin, which browsers refuse. See https://github.com/cors-sync/cors-sync/blob/main/README.md#lints"
                  },
                  "helpUri": "https://github.com/cors-sync/cors-sync/blob/main/README.md#lints",
                  "id": "CS201",
                  "name": "store-joins-origins",
                  "shortDescription": {
                    "text": "the store sends every allowed origin of the rule joined in one Access-Control-Allow-Origin, which browsers refuse"
                  }
                },
                {
                  "help": {
                    "text": "the store matches allowed origins exactly or as `*` only, so this origin matches nothing there. See https://github.com/cors-sync/cors-sync/blob/main/README.md#lints"
                  },
                  "helpUri": "https://github.com/cors-sync/cors-sync/blob/main/README.md#lints",
                  "id": "CS202",
                  "name": "store-origin-wildcard",
                  "shortDescription": {
                    "text": "the store matches allowed origins exactly or as `*` only, so this origin matches nothing there"
                  }
                },
                {
                  "help": {
                    "text": "the store compares header names case-sensitively and browsers send them in lower case, so this header never matches there. See https://github.com/cors-sync/cors-sync/blob/main/README.md#lints"
                  },
                  "helpUri": "https://github.com/cors-sync/cors-sync/blob/main/README.md#lints",
                  "id": "CS203",
                  "name": "store-header-case",
                  "shortDescription": {
                    "text": "the store compares header names case-sensitively and browsers send them in lower case, so this header never matches there"
                  }
                },
                {
                  "help": {
                    "text": "the store lets the first rule matching the origin decide, so this rule is never used for origins an earlier rule also matches. See https://github.com/cors-sync/cors-sync/blob/main/README.md#lints"
                  },
                  "helpUri": "https://github.com/cors-sync/cors-sync/blob/main/README.md#lints",
                  "id": "CS204",
                  "name": "store-first-origin-match",
                  "shortDescription": {
                    "text": "the store lets the first rule matching the origin decide, so this rule is never used for origins an earlier rule also matches"
                  }
                },
                {
                  "help": {
                    "text": "on this store no configuration does not mean no CORS: its default or server-wide setting answers instead. See https://github.com/cors-sync/cors-sync/blob/main/README.md#lints"
                  },
                  "helpUri": "https://github.com/cors-sync/cors-sync/blob/main/README.md#lints",
                  "id": "CS205",
                  "name": "store-default-cors",
                  "shortDescription": {
                    "text": "on this store no configuration does not mean no CORS: its default or server-wide setting answers instead"
                  }
                }
              ],
              "version": "0.0.0"
            }
          }
        }
      ],
      "version": "2.1.0"
    }
    "#);
}

#[test]
fn sarif_artifact_locations_are_uri_references() {
    let cases = [
        ("manifests/cors.yaml", "manifests/cors.yaml"),
        (
            "manifests/my cors #1 100%.yaml",
            "manifests/my%20cors%20%231%20100%25.yaml",
        ),
        ("a:b/c?.yaml", "a%3Ab/c%3F.yaml"),
        ("/srv/repo/ü.yaml", "file:///srv/repo/%C3%BC.yaml"),
    ];
    for (path, uri) in cases {
        let found = load_str(Path::new(path), WITH_PROBLEMS).unwrap_err().0;
        let sarif: serde_json::Value =
            serde_json::from_str(&findings::sarif(&found, "0.0.0")).unwrap();
        assert_eq!(
            sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
                ["uri"],
            uri,
            "{path}"
        );
    }
}
