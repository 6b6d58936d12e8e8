//! Sending a browser's CORS request to a live endpoint (S3 REST endpoint, an emulator) and
//! reading back what a browser would see. Unsigned, as a browser's preflight is.

use std::time::Duration;

use cors_sync_core::evaluate::{Request, RequestKind, Response};

/// How long one probe may take.
const PROBE_TIMEOUT: Duration = Duration::from_secs(30);

pub struct Prober {
    agent: ureq::Agent,
}

impl Default for Prober {
    fn default() -> Self {
        let agent = ureq::Agent::config_builder()
            // A 403 is an answer to compare, not a failure.
            .http_status_as_error(false)
            .timeout_global(Some(PROBE_TIMEOUT))
            .build()
            .into();
        Prober { agent }
    }
}

impl Prober {
    /// Sends `request` to `url`; `Err` only when no HTTP answer came back.
    pub fn send(&self, url: &str, request: &Request) -> Result<Response, String> {
        let method = match request.kind {
            RequestKind::Preflight => "OPTIONS",
            RequestKind::Actual => request.method.as_str(),
        };
        let mut builder = ureq::http::Request::builder().method(method).uri(url);
        if let Some(origin) = &request.origin {
            builder = builder.header("Origin", origin);
        }
        if request.kind == RequestKind::Preflight {
            builder = builder.header("Access-Control-Request-Method", &request.method);
            if !request.headers.is_empty() {
                builder =
                    builder.header("Access-Control-Request-Headers", request.headers.join(","));
            }
        }
        let http_request = builder.body(()).map_err(|e| e.to_string())?;
        let response = self
            .agent
            .run(http_request)
            .map_err(|e| format!("{url}: {e}"))?;
        let headers = response
            .headers()
            .iter()
            .filter_map(|(name, value)| {
                Some((name.as_str().to_string(), value.to_str().ok()?.to_string()))
            })
            .collect();
        Ok(Response {
            status: response.status().as_u16(),
            headers,
        })
    }
}
