//! Command-line flags. Names here are a contract with users' pipelines: add, never rename.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "cors-sync",
    version,
    about = "Keep S3 bucket and CloudFront CORS equal to a reviewed YAML manifest: validate, plan, apply, import.",
    after_help = "Exit codes: 0 success, 1 error, 2 changes present (plan --detailed-exitcode)."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    #[command(flatten)]
    pub connection: ConnectionArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// How to reach AWS. Global, so they work before or after the subcommand.
#[derive(Debug, Args)]
pub struct ConnectionArgs {
    /// AWS profile from ~/.aws/config (default: the standard credential chain).
    #[arg(long, global = true, value_name = "NAME")]
    pub profile: Option<String>,
    /// Region to ask first when discovering a bucket's region (default: from the environment
    /// or profile, else us-east-1). A bucket's `region:` in the manifest always wins.
    #[arg(long, global = true, value_name = "REGION")]
    pub region: Option<String>,
    /// Send requests to this endpoint instead of AWS (an emulator); also AWS_ENDPOINT_URL(_S3).
    /// Buckets are then addressed by path.
    #[arg(long, global = true, value_name = "URL")]
    pub endpoint_url: Option<String>,
    /// How many AWS requests to run at once.
    #[arg(long, global = true, value_name = "N", default_value_t = 16, value_parser = clap::value_parser!(u16).range(1..=256))]
    pub parallelism: u16,
    /// The most one attempt of one AWS call may take before it is abandoned and retried.
    #[arg(long, global = true, value_name = "SECONDS", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub timeout: u64,
    /// Attempts per AWS call, the first included (default: 3 for S3, 6 for CloudFront). Throttling,
    /// 5xx answers, timeouts and dropped connections are retried with jittered backoff.
    #[arg(long, global = true, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=20))]
    pub max_attempts: Option<u32>,
    /// Only this declared account (repeatable): other accounts' resources are neither read nor
    /// written, and their roles are not assumed. For plan, apply, verify, import, check --live
    /// and rollback.
    #[arg(long = "account", global = true, value_name = "NAME")]
    pub accounts: Vec<String>,
}

#[derive(Debug, Args)]
pub struct OutputArgs {
    /// Never colour output (colour is used only on a terminal, and never when NO_COLOR is set).
    #[arg(long, global = true)]
    pub no_color: bool,
    /// No progress bars or notes on stderr (errors are still printed).
    #[arg(long, short = 'q', global = true)]
    pub quiet: bool,
    /// Log the AWS SDK's requests, retries and timings to stderr. Credentials and request
    /// signatures are never logged.
    #[arg(long, global = true)]
    pub debug: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check the manifest offline: every problem at once, with file, line and column.
    Validate(ValidateArgs),
    /// Show what apply would change in AWS.
    Plan(PlanArgs),
    /// Make AWS match the manifest, after showing the plan and asking for `yes`.
    Apply(ApplyArgs),
    /// Print a manifest of buckets' and distributions' live CORS configuration.
    Import(ImportArgs),
    /// Print the manifest's JSON Schema, for editors (yaml-language-server) to validate and complete.
    Schema,
    /// Will a browser's request work? Evaluates S3's CORS rules (and CloudFront in front of them)
    /// against the manifest, or live state with --live. Exit 0 allowed, 2 denied, 1 error.
    Check(CheckArgs),
    /// Send real preflights, derived from the manifest's rules, to the live endpoints and compare
    /// the answers with what the evaluator predicts. Exit 0 all agree, 2 mismatches, 1 error.
    Verify(VerifyArgs),
    /// Restore what an apply's backup recorded (the latest by default): shown as a plan first,
    /// applied with the same confirmation rules as apply.
    Rollback(RollbackArgs),
    /// Convert CORS kept elsewhere (the S3 API's JSON, `terraform show -json`, CloudFormation
    /// templates) into a version-1 manifest on stdout. Offline: no credentials, no AWS.
    Convert(ConvertArgs),
    /// Write the manifest's buckets as the S3 API's JSON, for `aws s3api put-bucket-cors`.
    Export(ExportArgs),
    /// What a manifest change does to browsers' access, offline: BASE and HEAD manifests, or
    /// `--base-ref REF` against the working tree. Exit 0; with --detailed-exitcode 2 when access
    /// changes; with --fail-on-widen 3 when it widens.
    Diff(DiffArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    Text,
    /// One JSON document (format_version 1), a contract.
    Json,
    /// A pull-request comment headed by what the change does to access.
    Markdown,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The manifest before the change (a file or a directory).
    #[arg(value_name = "BASE", requires = "head", conflicts_with = "base_ref")]
    pub base: Option<PathBuf>,
    /// The manifest after the change.
    #[arg(value_name = "HEAD")]
    pub head: Option<PathBuf>,
    /// Compare the manifest at this git revision (read with git) with the working tree's.
    #[arg(long, value_name = "REF", required_unless_present = "base")]
    pub base_ref: Option<String>,
    /// With --base-ref: the manifest's path, in the working tree and at REF.
    #[arg(
        short = 'f',
        long = "manifest",
        value_name = "PATH",
        default_value = "manifests"
    )]
    pub manifest: PathBuf,
    #[arg(long, value_enum, default_value_t = DiffFormat::Text)]
    pub format: DiffFormat,
    /// Exit 2 when the change does anything to access (0 when it does nothing).
    #[arg(long)]
    pub detailed_exitcode: bool,
    /// Exit 3 when the change widens access anywhere, for a required check.
    #[arg(long)]
    pub fail_on_widen: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ConvertFormat {
    /// `{"CORSRules": [...]}` (the AWS guide's s3-cors.json, get-bucket-cors output).
    AwsJson,
    /// The JSON of `terraform show -json`, of a state or a saved plan.
    Terraform,
    /// A CloudFormation or CDK template, JSON or YAML.
    Cloudformation,
}

