//! A bucket's CORS configuration: the rules S3 evaluates, in order.
//!
//! The same type describes what the manifest asks for and what S3 holds, so that diffing, rendering
//! and applying never translate between two shapes.

use serde::{Deserialize, Serialize};

/// One S3 CORS rule, with the manifest's field names.
///
/// Serialised (JSON plan, import) with absent optional fields left out, the way S3 itself omits
/// unset fields in GetBucketCors.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct CorsRule {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub allowed_origins: Vec<String>,
    pub allowed_methods: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allowed_headers: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub expose_headers: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_age_seconds: Option<i32>,
}

impl CorsRule {
    /// A rule allowing `methods` from `origins`, every other field unset.
    pub fn allowing(origins: &[&str], methods: &[&str]) -> Self {
        CorsRule {
            allowed_origins: origins.iter().map(|s| s.to_string()).collect(),
            allowed_methods: methods.iter().map(|s| s.to_string()).collect(),
            ..CorsRule::default()
        }
    }
}

/// A bucket's CORS state. S3 has no "empty configuration": an empty rule list cannot be written
/// (MalformedXML) and reads back as NoSuchCORSConfiguration, so "no rules" and "no configuration"
/// are one state here.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BucketCors {
    pub rules: Vec<CorsRule>,
}

impl BucketCors {
    pub fn new(rules: Vec<CorsRule>) -> Self {
        BucketCors { rules }
    }

    pub fn none() -> Self {
        BucketCors { rules: Vec::new() }
    }

    pub fn is_configured(&self) -> bool {
        !self.rules.is_empty()
    }

    /// The rules when there is a configuration: the shape plan files, journals and the JSON plan
    /// give a side of a change (`null` for none).
    pub fn configured(&self) -> Option<&[CorsRule]> {
        self.is_configured().then_some(self.rules.as_slice())
    }

    /// As `configured`, giving the rules up rather than copying them.
    pub fn into_configured(self) -> Option<Vec<CorsRule>> {
        self.is_configured().then_some(self.rules)
    }

    /// From that shape: `None` (or no rules) is no configuration.
    pub fn from_configured(rules: Option<Vec<CorsRule>>) -> Self {
        BucketCors::new(rules.unwrap_or_default())
    }
}
