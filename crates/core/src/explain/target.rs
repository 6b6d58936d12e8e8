//! Which bucket or distribution a request's URL names: S3's virtual-hosted, path-style,
//! regional, dual-stack and accelerate endpoints name the bucket; a CloudFront domain or alias
//! names the distribution that lists it (the manifest's `domains:`, or with `--live` the
//! account's distributions), else `--target cloudfront://ID[/PATH]` says which.

use std::fmt;

use crate::manifest::{AccountRef, Manifest};
use crate::Error;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Target {
    Bucket(String),
    Distribution { id: String, path: String },
}

impl Target {
    /// The account the manifest gives the resource this names, when it declares one.
    pub fn declared_account<'m>(&self, manifest: &'m Manifest) -> Option<&'m AccountRef> {
        match self {
            Target::Bucket(name) => manifest.bucket(name)?.account.as_ref(),
            Target::Distribution { id, .. } => manifest.distribution(id)?.account.as_ref(),
        }
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Target::Bucket(name) => write!(f, "s3://{name}"),
            Target::Distribution { id, path } => write!(f, "cloudfront://{id}{path}"),
        }
    }
}

/// Why a target or a request's URL names no bucket or distribution `explain` can judge; `text` is
/// what was given.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NoTarget {
    #[error("`{text}` names no bucket")]
    NoBucket { text: String },
    #[error("`{text}` names no distribution")]
    NoDistribution { text: String },
    #[error(
        "`{text}` is not a target: use s3://BUCKET[/KEY] or cloudfront://DISTRIBUTION_ID[/PATH]"
    )]
    NotATarget { text: String },
    #[error("`{text}` is not a URL: {error}")]
    NotAUrl {
        text: String,
        error: url::ParseError,
    },
    #[error("`{text}` is an S3 endpoint without a bucket")]
    EndpointWithoutBucket { text: String },
    #[error("`{text}` is a CloudFront domain that no distribution of the manifest lists in `domains`: add it there, give --live to find it among the account's distributions, or say which distribution and path with --target cloudfront://ID[/PATH]")]
    UnlistedCloudFrontDomain { text: String },
    #[error("`{text}` does not name an S3 bucket, and no distribution of the manifest lists it in `domains` (a custom domain, or an emulator): say which with --target s3://BUCKET or --target cloudfront://ID[/PATH]")]
    Unlisted { text: String },
    #[error("`{text}` names more than one distribution: {} each list `{host}` in their domains; say which with --target cloudfront://ID[/PATH]", .ids.join(" and "))]
    SeveralDistributions {
        text: String,
        host: String,
        ids: Vec<String>,
    },
}

fn refused(why: NoTarget) -> Error {
    Error::Explain(why.into())
}

fn parse_url(url: &str) -> Result<url::Url, Error> {
    url::Url::parse(url).map_err(|error| {
        refused(NoTarget::NotAUrl {
            text: url.to_string(),
            error,
        })
    })
}

/// `s3://BUCKET[/KEY]` or `cloudfront://ID[/PATH]`, as `check` takes them.
pub fn parse_target(text: &str) -> Result<Target, Error> {
    if let Some(rest) = text.strip_prefix("s3://") {
        let bucket = rest.split('/').next().unwrap_or_default();
        if bucket.is_empty() {
            return Err(refused(NoTarget::NoBucket {
                text: text.to_string(),
            }));
        }
        return Ok(Target::Bucket(bucket.to_string()));
    }
    if let Some(rest) = text.strip_prefix("cloudfront://") {
        let (id, path) = rest
            .split_once('/')
            .map_or((rest, "/".to_string()), |(id, path)| {
                (id, format!("/{path}"))
            });
        if id.is_empty() {
            return Err(refused(NoTarget::NoDistribution {
                text: text.to_string(),
            }));
        }
        return Ok(Target::Distribution {
            id: id.to_string(),
            path,
        });
    }
    Err(refused(NoTarget::NotATarget {
        text: text.to_string(),
    }))
}

/// The S3 endpoint host names that carry no bucket themselves (path-style requests), without
/// the `amazonaws.com[.cn]` suffix: `s3`, `s3.REGION`, `s3-REGION`, `s3.dualstack.REGION`,
/// `s3-accelerate`, `s3-accelerate.dualstack`, `s3-website-REGION`, `s3-website.REGION`.
fn is_s3_endpoint(labels: &[&str]) -> bool {
    match labels {
        ["s3"] | ["s3-accelerate"] | ["s3-accelerate", "dualstack"] => true,
        ["s3", "dualstack", _region] | ["s3-website", _region] | ["s3", _region] => true,
        [single] => single.starts_with("s3-") && single.len() > 3,
        _ => false,
    }
}

