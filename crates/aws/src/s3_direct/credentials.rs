//! Credentials for signed direct reads: resolved once from the user's credential chain and
//! shared by every request until they are about to expire.

use std::time::{Duration, SystemTime};

use aws_credential_types::provider::{ProvideCredentials, SharedCredentialsProvider};
use aws_credential_types::Credentials;

use crate::error::cause_chain;

/// Credentials closer than this to their expiry are fetched again (the SDK's identity cache
/// uses the same margin), so a request is never signed with credentials that lapse in flight.
const EXPIRY_MARGIN: Duration = Duration::from_secs(10);

pub struct CachedCredentials {
    provider: Option<SharedCredentialsProvider>,
    /// An async lock: the first requests of a run all wait for one resolution instead of each
    /// asking the chain (an SSO or IMDS call) on their own.
    current: tokio::sync::Mutex<Option<Credentials>>,
}

impl CachedCredentials {
    pub fn new(provider: Option<SharedCredentialsProvider>) -> Self {
        CachedCredentials {
            provider,
            current: tokio::sync::Mutex::new(None),
        }
    }

    /// Credentials valid for at least the margin, or why none could be had.
    pub async fn get(&self) -> Result<Credentials, String> {
        let mut current = self.current.lock().await;
        if let Some(credentials) = current.as_ref().filter(|c| still_valid(c)) {
            return Ok(credentials.clone());
        }
        let provider = self
            .provider
            .as_ref()
            .ok_or("no credentials provider is configured")?;
        let credentials = provider
            .provide_credentials()
            .await
            .map_err(|e| format!("could not load credentials: {}", cause_chain(&e)))?;
        *current = Some(credentials.clone());
        Ok(credentials)
    }
}

fn still_valid(credentials: &Credentials) -> bool {
    credentials
        .expiry()
        .is_none_or(|expiry| expiry > SystemTime::now() + EXPIRY_MARGIN)
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    use aws_credential_types::provider::future::ProvideCredentials as CredentialsFuture;

    use super::*;

    /// Counts how often the chain is asked; hands out credentials expiring `lifetime` from now.
    #[derive(Debug)]
    struct Counting {
        calls: Arc<AtomicUsize>,
        lifetime: Option<Duration>,
    }

    impl ProvideCredentials for Counting {
        fn provide_credentials<'a>(&'a self) -> CredentialsFuture<'a>
        where
            Self: 'a,
        {
            self.calls.fetch_add(1, Ordering::SeqCst);
            let expiry = self.lifetime.map(|l| SystemTime::now() + l);
            CredentialsFuture::ready(Ok(Credentials::new("id", "secret", None, expiry, "test")))
        }
    }

    fn cache(lifetime: Option<Duration>) -> (CachedCredentials, Arc<AtomicUsize>) {
        let calls = Arc::new(AtomicUsize::new(0));
        let provider = SharedCredentialsProvider::new(Counting {
            calls: calls.clone(),
            lifetime,
        });
        (CachedCredentials::new(Some(provider)), calls)
    }

    #[tokio::test]
    async fn the_chain_is_asked_once_while_credentials_last() {
        let (hourly, calls) = cache(Some(Duration::from_secs(3600)));
        for _ in 0..5 {
            hourly.get().await.unwrap();
        }
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        let (cache, calls) = cache(None);
        cache.get().await.unwrap();
        cache.get().await.unwrap();
        assert_eq!(
            calls.load(Ordering::SeqCst),
            1,
            "credentials without an expiry last"
        );
    }

    #[tokio::test]
    async fn credentials_about_to_expire_are_fetched_again() {
        let (cache, calls) = cache(Some(Duration::from_secs(5)));
        cache.get().await.unwrap();
        cache.get().await.unwrap();
        assert_eq!(calls.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn no_provider_is_a_clear_error() {
        let cache = CachedCredentials::new(None);
        assert_eq!(
            cache.get().await.unwrap_err(),
            "no credentials provider is configured"
        );
    }
}
