//! Connecting to AWS the way the AWS CLI does: the standard credential chain (environment,
//! profiles, SSO, IMDS), plus `--profile`, `--region` and `--endpoint-url` overrides.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use aws_runtime::retries::classifiers::THROTTLING_ERRORS;
use cors_sync_core::bucket::Bucket;
use tokio::sync::{OnceCell, Semaphore, SemaphorePermit};

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_sdk_s3::config::endpoint::{DefaultResolver, Params, ResolveEndpoint};
use aws_sdk_s3::config::StalledStreamProtectionConfig;
use aws_sdk_s3::error::ProvideErrorMetadata;
use aws_smithy_http_client::proxy::ProxyConfig;
use aws_smithy_http_client::tls::{self, rustls_provider::CryptoMode};
use aws_smithy_http_client::ConnectorBuilder;
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::http::SharedHttpClient;
use aws_smithy_runtime_api::client::interceptors::context::{
    AfterDeserializationInterceptorContextRef, BeforeTransmitInterceptorContextRef,
};
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_runtime_api::client::retries::RequestAttempts;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;
use aws_types::service_config::ServiceConfigKey;
use cors_sync_core::plan_file::Place;
use cors_sync_core::provider::Provider;

use crate::cloudfront::whole_answer::{retry_incomplete_answer, WholeCloudFrontAnswer};
use crate::cors_answer::{retry_incomplete_cors_answer, CompleteCorsAnswer, NotS3sAnswer};
use crate::error::bucket_resource;
use crate::error::{cause_chain, find_cause, AwsError, Error, LocalFailure};
use cors_sync_core::redact::without_userinfo;

/// The connection flags every AWS-facing command takes.
#[derive(Debug, Clone, Default)]
pub struct ConnectionOptions {
    pub profile: Option<String>,
    pub region: Option<String>,
    pub endpoint_url: Option<String>,
    /// The most one attempt of one call may take; a stalled endpoint fails after this.
    pub attempt_timeout: Option<Duration>,
    /// Attempts per call, the first included (default: the SDK's 3 for S3; 6 for CloudFront).
    pub max_attempts: Option<u32>,
    /// The most bucket requests in flight at once, across every account the run acts in
    /// (`--parallelism`); 0 leaves them unbounded here.
    pub parallelism: usize,
    /// The store the endpoint is (`--provider`): AWS has STS; another store has no account to ask.
    pub provider: Provider,
}

/// Calls taking longer than this per attempt are abandoned (and retried), unless `--timeout` says
/// otherwise. Bucket CORS calls answer in milliseconds; a stalled connection must not hang a run.
pub const DEFAULT_ATTEMPT_TIMEOUT: Duration = Duration::from_secs(30);
/// The SDK's own connect timeout; kept below the attempt timeout.
const CONNECT_TIMEOUT: Duration = Duration::from_millis(3100);

/// S3's default region, used for region discovery when nothing else configures one.
pub(crate) const FALLBACK_REGION: &str = "us-east-1";
/// CloudFront is global; its API is signed for us-east-1 whatever region the user configured.
const CLOUDFRONT_REGION: &str = "us-east-1";
/// CloudFront throttles updates after a few a minute: more attempts and longer backoff than the
/// SDK's default, with adaptive (client-side rate limiting) retry.
const CLOUDFRONT_MAX_ATTEMPTS: u32 = 6;
const CLOUDFRONT_MAX_BACKOFF: Duration = Duration::from_secs(20);

/// Shared AWS configuration and one S3 client per region, built on first use.
pub struct Aws {
    pub(crate) config: SdkConfig,
    /// The custom S3 endpoint (flag, environment or profile), if any. Emulators (and custom
    /// endpoints in general) serve buckets by path, not by virtual host.
    pub(crate) s3_endpoint: Option<String>,
    /// The store this connection talks to (its account's `provider:`, or `--provider`).
    pub(crate) provider: Provider,
    s3_clients: Mutex<HashMap<String, aws_sdk_s3::Client>>,
    cloudfront: OnceLock<aws_sdk_cloudfront::Client>,
    max_attempts: Option<u32>,
    /// Shared by the connections of every account a run acts in, like `requests`.
    retries: RetryCounter,
    /// One permit per bucket request in flight, shared across accounts (`--parallelism`).
    requests: Arc<Semaphore>,
    /// The account's buckets as ListBuckets named them, listed at most once a run: region
    /// discovery and `--report-unmanaged` share it.
    pub(crate) listing: OnceCell<Vec<Bucket<Option<String>, ()>>>,
    /// The declared account this connection acts in (`None`: the credentials' own); what it
    /// reads is live state of that account.
    pub(crate) account: Option<String>,
}

