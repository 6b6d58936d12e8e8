//! What CloudFront accepts for the settings cors-sync manages. Source: `docs/aws-and-browsers.md`
//! (CloudFront in front of S3), which cites the CloudFront API reference and quotas.

/// `AllowedMethods` must be exactly one of these sets.
pub const ALLOWED_METHOD_SETS: [&[&str]; 3] = [
    &["GET", "HEAD"],
    &["GET", "HEAD", "OPTIONS"],
    &["GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE"],
];
/// Every method a cache behavior can allow (the largest of the sets).
pub const BEHAVIOR_METHODS: [&str; 7] =
    ["GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE"];
/// `CachedMethods` must be exactly one of these sets, and within `AllowedMethods`.
pub const CACHED_METHOD_SETS: [&[&str]; 2] = [&["GET", "HEAD"], &["GET", "HEAD", "OPTIONS"]];
/// Headers in one whitelist (legacy ForwardedValues, cache or origin request policy); 2023 quota.
pub const MAX_WHITELIST_HEADERS: usize = 10;
/// Methods a response headers policy's CORS configuration may list (`*` is invalid).
pub const RESPONSE_HEADERS_POLICY_METHODS: [&str; 8] = [
    "GET", "DELETE", "HEAD", "OPTIONS", "PATCH", "POST", "PUT", "ALL",
];
/// Longest policy name CloudFront accepts.
pub const MAX_POLICY_NAME_CHARS: usize = 128;

fn as_set(methods: &[String]) -> std::collections::BTreeSet<&str> {
    methods.iter().map(String::as_str).collect()
}

fn matches_one(methods: &[String], sets: &[&[&str]]) -> bool {
    let given = as_set(methods);
    sets.iter().any(|set| {
        set.iter()
            .copied()
            .collect::<std::collections::BTreeSet<_>>()
            == given
    })
}

fn describe(sets: &[&[&str]]) -> String {
    sets.iter()
        .map(|s| format!("[{}]", s.join(", ")))
        .collect::<Vec<_>>()
        .join(", ")
}

pub fn allowed_methods_problem(methods: &[String]) -> Option<String> {
    (!matches_one(methods, &ALLOWED_METHOD_SETS)).then(allowed_sets)
}

fn allowed_sets() -> String {
    format!(
        "CloudFront allows only these method sets: {}",
        describe(&ALLOWED_METHOD_SETS)
    )
}

fn cached_sets() -> String {
    format!(
        "CloudFront caches only these method sets: {}",
        describe(&CACHED_METHOD_SETS)
    )
}

/// `allowed_methods` with too few or too many methods to be one of the sets.
pub fn allowed_method_count_problem(_: &str, _: usize, _: u64, _: Option<u64>) -> String {
    allowed_sets()
}

/// `cached_methods` with too few or too many methods to be one of the sets.
pub fn cached_method_count_problem(_: &str, _: usize, _: u64, _: Option<u64>) -> String {
    cached_sets()
}

/// A method no cache behavior can allow.
pub fn behavior_method_problem(method: &str, allowed: &[&str]) -> (String, Option<String>) {
    (
        format!(
            "`{method}` is not a method a CloudFront behavior allows ({})",
            allowed.join(", ")
        ),
        None,
    )
}

pub fn cached_methods_problem(cached: &[String], allowed: Option<&[String]>) -> Option<String> {
    if !matches_one(cached, &CACHED_METHOD_SETS) {
        return Some(cached_sets());
    }
    let allowed = allowed?;
    let allowed = as_set(allowed);
    (!as_set(cached).is_subset(&allowed))
        .then(|| "cached_methods must be within allowed_methods".to_string())
}

/// An HTTP header name is a token (RFC 9110): visible ASCII without separators.
pub fn header_name_problem(name: &str) -> Option<String> {
    let token = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c));
    (!token).then(|| format!("`{name}` is not a valid HTTP header name"))
}

/// A header whitelist longer than the schema's maximum (an empty one is fine): "11 headers;
/// CloudFront allows at most 10 in one whitelist".
pub fn whitelist_count_problem(_: &str, found: usize, _: u64, max: Option<u64>) -> String {
    let max = max.unwrap_or(MAX_WHITELIST_HEADERS as u64);
    format!("{found} headers; CloudFront allows at most {max} in one whitelist")
}

/// A method a response headers policy cannot list (`*` among them).
pub fn response_headers_method_problem(method: &str, allowed: &[&str]) -> (String, Option<String>) {
    (
        format!(
            "`{method}` is not a method a response headers policy allows ({})",
            allowed.join(", ")
        ),
        None,
    )
}

/// A policy's `max_age_seconds` outside the schema's range.
pub fn max_age_problem(found: i64, min: i64, max: i64) -> String {
    format!("max_age_seconds must be {min} to {max} (found {found})")
}

