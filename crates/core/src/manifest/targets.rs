//! `--target ADDRESS`: a plan limited to some of the manifest's resources, as terraform's
//! `-target`. The manifest is cut down to them before anything is read, so nothing else is read,
//! compared or written. A targeted distribution keeps the policies its behaviors name that the
//! manifest declares: its behaviors cannot be planned without them, as terraform's targets bring
//! their dependencies.

use super::Manifest;
use crate::cloudfront::behavior::{BehaviorSpec, Managed};
use crate::diagnostic::did_you_mean;
use crate::plan::Address;

/// The kinds of address a target can name, for the message about one that names none.
const KINDS: &str = "s3_bucket.NAME, cloudfront_distribution.ID, origin_request_policy.NAME or response_headers_policy.NAME";

impl Manifest {
    /// Every resource the manifest manages, as plans address them.
    pub fn addresses(&self) -> Vec<Address> {
        let mut addresses: Vec<Address> = Vec::new();
        addresses.extend(
            self.buckets
                .iter()
                .map(|b| Address::S3Bucket(b.name.clone())),
        );
        addresses.extend(
            self.distributions
                .iter()
                .map(|d| Address::CloudFrontDistribution(d.id.clone())),
        );
        addresses.extend(
            self.origin_request_policies
                .iter()
                .map(|p| Address::OriginRequestPolicy(p.name.clone())),
        );
        addresses.extend(
            self.response_headers_policies
                .iter()
                .map(|p| Address::ResponseHeadersPolicy(p.name.clone())),
        );
        addresses
    }

    /// The parsed targets, in the order given and each once; an address the manifest does not
    /// manage is an error with the closest one it does.
    pub fn targets(&self, given: &[String]) -> Result<Vec<Address>, NotATarget> {
        let known = self.addresses();
        let spelled: Vec<String> = known.iter().map(ToString::to_string).collect();
        let spelled: Vec<&str> = spelled.iter().map(String::as_str).collect();
        let mut targets: Vec<Address> = Vec::new();
        for text in given {
            let suggestion = || {
                // A bare name is the likeliest slip: `--target assets` for `s3_bucket.assets`.
                known
                    .iter()
                    .find(|a| a.to_string().split_once('.').map(|(_, name)| name) == Some(text))
                    .map(ToString::to_string)
                    .or_else(|| did_you_mean(text, &spelled).map(str::to_string))
            };
            let Ok(address) = text.parse::<Address>() else {
                return Err(NotATarget::NotAnAddress {
                    text: text.clone(),
                    suggestion: suggestion(),
                });
            };
            if !known.contains(&address) {
                return Err(NotATarget::NotManaged {
                    text: text.clone(),
                    suggestion: suggestion(),
                });
            }
            if !targets.contains(&address) {
                targets.push(address);
            }
        }
        Ok(targets)
    }

    /// Only the targeted resources, and the declared policies a targeted distribution names.
    pub fn targeted(&self, targets: &[Address]) -> Manifest {
        let has = |address: Address| targets.contains(&address);
        let distributions: Vec<_> = self
            .distributions
            .iter()
            .filter(|d| has(Address::CloudFrontDistribution(d.id.clone())))
            .cloned()
            .collect();
        let named_by_a_target = |name: &str, pick: fn(&BehaviorSpec) -> &Managed<String>| {
            distributions
                .iter()
                .flat_map(|d| &d.behaviors)
                .any(|b| matches!(pick(b), Managed::Set(text) if text == name))
        };
        Manifest {
            digest: self.digest.clone(),
            accounts: self.accounts.clone(),
            provider: self.provider,
            buckets: self
                .buckets
                .iter()
                .filter(|b| has(Address::S3Bucket(b.name.clone())))
                .cloned()
                .collect(),
            origin_request_policies: self
                .origin_request_policies
                .iter()
                .filter(|p| {
                    has(Address::OriginRequestPolicy(p.name.clone()))
                        || named_by_a_target(&p.name, |b| &b.origin_request_policy)
                })
                .cloned()
                .collect(),
            response_headers_policies: self
                .response_headers_policies
                .iter()
                .filter(|p| {
                    has(Address::ResponseHeadersPolicy(p.name.clone()))
                        || named_by_a_target(&p.name, |b| &b.response_headers_policy)
                })
                .cloned()
                .collect(),
            distributions,
        }
    }
}

/// A `--target` that names nothing the manifest manages, with the closest address it does.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NotATarget {
    #[error("--target `{text}` is not a resource address (write {KINDS}){}", did_you_mean_clause(.suggestion.as_deref()))]
    NotAnAddress {
        text: String,
        suggestion: Option<String>,
    },
    #[error("--target {text}: the manifest manages no such resource{}", did_you_mean_clause(.suggestion.as_deref()))]
    NotManaged {
        text: String,
        suggestion: Option<String>,
    },
}

fn did_you_mean_clause(suggestion: Option<&str>) -> String {
    suggestion
        .map(|a| format!("; did you mean `{a}`?"))
        .unwrap_or_default()
}
