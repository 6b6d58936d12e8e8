//! What S3 accepts in a CORS configuration and a bucket name: every AWS fact the validator depends
//! on, in one place. Source: `docs/aws-and-browsers.md` (S3 bucket CORS), which cites the S3 API
//! reference and the bucket naming rules in the S3 user guide.

use crate::bucket_cors::CorsRule;

/// PutBucketCors rejects more rules with MalformedXML.
pub const MAX_RULES: usize = 100;
/// The CORS XML document S3 accepts, in bytes.
pub const MAX_CONFIGURATION_BYTES: usize = 64 * 1024;
/// Longest rule ID S3 accepts.
pub const MAX_RULE_ID_CHARS: usize = 255;
/// The only methods a CORS rule may allow; S3 answers InvalidRequest for any other, lowercase included.
pub const ALLOWED_METHODS: [&str; 5] = ["GET", "PUT", "POST", "DELETE", "HEAD"];

/// Why a bucket name is not one S3 allows, or `None` if it is fine.
pub fn bucket_name_problem(name: &str) -> Option<String> {
    let len = name.len();
    if !(3..=63).contains(&len) {
        return Some(format!(
            "must be 3 to 63 characters long (this one has {len})"
        ));
    }
    if let Some(bad) = name
        .chars()
        .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '.' || *c == '-'))
    {
        return Some(format!(
            "may contain only lowercase letters, digits, '.' and '-' (found {bad:?})"
        ));
    }
    let first_and_last_ok = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
    if !first_and_last_ok(name.chars().next()) || !first_and_last_ok(name.chars().last()) {
        return Some("must begin and end with a letter or digit".into());
    }
    if name.contains("..") {
        return Some("must not contain two adjacent periods".into());
    }
    let octets: Vec<&str> = name.split('.').collect();
    if octets.len() == 4 && octets.iter().all(|o| o.parse::<u8>().is_ok()) {
        return Some("must not be formatted as an IP address".into());
    }
    for prefix in ["xn--", "sthree-", "amzn-s3-demo-"] {
        if name.starts_with(prefix) {
            return Some(format!(
                "must not start with the reserved prefix `{prefix}`"
            ));
        }
    }
    for suffix in ["-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"] {
        if name.ends_with(suffix) {
            return Some(format!("must not end with the reserved suffix `{suffix}`"));
        }
    }
    None
}

/// Why a method cannot appear in `allowed_methods` (it is not in `allowed`), with a hint where
/// one helps. The manifest schema calls it for each method outside the list.
pub fn method_problem(method: &str, allowed: &[&str]) -> (String, Option<String>) {
    let upper = method.to_ascii_uppercase();
    let hint = if allowed.contains(&upper.as_str()) {
        Some(format!("S3 method names are uppercase: write `{upper}`"))
    } else if upper == "OPTIONS" {
        Some("preflight OPTIONS requests are answered by S3 itself; list the method the browser will actually send".into())
    } else {
        None
    };
    (
        format!(
            "`{method}` is not a method S3 CORS allows ({})",
            allowed.join(", ")
        ),
        hint,
    )
}

/// A bucket with more rules than the schema's maximum (it has no minimum: `[]` means no CORS):
/// "101 CORS rules; S3 allows at most 100".
pub fn rule_count_problem(_: &str, found: usize, _: u64, max: Option<u64>) -> String {
    let max = max.unwrap_or(MAX_RULES as u64);
    format!("{found} CORS rules; S3 allows at most {max}")
}

/// S3 accepts at most one `*` in an allowed origin or an allowed header.
pub fn wildcard_problem(value: &str) -> Option<String> {
    let stars = value.matches('*').count();
    (stars > 1).then(|| format!("`{value}` has {stars} wildcards; S3 allows at most one `*`"))
}

/// A rule's `max_age_seconds` outside the schema's range (S3 stores it as a 32-bit integer).
pub fn max_age_problem(found: i64, min: i64, max: i64) -> String {
    if found < min {
        format!("max_age_seconds must not be negative (found {found})")
    } else {
        format!("max_age_seconds must be at most {max} (found {found})")
    }
}

pub fn rule_id_problem(id: &str) -> Option<String> {
    let chars = id.chars().count();
    (chars > MAX_RULE_ID_CHARS)
        .then(|| format!("id is {chars} characters long; S3 allows at most {MAX_RULE_ID_CHARS}"))
}

