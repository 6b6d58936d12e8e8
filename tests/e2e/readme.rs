//! The README's examples, run as a reader runs them: `make emulator`'s script in one "shell", its
//! `export` line pasted into another, and every `cors-sync` line of the README's ```` ```sh ````
//! blocks run in order from a directory holding the repository's `manifests/` and `examples/`.
//! Each run is a snapshot; a ```` ```text ```` block right after a tested block must appear in its
//! last command's output. An example no test runs is marked `<!-- illustrative -->` on the line
//! before its block (docs/testing.md, "The README's examples").

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use crate::support::emulator::repo_root;
use crate::support::{cors_sync, snapshot_settings, until, CorsSync, Run};

/// The comment that marks an example no test runs.
const ILLUSTRATIVE: &str = "<!-- illustrative -->";

/// One fenced block of a Markdown file.
#[derive(Debug)]
struct Block {
    file: String,
    /// The line of the opening fence, 1-based.
    line: usize,
    info: String,
    lines: Vec<String>,
    illustrative: bool,
    /// The ```` ```text ```` block that follows this one with only blank lines between.
    shown_output: Option<Vec<String>>,
}

impl Block {
    fn place(&self) -> String {
        format!("{}:{}", self.file, self.line)
    }

    /// The lines that show a `cors-sync` command being run.
    fn command_lines(&self) -> Vec<&str> {
        let shell = matches!(self.info.as_str(), "sh" | "bash" | "shell" | "console");
        self.lines
            .iter()
            .map(|l| l.trim())
            .filter(|l| l.starts_with("$ cors-sync ") || shell && l.starts_with("cors-sync "))
            .collect()
    }
}

fn blocks(file: &str, markdown: &str) -> Vec<Block> {
    let mut blocks: Vec<Block> = Vec::new();
    let mut lines = markdown.lines().enumerate().peekable();
    let mut previous = "";
    // Whether only blank lines stand between the last block's end and here.
    let mut right_after_block = false;
    while let Some((index, line)) = lines.next() {
        let trimmed = line.trim();
        let fence = trimmed.len() - trimmed.trim_start_matches('`').len();
        if fence < 3 {
            if !trimmed.is_empty() {
                previous = trimmed;
                right_after_block = false;
            }
            continue;
        }
        let info = trimmed[fence..].trim().to_string();
        let mut body = Vec::new();
        for (_, inner) in lines.by_ref() {
            let inner_trimmed = inner.trim();
            let closing = inner_trimmed.len() - inner_trimmed.trim_start_matches('`').len();
            if closing >= fence && inner_trimmed[closing..].trim().is_empty() {
                break;
            }
            body.push(inner.to_string());
        }
        let indent = line.len() - line.trim_start().len();
        let body: Vec<String> = body
            .iter()
            .map(|l| l.get(indent..).unwrap_or(l.trim_start()).to_string())
            .collect();
        if info == "text" && right_after_block {
            if let Some(last) = blocks.last_mut() {
                if last.shown_output.is_none() && last.info == "sh" {
                    last.shown_output = Some(body.clone());
                }
            }
        }
        blocks.push(Block {
            file: file.to_string(),
            line: index + 1,
            info,
            lines: body,
            illustrative: previous == ILLUSTRATIVE,
            shown_output: None,
        });
        previous = "";
        right_after_block = true;
    }
    blocks
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

fn readme_blocks() -> Vec<Block> {
    blocks("README.md", &read(&repo_root().join("README.md")))
}

/// A tested line as the words a shell would pass: quotes and backslashes as `sh` reads them, and
/// nothing a plain command line would not hold (pipes, redirections, variables, globs).
fn shell_words(place: &str, line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word: Option<String> = None;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            ' ' | '\t' => {
                if let Some(w) = word.take() {
                    words.push(w);
                }
            }
            '\'' => {
                let w = word.get_or_insert_with(String::new);
                for q in chars.by_ref() {
                    if q == '\'' {
                        break;
                    }
                    w.push(q);
                }
            }
            '"' => {
                let w = word.get_or_insert_with(String::new);
                while let Some(q) = chars.next() {
                    match q {
                        '"' => break,
                        '\\' => w.extend(chars.next()),
                        '$' | '`' => panic!(
                            "{place}: `{line}` expands a variable; a tested example must be a \
                             plain command line (or mark its block {ILLUSTRATIVE})"
                        ),
                        _ => w.push(q),
                    }
                }
            }
            '\\' => word.get_or_insert_with(String::new).extend(chars.next()),
            '#' if word.is_none() => break,
            '|' | '>' | '<' | ';' | '&' | '$' | '`' | '*' | '?' | '(' | ')' => panic!(
                "{place}: `{line}` needs a shell (`{c}`); a tested example must be a plain \
                 command line (or mark its block {ILLUSTRATIVE})"
            ),
            _ => word.get_or_insert_with(String::new).push(c),
        }
    }
    words.extend(word);
    words
}

