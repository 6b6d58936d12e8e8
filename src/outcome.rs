//! What a command ended as, and the exit code it becomes: a contract users' pipelines depend on.
//! The README's exit-code table is these variants' doc comments, in this order, and each comment
//! starts with the code `code` gives; the test below holds all three together.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// 0: success; for `plan --detailed-exitcode` and `diff --detailed-exitcode`, success and no
    /// changes.
    Success,
    /// 1: an error: an invalid manifest, an AWS error, an unapproved or cancelled apply, bad flags.
    Failure,
    /// 2: `plan --detailed-exitcode` and `diff --detailed-exitcode`: success, and there are changes.
    ChangesPresent,
    /// 2: `check`: a browser would block the request.
    Denied,
    /// 2: `verify`: a live answer differs from what the manifest predicts.
    Mismatches,
    /// 3: `diff --fail-on-widen`: the change widens browsers' access.
    Widens,
}

impl Outcome {
    pub fn code(self) -> u8 {
        match self {
            Outcome::Success => 0,
            Outcome::Failure => 1,
            Outcome::ChangesPresent | Outcome::Denied | Outcome::Mismatches => 2,
            Outcome::Widens => 3,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Outcome;

    /// Each variant's doc comment, as `(variant, text)`, read from this file's source.
    fn documented() -> Vec<(String, String)> {
        let source = include_str!("outcome.rs");
        let body = source
            .split_once("pub enum Outcome {")
            .and_then(|(_, rest)| rest.split_once("\n}"))
            .map(|(body, _)| body)
            .unwrap_or_default();
        let mut variants = Vec::new();
        let mut doc: Option<String> = None;
        for line in body.lines().map(str::trim) {
            if let Some(text) = line.strip_prefix("///") {
                let doc = doc.get_or_insert_with(String::new);
                if !doc.is_empty() {
                    doc.push(' ');
                }
                doc.push_str(text.trim());
            } else if let Some(name) = line.strip_suffix(',') {
                variants.push((name.to_string(), doc.take().unwrap_or_default()));
            }
        }
        variants
    }

    /// The rows of the README's table under `### Exit codes`, as `| code | meaning |` lines.
    fn readme_rows() -> Vec<String> {
        let readme = include_str!("../README.md");
        let section = readme
            .split_once("\n### Exit codes\n")
            .map(|(_, rest)| rest)
            .unwrap_or_default();
        section
            .lines()
            .skip_while(|line| !line.starts_with('|'))
            .take_while(|line| line.starts_with('|'))
            .skip(2)
            .map(str::to_string)
            .collect()
    }

    #[test]
    fn each_code_is_documented_once_and_the_readme_table_shows_exactly_that() {
        let all = [
            Outcome::Success,
            Outcome::Failure,
            Outcome::ChangesPresent,
            Outcome::Denied,
            Outcome::Mismatches,
            Outcome::Widens,
        ];
        let documented = documented();
        assert_eq!(documented.len(), all.len(), "{documented:?}");
        for (outcome, (name, line)) in all.iter().zip(&documented) {
            assert_eq!(format!("{outcome:?}"), *name);
            assert!(
                line.starts_with(&format!("{}: ", outcome.code())),
                "{name} exits {} but is documented as `{line}`",
                outcome.code()
            );
        }
        let expected: Vec<String> = documented
            .iter()
            .filter_map(|(_, line)| line.split_once(": "))
            .map(|(code, meaning)| format!("| {code} | {meaning} |"))
            .collect();
        assert_eq!(
            readme_rows(),
            expected,
            "README.md's `### Exit codes` table"
        );
    }
}
