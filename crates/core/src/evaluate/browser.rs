//! The browser's side of CORS, as the Fetch standard defines it (https://fetch.spec.whatwg.org/):
//! which requests a browser preflights and what the preflight asks, how it judges the preflight's
//! answer and the actual response, with and without credentials. Each step names the algorithm
//! of the standard it follows; `tests/e2e/browser/` holds the model to what Chromium does.

use serde::Serialize;

use super::{Request, RequestKind, Response};
use crate::visible::visible;
use crate::Error;

/// Fetch "CORS-safelisted method": a browser never needs a server to list these.
pub const SAFELISTED_METHODS: [&str; 3] = ["GET", "HEAD", "POST"];

/// Fetch "normalize a method": these are upper-cased whatever case the page wrote them in.
const NORMALIZED_METHODS: [&str; 6] = ["DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT"];

/// Fetch: a safelisted header's value is at most this many bytes...
const MAX_SAFELISTED_VALUE_BYTES: usize = 128;
/// ...and the safelisted values of one request at most this many together.
const MAX_SAFELISTED_TOTAL_BYTES: usize = 1024;

/// Fetch "forbidden request-header": `fetch()` drops these silently (the browser sets them
/// itself), so a page can never ask for them and they never make a request need a preflight.
pub const FORBIDDEN_HEADERS: [&str; 21] = [
    "accept-charset",
    "accept-encoding",
    "access-control-request-headers",
    "access-control-request-method",
    "connection",
    "content-length",
    "cookie",
    "cookie2",
    "date",
    "dnt",
    "expect",
    "host",
    "keep-alive",
    "origin",
    "referer",
    "set-cookie",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "via",
];
/// Fetch: every name starting with one of these is forbidden too.
pub const FORBIDDEN_HEADER_PREFIXES: [&str; 2] = ["proxy-", "sec-"];

/// Fetch "forbidden request-header", by name. (`X-HTTP-Method-Override` and its kin are forbidden
/// only with a forbidden method as their value, which S3 CORS never allows: not modelled.)
pub fn is_forbidden_header(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    FORBIDDEN_HEADERS.contains(&name.as_str())
        || FORBIDDEN_HEADER_PREFIXES
            .iter()
            .any(|prefix| name.starts_with(prefix))
}

/// Fetch "CORS non-wildcard request-header name": `*` in Access-Control-Allow-Headers never covers it.
const NON_WILDCARD_HEADERS: [&str; 1] = ["authorization"];

/// Fetch "normalize a method": `get` becomes `GET`; any other method (`patch`) is sent as written.
pub fn normalize_method(method: &str) -> String {
    NORMALIZED_METHODS
        .iter()
        .find(|m| m.eq_ignore_ascii_case(method))
        .map_or_else(|| method.to_string(), |m| m.to_string())
}

/// The page's origin as a browser serialises it into the `Origin` header (HTML "ASCII
/// serialization of an origin"): lower-case scheme and host, the host in ASCII (punycode), no
/// default port, no path. An error says what is not an origin a page can have.
pub fn serialize_origin(text: &str) -> Result<String, Error> {
    // An opaque origin (a sandboxed frame, a `file:` page, some redirects) is sent as `null`,
    // and S3 compares it like any other: a real origin to judge.
    if text.trim() == "null" {
        return Ok("null".into());
    }
    let refused = |problem: NoOrigin| Error::NotAnOrigin {
        text: visible(text).into_owned(),
        problem,
    };
    let parsed = url::Url::parse(text.trim()).map_err(|e| refused(NoOrigin::NotAUrl(e)))?;
    match parsed.origin() {
        origin @ url::Origin::Tuple(..) => Ok(origin.ascii_serialization()),
        url::Origin::Opaque(_) => Err(refused(NoOrigin::Opaque {
            scheme: parsed.scheme().to_string(),
        })),
    }
}

/// What a reader should know about how the browser will send what they asked: the origin as it is
/// serialised (when that differs from what was written), and a value-dependent header given
/// without its value (judged as not safelisted).
pub fn sending_notes(written_origin: &str, origin: &str, headers: &[RequestHeader]) -> Vec<String> {
    let mut notes = Vec::new();
    if origin != written_origin {
        notes.push(format!(
            "a browser sends the origin `{written_origin}` as `{origin}`"
        ));
    }
    for header in headers {
        if is_forbidden_header(&header.name) {
            notes.push(format!(
                "`{}` is a forbidden request header: fetch() drops it (the browser sets it itself), so it is not sent and needs no preflight",
                header.name
            ));
            continue;
        }
        let depends = VALUE_DEPENDENT_HEADERS.contains(&header.name.to_ascii_lowercase().as_str());
        if header.value.is_none() && depends {
            notes.push(format!(
                "`{}` is given without a value, so it is judged as not CORS-safelisted (give `--header '{}: VALUE'`)",
                header.name, header.name
            ));
        }
    }
    notes
}

