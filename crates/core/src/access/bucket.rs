//! One resource's CORS before and after, judged request class by request class (`requests`):
//! every class a page can be in is sent through both sides with the evaluator and the browser
//! model, as `check` would send it, and each difference is kept with the request that shows it.

use std::collections::BTreeSet;

use super::partition::Bits;
use super::requests::{header_classes, header_sets, origin_classes, METHODS};
use super::{AccessChange, Effect, Example};
use crate::bucket_cors::{BucketCors, CorsRule};
use crate::evaluate::browser::{judge, PageRequest, RequestHeader};
use crate::evaluate::cloudfront::Edge;
use crate::evaluate::s3::Stored;
use crate::evaluate::{evaluate, wildcard_matches, Evaluation, Request};
use crate::normalize::CanonicalRule;

/// One side of the comparison: the bucket's rules, and the CloudFront behavior in front of it.
pub struct Side<'a> {
    pub cors: &'a BucketCors,
    pub edge: Option<&'a Edge<'a>>,
}

impl Side<'_> {
    fn evaluate(&self, request: &Request) -> Evaluation {
        evaluate(self.edge, Stored::Cors(self.cors), request)
    }

    /// The extra origin and header patterns the edge's response headers policy names.
    fn policy_patterns(&self) -> (Vec<String>, Vec<String>) {
        let Some(policy) = self.edge.and_then(|e| e.response_headers) else {
            return (Vec::new(), Vec::new());
        };
        // CloudFront's `https://*.example.org` (subdomains only) is the same `*` pattern here.
        let origins = policy.allow_origins.clone();
        let headers = policy
            .allow_headers
            .iter()
            .filter(|h| *h != "*" && *h != "ALL")
            .map(|h| h.to_ascii_lowercase())
            .collect();
        (origins, headers)
    }
}

/// What a page's request gets from one side, as `check` judges it: the preflight when fetch sends
/// one, then the request itself.
pub struct Verdict {
    pub allowed: bool,
    pub preflight: Option<Evaluation>,
    pub actual: Evaluation,
}

pub fn verdict(evaluate: &dyn Fn(&Request) -> Evaluation, page: &PageRequest) -> Verdict {
    let mut allowed = true;
    let preflight = page.needs_preflight().then(|| {
        let request = page.preflight();
        let evaluation = evaluate(&request);
        allowed &= judge(&request, &evaluation.response).passes;
        evaluation
    });
    let request = page.actual();
    let actual = evaluate(&request);
    allowed &= judge(&request, &actual.response).passes;
    Verdict {
        allowed,
        preflight,
        actual,
    }
}