/// Counts attempts after the first, across every client, so a run can say it had to back off;
/// and, apart, the answers that were throttling, so it can say when the account's request rate
/// was the cause.
#[derive(Debug, Clone, Default)]
pub(crate) struct RetryCounter {
    retries: Arc<AtomicUsize>,
    throttled: Arc<AtomicUsize>,
}

impl RetryCounter {
    pub(crate) fn record(&self) {
        self.retries.fetch_add(1, Ordering::Relaxed);
    }
}

/// Whether an answer is AWS throttling the caller: HTTP 429, or an error whose `<Code>` is one the
/// SDK's own retry classifier takes for throttling (S3's `SlowDown`, CloudFront's and STS's
/// `Throttling`, ...). That classifier decides the same way but does not say which reason it
/// retried for, so the answer itself is read.
fn is_throttling(status: u16, body: &[u8]) -> bool {
    if status == 429 {
        return true;
    }
    status >= 400 && error_code(body).is_some_and(|code| THROTTLING_ERRORS.contains(&code))
}

/// The `<Code>` of an XML error answer (S3's, CloudFront's and STS's all carry one).
fn error_code(body: &[u8]) -> Option<&str> {
    let text = std::str::from_utf8(body).ok()?;
    let start = text.find("<Code>")? + "<Code>".len();
    let length = text[start..].find("</Code>")?;
    Some(&text[start..start + length])
}

impl Intercept for RetryCounter {
    fn name(&self) -> &'static str {
        "RetryCounter"
    }

    fn read_before_attempt(
        &self,
        _context: &BeforeTransmitInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        if cfg
            .load::<RequestAttempts>()
            .is_some_and(|a| a.attempts() > 1)
        {
            self.record();
        }
        Ok(())
    }

    fn read_after_deserialization(
        &self,
        context: &AfterDeserializationInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let response = context.response();
        let body = response.body().bytes().unwrap_or_default();
        if is_throttling(response.status().as_u16(), body) {
            self.throttled.fetch_add(1, Ordering::Relaxed);
        }
        Ok(())
    }
}

