//! The browser's side: would its CORS check pass on this response? (Fetch standard, for a request
//! without credentials: `*` is accepted as an allowed origin, method or header.)

use serde::Serialize;

use super::{Request, RequestKind, Response};

/// Methods a browser never needs a server to list (CORS-safelisted methods).
const SAFELISTED_METHODS: [&str; 3] = ["GET", "HEAD", "POST"];

/// Whether a browser sends a preflight before this request (Fetch: a CORS-preflight request is
/// needed unless the method is safelisted and no header outside the safelist is set). Every
/// `--header` counts as set outside the safelist: the value-dependent safelist (`Accept`,
/// `Content-Type: text/plain`, ...) is not modelled yet.
pub fn needs_preflight(method: &str, headers: &[&str]) -> bool {
    !SAFELISTED_METHODS.contains(&method) || !headers.is_empty()
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Judgement {
    pub passes: bool,
    pub reason: String,
}

fn list(value: Option<&str>) -> Vec<String> {
    value
        .unwrap_or_default()
        .split(',')
        .map(|item| item.trim().to_string())
        .filter(|item| !item.is_empty())
        .collect()
}

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
    match response.header("Access-Control-Allow-Origin") {
        None => return fail("no Access-Control-Allow-Origin header".into()),
        Some(allowed) if allowed != "*" && allowed != origin => {
            return fail(format!(
                "Access-Control-Allow-Origin is `{allowed}`, not `{origin}`"
            ));
        }
        Some(_) => {}
    }
    if request.kind == RequestKind::Preflight {
        let methods = list(response.header("Access-Control-Allow-Methods"));
        let method_ok = SAFELISTED_METHODS.contains(&request.method.as_str())
            || methods.iter().any(|m| m == "*" || m == &request.method);
        if !method_ok {
            return fail(format!(
                "{} is not in Access-Control-Allow-Methods",
                request.method
            ));
        }
        let headers = list(response.header("Access-Control-Allow-Headers"));
        for header in &request.headers {
            let allowed = headers
                .iter()
                .any(|h| h == "*" || h.eq_ignore_ascii_case(header));
            if !allowed {
                return fail(format!(
                    "request header `{header}` is not in Access-Control-Allow-Headers"
                ));
            }
        }
    }
    Judgement {
        passes: true,
        reason: "the browser's CORS check passes".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::needs_preflight;

    #[test]
    fn a_preflight_is_needed_for_unsafelisted_methods_or_any_header() {
        assert!(!needs_preflight("GET", &[]));
        assert!(!needs_preflight("POST", &[]));
        assert!(!needs_preflight("HEAD", &[]));
        assert!(needs_preflight("PUT", &[]));
        assert!(needs_preflight("DELETE", &[]));
        assert!(needs_preflight("GET", &["x-custom"]));
    }
}
