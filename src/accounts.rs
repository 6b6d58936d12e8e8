//! The accounts a run acts in: a connection to each, every one checked by the account guard
//! (STS GetCallerIdentity against its declared `id:`) before anything is read or written.
//! Without `accounts:` in the manifest a run acts wherever its credentials do, as always.

use std::time::Duration;

use cors_sync_aws::{Aws, ConnectionOptions};
use cors_sync_core::manifest::{Account, AccountRef, Manifest};
use futures::future::join_all;

use crate::cli::ConnectionArgs;
use crate::error::{Error, Refusal};

/// A connection acting in one account (`account` is `None` when none are declared).
pub struct InAccount {
    pub account: Option<Account>,
    pub aws: Aws,
}

impl InAccount {
    pub fn name(&self) -> Option<&str> {
        self.account.as_ref().map(|a| a.name.as_str())
    }
}

/// The connection the run's own flags and credential chain make: the base every account's
/// credentials are had from.
pub async fn connect(connection: &ConnectionArgs) -> Aws {
    Aws::connect(&ConnectionOptions {
        profile: connection.profile.clone(),
        region: connection.region.clone(),
        endpoint_url: connection.endpoint_url.clone(),
        attempt_timeout: Some(Duration::from_secs(connection.timeout)),
        max_attempts: connection.max_attempts,
        parallelism: usize::from(connection.parallelism),
        provider: connection.provider.unwrap_or_default(),
    })
    .await
}

/// A connection to each account, in the order given, after the account guard passed for every
/// one of them. `[None]` is the base connection alone, unchecked (no accounts declared).
pub async fn reach(
    connection: &ConnectionArgs,
    accounts: &[Option<&Account>],
) -> Result<Vec<InAccount>, Error> {
    let base = connect(connection).await;
    let declared: Vec<&Account> = accounts.iter().flatten().copied().collect();
    if declared.is_empty() {
        return Ok(vec![InAccount {
            account: None,
            aws: base,
        }]);
    }
    let mut reached = Vec::new();
    for &account in &declared {
        reached.push(InAccount {
            account: Some(account.clone()),
            aws: base.in_account(account).await,
        });
    }
    let checks = reached
        .iter()
        .zip(&declared)
        .map(|(to, account)| to.aws.check_account(account));
    let refused: Vec<Error> = join_all(checks)
        .await
        .into_iter()
        .filter_map(Result::err)
        .map(Error::from)
        .collect();
    if !refused.is_empty() {
        return Err(Error::Each {
            errors: refused,
            then: Some("the account guard stopped the run; nothing was read or written".into()),
        });
    }
    Ok(reached)
}

/// A guarded connection to one account (`None`: the credentials' own, unchecked).
pub async fn reach_one(
    connection: &ConnectionArgs,
    account: Option<&Account>,
) -> Result<InAccount, Error> {
    reach(connection, &[account])
        .await?
        .pop()
        .ok_or(Error::Refused(Refusal::NoAccount))
}

/// The accounts of the manifest that `--account` leaves in play.
pub fn in_play<'m>(
    manifest: &'m Manifest,
    connection: &ConnectionArgs,
) -> Result<Vec<Option<&'m Account>>, Error> {
    if let (Some(provider), false) = (connection.provider, manifest.accounts.is_empty()) {
        return Err(Refusal::ProviderWithAccounts {
            provider: provider.name(),
        }
        .into());
    }
    manifest
        .accounts_in_play(&connection.accounts)
        .map_err(|e| Refusal::from(e).into())
}

/// The one account a command about single resources acts in: `--account` (at most one), else
/// the account the manifest gives the resource, else the only one declared. `None` when the
/// manifest declares no accounts.
pub fn for_resource<'m>(
    manifest: &'m Manifest,
    stated: Option<&AccountRef>,
    connection: &ConnectionArgs,
    what: &str,
) -> Result<Option<&'m Account>, Error> {
    let in_play = in_play(manifest, connection)?;
    match (in_play.as_slice(), stated) {
        ([one], _) => Ok(*one),
        (_, _) if connection.accounts.len() > 1 => Err(Refusal::OneAccountOnly {
            what: what.to_string(),
        }
        .into()),
        (_, Some(stated)) => Ok(manifest.account(&stated.name)),
        (several, None) => {
            let declared = several.iter().flatten().map(|a| a.name.clone()).collect();
            Err(Refusal::NameAnAccount { declared }.into())
        }
    }
}