/// The target a request URL names, when it is S3's; an error says what to give instead.
pub fn from_url(url: &str) -> Result<Target, Error> {
    let parsed = parse_url(url)?;
    let host = normalized_host(&parsed);
    let stem = host
        .strip_suffix(".amazonaws.com.cn")
        .or_else(|| host.strip_suffix(".amazonaws.com"));
    if let Some(stem) = stem {
        let labels: Vec<&str> = stem.split('.').collect();
        if is_s3_endpoint(&labels) {
            let bucket = parsed
                .path_segments()
                .and_then(|mut segments| segments.next())
                .unwrap_or_default();
            if bucket.is_empty() {
                return Err(refused(NoTarget::EndpointWithoutBucket {
                    text: url.to_string(),
                }));
            }
            return Ok(Target::Bucket(bucket.to_string()));
        }
        // Virtual-hosted: BUCKET.<endpoint>, the bucket possibly holding dots itself.
        for split in 1..labels.len() {
            if is_s3_endpoint(&labels[split..]) {
                return Ok(Target::Bucket(labels[..split].join(".")));
            }
        }
    }
    if is_cloudfront_domain(&host) {
        return Err(refused(NoTarget::UnlistedCloudFrontDomain {
            text: url.to_string(),
        }));
    }
    Err(refused(NoTarget::Unlisted {
        text: url.to_string(),
    }))
}

/// The host a URL names, lower-case, without a trailing dot.
pub fn host_of(url: &str) -> Result<String, Error> {
    Ok(normalized_host(&parse_url(url)?))
}

/// A host as a name is compared: lower-case, and `example.com.` (fully qualified) the same as
/// `example.com`.
fn normalized_host(url: &url::Url) -> String {
    url.host_str()
        .unwrap_or_default()
        .trim_end_matches('.')
        .to_ascii_lowercase()
}

/// A distribution's own domain (`dXXXX.cloudfront.net`).
fn is_cloudfront_domain(host: &str) -> bool {
    host.ends_with(".cloudfront.net")
}

/// Whether `host` is the domain `listed`: equal, ignoring case, or under an alias wildcard
/// (`*.example.com` stands for one label, as CloudFront's wildcard aliases do).
fn domain_matches(listed: &str, host: &str) -> bool {
    let listed = listed.trim_end_matches('.').to_ascii_lowercase();
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    match listed.strip_prefix("*.") {
        Some(parent) => host
            .split_once('.')
            .is_some_and(|(label, rest)| !label.is_empty() && rest == parent),
        None => listed == host,
    }
}

