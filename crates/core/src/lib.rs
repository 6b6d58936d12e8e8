//! The pure core of cors-sync: manifest → desired model, live model → diff → plan → rendering.
//!
//! Nothing here talks to AWS or needs an async runtime, so everything is tested in milliseconds.

pub mod access;
pub mod account;
pub mod address;
pub mod bucket;
pub mod bucket_cors;
pub mod cloudfront;
pub mod convert;
pub mod diagnostic;
mod error;
pub mod evaluate;
pub mod explain;
pub mod fingerprint;
pub mod import;
pub mod input;
pub mod journal;
pub mod lint;
pub mod live_targets;
pub mod manifest;
pub mod normalize;
pub mod output_file;
pub mod plan;
pub mod plan_file;
pub mod provider;
pub mod redact;
pub mod render;
pub mod rollback;
pub mod s3_limits;
pub mod signature;
pub mod visible;

pub use error::Error;
