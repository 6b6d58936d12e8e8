//! `accounts:` (how to act in each account), a file's `account:` and a resource's `account:`.

use super::super::accounts::FileAccounts;
use super::super::schema;
use super::super::yaml_tree::{Node, NodeValue};
use super::super::Manifest;
use super::{Decoder, Fields};
use crate::account::{Account, AccountRef};
use crate::provider::Provider;

/// What AWS accepts as a role session name.
const SESSION_NAME_LENGTH: std::ops::RangeInclusive<usize> = 2..=64;

impl Decoder<'_> {
    /// The file's `accounts:` list.
    pub(super) fn accounts(&mut self, fields: &Fields<'_>) -> FileAccounts {
        let mut file = FileAccounts::default();
        let Some(node) = fields.get("accounts") else {
            return file;
        };
        file.declared_at = Some(self.at(node.position));
        match &node.value {
            NodeValue::Null => {}
            NodeValue::Sequence(items) => {
                file.accounts = items.iter().filter_map(|n| self.account(n)).collect();
            }
            _ => self.wrong_type(node, "accounts", "a list of accounts"),
        }
        file
    }

    fn account(&mut self, node: &Node) -> Option<Account> {
        let fields = self.fields(node, "an account", &schema::ACCOUNT)?;
        let name = fields.get("name").and_then(|n| {
            let name = self.string(n, "name")?;
            if name.trim().is_empty() {
                self.error(n.position, "an account's `name` must not be empty");
            }
            Some(name)
        });
        // An unknown name was reported with the fields; the account's other checks then assume
        // nothing about its store.
        let named = fields.get("provider").map(|n| {
            self.string(n, "provider")
                .and_then(|name| Provider::from_name(&name))
        });
        let known = !matches!(named, Some(None));
        let provider = named.flatten().unwrap_or_default();
        let endpoint_url = fields.get("endpoint_url").and_then(|n| {
            let url = self.string(n, "endpoint_url")?;
            if !(url.starts_with("https://") || url.starts_with("http://")) {
                self.error_with_help(
                    n.position,
                    format!("`{url}` is not an endpoint URL"),
                    Some("an endpoint URL starts with https:// (or http:// for a store on this machine)".into()),
                );
            }
            Some(url)
        });
        let id = fields.get("id").and_then(|n| {
            let id = self.string(n, "id")?;
            if provider.is_aws() && (id.len() != 12 || !id.bytes().all(|b| b.is_ascii_digit())) {
                self.error_with_help(
                    n.position,
                    format!("account id `{id}` is not 12 digits"),
                    Some("an AWS account ID is 12 digits, quoted: `id: \"111111111111\"`".into()),
                );
            }
            Some(id)
        });
        let optional = |decoder: &mut Self, field: &str| {
            fields.get(field).and_then(|n| decoder.string(n, field))
        };
        if known && provider.is_aws() && fields.get("id").is_none() {
            self.error_with_help(
                fields.position,
                "an AWS account is missing the required field `id`".into(),
                Some("the account guard checks it with STS: `id: \"111111111111\"` (another store says so with `provider:`)".into()),
            );
        }
        let role_arn = optional(self, "role_arn");
        let profile = optional(self, "profile");
        let external_id = optional(self, "external_id");
        let session_name = optional(self, "session_name");
        if let (true, Some(arn), Some(n)) = (provider.is_aws(), &role_arn, fields.get("role_arn")) {
            match role_account(arn) {
                None => self.error_with_help(
                    n.position,
                    format!("`{arn}` is not an IAM role ARN"),
                    Some("role ARNs look like `arn:aws:iam::111111111111:role/cors-sync`".into()),
                ),
                Some(in_account) if id.as_deref().is_some_and(|id| id != in_account) => self.error(
                    n.position,
                    format!(
                        "the role is in account {in_account}, but the account's id is {}",
                        id.as_deref().unwrap_or_default()
                    ),
                ),
                Some(_) => {}
            }
        }
        if let (true, false, Some(n)) = (known, provider.is_aws(), fields.get("role_arn")) {
            self.error_with_help(
                n.position,
                format!("`role_arn` is AWS's; {provider} has no roles to assume"),
                Some("give the account's keys through `profile:` or the environment".into()),
            );
        }
        if role_arn.is_some() && profile.is_some() {
            self.error_with_help(
                fields.position,
                "an account takes `role_arn` or `profile`, not both".into(),
                Some(
                    "a profile that assumes a role says so itself (`role_arn` in ~/.aws/config)"
                        .into(),
                ),
            );
        }
        if role_arn.is_none() {
            for field in ["external_id", "session_name"] {
                if let Some(n) = fields.get(field) {
                    self.error(
                        n.position,
                        format!("`{field}` is only used with `role_arn`"),
                    );
                }
            }
        }
        if let (Some(session), Some(n)) = (&session_name, fields.get("session_name")) {
            let allowed = |c: char| c.is_ascii_alphanumeric() || "+=,.@_-".contains(c);
            if !SESSION_NAME_LENGTH.contains(&session.len()) || !session.chars().all(allowed) {
                self.error(
                    n.position,
                    format!("`{session}` is not a role session name: 2 to 64 letters, digits and +=,.@_-"),
                );
            }
        }
        if !known {
            return None;
        }
        Some(Account {
            name: name?,
            id: match (provider.is_aws(), id) {
                (true, None) => return None,
                (_, id) => id,
            },
            provider,
            endpoint_url,
            role_arn,
            external_id,
            session_name,
            profile,
            location: self.at(fields.position),
        })
    }

    /// An `account:` field (a file's default, or a resource's own).
    pub(super) fn account_ref(&mut self, fields: &Fields<'_>) -> Option<AccountRef> {
        let node = fields.get("account")?;
        let name = self.string(node, "account")?;
        Some(AccountRef {
            name,
            location: self.at(node.position),
        })
    }
}

/// Gives the file's `account:` to each of its resources that names none of its own.
pub(super) fn default_account(manifest: &mut Manifest, default: &AccountRef) {
    for resource in manifest.resource_accounts() {
        if resource.account.is_none() {
            *resource.account = Some(default.clone());
        }
    }
}

/// The account ID in an IAM role ARN (`arn:PARTITION:iam::ID:role/PATH`), if it is one.
fn role_account(arn: &str) -> Option<&str> {
    let mut parts = arn.splitn(6, ':');
    let (Some("arn"), Some(partition), Some("iam"), Some(""), Some(id), Some(resource)) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return None;
    };
    let well_formed = !partition.is_empty()
        && id.len() == 12
        && id.bytes().all(|b| b.is_ascii_digit())
        && resource
            .strip_prefix("role/")
            .is_some_and(|r| !r.is_empty());
    well_formed.then_some(id)
}

#[cfg(test)]
mod tests {
    use super::role_account;

    #[test]
    fn role_arns_name_their_account() {
        assert_eq!(
            role_account("arn:aws:iam::111111111111:role/cors-sync"),
            Some("111111111111")
        );
        assert_eq!(
            role_account("arn:aws-cn:iam::111111111111:role/path/ci"),
            Some("111111111111")
        );
        assert_eq!(role_account("arn:aws:iam::111111111111:user/ci"), None);
        assert_eq!(role_account("arn:aws:iam::1111:role/ci"), None);
        assert_eq!(role_account("arn:aws:sts::111111111111:role/ci"), None);
        assert_eq!(role_account("cors-sync"), None);
    }
}
