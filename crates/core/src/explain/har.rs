//! HAR 1.2 exports from Chrome's and Firefox's devtools (and playwright's `recordHar`). A
//! CORS-blocked request is an entry with `response.status: 0` (Chrome adds `_error:
//! "net::ERR_FAILED"`; playwright writes -1 and `_failureText`, and records no preflight);
//! neither browser exports the CORS error itself, so the failure is re-judged
//! from the entries: the preflight is an entry of its own (an `OPTIONS` carrying
//! `Access-Control-Request-Method`, Chrome also marks it `_resourceType: "preflight"`) with its real
//! status and headers. docs/explain.md describes both shapes.

use serde_json::Value;

use super::{Observation, Reported, Source, Step};
use crate::evaluate::browser::{
    judge, serialize_origin, unsafe_header_names, RequestHeader, SAFELISTED_METHODS,
};
use crate::evaluate::{Request, Response};
use crate::Error;

/// Headers the browser sets itself (or that only devtools adds): never the page's, so never the
/// reason for a preflight.
const BROWSER_HEADERS: [&str; 17] = [
    "accept-encoding",
    "connection",
    "content-length",
    "cookie",
    "host",
    "origin",
    "referer",
    "user-agent",
    "dnt",
    "priority",
    "te",
    "upgrade-insecure-requests",
    "pragma",
    "cache-control",
    "if-none-match",
    "if-modified-since",
    "authority",
];

struct Entry<'a> {
    method: String,
    url: String,
    status: i64,
    request_headers: Vec<(String, String)>,
    response_headers: Vec<(String, String)>,
    error: Option<&'a str>,
    preflight_marked: bool,
}

fn header_list(value: &Value) -> Vec<(String, String)> {
    value
        .as_array()
        .map(|list| {
            list.iter()
                .filter_map(|h| {
                    Some((
                        h.get("name")?.as_str()?.trim_start_matches(':').to_string(),
                        h.get("value")?.as_str()?.to_string(),
                    ))
                })
                .collect()
        })
        .unwrap_or_default()
}

fn find<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

impl<'a> Entry<'a> {
    fn read(entry: &'a Value) -> Option<Self> {
        let request = entry.get("request")?;
        let response = entry.get("response");
        Some(Entry {
            method: request.get("method")?.as_str()?.to_string(),
            url: request.get("url")?.as_str()?.to_string(),
            status: response
                .and_then(|r| r.get("status"))
                .and_then(Value::as_i64)
                .unwrap_or(0),
            request_headers: header_list(request.get("headers").unwrap_or(&Value::Null)),
            response_headers: response
                .map(|r| header_list(r.get("headers").unwrap_or(&Value::Null)))
                .unwrap_or_default(),
            // Chrome's devtools write `_error`, playwright's recorder `_failureText`.
            error: response
                .and_then(|r| r.get("_error").or_else(|| r.get("_failureText")))
                .and_then(Value::as_str),
            preflight_marked: entry.get("_resourceType").and_then(Value::as_str)
                == Some("preflight"),
        })
    }

    fn is_preflight(&self) -> bool {
        self.preflight_marked
            || (self.method.eq_ignore_ascii_case("OPTIONS")
                && find(&self.request_headers, "Access-Control-Request-Method").is_some())
    }

    /// The page's origin: the `Origin` it sent, else its `Referer`'s origin.
    fn origin(&self) -> Option<String> {
        find(&self.request_headers, "Origin")
            .map(str::to_string)
            .or_else(|| {
                find(&self.request_headers, "Referer").and_then(|r| serialize_origin(r).ok())
            })
    }
}

/// What keeps a file from being read as a HAR export.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Unreadable {
    /// The JSON parser's own message, with its line and column.
    #[error("{error}")]
    NotJson { error: String },
    #[error("it has no log.entries (is it a HAR export?)")]
    NoEntries,
}

fn unreadable(why: Unreadable) -> Error {
    Error::Explain(why.into())
}

