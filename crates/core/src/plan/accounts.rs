//! A plan across accounts: each account's plan made alone, then joined, each change keeping its
//! account. Every file and document a plan is written to gives a change its `"account"` (when
//! accounts are declared); within one account an address is unique.

use serde::{Deserialize, Serialize};

use super::{Change, Plan};

impl Plan {
    /// One plan from each account's, in the order given. `None` is the credentials' own account
    /// (no accounts declared): such a plan is returned as it is.
    pub fn of_accounts(parts: Vec<(Option<String>, Plan)>) -> Plan {
        let mut joined = Plan::default();
        for (account, plan) in parts {
            if let Some(account) = account {
                joined
                    .accounts
                    .extend(std::iter::repeat_n(account, plan.changes.len()));
            }
            joined.changes.extend(plan.changes);
        }
        joined
    }

    /// Each change with its account (`None` when no accounts are declared).
    pub fn entries(&self) -> impl Iterator<Item = (Option<&str>, &Change)> {
        self.changes
            .iter()
            .enumerate()
            .map(|(i, change)| (self.accounts.get(i).map(String::as_str), change))
    }

    /// The changes in one account (all of them for `None` when no accounts are declared).
    pub fn in_account(&self, account: Option<&str>) -> Plan {
        let mut part = Plan {
            targets: self.targets.clone(),
            ..Plan::default()
        };
        for (of, change) in self.entries() {
            if of == account {
                part.changes.push(change.clone());
                part.accounts.extend(of.map(str::to_string));
            }
        }
        part
    }

    /// The accounts the plan writes to, in plan order; `[None]` when none are declared.
    pub fn account_names(&self) -> Vec<Option<&str>> {
        let mut names: Vec<Option<&str>> = Vec::new();
        for (account, _) in self.entries() {
            if !names.contains(&account) {
                names.push(account);
            }
        }
        names
    }
}

/// A plan as saved plans and journals hold it: each change in its wire shape, with its account.
#[derive(Serialize, Deserialize)]
pub(super) struct Wire {
    changes: Vec<WireChange>,
    /// Absent from plans made before `--target`, and from every plan of a whole manifest.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    targets: Vec<super::Address>,
}

#[derive(Serialize, Deserialize)]
struct WireChange {
    #[serde(flatten)]
    change: Change,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    account: Option<String>,
}

impl From<Plan> for Wire {
    fn from(plan: Plan) -> Self {
        let accounts = plan
            .accounts
            .into_iter()
            .map(Some)
            .chain(std::iter::repeat(None));
        Wire {
            changes: plan
                .changes
                .into_iter()
                .zip(accounts)
                .map(|(change, account)| WireChange { change, account })
                .collect(),
            targets: plan.targets,
        }
    }
}

impl TryFrom<Wire> for Plan {
    type Error = String;

    fn try_from(wire: Wire) -> Result<Self, String> {
        let with_account = wire.changes.iter().filter(|c| c.account.is_some()).count();
        if with_account != 0 && with_account != wire.changes.len() {
            return Err("some changes name an account and some do not".to_string());
        }
        let mut plan = Plan {
            targets: wire.targets,
            ..Plan::default()
        };
        for WireChange { change, account } in wire.changes {
            plan.changes.push(change);
            plan.accounts.extend(account);
        }
        Ok(plan)
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Change, Plan};
    use crate::bucket_cors::{BucketCors, CorsRule};

    fn bucket(name: &str) -> Change {
        Change::BucketCors {
            bucket: name.to_string(),
            region: "eu-west-1".to_string(),
            before: BucketCors::none(),
            after: BucketCors::new(vec![CorsRule::allowing(&["https://a.example"], &["GET"])]),
        }
    }

    #[test]
    fn a_joined_plan_keeps_each_changes_account_through_its_wire_shape() {
        let one = |changes| Plan {
            changes,
            ..Plan::default()
        };
        let joined = Plan::of_accounts(vec![
            (Some("prod".into()), one(vec![bucket("a"), bucket("b")])),
            (Some("media".into()), one(vec![bucket("c")])),
        ]);
        assert_eq!(joined.accounts, ["prod", "prod", "media"]);
        assert_eq!(joined.account_names(), [Some("prod"), Some("media")]);
        assert_eq!(joined.in_account(Some("media")).changes, [bucket("c")]);
        let json = serde_json::to_string(&joined).unwrap();
        assert!(json.contains(r#""account":"media""#), "{json}");
        assert_eq!(serde_json::from_str::<Plan>(&json).unwrap(), joined);
        // Without accounts the wire shape is the one plan files have always had.
        let alone = one(vec![bucket("a")]);
        let json = serde_json::to_string(&alone).unwrap();
        assert!(!json.contains("account"), "{json}");
        assert_eq!(serde_json::from_str::<Plan>(&json).unwrap(), alone);
        let mixed = json.replace(
            r#"{"changes":["#,
            r#"{"changes":[{"address":"s3_bucket.z","action":"delete","detail":{"kind":"bucket_cors","region":"eu-west-1","before":[{"allowed_origins":["https://a.example"],"allowed_methods":["GET"]}],"after":null},"account":"prod"},"#,
        );
        assert!(serde_json::from_str::<Plan>(&mixed).is_err());
    }
}
