//! End-to-end tests: the built `cors-sync` binary against a real S3 API (moto, started by the
//! harness on a free loopback port). Each test uses bucket names of its own.

mod support;

mod accounts;
mod answers;
mod backups;
mod browser;
mod check;
mod cli;
mod cloudfront;
mod cloudfront_answers;
mod convert;
mod diff;
mod explain;
mod findings;
mod fresh_clone;
mod gitops;
mod hostile_files;
mod import;
mod providers;
mod races;
mod readme;
mod regions;
mod reliability;
mod rollback;
mod s3_plan_apply;
mod saved_plans;
mod show;
mod signals;
mod signing;
mod targets;
mod terminal;
mod verify;
mod written_output;
