//! Which account each resource of a manifest is in: `accounts:` declares them (how to act in
//! each, `crate::account`), and each resource resolves to one through its own `account:` or its
//! file's. Without `accounts:` a manifest reaches whatever account the credentials act in, as it
//! always has.

use std::collections::HashMap;

use super::Manifest;
use crate::account::{Account, AccountRef};
use crate::diagnostic::{did_you_mean, Diagnostic, Diagnostics, SourceLocation};

impl Manifest {
    pub fn account(&self, name: &str) -> Option<&Account> {
        self.accounts.iter().find(|a| a.name == name)
    }

    /// The part of the manifest in one account (every part, when no accounts are declared).
    pub fn in_account(&self, account: Option<&str>) -> Manifest {
        let keep =
            |stated: &Option<AccountRef>| stated.as_ref().map(|a| a.name.as_str()) == account;
        Manifest {
            digest: self.digest.clone(),
            accounts: self.accounts.clone(),
            buckets: self
                .buckets
                .iter()
                .filter(|b| keep(&b.account))
                .cloned()
                .collect(),
            distributions: self
                .distributions
                .iter()
                .filter(|d| keep(&d.account))
                .cloned()
                .collect(),
            origin_request_policies: self
                .origin_request_policies
                .iter()
                .filter(|p| keep(&p.account))
                .cloned()
                .collect(),
            response_headers_policies: self
                .response_headers_policies
                .iter()
                .filter(|p| keep(&p.account))
                .cloned()
                .collect(),
        }
    }

    /// The accounts a run acts in, in declaration order: every declared one, or those `only`
    /// names. `None` stands for "the credentials' own account" when none are declared. A name
    /// in `only` that is not declared is an error naming the declared ones.
    pub fn accounts_in_play(&self, only: &[String]) -> Result<Vec<Option<&Account>>, String> {
        if self.accounts.is_empty() {
            return match only.first() {
                None => Ok(vec![None]),
                Some(name) => Err(format!(
                    "--account {name}: the manifest declares no `accounts:`"
                )),
            };
        }
        if let Some(unknown) = only.iter().find(|name| self.account(name).is_none()) {
            let names: Vec<&str> = self.accounts.iter().map(|a| a.name.as_str()).collect();
            return Err(format!(
                "--account {unknown}: the manifest declares no such account (it declares {})",
                names.join(", ")
            ));
        }
        Ok(self
            .accounts
            .iter()
            .filter(|a| only.is_empty() || only.contains(&a.name))
            .map(Some)
            .collect())
    }
}

/// What one file said about accounts, gathered while decoding it.
#[derive(Debug, Default)]
pub(super) struct FileAccounts {
    /// Where the file's `accounts:` list stands, when it has one.
    pub declared_at: Option<SourceLocation>,
    pub accounts: Vec<Account>,
}

/// Checks the accounts of a whole manifest (every file merged) and gives each resource its
/// account: its own or its file's `account:`, else the only one declared. Every problem is an
/// error at its position: `accounts:` in two files, an account declared twice, a reference to an
/// undeclared account, and, with several accounts, a resource that resolves to none.
pub(super) fn resolve(
    manifest: &mut Manifest,
    files: Vec<FileAccounts>,
    diagnostics: &mut Diagnostics,
) {
    let mut first_list: Option<SourceLocation> = None;
    for file in files {
        if let Some(at) = file.declared_at {
            match &first_list {
                Some(first) => diagnostics.push(
                    Diagnostic::error(
                        at,
                        format!("`accounts:` is declared again: first at {first}"),
                    )
                    .with_help(Some(
                        "declare every account in one file of the manifest".into(),
                    )),
                ),
                None => first_list = Some(at),
            }
        }
        manifest.accounts.extend(file.accounts);
    }
    let mut seen: HashMap<&str, &Account> = HashMap::new();
    let mut ids: HashMap<&str, &Account> = HashMap::new();
    for account in &manifest.accounts {
        let at = account.location.clone();
        if let Some(first) = seen.get(account.name.as_str()) {
            let first = first.location.clone();
            diagnostics.push(Diagnostic::error(
                at.clone(),
                format!(
                    "account `{}` is declared twice: first at {first}",
                    account.name
                ),
            ));
        } else {
            seen.insert(&account.name, account);
        }
        if let Some(first) = ids.get(account.id.as_str()) {
            diagnostics.push(
                Diagnostic::error(
                    at,
                    format!(
                        "accounts `{}` and `{}` have the same id {}",
                        first.name, account.name, account.id
                    ),
                )
                .with_help(Some(
                    "one declaration per account: resources refer to it by name".into(),
                )),
            );
        } else {
            ids.insert(&account.id, account);
        }
    }
    let declared: Vec<&str> = manifest.accounts.iter().map(|a| a.name.as_str()).collect();
    let only = match manifest.accounts.as_slice() {
        [only] => Some(AccountRef {
            name: only.name.clone(),
            location: only.location.clone(),
        }),
        _ => None,
    };
    let several = declared.len() > 1;
    let mut check = |kind: &str,
                     name: &str,
                     at: &SourceLocation,
                     stated: &mut Option<AccountRef>| {
        match stated {
            Some(reference) if !declared.contains(&reference.name.as_str()) => {
                let help = if declared.is_empty() {
                    "declare it under `accounts:` (name, id, and role_arn or profile)".to_string()
                } else {
                    did_you_mean(&reference.name, &declared).map_or_else(
                        || format!("declared accounts: {}", declared.join(", ")),
                        |close| format!("did you mean `{close}`?"),
                    )
                };
                diagnostics.push(
                    Diagnostic::error(
                        reference.location.clone(),
                        match &first_list {
                            Some(at) => format!("{kind} `{name}` refers to account `{}`, which `accounts:` (at {at}) does not declare", reference.name),
                            None => format!("{kind} `{name}` refers to account `{}`, which no `accounts:` declares", reference.name),
                        },
                    )
                    .with_help(Some(help)),
                );
            }
            Some(_) => {}
            None if several => diagnostics.push(
                Diagnostic::error(
                    at.clone(),
                    format!(
                        "{kind} `{name}` is in no account: the manifest declares {}",
                        declared.len()
                    ),
                )
                .with_help(Some(format!(
                    "add `account:` ({}) to it, or to its file",
                    declared.join(", ")
                ))),
            ),
            None => *stated = only.clone(),
        }
    };
    for b in &mut manifest.buckets {
        check("bucket", &b.name, &b.location, &mut b.account);
    }
    for d in &mut manifest.distributions {
        check("distribution", &d.id, &d.location, &mut d.account);
    }
    for p in &mut manifest.origin_request_policies {
        check(
            "origin request policy",
            &p.name,
            &p.location,
            &mut p.account,
        );
    }
    for p in &mut manifest.response_headers_policies {
        check(
            "response headers policy",
            &p.name,
            &p.location,
            &mut p.account,
        );
    }
}
