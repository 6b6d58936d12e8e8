//! A distribution as the manifest names it and as CloudFront holds it.

use super::behavior::{BehaviorPath, BehaviorSettings, BehaviorSpec};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DistributionSpec {
    pub id: String,
    pub behaviors: Vec<BehaviorSpec>,
    /// The host names pages reach it by (`domains:`), lower-case; only `explain` reads them.
    pub domains: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveDistribution {
    pub id: String,
    /// The distribution's own domain (`d111.cloudfront.net`); empty when read whole with
    /// GetDistributionConfig, whose answer does not name it.
    pub domain_name: String,
    /// Its alternate domain names, as CloudFront lists them (a wildcard one starts `*.`).
    pub aliases: Vec<String>,
    /// Domain names of its origins, e.g. `bucket.s3.eu-west-1.amazonaws.com`.
    pub origin_domains: Vec<String>,
    /// The default behavior first, then cache behaviors in CloudFront's order.
    pub behaviors: Vec<(BehaviorPath, BehaviorSettings)>,
    /// The config's ETag, when the read returned one (list pages may not).
    pub etag: Option<String>,
    /// The domain name of the origin each behavior sends requests to.
    pub behavior_origins: Vec<(BehaviorPath, String)>,
}

impl crate::address::Named for DistributionSpec {
    fn name(&self) -> &str {
        &self.id
    }
}

impl crate::address::Named for LiveDistribution {
    fn name(&self) -> &str {
        &self.id
    }
}

impl LiveDistribution {
    /// The host names it answers on: its own domain, then its aliases.
    pub fn host_names(&self) -> Vec<String> {
        std::iter::once(&self.domain_name)
            .filter(|domain| !domain.is_empty())
            .chain(&self.aliases)
            .cloned()
            .collect()
    }

    pub fn behavior(&self, path: &BehaviorPath) -> Option<&BehaviorSettings> {
        self.behaviors
            .iter()
            .find(|(p, _)| p == path)
            .map(|(_, s)| s)
    }

    pub fn origin_domain(&self, path: &BehaviorPath) -> Option<&str> {
        self.behavior_origins
            .iter()
            .find(|(p, _)| p == path)
            .map(|(_, d)| d.as_str())
    }

    /// The behavior CloudFront uses for a request path: the first cache behavior whose pattern
    /// matches (`*` any run of characters, `?` one character), else the default one.
    pub fn behavior_for(&self, request_path: &str) -> BehaviorPath {
        self.behaviors
            .iter()
            .map(|(p, _)| p)
            .find(|p| match p {
                BehaviorPath::Pattern(pattern) => path_pattern_matches(pattern, request_path),
                BehaviorPath::Default => false,
            })
            .cloned()
            .unwrap_or(BehaviorPath::Default)
    }

    pub fn paths(&self) -> Vec<String> {
        self.behaviors
            .iter()
            .map(|(p, _)| p.key().to_string())
            .collect()
    }
}

/// CloudFront path pattern matching: case-sensitive, `*` any run, `?` exactly one character; a
/// pattern without a leading `/` still matches from the root.
pub fn path_pattern_matches(pattern: &str, path: &str) -> bool {
    fn matches(p: &[char], s: &[char]) -> bool {
        match p.split_first() {
            None => s.is_empty(),
            Some(('*', rest)) => (0..=s.len()).any(|i| matches(rest, &s[i..])),
            Some(('?', rest)) => !s.is_empty() && matches(rest, &s[1..]),
            Some((c, rest)) => s.first() == Some(c) && matches(rest, &s[1..]),
        }
    }
    let pattern: Vec<char> = pattern.trim_start_matches('/').chars().collect();
    let path: Vec<char> = path.trim_start_matches('/').chars().collect();
    matches(&pattern, &path)
}

/// The bucket behind an S3 origin domain (`name.s3.amazonaws.com`, `name.s3.eu-west-1.amazonaws.com`,
/// `name.s3-eu-west-1.amazonaws.com`), or `None` for a custom origin.
pub fn bucket_of_origin(domain: &str) -> Option<&str> {
    let (name, rest) = domain.split_once(".s3")?;
    (rest.starts_with('.') || rest.starts_with('-')).then_some(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_patterns() {
        assert!(path_pattern_matches("/fonts/*", "/fonts/a.woff2"));
        assert!(path_pattern_matches("images/*.jpg", "/images/x.jpg"));
        assert!(!path_pattern_matches("/fonts/*", "/Fonts/a"));
        assert!(path_pattern_matches("/a?c", "/abc"));
        assert!(!path_pattern_matches("/a?c", "/ac"));
    }

    #[test]
    fn buckets_behind_origins() {
        assert_eq!(bucket_of_origin("assets.s3.amazonaws.com"), Some("assets"));
        assert_eq!(
            bucket_of_origin("my.bucket.s3.eu-west-1.amazonaws.com"),
            Some("my.bucket")
        );
        assert_eq!(
            bucket_of_origin("assets.s3-eu-west-1.amazonaws.com"),
            Some("assets")
        );
        assert_eq!(bucket_of_origin("api.example.com"), None);
    }
}
