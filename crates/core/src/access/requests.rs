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

/// The sets of header classes worth asking about, given what each relevant rule allows
/// (`allowed`, one set per rule, over `universe`). Always the empty set first.
///
/// A preflight asking for the headers `T` is answered by the first rule (of those matching its
/// origin and method) whose allowed classes contain all of `T`; so what `T` gets depends only on
/// `sig(T)`, the rules whose allowed set contains `T`, and on whether `T` is empty. `sig(T)` is
/// also `sig(cl(T))` with `cl(T)` the intersection of the allowed sets of the rules in `sig(T)`
/// (or `universe` when there are none): and those intersections are exactly the sets reached from
/// `universe` by intersecting with the allowed sets one rule at a time. Each such non-empty set is
/// asked about, shrunk while its signature holds, so examples carry few headers. Singletons and
/// pairs alone would not do: behind three rules allowing `{a, b}`, `{b, c}` and `{a, c}`, a fourth
/// allowing `{a, b, c}` answers only a request that carries all three.
pub fn header_sets(allowed: &[Bits], universe: &Bits) -> Vec<Vec<usize>> {
    let mut closed: Vec<Bits> = vec![universe.clone()];
    let mut seen: std::collections::HashSet<Bits> = closed.iter().cloned().collect();
    for set in allowed {
        let reached: Vec<Bits> = closed.iter().map(|x| x.intersection(set)).collect();
        for x in reached {
            if seen.insert(x.clone()) {
                closed.push(x);
            }
        }
    }
    let signature = |t: &Bits| -> Vec<bool> { allowed.iter().map(|a| t.is_subset(a)).collect() };
    let mut sets: Vec<Vec<usize>> = vec![Vec::new()];
    for x in closed.iter().filter(|x| !x.is_empty()) {
        let wanted = signature(x);
        let mut kept = x.clone();
        for member in x.ones() {
            let mut fewer = kept.clone();
            fewer.clear(member);
            if !fewer.is_empty() && signature(&fewer) == wanted {
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
