//! Console messages pasted from Chromium or Firefox, in every wording docs/explain.md lists
//! (both engines' current strings and the older ones still pasted in tickets): the URL, the
//! page's origin (Chromium only), the step, and the browser's reason.
//!
//! A paste may hold several lines; each line that is a CORS message is one observation, except
//! Firefox's "CORS request did not succeed" line that follows a failed preflight of the same URL,
//! which is the same failure told twice.

use std::sync::LazyLock;

use regex::Regex;

use super::{Observation, Reported, Source, Step};

/// Chromium since 73: `Access to <kind> at '<url>' [(redirected from '<url0>') ]from origin
/// '<origin>' has been blocked by CORS policy: <reason>`.
static CHROMIUM: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"Access to (?:[\w ]+?) at '(?P<url>[^']+)' (?:\(redirected from '(?P<from>[^']+)'\) )?from origin '(?P<origin>[^']+)' has been blocked by CORS policy: (?P<reason>.+)$",
    )
    .expect("a valid pattern")
});

/// Chromium 64–72: `Failed to load <url>: <reason>`, and before 64 `XMLHttpRequest cannot load
/// <url>. <reason>`; both end the origin check with `Origin '<origin>' is therefore not allowed
/// access.`
static CHROMIUM_OLD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:Failed to load (?P<url1>\S+?): |XMLHttpRequest cannot load (?P<url2>\S+?)\. )(?P<reason>.+)$")
        .expect("a valid pattern")
});

static OLD_ORIGIN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"Origin '(?P<origin>[^']+)' is therefore not allowed access")
        .expect("a valid pattern")
});

/// Firefox: `Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote
/// resource at <url>. (Reason: <reason>). Status code: <n>.`
static FIREFOX: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at (?P<url>.+?)\. \(Reason: (?P<reason>.+?)\)(?:\.? ?Status code: (?P<status>\d+|\(null\)))?\.?\s*$",
    )
    .expect("a valid pattern")
});

/// The quoted value in a reason: `'<v>'` once curly quotes are straightened.
static QUOTED: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"'([^']*)'").expect("a valid pattern"));

static CHROMIUM_METHOD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"Method (?P<m>\S+) is not allowed by Access-Control-Allow-Methods")
        .expect("a valid pattern")
});

static CHROMIUM_HEADER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"Request header field (?P<h>\S+) is not allowed by Access-Control-Allow-Headers")
        .expect("a valid pattern")
});

/// DevTools' console line for a failed request, made from its network events: `GET <url>
/// net::ERR_FAILED 403 (Forbidden)` (the status and its text only when an answer arrived).
static CHROMIUM_NETWORK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?P<method>[A-Z]+) (?P<url>\S+) net::ERR_[A-Z_]+(?: (?P<status>\d{3})\b.*)?$")
        .expect("a valid pattern")
});

const PREFLIGHT_PREFIX: &str = "Response to preflight request doesn't pass access control check: ";

/// Firefox and MDN print curly quotes, older versions ASCII ones: one form to match.
fn straighten(text: &str) -> String {
    text.replace(['\u{2018}', '\u{2019}', '\u{201C}', '\u{201D}'], "'")
}