/// Every difference between `before` and `after`, for the resource `resource`.
pub fn changes(resource: &str, before: &Side<'_>, after: &Side<'_>) -> Vec<AccessChange> {
    let sides = [before, after];
    let mut origin_patterns: Vec<String> = Vec::new();
    let mut header_patterns: Vec<String> = Vec::new();
    for side in sides {
        for rule in &side.cors.rules {
            origin_patterns.extend(rule.allowed_origins.iter().cloned());
            header_patterns.extend(rule.allowed_headers.iter().map(|h| h.to_ascii_lowercase()));
        }
        let (origins, headers) = side.policy_patterns();
        origin_patterns.extend(origins);
        header_patterns.extend(headers);
    }
    dedup(&mut origin_patterns);
    dedup(&mut header_patterns);
    let origins = origin_classes(&origin_patterns);
    let headers = header_classes(&header_patterns);
    let index_of = |list: &[String], p: &str| list.iter().position(|x| x == p);
    // Per side and rule: the origin classes it matches, the header classes it allows.
    let rule_bits = |rule: &CorsRule| {
        let mut origin_bits = Bits::new(origins.len());
        let pattern_indices: Vec<usize> = rule
            .allowed_origins
            .iter()
            .filter_map(|p| index_of(&origin_patterns, p))
            .collect();
        for (i, class) in origins.iter().enumerate() {
            if pattern_indices.iter().any(|p| class.matches.get(*p)) {
                origin_bits.set(i);
            }
        }
        let mut header_bits = Bits::new(headers.len());
        let header_indices: Vec<usize> = rule
            .allowed_headers
            .iter()
            .filter_map(|h| index_of(&header_patterns, &h.to_ascii_lowercase()))
            .collect();
        for (i, class) in headers.iter().enumerate() {
            if header_indices.iter().any(|p| class.matches.get(*p)) {
                header_bits.set(i);
            }
        }
        (origin_bits, header_bits)
    };
    let bits: Vec<Vec<(Bits, Bits)>> = sides
        .iter()
        .map(|side| side.cors.rules.iter().map(rule_bits).collect())
        .collect();
    let mut universe = Bits::new(headers.len());
    (0..headers.len()).for_each(|i| universe.set(i));
    // With a CloudFront behavior in front, an answer can come from its policy without any rule:
    // every class is asked about then.
    let edged = sides.iter().any(|s| s.edge.is_some());
    // A response headers policy answers with its own Access-Control-Allow-Headers: which header
    // classes it covers, with and without credentials (`*` covers all but Authorization, and only
    // without), splits the header sets further.
    let mut filters: Vec<Bits> = Vec::new();
    for policy in sides
        .iter()
        .filter_map(|s| s.edge.and_then(|e| e.response_headers))
    {
        for credentials in [false, true] {
            let mut covered = Bits::new(headers.len());
            for (i, class) in headers.iter().enumerate() {
                let name = class.witness.as_str();
                let listed = policy
                    .allow_headers
                    .iter()
                    .any(|h| h.eq_ignore_ascii_case(name));
                let star = !credentials
                    && name != "authorization"
                    && policy.allow_headers.iter().any(|h| h == "*");
                if listed || star {
                    covered.set(i);
                }
            }
            filters.push(covered);
        }
    }

    let mut found: Vec<AccessChange> = Vec::new();
    for (origin_index, origin) in origins.iter().enumerate() {
        for method in METHODS {
            // Per side, in rule order: what each rule matching this origin and method allows.
            let allowed: Vec<Vec<Bits>> = sides
                .iter()
                .zip(&bits)
                .map(|(side, side_bits)| {
                    side.cors
                        .rules
                        .iter()
                        .zip(side_bits)
                        .filter(|(rule, (origin_bits, _))| {
                            origin_bits.get(origin_index)
                                && rule.allowed_methods.iter().any(|m| m == method)
                        })
                        .map(|(_, (_, header_bits))| header_bits.clone())
                        .collect()
                })
                .collect();
            if allowed.iter().all(Vec::is_empty) && !edged {
                // No rule on either side answers this origin and method: denied on both.
                continue;
            }
            for set in header_sets(&[&allowed[0], &allowed[1]], &filters, &universe) {
                let names: Vec<String> = set.iter().map(|i| headers[*i].witness.clone()).collect();
                let judged: Vec<Vec<Judged>> = [false, true]
                    .map(|credentials| {
                        let page = PageRequest::new(
                            &origin.witness,
                            method,
                            names
                                .iter()
                                .map(|name| RequestHeader {
                                    name: name.clone(),
                                    value: None,
                                })
                                .collect(),
                            credentials,
                        );
                        let was = verdict(&|r| before.evaluate(r), &page);
                        let is = verdict(&|r| after.evaluate(r), &page);
                        compare(before, after, &was, &is, &page)
                    })
                    .into();
                record(
                    &mut found,
                    resource,
                    &judged,
                    &origin.witness,
                    method,
                    &names,
                );
            }
        }
    }
    found
}

fn dedup(list: &mut Vec<String>) {
    let mut seen = BTreeSet::new();
    list.retain(|item| seen.insert(item.clone()));
}

/// One difference a request shows, before it is grouped with others like it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Judged {
    effect: Effect,
    detail: String,
    origin: String,
    header: Option<String>,
}

