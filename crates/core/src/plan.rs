//! The plan: the changes that make live state equal the manifest, a pure function of the two.

use std::fmt;

use serde::Serialize;

use crate::bucket_cors::{BucketCors, CorsRule};
use crate::manifest::Manifest;
use crate::normalize;

/// A bucket's CORS as read from S3, in the region the bucket lives in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveBucket {
    pub name: String,
    pub region: String,
    pub cors: BucketCors,
}

/// The resource a change is made to; displayed as its plan address (`s3_bucket.NAME`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Address {
    S3Bucket(String),
}

impl fmt::Display for Address {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Address::S3Bucket(name) => write!(f, "s3_bucket.{name}"),
        }
    }
}

impl Serialize for Address {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    /// No configuration live; the manifest has rules (PutBucketCors).
    Create,
    /// Both have rules and they differ (PutBucketCors, replacing the whole configuration).
    Update,
    /// Rules live; the manifest says `cors_rules: []` (DeleteBucketCors).
    Delete,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub address: Address,
    pub action: Action,
    /// Where the write goes.
    pub region: String,
    /// Live rules, `None` when the bucket has no CORS configuration.
    pub before: Option<Vec<CorsRule>>,
    /// Rules to write, `None` when the configuration is to be deleted.
    pub after: Option<Vec<CorsRule>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Plan {
    pub changes: Vec<Change>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Summary {
    pub create: usize,
    pub update: usize,
    pub delete: usize,
}

impl Plan {
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    pub fn summary(&self) -> Summary {
        let mut summary = Summary::default();
        for change in &self.changes {
            match change.action {
                Action::Create => summary.create += 1,
                Action::Update => summary.update += 1,
                Action::Delete => summary.delete += 1,
            }
        }
        summary
    }
}

/// What one bucket needs, or `None` when it already matches.
pub fn bucket_change(desired: &BucketCors, live: &LiveBucket) -> Option<Change> {
    let action = match (live.cors.is_configured(), desired.is_configured()) {
        (false, false) => return None,
        (false, true) => Action::Create,
        (true, false) => Action::Delete,
        (true, true) if normalize::equivalent(desired, &live.cors) => return None,
        (true, true) => Action::Update,
    };
    let rules = |cors: &BucketCors| cors.is_configured().then(|| cors.rules.clone());
    Some(Change {
        address: Address::S3Bucket(live.name.clone()),
        action,
        region: live.region.clone(),
        before: rules(&live.cors),
        after: rules(desired),
    })
}

/// The plan for every bucket the manifest names, in manifest order. `live` must hold each of them;
/// a bucket with no live entry is skipped (the reader reports why it could not be read).
pub fn plan(manifest: &Manifest, live: &[LiveBucket]) -> Plan {
    let changes = manifest
        .buckets
        .iter()
        .filter_map(|spec| {
            let current = live.iter().find(|l| l.name == spec.name)?;
            bucket_change(&spec.cors, current)
        })
        .collect();
    Plan { changes }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(origin: &str) -> CorsRule {
        CorsRule {
            allowed_origins: vec![origin.into()],
            allowed_methods: vec!["GET".into()],
            ..CorsRule::default()
        }
    }

    fn live(rules: Vec<CorsRule>) -> LiveBucket {
        LiveBucket {
            name: "b".into(),
            region: "eu-west-1".into(),
            cors: BucketCors::new(rules),
        }
    }

    #[test]
    fn actions_follow_live_and_desired_configuration() {
        let some = BucketCors::new(vec![rule("https://a")]);
        let other = BucketCors::new(vec![rule("https://b")]);
        let none = BucketCors::none();

        assert_eq!(bucket_change(&none, &live(vec![])), None);
        assert_eq!(bucket_change(&some, &live(vec![rule("https://a")])), None);

        let create = bucket_change(&some, &live(vec![])).unwrap();
        assert_eq!(
            (create.action, create.before, create.after.is_some()),
            (Action::Create, None, true)
        );

        let delete = bucket_change(&none, &live(vec![rule("https://a")])).unwrap();
        assert_eq!(
            (delete.action, delete.before.is_some(), delete.after),
            (Action::Delete, true, None)
        );

        let update = bucket_change(&other, &live(vec![rule("https://a")])).unwrap();
        assert_eq!(update.action, Action::Update);
        assert_eq!(update.before, Some(vec![rule("https://a")]));
        assert_eq!(update.after, Some(vec![rule("https://b")]));
        assert_eq!(update.region, "eu-west-1");
        assert_eq!(update.address.to_string(), "s3_bucket.b");
    }
}
