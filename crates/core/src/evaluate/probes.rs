//! Probes for `verify`: requests derived from a bucket's rules that should be allowed (each origin
//! with each method, with the headers the rule allows) and requests just outside each rule that
//! should not, so a live endpoint can be compared with the evaluator's prediction. Each rule also
//! gets a credentialed probe (the browser then refuses `Access-Control-Allow-Origin: *`) and, when
//! a preflight is sent anyway, one with CORS-safelisted headers, which the preflight leaves out.

use serde::Serialize;

use super::browser::{PageRequest, RequestHeader};
use super::Request;
use crate::bucket_cors::CorsRule;

/// Methods S3 CORS can allow, in the order a probe for "a method the rule does not allow" picks.
const METHODS: [&str; 5] = ["GET", "PUT", "POST", "DELETE", "HEAD"];

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Probe {
    /// What the probe tries, for the report.
    pub description: String,
    pub request: Request,
}

/// A concrete origin for a pattern: `*` becomes a probe label.
fn concrete(pattern: &str) -> String {
    if pattern == "*" {
        "https://cors-sync-probe.example".to_string()
    } else {
        pattern.replacen('*', "cors-sync-probe", 1)
    }
}

/// A concrete header name for an allowed-header pattern.
fn concrete_header(pattern: &str) -> String {
    if pattern == "*" {
        "x-cors-sync-probe".to_string()
    } else {
        pattern.replacen('*', "probe", 1)
    }
}

pub fn probes(rules: &[CorsRule]) -> Vec<Probe> {
    let mut probes = Vec::new();
    for (index, rule) in rules.iter().enumerate() {
        let number = index + 1;
        let header = rule.allowed_headers.first().map(|h| concrete_header(h));
        for pattern in &rule.allowed_origins {
            if pattern.is_empty() {
                continue;
            }
            let origin = concrete(pattern);
            for method in &rule.allowed_methods {
                let headers: Vec<&str> = header.iter().map(String::as_str).collect();
                probes.push(Probe {
                    description: format!(
                        "rule {number}: {method} from {origin}{}",
                        header
                            .as_ref()
                            .map(|h| format!(" with {h}"))
                            .unwrap_or_default()
                    ),
                    request: Request::preflight(&origin, method, &headers),
                });
            }
            let outside = format!("{}.cors-sync-evil", origin.trim_end_matches('/'));
            if let Some(method) = rule.allowed_methods.first() {
                probes.push(Probe {
                    description: format!(
                        "rule {number}, origin just outside: {method} from {outside}"
                    ),
                    request: Request::preflight(&outside, method, &[]),
                });
            }
        }
        let Some(origin) = rule
            .allowed_origins
            .iter()
            .find(|o| !o.is_empty())
            .map(|o| concrete(o))
        else {
            continue;
        };
        if let Some(method) = rule.allowed_methods.first() {
            probes.push(Probe {
                description: format!("rule {number}, with credentials: {method} from {origin}"),
                request: Request::preflight(&origin, method, &[]).with_credentials(true),
            });
            let mut headers = vec![
                RequestHeader {
                    name: "Content-Type".into(),
                    value: Some("text/plain".into()),
                },
                RequestHeader {
                    name: "Accept-Language".into(),
                    value: Some("en".into()),
                },
            ];
            headers.extend(rule.allowed_headers.first().map(|h| RequestHeader {
                name: concrete_header(h),
                value: Some("1".into()),
            }));
            let page = PageRequest::new(&origin, method, headers, false);
            if page.needs_preflight() {
                probes.push(Probe {
                    description: format!(
                        "rule {number}, with safelisted headers: {method} from {origin} with Content-Type: text/plain, Accept-Language: en{}",
                        rule.allowed_headers.first().map(|h| format!(", {}", concrete_header(h))).unwrap_or_default()
                    ),
                    request: page.preflight(),
                });
            }
        }
        if let Some(method) = METHODS
            .iter()
            .find(|m| !rule.allowed_methods.iter().any(|a| a == *m))
        {
            probes.push(Probe {
                description: format!("rule {number}, method not allowed: {method} from {origin}"),
                request: Request::preflight(&origin, method, &[]),
            });
        }
        if !rule.allowed_headers.iter().any(|h| h == "*") {
            if let Some(method) = rule.allowed_methods.first() {
                probes.push(Probe {
                    description: format!("rule {number}, header not allowed: {method} from {origin} with x-cors-sync-unlisted"),
                    request: Request::preflight(&origin, method, &["x-cors-sync-unlisted"]),
                });
            }
        }
    }
    probes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn probes_cover_each_origin_and_method_and_step_just_outside() {
        let rule = CorsRule {
            allowed_origins: vec!["https://*.example.com".into()],
            allowed_methods: vec!["GET".into(), "PUT".into()],
            allowed_headers: vec!["x-amz-*".into()],
            ..CorsRule::default()
        };
        let described: Vec<String> = probes(&[rule]).into_iter().map(|p| p.description).collect();
        assert_eq!(
            described,
            [
                "rule 1: GET from https://cors-sync-probe.example.com with x-amz-probe",
                "rule 1: PUT from https://cors-sync-probe.example.com with x-amz-probe",
                "rule 1, origin just outside: GET from https://cors-sync-probe.example.com.cors-sync-evil",
                "rule 1, with credentials: GET from https://cors-sync-probe.example.com",
                "rule 1, with safelisted headers: GET from https://cors-sync-probe.example.com with Content-Type: text/plain, Accept-Language: en, x-amz-probe",
                "rule 1, method not allowed: POST from https://cors-sync-probe.example.com",
                "rule 1, header not allowed: GET from https://cors-sync-probe.example.com with x-cors-sync-unlisted",
            ]
        );
    }
}
