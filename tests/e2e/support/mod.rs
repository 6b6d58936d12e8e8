//! The end-to-end harness: a scenario is seed live state → write a manifest → run the real
//! binary → assert its output, exit code and the live state afterwards.

pub mod accounts;
pub mod cloudfront;
pub mod emulator;
pub mod fault_proxy;
pub mod http;
pub mod random;
pub mod s3;

use std::io::{Read, Write};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub use emulator::emulator;

/// Snapshots a whole run, exit code, stdout and stderr together, with what varies between runs
/// redacted by insta's filters (see `snapshot_settings`); `redact VALUE => NAME` adds one for a
/// value this test made, such as a distribution ID.
macro_rules! assert_run {
    ($run:expr, $(redact $value:expr => $name:expr,)* @$snapshot:literal) => {{
        let settings = $crate::support::snapshot_settings(&[$((&$value[..], $name)),*]);
        settings.bind(|| insta::assert_snapshot!($run.transcript(), @$snapshot));
    }};
}
pub(crate) use assert_run;

/// insta settings that redact what differs from run to run: the emulator's address, other
/// loopback ports (fault proxies), AWS request IDs, backup directories' times, and `redact`.
pub fn snapshot_settings(redact: &[(&str, &str)]) -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    settings.add_filter(&regex::escape(&emulator().endpoint), "http://EMULATOR");
    settings.add_filter(r"127\.0\.0\.1:\d+", "127.0.0.1:PORT");
    settings.add_filter(r"\(request ID [^)\s]+\)", "(request ID [ID])");
    settings.add_filter(r"\d{8}T\d{6}Z(-\d+)?", "[TIME]");
    for (value, name) in redact {
        settings.add_filter(&regex::escape(value), *name);
    }
    settings
}

/// Credentials every run gets; the harness fails any run whose output contains them.
pub const SECRET_KEY: &str = "test-secret-key-never-printed";
pub const SESSION_TOKEN: &str = "test-session-token-never-printed";

/// What one run of the binary did.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// One invocation of `cors-sync`, in a scratch directory holding the manifest, with an
/// environment that shares nothing with the developer's own AWS setup.
pub struct CorsSync {
    dir: tempfile::TempDir,
    args: Vec<String>,
    endpoint: Option<String>,
    stdin: String,
    env: Vec<(String, String)>,
    unset: Vec<String>,
    terminal: bool,
    file_size_blocks: Option<u64>,
    stdout_file: Option<std::path::PathBuf>,
    syscall_trace: Option<std::path::PathBuf>,
}

/// A manifest managing one bucket (region discovered) with exactly `rules`, written the way
/// `import` writes rules.
pub fn bucket_manifest(bucket: &str, rules: &[cors_sync_core::bucket_cors::CorsRule]) -> String {
    let listing = cors_sync_core::render::manifest_yaml::rules(rules);
    let indented: String = listing.lines().map(|l| format!("      {l}\n")).collect();
    format!("version: 1\nbuckets:\n  - name: {bucket}\n    cors_rules:\n{indented}")
}

/// Every command's name, and those that reach AWS.
const COMMANDS: [&str; 13] = [
    "validate", "plan", "show", "apply", "import", "schema", "check", "verify", "rollback",
    "convert", "export", "diff", "explain",
];
const ONLINE_COMMANDS: [&str; 7] = [
    "plan", "apply", "import", "check", "verify", "rollback", "explain",
];

pub fn cors_sync() -> CorsSync {
    CorsSync {
        dir: tempfile::tempdir().expect("scratch directory"),
        args: Vec::new(),
        endpoint: Some(emulator().endpoint.clone()),
        stdin: String::new(),
        env: Vec::new(),
        unset: Vec::new(),
        terminal: false,
        file_size_blocks: None,
        stdout_file: None,
        syscall_trace: None,
    }
}

impl CorsSync {
    /// Writes `manifest.yaml` in the scratch directory; pass `-f manifest.yaml` to use it.
    pub fn manifest(self, text: &str) -> Self {
        self.file("manifest.yaml", text)
    }

