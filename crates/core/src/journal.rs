//! The backup journal's lines: what `apply` records before each write, and what `rollback` will
//! believe. Files are the binary's business; this is the format and its checks.
//!
//! One JSON object a line. An entry: `{"recorded_at", "change" (its `before` is the state read
//! just before the write), "account" (when declared), "seq", "prev"}`. A mark, appended when a
//! recorded write was refused so nothing was written: `{"recorded_at", "not_written": <seq>,
//! "seq", "prev"}`. `seq` numbers the lines from 1 and `prev` is the SHA-256 of the previous
//! line: together they chain the lines, so an entry duplicated, dropped from the middle or moved
//! is refused. With `CORS_SYNC_PLAN_KEY` set, every line ends with `"mac": "hmac-sha256:…"`, an
//! HMAC-SHA256 of the line's text before it (as saved plans are signed), so a journal written by
//! hand is refused too. Journals written before `seq` existed have none of these fields and
//! still read, unchained.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use crate::fingerprint::sha256_hex;
use crate::manifest::Account;
use crate::plan::Change;
use crate::signature;

const MAC_FIELD: &str = ",\"mac\":\"hmac-sha256:";

#[derive(Serialize, Deserialize)]
struct Line {
    recorded_at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    change: Option<Change>,
    /// The declared account the resource is in, as declared, so rollback acts there again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    account: Option<Account>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    not_written: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    seq: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    prev: Option<String>,
}

/// Writes one journal's lines in order: each chained to the one before, signed with the key.
pub struct Writer {
    key: Option<Vec<u8>>,
    written: u64,
    last: Option<String>,
}

impl Writer {
    pub fn new(key: Option<&[u8]>) -> Self {
        Writer {
            key: key.map(<[u8]>::to_vec),
            written: 0,
            last: None,
        }
    }

    /// The next line (without its newline) recording `change`, and its number.
    pub fn entry(
        &self,
        recorded_at: &str,
        change: &Change,
        account: Option<&Account>,
    ) -> (String, u64) {
        self.line(Line {
            recorded_at: recorded_at.to_string(),
            change: Some(change.clone()),
            account: account.cloned(),
            not_written: None,
            seq: None,
            prev: None,
        })
    }

    /// The next line saying the write recorded as `entry` was refused.
    pub fn not_written(&self, recorded_at: &str, entry: u64) -> (String, u64) {
        self.line(Line {
            recorded_at: recorded_at.to_string(),
            change: None,
            account: None,
            not_written: Some(entry),
            seq: None,
            prev: None,
        })
    }

    fn line(&self, mut line: Line) -> (String, u64) {
        let seq = self.written + 1;
        line.seq = Some(seq);
        line.prev = self.last.as_deref().map(|l| sha256_hex(l.as_bytes()));
        let mut text = serde_json::to_string(&line).unwrap_or_default();
        if let Some(tag) = self
            .key
            .as_ref()
            .and_then(|key| signature::sign(key, text.as_bytes()))
        {
            text.pop();
            text.push_str(&format!("{MAC_FIELD}{tag}\"}}"));
        }
        (text, seq)
    }

    /// Takes `line` as written: the next one chains to it.
    pub fn written(&mut self, line: String) {
        self.written += 1;
        self.last = Some(line);
    }
}

/// What a journal recorded, as rollback may use it.
#[derive(Debug, Default)]
pub struct Recorded {
    /// The writes that were made or may have been, in the order they were recorded, each with
    /// its declared account.
    pub changes: Vec<(Option<Account>, Change)>,
    /// Writes recorded and then refused (nothing was written): not restored.
    pub not_written: usize,
    /// The number of a last line cut short (the run stopped, or the disk filled, while it was
    /// written): its resource was not written then, so there is nothing of it to restore.
    pub torn_line: Option<usize>,
    /// Whether every line is signed with the key the journal was checked with.
    pub signed: bool,
    /// A journal from before lines were chained: it cannot show that its entries are an apply's.
    pub unchained: bool,
}

/// Why a journal is not believed; `line` is 1-based.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JournalError {
    #[error("{line}: not a journal entry ({reason})")]
    NotAnEntry { line: usize, reason: String },
    #[error("{line}: the entry is not signed, and CORS_SYNC_PLAN_KEY is set: only journals signed with that key are rolled back")]
    Unsigned { line: usize },
    #[error(
        "{line}: the entry is signed, but CORS_SYNC_PLAN_KEY is not set to check the signature"
    )]
    NoKey { line: usize },
    #[error("{line}: the entry's signature does not match its contents and CORS_SYNC_PLAN_KEY: it was edited, forged, or signed with another key")]
    Signature { line: usize },
    #[error("{line}: the entry is not the one an apply wrote {} ({why}): entries were added, removed, duplicated or reordered", after(*.previous))]
    Chain {
        line: usize,
        previous: usize,
        why: String,
    },
    #[error("{line}: {resource} is recorded a second time (first at line {first}); one apply writes a resource once, so this is not a journal an apply wrote")]
    Duplicate {
        line: usize,
        first: usize,
        resource: String,
    },
}

