//! The AWS adapter of cors-sync: the only code that talks to AWS.
//!
//! `connection` builds clients from the user's standard credential chain, `live_state` reads what
//! S3 holds, `apply` writes planned changes. Deciding what to change is the core crate's job.

pub mod apply;
pub mod cloudfront;
pub mod connection;
pub mod error;
pub mod live_state;
mod s3_rules;

pub use connection::{Aws, ConnectionOptions};
pub use error::AwsError;