/// A response headers policy origin may use `*` alone, or as the leftmost label of the host
/// (`https://*.example.org`); `ALL` is invalid.
pub fn response_headers_origin_problem(origin: &str) -> Option<String> {
    if origin == "ALL" {
        return Some("`ALL` is not a valid origin; use `*` for every origin".into());
    }
    if origin == "*" || !origin.contains('*') {
        return None;
    }
    let host = origin.split_once("://").map_or(origin, |(_, rest)| rest);
    let leftmost_label = host.starts_with("*.") && !host[2..].contains('*');
    (!leftmost_label).then(|| format!("`{origin}`: a wildcard is allowed only as the leftmost label (`https://*.example.com`)"))
}

pub fn policy_name_problem(name: &str) -> Option<String> {
    if name.is_empty() || name.chars().count() > MAX_POLICY_NAME_CHARS {
        return Some(format!(
            "a policy name must be 1 to {MAX_POLICY_NAME_CHARS} characters"
        ));
    }
    if !name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Some(format!(
            "`{name}`: a policy name may contain only letters, digits, '-' and '_'"
        ));
    }
    if name.starts_with(super::managed_policies::MANAGED_PREFIX) {
        return Some(format!(
            "`{name}`: names starting with `Managed-` are reserved for AWS-managed policies"
        ));
    }
    None
}

pub fn distribution_id_problem(id: &str) -> Option<String> {
    let ok = !id.is_empty()
        && id.len() <= 64
        && id
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit());
    (!ok).then(|| format!("`{id}` is not a CloudFront distribution ID (uppercase letters and digits, like `E2QWRUHAPOMQZL`)"))
}

/// A `domains` entry that is not a host name CloudFront answers on: letters, digits and hyphens
/// in dot-separated labels, `*.` only as a whole first label (a wildcard alias).
pub fn domain_problem(domain: &str) -> Option<String> {
    let name = domain.strip_prefix("*.").unwrap_or(domain);
    let label_ok = |label: &str| {
        !label.is_empty()
            && label.len() <= 63
            && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    };
    let ok = name.len() <= 253 && name.contains('.') && name.split('.').all(label_ok);
    (!ok).then(|| {
        format!("`{domain}` is not a host name: list the distribution's domain and aliases as pages reach them, like `d111111abcdef8.cloudfront.net` or `cdn.example.com` (no scheme, port or path; `*.example.com` for a wildcard alias)")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domains_are_host_names() {
        for good in [
            "d111111abcdef8.cloudfront.net",
            "cdn.example.com",
            "*.example.com",
            "a-b.example.co.uk",
        ] {
            assert_eq!(domain_problem(good), None, "{good}");
        }
        for bad in [
            "https://cdn.example.com",
            "cdn.example.com:443",
            "cdn.example.com/x",
            "example",
            "*example.com",
            "a.*.example.com",
            "a..b.com",
            "",
        ] {
            assert!(domain_problem(bad).is_some(), "{bad}");
        }
    }

    fn v(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn method_sets() {
        assert_eq!(
            allowed_methods_problem(&v(&["HEAD", "GET", "OPTIONS"])),
            None
        );
        assert!(allowed_methods_problem(&v(&["GET", "OPTIONS"])).is_some());
        assert_eq!(
            cached_methods_problem(&v(&["GET", "HEAD"]), Some(&v(&["GET", "HEAD", "OPTIONS"]))),
            None
        );
        assert!(cached_methods_problem(
            &v(&["GET", "HEAD", "OPTIONS"]),
            Some(&v(&["GET", "HEAD"]))
        )
        .is_some());
        assert!(cached_methods_problem(&v(&["GET"]), None).is_some());
    }

    #[test]
    fn header_names_and_origins() {
        assert_eq!(header_name_problem("Access-Control-Request-Method"), None);
        assert!(header_name_problem("Bad Header").is_some());
        assert!(header_name_problem("").is_some());
        assert_eq!(
            response_headers_origin_problem("https://*.example.org"),
            None
        );
        assert_eq!(response_headers_origin_problem("*"), None);
        assert!(response_headers_origin_problem("https://a.*.example.org").is_some());
        assert!(response_headers_origin_problem("ALL").is_some());
        assert!(
            response_headers_method_problem("*", &RESPONSE_HEADERS_POLICY_METHODS)
                .0
                .contains("GET, DELETE, HEAD, OPTIONS, PATCH, POST, PUT, ALL")
        );
    }

    #[test]
    fn names_and_ids() {
        assert_eq!(policy_name_problem("cors-s3-forward"), None);
        assert!(policy_name_problem("Managed-Mine").is_some());
        assert!(policy_name_problem("has space").is_some());
        assert_eq!(distribution_id_problem("E2QWRUHAPOMQZL"), None);
        assert!(distribution_id_problem("e2qw").is_some());
    }
}