/// A header a page sets on its request; `value` is `None` when only the name is known.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RequestHeader {
    pub name: String,
    pub value: Option<String>,
}

impl RequestHeader {
    /// `NAME: VALUE`, or a bare `NAME`.
    pub fn parse(text: &str) -> Self {
        match text.split_once(':') {
            Some((name, value)) => RequestHeader {
                name: name.trim().to_string(),
                value: Some(value.trim().to_string()),
            },
            None => RequestHeader {
                name: text.trim().to_string(),
                value: None,
            },
        }
    }

    /// A `--header` as given on the command line: `parse`, refusing a name no header can have
    /// (HTTP's token characters only), so that a typo is not judged as an odd header name.
    /// `NAME=VALUE`, the shape of other tools' flags, gets the spelling it was meant as.
    pub fn from_flag(text: &str) -> Result<Self, NotAHeader> {
        let header = Self::parse(text);
        let text = text.to_string();
        if header.name.is_empty() {
            return Err(NotAHeader::NoName { text });
        }
        if is_token(&header.name) {
            return Ok(header);
        }
        if header.value.is_none() {
            if let Some((name, value)) = text.split_once('=') {
                let (name, value) = (name.trim(), value.trim());
                if is_token(name) && !name.is_empty() {
                    return Err(NotAHeader::Assignment {
                        name: name.to_string(),
                        value: value.to_string(),
                        text,
                    });
                }
            }
        }
        Err(NotAHeader::BadName {
            text,
            name: header.name,
        })
    }
}

/// Why text is not an origin a page can have.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NoOrigin {
    #[error("{0}")]
    NotAUrl(url::ParseError),
    /// `file:`, `data:`, ...: URLs whose origin is opaque, sent as `null` by a browser.
    #[error("its scheme {scheme} has no origin")]
    Opaque { scheme: String },
}

/// A `--header` flag no request header can be made of.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NotAHeader {
    #[error("--header `{text}` names no header: give `NAME: VALUE` or `NAME`")]
    NoName { text: String },
    #[error("--header `{text}` is not a header name: did you mean `{name}: {value}`?")]
    Assignment {
        text: String,
        name: String,
        value: String,
    },
    #[error("--header `{text}`: `{name}` is not a header name (only letters, digits and !#$%&'*+-.^_`|~); give `NAME: VALUE` or `NAME`")]
    BadName { text: String, name: String },
}

/// RFC 9110 `token`: what a header name is made of.
fn is_token(text: &str) -> bool {
    !text.is_empty()
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// Names whose safelisting depends on the value (a bare name is judged as not safelisted).
pub const VALUE_DEPENDENT_HEADERS: [&str; 5] = [
    "accept",
    "accept-language",
    "content-language",
    "content-type",
    "range",
];

/// Fetch "CORS-unsafe request-header byte".
fn is_unsafe_byte(byte: u8) -> bool {
    (byte < 0x20 && byte != 0x09)
        || matches!(
            byte,
            b'"' | b'('
                | b')'
                | b':'
                | b'<'
                | b'>'
                | b'?'
                | b'@'
                | b'['
                | b'\\'
                | b']'
                | b'{'
                | b'}'
                | 0x7f
        )
}

/// Fetch "CORS-safelisted request-header" (name, value).
pub fn is_safelisted(name: &str, value: Option<&str>) -> bool {
    let Some(value) = value else {
        return false;
    };
    if value.len() > MAX_SAFELISTED_VALUE_BYTES {
        return false;
    }
    let bytes = value.as_bytes();
    match name.to_ascii_lowercase().as_str() {
        "accept" => !bytes.iter().any(|b| is_unsafe_byte(*b)),
        "accept-language" | "content-language" => bytes
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || b" *,-.;=".contains(b)),
        "content-type" => {
            if bytes.iter().any(|b| is_unsafe_byte(*b)) {
                return false;
            }
            let essence = value
                .split(';')
                .next()
                .unwrap_or_default()
                .trim()
                .to_ascii_lowercase();
            matches!(
                essence.as_str(),
                "application/x-www-form-urlencoded" | "multipart/form-data" | "text/plain"
            )
        }
        "range" => is_simple_range(value),
        _ => false,
    }
}