#[derive(Debug, Args)]
pub struct ConvertArgs {
    #[arg(value_enum)]
    pub format: ConvertFormat,
    /// Files to read (`-` reads stdin).
    #[arg(value_name = "FILE", required = true)]
    pub files: Vec<String>,
    /// aws-json: the bucket a file configures, `NAME` for the one file or `NAME=FILE`.
    #[arg(long = "bucket", value_name = "NAME[=FILE]")]
    pub buckets: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// The S3 API's JSON: what `aws s3api put-bucket-cors --cors-configuration file://...` takes.
    AwsJson,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    #[arg(value_enum)]
    pub format: ExportFormat,
    #[command(flatten)]
    pub manifest: ManifestArgs,
    /// Only this bucket.
    #[arg(long, value_name = "NAME")]
    pub bucket: Option<String>,
    /// Write one `<bucket>.json` per bucket here; without it, the one bucket goes to stdout.
    #[arg(long, value_name = "DIR")]
    pub out_dir: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CheckFormat {
    Text,
    Json,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// s3://BUCKET[/KEY] or cloudfront://DISTRIBUTION_ID[/PATH]
    #[arg(value_name = "TARGET")]
    pub target: String,
    /// The page's origin, e.g. https://www.example.com
    #[arg(long, value_name = "ORIGIN")]
    pub origin: String,
    /// The method the page uses (GET, PUT, ...), normalised as fetch does (`put` is PUT; any
    /// other method, such as `patch`, is sent as written).
    #[arg(long, value_name = "METHOD")]
    pub method: String,
    /// A header the page sets, `NAME: VALUE` or a bare `NAME` (repeat for more). CORS-safelisted
    /// ones (`Content-Type: text/plain`, `Accept`, `Range: bytes=0-99`, ...) need no preflight;
    /// a bare name whose safelisting depends on its value is judged as not safelisted.
    #[arg(long = "header", value_name = "NAME[: VALUE]")]
    pub headers: Vec<String>,
    /// The request carries credentials (fetch `credentials: 'include'`, XHR `withCredentials`):
    /// the answer must name the origin and allow credentials, and `*` means only itself.
    #[arg(long)]
    pub credentials: bool,
    /// Evaluate live state instead of the manifest.
    #[arg(long)]
    pub live: bool,
    #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
    pub format: CheckFormat,
    #[command(flatten)]
    pub manifest: ManifestArgs,
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    #[command(flatten)]
    pub manifest: ManifestArgs,
    /// Send distribution probes to this base URL instead of each distribution's domain
    /// (a proxy, or a test server standing in for CloudFront).
    #[arg(long, value_name = "URL")]
    pub cloudfront_endpoint: Option<String>,
}

#[derive(Debug, Args)]
pub struct RollbackArgs {
    /// A backup directory, or its name under --backup-dir (default: the latest).
    #[arg(value_name = "BACKUP")]
    pub backup: Option<PathBuf>,
    /// Apply without asking; required when stdin is not a terminal.
    #[arg(long)]
    pub auto_approve: bool,
    #[command(flatten)]
    pub writing: WriteArgs,
}

#[derive(Debug, Args)]
pub struct ManifestArgs {
    /// A manifest file, or a directory whose *.yaml and *.yml files are merged.
    #[arg(
        short = 'f',
        long = "manifest",
        value_name = "PATH",
        default_value = "manifests"
    )]
    pub manifest: PathBuf,
    /// Treat lint warnings (CS001, ...) as errors: exit 1 and change nothing.
    #[arg(long)]
    pub strict: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PlanFormat {
    Text,
    Json,
    /// A pull-request comment: summary, table of changes, collapsible diffs, warnings.
    Markdown,
    /// The lints found, as SARIF 2.1.0 for code scanning (the plan itself is not in it).
    Sarif,
    /// The lints found, as GitHub Actions workflow commands on the manifest's lines.
    Github,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ValidateFormat {
    Text,
    /// `{"valid", "error_count", "warning_count", "diagnostics": [...]}` (a contract).
    Json,
    /// SARIF 2.1.0, for GitHub code scanning and other SARIF readers.
    Sarif,
    /// GitHub Actions workflow commands, shown on the pull request's changed lines.
    Github,
}

#[derive(Debug, Args)]
pub struct ValidateArgs {
    #[command(flatten)]
    pub manifest: ManifestArgs,
    /// How to print the findings; `text` prints them on stderr, the others on stdout.
    #[arg(long, value_enum, default_value_t = ValidateFormat::Text)]
    pub format: ValidateFormat,
}

#[derive(Debug, Args)]
pub struct PlanArgs {
    #[command(flatten)]
    pub manifest: ManifestArgs,
    /// Output format; `json` prints exactly one JSON document (format_version 1).
    #[arg(long, value_enum, default_value_t = PlanFormat::Text)]
    pub format: PlanFormat,
    /// Exit 2 when the plan has changes (0 when it has none, 1 on error).
    #[arg(long)]
    pub detailed_exitcode: bool,
    /// Save the plan (changes and a fingerprint of the live state they were computed from) for
    /// `cors-sync apply PLANFILE`.
    #[arg(long, value_name = "PLANFILE")]
    pub out: Option<PathBuf>,
    /// Also list buckets that have a CORS configuration but are not in the manifest
    /// (ListBuckets + GetBucketCors), as information, never as a change.
    #[arg(long)]
    pub report_unmanaged: bool,
}

#[derive(Debug, Args)]
pub struct ApplyArgs {
    /// A plan saved by `plan --out`: applied exactly, with no prompt, after checking that live
    /// state has not moved since. The manifest is not read.
    #[arg(value_name = "PLANFILE")]
    pub planfile: Option<PathBuf>,
    #[command(flatten)]
    pub manifest: ManifestArgs,
    /// Apply without asking; required when stdin is not a terminal.
    #[arg(long)]
    pub auto_approve: bool,
    #[command(flatten)]
    pub writing: WriteArgs,
}

/// How writes are made: backups first, and optionally waiting for CloudFront deployments.
#[derive(Debug, Args)]
pub struct WriteArgs {
    /// Where each run records the previous state of every resource before writing it
    /// (`cors-sync rollback` restores from there).
    #[arg(long, value_name = "DIR", default_value = ".cors-sync/backups")]
    pub backup_dir: PathBuf,
    /// Wait until every updated CloudFront distribution is deployed.
    #[arg(long)]
    pub wait: bool,
    /// Seconds between deployment status checks with --wait (at least 1).
    #[arg(
        long,
        value_name = "SECONDS",
        default_value_t = 20,
        requires = "wait",
        value_parser = wait_interval_seconds
    )]
    pub wait_interval: u64,
    /// Give up waiting after this many seconds (the update itself is already made).
    #[arg(
        long,
        value_name = "SECONDS",
        default_value_t = 1800,
        requires = "wait"
    )]
    pub wait_timeout: u64,
}

