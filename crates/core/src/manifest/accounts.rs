//! Which account each resource of a manifest is in: `accounts:` declares them (how to act in
//! each, `crate::account`), and each resource resolves to one through its own `account:` or its
//! file's. Without `accounts:` a manifest reaches whatever account the credentials act in, as it
//! always has.

use std::collections::{HashMap, HashSet};

use super::{Declared, Manifest};
use crate::account::{Account, AccountRef};
use crate::address::Named;
use crate::diagnostic::{did_you_mean, Diagnostic, Diagnostics, SourceLocation};
use crate::provider::Provider;

impl Manifest {
    pub fn account(&self, name: &str) -> Option<&Account> {
        self.accounts.iter().find(|a| a.name == name)
    }

    /// `provider_of` for every resource of a large manifest: the accounts looked up by name
    /// once, not searched per resource (an estate has 100 accounts and 100,000 buckets).
    pub fn provider_lookup(&self) -> impl Fn(Option<&AccountRef>) -> Provider + '_ {
        let mut by_name: HashMap<&str, Provider> = HashMap::new();
        for account in &self.accounts {
            // The first declaration of a name, as `account` finds it.
            by_name.entry(&account.name).or_insert(account.provider);
        }
        move |account| {
            account
                .and_then(|a| by_name.get(a.name.as_str()).copied())
                .unwrap_or(self.provider)
        }
    }

    /// The part of the manifest in one account (every part, when no accounts are declared).
    pub fn in_account(&self, account: Option<&str>) -> Manifest {
        let keep =
            |stated: &Option<AccountRef>| stated.as_ref().map(|a| a.name.as_str()) == account;
        Manifest {
            digest: self.digest.clone(),
            accounts: self.accounts.clone(),
            provider: self.provider,
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

    /// `in_account` for each of `accounts`, the manifest moved into the parts rather than copied
    /// (an estate's manifest is large): resources in none of them are dropped.
    pub fn into_accounts(self, accounts: &[Option<&str>]) -> Vec<Manifest> {
        let mut parts: Vec<Manifest> = accounts
            .iter()
            .map(|_| Manifest {
                digest: self.digest.clone(),
                accounts: self.accounts.clone(),
                provider: self.provider,
                ..Manifest::default()
            })
            .collect();
        let index: HashMap<Option<&str>, usize> = accounts
            .iter()
            .enumerate()
            .rev()
            .map(|(i, account)| (*account, i))
            .collect();
        let part_of = |stated: &Option<AccountRef>| {
            index
                .get(&stated.as_ref().map(|a| a.name.as_str()))
                .copied()
        };
        for bucket in self.buckets {
            if let Some(i) = part_of(&bucket.account) {
                parts[i].buckets.push(bucket);
            }
        }
        for distribution in self.distributions {
            if let Some(i) = part_of(&distribution.account) {
                parts[i].distributions.push(distribution);
            }
        }
        for policy in self.origin_request_policies {
            if let Some(i) = part_of(&policy.account) {
                parts[i].origin_request_policies.push(policy);
            }
        }
        for policy in self.response_headers_policies {
            if let Some(i) = part_of(&policy.account) {
                parts[i].response_headers_policies.push(policy);
            }
        }
        parts
    }

    /// The accounts a run acts in, in declaration order: every declared one, or those `only`
    /// names. `None` stands for "the credentials' own account" when none are declared. A name
    /// in `only` that is not declared is an error naming the declared ones.
    pub fn accounts_in_play(&self, only: &[String]) -> Result<Vec<Option<&Account>>, NotInPlay> {
        if self.accounts.is_empty() {
            return match only.first() {
                None => Ok(vec![None]),
                Some(name) => Err(NotInPlay::NoneDeclared { name: name.clone() }),
            };
        }
        if let Some(unknown) = only.iter().find(|name| self.account(name).is_none()) {
            return Err(NotInPlay::NotDeclared {
                name: unknown.clone(),
                declared: self.accounts.iter().map(|a| a.name.clone()).collect(),
            });
        }
        Ok(self
            .accounts
            .iter()
            .filter(|a| only.is_empty() || only.contains(&a.name))
            .map(Some)
            .collect())
    }
}

/// An `--account` the manifest does not declare.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NotInPlay {
    #[error("--account {name}: the manifest declares no `accounts:`")]
    NoneDeclared { name: String },
    #[error("--account {name}: the manifest declares no such account (it declares {})", .declared.join(", "))]
    NotDeclared { name: String, declared: Vec<String> },
}

/// What one file said about accounts, gathered while decoding it.
#[derive(Debug, Default)]
pub(super) struct FileAccounts {
    /// Where the file's `accounts:` list stands, when it has one.
    pub declared_at: Option<SourceLocation>,
    pub accounts: Vec<Account>,
}

/// One resource's `account:`, with what the resource is and where it stands.
pub(super) struct ResourceAccount<'m> {
    kind: &'static str,
    name: &'m str,
    location: &'m SourceLocation,
    pub(super) account: &'m mut Option<AccountRef>,
}

