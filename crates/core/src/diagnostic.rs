//! Problems found in a manifest, each tied to the place in the file that causes it.
//!
//! Every manifest message a user reads is built here, once, from these fields.

use std::fmt;
use std::path::Path;
use std::sync::Arc;

use crate::visible::visible;

/// Where a node starts: 1-based line and column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

#[rustfmt::skip]
/// Every lint, by stable code. Codes never change meaning; retired codes are not reused.
pub const LINTS: &[(&str, &str, &str)] = &[
    ("CS001", "wildcard-origin-with-writes", "any website can write to this bucket from its visitors' browsers"),
    ("CS002", "http-origin", "an http:// origin is sent in clear text and can be impersonated on the network"),
    ("CS003", "broad-wildcard-origin", "the wildcard admits origins far beyond your own sites"),
    ("CS004", "empty-origin", "an empty origin matches no browser (AWS accepts it anyway)"),
    ("CS005", "shadowed-rule", "an earlier rule matches every request this rule would, so S3 never reaches it"),
    ("CS006", "duplicate-rule", "the same rule appears twice; S3 only ever uses the first"),
    ("CS007", "non-ascii-origin", "a browser sends hosts in ASCII (punycode), so this origin never matches"),
    ("CS008", "unsendable-origin", "no browser sends an origin written this way, and S3 compares origins literally, so it never matches"),
    ("CS009", "null-origin", "browsers send `Origin: null` from sandboxed frames, `file:` pages and some redirects, so any site can claim it"),
    ("CS101", "preflight-not-forwarded", "CloudFront does not forward what S3's CORS answer needs, so preflights cannot pass"),
    ("CS102", "options-not-allowed", "the behavior does not allow (or cache) OPTIONS, so preflights fail or hit S3 every time"),
    ("CS103", "origin-not-in-cache-key", "Origin reaches S3 but is not in the cache key: one site's CORS answer can be served to another"),
    ("CS104", "unknown-managed-policy", "not in cors-sync's table of AWS-managed policies: plan resolves it from AWS's own list, and validate cannot check it"),
    ("CS105", "credentials-with-any-origin", "a browser refuses a credentialed answer with Access-Control-Allow-Origin: *, so requests with cookies fail"),
    ("CS106", "policy-quota", "more custom policies of one kind than an account's default quota (20) allows: CloudFront will refuse the ones past it"),
    ("CS201", "store-joins-origins", "the store sends every allowed origin of the rule joined in one Access-Control-Allow-Origin, which browsers refuse"),
    ("CS202", "store-origin-wildcard", "the store matches allowed origins exactly or as `*` only, so this origin matches nothing there"),
    ("CS203", "store-header-case", "the store compares header names case-sensitively and browsers send them in lower case, so this header never matches there"),
    ("CS204", "store-first-origin-match", "the store lets the first rule matching the origin decide, so this rule is never used for origins an earlier rule also matches"),
    ("CS205", "store-default-cors", "on this store no configuration does not mean no CORS: its default or server-wide setting answers instead"),
];

/// A place in a manifest file. `position` is absent for problems with the file as a whole
/// (it cannot be read, it is not UTF-8 at all, ...).
///
/// `file` is shared: every location in one file points at one copy of its path (a manifest of
/// 100,000 buckets holds several locations per bucket).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct SourceLocation {
    pub file: Arc<Path>,
    pub position: Option<Position>,
}

impl Default for SourceLocation {
    fn default() -> Self {
        SourceLocation::whole_file(Path::new(""))
    }
}

impl SourceLocation {
    pub fn new(file: &Path, position: Position) -> Self {
        SourceLocation {
            file: Arc::from(file),
            position: Some(position),
        }
    }

    /// A position in `file`, sharing its path.
    pub fn in_file(file: &Arc<Path>, position: Position) -> Self {
        SourceLocation {
            file: Arc::clone(file),
            position: Some(position),
        }
    }

    pub fn whole_file(file: &Path) -> Self {
        SourceLocation {
            file: Arc::from(file),
            position: None,
        }
    }
}

impl fmt::Display for SourceLocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(Position { line, column }) = self.position {
            write!(f, ":{line}:{column}")?;
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub location: SourceLocation,
    pub severity: Severity,
    /// A lint's code (`CS001`); `None` for a validation error.
    pub code: Option<&'static str>,
    pub message: String,
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn error(location: SourceLocation, message: impl Into<String>) -> Self {
        Diagnostic {
            location,
            severity: Severity::Error,
            code: None,
            message: message.into(),
            help: None,
        }
    }

    pub fn with_help(mut self, help: Option<String>) -> Self {
        self.help = help;
        self
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let severity = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        // Values quoted in a message are the manifest's own text: hidden characters in them are
        // escaped, so a reader sees them and a value cannot forge a line of output.
        let location = self.location.to_string();
        write!(
            f,
            "{}: {severity}: {}",
            visible(&location),
            visible(&self.message)
        )?;
        if let Some(help) = &self.help {
            write!(f, "\n  help: {}", visible(help))?;
        }
        Ok(())
    }
}

/// Every problem a manifest has, in file and position order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.0.push(diagnostic);
    }

    pub fn has_errors(&self) -> bool {
        self.0.iter().any(|d| d.severity == Severity::Error)
    }

    pub fn error_count(&self) -> usize {
        self.0
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count()
    }

    pub fn sort(&mut self) {
        self.0.sort_by(|a, b| a.location.cmp(&b.location));
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for diagnostic in &self.0 {
            writeln!(f, "{diagnostic}")?;
        }
        Ok(())
    }
}

/// The known name closest to a misspelt one, if any is close enough to be a likely typo.
pub fn did_you_mean<'k>(unknown: &str, known: &[&'k str]) -> Option<&'k str> {
    let unknown = unknown.to_ascii_lowercase();
    known
        .iter()
        .map(|k| (strsim::jaro_winkler(&unknown, k), *k))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, k)| k)
}
