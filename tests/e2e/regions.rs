//! Regions: a bucket whose `region:` is wrong is read where S3 says it is, once, with a warning
//! at its manifest position; buckets without `region:` cost one listing a run, a single one a
//! HeadBucket. (What the listing names is tested with the SDK's mocks, since moto names no
//! regions; on moto every bucket without `region:` falls back to HeadBucket.)

use crate::support::emulator::emulator;
use crate::support::fault_proxy::{Fault, FaultProxy};
use crate::support::s3;
use crate::support::{assert_run, cors_sync};

#[test]
fn a_wrong_region_is_read_where_s3_says_with_a_warning_at_the_manifest_position() {
    s3::create_bucket("wrong-region", "eu-west-1");
    let proxy = FaultProxy::start(&emulator().endpoint);
    // S3's answer to a GetBucketCors sent to the wrong region: a redirect naming the right one.
    proxy.fail(
        Fault::error(
            "GET",
            "/wrong-region/?cors",
            301,
            "PermanentRedirect",
            "The bucket you are attempting to access must be addressed using the specified endpoint.",
        )
        .with_header("x-amz-bucket-region", "eu-west-1")
        .times(1),
    );
    let run = cors_sync()
        .manifest("version: 1\nbuckets:\n  - name: wrong-region\n    region: us-east-1\n    cors_rules: []\n")
        .endpoint(Some(&proxy.endpoint))
        .run_with(&["plan", "-f", "manifest.yaml", "--max-attempts", "1"]);
    assert_run!(run, @"
    exit code: 0
    ----- stdout -----
    No changes. Live CORS configuration matches the manifest.
    ----- stderr -----
    manifest.yaml:3:5: warning: bucket `wrong-region` is in eu-west-1, not us-east-1 as its `region:` says; it was read there
      help: write `region: eu-west-1`
    ");
    assert_eq!(
        proxy.requests_matching("GET /wrong-region/?cors"),
        2,
        "read again, once"
    );
}

#[test]
fn buckets_without_region_are_found_by_one_listing_and_a_single_one_by_head_bucket() {
    s3::create_bucket("unplaced-a", "us-east-1");
    s3::create_bucket("unplaced-b", "eu-west-1");
    let proxy = FaultProxy::start(&emulator().endpoint);
    let manifest = |names: &[&str]| {
        let mut text = "version: 1\nbuckets:\n".to_string();
        for name in names {
            text.push_str(&format!("  - name: {name}\n    cors_rules: []\n"));
        }
        text
    };
    let plan_with = |names: &[&str], more: &[&str]| {
        let mut args = vec!["plan", "-f", "manifest.yaml"];
        args.extend(more);
        cors_sync()
            .manifest(&manifest(names))
            .endpoint(Some(&proxy.endpoint))
            .run_with(&args)
            .code(0);
    };
    let plan = |names: &[&str]| plan_with(names, &[]);
    let listings = || proxy.requests_matching("x-id=ListBuckets");
    let heads = || proxy.heads_matching("HEAD /").len();

    plan(&["unplaced-a"]);
    assert_eq!((listings(), heads()), (0, 1), "one HeadBucket, no listing");

    plan(&["unplaced-a", "unplaced-b"]);
    // moto names no BucketRegion, so both still fall back to HeadBucket after the one listing.
    assert_eq!((listings(), heads()), (1, 3), "one listing for the run");
    assert_eq!(
        proxy.requests_matching("GET /unplaced-b/?cors"),
        1,
        "read once, in its own region"
    );

    // --report-unmanaged lists the account too: the same listing serves both.
    plan_with(&["unplaced-a", "unplaced-b"], &["--report-unmanaged"]);
    assert_eq!(listings(), 2, "one more run, one more listing");
}