impl Aws {
    /// Loads the configuration. Credentials are resolved lazily, on the first signed request, so
    /// this neither fails nor blocks for a missing profile's credentials.
    pub async fn connect(options: &ConnectionOptions) -> Aws {
        let mut loader = aws_config::defaults(BehaviorVersion::latest());
        if let Some(profile) = &options.profile {
            // As with the AWS CLI, a profile named on the command line is the one used, even
            // when the environment holds keys: the default chain would take those first.
            loader = loader.profile_name(profile).credentials_provider(
                aws_config::profile::ProfileFileCredentialsProvider::builder()
                    .profile_name(profile)
                    .build(),
            );
        }
        if let Some(region) = &options.region {
            loader = loader.region(Region::new(region.clone()));
        }
        if let Some(url) = &options.endpoint_url {
            loader = loader.endpoint_url(url);
        }
        let attempt = options.attempt_timeout.unwrap_or(DEFAULT_ATTEMPT_TIMEOUT);
        loader = loader.timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(CONNECT_TIMEOUT.min(attempt))
                .operation_attempt_timeout(attempt)
                .build(),
        );
        if let Some(attempts) = options.max_attempts {
            loader = loader.retry_config(RetryConfig::standard().with_max_attempts(attempts));
        }
        let config = loader.http_client(shared_http_client()).load().await;
        Aws {
            s3_endpoint: s3_endpoint_url(&config),
            provider: options.provider,
            config,
            s3_clients: Mutex::new(HashMap::new()),
            cloudfront: OnceLock::new(),
            max_attempts: options.max_attempts,
            retries: RetryCounter::default(),
            requests: Arc::new(Semaphore::new(match options.parallelism {
                0 => Semaphore::MAX_PERMITS,
                n => n,
            })),
            listing: OnceCell::new(),
            account: None,
        }
    }

    /// A connection acting with `config`'s credentials and otherwise like this one: the same
    /// endpoints, retry count and `--parallelism` budget; S3 and CloudFront clients and a bucket
    /// listing of its own.
    pub(crate) fn with_config(&self, config: SdkConfig) -> Aws {
        Aws {
            config,
            s3_endpoint: self.s3_endpoint.clone(),
            provider: self.provider,
            s3_clients: Mutex::new(HashMap::new()),
            cloudfront: OnceLock::new(),
            max_attempts: self.max_attempts,
            retries: self.retries.clone(),
            requests: self.requests.clone(),
            listing: OnceCell::new(),
            account: None,
        }
    }

    /// The store this connection talks to.
    pub fn provider(&self) -> Provider {
        self.provider
    }

    /// Waits for a request's turn under `--parallelism`, counted across every account.
    pub(crate) async fn request_permit(&self) -> Option<SemaphorePermit<'_>> {
        // The semaphore is never closed; were it, requests would go unbounded rather than fail.
        self.requests.acquire().await.ok()
    }

    /// The `--parallelism` budget itself, for a call that takes its permits one request at a
    /// time (a paginated listing).
    pub(crate) fn request_budget(&self) -> &Semaphore {
        &self.requests
    }

    /// The declared account this connection acts in (`None`: the credentials' own).
    pub fn account(&self) -> Option<&str> {
        self.account.as_deref()
    }

    /// The custom S3 endpoint this run talks to (flag, environment or profile), if any.
    pub fn s3_endpoint(&self) -> Option<&str> {
        self.s3_endpoint.as_deref()
    }

    /// An S3 call's failure as the user reads it; when no answer came back, it names the custom
    /// endpoint the call was sent to, so "connection refused" says where.
    pub(crate) fn s3_error<E>(
        &self,
        resource: &str,
        operation: &'static str,
        error: &SdkError<E, HttpResponse>,
    ) -> AwsError
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
    {
        AwsError::from_sdk_reaching(resource, operation, self.s3_endpoint(), error)
    }

    /// A failed S3 write in the words its outcome needs: refused (AWS answered, or the request
    /// was never built), answered by something that is not S3, or sent with no answer back, so
    /// it may or may not have been made.
    pub(crate) fn s3_write_error<E>(
        &self,
        resource: &str,
        operation: &'static str,
        error: &SdkError<E, HttpResponse>,
    ) -> Error
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
    {
        if let Some(why) = find_cause::<NotS3sAnswer>(error) {
            return Error::Call(AwsError::local(resource, operation, why.clone().into()));
        }
        let failure = self.s3_error(resource, operation, error);
        match error {
            SdkError::ServiceError(_) | SdkError::ConstructionFailure(_) => Error::Call(failure),
            _ => Error::Unanswered(failure),
        }
    }

    /// The URL of `key` in `bucket`, as the SDK's S3 clients of this run would address it: the
    /// SDK's own endpoint resolver decides the partition (China, GovCloud), FIPS, dual-stack and
    /// path or virtual-host addressing (a name with dots cannot be a virtual host under S3's
    /// certificate). For requests the SDK does not send itself: verify's unsigned preflights.
    pub async fn object_url(
        &self,
        bucket: &str,
        region: &str,
        key: &str,
    ) -> Result<String, AwsError> {
        let failed = |why: String| {
            AwsError::local(
                &bucket_resource(bucket),
                "ResolveEndpoint",
                LocalFailure::NoEndpoint { why },
            )
        };
        let params = Params::builder()
            .bucket(bucket)
            .region(region)
            .use_fips(self.config.use_fips().unwrap_or(false))
            .use_dual_stack(self.config.use_dual_stack().unwrap_or(false))
            .set_endpoint(self.s3_endpoint.clone())
            .force_path_style(self.s3_endpoint.is_some())
            .build()
            .map_err(|e| failed(e.to_string()))?;
        let endpoint = DefaultResolver::new()
            .resolve_endpoint(&params)
            .await
            .map_err(|e| failed(cause_chain(e.as_ref())))?;
        Ok(format!("{}/{key}", endpoint.url().trim_end_matches('/')))
    }

    /// How many calls were retried so far (throttling, 5xx, timeouts, dropped connections).
    pub fn retries(&self) -> usize {
        self.retries.retries.load(Ordering::Relaxed)
    }

    /// How many answers so far were AWS throttling (SlowDown, Throttling, HTTP 429), whether or
    /// not the call was then retried.
    pub fn throttled(&self) -> usize {
        self.retries.throttled.load(Ordering::Relaxed)
    }

    /// The region configured for this run (flag, environment or profile), or S3's default.
    pub fn default_region(&self) -> String {
        self.config
            .region()
            .map_or_else(|| FALLBACK_REGION.to_string(), |r| r.to_string())
    }

    /// An S3 client that talks to `region`; buckets must be addressed in their own region.
    pub fn s3(&self, region: &str) -> aws_sdk_s3::Client {
        let mut clients = self
            .s3_clients
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        clients
            .entry(region.to_string())
            .or_insert_with(|| {
                let mut builder = aws_sdk_s3::config::Builder::from(&self.config);
                // Set explicitly: an account's own `endpoint_url:` is not in the shared config.
                if let Some(url) = &self.s3_endpoint {
                    builder = builder.endpoint_url(url);
                }
                let config = builder
                    .region(Region::new(region.to_string()))
                    .force_path_style(self.s3_endpoint.is_some())
                    .interceptor(self.retries.clone())
                    // Every body here is a few kilobytes and each attempt is bounded by --timeout,
                    // so the throughput monitor wrapped around each body buys nothing.
                    .stalled_stream_protection(StalledStreamProtectionConfig::disabled())
                    .interceptor(CompleteCorsAnswer)
                    .retry_classifier(retry_incomplete_cors_answer())
                    .build();
                aws_sdk_s3::Client::from_conf(config)
            })
            .clone()
    }

    /// Where this run reaches: the account its credentials act in (STS GetCallerIdentity) and
    /// the endpoints it was pointed at, if not AWS's own (userinfo removed).
    pub async fn place(&self) -> Result<Place, AwsError> {
        // Only AWS has an account to name (STS); another store's place is its endpoint.
        let account_id = match self.provider {
            Provider::Aws => self.account_id().await?,
            _ => String::new(),
        };
        Ok(Place {
            account_id,
            endpoints: self.endpoints(),
        })
    }

    /// The endpoints this run was pointed at, by service, when they are not AWS's own
    /// (userinfo removed).
    pub fn endpoints(&self) -> BTreeMap<String, String> {
        let mut endpoints = BTreeMap::new();
        for (service, endpoint) in [
            ("s3", self.s3_endpoint.clone()),
            (
                "cloudfront",
                service_endpoint_url(&self.config, "CloudFront"),
            ),
        ] {
            if let Some(endpoint) = endpoint {
                endpoints.insert(service.to_string(), without_userinfo(&endpoint));
            }
        }
        endpoints
    }

    /// The CloudFront client, built on first use.
    pub fn cloudfront(&self) -> aws_sdk_cloudfront::Client {
        self.cloudfront
            .get_or_init(|| {
                let config = aws_sdk_cloudfront::config::Builder::from(&self.config)
                    .region(Region::new(CLOUDFRONT_REGION))
                    .retry_config(match self.max_attempts {
                        Some(attempts) => cloudfront_retry_config().with_max_attempts(attempts),
                        None => cloudfront_retry_config(),
                    })
                    .interceptor(self.retries.clone())
                    .interceptor(WholeCloudFrontAnswer)
                    .retry_classifier(retry_incomplete_answer())
                    .build();
                aws_sdk_cloudfront::Client::from_conf(config)
            })
            .clone()
    }
}

