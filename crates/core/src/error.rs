//! The core's one error type. Each variant carries what the user reads: the manifest's positioned
//! diagnostics, what is wrong with a saved plan, which policy a behavior refers to.

use crate::address::Address;
use crate::cloudfront::behavior::{BehaviorPath, Unmakeable};
use crate::cloudfront::policies::PolicyKind;
use crate::diagnostic::Diagnostics;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// The manifest's problems, each with file, line and column.
    #[error("{0}")]
    Manifest(Diagnostics),
    /// A behavior cannot be made what the manifest says (a policy that exists nowhere, cached
    /// methods outside the allowed ones, ...).
    #[error("distribution {distribution} behavior `{path}`: {problem}")]
    Behavior {
        distribution: String,
        path: BehaviorPath,
        problem: Unmakeable,
    },
    /// A file `convert` cannot read as the format it was told, and where it stopped.
    #[error("{file}: {problem}")]
    Convert {
        file: String,
        problem: crate::convert::Unreadable,
    },
    /// Text given as a page's origin that no page can have.
    #[error("`{text}` is not an origin a page can have ({problem}): write scheme://host[:port]")]
    NotAnOrigin {
        text: String,
        problem: crate::evaluate::browser::NoOrigin,
    },
    /// `explain`'s input cannot be read, or names nothing it can judge, or no fix can be written.
    #[error(transparent)]
    Explain(#[from] crate::explain::Refused),
    /// A behavior refers to a custom policy that the account's listing does not hold; named with
    /// its distribution where the caller knows it.
    #[error("{}", policy_not_listed(.distribution.as_deref(), *.kind, .id))]
    PolicyNotListed {
        distribution: Option<String>,
        kind: PolicyKind,
        id: String,
    },
}

impl Error {
    /// The same error, naming the distribution whose behavior it is about.
    pub fn in_distribution(self, id: &str) -> Self {
        match self {
            Error::PolicyNotListed {
                kind, id: policy, ..
            } => Error::PolicyNotListed {
                distribution: Some(id.to_string()),
                kind,
                id: policy,
            },
            other => other,
        }
    }
}

fn policy_not_listed(distribution: Option<&str>, kind: PolicyKind, id: &str) -> String {
    match distribution {
        Some(distribution) => format!(
            "{}: its {} {id} is not among the account's custom policies",
            Address::CloudFrontDistribution(distribution.to_string()),
            kind.field()
        ),
        None => {
            let noun = kind.noun();
            format!("{noun} policy {id} is not among the account's custom {noun} policies")
        }
    }
}