/// Fetch "simple range header value": `bytes=N-` or `bytes=N-M` with N <= M.
fn is_simple_range(value: &str) -> bool {
    let Some(range) = value.strip_prefix("bytes=") else {
        return false;
    };
    let Some((start, end)) = range.split_once('-') else {
        return false;
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(start) {
        return false;
    }
    if end.is_empty() {
        return true;
    }
    digits(end) && start.parse::<u128>().ok() <= end.parse::<u128>().ok()
}

/// A browser engine, where the engines' behaviour differs (docs/explain.md, "Where Chromium and
/// Firefox differ"); everything else follows the Fetch standard in both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Engine {
    Chromium,
    Firefox,
}

impl Engine {
    pub const ALL: [Engine; 2] = [Engine::Chromium, Engine::Firefox];

    pub fn name(self) -> &'static str {
        match self {
            Engine::Chromium => "chromium",
            Engine::Firefox => "firefox",
        }
    }

    /// Headers this engine sends without a preflight beyond Fetch's safelist. Chromium (measured
    /// in 156) safelists its client hints and `Intervention` when the value has their shape;
    /// Firefox (153) follows Fetch and preflights them.
    fn also_safelists(self, name: &str, value: &str) -> bool {
        if self == Engine::Firefox || value.len() > MAX_SAFELISTED_VALUE_BYTES {
            return false;
        }
        let integer = |v: &str| !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit());
        let decimal = |v: &str| match v.split_once('.') {
            Some((whole, fraction)) => integer(whole) && integer(fraction),
            None => integer(v),
        };
        match name.to_ascii_lowercase().as_str() {
            "dpr" | "device-memory" | "downlink" => decimal(value),
            "width" | "viewport-width" | "rtt" => integer(value),
            "ect" => ["slow-2g", "2g", "3g", "4g"].contains(&value),
            "save-data" => value.eq_ignore_ascii_case("on"),
            "intervention" => true,
            _ => false,
        }
    }

    /// Whether this engine sends the header without a preflight (fetch trims the value first).
    pub fn is_safelisted(self, name: &str, value: Option<&str>) -> bool {
        let value = value.map(str::trim);
        is_safelisted(name, value) || value.is_some_and(|v| self.also_safelists(name, v))
    }
}

/// Fetch "CORS-unsafe request-header names": the names a preflight asks about, lower-cased,
/// sorted and de-duplicated; safelisted headers are left out unless their values together pass
/// 1,024 bytes.
pub fn unsafe_header_names(headers: &[RequestHeader]) -> Vec<String> {
    unsafe_header_names_by(headers, is_safelisted)
}

/// The names `engine` asks about in its preflight.
pub fn unsafe_header_names_in(engine: Engine, headers: &[RequestHeader]) -> Vec<String> {
    unsafe_header_names_by(headers, |name, value| engine.is_safelisted(name, value))
}

fn unsafe_header_names_by(
    headers: &[RequestHeader],
    safelisted: impl Fn(&str, Option<&str>) -> bool,
) -> Vec<String> {
    let mut unsafe_names = Vec::new();
    let mut potentially_unsafe = Vec::new();
    let mut safelisted_bytes = 0;
    for header in headers {
        let name = header.name.to_ascii_lowercase();
        if safelisted(&header.name, header.value.as_deref()) {
            safelisted_bytes += header.value.as_deref().map_or(0, str::len);
            potentially_unsafe.push(name);
        } else {
            unsafe_names.push(name);
        }
    }
    if safelisted_bytes > MAX_SAFELISTED_TOTAL_BYTES {
        unsafe_names.extend(potentially_unsafe);
    }
    unsafe_names.sort();
    unsafe_names.dedup();
    unsafe_names
}

/// A request as a page makes it with `fetch()`: the method as fetch normalises it, the headers
/// the page sets, and whether it carries credentials (`credentials: 'include'`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageRequest {
    pub origin: String,
    pub method: String,
    pub headers: Vec<RequestHeader>,
    pub credentials: bool,
}

impl PageRequest {
    /// Forbidden request headers are dropped here, as `fetch()` drops them.
    pub fn new(origin: &str, method: &str, headers: Vec<RequestHeader>, credentials: bool) -> Self {
        PageRequest {
            origin: origin.to_string(),
            method: normalize_method(method),
            headers: headers
                .into_iter()
                .filter(|h| !is_forbidden_header(&h.name))
                .collect(),
            credentials,
        }
    }

    /// Fetch "main fetch": a CORS-preflight request is sent when the method is not safelisted or
    /// a header is CORS-unsafe.
    pub fn needs_preflight(&self) -> bool {
        !SAFELISTED_METHODS.contains(&self.method.as_str())
            || !unsafe_header_names(&self.headers).is_empty()
    }

