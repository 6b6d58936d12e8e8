//! Command-line flags. Names here are a contract with users' pipelines: add, never rename.

use std::path::PathBuf;

use clap::{Args, CommandFactory, Parser, Subcommand, ValueEnum};
use cors_sync_core::provider::{self, Provider};

/// The command line as clap reads it; `parse` turns it into `Cli`.
#[derive(Debug, Parser)]
#[command(
    name = "cors-sync",
    version,
    about = "Keep S3 bucket and CloudFront CORS equal to a reviewed YAML manifest: validate, plan, apply, import.",
    after_help = "Exit codes: 0 success, 1 error, 2 changes present (plan --detailed-exitcode)."
)]
struct Invocation {
    #[command(subcommand)]
    command: Command,
    /// Before the subcommand (`cors-sync --profile X plan`); only the commands that reach AWS
    /// take them.
    #[command(
        flatten,
        next_help_heading = "AWS connection (plan, apply, import, check, verify, rollback; also after the command)"
    )]
    connection: ConnectionFlags,
    #[command(flatten)]
    store: StoreArgs,
    #[command(flatten)]
    output: OutputArgs,
}

/// The command line: the command, how to reach AWS (from flags before or after the command's
/// name), and how to print.
#[derive(Debug)]
pub struct Cli {
    pub command: Command,
    pub connection: ConnectionArgs,
    pub output: OutputArgs,
}

/// Parses the process's arguments. The AWS connection flags are accepted before the command's
/// name or after it, but only by a command that reaches AWS: an offline command does not list
/// them and refuses them, since they would do nothing.
pub fn parse() -> Result<Cli, clap::Error> {
    let invocation = Invocation::try_parse()?;
    let before = &invocation.connection;
    let connection = match invocation.command.connection_flags() {
        Some(after) => before.then(after),
        None => {
            if let Some(flag) = before.first_given() {
                return Err(Invocation::command().error(
                    clap::error::ErrorKind::ArgumentConflict,
                    format!(
                        "{flag} is an AWS connection flag, and `cors-sync {}` works offline: it reads no AWS; remove {flag}",
                        invocation.command.name()
                    ),
                ));
            }
            before.then(&ConnectionFlags::default())
        }
    };
    Ok(Cli {
        command: invocation.command,
        connection: ConnectionArgs {
            provider: invocation.store.provider,
            ..connection
        },
        output: invocation.output,
    })
}

/// How to reach AWS, resolved: a flag after the command's name wins over the same flag before it.
#[derive(Debug, Clone)]
pub struct ConnectionArgs {
    pub profile: Option<String>,
    pub region: Option<String>,
    pub endpoint_url: Option<String>,
    pub parallelism: u16,
    pub timeout: u64,
    pub max_attempts: Option<u32>,
    pub accounts: Vec<String>,
    /// The store resources outside a declared account are on (`--provider`).
    pub provider: Option<Provider>,
}

/// Which S3-compatible store the run is about, for a manifest without `accounts:`. Every command
/// takes it, the offline ones too: validate, lints and check judge rules by the store's profile.
#[derive(Debug, Default, Args)]
#[command(next_help_heading = "Store")]
pub struct StoreArgs {
    /// Which S3-compatible store the buckets are on, for a manifest without `accounts:` (aws, r2,
    /// spaces, b2, wasabi, ceph, garage, seaweedfs, minio, scaleway, ovh; docs/providers.md).
    #[arg(long, global = true, value_name = "NAME", env = "CORS_SYNC_PROVIDER", value_parser = parse_provider)]
    pub provider: Option<Provider>,
}

fn parse_provider(name: &str) -> Result<Provider, String> {
    Provider::from_name(name).ok_or_else(|| provider::name_problem(name, &provider::NAMES).0)
}

const DEFAULT_PARALLELISM: u16 = 16;
const DEFAULT_TIMEOUT_SECONDS: u64 = 30;

/// How to reach AWS, as written on the command line: on every command that reaches AWS, and
/// before any command's name.
#[derive(Debug, Default, Args)]
pub struct ConnectionFlags {
    /// AWS profile from ~/.aws/config (default: the standard credential chain).
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,
    /// Region to ask first when discovering a bucket's region (default: from the environment
    /// or profile, else us-east-1). A bucket's `region:` in the manifest always wins.
    #[arg(long, value_name = "REGION")]
    pub region: Option<String>,
    /// Send requests to this endpoint instead of AWS (an emulator); also AWS_ENDPOINT_URL(_S3).
    /// Buckets are then addressed by path.
    #[arg(long, value_name = "URL")]
    pub endpoint_url: Option<String>,
    /// How many AWS requests to run at once [default: 16].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=256))]
    pub parallelism: Option<u16>,
    /// The most one attempt of one AWS call may take before it is abandoned and retried
    /// [default: 30].
    #[arg(long, value_name = "SECONDS", value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub timeout: Option<u64>,
    /// Attempts per AWS call, the first included (default: 3 for S3, 6 for CloudFront). Throttling,
    /// 5xx answers, timeouts and dropped connections are retried with jittered backoff.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=20))]
    pub max_attempts: Option<u32>,
    /// Only this declared account (repeatable): other accounts' resources are neither read nor
    /// written, and their roles are not assumed.
    #[arg(long = "account", value_name = "NAME")]
    pub accounts: Vec<String>,
}

