//! The finite partition of a value space (page origins, request-header names) by the `*`
//! patterns a configuration names. S3 decides on a value only through which patterns it matches,
//! so two values that match the same patterns get the same answer from every rule: one witness
//! per distinct match set is enough to judge every value there is. `docs/diff.md` says how diff
//! uses it.
//!
//! # Why the witnesses cover every class
//!
//! A pattern is a literal, or `P*S` (one `*`): a value `v` matches `P*S` when `P` is a prefix of
//! `v`, `S` a suffix, and `|v| >= |P| + |S|`. Take any value `v` and let `W` be the wildcard
//! patterns it matches. All their prefixes are prefixes of `v`, so they are nested; let `P` be the
//! longest of them (or a longer anchor such as `https://` that `v` starts with) and `S` the
//! longest of their suffixes.
//!
//! 1. `v` equals a literal: the literal is a candidate.
//! 2. `|v| < |P| + |S|`: `v` is entirely covered by `P` and `S` overlapping, so `v` is `P` and `S`
//!    merged on an overlap, and every such merge is a candidate.
//! 3. Otherwise consider `c = P + F + S`, where the fill `F`'s first character continues no
//!    pattern prefix (or literal) that extends `P`, and its last character precedes no pattern
//!    suffix that extends `S`. Every pattern of `W` matches `c` (its prefix is a prefix of `P`, its
//!    suffix a suffix of `S`, and `c` is long enough). A pattern `Q*R` outside `W`: if `Q` is no
//!    prefix of `v`, then either `|Q| <= |P|`, and `Q` is a prefix of `c` exactly when it is one of
//!    `P`, hence of `v` (no); or `Q` extends past `P` into `F`, which `F`'s first character rules
//!    out. The same holds for `R` at the other end. If `Q` and `R` fit in `v` but overlap there
//!    (`|v| < |Q| + |R|`), then `|Q| <= |P|` and `|R| > |S|` (or the reverse), and `R` again
//!    reaches into `F`: no match. No literal equals `c` (it would extend `P` with `F`'s first
//!    character). So `c` matches exactly `W`, as `v` does.
//!
//! `P` and `S` here are one pattern's prefix and a compatible pattern's suffix (or an anchor), so
//! the candidates are bounded by the pairs of patterns, not by the space. Values a browser
//! cannot send (an origin with upper-case letters, a forbidden header name) are not requests:
//! a candidate counts only when `valid` accepts it, fills are tried with letters and with digits
//! so that a class of real values finds a real witness (`https://x.example.com`,
//! `http://localhost:0`).

use std::collections::HashMap;

/// Which patterns a value matches, one bit per pattern.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Bits(Vec<u64>);

impl Bits {
    pub fn new(len: usize) -> Self {
        Bits(vec![0; len.div_ceil(64)])
    }

    pub fn set(&mut self, index: usize) {
        self.0[index / 64] |= 1 << (index % 64);
    }

    pub fn clear(&mut self, index: usize) {
        self.0[index / 64] &= !(1 << (index % 64));
    }

    pub fn get(&self, index: usize) -> bool {
        self.0
            .get(index / 64)
            .is_some_and(|word| word & (1 << (index % 64)) != 0)
    }

    /// Every bit of `self` is set in `other`.
    pub fn is_subset(&self, other: &Bits) -> bool {
        self.0.iter().zip(&other.0).all(|(a, b)| a & !b == 0)
    }

    pub fn intersection(&self, other: &Bits) -> Bits {
        Bits(self.0.iter().zip(&other.0).map(|(a, b)| a & b).collect())
    }

    pub fn is_empty(&self) -> bool {
        self.0.iter().all(|w| *w == 0)
    }

    pub fn ones(&self) -> impl Iterator<Item = usize> + '_ {
        self.0.iter().enumerate().flat_map(|(i, word)| {
            (0..64)
                .filter(move |b| word & (1u64 << b) != 0)
                .map(move |b| i * 64 + b)
        })
    }
}

/// One class: a value of it, and the patterns its values match.
#[derive(Debug, Clone)]
pub struct Class {
    pub witness: String,
    pub matches: Bits,
}