    /// Fetch "CORS-preflight request": OPTIONS with Access-Control-Request-Method and the
    /// CORS-unsafe header names as Access-Control-Request-Headers.
    pub fn preflight(&self) -> Request {
        let names = unsafe_header_names(&self.headers);
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        Request::preflight(&self.origin, &self.method, &names).with_credentials(self.credentials)
    }

    /// Whether `engine` sends a preflight first.
    pub fn needs_preflight_in(&self, engine: Engine) -> bool {
        !SAFELISTED_METHODS.contains(&self.method.as_str())
            || !unsafe_header_names_in(engine, &self.headers).is_empty()
    }

    /// The preflight `engine` sends.
    pub fn preflight_in(&self, engine: Engine) -> Request {
        let names = unsafe_header_names_in(engine, &self.headers);
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        Request::preflight(&self.origin, &self.method, &names).with_credentials(self.credentials)
    }

    /// The request itself.
    pub fn actual(&self) -> Request {
        Request::actual(&self.origin, &self.method).with_credentials(self.credentials)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Judgement {
    pub passes: bool,
    pub reason: String,
}

/// Fetch "extract header list values" for the comma-separated Access-Control-Allow-* headers.
fn list(value: Option<&str>) -> Vec<String> {
    value
        .unwrap_or_default()
        .split(',')
        .map(|item| item.trim().to_string())
        .filter(|item| !item.is_empty())
        .collect()
}

/// Fetch "CORS check": the response lets this origin read it.
fn cors_check(origin: &str, credentials: bool, response: &Response) -> Result<(), String> {
    match response.header("Access-Control-Allow-Origin") {
        None => return Err("no Access-Control-Allow-Origin header".into()),
        Some("*") if credentials => {
            return Err(
                "Access-Control-Allow-Origin is `*`, which a request with credentials does not accept: the answer must name the origin".into(),
            )
        }
        Some("*") => {}
        Some(allowed) if allowed != origin => {
            return Err(format!(
                "Access-Control-Allow-Origin is `{allowed}`, not `{origin}`"
            ));
        }
        Some(_) => {}
    }
    if credentials && response.header("Access-Control-Allow-Credentials") != Some("true") {
        return Err(
            "with credentials the answer must carry Access-Control-Allow-Credentials: true, and it does not".into(),
        );
    }
    Ok(())
}

/// Judges the answer to a preflight (Fetch "CORS-preflight fetch", step 7) or to the actual
/// request (Fetch "CORS check").
pub fn judge(request: &Request, response: &Response) -> Judgement {
    let fail = |reason: String| Judgement {
        passes: false,
        reason,
    };
    let Some(origin) = request.origin.as_deref() else {
        return Judgement {
            passes: true,
            reason: "not a CORS request (no Origin)".into(),
        };
    };
    if request.kind == RequestKind::Preflight && !(200..300).contains(&response.status) {
        return fail(format!(
            "the preflight answer is {}, not a success status",
            response.status
        ));
    }
    if let Err(reason) = cors_check(origin, request.credentials, response) {
        return fail(reason);
    }
    if request.kind == RequestKind::Preflight {
        // `*` means "any method" and "any header" only without credentials; methods compare
        // exactly (fetch has already upper-cased the usual ones), header names case-insensitively.
        let wildcard = !request.credentials;
        let methods = list(response.header("Access-Control-Allow-Methods"));
        let method_ok = SAFELISTED_METHODS.contains(&request.method.as_str())
            || methods
                .iter()
                .any(|m| m == &request.method || (wildcard && m == "*"));
        if !method_ok {
            let why = if methods.iter().any(|m| m == "*") {
                " (`*` there is a method name, not a wildcard, for a request with credentials)"
            } else {
                ""
            };
            return fail(format!(
                "{} is not in Access-Control-Allow-Methods{why}",
                request.method
            ));
        }
        let headers = list(response.header("Access-Control-Allow-Headers"));
        for header in &request.headers {
            let listed = headers.iter().any(|h| h.eq_ignore_ascii_case(header));
            let covered = wildcard
                && headers.iter().any(|h| h == "*")
                && !NON_WILDCARD_HEADERS.contains(&header.to_ascii_lowercase().as_str());
            if !listed && !covered {
                let why = if headers.iter().any(|h| h == "*") {
                    if wildcard {
                        " (`*` never covers Authorization)"
                    } else {
                        " (`*` there is a header name, not a wildcard, for a request with credentials)"
                    }
                } else {
                    ""
                };
                return fail(format!(
                    "request header `{header}` is not in Access-Control-Allow-Headers{why}"
                ));
            }
        }
    }
    Judgement {
        passes: true,
        reason: "the browser's CORS check passes".into(),
    }
}
