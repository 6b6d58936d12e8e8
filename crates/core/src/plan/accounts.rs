//! A plan across accounts: each account's plan made alone, then joined, each change keeping its
//! account. Every file and document a plan is written to gives a change its `"account"` (when
//! accounts are declared); within one account an address is unique.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};

use super::{Change, Plan, PlannedChange};

impl Plan {
    /// A plan of these changes where no accounts are declared.
    pub fn without_accounts(changes: impl IntoIterator<Item = Change>) -> Plan {
        Plan {
            changes: changes
                .into_iter()
                .map(|change| PlannedChange {
                    account: None,
                    change,
                })
                .collect(),
            ..Plan::default()
        }
    }

    /// One plan of every account's, in the order given; each change keeps the account it carries.
    pub fn joined(parts: impl IntoIterator<Item = Plan>) -> Plan {
        Plan {
            changes: parts.into_iter().flat_map(|part| part.changes).collect(),
            ..Plan::default()
        }
    }

    /// Each change with its account (`None` when no accounts are declared).
    pub fn entries(&self) -> impl Iterator<Item = (Option<&str>, &Change)> {
        self.changes
            .iter()
            .map(|planned| (planned.account.as_deref(), &planned.change))
    }

    /// Whether the changes carry accounts (the manifest declares them).
    pub fn has_accounts(&self) -> bool {
        self.changes.iter().any(|planned| planned.account.is_some())
    }

    /// The changes grouped by the account they are in, accounts in plan order: what each
    /// account's connection reads and writes. `[(None, every change)]` when no accounts are
    /// declared.
    pub fn by_account(&self) -> Vec<(Option<&str>, Vec<&PlannedChange>)> {
        let mut groups: Vec<(Option<&str>, Vec<&PlannedChange>)> = Vec::new();
        // Each account's group found by name, not by a search of the groups per change.
        let mut group_of: HashMap<Option<&str>, usize> = HashMap::new();
        for planned in &self.changes {
            let account = planned.account.as_deref();
            let index = *group_of.entry(account).or_insert_with(|| {
                groups.push((account, Vec::new()));
                groups.len() - 1
            });
            groups[index].1.push(planned);
        }
        groups
    }

    /// The accounts the plan writes to, in plan order; `[None]` when none are declared.
    pub fn account_names(&self) -> Vec<Option<&str>> {
        let mut seen = HashSet::new();
        self.changes
            .iter()
            .map(|planned| planned.account.as_deref())
            .filter(|account| seen.insert(*account))
            .collect()
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
        Wire {
            changes: plan
                .changes
                .into_iter()
                .map(|PlannedChange { account, change }| WireChange { change, account })
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
        Ok(Plan {
            changes: wire
                .changes
                .into_iter()
                .map(|WireChange { change, account }| PlannedChange { account, change })
                .collect(),
            targets: wire.targets,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Change, Plan, PlannedChange};
    use crate::bucket_cors::{BucketCors, CorsRule};

    fn bucket(name: &str) -> Change {
        Change::BucketCors {
            bucket: name.to_string(),
            region: "eu-west-1".to_string(),
            before: BucketCors::none(),
            after: BucketCors::new(vec![CorsRule::allowing(&["https://a.example"], &["GET"])]),
        }
    }

    fn in_account(account: Option<&str>, changes: Vec<Change>) -> Plan {
        Plan {
            changes: changes
                .into_iter()
                .map(|change| PlannedChange {
                    account: account.map(str::to_string),
                    change,
                })
                .collect(),
            ..Plan::default()
        }
    }

    #[test]
    fn a_joined_plan_keeps_each_changes_account_through_its_wire_shape() {
        let joined = Plan::joined([
            in_account(Some("prod"), vec![bucket("a"), bucket("b")]),
            in_account(Some("media"), vec![bucket("c")]),
        ]);
        let accounts: Vec<_> = joined.entries().map(|(account, _)| account).collect();
        assert_eq!(accounts, [Some("prod"), Some("prod"), Some("media")]);
        assert_eq!(joined.account_names(), [Some("prod"), Some("media")]);
        let media = &joined.by_account()[1];
        assert_eq!(media.0, Some("media"));
        let changes: Vec<&Change> = media.1.iter().map(|planned| &planned.change).collect();
        assert_eq!(changes, [&bucket("c")]);
        let json = serde_json::to_string(&joined).unwrap();
        assert!(json.contains(r#""account":"media""#), "{json}");
        assert_eq!(serde_json::from_str::<Plan>(&json).unwrap(), joined);
        // Without accounts the wire shape is the one plan files have always had.
        let alone = in_account(None, vec![bucket("a")]);
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