/// Every failed cross-origin request in the export, one observation each, in export order.
pub fn parse(text: &str) -> Result<Vec<Observation>, Error> {
    let document: Value = serde_json::from_str(text).map_err(|e| {
        unreadable(Unreadable::NotJson {
            error: e.to_string(),
        })
    })?;
    let entries = document
        .get("log")
        .and_then(|log| log.get("entries"))
        .and_then(Value::as_array)
        .ok_or_else(|| unreadable(Unreadable::NoEntries))?;
    let entries: Vec<Entry> = entries.iter().filter_map(Entry::read).collect();
    let mut found = Vec::new();
    for (index, entry) in entries.iter().enumerate() {
        // A blocked request has no status: 0 in the browsers' exports, -1 in playwright's.
        if entry.status > 0 || entry.is_preflight() {
            continue;
        }
        let preflight_of = |p: &&Entry| {
            p.is_preflight()
                && p.url == entry.url
                && find(&p.request_headers, "Access-Control-Request-Method")
                    .is_some_and(|m| m.eq_ignore_ascii_case(&entry.method))
        };
        // The preflight comes before its request, except in exports ordered by completion.
        let preflight = entries[..index]
            .iter()
            .rev()
            .find(preflight_of)
            .or_else(|| entries[index + 1..].iter().find(preflight_of));
        let Some(origin) = entry.origin().or_else(|| preflight.and_then(Entry::origin)) else {
            continue;
        };
        if serialize_origin(&entry.url).ok().as_deref() == Some(origin.as_str()) {
            continue;
        }
        found.push(observe(entry, preflight, &origin));
    }
    Ok(found)
}