/// The journal in `text`, checked: with `key`, every line must be signed with it; chained lines
/// must follow one another as written. A torn last line is skipped and reported.
pub fn read(text: &str, key: Option<&[u8]>) -> Result<Recorded, JournalError> {
    let lines: Vec<&str> = text.lines().collect();
    let mut recorded = Recorded {
        signed: key.is_some(),
        ..Recorded::default()
    };
    // The previous line (its number and text), and where each resource and entry was.
    let mut previous: Option<(usize, &str)> = None;
    let mut lines_read: u64 = 0;
    let mut chained: Option<bool> = None;
    let mut resources: Vec<(String, usize)> = Vec::new();
    let mut entries: Vec<(u64, usize)> = Vec::new();
    let mut voided: HashSet<usize> = HashSet::new();
    for (i, raw) in lines.iter().enumerate() {
        let number = i + 1;
        if raw.trim().is_empty() {
            continue;
        }
        let line = match serde_json::from_str::<Line>(raw) {
            Ok(line) => line,
            // Whole lines end with a newline; the last one without it was cut short.
            Err(_) if number == lines.len() && !text.ends_with('\n') => {
                recorded.torn_line = Some(number);
                break;
            }
            Err(e) => {
                return Err(JournalError::NotAnEntry {
                    line: number,
                    reason: e.to_string(),
                })
            }
        };
        check_signature(raw, key, number)?;
        let is_chained = line.seq.is_some();
        if *chained.get_or_insert(is_chained) != is_chained {
            return Err(chain_error(
                number,
                previous,
                "some lines are numbered, others not",
            ));
        }
        if is_chained {
            let expected_seq = lines_read + 1;
            if line.seq != Some(expected_seq) {
                return Err(chain_error(
                    number,
                    previous,
                    &format!(
                        "it is numbered {}, not {expected_seq}",
                        line.seq.unwrap_or(0)
                    ),
                ));
            }
            let expected_prev = previous.map(|(_, text)| sha256_hex(text.as_bytes()));
            if line.prev != expected_prev {
                return Err(chain_error(
                    number,
                    previous,
                    "it does not name the line before it",
                ));
            }
        }
        match (line.change, line.not_written) {
            (Some(change), None) => {
                let resource = match &line.account {
                    Some(account) => format!("{} in account {}", change.address(), account.name),
                    None => change.address().to_string(),
                };
                if let Some((_, first)) = resources.iter().find(|(r, _)| *r == resource) {
                    return Err(JournalError::Duplicate {
                        line: number,
                        first: *first,
                        resource,
                    });
                }
                resources.push((resource, number));
                entries.push((line.seq.unwrap_or(0), recorded.changes.len()));
                recorded.changes.push((line.account, change));
            }
            (None, Some(entry)) if is_chained => {
                let Some((_, index)) = entries.iter().find(|(seq, _)| *seq == entry) else {
                    return Err(chain_error(
                        number,
                        previous,
                        &format!("it marks line {entry}, which records no write"),
                    ));
                };
                if !voided.insert(*index) {
                    return Err(chain_error(
                        number,
                        previous,
                        &format!("line {entry} is already marked not written"),
                    ));
                }
            }
            _ => {
                return Err(JournalError::NotAnEntry {
                    line: number,
                    reason: "neither a recorded write nor a mark of one".to_string(),
                })
            }
        }
        previous = Some((number, raw));
        lines_read += 1;
    }
    recorded.unchained = chained == Some(false);
    recorded.not_written = voided.len();
    recorded.changes = recorded
        .changes
        .into_iter()
        .enumerate()
        .filter(|(i, _)| !voided.contains(i))
        .map(|(_, change)| change)
        .collect();
    Ok(recorded)
}

/// Where a line should have come: first, or after the line it follows.
fn after(previous: usize) -> String {
    match previous {
        0 => "first".to_string(),
        n => format!("after line {n}"),
    }
}

fn chain_error(line: usize, previous: Option<(usize, &str)>, why: &str) -> JournalError {
    JournalError::Chain {
        line,
        previous: previous.map_or(0, |(n, _)| n),
        why: why.to_string(),
    }
}