/// Adds what one request class showed, with and without credentials: a difference both show is
/// said once, for either.
fn record(
    found: &mut Vec<AccessChange>,
    resource: &str,
    judged: &[Vec<Judged>],
    origin: &str,
    method: &str,
    headers: &[String],
) {
    let (without, with) = (&judged[0], &judged[1]);
    let mut entries: Vec<(Judged, Option<bool>)> = Vec::new();
    for j in without {
        entries.push((j.clone(), if with.contains(j) { None } else { Some(false) }));
    }
    for j in with {
        if !without.contains(j) {
            entries.push((j.clone(), Some(true)));
        }
    }
    for (judged, credentials) in entries {
        let example = Example {
            origin: origin.to_string(),
            method: method.to_string(),
            headers: headers.to_vec(),
            credentials: credentials.unwrap_or(false),
        };
        match found.iter_mut().find(|c| {
            c.effect == judged.effect
                && c.origin == judged.origin
                && c.header == judged.header
                && c.detail == judged.detail
                && c.credentials == credentials
        }) {
            Some(existing) => {
                if !existing.methods.iter().any(|m| m == method) {
                    existing.methods.push(method.to_string());
                }
            }
            None => found.push(AccessChange {
                resource: resource.to_string(),
                effect: judged.effect,
                origin: judged.origin,
                methods: vec![method.to_string()],
                header: judged.header,
                detail: judged.detail,
                credentials,
                example,
            }),
        }
    }
}

/// The origin pattern, as written, that let `origin` in on `side` (the rule answering the request
/// itself), or the origin when no rule did (a response headers policy).
fn origin_label(side: &Side<'_>, verdict: &Verdict, origin: &str) -> String {
    verdict
        .actual
        .matched_rule
        .and_then(|i| side.cors.rules.get(i))
        .and_then(|rule| {
            rule.allowed_origins
                .iter()
                .find(|p| wildcard_matches(p, origin, false))
        })
        .cloned()
        .unwrap_or_else(|| origin.to_string())
}

/// The header patterns, as written, that let the requested headers in on `side`.
fn header_label(side: &Side<'_>, verdict: &Verdict, page: &PageRequest) -> Option<String> {
    if page.headers.is_empty() {
        return None;
    }
    let rule = verdict
        .preflight
        .as_ref()
        .and_then(|p| p.matched_rule)
        .and_then(|i| side.cors.rules.get(i));
    let names: Vec<String> = match rule {
        Some(rule) => rule
            .allowed_headers
            .iter()
            .filter(|p| {
                page.headers
                    .iter()
                    .any(|h| wildcard_matches(p, &h.name, true))
            })
            .cloned()
            .collect(),
        None => page.headers.iter().map(|h| h.name.clone()).collect(),
    };
    Some(names.join(", "))
}

fn compare(
    before: &Side<'_>,
    after: &Side<'_>,
    was: &Verdict,
    is: &Verdict,
    page: &PageRequest,
) -> Vec<Judged> {
    let at = |effect: Effect, side: &Side<'_>, verdict: &Verdict, detail: String| Judged {
        effect,
        detail,
        origin: origin_label(side, verdict, &page.origin),
        header: header_label(side, verdict, page),
    };
    match (was.allowed, is.allowed) {
        (false, false) => Vec::new(),
        (false, true) => vec![at(Effect::Widens, after, is, describe(is, after, before))],
        (true, false) => vec![at(Effect::Narrows, before, was, String::new())],
        (true, true) => {
            let mut found = Vec::new();
            let (could, can) = (
                readable(was, page.credentials),
                readable(is, page.credentials),
            );
            let gained = newly_readable(&could, &can);
            if !gained.is_empty() {
                found.push(at(
                    Effect::Widens,
                    after,
                    is,
                    format!("the page can now read {gained}"),
                ));
            }
            let lost = newly_readable(&can, &could);
            if !lost.is_empty() {
                found.push(at(
                    Effect::Narrows,
                    after,
                    is,
                    format!("the page can no longer read {lost}"),
                ));
            }
            if let Some(detail) = difference(was, is, before, after) {
                // Said of the requests as they were allowed before.
                found.push(at(Effect::Changes, before, was, detail));
            }
            found
        }
    }
}