/// Every CORS message in `text`, one observation each; empty when there is none.
pub fn parse(text: &str) -> Vec<Observation> {
    let mut found: Vec<Observation> = Vec::new();
    let mut network: Vec<(String, String, Option<u16>)> = Vec::new();
    for line in text.lines() {
        let line = straighten(line.trim());
        if let Some(failed) = CHROMIUM_NETWORK.captures(&line) {
            let status = failed.name("status").and_then(|s| s.as_str().parse().ok());
            network.push((
                failed["method"].to_string(),
                failed["url"].to_string(),
                status,
            ));
            continue;
        }
        let Some(observation) = parse_line(&line) else {
            continue;
        };
        let repeats_preflight = observation.source == Source::Firefox
            && observation.reported == Reported::RequestFailed
            && found.last().is_some_and(|previous| {
                previous.url == observation.url && previous.source == Source::Firefox
            });
        if !repeats_preflight {
            found.push(observation);
        }
    }
    // Chromium's CORS message names neither the method nor the status; DevTools' network line for
    // the same URL does (the status is the request's own answer, so not a preflight's).
    for observation in found.iter_mut().filter(|o| o.source == Source::Chromium) {
        let Some((method, _, status)) = network.iter().find(|(_, url, _)| *url == observation.url)
        else {
            continue;
        };
        if observation.method.is_none() && method != "OPTIONS" {
            observation.method = Some(method.clone());
        }
        if observation.step == Some(Step::Request) && observation.status.is_none() {
            observation.status = *status;
        }
    }
    found
}

fn parse_line(line: &str) -> Option<Observation> {
    if let Some(found) = CHROMIUM.captures(line) {
        let reason = &found["reason"];
        let mut observation = chromium_reason(&found["url"], reason);
        observation.origin = Some(found["origin"].to_string());
        if found.name("from").is_some() && observation.reported == Reported::MissingAllowOrigin {
            observation.reported = Reported::Redirect;
        }
        return Some(observation);
    }
    if let Some(found) = FIREFOX.captures(line) {
        // Firefox 153 quotes the URL (‘…’, straightened above); older versions and MDN do not.
        let url = found["url"].trim_matches('\'');
        let mut observation = firefox_reason(url, &found["reason"]);
        observation.status = found.name("status").and_then(|s| s.as_str().parse().ok());
        return Some(observation);
    }
    if let Some(found) = CHROMIUM_OLD.captures(line) {
        let url = found
            .name("url1")
            .or_else(|| found.name("url2"))
            .map(|m| m.as_str())?;
        let mut observation = chromium_reason(url, &found["reason"]);
        observation.origin = OLD_ORIGIN
            .captures(&found["reason"])
            .map(|o| o["origin"].to_string());
        return Some(observation);
    }
    None
}

fn chromium_reason(url: &str, reason: &str) -> Observation {
    let (preflight, rest) = match reason.strip_prefix(PREFLIGHT_PREFIX) {
        Some(rest) => (true, rest),
        None => (false, reason),
    };
    // The first quoted value is the header's name, the second the value it had.
    let quoted = QUOTED
        .captures_iter(rest)
        .nth(1)
        .map(|q| q[1].to_string())
        .unwrap_or_default();
    let mut step = if preflight {
        Step::Preflight
    } else {
        Step::Request
    };
    let mut method = None;
    let mut credentials = None;
    let reported = if rest.starts_with("No 'Access-Control-Allow-Origin' header is present") {
        Reported::MissingAllowOrigin
    } else if rest.starts_with("It does not have HTTP ok status") {
        Reported::PreflightStatus
    } else if rest.contains("header has a value") || rest.contains("contains multiple values") {
        Reported::AllowOriginMismatch(quoted)
    } else if rest.contains("must not be the wildcard '*'") {
        credentials = Some(true);
        Reported::WildcardWithCredentials
    } else if rest.contains("'Access-Control-Allow-Credentials' header in the response is") {
        credentials = Some(true);
        Reported::AllowCredentialsNotTrue
    } else if let Some(m) = CHROMIUM_METHOD.captures(rest) {
        step = Step::Preflight;
        method = Some(m["m"].to_string());
        Reported::MethodNotAllowed
    } else if let Some(h) = CHROMIUM_HEADER.captures(rest) {
        step = Step::Preflight;
        Reported::HeaderNotAllowed(h["h"].to_string())
    } else if rest.starts_with("Redirect is not allowed for a preflight request") {
        step = Step::Preflight;
        Reported::Redirect
    } else if is_private_network(rest) {
        Reported::PrivateNetwork
    } else {
        Reported::Other
    };
    let mut observation = Observation::new(Source::Chromium, url, reported, reason);
    observation.step = Some(step);
    observation.method = method;
    observation.credentials = credentials;
    if let Reported::HeaderNotAllowed(header) = &observation.reported {
        observation.headers = Some(vec![header.to_ascii_lowercase()]);
    }
    observation
}