fn check_signature(raw: &str, key: Option<&[u8]>, line: usize) -> Result<(), JournalError> {
    let signed = raw
        .rfind(MAC_FIELD)
        .filter(|_| raw.ends_with("\"}"))
        .map(|at| (&raw[..at], &raw[at + MAC_FIELD.len()..raw.len() - 2]));
    match (key, signed) {
        (None, None) => Ok(()),
        (None, Some(_)) => Err(JournalError::NoKey { line }),
        (Some(_), None) => Err(JournalError::Unsigned { line }),
        (Some(key), Some((unsigned, tag))) => {
            if signature::verify(key, format!("{unsigned}}}").as_bytes(), tag) {
                Ok(())
            } else {
                Err(JournalError::Signature { line })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bucket_cors::{BucketCors, CorsRule};

    fn change(bucket: &str) -> Change {
        Change::BucketCors {
            bucket: bucket.into(),
            region: "us-east-1".into(),
            before: BucketCors::new(vec![CorsRule::allowing(&["https://old.example"], &["GET"])]),
            after: BucketCors::none(),
        }
    }

    /// A journal of entries for `buckets`, then marks for the entries numbered in `refused`.
    fn journal(key: Option<&[u8]>, buckets: &[&str], refused: &[u64]) -> Vec<String> {
        let mut writer = Writer::new(key);
        let mut lines = Vec::new();
        for bucket in buckets {
            let (line, _) = writer.entry("20260101T000000Z", &change(bucket), None);
            writer.written(line.clone());
            lines.push(line);
        }
        for entry in refused {
            let (line, _) = writer.not_written("20260101T000000Z", *entry);
            writer.written(line.clone());
            lines.push(line);
        }
        lines
    }

    fn text(lines: &[String]) -> String {
        lines.iter().map(|l| format!("{l}\n")).collect()
    }

    fn buckets(recorded: &Recorded) -> Vec<String> {
        recorded
            .changes
            .iter()
            .map(|(_, c)| c.address().to_string())
            .collect()
    }

    #[test]
    fn a_journal_reads_back_without_the_writes_marked_not_written() {
        let lines = journal(None, &["a", "b", "c"], &[2]);
        let recorded = read(&text(&lines), None).unwrap();
        assert_eq!(buckets(&recorded), ["s3_bucket.a", "s3_bucket.c"]);
        assert_eq!(recorded.not_written, 1);
        assert!(!recorded.unchained);
    }

    #[test]
    fn a_duplicated_or_reordered_entry_is_refused() {
        let lines = journal(None, &["a", "b", "c"], &[]);
        let duplicated = [lines[0].clone(), lines[1].clone(), lines[1].clone()];
        assert!(matches!(
            read(&text(&duplicated), None),
            Err(JournalError::Chain {
                line: 3,
                previous: 2,
                ..
            })
        ));
        let reordered = [lines[0].clone(), lines[2].clone(), lines[1].clone()];
        assert_eq!(
            read(&text(&reordered), None).unwrap_err().to_string(),
            "2: the entry is not the one an apply wrote after line 1 (it is numbered 3, not 2): entries were added, removed, duplicated or reordered"
        );
        let dropped = [lines[0].clone(), lines[2].clone()];
        assert!(read(&text(&dropped), None).is_err());
    }

    #[test]
    fn an_old_journal_still_reads_but_not_one_resource_twice() {
        let old = "{\"recorded_at\":\"20260101T000000Z\",\"change\":{\"address\":\"s3_bucket.a\",\"action\":\"delete\",\"detail\":{\"kind\":\"bucket_cors\",\"region\":\"us-east-1\",\"before\":[{\"allowed_origins\":[\"*\"],\"allowed_methods\":[\"GET\"]}],\"after\":null}}}\n";
        let recorded = read(old, None).unwrap();
        assert_eq!(buckets(&recorded), ["s3_bucket.a"]);
        assert!(recorded.unchained);
        assert_eq!(
            read(&format!("{old}{old}"), None).unwrap_err(),
            JournalError::Duplicate {
                line: 2,
                first: 1,
                resource: "s3_bucket.a".into()
            }
        );
    }

    #[test]
    fn with_a_key_only_lines_signed_with_it_are_believed() {
        let key: &[u8] = b"team key";
        let signed = text(&journal(Some(key), &["a", "b"], &[]));
        assert!(read(&signed, Some(key)).unwrap().signed);
        assert_eq!(
            read(&signed, Some(b"other key")).unwrap_err(),
            JournalError::Signature { line: 1 }
        );
        assert_eq!(
            read(&signed, None).unwrap_err(),
            JournalError::NoKey { line: 1 }
        );
        let unsigned = text(&journal(None, &["a"], &[]));
        assert_eq!(
            read(&unsigned, Some(key)).unwrap_err(),
            JournalError::Unsigned { line: 1 }
        );
        let altered = signed.replace("https://old.example", "*");
        assert_eq!(
            read(&altered, Some(key)).unwrap_err(),
            JournalError::Signature { line: 1 }
        );
    }

    #[test]
    fn a_torn_last_line_is_skipped_and_reported() {
        let lines = journal(None, &["a", "b"], &[]);
        let torn = format!("{}\n{}", lines[0], &lines[1][..20]);
        let recorded = read(&torn, None).unwrap();
        assert_eq!(buckets(&recorded), ["s3_bucket.a"]);
        assert_eq!(recorded.torn_line, Some(2));
    }
}
