//! Findings (validation errors and lints) in the formats CI systems read: `validate --format
//! json` (a contract), SARIF 2.1.0 for code scanning, and GitHub Actions workflow commands, which
//! put each finding on its line of the pull request.

use serde_json::json;
use serde_sarif::sarif;

use crate::diagnostic::{Diagnostic, Severity, LINTS};

/// Where the README is published; rules link to its sections.
pub const README_URL: &str = "https://github.com/cors-sync/cors-sync/blob/main/README.md";
/// The rule every validation error reports under (lints have their own codes).
pub const INVALID_MANIFEST: (&str, &str, &str) = (
    "CS000",
    "invalid-manifest",
    "AWS would refuse this manifest, or cors-sync cannot read it",
);

/// The CI formats findings are printed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Sarif,
    Github,
}

/// `found` in `format`, ready for stdout; `version` is the cors-sync that found them.
pub fn render(format: Format, found: &[Diagnostic], version: &str) -> String {
    match format {
        Format::Json => format!("{}\n", validate_json(found)),
        Format::Sarif => format!("{}\n", sarif(found, version)),
        Format::Github => github(found),
    }
}

fn code(diagnostic: &Diagnostic) -> &'static str {
    diagnostic.code.unwrap_or(INVALID_MANIFEST.0)
}

fn severity(diagnostic: &Diagnostic) -> &'static str {
    match diagnostic.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// `validate --format json`: `{"valid", "error_count", "warning_count", "diagnostics": [{"severity",
/// "code", "message", "help", "file", "line", "column"}]}`.
pub fn validate_json(diagnostics: &[Diagnostic]) -> String {
    let errors = diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    let listed: Vec<_> = diagnostics
        .iter()
        .map(|d| {
            json!({
                "severity": severity(d),
                "code": code(d),
                "message": d.message,
                "help": d.help,
                "file": d.location.file.display().to_string(),
                "line": d.location.position.map(|p| p.line),
                "column": d.location.position.map(|p| p.column),
            })
        })
        .collect();
    let document = json!({
        "valid": errors == 0,
        "error_count": errors,
        "warning_count": diagnostics.len() - errors,
        "diagnostics": listed,
    });
    serde_json::to_string_pretty(&document).unwrap_or_default()
}

/// GitHub Actions workflow commands: `::error file=F,line=L,col=C,title=T::message`. Data is
/// escaped as the workflow-commands toolkit does (`%`, CR, LF), properties also `:` and `,`, so
/// a value in a message can neither end the command nor start another.
pub fn github(diagnostics: &[Diagnostic]) -> String {
    let mut out = String::new();
    for d in diagnostics {
        let mut properties = vec![format!(
            "file={}",
            escape_property(&d.location.file.display().to_string())
        )];
        if let Some(position) = d.location.position {
            properties.push(format!("line={}", position.line));
            properties.push(format!("col={}", position.column));
        }
        properties.push(format!("title={}", escape_property(&title(d))));
        let message = match &d.help {
            Some(help) => format!("{}\nhelp: {help}", d.message),
            None => d.message.clone(),
        };
        out.push_str(&format!(
            "::{} {}::{}\n",
            severity(d),
            properties.join(","),
            escape_data(&message)
        ));
    }
    out
}

fn title(d: &Diagnostic) -> String {
    let (code, name, _) = rule(code(d));
    format!("cors-sync {code} {name}")
}

pub fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

pub fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// A code's (code, name, why), from the lint catalogue or the validation rule.
fn rule(code: &str) -> (&'static str, &'static str, &'static str) {
    LINTS
        .iter()
        .chain([&INVALID_MANIFEST])
        .find(|(c, _, _)| *c == code)
        .copied()
        .unwrap_or(INVALID_MANIFEST)
}