/// The response headers a page can read beyond the safelisted ones: `None` for all of them
/// (`Access-Control-Expose-Headers: *` without credentials).
fn readable(verdict: &Verdict, credentials: bool) -> Option<BTreeSet<String>> {
    let listed: BTreeSet<String> = verdict
        .actual
        .response
        .header("Access-Control-Expose-Headers")
        .unwrap_or_default()
        .split(',')
        .map(|h| h.trim().to_ascii_lowercase())
        .filter(|h| !h.is_empty())
        .collect();
    if listed.contains("*") && !credentials {
        None
    } else {
        Some(listed)
    }
}

/// What `now` lets a page read that `then` did not, in words; empty when nothing.
fn newly_readable(then: &Option<BTreeSet<String>>, now: &Option<BTreeSet<String>>) -> String {
    match (then, now) {
        (None, _) => String::new(),
        (Some(_), None) => "every response header".into(),
        (Some(then), Some(now)) => now
            .difference(then)
            .map(String::as_str)
            .collect::<Vec<_>>()
            .join(", "),
    }
}

fn rule_name(rules: &[CorsRule], index: usize) -> String {
    match rules.get(index).and_then(|r| r.id.as_deref()) {
        Some(id) => format!("rule {} \"{id}\"", index + 1),
        None => format!("rule {}", index + 1),
    }
}

/// The rule that answers a request, on a preflight if one is sent, else on the request itself.
fn answering(verdict: &Verdict) -> Option<usize> {
    match &verdict.preflight {
        Some(preflight) => preflight.matched_rule,
        None => verdict.actual.matched_rule,
    }
}

/// Which rule answers in `after`, and whether `before` had that rule.
fn describe(is: &Verdict, after: &Side<'_>, before: &Side<'_>) -> String {
    let Some(index) = answering(is) else {
        return String::new();
    };
    let canonical = CanonicalRule::of(&after.cors.rules[index]);
    let new = !before
        .cors
        .rules
        .iter()
        .any(|r| CanonicalRule::of(r) == canonical);
    format!(
        "{}, {}",
        rule_name(&after.cors.rules, index),
        if new { "new" } else { "unchanged" }
    )
}

/// How an answer allowed on both sides differs: what it carries, or which rule gives it.
fn difference(was: &Verdict, is: &Verdict, before: &Side<'_>, after: &Side<'_>) -> Option<String> {
    let mut parts: Vec<String> = Vec::new();
    fn responses(v: &Verdict) -> Vec<&crate::evaluate::Response> {
        let mut r = vec![&v.actual.response];
        r.extend(v.preflight.as_ref().map(|p| &p.response));
        r
    }
    // What an allowed answer carries. Allow-Methods and Allow-Headers are left out: each
    // request's own verdict already says what they change.
    for header in [
        "Access-Control-Allow-Origin",
        "Access-Control-Allow-Credentials",
        "Access-Control-Expose-Headers",
        "Access-Control-Max-Age",
    ] {
        for (then, now) in responses(was).into_iter().zip(responses(is)) {
            let (a, b) = (then.header(header), now.header(header));
            let as_set = |v: Option<&str>| {
                let mut items: Vec<String> = v
                    .unwrap_or_default()
                    .split(',')
                    .map(|i| i.trim().to_ascii_lowercase())
                    .collect();
                items.sort();
                (v.is_some(), items)
            };
            if as_set(a) != as_set(b) {
                let show = |v: Option<&str>| v.map_or("absent".to_string(), |v| format!("`{v}`"));
                let part = format!("{header} {} → {}", show(a), show(b));
                if !parts.contains(&part) {
                    parts.push(part);
                }
            }
        }
    }
    // Which rule answers matters where the answer differs: say so, for the reviewer.
    if let (false, Some(then), Some(now)) = (parts.is_empty(), answering(was), answering(is)) {
        if rule_name(&before.cors.rules, then) != rule_name(&after.cors.rules, now) || then != now {
            parts.push(format!(
                "answered by {} instead of {}",
                rule_name(&after.cors.rules, now),
                rule_name(&before.cors.rules, then)
            ));
        }
    }
    (!parts.is_empty()).then(|| parts.join("; "))
}