    pub fn file(self, name: &str, text: &str) -> Self {
        let path = self.dir.path().join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("manifest directory");
        }
        std::fs::write(path, text).expect("write manifest");
        self
    }

    pub fn path(&self, name: &str) -> std::path::PathBuf {
        self.dir.path().join(name)
    }

    /// A file in the scratch directory, as the binary left it.
    pub fn read(&self, name: &str) -> String {
        std::fs::read_to_string(self.dir.path().join(name))
            .unwrap_or_else(|e| panic!("read {name}: {e}"))
    }

    /// Runs with these arguments instead, in the same scratch directory (with its files).
    pub fn run_with<S: AsRef<str>>(&self, args: &[S]) -> Run {
        self.run_args(args.iter().map(|a| a.as_ref().to_string()).collect())
    }

    pub fn args<I: IntoIterator<Item = S>, S: AsRef<str>>(mut self, args: I) -> Self {
        self.args
            .extend(args.into_iter().map(|a| a.as_ref().to_string()));
        self
    }

    /// Talk to this endpoint instead of the emulator (a fault proxy), or to none.
    pub fn endpoint(mut self, endpoint: Option<&str>) -> Self {
        self.endpoint = endpoint.map(str::to_string);
        self
    }

    pub fn stdin(mut self, text: &str) -> Self {
        self.stdin = text.to_string();
        self
    }

    pub fn env(mut self, key: &str, value: &str) -> Self {
        self.env.push((key.to_string(), value.to_string()));
        self
    }

    /// Leaves a variable the harness normally sets out of the environment.
    pub fn without_env(mut self, key: &str) -> Self {
        self.unset.push(key.to_string());
        self
    }

    /// Runs the binary on a pseudo-terminal (util-linux `script`), as a person at a shell would;
    /// stdin is typed into the terminal and stdout and stderr both arrive on stdout.
    pub fn on_terminal(mut self) -> Self {
        self.terminal = true;
        self
    }

    /// Plans `manifest.yaml` with `--detailed-exitcode` and requires no changes (exit 0): live
    /// state has converged on the manifest.
    pub fn assert_converged(&self) {
        self.run_with(&["plan", "-f", "manifest.yaml", "--detailed-exitcode"])
            .code(0);
    }

    /// Runs with files limited to `blocks` KiB (`ulimit -f`, SIGXFSZ ignored): a write past the
    /// limit fails as it would on a full disk, after writing what fits.
    pub fn file_size_limit(mut self, blocks: u64) -> Self {
        self.file_size_blocks = Some(blocks);
        self
    }

    /// Runs with stdout opened on this file (`> /dev/full`) instead of a pipe; `Run::stdout` is
    /// then empty.
    pub fn stdout_to(mut self, path: &std::path::Path) -> Self {
        self.stdout_file = Some(path.to_path_buf());
        self
    }

    /// Runs under strace, its writes, sends and flushes (every thread's, in the order they
    /// happened, file descriptors named) traced to this file: for tests of what reaches the
    /// disk before what is sent.
    pub fn syscall_trace(mut self, path: &std::path::Path) -> Self {
        self.syscall_trace = Some(path.to_path_buf());
        self
    }

    pub fn run(&self) -> Run {
        self.run_args(self.args.clone())
    }

    fn command(&self, mut args: Vec<String>) -> Command {
        let binary = env!("CARGO_BIN_EXE_cors-sync");
        // Only the commands that reach AWS take connection flags; the offline ones refuse them.
        let online = args
            .iter()
            .find(|a| COMMANDS.contains(&a.as_str()))
            .is_some_and(|command| ONLINE_COMMANDS.contains(&command.as_str()));
        if let (Some(endpoint), true) = (&self.endpoint, online) {
            args.extend(["--endpoint-url".to_string(), endpoint.clone()]);
        }
        let mut command = if self.terminal {
            let line: Vec<String> = std::iter::once(binary.to_string())
                .chain(args)
                .map(|a| shell_quote(&a))
                .collect();
            let mut script = Command::new("script");
            script.args([
                "--quiet",
                "--return",
                "--command",
                &line.join(" "),
                "/dev/null",
            ]);
            script
        } else if let Some(blocks) = self.file_size_blocks {
            let mut limited = Command::new("bash");
            limited
                .arg("-c")
                .arg(format!(
                    "trap '' XFSZ; ulimit -f {blocks}; exec \"$0\" \"$@\""
                ))
                .arg(binary)
                .args(args);
            limited
        } else if let Some(trace) = &self.syscall_trace {
            let mut traced = Command::new("strace");
            traced
                .args(["-f", "-qq", "-yy", "-s", "4096", "-e", "signal=none", "-e"])
                .arg("trace=write,writev,pwrite64,pwritev,sendto,sendmsg,fsync,fdatasync")
                .arg("-o")
                .arg(trace)
                .arg(binary)
                .args(args);
            traced
        } else {
            let mut direct = Command::new(binary);
            direct.args(args);
            direct
        };
        command
            .current_dir(self.dir.path())
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", self.dir.path())
            .env("AWS_ACCESS_KEY_ID", "test")
            .env("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
            .env("AWS_SESSION_TOKEN", SESSION_TOKEN)
            .env("AWS_REGION", "us-east-1")
            .env("AWS_CONFIG_FILE", self.dir.path().join("no-aws-config"))
            .env(
                "AWS_SHARED_CREDENTIALS_FILE",
                self.dir.path().join("no-aws-credentials"),
            )
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        if self.terminal {
            // A person's shell has TERM set; terminal libraries treat a missing TERM as "dumb".
            command.env("TERM", "xterm-256color");
        }
        for (key, value) in &self.env {
            command.env(key, value);
        }
        for key in &self.unset {
            command.env_remove(key);
        }
        if let Some(path) = &self.stdout_file {
            let file = std::fs::OpenOptions::new()
                .write(true)
                .open(path)
                .unwrap_or_else(|e| panic!("open {} for stdout: {e}", path.display()));
            command.stdout(file);
        }
        command
    }

    fn run_args(&self, args: Vec<String>) -> Run {
        let mut command = self.command(args);
        let child = command.spawn().expect("start cors-sync");
        finish(child, &self.stdin)
    }

    /// Starts the binary without waiting for it (to signal it mid-run); `finish` collects it.
    pub fn spawn_with<S: AsRef<str>>(&self, args: &[S]) -> Child {
        let mut command = self.command(args.iter().map(|a| a.as_ref().to_string()).collect());
        command.spawn().expect("start cors-sync")
    }
}

