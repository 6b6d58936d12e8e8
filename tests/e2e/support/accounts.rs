//! moto's other accounts, from the tests: moto serves every account at once, and credentials
//! from AssumeRole into `arn:aws:iam::<account>:role/<name>` act in that account (its own
//! ListBuckets, its own distributions, GetCallerIdentity naming it).

use aws_sdk_s3::config::Credentials;

use super::emulator::emulator;
use super::fault_proxy::FaultProxy;
use super::s3::runtime;
use super::{cors_sync, CorsSync};

/// The account moto's plain test credentials act in.
pub const BASE_ACCOUNT: &str = "123456789012";
/// The accounts the tests reach through a role (prod) and a profile (media).
pub const PROD: &str = "210000000001";
pub const MEDIA: &str = "220000000002";

fn sts(credentials: Credentials) -> aws_sdk_sts::Client {
    let config = aws_sdk_sts::Config::builder()
        .behavior_version(aws_sdk_sts::config::BehaviorVersion::latest())
        .region(aws_sdk_sts::config::Region::new("us-east-1"))
        .endpoint_url(&emulator().endpoint)
        .credentials_provider(credentials)
        .build();
    aws_sdk_sts::Client::from_conf(config)
}

/// Credentials acting in `account`, from a role assumed with the test credentials.
pub fn credentials_in(account: &str) -> Credentials {
    runtime().block_on(async {
        let assumed = sts(Credentials::new("test", "test", None, None, "tests"))
            .assume_role()
            .role_arn(format!("arn:aws:iam::{account}:role/seed"))
            .role_session_name("tests")
            .send()
            .await
            .unwrap_or_else(|e| panic!("assume a role in {account}: {e:?}"));
        let c = assumed.credentials().expect("assumed credentials");
        Credentials::new(
            c.access_key_id(),
            c.secret_access_key(),
            Some(c.session_token().to_string()),
            None,
            "tests",
        )
    })
}

pub fn s3_in(account: &str) -> aws_sdk_s3::Client {
    super::s3::client_as(&emulator().endpoint, credentials_in(account), "us-east-1")
}

pub fn cloudfront_in(account: &str) -> aws_sdk_cloudfront::Client {
    let config = aws_sdk_cloudfront::Config::builder()
        .behavior_version(aws_sdk_cloudfront::config::BehaviorVersion::latest())
        .region(aws_sdk_cloudfront::config::Region::new("us-east-1"))
        .endpoint_url(&emulator().endpoint)
        .credentials_provider(credentials_in(account))
        .build();
    aws_sdk_cloudfront::Client::from_conf(config)
}

/// The account a request signed with this access key acts in, as moto answers it (moto checks
/// no signatures, so the key ID alone tells).
pub fn account_of_key(key_id: &str) -> String {
    runtime().block_on(async {
        sts(Credentials::new(key_id, "unchecked", None, None, "tests"))
            .get_caller_identity()
            .send()
            .await
            .expect("GetCallerIdentity")
            .account
            .expect("an account")
    })
}

/// The account each request head was signed to act in (`Credential=KEY/...`).
pub fn accounts_signing(heads: &[String]) -> Vec<String> {
    heads
        .iter()
        .map(|head| {
            let key = head
                .split("Credential=")
                .nth(1)
                .and_then(|rest| rest.split('/').next())
                .expect("a signed request");
            account_of_key(key)
        })
        .collect()
}

/// The names of the buckets `account` owns (its own ListBuckets).
pub fn buckets_of(account: &str) -> Vec<String> {
    let client = s3_in(account);
    runtime().block_on(async {
        client
            .list_buckets()
            .send()
            .await
            .expect("ListBuckets")
            .buckets()
            .iter()
            .filter_map(|b| b.name().map(str::to_string))
            .collect()
    })
}

/// A run through `proxy`, with the profile `media-admin` assuming a role in media from the
/// profile `base`. A profile's own STS calls take their endpoint from the environment.
pub fn through(proxy: &FaultProxy, manifest: &str) -> CorsSync {
    let run = cors_sync()
        .manifest(manifest)
        .file(
            "aws/config",
            &format!("[profile base]\nregion = us-east-1\n[profile media-admin]\nrole_arn = arn:aws:iam::{MEDIA}:role/media\nsource_profile = base\n"),
        )
        .file("aws/credentials", "[base]\naws_access_key_id = test\naws_secret_access_key = test\n")
        .endpoint(Some(&proxy.endpoint))
        .env("AWS_ENDPOINT_URL_STS", &proxy.endpoint);
    let (config, credentials) = (run.path("aws/config"), run.path("aws/credentials"));
    run.env("AWS_CONFIG_FILE", &config.display().to_string())
        .env(
            "AWS_SHARED_CREDENTIALS_FILE",
            &credentials.display().to_string(),
        )
}