/// The distribution among `distributions` (each its ID and the domains it answers on) whose
/// domain or alias is the URL's host, with the URL's path (which picks the behavior). An exact
/// domain wins over a wildcard alias, as in CloudFront; two distributions listing the same one
/// is an error (CloudFront lets one alias name one distribution only).
pub fn distribution_for_url<'a>(
    url: &str,
    distributions: impl IntoIterator<Item = (&'a str, &'a [String])> + Clone,
) -> Result<Option<Target>, Error> {
    let parsed = parse_url(url)?;
    let host = host_of(url)?;
    let listing = |exact: bool| -> Vec<&'a str> {
        let mut ids: Vec<&str> = distributions
            .clone()
            .into_iter()
            .filter(|(_, domains)| {
                domains
                    .iter()
                    .any(|d| d.starts_with("*.") != exact && domain_matches(d, &host))
            })
            .map(|(id, _)| id)
            .collect();
        ids.dedup();
        ids
    };
    let mut found = listing(true);
    if found.is_empty() {
        found = listing(false);
    }
    match found.as_slice() {
        [] => Ok(None),
        [id] => Ok(Some(Target::Distribution {
            id: id.to_string(),
            path: parsed.path().to_string(),
        })),
        several => Err(refused(NoTarget::SeveralDistributions {
            text: url.to_string(),
            host,
            ids: several.iter().map(|id| id.to_string()).collect(),
        })),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bucket(url: &str) -> String {
        match from_url(url) {
            Ok(Target::Bucket(name)) => name,
            other => panic!("{url}: {other:?}"),
        }
    }

    #[test]
    fn every_s3_endpoint_form_names_the_bucket() {
        for url in [
            "https://uploads.s3.amazonaws.com/a/b.png",
            "https://uploads.s3.eu-west-1.amazonaws.com/a.png",
            "https://uploads.s3-eu-west-1.amazonaws.com/a.png",
            "https://uploads.s3.dualstack.eu-west-1.amazonaws.com/a.png",
            "https://uploads.s3-accelerate.amazonaws.com/a.png",
            "https://uploads.s3-accelerate.dualstack.amazonaws.com/a.png",
            "http://uploads.s3-website-us-east-1.amazonaws.com/",
            "http://uploads.s3-website.eu-central-1.amazonaws.com/",
            "https://uploads.s3.cn-north-1.amazonaws.com.cn/a.png",
            "https://s3.amazonaws.com/uploads/a.png",
            "https://s3.eu-west-1.amazonaws.com/uploads/a.png",
            "https://s3-eu-west-1.amazonaws.com/uploads/a.png",
            "https://s3.dualstack.eu-west-1.amazonaws.com/uploads/a.png",
            "https://UPLOADS.S3.AMAZONAWS.COM/a.png",
            // Fully qualified, as a browser may show it.
            "https://uploads.s3.amazonaws.com./a.png",
        ] {
            assert_eq!(bucket(url), "uploads", "{url}");
        }
        assert_eq!(
            bucket("https://my.dotted.bucket.s3.eu-west-1.amazonaws.com/x"),
            "my.dotted.bucket"
        );
        assert_eq!(
            bucket("https://s3.amazonaws.com/my.dotted.bucket/x"),
            "my.dotted.bucket"
        );
    }

    #[test]
    fn other_hosts_need_a_target() {
        let message = |url: &str| from_url(url).unwrap_err().to_string();
        for cdn in [
            "https://d111111abcdef8.cloudfront.net/a.png",
            "https://d111111abcdef8.cloudfront.net./a.png",
        ] {
            assert!(message(cdn).contains("--target cloudfront://ID"), "{cdn}");
        }
        assert!(message("https://cdn.example.com/a.png").contains("--target s3://BUCKET"));
        assert!(message("https://s3.amazonaws.com/").contains("without a bucket"));
        assert!(message("not a url").contains("is not a URL"));
    }

    #[test]
    fn a_distribution_is_found_by_its_domain_or_an_alias() {
        let listed = [
            ("EWILD".to_string(), vec!["*.example.com".to_string()]),
            (
                "EONE".to_string(),
                vec![
                    "d111111abcdef8.cloudfront.net".to_string(),
                    "cdn.example.com".to_string(),
                ],
            ),
        ];
        let find = |url: &str| {
            distribution_for_url(
                url,
                listed.iter().map(|(id, d)| (id.as_str(), d.as_slice())),
            )
            .unwrap()
        };
        assert_eq!(
            find("https://D111111ABCDEF8.cloudfront.net./fonts/a.woff"),
            Some(Target::Distribution {
                id: "EONE".into(),
                path: "/fonts/a.woff".into()
            })
        );
        assert_eq!(
            find("https://cdn.example.com/x"),
            Some(Target::Distribution {
                id: "EONE".into(),
                path: "/x".into()
            }),
            "the exact alias wins over the wildcard"
        );
        assert_eq!(
            find("https://img.example.com/"),
            Some(Target::Distribution {
                id: "EWILD".into(),
                path: "/".into()
            })
        );
        assert_eq!(find("https://a.b.example.com/"), None, "one label only");
        let twice = [
            ("EONE".to_string(), vec!["cdn.example.com".to_string()]),
            ("ETWO".to_string(), vec!["cdn.example.com".to_string()]),
        ];
        let error = distribution_for_url(
            "https://CDN.example.com/x",
            twice.iter().map(|(id, d)| (id.as_str(), d.as_slice())),
        )
        .unwrap_err()
        .to_string();
        assert!(
            error.contains("EONE and ETWO each list `cdn.example.com`"),
            "{error}"
        );
        assert_eq!(find("https://example.com/"), None);
        assert_eq!(find("https://d2.cloudfront.net/"), None);
    }

    #[test]
    fn targets_parse() {
        assert_eq!(
            parse_target("s3://assets/a/b.png").ok(),
            Some(Target::Bucket("assets".into()))
        );
        assert_eq!(
            parse_target("cloudfront://E1/fonts/a.woff").ok(),
            Some(Target::Distribution {
                id: "E1".into(),
                path: "/fonts/a.woff".into()
            })
        );
        assert!(parse_target("https://x").is_err());
        assert!(parse_target("s3://").is_err());
    }
}