#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("resources").required(true).multiple(true))]
pub struct ImportArgs {
    /// A bucket to import; repeat for more.
    #[arg(long = "bucket", value_name = "NAME", group = "resources")]
    pub buckets: Vec<String>,
    /// A CloudFront distribution to import (every behavior, and the custom policies they use);
    /// repeat for more.
    #[arg(long = "distribution", value_name = "ID", group = "resources")]
    pub distributions: Vec<String>,
    /// With --account: the manifest that declares the account (how to act in it).
    #[arg(
        short = 'f',
        long = "manifest",
        value_name = "PATH",
        default_value = "manifests"
    )]
    pub manifest: std::path::PathBuf,
}

/// `--wait-interval`: a whole number of seconds, at least one. A deployment takes minutes, and
/// `0` would poll GetDistribution many times a second, spending the account's CloudFront request
/// rate (shared with every other tool using it) for nothing; refused rather than silently raised,
/// so what runs is what was asked.
fn wait_interval_seconds(text: &str) -> Result<u64, String> {
    let seconds: u64 = text
        .parse()
        .map_err(|_| format!("`{text}` is not a whole number of seconds"))?;
    if seconds == 0 {
        return Err("the interval between deployment checks is at least 1 second".to_string());
    }
    Ok(seconds)
}
