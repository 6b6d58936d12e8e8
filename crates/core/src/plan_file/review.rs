//! What `plan` printed beside a saved plan's changes (the manifest's warnings, the unmanaged
//! buckets of `--report-unmanaged`, the access summary of the markdown comment), recorded so that
//! `show` prints the plan exactly as `plan` did, with no manifest and no AWS.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::access::AccessReport;
use crate::diagnostic::{Diagnostic, Position, Severity, SourceLocation, LINTS};
use crate::render::UnmanagedBucket;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Review {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<SavedWarning>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unmanaged: Option<Vec<UnmanagedBucket>>,
    #[serde(default)]
    pub access: AccessReport,
}

/// A lint as the plan file holds it: a diagnostic with its code spelled out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedWarning {
    pub file: PathBuf,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
}

impl From<&Diagnostic> for SavedWarning {
    fn from(warning: &Diagnostic) -> Self {
        SavedWarning {
            file: warning.location.file.to_path_buf(),
            line: warning.location.position.map(|p| p.line),
            column: warning.location.position.map(|p| p.column),
            code: warning.code.map(str::to_string),
            message: warning.message.clone(),
            help: warning.help.clone(),
        }
    }
}

impl Review {
    pub fn new(
        warnings: &[Diagnostic],
        unmanaged: Option<&[UnmanagedBucket]>,
        access: AccessReport,
    ) -> Self {
        Review {
            warnings: warnings.iter().map(SavedWarning::from).collect(),
            unmanaged: unmanaged.map(<[UnmanagedBucket]>::to_vec),
            access,
        }
    }

    /// The warnings as diagnostics again. A code this cors-sync does not know (the file came
    /// from a newer one) is dropped from the warning; the message stays.
    pub fn warnings(&self) -> Vec<Diagnostic> {
        self.warnings
            .iter()
            .map(|w| Diagnostic {
                location: SourceLocation {
                    file: w.file.as_path().into(),
                    position: w
                        .line
                        .zip(w.column)
                        .map(|(line, column)| Position { line, column }),
                },
                severity: Severity::Warning,
                code: w
                    .code
                    .as_deref()
                    .and_then(|code| LINTS.iter().find(|(c, _, _)| *c == code))
                    .map(|(c, _, _)| *c),
                message: w.message.clone(),
                help: w.help.clone(),
            })
            .collect()
    }
}