/// How values of the space are written and which of them a browser can send.
pub struct Space<'a> {
    /// Prefixes every real value starts with one of (`https://`), so that a class of real values
    /// gets a real witness even when no pattern fixes the start.
    pub anchors: &'a [&'a str],
    /// Values worth judging whatever the patterns (`null` for origins).
    pub extra: &'a [&'a str],
    /// Pleasant fills tried first, so that examples read well (`evil`).
    pub fills: &'a [&'a str],
    pub valid: &'a dyn Fn(&str) -> bool,
}

fn split(pattern: &str) -> (&str, Option<&str>) {
    match pattern.split_once('*') {
        Some((prefix, suffix)) => (prefix, Some(suffix)),
        None => (pattern, None),
    }
}

/// A `*` pattern match, case as given (callers lower-case what compares case-insensitively).
pub fn matches(pattern: &str, value: &str) -> bool {
    crate::evaluate::wildcard_matches(pattern, value, false)
}

/// The classes `patterns` (already in the case they compare in) cut the space into, each with a
/// witness `valid` accepts; classes with no such witness hold no value a browser sends.
pub fn classes(patterns: &[String], space: &Space<'_>) -> Vec<Class> {
    let parts: Vec<(&str, Option<&str>)> = patterns.iter().map(|p| split(p)).collect();
    let wildcards: Vec<(&str, &str)> = parts
        .iter()
        .filter_map(|(p, s)| s.map(|s| (*p, s)))
        .collect();
    // (P, S) pairs that can be the longest prefix and suffix of one class: a pattern's prefix with
    // a compatible pattern's suffix, or an anchor with the suffix of a pattern it can start.
    let mut pairs: Vec<(&str, &str)> = Vec::new();
    for &(p_i, s_i) in &wildcards {
        for &(p_j, s_j) in &wildcards {
            if p_i.starts_with(p_j) && s_j.ends_with(s_i) {
                pairs.push((p_i, s_j));
            }
        }
    }
    for &anchor in space.anchors.iter().chain(&[""]) {
        pairs.push((anchor, ""));
        for &(p_j, s_j) in &wildcards {
            if anchor.starts_with(p_j) {
                pairs.push((anchor, s_j));
            }
        }
    }
    pairs.sort_unstable();
    pairs.dedup();

    let mut candidates: Vec<String> = space.extra.iter().map(|s| s.to_string()).collect();
    candidates.extend(
        parts
            .iter()
            .filter(|(_, s)| s.is_none())
            .map(|(l, _)| l.to_string()),
    );
    // Prefixes and suffixes that could extend a pair's P or S: literals count as prefixes (and
    // suffixes) of themselves.
    let prefixes: Vec<&str> = parts.iter().map(|(p, _)| *p).collect();
    let suffixes: Vec<&str> = parts.iter().map(|(p, s)| s.unwrap_or(p)).collect();
    for &(prefix, suffix) in &pairs {
        let first_taken: Vec<char> = prefixes
            .iter()
            .filter(|q| q.len() > prefix.len() && q.starts_with(prefix))
            .filter_map(|q| q[prefix.len()..].chars().next())
            .collect();
        let last_taken: Vec<char> = suffixes
            .iter()
            .filter(|r| r.len() > suffix.len() && r.ends_with(suffix))
            .filter_map(|r| r[..r.len() - suffix.len()].chars().next_back())
            .collect();
        for fill in space.fills {
            candidates.push(format!("{prefix}{fill}{suffix}"));
        }
        for alphabet in ["abcdefghijklmnopqrstuvwxyz", "0123456789", "-_~!#$%&'+.^`|"] {
            let first = alphabet.chars().find(|c| !first_taken.contains(c));
            let last = alphabet.chars().find(|c| !last_taken.contains(c));
            if let (Some(first), Some(last)) = (first, last) {
                let fill = if first == last || !last_taken.contains(&first) {
                    first.to_string()
                } else {
                    format!("{first}{last}")
                };
                candidates.push(format!("{prefix}{fill}{suffix}"));
            }
        }
        // A character no pattern holds at all: the proof's fill, whether or not it is valid.
        let fresh = ('\u{1}'..)
            .find(|c| !first_taken.contains(c) && !last_taken.contains(c))
            .unwrap_or('\u{1}');
        candidates.push(format!("{prefix}{fresh}{suffix}"));
        for overlap in 0..=prefix.len().min(suffix.len()) {
            if suffix.is_char_boundary(overlap) && prefix.ends_with(&suffix[..overlap]) {
                candidates.push(format!("{prefix}{}", &suffix[overlap..]));
            }
        }
    }

    let mut found: Vec<Class> = Vec::new();
    let mut seen: HashMap<Bits, usize> = HashMap::new();
    for candidate in candidates {
        if !(space.valid)(&candidate) {
            continue;
        }
        let mut bits = Bits::new(patterns.len());
        for (index, pattern) in patterns.iter().enumerate() {
            if matches(pattern, &candidate) {
                bits.set(index);
            }
        }
        if let std::collections::hash_map::Entry::Vacant(entry) = seen.entry(bits.clone()) {
            entry.insert(found.len());
            found.push(Class {
                witness: candidate,
                matches: bits,
            });
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn any(_: &str) -> bool {
        true
    }

    fn witnesses(patterns: &[&str]) -> Vec<String> {
        let patterns: Vec<String> = patterns.iter().map(|p| p.to_string()).collect();
        let space = Space {
            anchors: &["https://"],
            extra: &[],
            fills: &["evil"],
            valid: &any,
        };
        classes(&patterns, &space)
            .into_iter()
            .map(|c| c.witness)
            .collect()
    }

    #[test]
    fn a_narrow_wildcard_inside_a_broad_one_is_its_own_class() {
        let found = witnesses(&["https://c*.example.com", "https://*.example.com"]);
        let of = |w: &str| {
            (
                matches("https://c*.example.com", w),
                matches("https://*.example.com", w),
            )
        };
        let mut vectors: Vec<(bool, bool)> = found.iter().map(|w| of(w)).collect();
        vectors.sort();
        vectors.dedup();
        assert_eq!(
            vectors,
            [(false, false), (false, true), (true, true)],
            "{found:?}"
        );
    }

    proptest::proptest! {
        #![proptest_config(proptest::test_runner::Config {
            cases: 300,
            rng_seed: proptest::test_runner::RngSeed::Fixed(25),
            failure_persistence: None,
            ..proptest::test_runner::Config::default()
        })]

        /// Every string up to six letters over `a`, `b`, `c` falls in a class that has a witness:
        /// the proof above, checked by enumeration on patterns built from the same letters.
        #[test]
        fn every_value_has_a_class_with_a_witness(
            patterns in proptest::collection::vec("[abc]{0,3}(\\*[abc]{0,3})?", 1..5)
        ) {
            let classes = classes(&patterns, &Space { anchors: &[], extra: &[], fills: &[], valid: &any });
            let vector = |value: &str| -> Vec<bool> {
                patterns.iter().map(|p| matches(p, value)).collect()
            };
            let known: Vec<Vec<bool>> = classes.iter().map(|c| vector(&c.witness)).collect();
            let mut values = vec![String::new()];
            for _ in 0..6 {
                let longer: Vec<String> = values
                    .iter()
                    .filter(|v| v.len() == values.last().map_or(0, |l| l.len()))
                    .flat_map(|v| ["a", "b", "c"].map(|c| format!("{v}{c}")))
                    .collect();
                values.extend(longer);
            }
            for value in &values {
                proptest::prop_assert!(known.contains(&vector(value)), "{value:?} has no class among {patterns:?}");
            }
        }
    }

    #[test]
    fn overlapping_prefix_and_suffix_give_the_short_class() {
        // `abc` matches `ab*` and `*bc` but not `ab*bc`: only an overlap merge reaches it.
        let found = witnesses(&["ab*", "*bc", "ab*bc"]);
        assert!(found.iter().any(|w| w == "abc"), "{found:?}");
    }
}
