//! Regions: a bucket whose `region:` is wrong is read where S3 says it is, once, with a warning
//! at its manifest position. (Discovery from ListBuckets is tested with the SDK's mocks, since
//! moto names no regions; on moto every bucket without `region:` falls back to HeadBucket.)

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