/// Chrome's Private Network Access (until 141) and Local Network Access (142 on) reasons.
fn is_private_network(reason: &str) -> bool {
    reason.contains("address space")
        || reason.contains("Private Network Access")
        || reason.contains("Local Network Access")
        || reason.contains("Access-Control-Allow-Private-Network")
        || reason.contains("more-private")
}

fn firefox_reason(url: &str, reason: &str) -> Observation {
    let quoted: Vec<String> = QUOTED
        .captures_iter(reason)
        .map(|q| q[1].to_string())
        .collect();
    let mut step = None;
    let mut credentials = None;
    let mut header = None;
    let reported = if reason.starts_with("CORS header 'Access-Control-Allow-Origin' missing") {
        Reported::MissingAllowOrigin
    } else if reason.starts_with("CORS header 'Access-Control-Allow-Origin' does not match") {
        Reported::AllowOriginMismatch(quoted.get(1).cloned().unwrap_or_default())
    } else if reason.starts_with("Multiple CORS header 'Access-Control-Allow-Origin'") {
        Reported::AllowOriginMismatch(String::new())
    } else if reason.starts_with("Credential is not supported if the CORS header") {
        credentials = Some(true);
        Reported::WildcardWithCredentials
    } else if reason.starts_with("expected 'true' in CORS header") {
        credentials = Some(true);
        Reported::AllowCredentialsNotTrue
    } else if reason.starts_with("Did not find method in CORS header") {
        step = Some(Step::Preflight);
        Reported::MethodNotAllowed
    } else if (reason.starts_with("header '")
        && reason.contains("is not allowed according to header 'Access-Control-Allow-Headers'"))
        || reason.starts_with("missing token '")
    {
        step = Some(Step::Preflight);
        header = quoted.first().map(|h| h.to_ascii_lowercase());
        Reported::HeaderNotAllowed(header.clone().unwrap_or_default())
    } else if reason.starts_with("CORS preflight response did not succeed")
        || reason.starts_with("CORS preflight channel did not succeed")
    {
        step = Some(Step::Preflight);
        Reported::PreflightStatus
    } else if reason.starts_with("CORS request did not succeed") {
        Reported::RequestFailed
    } else if reason.starts_with("CORS request external redirect not allowed") {
        Reported::Redirect
    } else {
        Reported::Other
    };
    let mut observation = Observation::new(Source::Firefox, url, reported, reason);
    observation.step = step;
    observation.credentials = credentials;
    observation.headers = header.map(|h| vec![h]);
    observation
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(text: &str) -> Observation {
        let mut found = parse(text);
        assert_eq!(found.len(), 1, "{text}");
        found.remove(0)
    }

    const URL: &str = "https://uploads.s3.amazonaws.com/a.png";

    #[test]
    fn chromium_current_wordings() {
        let head = format!("Access to fetch at '{URL}' from origin 'https://app.example.com' has been blocked by CORS policy: ");
        let cases: Vec<(String, Reported, Step)> = vec![
            (format!("{head}Response to preflight request doesn't pass access control check: No 'Access-Control-Allow-Origin' header is present on the requested resource."), Reported::MissingAllowOrigin, Step::Preflight),
            (format!("{head}No 'Access-Control-Allow-Origin' header is present on the requested resource. If an opaque response serves your needs, set the request's mode to 'no-cors' to fetch the resource with CORS disabled."), Reported::MissingAllowOrigin, Step::Request),
            (format!("{head}Response to preflight request doesn't pass access control check: It does not have HTTP ok status."), Reported::PreflightStatus, Step::Preflight),
            (format!("{head}The 'Access-Control-Allow-Origin' header has a value 'https://other.example.com' that is not equal to the supplied origin. Have the server send the header with a valid value."), Reported::AllowOriginMismatch("https://other.example.com".into()), Step::Request),
            (format!("{head}Response to preflight request doesn't pass access control check: The 'Access-Control-Allow-Origin' header contains multiple values 'https://a, https://b', but only one is allowed."), Reported::AllowOriginMismatch("https://a, https://b".into()), Step::Preflight),
            (format!("{head}The value of the 'Access-Control-Allow-Origin' header in the response must not be the wildcard '*' when the request's credentials mode is 'include'."), Reported::WildcardWithCredentials, Step::Request),
            (format!("{head}The value of the 'Access-Control-Allow-Origin' header in the response must not be the wildcard '*' when the request's credentials mode is 'include'. The credentials mode of requests initiated by the XMLHttpRequest is controlled by the withCredentials attribute."), Reported::WildcardWithCredentials, Step::Request),
            (format!("{head}The value of the 'Access-Control-Allow-Credentials' header in the response is '' which must be 'true' when the request's credentials mode is 'include'."), Reported::AllowCredentialsNotTrue, Step::Request),
            (format!("{head}Method PUT is not allowed by Access-Control-Allow-Methods in preflight response."), Reported::MethodNotAllowed, Step::Preflight),
            (format!("{head}Request header field x-api-key is not allowed by Access-Control-Allow-Headers in preflight response."), Reported::HeaderNotAllowed("x-api-key".into()), Step::Preflight),
            (format!("{head}Response to preflight request doesn't pass access control check: Redirect is not allowed for a preflight request."), Reported::Redirect, Step::Preflight),
            (format!("{head}Response to preflight request doesn't pass access control check: The 'Access-Control-Allow-Origin' header contains the invalid value 'x'."), Reported::Other, Step::Preflight),
            (format!("{head}Cannot parse Access-Control-Allow-Methods response header field in preflight response."), Reported::Other, Step::Request),
            (format!("{head}Permission was denied for this request to access the `loopback` address space."), Reported::PrivateNetwork, Step::Request),
            (format!("{head}The request client is not a secure context and the resource is in more-private address space `private`."), Reported::PrivateNetwork, Step::Request),
        ];
        for (text, reported, step) in cases {
            let observation = one(&text);
            assert_eq!(observation.source, Source::Chromium);
            assert_eq!(observation.url, URL);
            assert_eq!(
                observation.origin.as_deref(),
                Some("https://app.example.com")
            );
            assert_eq!(observation.reported, reported, "{text}");
            assert_eq!(observation.step, Some(step), "{text}");
        }
        let method = one(&format!("{head}Method PUT is not allowed by Access-Control-Allow-Methods in preflight response."));
        assert_eq!(method.method.as_deref(), Some("PUT"));
        let header = one(&format!("{head}Request header field X-Api-Key is not allowed by Access-Control-Allow-Headers in preflight response."));
        assert_eq!(header.headers, Some(vec!["x-api-key".to_string()]));
        let credentials = one(&format!("{head}The value of the 'Access-Control-Allow-Origin' header in the response must not be the wildcard '*' when the request's credentials mode is 'include'."));
        assert_eq!(credentials.credentials, Some(true));
    }

    #[test]
    fn chromium_kinds_and_redirects() {
        let xhr = one(&format!("Access to XMLHttpRequest at '{URL}' from origin 'http://localhost:3000' has been blocked by CORS policy: No 'Access-Control-Allow-Origin' header is present on the requested resource."));
        assert_eq!(xhr.origin.as_deref(), Some("http://localhost:3000"));
        let font = one(&format!("Access to font at '{URL}' from origin 'https://a.example' has been blocked by CORS policy: No 'Access-Control-Allow-Origin' header is present on the requested resource."));
        assert_eq!(font.reported, Reported::MissingAllowOrigin);
        let redirected = one(&format!("Access to fetch at 'https://uploads.s3.eu-west-1.amazonaws.com/a.png' (redirected from '{URL}') from origin 'https://a.example' has been blocked by CORS policy: No 'Access-Control-Allow-Origin' header is present on the requested resource."));
        assert_eq!(redirected.reported, Reported::Redirect);
    }

    #[test]
    fn chromium_older_wordings() {
        let failed = one(&format!("Failed to load {URL}: Response to preflight request doesn't pass access control check: No 'Access-Control-Allow-Origin' header is present on the requested resource. Origin 'https://app.example.com' is therefore not allowed access."));
        assert_eq!(failed.url, URL);
        assert_eq!(failed.origin.as_deref(), Some("https://app.example.com"));
        assert_eq!(failed.step, Some(Step::Preflight));
        assert_eq!(failed.reported, Reported::MissingAllowOrigin);
        let method = one(&format!("Failed to load {URL}: Method PUT is not allowed by Access-Control-Allow-Methods in preflight response."));
        assert_eq!(method.method.as_deref(), Some("PUT"));
        let old = one(&format!("XMLHttpRequest cannot load {URL}. No 'Access-Control-Allow-Origin' header is present on the requested resource. Origin 'https://app.example.com' is therefore not allowed access. The response had HTTP status code 403."));
        assert_eq!(old.url, URL);
        assert_eq!(old.origin.as_deref(), Some("https://app.example.com"));
        assert_eq!(old.reported, Reported::MissingAllowOrigin);
    }

    #[test]
    fn firefox_wordings_curly_and_ascii() {
        let head = format!("Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at {URL}. (Reason: ");
        let cases: Vec<(&str, Reported, Option<Step>, Option<u16>)> = vec![
            ("CORS header \u{2018}Access-Control-Allow-Origin\u{2019} missing). Status code: 403.", Reported::MissingAllowOrigin, None, Some(403)),
            ("CORS header 'Access-Control-Allow-Origin' missing).", Reported::MissingAllowOrigin, None, None),
            ("CORS header \u{2018}Access-Control-Allow-Origin\u{2019} does not match \u{2018}https://other.example.com\u{2019}).", Reported::AllowOriginMismatch("https://other.example.com".into()), None, None),
            ("Multiple CORS header \u{2018}Access-Control-Allow-Origin\u{2019} not allowed).", Reported::AllowOriginMismatch(String::new()), None, None),
            ("Credential is not supported if the CORS header \u{2018}Access-Control-Allow-Origin\u{2019} is \u{2018}*\u{2019}).", Reported::WildcardWithCredentials, None, None),
            ("expected \u{2018}true\u{2019} in CORS header \u{2018}Access-Control-Allow-Credentials\u{2019}).", Reported::AllowCredentialsNotTrue, None, None),
            ("Did not find method in CORS header \u{2018}Access-Control-Allow-Methods\u{2019}).", Reported::MethodNotAllowed, Some(Step::Preflight), None),
            ("header \u{2018}x-api-key\u{2019} is not allowed according to header \u{2018}Access-Control-Allow-Headers\u{2019} from CORS preflight response).", Reported::HeaderNotAllowed("x-api-key".into()), Some(Step::Preflight), None),
            ("missing token 'x-api-key' in CORS header 'Access-Control-Allow-Headers' from CORS preflight channel).", Reported::HeaderNotAllowed("x-api-key".into()), Some(Step::Preflight), None),
            ("CORS preflight response did not succeed). Status code: 403.", Reported::PreflightStatus, Some(Step::Preflight), Some(403)),
            ("CORS preflight channel did not succeed).", Reported::PreflightStatus, Some(Step::Preflight), None),
            ("CORS request did not succeed). Status code: (null).", Reported::RequestFailed, None, None),
            ("CORS request external redirect not allowed).", Reported::Redirect, None, None),
            ("invalid token \u{2018}a b\u{2019} in CORS header \u{2018}Access-Control-Allow-Methods\u{2019}).", Reported::Other, None, None),
            ("CORS request not http).", Reported::Other, None, None),
            ("CORS disabled).", Reported::Other, None, None),
            ("CORS header \u{2018}Origin\u{2019} cannot be added).", Reported::Other, None, None),
        ];
        for (reason, reported, step, status) in cases {
            let text = format!("{head}{reason}");
            let observation = one(&text);
            assert_eq!(observation.source, Source::Firefox);
            assert_eq!(observation.url, URL, "{text}");
            assert_eq!(observation.origin, None, "Firefox never names the origin");
            assert_eq!(observation.reported, reported, "{text}");
            assert_eq!(observation.step, step, "{text}");
            assert_eq!(observation.status, status, "{text}");
        }
    }

    #[test]
    fn firefox_153_quotes_some_urls_as_captured() {
        let quoted = one(&format!("Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at \u{2018}{URL}\u{2019}. (Reason: Credential is not supported if the CORS header \u{2018}Access-Control-Allow-Origin\u{2019} is \u{2018}*\u{2019})."));
        assert_eq!(quoted.url, URL);
        assert_eq!(quoted.reported, Reported::WildcardWithCredentials);
        let redirect = one(&format!("Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at {URL}. (Reason: CORS header \u{2018}Access-Control-Allow-Origin\u{2019} missing). Status code: 307."));
        assert_eq!(redirect.status, Some(307));
    }

    #[test]
    fn firefox_request_line_after_a_failed_preflight_is_the_same_failure() {
        let text = format!(
            "Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at {URL}. (Reason: CORS header \u{2018}Access-Control-Allow-Origin\u{2019} missing). Status code: 403.\n\
             Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at {URL}. (Reason: CORS request did not succeed). Status code: (null).\n\
             TypeError: NetworkError when attempting to fetch resource."
        );
        let found = parse(&text);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].status, Some(403));
    }

    #[test]
    fn devtools_network_line_gives_the_method_and_the_requests_own_status() {
        let missing =
            "No 'Access-Control-Allow-Origin' header is present on the requested resource.";
        let text = format!("Access to fetch at '{URL}' from origin 'https://a.example' has been blocked by CORS policy: {missing}\nGET {URL} net::ERR_FAILED 403 (Forbidden)");
        let found = parse(&text);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].status, Some(403));
        assert_eq!(found[0].method.as_deref(), Some("GET"));
        let no_answer = parse(&format!(
            "PUT {URL} net::ERR_FAILED\nAccess to fetch at '{URL}' from origin 'https://a.example' has been blocked by CORS policy: {PREFLIGHT_PREFIX}{missing}"
        ));
        assert_eq!(no_answer[0].status, None);
        assert_eq!(no_answer[0].method.as_deref(), Some("PUT"));
        let other_url = parse(&format!(
            "GET https://elsewhere.example/x net::ERR_FAILED 500 ()\nAccess to fetch at '{URL}' from origin 'https://a.example' has been blocked by CORS policy: {missing}"
        ));
        assert_eq!(other_url[0].status, None, "another request's status");
    }

    #[test]
    fn surrounding_lines_are_ignored_and_no_message_is_nothing() {
        let text = format!("GET {URL} net::ERR_FAILED 403 (Forbidden)\nAccess to fetch at '{URL}' from origin 'https://a.example' has been blocked by CORS policy: No 'Access-Control-Allow-Origin' header is present on the requested resource.\nUncaught (in promise) TypeError: Failed to fetch");
        assert_eq!(parse(&text).len(), 1);
        assert!(parse("TypeError: Failed to fetch").is_empty());
        assert!(parse("").is_empty());
    }
}
