//! Acting in a declared account: credentials from a role assumed with the base credentials (STS
//! AssumeRole, through aws-config's provider, which refreshes them), from a profile's own chain,
//! or the base credentials themselves; and the guard that checks, before anything is read, that
//! they act in the account the manifest says. An account on another store (`provider:`) is
//! reached at its own `endpoint_url:`; having no STS, its guard is one listing call proving the
//! credentials and the endpoint work.

use aws_config::profile::ProfileFileCredentialsProvider;
use aws_config::provider_config::ProviderConfig;
use aws_config::sts::AssumeRoleProvider;
use aws_credential_types::provider::SharedCredentialsProvider;
use aws_sdk_s3::error::ProvideErrorMetadata;
use aws_sdk_sts::operation::assume_role::AssumeRoleError;
use cors_sync_core::manifest::Account;

use aws_config::identity::IdentityCache;
use aws_config::{Region, SdkConfig};

use crate::connection::FALLBACK_REGION;
use crate::error::{find_cause, AwsError, Error, LocalFailure};
use crate::Aws;

impl Aws {
    /// A connection acting in `account`, sharing this one's settings, endpoints (STS's included:
    /// `--endpoint-url`, `AWS_ENDPOINT_URL_STS`), retry count and `--parallelism` bound. Nothing
    /// is called yet: a role is assumed on the first signed request.
    pub async fn in_account(&self, account: &Account) -> Aws {
        let sts = self.sts_config();
        let provider = match (&account.role_arn, &account.profile) {
            (Some(role), _) => {
                let provider = AssumeRoleProvider::builder(role)
                    .session_name(account.session_name())
                    .configure(&sts);
                let provider = match &account.external_id {
                    Some(id) => provider.external_id(id),
                    None => provider,
                };
                Some(SharedCredentialsProvider::new(provider.build().await))
            }
            // The profile's own chain (keys, SSO, a role it assumes), in the run's region. Its
            // STS calls take endpoints from the environment and the profile
            // (`AWS_ENDPOINT_URL_STS`, `endpoint_url`): aws-config gives a profile's provider no
            // way to take the `--endpoint-url` flag.
            (None, Some(profile)) => Some(SharedCredentialsProvider::new(
                ProfileFileCredentialsProvider::builder()
                    .configure(&ProviderConfig::default().with_region(sts.region().cloned()))
                    .profile_name(profile)
                    .build(),
            )),
            (None, None) => None,
        };
        let mut reached = match provider {
            // A credentials cache of its own: the run's one cache keeps at most 64 providers'
            // credentials and evicts at random beyond that, so an estate of 100 accounts assumed
            // its roles 2,468 times instead of 100 (docs/performance.md).
            Some(provider) => self.with_config(
                self.config
                    .to_builder()
                    .credentials_provider(provider)
                    .identity_cache(IdentityCache::lazy().build())
                    .build(),
            ),
            None => self.with_config(self.config.clone()),
        };
        reached.provider = account.provider;
        reached.account = Some(account.name.clone());
        if let Some(url) = &account.endpoint_url {
            reached.s3_endpoint = Some(url.clone());
        }
        reached
    }

    /// The account guard: the account these credentials act in (STS GetCallerIdentity) is the
    /// one `account` declares. A role that cannot be assumed is named with AWS's code.
    pub async fn check_account(&self, account: &Account) -> Result<(), Error> {
        let through = account.reached_through();
        let Some(expected) = account.id.as_deref().filter(|_| account.provider.is_aws()) else {
            return self.check_store(account, through).await;
        };
        // Inside the `--parallelism` budget: 100 accounts' guards at once would otherwise open
        // 100 connections beside the bucket reads' P (the AssumeRole, when there is a role, is
        // made within the GetCallerIdentity, under the same permit).
        let permit = self.request_permit().await;
        let actual = self.account_id().await;
        drop(permit);
        let actual = actual.map_err(|error| Error::Unreachable {
            account: account.name.clone(),
            through: through.clone(),
            error: Box::new(error),
        })?;
        if actual == expected {
            Ok(())
        } else {
            Err(Error::WrongAccount {
                account: account.name.clone(),
                expected: expected.to_string(),
                actual,
                through,
            })
        }
    }

    /// The guard for an account on a store without STS: one ListBuckets (a single bucket asked
    /// for) proves that the endpoint answers and takes these credentials.
    async fn check_store(&self, account: &Account, through: String) -> Result<(), Error> {
        let region = self.default_region();
        let _permit = self.request_permit().await;
        self.s3(&region)
            .list_buckets()
            .max_buckets(1)
            .send()
            .await
            .map(|_| ())
            .map_err(|error| Error::Unreachable {
                account: account.name.clone(),
                through: format!(
                    "{through} at {}",
                    self.s3_endpoint().unwrap_or("its endpoint")
                ),
                error: Box::new(self.s3_error(
                    &account.provider.to_string(),
                    "ListBuckets",
                    &error,
                )),
            })
    }

    /// The configuration STS calls are made with: the run's, in S3's default region when none is
    /// configured (STS needs one to sign for, and answers the same in every region).
    fn sts_config(&self) -> SdkConfig {
        match self.config.region() {
            Some(_) => self.config.clone(),
            None => self
                .config
                .to_builder()
                .region(Region::new(FALLBACK_REGION))
                .build(),
        }
    }

    /// The account these credentials act in. When credentials could not be had because AWS
    /// refused AssumeRole, that refusal is the error (its code and message), not the
    /// GetCallerIdentity that was never signed.
    pub(crate) async fn account_id(&self) -> Result<String, AwsError> {
        let sts = aws_sdk_sts::Client::new(&self.sts_config());
        let identity =
            sts.get_caller_identity().send().await.map_err(|error| {
                match find_cause::<AssumeRoleError>(&error) {
                    Some(refused) => AwsError {
                        resource: "sts".to_string(),
                        operation: "AssumeRole",
                        code: refused.code().map(crate::ErrorCode::from_aws),
                        message: refused.message().unwrap_or("refused").to_string(),
                        request_id: None,
                        missing_credentials: None,
                        server_error: false,
                    },
                    None => AwsError::from_sdk("sts", "GetCallerIdentity", &error),
                }
            })?;
        identity.account.ok_or_else(|| {
            AwsError::local("sts", "GetCallerIdentity", LocalFailure::NoAccountNamed)
        })
    }
}