/// The S3 endpoint the SDK's S3 clients would use: the `--endpoint-url` flag, else S3's own
/// setting (`AWS_ENDPOINT_URL_S3`, a profile's `services` section), else the general one.
fn s3_endpoint_url(config: &SdkConfig) -> Option<String> {
    service_endpoint_url(config, "S3")
}

/// The endpoint a service's client would use, by the same precedence the SDK applies.
fn service_endpoint_url(config: &SdkConfig, service_id: &str) -> Option<String> {
    if config.get_origin("endpoint_url").is_client_config() {
        return config.endpoint_url().map(str::to_string);
    }
    let key = ServiceConfigKey::builder()
        .service_id(service_id)
        .env("AWS_ENDPOINT_URL")
        .profile("endpoint_url")
        .build()
        .ok()?;
    config
        .service_config()
        .and_then(|service| service.load_config(key))
        .or_else(|| config.endpoint_url().map(str::to_string))
}

/// The one HTTP client (and so the one connection pool) of a run: every SDK client built from the
/// run's configuration, in every account, takes it, so `--parallelism` requests need about as
/// many connections. Left to the SDK, each client (each account's S3 client, STS client and role
/// provider) builds a pool of its own: 3,229 connections for 50 accounts at `--parallelism 64`
/// (docs/performance.md). Built as the SDK builds its default client: rustls with aws-lc, and
/// the proxy the environment names.
fn shared_http_client() -> SharedHttpClient {
    aws_smithy_http_client::Builder::new().build_with_connector_fn(|settings, components| {
        let mut connector = ConnectorBuilder::default()
            .tls_provider(tls::Provider::Rustls(CryptoMode::AwsLc))
            .proxy_config(ProxyConfig::from_env());
        connector.set_connector_settings(settings.cloned());
        if let Some(components) = components {
            connector.set_sleep_impl(components.sleep_impl());
        }
        connector.build()
    })
}