/// A run that outlives this is killed: a hung binary fails its test instead of hanging CI.
const WATCHDOG: Duration = Duration::from_secs(180);

/// Waits until `done` holds, checking every 20 ms; fails the test saying what never happened
/// after a minute (a hang guard, not a timing assertion).
pub fn until(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while !done() {
        assert!(Instant::now() < deadline, "{what} never happened");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Feeds stdin, collects all output, and checks that no credential leaked into it.
pub fn finish(mut child: Child, stdin: &str) -> Run {
    if let Some(mut pipe) = child.stdin.take() {
        let _ = pipe.write_all(stdin.as_bytes());
    }
    let drain =
        |pipe: Option<std::process::ChildStdout>| std::thread::spawn(move || read_all(pipe));
    let stdout = drain(child.stdout.take());
    let stderr_pipe = child.stderr.take();
    let stderr = std::thread::spawn(move || read_all(stderr_pipe));
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for cors-sync") {
            break status;
        }
        if started.elapsed() > WATCHDOG {
            let _ = child.kill();
            panic!("cors-sync ran longer than {WATCHDOG:?} and was killed");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let run = Run {
        code: status.code().unwrap_or(-1),
        stdout: stdout.join().unwrap_or_default(),
        stderr: stderr.join().unwrap_or_default(),
    };
    for secret in [SECRET_KEY, SESSION_TOKEN] {
        assert!(
            !run.stdout.contains(secret) && !run.stderr.contains(secret),
            "a credential leaked into output: {run:?}"
        );
    }
    run
}

fn read_all<R: Read>(pipe: Option<R>) -> String {
    let mut text = Vec::new();
    if let Some(mut pipe) = pipe {
        let _ = pipe.read_to_end(&mut text);
    }
    String::from_utf8_lossy(&text).into_owned()
}

impl Run {
    /// Asserts the exit code, showing all output when it differs.
    #[track_caller]
    pub fn code(&self, expected: i32) -> &Self {
        assert_eq!(
            self.code, expected,
            "unexpected exit code\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }

    /// The run as a snapshot shows it (`assert_run!`): exit code, stdout, stderr.
    pub fn transcript(&self) -> String {
        format!(
            "exit code: {}\n----- stdout -----\n{}\n----- stderr -----\n{}",
            self.code,
            self.stdout.trim_end(),
            self.stderr.trim_end()
        )
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not one JSON document ({e}):\n{}", self.stdout))
    }
}

fn shell_quote(arg: &str) -> String {
    format!("'{}'", arg.replace('\'', r"'\''"))
}
