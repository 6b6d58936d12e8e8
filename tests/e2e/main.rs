//! End-to-end tests: the built `cors-sync` binary against a real S3 API (moto, started by the
//! harness on a free loopback port). Each test uses bucket names of its own.

mod support;

mod accounts;
mod answers;
mod browser;
mod check;
mod cli;
mod cloudfront;
mod convert;
mod diff;
mod findings;
mod gitops;
mod hostile_files;
mod import;
mod races;
mod regions;
mod reliability;
mod rollback;
mod s3_plan_apply;
mod saved_plans;
mod signals;
mod signing;
mod terminal;
mod verify;
mod written_output;