#[test]
fn every_cors_sync_example_in_the_docs_is_tested_or_marked_illustrative() {
    let mut problems = Vec::new();
    let mut tested = 0;
    for block in readme_blocks() {
        if block.command_lines().is_empty() || block.illustrative {
            continue;
        }
        if block.info != "sh" {
            problems.push(format!(
                "{}: a `{}` block showing `cors-sync`: write it as ```sh (the test runs it) or \
                 mark it {ILLUSTRATIVE}",
                block.place(),
                block.info
            ));
            continue;
        }
        for line in &block.lines {
            let line = line.trim();
            if !(line.is_empty() || line.starts_with('#') || line.starts_with("cors-sync ")) {
                problems.push(format!(
                    "{}: `{line}` is not a `cors-sync` command, so the test cannot run this \
                     block: move it to a block of its own or mark this one {ILLUSTRATIVE}",
                    block.place()
                ));
            }
        }
        tested += 1;
    }
    let docs = repo_root().join("docs");
    let mut pages: Vec<PathBuf> = std::fs::read_dir(&docs)
        .unwrap_or_else(|e| panic!("read {}: {e}", docs.display()))
        .map(|entry| entry.expect("docs entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "md"))
        .collect();
    pages.sort();
    assert!(!pages.is_empty(), "no pages in {}", docs.display());
    for page in pages {
        let name = format!("docs/{}", page.file_name().unwrap().to_string_lossy());
        for block in blocks(&name, &read(&page)) {
            if !block.command_lines().is_empty() && !block.illustrative {
                problems.push(format!(
                    "{}: shows `{}`, and no test runs the examples in docs/: mark the block \
                     {ILLUSTRATIVE}, or move the example into the README's tour",
                    block.place(),
                    block.command_lines()[0]
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(
        tested >= 5,
        "only {tested} README blocks are tested; the tour is missing"
    );
}

/// `scripts/emulator.sh` (`make emulator`) running in the background, stopped (as Ctrl-C stops
/// it) when the test ends, however it ends.
struct MakeEmulator {
    child: Child,
    output: BufReader<std::process::ChildStdout>,
    /// The variables its `export` line sets.
    exports: Vec<(String, String)>,
}

impl MakeEmulator {
    fn start(manifests: &Path) -> MakeEmulator {
        // The harness's choice of Python (CORS_SYNC_TEST_PYTHON), which the script takes as
        // CORS_SYNC_PYTHON.
        let python = std::env::var_os("CORS_SYNC_TEST_PYTHON")
            .map(PathBuf::from)
            .unwrap_or_else(|| repo_root().join(".venv/bin/python"));
        assert!(
            python.exists(),
            "the moto emulator is not installed ({} is missing): run `make .venv/.installed`",
            python.display()
        );
        let mut child = Command::new("bash")
            .arg(repo_root().join("scripts/emulator.sh"))
            .arg(manifests)
            .env("CORS_SYNC_PYTHON", &python)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start scripts/emulator.sh");
        let mut output = BufReader::new(child.stdout.take().expect("its stdout"));
        let mut said = String::new();
        let exports = loop {
            let mut line = String::new();
            let read = output.read_line(&mut line).expect("read its output");
            assert!(
                read > 0,
                "scripts/emulator.sh ended before printing an export line:\n{said}"
            );
            said.push_str(&line);
            if let Some(assignments) = line.trim().strip_prefix("export ") {
                break assignments
                    .split_whitespace()
                    .map(|a| {
                        let (name, value) = a.split_once('=').expect("NAME=VALUE");
                        (name.to_string(), value.to_string())
                    })
                    .collect::<Vec<_>>();
            }
        };
        MakeEmulator {
            child,
            output,
            exports,
        }
    }

    fn export(&self, name: &str) -> &str {
        self.exports
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or_else(|| panic!("the export line sets no {name}: {:?}", self.exports))
    }

    /// Sends SIGINT, as Ctrl-C does, and returns the rest of what the script printed.
    fn interrupt(&mut self) -> String {
        let pid = self.child.id().to_string();
        let sent = Command::new("kill").args(["-INT", &pid]).status();
        assert!(sent.is_ok_and(|s| s.success()), "kill -INT {pid}");
        let mut rest = String::new();
        std::io::Read::read_to_string(&mut self.output, &mut rest).expect("read its output");
        let status = self.child.wait().expect("wait for scripts/emulator.sh");
        assert!(status.success(), "Ctrl-C should end it cleanly: {status}");
        rest
    }
}

impl Drop for MakeEmulator {
    fn drop(&mut self) {
        // Its emulator ends when the script does (it holds the emulator's stdin).
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn copy_tree(scratch: CorsSync, from: &Path, to: &str) -> CorsSync {
    let mut scratch = scratch;
    let entries = std::fs::read_dir(from).unwrap_or_else(|e| panic!("{}: {e}", from.display()));
    for entry in entries {
        let path = entry.expect("directory entry").path();
        let name = format!("{to}/{}", path.file_name().unwrap().to_string_lossy());
        scratch = if path.is_dir() {
            copy_tree(scratch, &path, &name)
        } else {
            let text = read(&path);
            scratch.file(&name, &text)
        };
    }
    scratch
}

/// What a reader sees of a run, stdout then stderr, with `redact` applied as in the snapshots.
fn seen(run: &Run, redact: &[(&str, &str)]) -> Vec<String> {
    let mut text = format!("{}{}", run.stdout, run.stderr);
    for (value, name) in redact {
        text = text.replace(value, name);
    }
    text.lines().map(|l| l.trim_end().to_string()).collect()
}

/// `shown` appears in `seen` line by line, in order; a `...` line stands for any lines.
fn shows(seen: &[String], shown: &[String]) -> Result<(), String> {
    let mut at = 0;
    let mut skipping = false;
    for expected in shown.iter().map(|l| l.trim_end()) {
        if expected == "..." {
            skipping = true;
            continue;
        }
        let found = if skipping {
            seen[at..]
                .iter()
                .position(|l| l == expected)
                .map(|i| at + i)
        } else {
            (seen.get(at).map(String::as_str) == Some(expected)).then_some(at)
        };
        match found {
            Some(i) => {
                at = i + 1;
                skipping = false;
            }
            None => {
                return Err(format!(
                    "the README shows `{expected}`, and the command printed instead (from line \
                     {}):\n{}",
                    at + 1,
                    seen[at.min(seen.len())..].join("\n")
                ))
            }
        }
    }
    Ok(())
}

#[test]
fn the_readme_tour_runs_against_make_emulator() {
    let scratch = cors_sync().endpoint(None);
    let scratch = copy_tree(scratch, &repo_root().join("manifests"), "manifests");
    let scratch = copy_tree(scratch, &repo_root().join("examples"), "examples");
    let mut emulator = MakeEmulator::start(&scratch.path("target/emulator-manifests"));
    let endpoint = emulator.export("AWS_ENDPOINT_URL").to_string();
    let mut shell = scratch.without_env("AWS_SESSION_TOKEN");
    for (name, value) in &emulator.exports {
        shell = shell.env(name, value);
    }
    let cdn = read(&shell.path("target/emulator-manifests/cdn.yaml"));
    let distribution = cdn
        .lines()
        .find_map(|l| l.trim().strip_prefix("- id: "))
        .expect("cdn.yaml names the seeded distribution")
        .to_string();
    let redact = [
        (endpoint.as_str(), "http://127.0.0.1:PORT"),
        (distribution.as_str(), "DISTRIBUTION_ID"),
    ];

    let mut ordinal = 0;
    for block in readme_blocks() {
        if block.info != "sh" || block.illustrative || block.command_lines().is_empty() {
            continue;
        }
        let mut last = None;
        for line in block.command_lines() {
            ordinal += 1;
            let words = shell_words(&block.place(), line);
            let run = shell.run_with(&words[1..]);
            // 1 is an error; 0 and 2 (changes, denied) are what the tour shows.
            assert_ne!(
                run.code,
                1,
                "{}: `{line}` fails against make emulator's state:\n{}",
                block.place(),
                run.transcript()
            );
            let slug: String = words[1..3.min(words.len())]
                .join("-")
                .chars()
                .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
                .collect();
            let name = format!("readme_{ordinal:02}_{slug}");
            snapshot_settings(&redact)
                .bind(|| insta::assert_snapshot!(name, format!("$ {line}\n{}", run.transcript())));
            last = Some(run);
        }
        if let (Some(shown), Some(run)) = (&block.shown_output, &last) {
            if let Err(difference) = shows(&seen(run, &redact), shown) {
                panic!("{}: {difference}", block.place());
            }
        }
    }
    assert!(
        ordinal >= 5,
        "the README's tour ran only {ordinal} commands"
    );

    let said = emulator.interrupt();
    assert!(said.contains("Stopped the emulator."), "{said}");
    let address = endpoint.trim_start_matches("http://").to_string();
    until("the emulator stops after Ctrl-C", || {
        std::net::TcpStream::connect(&address).is_err()
    });
}

#[test]
fn the_readme_parser_sees_fences_markers_and_shown_output() {
    let markdown = "intro\n\n<!-- illustrative -->\n```sh\ncors-sync plan | head\n```\n\n```sh\ncors-sync validate\n```\n\n```text\nThe manifest is valid.\n```\n\n````markdown\n```sh\ncors-sync nested\n```\n````\n";
    let found = blocks("X.md", markdown);
    assert_eq!(found.len(), 4, "{found:#?}");
    assert!(found[0].illustrative);
    assert!(!found[1].illustrative);
    assert_eq!(
        found[1].shown_output.as_deref(),
        Some(&["The manifest is valid.".to_string()][..])
    );
    assert_eq!(found[3].info, "markdown");
    assert_eq!(found[3].lines, ["```sh", "cors-sync nested", "```"]);
    assert_eq!(
        shell_words(
            "X.md:1",
            r#"cors-sync check s3://b --header 'Content-Type: a/b' "x y" z\ w"#
        ),
        [
            "cors-sync",
            "check",
            "s3://b",
            "--header",
            "Content-Type: a/b",
            "x y",
            "z w"
        ]
    );
    let seen: Vec<String> = ["a", "b", "c", "d"].map(String::from).to_vec();
    let shown = |lines: &[&str]| lines.iter().map(|l| l.to_string()).collect::<Vec<_>>();
    assert!(shows(&seen, &shown(&["a", "...", "d"])).is_ok());
    assert!(shows(&seen, &shown(&["a", "c"])).is_err());
    assert!(shows(&seen, &shown(&["...", "c", "d"])).is_ok());
}