impl<'m> ResourceAccount<'m> {
    fn of<T: Named>(kind: &'static str, declared: &'m mut Declared<T>) -> Self {
        let Declared {
            value,
            location,
            account,
            ..
        } = declared;
        ResourceAccount {
            kind,
            name: value.name(),
            location,
            account,
        }
    }
}

impl Manifest {
    /// Every resource's `account:`, buckets first, in manifest order.
    pub(super) fn resource_accounts(&mut self) -> Vec<ResourceAccount<'_>> {
        let mut all = Vec::new();
        all.extend(
            self.buckets
                .iter_mut()
                .map(|b| ResourceAccount::of("bucket", b)),
        );
        all.extend(
            self.distributions
                .iter_mut()
                .map(|d| ResourceAccount::of("distribution", d)),
        );
        all.extend(
            self.origin_request_policies
                .iter_mut()
                .map(|p| ResourceAccount::of("origin request policy", p)),
        );
        all.extend(
            self.response_headers_policies
                .iter_mut()
                .map(|p| ResourceAccount::of("response headers policy", p)),
        );
        all
    }
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
    let list = gather(manifest, files, diagnostics);
    report_declared_twice(&manifest.accounts, diagnostics);
    let declared: Vec<Account> = manifest.accounts.clone();
    // Gathered once, not per resource: an estate has thousands of resources per account.
    let names: Vec<&str> = declared.iter().map(|a| a.name.as_str()).collect();
    let named: HashSet<&str> = names.iter().copied().collect();
    let declared = DeclaredAccounts {
        accounts: &declared,
        names: &names,
        named: &named,
    };
    for resource in manifest.resource_accounts() {
        give_account(resource, &declared, list.as_ref(), diagnostics);
    }
}

/// Every file's declarations into the manifest; where the first `accounts:` stands.
fn gather(
    manifest: &mut Manifest,
    files: Vec<FileAccounts>,
    diagnostics: &mut Diagnostics,
) -> Option<SourceLocation> {
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
    first_list
}

/// An account declared twice, or two accounts with one ID.
fn report_declared_twice(accounts: &[Account], diagnostics: &mut Diagnostics) {
    let mut names: HashMap<&str, &Account> = HashMap::new();
    let mut ids: HashMap<&str, &Account> = HashMap::new();
    for account in accounts {
        if let Some(first) = names.insert(&account.name, account) {
            diagnostics.push(Diagnostic::error(
                account.location.clone(),
                format!(
                    "account `{}` is declared twice: first at {}",
                    account.name, first.location
                ),
            ));
            names.insert(&first.name, first);
        }
        let Some(id) = account.id.as_deref() else {
            continue;
        };
        if let Some(first) = ids.insert(id, account) {
            diagnostics.push(
                Diagnostic::error(
                    account.location.clone(),
                    format!(
                        "accounts `{}` and `{}` have the same id {}",
                        first.name, account.name, id
                    ),
                )
                .with_help(Some(
                    "one declaration per account: resources refer to it by name".into(),
                )),
            );
            ids.insert(id, first);
        }
    }
}

/// The declared accounts, and their names as a list (in declaration order, for messages) and a
/// set (to look a reference up).
struct DeclaredAccounts<'d> {
    accounts: &'d [Account],
    names: &'d [&'d str],
    named: &'d HashSet<&'d str>,
}

/// A resource's account: the one it states (which must be declared), else the only one
/// declared; with several declared, stating none is an error.
fn give_account(
    resource: ResourceAccount<'_>,
    declared: &DeclaredAccounts<'_>,
    list: Option<&SourceLocation>,
    diagnostics: &mut Diagnostics,
) {
    let ResourceAccount {
        kind,
        name,
        location,
        account,
    } = resource;
    let names = declared.names;
    match (account.as_ref(), declared.accounts) {
        (Some(stated), _) if !declared.named.contains(stated.name.as_str()) => {
            let help = if names.is_empty() {
                "declare it under `accounts:` (name, id, and role_arn or profile)".to_string()
            } else {
                did_you_mean(&stated.name, names).map_or_else(
                    || format!("declared accounts: {}", names.join(", ")),
                    |close| format!("did you mean `{close}`?"),
                )
            };
            let message = match list {
                Some(at) => format!("{kind} `{name}` refers to account `{}`, which `accounts:` (at {at}) does not declare", stated.name),
                None => format!("{kind} `{name}` refers to account `{}`, which no `accounts:` declares", stated.name),
            };
            diagnostics
                .push(Diagnostic::error(stated.location.clone(), message).with_help(Some(help)));
        }
        (Some(_), _) | (None, []) => {}
        (None, [only]) => {
            *account = Some(AccountRef {
                name: only.name.clone(),
                location: only.location.clone(),
            });
        }
        (None, several) => diagnostics.push(
            Diagnostic::error(
                location.clone(),
                format!(
                    "{kind} `{name}` is in no account: the manifest declares {}",
                    several.len()
                ),
            )
            .with_help(Some(format!(
                "add `account:` ({}) to it, or to its file",
                names.join(", ")
            ))),
        ),
    }
}
