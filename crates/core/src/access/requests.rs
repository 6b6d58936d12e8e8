//! The request space diff judges, cut into finitely many classes: page origins by the origin
//! patterns either side names, request headers by the header patterns, methods, credentials.
//! See `partition` for why one witness per class is enough, and `header_sets` for the sets of
//! headers one request carries.

use super::partition::{self, Bits, Class, Space};
use crate::evaluate::browser::{
    is_forbidden_header, serialize_origin, FORBIDDEN_HEADERS, FORBIDDEN_HEADER_PREFIXES,
};

/// Methods S3 CORS can allow, each asked about. Any other method (`PATCH`) is in no S3 rule, so
/// its preflight fails on both sides alike.
pub const METHODS: [&str; 5] = ["GET", "HEAD", "PUT", "POST", "DELETE"];

fn is_sent_origin(value: &str) -> bool {
    // `Origin: null` (sandboxed frames, `file:` pages) is a real origin; any other value is one a
    // browser sends only in its serialised form.
    value == "null" || serialize_origin(value).is_ok_and(|s| s == value)
}

fn is_sent_header_name(value: &str) -> bool {
    !value.is_empty()
        && value
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"-_~!#$%&'+.^`|".contains(&b))
        && !is_forbidden_header(value)
}

/// The origin classes of `patterns` (as written: S3 compares origins case-sensitively).
pub fn origin_classes(patterns: &[String]) -> Vec<Class> {
    partition::classes(
        patterns,
        &Space {
            anchors: &["https://", "http://"],
            extra: &["https://evil.example", "http://evil.example", "null"],
            fills: &["evil", "x", "8443"],
            valid: &is_sent_origin,
        },
    )
}

/// Header-name classes: `patterns` lower-cased (S3 and browsers compare names
/// case-insensitively), cut further by the names a page cannot send (forbidden, dropped by fetch)
/// and by `authorization` (which `Access-Control-Allow-Headers: *` never covers). The classes
/// returned hold names a page can send; their `matches` bits index `patterns` first.
pub fn header_classes(patterns: &[String]) -> Vec<Class> {
    let mut all: Vec<String> = patterns.to_vec();
    all.push("authorization".into());
    all.extend(FORBIDDEN_HEADERS.iter().map(|h| h.to_string()));
    all.extend(FORBIDDEN_HEADER_PREFIXES.iter().map(|p| format!("{p}*")));
    partition::classes(
        &all,
        &Space {
            anchors: &[],
            extra: &["x-evil"],
            fills: &["evil", "x"],
            valid: &is_sent_header_name,
        },
    )
}

/// The sets of header classes worth asking about, given what each rule that matches the origin
/// and method allows, in rule order, on each side (`orders`: sets over `universe`).
/// Always the empty set first.
///
/// A preflight asking for the non-empty headers `T` is answered, on each side, by the first of
/// those rules whose allowed set contains `T`, or by none; the request itself ignores headers.
/// So what `T` gets depends only on that pair of rules `(i, j)`. For a pair, the largest
/// candidate is `M = allowed(i) ∩ allowed(j)` (the universe standing in for "none"); a `T` with
/// that pair exists exactly when `M` is non-empty and contained in no earlier rule's allowed set
/// on either side (every subset of `M` is then contained in that earlier set too; `M` itself
/// reaches `(i, j)`; and "none" needs `M` outside every rule's set). So the pairs, at most
/// `(rules before + 1) × (rules after + 1)`, are checked one by one, and each one that exists is
/// asked about with `M` shrunk while it still reaches the same pair, so examples carry few
/// headers. Singletons or pairs of headers alone would not do: behind three rules allowing
/// `{a, b}`, `{b, c}` and `{a, c}`, a fourth allowing `{a, b, c}` answers only a request that
/// carries all three.
///
/// Any number of first-match lists (`orders`) work the same way, and so do sets whose containing
/// `T` or not matters too (`filters`: a response headers policy's Access-Control-Allow-Headers):
/// "contained in" conditions are kept by every subset, "not contained in" by every superset, so
/// the largest candidate of each combination is a witness if any is.
pub fn header_sets(orders: &[&[Bits]], filters: &[Bits], universe: &Bits) -> Vec<Vec<usize>> {
    // The rule that answers `t` in one list: its position, or the list's length for none.
    let first = |rules: &[Bits], t: &Bits| {
        rules
            .iter()
            .position(|allowed| t.is_subset(allowed))
            .unwrap_or(rules.len())
    };
    let signature = |t: &Bits| -> (Vec<usize>, Vec<bool>) {
        (
            orders.iter().map(|rules| first(rules, t)).collect(),
            filters.iter().map(|f| t.is_subset(f)).collect(),
        )
    };
    // Every combination of one choice per list (a rule, or none) and in-or-out per filter.
    let mut combinations: Vec<(Vec<usize>, Vec<bool>)> = vec![(Vec::new(), Vec::new())];
    for rules in orders {
        combinations = combinations
            .into_iter()
            .flat_map(|(choices, flags)| {
                (0..=rules.len()).map(move |c| {
                    let mut choices = choices.clone();
                    choices.push(c);
                    (choices, flags.clone())
                })
            })
            .collect();
    }
    for _ in filters {
        combinations = combinations
            .into_iter()
            .flat_map(|(choices, flags)| {
                [false, true].map(|flag| {
                    let mut flags = flags.clone();
                    flags.push(flag);
                    (choices.clone(), flags)
                })
            })
            .collect();
    }
    let mut sets: Vec<Vec<usize>> = vec![Vec::new()];
    for wanted in combinations {
        let mut largest = universe.clone();
        for (rules, choice) in orders.iter().zip(&wanted.0) {
            if let Some(allowed) = rules.get(*choice) {
                largest = largest.intersection(allowed);
            }
        }
        for (filter, inside) in filters.iter().zip(&wanted.1) {
            if *inside {
                largest = largest.intersection(filter);
            }
        }
        let reaches = |t: &Bits| !t.is_empty() && signature(t) == wanted;
        if !reaches(&largest) {
            continue;
        }
        let mut kept = largest.clone();
        for member in largest.ones() {
            let mut fewer = kept.clone();
            fewer.clear(member);
            if reaches(&fewer) {
                kept = fewer;
            }
        }
        let members: Vec<usize> = kept.ones().collect();
        if !sets.contains(&members) {
            sets.push(members);
        }
    }
    sets
}
