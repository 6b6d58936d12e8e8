//! The AWS adapter of cors-sync: the only code that talks to AWS.
//!
//! `connection` builds clients from the user's standard credential chain, `live_state` reads what
//! S3 holds, `apply` writes planned changes. Deciding what to change is the core crate's job.

mod account;
pub mod apply;
pub mod cloudfront;
pub mod connection;
mod cors_answer;
pub mod error;
pub mod live_state;
#[cfg(test)]
mod mock_tests;
#[cfg(test)]
mod pool_tests;
pub mod probe;
pub mod propagation;
mod s3_rules;
mod whole_answer;

/// The CloudFront client type, for callers that pass one to the `cloudfront` functions.
pub use aws_sdk_cloudfront::Client as CloudFrontClient;
pub use connection::{Aws, ConnectionOptions};
pub use error::{AwsError, Error, ErrorCode, LocalFailure, MissingCredentials, NotSent};