/// How CloudFront calls are retried (shared with the adapter's tests).
pub fn cloudfront_retry_config() -> RetryConfig {
    RetryConfig::adaptive()
        .with_max_attempts(CLOUDFRONT_MAX_ATTEMPTS)
        .with_max_backoff(CLOUDFRONT_MAX_BACKOFF)
}

#[cfg(test)]
mod tests {
    use super::{is_throttling, Aws, ConnectionOptions};

    #[test]
    fn throttling_is_429_or_an_error_code_the_sdk_throttles_with() {
        let answer = |code: &str| format!("<Error><Code>{code}</Code><Message>m</Message></Error>");
        assert!(is_throttling(503, answer("SlowDown").as_bytes()));
        assert!(is_throttling(400, answer("Throttling").as_bytes()));
        assert!(is_throttling(400, answer("ThrottledException").as_bytes()));
        assert!(is_throttling(429, b""));
        assert!(!is_throttling(403, answer("AccessDenied").as_bytes()));
        assert!(!is_throttling(500, answer("InternalError").as_bytes()));
        // A code in a successful answer is content, not an error.
        assert!(!is_throttling(200, answer("SlowDown").as_bytes()));
        assert!(!is_throttling(503, b"<Error><Code>SlowDown"));
    }

    #[tokio::test]
    async fn object_urls_are_addressed_the_way_the_sdk_addresses_buckets() {
        let aws = Aws::connect(&ConnectionOptions {
            region: Some("eu-west-1".into()),
            ..ConnectionOptions::default()
        })
        .await;
        let url = |bucket: &'static str, region: &'static str| {
            let aws = &aws;
            async move { aws.object_url(bucket, region, "probe").await.unwrap() }
        };
        assert_eq!(
            url("assets", "eu-west-1").await,
            "https://assets.s3.eu-west-1.amazonaws.com/probe"
        );
        // A name with dots cannot be a virtual host under S3's certificate: addressed by path.
        assert_eq!(
            url("my.assets", "eu-west-1").await,
            "https://s3.eu-west-1.amazonaws.com/my.assets/probe"
        );
        assert_eq!(
            url("assets", "cn-north-1").await,
            "https://assets.s3.cn-north-1.amazonaws.com.cn/probe"
        );
    }
}