fn observe(entry: &Entry, preflight: Option<&Entry>, origin: &str) -> Observation {
    let error = entry.error.unwrap_or("status 0");
    let mut observation = Observation::new(Source::Har, &entry.url, Reported::RequestFailed, error);
    observation.origin = Some(origin.to_string());
    observation.method = Some(entry.method.clone());
    observation.credentials = find(&entry.request_headers, "Cookie").map(|_| true);
    let Some(preflight) = preflight else {
        let page_headers: Vec<RequestHeader> = entry
            .request_headers
            .iter()
            .filter(|(name, _)| {
                let name = name.to_ascii_lowercase();
                !BROWSER_HEADERS.contains(&name.as_str()) && !name.starts_with("sec-")
            })
            .map(|(name, value)| RequestHeader {
                name: name.clone(),
                value: Some(value.clone()),
            })
            .collect();
        let unsafe_names = unsafe_header_names(&page_headers);
        // A request that needed a preflight whose entry the export lacks (playwright's recorder
        // leaves preflights out) may have failed at either step.
        let simple = SAFELISTED_METHODS.contains(&entry.method.as_str()) && unsafe_names.is_empty();
        observation.headers = Some(unsafe_names);
        observation.step = simple.then_some(Step::Request);
        return observation;
    };
    let asked: Vec<String> = find(&preflight.request_headers, "Access-Control-Request-Headers")
        .unwrap_or_default()
        .split(',')
        .map(|h| h.trim().to_ascii_lowercase())
        .filter(|h| !h.is_empty())
        .collect();
    observation.headers = Some(asked.clone());
    let status = u16::try_from(preflight.status).unwrap_or(0);
    let asked: Vec<&str> = asked.iter().map(String::as_str).collect();
    let request = Request::preflight(origin, &entry.method, &asked)
        .with_credentials(observation.credentials == Some(true));
    let response = Response {
        status,
        headers: preflight.response_headers.clone(),
    };
    let judgement = judge(&request, &response);
    if judgement.passes {
        observation.step = Some(Step::Request);
        return observation;
    }
    observation.step = Some(Step::Preflight);
    observation.status = Some(status).filter(|s| *s != 0);
    observation.browser_reason =
        format!("{error}; the preflight got {status}: {}", judgement.reason);
    observation.reported = if (300..400).contains(&status) {
        Reported::Redirect
    } else if response.header("Access-Control-Allow-Origin").is_none() {
        Reported::MissingAllowOrigin
    } else if !(200..300).contains(&status) {
        Reported::PreflightStatus
    } else {
        Reported::RequestFailed
    };
    observation
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn har(entries: Value) -> String {
        json!({"log": {"version": "1.2", "creator": {"name": "test"}, "entries": entries}})
            .to_string()
    }

    fn headers(list: &[(&str, &str)]) -> Value {
        list.iter()
            .map(|(n, v)| json!({"name": n, "value": v}))
            .collect()
    }

    const URL: &str = "https://uploads.s3.amazonaws.com/a.png";

    #[test]
    fn chrome_preflight_entry_and_failed_request() {
        let text = har(json!([
            {"_resourceType": "preflight", "request": {"method": "OPTIONS", "url": URL, "headers": headers(&[
                ("Origin", "https://app.example.com"), ("Access-Control-Request-Method", "PUT"),
                ("Access-Control-Request-Headers", "content-type,x-api-key")])},
             "response": {"status": 403, "headers": headers(&[("Content-Type", "application/xml")])}},
            {"_resourceType": "fetch", "request": {"method": "PUT", "url": URL, "headers": headers(&[
                ("Content-Type", "image/png"), ("x-api-key", "k"), ("Origin", "https://app.example.com")])},
             "response": {"status": 0, "headers": [], "_error": "net::ERR_FAILED"}},
            {"request": {"method": "GET", "url": "https://app.example.com/", "headers": []},
             "response": {"status": 200, "headers": []}}
        ]));
        let found = parse(&text).unwrap();
        assert_eq!(found.len(), 1);
        let o = &found[0];
        assert_eq!(o.source, Source::Har);
        assert_eq!(o.origin.as_deref(), Some("https://app.example.com"));
        assert_eq!(o.method.as_deref(), Some("PUT"));
        assert_eq!(
            o.headers,
            Some(vec!["content-type".to_string(), "x-api-key".to_string()])
        );
        assert_eq!(o.step, Some(Step::Preflight));
        assert_eq!(o.status, Some(403));
        assert_eq!(o.reported, Reported::MissingAllowOrigin);
    }

    #[test]
    fn firefox_simple_request_without_preflight() {
        let text = har(json!([
            {"request": {"method": "GET", "url": URL, "headers": headers(&[
                ("Host", "uploads.s3.amazonaws.com"), ("User-Agent", "Firefox"), ("Accept", "*/*"),
                ("Referer", "https://app.example.com/page"), ("Origin", "https://app.example.com"),
                ("Sec-Fetch-Mode", "cors")])},
             "response": {"status": 0, "headers": []}, "_securityState": "secure"}
        ]));
        let found = parse(&text).unwrap();
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].step, Some(Step::Request));
        assert_eq!(found[0].headers, Some(vec![]));
        assert_eq!(found[0].method.as_deref(), Some("GET"));
    }

    #[test]
    fn playwright_records_no_preflight_and_status_minus_one() {
        let text = har(json!([
            {"_resourceType": "fetch", "request": {"method": "DELETE", "url": URL, "headers": headers(&[
                ("User-Agent", "HeadlessChrome"), ("Referer", "http://app.test:8080/")])},
             "response": {"status": -1, "headers": [], "_failureText": "net::ERR_FAILED"}}
        ]));
        let found = parse(&text).unwrap();
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].origin.as_deref(), Some("http://app.test:8080"));
        assert_eq!(
            found[0].step, None,
            "a DELETE was preflighted, but the export does not say how that went"
        );
        assert_eq!(found[0].browser_reason, "net::ERR_FAILED");
    }

    #[test]
    fn a_redirected_preflight() {
        let text = har(json!([
            {"request": {"method": "OPTIONS", "url": URL, "headers": headers(&[
                ("Origin", "https://a.example"), ("Access-Control-Request-Method", "PUT")])},
             "response": {"status": 307, "headers": headers(&[("Location", "https://uploads.s3.eu-west-1.amazonaws.com/a.png")])}},
            {"request": {"method": "PUT", "url": URL, "headers": headers(&[("Origin", "https://a.example")])},
             "response": {"status": 0, "headers": []}}
        ]));
        assert_eq!(parse(&text).unwrap()[0].reported, Reported::Redirect);
    }

    #[test]
    fn unreadable_exports_say_why() {
        assert!(parse("{")
            .unwrap_err()
            .to_string()
            .contains("cannot be read"));
        assert!(parse("{}").unwrap_err().to_string().contains("log.entries"));
        assert!(parse(&har(json!([]))).unwrap().is_empty());
    }
}