impl ConnectionFlags {
    /// These flags (written before the command's name), overridden by `after` (written after).
    fn then(&self, after: &ConnectionFlags) -> ConnectionArgs {
        ConnectionArgs {
            provider: None,
            profile: after.profile.clone().or_else(|| self.profile.clone()),
            region: after.region.clone().or_else(|| self.region.clone()),
            endpoint_url: after
                .endpoint_url
                .clone()
                .or_else(|| self.endpoint_url.clone()),
            parallelism: after
                .parallelism
                .or(self.parallelism)
                .unwrap_or(DEFAULT_PARALLELISM),
            timeout: after
                .timeout
                .or(self.timeout)
                .unwrap_or(DEFAULT_TIMEOUT_SECONDS),
            max_attempts: after.max_attempts.or(self.max_attempts),
            accounts: self.accounts.iter().chain(&after.accounts).fold(
                Vec::new(),
                |mut accounts, name| {
                    // `--account prod plan --account prod` names one account, not two.
                    if !accounts.contains(name) {
                        accounts.push(name.clone());
                    }
                    accounts
                },
            ),
        }
    }

    /// The first flag given, as written, for the message refusing it.
    fn first_given(&self) -> Option<&'static str> {
        [
            (self.profile.is_some(), "--profile"),
            (self.region.is_some(), "--region"),
            (self.endpoint_url.is_some(), "--endpoint-url"),
            (self.parallelism.is_some(), "--parallelism"),
            (self.timeout.is_some(), "--timeout"),
            (self.max_attempts.is_some(), "--max-attempts"),
            (!self.accounts.is_empty(), "--account"),
        ]
        .into_iter()
        .find_map(|(given, flag)| given.then_some(flag))
    }
}

#[derive(Debug, Args)]
#[command(next_help_heading = "Output")]
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
    /// Print a plan saved by `plan --out` exactly as `plan` printed it, with where and when it
    /// was made. Offline: no credentials, no AWS.
    Show(ShowArgs),
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
    /// Why did the browser refuse a request? Reads a console message (--message), a HAR export
    /// (--har) or a curl line (--curl), names the cause and the nearest rule of the manifest, and
    /// with --fix the smallest change that makes it pass. Offline for buckets; a distribution
    /// (--target cloudfront://ID) and --live read AWS. Exit 0 explained, 1 error.
    Explain(ExplainArgs),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExplainFormat {
    Text,
    /// `{"format_version": 1, "explanations": [...]}` (a contract).
    Json,
}

#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("input").required(true).args(["message", "har", "curl"]))]
pub struct ExplainArgs {
    /// A console message pasted from Chrome/Chromium or Firefox (`-` reads stdin).
    #[arg(long, value_name = "TEXT|-")]
    pub message: Option<String>,
    /// A HAR export from Chrome's or Firefox's devtools: every failed cross-origin request in it.
    #[arg(long, value_name = "FILE")]
    pub har: Option<PathBuf>,
    /// A curl command line; its Origin is compared literally, as S3 compares it.
    #[arg(long, value_name = "CMD")]
    pub curl: Option<String>,
    /// s3://BUCKET or cloudfront://ID[/PATH], when the URL does not name the bucket (a custom
    /// domain, an emulator, CloudFront).
    #[arg(long, value_name = "TARGET")]
    pub target: Option<String>,
    /// The page's origin, when the input does not name it (Firefox's messages never do).
    #[arg(long, value_name = "ORIGIN")]
    pub origin: Option<String>,
    /// The request's method, when the input does not name it.
    #[arg(long, value_name = "METHOD")]
    pub method: Option<String>,
    /// A header the page sets, `NAME: VALUE` or a bare `NAME` (repeat for more), as `check`
    /// takes them.
    #[arg(long = "header", value_name = "NAME[: VALUE]")]
    pub headers: Vec<String>,
    /// The request carries credentials (fetch `credentials: 'include'`).
    #[arg(long)]
    pub credentials: bool,
    /// Judge against live state (read from AWS) instead of the manifest.
    #[arg(long)]
    pub live: bool,
    /// Show the smallest manifest change that makes the request pass, as a unified diff.
    #[arg(long)]
    pub fix: bool,
    /// With --fix: write the change into the manifest file.
    #[arg(long, requires = "fix")]
    pub write: bool,
    #[arg(long, value_enum, default_value_t = ExplainFormat::Text)]
    pub format: ExplainFormat,
    #[command(flatten)]
    pub manifest: ManifestArgs,
    #[command(
        flatten,
        next_help_heading = "AWS connection (with --live, or a cloudfront:// target)"
    )]
    pub connection: ConnectionFlags,
}

