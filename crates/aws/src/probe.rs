//! Sending a browser's CORS request to a live endpoint (S3 REST endpoint, a distribution, an
//! emulator) and reading back what a browser would see. Unsigned, as a browser's preflight is.
//!
//! It goes through the SDK's own HTTP connector (the TLS stack, roots and proxy settings every
//! other call of the run uses), which never follows a redirect: a browser does not follow one for
//! a preflight either, so a 3xx is an answer to judge, not a hop to take.

use std::sync::OnceLock;
use std::time::Duration;

use aws_smithy_async::rt::sleep::TokioSleep;
use aws_smithy_http_client::proxy::ProxyConfig;
use aws_smithy_http_client::tls::{self, rustls_provider::CryptoMode};
use aws_smithy_http_client::Connector;
use aws_smithy_runtime_api::client::http::{HttpConnector, HttpConnectorSettings};
use aws_smithy_runtime_api::client::orchestrator::HttpRequest;
use aws_smithy_types::body::SdkBody;
use aws_smithy_types::byte_stream::ByteStream;
use cors_sync_core::evaluate::{Request, RequestKind, Response};

use crate::error::{cause_chain, AwsError, LocalFailure};

pub struct Prober {
    timeout: Duration,
    plain: OnceLock<Connector>,
    tls: OnceLock<Connector>,
}

impl Prober {
    /// `timeout` bounds each probe, as `--timeout` bounds each attempt of an AWS call.
    pub fn new(timeout: Duration) -> Self {
        Prober {
            timeout,
            plain: OnceLock::new(),
            tls: OnceLock::new(),
        }
    }

    /// Sends `request` to `url`; `Err` only when no HTTP answer came back in time. `resource` is
    /// the plan address the probe is for, named in the error.
    pub async fn send(
        &self,
        resource: &str,
        url: &str,
        request: &Request,
    ) -> Result<Response, AwsError> {
        let method = match request.kind {
            RequestKind::Preflight => "OPTIONS",
            RequestKind::Actual => request.method.as_str(),
        };
        let failed = |why: String| {
            AwsError::local(
                resource,
                "probe",
                LocalFailure::Probe {
                    url: url.to_string(),
                    why,
                },
            )
        };
        let mut builder = http::Request::builder().method(method).uri(url);
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
        let http_request = builder
            .body(SdkBody::empty())
            .map_err(|e| failed(e.to_string()))
            .and_then(|r| HttpRequest::try_from(r).map_err(|e| failed(e.to_string())))?;
        let exchange = async {
            let response = self
                .connector(url)
                .call(http_request)
                .await
                .map_err(|e| failed(cause_chain(&e)))?;
            let status = response.status().as_u16();
            let headers = response
                .headers()
                .iter()
                .map(|(name, value)| (name.to_string(), value.to_string()))
                .collect();
            // The body is read so the connection can be reused; its content does not matter.
            ByteStream::new(response.into_body())
                .collect()
                .await
                .map_err(|e| failed(cause_chain(&e)))?;
            Ok(Response { status, headers })
        };
        tokio::time::timeout(self.timeout, exchange)
            .await
            .unwrap_or_else(|_| {
                Err(AwsError::local(
                    resource,
                    "probe",
                    LocalFailure::ProbeUnanswered {
                        url: url.to_string(),
                        seconds: self.timeout.as_secs_f64(),
                    },
                ))
            })
    }

    fn connector(&self, url: &str) -> &Connector {
        let build = |secure: bool| {
            let builder = Connector::builder()
                .connector_settings(
                    HttpConnectorSettings::builder()
                        .connect_timeout(self.timeout)
                        .build(),
                )
                .sleep_impl(TokioSleep::new())
                .proxy_config(ProxyConfig::from_env());
            if secure {
                builder
                    .tls_provider(tls::Provider::Rustls(CryptoMode::AwsLc))
                    .build()
            } else {
                builder.build_http()
            }
        };
        if url.starts_with("http://") {
            self.plain.get_or_init(|| build(false))
        } else {
            self.tls.get_or_init(|| build(true))
        }
    }
}