/// A file as SARIF's `artifactLocation.uri` must hold it: a URI reference (RFC 3986), not a raw
/// path, so a space, `#`, `%` or `?` in a name cannot be read as something else. A relative path
/// stays a relative reference (code scanning resolves it against the repository root); an absolute
/// one becomes a `file://` URI. Every byte but the unreserved characters and `/` is
/// percent-encoded, which also keeps a first segment holding `:` from reading as a scheme.
fn artifact_uri(path: &std::path::Path) -> String {
    #[cfg(unix)]
    let bytes = std::os::unix::ffi::OsStrExt::as_bytes(path.as_os_str()).to_vec();
    #[cfg(not(unix))]
    let bytes = path.to_string_lossy().replace('\\', "/").into_bytes();
    let mut encoded = String::with_capacity(bytes.len());
    for byte in bytes {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                encoded.push(char::from(byte));
            }
            other => encoded.push_str(&format!("%{other:02X}")),
        }
    }
    if path.is_absolute() {
        format!("file://{encoded}")
    } else {
        encoded
    }
}

/// SARIF 2.1.0: one run of the tool `cors-sync`, whose rules are the validation rule and every
/// lint (name, help, a link to the README section), and one result per finding.
pub fn sarif(diagnostics: &[Diagnostic], version: &str) -> String {
    let catalogue: Vec<(&str, &str, &str)> = std::iter::once(INVALID_MANIFEST)
        .chain(LINTS.iter().copied())
        .collect();
    let rules: Vec<sarif::ReportingDescriptor> = catalogue
        .iter()
        .map(|(code, name, why)| {
            let section = if *code == INVALID_MANIFEST.0 {
                "what-validate-checks-offline-all-at-once-exit-1-if-any"
            } else {
                "lints"
            };
            sarif::ReportingDescriptor::builder()
                .id(*code)
                .name(*name)
                .short_description(
                    sarif::MultiformatMessageString::builder()
                        .text(*why)
                        .build(),
                )
                .help(
                    sarif::MultiformatMessageString::builder()
                        .text(format!("{why}. See {README_URL}#{section}"))
                        .build(),
                )
                .help_uri(format!("{README_URL}#{section}"))
                .build()
        })
        .collect();
    let results: Vec<sarif::Result> = diagnostics
        .iter()
        .map(|d| {
            let code = code(d);
            let index = catalogue
                .iter()
                .position(|(c, _, _)| *c == code)
                .unwrap_or(0);
            let mut region = sarif::Region::builder().build();
            if let Some(position) = d.location.position {
                region = sarif::Region::builder()
                    .start_line(position.line as i64)
                    .start_column(position.column as i64)
                    .build();
            }
            let location = sarif::Location::builder()
                .physical_location(
                    sarif::PhysicalLocation::builder()
                        .artifact_location(
                            sarif::ArtifactLocation::builder()
                                .uri(artifact_uri(&d.location.file))
                                .build(),
                        )
                        .region(region)
                        .build(),
                )
                .build();
            let text = match &d.help {
                Some(help) => format!("{} (help: {help})", d.message),
                None => d.message.clone(),
            };
            sarif::Result::builder()
                .rule_id(code)
                .rule_index(index as i64)
                .level(match d.severity {
                    Severity::Error => sarif::ResultLevel::Error,
                    Severity::Warning => sarif::ResultLevel::Warning,
                })
                .message(sarif::Message::builder().text(text).build())
                .locations(vec![location])
                .build()
        })
        .collect();
    let driver = sarif::ToolComponent::builder()
        .name("cors-sync")
        .version(version)
        .information_uri(README_URL)
        .rules(rules)
        .build();
    let run = sarif::Run::builder()
        .tool(sarif::Tool::builder().driver(driver).build())
        .results(results)
        .build();
    let log = sarif::Sarif::builder()
        .version(sarif::Version::V2_1_0.to_string())
        .schema(sarif::SCHEMA_URL)
        .runs(vec![run])
        .build();
    serde_json::to_string_pretty(&log).unwrap_or_default()
}
