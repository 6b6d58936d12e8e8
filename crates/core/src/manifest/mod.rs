//! The manifest: what a reviewed YAML file says the CORS state must be.
//!
//! Reading happens in three steps, each its own module: `yaml_tree` parses text into positioned
//! nodes, `decode` turns one file's nodes into the model while checking every field against what
//! AWS accepts, and `load` gathers the files of a path and checks them against each other.

pub mod accounts;
pub mod decode;
pub mod load;
pub mod schema;
pub mod targets;
pub mod yaml_tree;

pub use crate::account::{Account, AccountRef};
use crate::address::{Named, ResourceKey};
use crate::bucket::Bucket;
use crate::cloudfront::distribution::DistributionSpec;
use crate::cloudfront::policies::{OriginRequestPolicySpec, ResponseHeadersPolicySpec};
use crate::diagnostic::SourceLocation;
use crate::provider::Provider;

/// The only manifest format version this build reads.
pub const MANIFEST_VERSION: i64 = 1;

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Manifest {
    /// `sha256:…` over every file read (path and content), to record what a plan was made from.
    pub digest: String,
    /// The accounts resources live in; empty when the manifest declares none.
    pub accounts: Vec<Account>,
    /// The store of resources in no declared account: AWS, or what `--provider` says.
    pub provider: Provider,
    pub buckets: Vec<Declared<Bucket<Option<String>>>>,
    pub distributions: Vec<Declared<DistributionSpec>>,
    pub origin_request_policies: Vec<Declared<OriginRequestPolicySpec>>,
    pub response_headers_policies: Vec<Declared<ResponseHeadersPolicySpec>>,
}

/// A value of the model as the manifest declares it, with what only a declaration has: where it
/// was written, its account, and the lints silenced for it. It reads as the value it holds.
#[derive(Debug, Clone, PartialEq)]
pub struct Declared<T> {
    pub value: T,
    /// Where the entry starts, for messages about it as a whole.
    pub location: SourceLocation,
    /// Where each of its parts starts (a bucket's rules), index for index.
    pub parts: Vec<SourceLocation>,
    /// Lint codes silenced for it, each with the reason given.
    pub silenced: Vec<(String, String)>,
    /// Its account, when the manifest declares accounts (resolved by `load`).
    pub account: Option<AccountRef>,
}

impl<T> Declared<T> {
    /// `value`, written at `location`, with no lint silenced and no place of its parts' own.
    pub fn at(value: T, location: SourceLocation, account: Option<AccountRef>) -> Self {
        Declared {
            value,
            location,
            parts: Vec::new(),
            silenced: Vec::new(),
            account,
        }
    }

    /// A value no manifest wrote (read from AWS, or from a plan): it has no places to point at.
    pub fn unwritten(value: T, account: Option<AccountRef>) -> Self {
        Declared::at(value, SourceLocation::default(), account)
    }

    /// Where its part `index` starts, or the entry itself when that part has no place of its own.
    pub fn part_location(&self, index: usize) -> &SourceLocation {
        self.parts.get(index).unwrap_or(&self.location)
    }

    /// The name of its account, when the manifest declares accounts.
    pub fn account_name(&self) -> Option<&str> {
        self.account.as_ref().map(|a| a.name.as_str())
    }
}

impl<T> std::ops::Deref for Declared<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.value
    }
}

impl<T: Named> Declared<T> {
    /// The resource across accounts: in the account the manifest gives it.
    pub fn key(&self) -> ResourceKey<'_> {
        ResourceKey::of(self.account_name(), &self.value)
    }
}

impl Manifest {
    pub fn bucket(&self, name: &str) -> Option<&Declared<Bucket<Option<String>>>> {
        self.buckets.iter().find(|b| b.name == name)
    }

    /// The store a resource in `account` is on: the account's provider, else the manifest's.
    pub fn provider_of(&self, account: Option<&AccountRef>) -> Provider {
        account
            .and_then(|a| self.account(&a.name))
            .map_or(self.provider, |a| a.provider)
    }

    pub fn distribution(&self, id: &str) -> Option<&Declared<DistributionSpec>> {
        self.distributions.iter().find(|d| d.id == id)
    }

    /// True when the manifest manages anything on CloudFront, so CloudFront must be read.
    pub fn uses_cloudfront(&self) -> bool {
        !(self.distributions.is_empty()
            && self.origin_request_policies.is_empty()
            && self.response_headers_policies.is_empty())
    }
}

pub use accounts::NotInPlay;
pub use load::{load, load_on, load_str};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_part_without_a_place_of_its_own_points_at_its_entry() {
        let file: std::sync::Arc<std::path::Path> = std::path::Path::new("m.yaml").into();
        let at =
            |line| SourceLocation::in_file(&file, crate::diagnostic::Position { line, column: 3 });
        let declared = Declared {
            location: at(2),
            parts: vec![at(5)],
            ..Declared::unwritten((), None)
        };
        assert_eq!(declared.part_location(0), &at(5));
        assert_eq!(declared.part_location(1), &at(2));
    }
}