impl Command {
    /// The flags that say how to reach AWS, for the commands that reach it.
    fn connection_flags(&self) -> Option<&ConnectionFlags> {
        match self {
            Command::Plan(args) => Some(&args.connection),
            Command::Apply(args) => Some(&args.connection),
            Command::Import(args) => Some(&args.connection),
            Command::Check(args) => Some(&args.connection),
            Command::Verify(args) => Some(&args.connection),
            Command::Rollback(args) => Some(&args.connection),
            Command::Explain(args) => Some(&args.connection),
            Command::Validate(_)
            | Command::Show(_)
            | Command::Schema
            | Command::Convert(_)
            | Command::Export(_)
            | Command::Diff(_) => None,
        }
    }

    /// The name the command is run by.
    fn name(&self) -> &'static str {
        match self {
            Command::Validate(_) => "validate",
            Command::Plan(_) => "plan",
            Command::Show(_) => "show",
            Command::Apply(_) => "apply",
            Command::Import(_) => "import",
            Command::Schema => "schema",
            Command::Check(_) => "check",
            Command::Verify(_) => "verify",
            Command::Rollback(_) => "rollback",
            Command::Convert(_) => "convert",
            Command::Export(_) => "export",
            Command::Diff(_) => "diff",
            Command::Explain(_) => "explain",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ShowFormat {
    Text,
    /// The JSON plan document (format_version 1), with `saved_plan` added.
    Json,
    /// The pull-request comment.
    Markdown,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// A plan file written by `cors-sync plan --out PLANFILE`.
    #[arg(value_name = "PLANFILE")]
    pub planfile: PathBuf,
    #[arg(long, value_enum, default_value_t = ShowFormat::Text)]
    pub format: ShowFormat,
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BrowserEngine {
    Chromium,
    Firefox,
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
    /// Judge as this browser engine does (default: both, naming any disagreement between them).
    #[arg(long, value_enum, value_name = "ENGINE")]
    pub browser: Option<BrowserEngine>,
    #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
    pub format: CheckFormat,
    #[command(flatten)]
    pub manifest: ManifestArgs,
    /// Only a cloudfront:// target (whose behavior is read from AWS) or --live reaches AWS.
    #[command(
        flatten,
        next_help_heading = "AWS connection (with --live, or a cloudfront:// target)"
    )]
    pub connection: ConnectionFlags,
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    #[command(flatten)]
    pub manifest: ManifestArgs,
    /// Send distribution probes to this base URL instead of each distribution's domain
    /// (a proxy, or a test server standing in for CloudFront).
    #[arg(long, value_name = "URL")]
    pub cloudfront_endpoint: Option<String>,
    #[command(flatten, next_help_heading = "AWS connection")]
    pub connection: ConnectionFlags,
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
    #[command(flatten, next_help_heading = "AWS connection")]
    pub connection: ConnectionFlags,
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
    /// Only this resource (repeatable), as terraform's -target: `s3_bucket.NAME`,
    /// `cloudfront_distribution.ID`, `origin_request_policy.NAME` or
    /// `response_headers_policy.NAME`. Nothing else is read or planned, and the plan says it is
    /// partial.
    #[arg(long = "target", value_name = "ADDRESS")]
    pub targets: Vec<String>,
    #[command(flatten, next_help_heading = "AWS connection")]
    pub connection: ConnectionFlags,
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
    /// Only this resource (repeatable), as `plan --target`: nothing else is read, planned or
    /// written. A saved plan applies the targets it was made with.
    #[arg(long = "target", value_name = "ADDRESS", conflicts_with = "planfile")]
    pub targets: Vec<String>,
    #[command(flatten)]
    pub writing: WriteArgs,
    #[command(flatten, next_help_heading = "AWS connection")]
    pub connection: ConnectionFlags,
}

/// How writes are made: backups first, and optionally waiting for CloudFront deployments.
#[derive(Debug, Args)]
pub struct WriteArgs {
    /// Where each run records the previous state of every resource before writing it
    /// (`cors-sync rollback` restores from there).
    #[arg(long, value_name = "DIR", default_value = ".cors-sync/backups")]
    pub backup_dir: PathBuf,
    /// Wait until every updated CloudFront distribution is deployed, and every bucket written on
    /// a store that takes time to show a change (Cloudflare R2: up to 30 s) reads back as written.
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
    /// Every bucket of the account that has a CORS configuration (ListBuckets, page by page).
    #[arg(long, group = "resources")]
    pub all: bool,
    /// With --all: every CloudFront distribution of the account too.
    #[arg(long = "distributions", requires = "all")]
    pub every_distribution: bool,
    /// With --all: buckets without CORS too, as `cors_rules: []` (cors-sync then keeps them
    /// without CORS).
    #[arg(long, requires = "all")]
    pub include_empty: bool,
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
    #[command(flatten, next_help_heading = "AWS connection")]
    pub connection: ConnectionFlags,
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
