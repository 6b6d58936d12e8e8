//! Bucket CORS changes.

use super::Change;
use crate::bucket::Bucket;
use crate::bucket_cors::BucketCors;
use crate::normalize;
use crate::provider::Provider;

/// What one bucket on `provider` needs, or `None` when it already matches.
pub fn bucket_change(provider: Provider, desired: &BucketCors, live: &Bucket) -> Option<Change> {
    match (live.cors.is_configured(), desired.is_configured()) {
        (false, false) => return None,
        (true, true) if normalize::equivalent_on(provider, desired, &live.cors) => return None,
        _ => {}
    }
    Some(Change::BucketCors {
        bucket: live.name.clone(),
        region: live.region.clone(),
        before: live.cors.clone(),
        after: desired.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bucket_cors::CorsRule;
    use crate::plan::Action;
    use crate::provider::Provider;

    fn rule(origin: &str) -> CorsRule {
        CorsRule {
            allowed_origins: vec![origin.into()],
            allowed_methods: vec!["GET".into()],
            ..CorsRule::default()
        }
    }

    fn live(rules: Vec<CorsRule>) -> Bucket {
        Bucket {
            name: "b".into(),
            region: "eu-west-1".into(),
            cors: BucketCors::new(rules),
        }
    }

    fn parts(change: Change) -> (Action, Option<Vec<CorsRule>>, Option<Vec<CorsRule>>) {
        let action = change.action();
        match change {
            Change::BucketCors { before, after, .. } => (
                action,
                before.configured().map(<[_]>::to_vec),
                after.configured().map(<[_]>::to_vec),
            ),
            other => panic!("not a bucket change: {other:?}"),
        }
    }

    #[test]
    fn seaweedfs_reading_a_missing_max_age_back_as_zero_is_not_drift() {
        let desired = BucketCors::new(vec![rule("https://a")]);
        let read_back = live(vec![CorsRule {
            max_age_seconds: Some(0),
            ..rule("https://a")
        }]);
        assert_eq!(
            bucket_change(Provider::Seaweedfs, &desired, &read_back),
            None
        );
        // On AWS a 0 that was not written is a real difference, and on SeaweedFS a 0 that was
        // asked for against a live 600 still is.
        assert!(bucket_change(Provider::Aws, &desired, &read_back).is_some());
        let wants_zero = BucketCors::new(vec![CorsRule {
            max_age_seconds: Some(0),
            ..rule("https://a")
        }]);
        let live_600 = live(vec![CorsRule {
            max_age_seconds: Some(600),
            ..rule("https://a")
        }]);
        assert!(bucket_change(Provider::Seaweedfs, &wants_zero, &live_600).is_some());
    }

    #[test]
    fn actions_follow_live_and_desired_configuration() {
        let some = BucketCors::new(vec![rule("https://a")]);
        let other = BucketCors::new(vec![rule("https://b")]);
        let none = BucketCors::none();

        assert_eq!(bucket_change(Provider::Aws, &none, &live(vec![])), None);
        assert_eq!(
            bucket_change(Provider::Aws, &some, &live(vec![rule("https://a")])),
            None
        );

        let create = parts(bucket_change(Provider::Aws, &some, &live(vec![])).unwrap());
        assert_eq!(
            create,
            (Action::Create, None, Some(vec![rule("https://a")]))
        );

        let delete =
            parts(bucket_change(Provider::Aws, &none, &live(vec![rule("https://a")])).unwrap());
        assert_eq!(
            delete,
            (Action::Delete, Some(vec![rule("https://a")]), None)
        );

        let update = bucket_change(Provider::Aws, &other, &live(vec![rule("https://a")])).unwrap();
        assert_eq!(update.address().to_string(), "s3_bucket.b");
        assert!(matches!(&update, Change::BucketCors { region, .. } if region == "eu-west-1"));
        let update = parts(update);
        assert_eq!(
            update,
            (
                Action::Update,
                Some(vec![rule("https://a")]),
                Some(vec![rule("https://b")])
            )
        );
    }
}