/// The size of the `CORSConfiguration` XML document PutBucketCors would send for these rules.
pub fn configuration_xml_bytes(rules: &[CorsRule]) -> usize {
    const DOCUMENT: &str = r#"<?xml version="1.0" encoding="UTF-8"?><CORSConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"></CORSConfiguration>"#;
    let element = |tag: &str, text: &str| 2 * tag.len() + 5 + xml_escaped_len(text);
    let rules_bytes: usize = rules
        .iter()
        .map(|rule| {
            let mut bytes = 2 * "CORSRule".len() + 5;
            bytes += rule.id.as_deref().map_or(0, |id| element("ID", id));
            bytes += rule
                .allowed_origins
                .iter()
                .map(|o| element("AllowedOrigin", o))
                .sum::<usize>();
            bytes += rule
                .allowed_methods
                .iter()
                .map(|m| element("AllowedMethod", m))
                .sum::<usize>();
            bytes += rule
                .allowed_headers
                .iter()
                .map(|h| element("AllowedHeader", h))
                .sum::<usize>();
            bytes += rule
                .expose_headers
                .iter()
                .map(|h| element("ExposeHeader", h))
                .sum::<usize>();
            bytes += rule
                .max_age_seconds
                .map_or(0, |s| element("MaxAgeSeconds", &s.to_string()));
            bytes
        })
        .sum();
    DOCUMENT.len() + rules_bytes
}

fn xml_escaped_len(text: &str) -> usize {
    text.chars()
        .map(|c| match c {
            '&' => 5,
            '<' | '>' => 4,
            '"' | '\'' => 6,
            other => other.len_utf8(),
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bucket_names_follow_the_s3_rules() {
        for good in ["abc", "example-assets", "my.bucket.1", &"a".repeat(63)] {
            assert_eq!(bucket_name_problem(good), None, "{good}");
        }
        let bad = [
            ("ab", "3 to 63"),
            (&"a".repeat(64) as &str, "3 to 63"),
            ("Example", "lowercase"),
            ("under_score", "lowercase"),
            ("-leading", "begin and end"),
            ("trailing.", "begin and end"),
            ("two..dots", "adjacent periods"),
            ("192.168.5.4", "IP address"),
            ("xn--bucket", "reserved prefix"),
            ("sthree-x", "reserved prefix"),
            ("bucket-s3alias", "reserved suffix"),
            ("bucket--ol-s3", "reserved suffix"),
        ];
        for (name, expected) in bad {
            let problem = bucket_name_problem(name).unwrap_or_default();
            assert!(problem.contains(expected), "{name}: {problem}");
        }
    }

    #[test]
    fn a_method_outside_the_five_says_why() {
        let (message, hint) = method_problem("get", &ALLOWED_METHODS);
        assert_eq!(
            message,
            "`get` is not a method S3 CORS allows (GET, PUT, POST, DELETE, HEAD)"
        );
        assert_eq!(
            hint.as_deref(),
            Some("S3 method names are uppercase: write `GET`")
        );
        assert!(method_problem("PATCH", &ALLOWED_METHODS).1.is_none());
        assert!(method_problem("OPTIONS", &ALLOWED_METHODS).1.is_some());
    }

    #[test]
    fn one_wildcard_at_most() {
        assert_eq!(wildcard_problem("https://*.example.com"), None);
        assert_eq!(wildcard_problem("*"), None);
        assert!(wildcard_problem("https://*.*.example.com").is_some());
    }

    #[test]
    fn max_age_says_which_end_it_missed() {
        let max = i64::from(i32::MAX);
        assert!(max_age_problem(-1, 0, max).contains("must not be negative"));
        assert!(max_age_problem(max + 1, 0, max).contains("at most 2147483647"));
    }

    #[test]
    fn xml_size_counts_every_element_and_escapes() {
        let rule = CorsRule {
            id: Some("a&b".into()),
            allowed_origins: vec!["*".into()],
            allowed_methods: vec!["GET".into()],
            ..CorsRule::default()
        };
        let empty = configuration_xml_bytes(&[]);
        let expected = "<CORSRule></CORSRule>".len()
            + "<ID>a&amp;b</ID>".len()
            + "<AllowedOrigin>*</AllowedOrigin>".len()
            + "<AllowedMethod>GET</AllowedMethod>".len();
        assert_eq!(configuration_xml_bytes(&[rule]) - empty, expected);
    }
}
