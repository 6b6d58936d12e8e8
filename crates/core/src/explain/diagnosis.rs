//! Why one observed failure happened, judged against the manifest: the observation is turned into
//! the requests it may have been (one when the input says everything; several when it leaves the
//! method, the headers, the credentials or the origin open), each is run through the evaluators
//! `check` uses (`crate::evaluate`: S3's algorithm, then the browser's check of the answer), and
//! the causes of the failures that agree with what the browser reported are the candidates.

use std::collections::BTreeSet;

use serde::Serialize;

use super::fix::{Change, Fix};
use super::{Cause, Observation, Reported, Source, Step};
use crate::bucket::Bucket;
use crate::bucket_cors::{BucketCors, CorsRule};
use crate::evaluate::browser::{judge, serialize_origin, SAFELISTED_METHODS};
use crate::evaluate::cloudfront::Edge;
use crate::evaluate::s3::Stored;
use crate::evaluate::{evaluate, wildcard_matches, Evaluation, Request, RuleOutcome};
use crate::lint::unsendable;
use crate::manifest::Declared;

/// Methods tried when the input does not name the method.
const METHODS: [&str; 5] = ["GET", "HEAD", "POST", "PUT", "DELETE"];
/// Stands for "a header the rules do not list" when the input does not name the headers.
const UNLISTED_HEADER: &str = "x-cors-sync-unlisted-header";
/// Stands for "an origin no rule names" when the input does not name the origin (Firefox).
const UNLISTED_ORIGIN: &str = "https://cors-sync-unlisted-origin.invalid";

/// The request as far as the input (and the command line) tells it; `None` is unknown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RequestShown {
    pub origin: Option<String>,
    pub method: Option<String>,
    pub headers: Option<Vec<String>>,
    pub credentials: Option<bool>,
}

/// The rule that came closest, where it is written, and what it lacks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleRef {
    /// `None` when judged against live state, which has no file.
    pub file: Option<String>,
    pub line: Option<usize>,
    pub column: Option<usize>,
    /// 1-based, in S3's evaluation order.
    pub index: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub lacks: String,
}

/// The change a CloudFront cause needs on the behavior `path` of `distribution`; `None` where no
/// narrow edit of the behavior fixes it (a policy-based behavior forwards through its origin
/// request policy).
pub fn behavior_change(
    cause: Cause,
    distribution: &str,
    path: &str,
    edge: &Edge<'_>,
    method: Option<&str>,
) -> Option<Change> {
    match cause {
        Cause::OptionsNotAllowed => {
            // CloudFront accepts three sets only: GET and HEAD, with OPTIONS, or all seven.
            let needed: &[&str] = if matches!(method, Some("GET" | "HEAD")) {
                &["OPTIONS"]
            } else {
                &["OPTIONS", "PUT", "POST", "PATCH", "DELETE"]
            };
            let methods: Vec<String> = needed
                .iter()
                .filter(|m| !edge.behavior.allowed_methods.iter().any(|a| a == *m))
                .map(|m| m.to_string())
                .collect();
            Some(Change::BehaviorMethods {
                distribution: distribution.to_string(),
                path: path.to_string(),
                methods,
            })
        }
        Cause::OriginNotForwarded if edge.behavior.forward_headers.is_some() => {
            let forwarded = edge.forwarded;
            let missing: Vec<String> = [
                (forwarded.origin, "Origin"),
                (forwarded.request_method, "Access-Control-Request-Method"),
                (forwarded.request_headers, "Access-Control-Request-Headers"),
            ]
            .into_iter()
            .filter(|(has, _)| !has)
            .map(|(_, name)| name.to_string())
            .collect();
            Some(Change::BehaviorForwards {
                distribution: distribution.to_string(),
                path: path.to_string(),
                headers: missing,
            })
        }
        _ => None,
    }
}

/// One failure explained.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Explanation {
    pub target: String,
    pub step: Option<Step>,
    pub cause: Cause,
    pub candidates: Vec<Cause>,
    pub browser_reason: String,
    pub request: RequestShown,
    pub rule: Option<RuleRef>,
    /// Set by `fix`; null until the cause is decided and a change is asked for.
    pub fix: Option<Fix>,
    pub source: Source,
    /// Every URL that failed this way (a HAR groups entries that fail for the same reason).
    pub urls: Vec<String>,
    /// Why, in a sentence about this request and this manifest.
    pub detail: String,
    /// What else to know: what the manifest allows when undecided, what to add to decide.
    pub notes: Vec<String>,
    #[serde(skip)]
    pub change: Option<Change>,
    /// The bucket the request reached (behind the distribution, for a CloudFront target).
    #[serde(skip)]
    pub bucket: String,
}

/// One way the observed request may have been.
#[derive(Debug, Clone)]
struct Hypothesis {
    origin: String,
    method: String,
    headers: Vec<String>,
    credentials: bool,
}

/// What a hypothesis leads to, when it fails.
#[derive(Debug, Clone)]
struct Finding {
    cause: Cause,
    rule: Option<usize>,
    lacks: String,
    detail: String,
    change: Option<Change>,
    /// What S3 answered to the failing step, in a sentence.
    answer: Option<String>,
}

/// Explains `observation` against the bucket the manifest declares.
pub fn diagnose(
    observation: &Observation,
    target: &str,
    bucket: &Declared<Bucket<Option<String>>>,
) -> Explanation {
    diagnose_behind(observation, target, bucket, None)
}

/// As `diagnose`, for a bucket behind the CloudFront behavior `edge`.
pub fn diagnose_behind(
    observation: &Observation,
    target: &str,
    bucket: &Declared<Bucket<Option<String>>>,
    edge: Option<&Edge<'_>>,
) -> Explanation {
    let findings = findings(observation, &bucket.cors, edge);
    let candidates: Vec<Cause> = findings
        .iter()
        .map(|f| f.cause)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let mut notes = Vec::new();
    let top = findings
        .iter()
        .min_by_key(|f| f.cause)
        .cloned()
        .unwrap_or_else(|| Finding {
            cause: Cause::AllowedByManifest,
            rule: None,
            lacks: String::new(),
            detail: Cause::AllowedByManifest.meaning().into(),
            change: None,
            answer: None,
        });
    if observation.origin.is_none() {
        notes.push(format!(
            "the {} message does not name the page's origin: give it with --origin to decide",
            source_name(observation.source)
        ));
    }
    if candidates.len() > 1 {
        notes.extend(undecided_notes(observation, &bucket.cors));
    }
    // curl can send an origin no browser sends; a fix for that origin would fix no page.
    let browser_origin = observation
        .origin
        .as_deref()
        .is_some_and(|o| serialize_origin(o).ok().as_deref() == Some(o));
    let decided = candidates.len() == 1 && browser_origin;
    let mut browser_reason = observation.browser_reason.clone();
    if observation.literal {
        match &top.answer {
            Some(answer) => browser_reason = answer.clone(),
            None if findings.is_empty() => {
                // curl's request gets CORS headers: say what S3 sends, which is what was asked.
                let h = hypotheses(observation, &bucket.cors).remove(0);
                let headers: Vec<&str> = h.headers.iter().map(String::as_str).collect();
                let request = match observation.step {
                    Some(Step::Preflight) => Request::preflight(&h.origin, &h.method, &headers),
                    _ => Request::actual(&h.origin, &h.method),
                };
                let evaluation = evaluate(edge, Stored::Cors(&bucket.cors), &request);
                browser_reason = format!(
                    "S3 answers {} with CORS headers: {}",
                    evaluation.response.status, evaluation.reason
                );
                notes.push("by the manifest this exact request gets CORS headers; if the bucket refuses it, live state differs (`cors-sync plan`, or explain --live)".into());
            }
            None => {}
        }
        if let Some(origin) = &observation.origin {
            match serialize_origin(origin) {
                Ok(sent) if &sent != origin => notes.push(format!("a browser sends this origin as `{sent}`; S3 compares the `Origin` curl sends literally")),
                _ => {}
            }
        }
    }
    let (detail, rule) = if candidates.len() > 1 {
        let codes: Vec<&str> = candidates.iter().map(|c| c.code()).collect();
        (
            format!(
                "the input leaves {} causes possible: {}",
                codes.len(),
                codes.join(", ")
            ),
            None,
        )
    } else {
        (
            top.detail,
            top.rule.map(|index| rule_ref(bucket, index, &top.lacks)),
        )
    };
    Explanation {
        target: target.to_string(),
        step: observation.step,
        cause: top.cause,
        candidates: if candidates.is_empty() {
            vec![top.cause]
        } else {
            candidates
        },
        browser_reason,
        request: RequestShown {
            origin: observation.origin.clone(),
            method: observation.method.clone(),
            headers: observation.headers.clone(),
            credentials: observation.credentials,
        },
        rule,
        fix: None,
        source: observation.source,
        urls: vec![observation.url.clone()],
        detail,
        notes,
        change: if decided { top.change } else { None },
        bucket: bucket.name.clone(),
    }
}

fn source_name(source: Source) -> &'static str {
    match source {
        Source::Chromium => "Chromium",
        Source::Firefox => "Firefox",
        Source::Har => "HAR",
        Source::Curl => "curl",
    }
}

fn rule_ref(bucket: &Declared<Bucket<Option<String>>>, index: usize, lacks: &str) -> RuleRef {
    let location = bucket.part_location(index);
    let file = location.file.display().to_string();
    RuleRef {
        file: (!file.is_empty()).then_some(file),
        line: location.position.map(|p| p.line),
        column: location.position.map(|p| p.column),
        index: index + 1,
        id: bucket.cors.rules.get(index).and_then(|r| r.id.clone()),
        lacks: lacks.to_string(),
    }
}

/// The findings of every hypothesis that agrees with what was observed.
fn findings(observation: &Observation, cors: &BucketCors, edge: Option<&Edge<'_>>) -> Vec<Finding> {
    let direct = |cause: Cause, detail: &str| {
        vec![Finding {
            cause,
            rule: None,
            lacks: String::new(),
            detail: detail.to_string(),
            change: None,
            answer: None,
        }]
    };
    // Firefox reports a redirected preflight as a missing header with the redirect's status.
    let redirected = observation.status.is_some_and(|s| (300..400).contains(&s));
    match &observation.reported {
        _ if redirected => return direct(Cause::PreflightRedirected, "the request was answered with a redirect: use the bucket's regional https endpoint (bucket.s3.REGION.amazonaws.com) in the page"),
        Reported::Redirect => return direct(Cause::PreflightRedirected, "the request was answered with a redirect: use the bucket's regional https endpoint (bucket.s3.REGION.amazonaws.com) in the page"),
        Reported::PrivateNetwork => return direct(Cause::PrivateNetwork, Cause::PrivateNetwork.meaning()),
        Reported::AllowOriginMismatch(value) => return direct(Cause::CachedForAnotherOrigin, &format!("the answer names {}, not the page's origin: S3 echoes the origin it is sent, so this answer was made for another site and served from a cache (CloudFront without `Origin` in its cache key, or the browser's own cache without `Vary: Origin`)", if value.is_empty() { "several origins".to_string() } else { format!("`{value}`") })),
        Reported::Other if !observation.literal => return direct(Cause::NotCors, &format!("no S3 answer makes a browser say this: {}", observation.browser_reason)),
        _ => {}
    }
    let mut found = Vec::new();
    for hypothesis in hypotheses(observation, cors) {
        let failure = if observation.literal {
            literal_failure(observation, &hypothesis, cors, edge)
        } else {
            browser_failure(&hypothesis, cors, edge)
        };
        let finding = match failure {
            Some((step, request, evaluation)) => {
                let mut finding = classify(cors, edge, step, &request, &evaluation);
                finding.answer = Some(format!(
                    "S3 answers {}: {}",
                    evaluation.response.status, evaluation.reason
                ));
                match agrees(observation, step, evaluation.response.status, finding.cause) {
                    Agreement::Yes => finding,
                    Agreement::RefusedBeforeCors => not_cors(observation),
                    Agreement::No => continue,
                }
            }
            None if refused_before_cors(observation) => not_cors(observation),
            None => continue,
        };
        found.push(finding);
    }
    if found.is_empty() {
        if let Some(cause) = reported_cause(&observation.reported) {
            return direct(cause, &format!("{}; the manifest answers this request otherwise, so live state may differ from it (`cors-sync plan` shows how)", cause.meaning()));
        }
    }
    found
}

/// A cause the browser's words decide on their own.
fn reported_cause(reported: &Reported) -> Option<Cause> {
    match reported {
        Reported::WildcardWithCredentials => Some(Cause::CredentialsWithWildcard),
        Reported::AllowCredentialsNotTrue => Some(Cause::CredentialsNotAllowed),
        Reported::MethodNotAllowed => Some(Cause::MethodNotAllowed),
        Reported::HeaderNotAllowed(_) => Some(Cause::HeaderNotAllowed),
        _ => None,
    }
}

fn not_cors(observation: &Observation) -> Finding {
    let status = observation
        .status
        .map_or_else(String::new, |s| format!(" ({s})"));
    Finding {
        cause: Cause::NotCors,
        rule: None,
        lacks: String::new(),
        detail: format!("S3 refused the request itself{status}, before CORS: AccessDenied (the object is not public, or a presigned URL signed for other headers gives SignatureDoesNotMatch) or a missing object; the manifest's CORS rules allow it"),
        change: None,
        answer: None,
    }
}

/// A status the input reports that S3's CORS never answers with on the request itself.
fn refused_before_cors(observation: &Observation) -> bool {
    observation.step != Some(Step::Preflight) && observation.status.is_some_and(|s| s >= 400)
}

enum Agreement {
    Yes,
    /// The evaluator predicts a CORS failure with another status than the one observed on the
    /// request itself: S3 refused it before CORS.
    RefusedBeforeCors,
    No,
}

fn agrees(observation: &Observation, step: Step, status: u16, cause: Cause) -> Agreement {
    if observation.step.is_some_and(|observed| observed != step) {
        return Agreement::No;
    }
    let compatible = match &observation.reported {
        Reported::MissingAllowOrigin => !matches!(
            cause,
            Cause::CredentialsWithWildcard | Cause::CredentialsNotAllowed
        ),
        Reported::PreflightStatus => step == Step::Preflight,
        Reported::WildcardWithCredentials => cause == Cause::CredentialsWithWildcard,
        Reported::AllowCredentialsNotTrue => cause == Cause::CredentialsNotAllowed,
        Reported::MethodNotAllowed => cause == Cause::MethodNotAllowed,
        Reported::HeaderNotAllowed(_) => cause == Cause::HeaderNotAllowed,
        _ => true,
    };
    if !compatible {
        return Agreement::No;
    }
    match observation.status {
        Some(observed) if observed / 100 != status / 100 => {
            if step == Step::Request && observed >= 400 {
                Agreement::RefusedBeforeCors
            } else {
                Agreement::No
            }
        }
        _ => Agreement::Yes,
    }
}

fn hypotheses(observation: &Observation, cors: &BucketCors) -> Vec<Hypothesis> {
    let origins: Vec<String> = match &observation.origin {
        Some(origin) => vec![origin.clone()],
        None => cors
            .rules
            .iter()
            .flat_map(|r| r.allowed_origins.iter())
            .map(|o| o.replacen('*', "cors-sync-any", 1))
            .chain([UNLISTED_ORIGIN.to_string()])
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect(),
    };
    let methods: Vec<String> = match &observation.method {
        Some(method) => vec![method.clone()],
        None => METHODS
            .iter()
            .map(|m| m.to_string())
            .chain(
                cors.rules
                    .iter()
                    .flat_map(|r| r.allowed_methods.iter().cloned()),
            )
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect(),
    };
    let header_sets: Vec<Vec<String>> = match &observation.headers {
        Some(headers) => vec![headers.clone()],
        None => vec![Vec::new(), vec![UNLISTED_HEADER.to_string()]],
    };
    let credentials: Vec<bool> = match observation.credentials {
        Some(c) => vec![c],
        None => vec![false, true],
    };
    let mut all = Vec::new();
    for origin in &origins {
        for method in &methods {
            for headers in &header_sets {
                for credentials in &credentials {
                    all.push(Hypothesis {
                        origin: origin.clone(),
                        method: method.clone(),
                        headers: headers.clone(),
                        credentials: *credentials,
                    });
                }
            }
        }
    }
    all
}

/// A browser's request: the preflight when fetch sends one, then the request; the first step the
/// browser refuses, with what S3 answered to it.
fn browser_failure(
    h: &Hypothesis,
    cors: &BucketCors,
    edge: Option<&Edge<'_>>,
) -> Option<(Step, Request, Evaluation)> {
    let headers: Vec<&str> = h.headers.iter().map(String::as_str).collect();
    let needs_preflight = !SAFELISTED_METHODS.contains(&h.method.as_str()) || !headers.is_empty();
    let steps = [
        needs_preflight.then(|| {
            (
                Step::Preflight,
                Request::preflight(&h.origin, &h.method, &headers).with_credentials(h.credentials),
            )
        }),
        Some((
            Step::Request,
            Request::actual(&h.origin, &h.method).with_credentials(h.credentials),
        )),
    ];
    for (step, request) in steps.into_iter().flatten() {
        let evaluation = evaluate(edge, Stored::Cors(cors), &request);
        if !judge(&request, &evaluation.response).passes {
            return Some((step, request, evaluation));
        }
    }
    None
}

/// curl's one request, exactly as written: it fails when S3 refuses the preflight, or answers
/// the request without CORS headers.
fn literal_failure(
    observation: &Observation,
    h: &Hypothesis,
    cors: &BucketCors,
    edge: Option<&Edge<'_>>,
) -> Option<(Step, Request, Evaluation)> {
    let headers: Vec<&str> = h.headers.iter().map(String::as_str).collect();
    let step = observation.step.unwrap_or(Step::Request);
    let request = match step {
        Step::Preflight => Request::preflight(&h.origin, &h.method, &headers),
        Step::Request => Request::actual(&h.origin, &h.method),
    };
    let evaluation = evaluate(edge, Stored::Cors(cors), &request);
    let refused = match step {
        Step::Preflight => !(200..300).contains(&evaluation.response.status),
        Step::Request => evaluation
            .response
            .header("Access-Control-Allow-Origin")
            .is_none(),
    };
    refused.then_some((step, request, evaluation))
}

fn rule_name(cors: &BucketCors, index: usize) -> String {
    let id = cors
        .rules
        .get(index)
        .and_then(|r| r.id.as_deref())
        .map(|id| format!(" \"{id}\""))
        .unwrap_or_default();
    format!("rule {}{id}", index + 1)
}

/// Why CloudFront refused the request, or kept from S3 what its CORS answer needs when S3 itself
/// would have answered with CORS headers.
fn edge_cause(
    edge: &Edge<'_>,
    cors: &BucketCors,
    step: Step,
    request: &Request,
) -> Option<Finding> {
    let finding = |cause: Cause, detail: String| Finding {
        cause,
        rule: None,
        lacks: String::new(),
        detail,
        change: None,
        answer: None,
    };
    let method = match step {
        Step::Preflight => "OPTIONS",
        Step::Request => request.method.as_str(),
    };
    if !edge.behavior.allowed_methods.iter().any(|m| m == method) {
        return Some(if step == Step::Preflight {
            finding(Cause::OptionsNotAllowed, "the behavior's allowed_methods do not include OPTIONS, so CloudFront refuses the preflight before it reaches S3: allow [GET, HEAD, OPTIONS]".into())
        } else {
            finding(Cause::NotCors, format!("the behavior does not allow {method}: CloudFront refuses it before CORS matters"))
        });
    }
    let forwarded = edge.forwarded;
    let reaches = forwarded.origin
        && (step == Step::Request
            || (forwarded.request_method
                && (request.headers.is_empty() || forwarded.request_headers)));
    let s3_allows = evaluate(None, Stored::Cors(cors), request)
        .matched_rule
        .is_some();
    (!reaches && s3_allows).then(|| {
        finding(Cause::OriginNotForwarded, "S3's rules allow this request, but the behavior does not forward `Origin` and `Access-Control-Request-Method`/`-Headers` to S3, so S3 answers without CORS headers: forward them (or use the managed origin request policy CORS-S3Origin)".into())
    })
}

/// Why S3 (and then the browser) refused this request, and the nearest rule.
fn classify(
    cors: &BucketCors,
    edge: Option<&Edge<'_>>,
    step: Step,
    request: &Request,
    evaluation: &Evaluation,
) -> Finding {
    if let Some(found) = edge.and_then(|edge| edge_cause(edge, cors, step, request)) {
        return found;
    }
    let origin = request.origin.clone().unwrap_or_default();
    let finding = |cause, rule: Option<usize>, lacks: String, detail: String, change| Finding {
        cause,
        rule,
        lacks,
        detail,
        change,
        answer: None,
    };
    if !cors.is_configured() {
        let mut rule = CorsRule::allowing(&[origin.as_str()], &[request.method.as_str()]);
        rule.allowed_headers = request
            .headers
            .iter()
            .map(|h| h.to_ascii_lowercase())
            .collect();
        return finding(
            Cause::NoCorsConfiguration,
            None,
            String::new(),
            Cause::NoCorsConfiguration.meaning().into(),
            Some(Change::NewRule { rule }),
        );
    }
    if let Some(index) = evaluation.matched_rule {
        let star = evaluation.response.header("Access-Control-Allow-Origin") == Some("*");
        return if star && request.credentials {
            finding(
                Cause::CredentialsWithWildcard,
                Some(index),
                format!("`{origin}` named before `*`"),
                format!("{} matches through `*`, so S3 answers `Access-Control-Allow-Origin: *`, which a browser refuses for a request with credentials", rule_name(cors, index)),
                Some(Change::OriginBeforeWildcard { rule: index, origin }),
            )
        } else {
            finding(
                Cause::CredentialsNotAllowed,
                Some(index),
                String::new(),
                Cause::CredentialsNotAllowed.meaning().into(),
                None,
            )
        };
    }
    for (index, rule) in cors.rules.iter().enumerate() {
        for pattern in &rule.allowed_origins {
            let Some(sent) = unsendable(pattern) else {
                continue;
            };
            let mut respelled = rule.clone();
            respelled.allowed_origins = vec![sent.clone()];
            let alone = BucketCors::new(vec![respelled]);
            if wildcard_matches(&sent, &origin, false)
                && evaluate(None, Stored::Cors(&alone), request)
                    .matched_rule
                    .is_some()
            {
                return finding(
                    Cause::OriginUnsendable,
                    Some(index),
                    format!("`{pattern}` spelled as a browser sends it: `{sent}`"),
                    format!("{} allows `{pattern}`, but a browser sends `{sent}`, and S3 compares origins literally", rule_name(cors, index)),
                    Some(Change::RespellOrigin { rule: index, from: pattern.clone(), to: sent }),
                );
            }
        }
    }
    let header = evaluation
        .rules
        .iter()
        .enumerate()
        .find_map(|(i, o)| match o {
            RuleOutcome::HeaderNotAllowed(h) => Some((i, h.clone())),
            _ => None,
        });
    if let Some((index, header)) = header {
        let known = header != UNLISTED_HEADER;
        let shown = if known {
            format!("`{header}`")
        } else {
            "a header the page sets".to_string()
        };
        return finding(
            Cause::HeaderNotAllowed,
            Some(index),
            if known {
                format!("the header `{header}`")
            } else {
                "a header outside allowed_headers".into()
            },
            format!(
                "{} matches the origin and {} but not {shown}",
                rule_name(cors, index),
                request.method
            ),
            known.then(|| Change::AddHeader {
                rule: index,
                header: header.to_ascii_lowercase(),
            }),
        );
    }
    let method = evaluation
        .rules
        .iter()
        .position(|o| *o == RuleOutcome::MethodNotAllowed);
    if let Some(index) = method {
        return finding(
            Cause::MethodNotAllowed,
            Some(index),
            format!("the method {}", request.method),
            format!(
                "{} matches the origin but not {}",
                rule_name(cors, index),
                request.method
            ),
            Some(Change::AddMethod {
                rule: index,
                method: request.method.clone(),
            }),
        );
    }
    let index = nearest_for_origin(cors, request);
    finding(
        Cause::OriginNotAllowed,
        Some(index),
        format!("the origin `{origin}`"),
        format!(
            "no rule allows `{origin}`; {} comes closest",
            rule_name(cors, index)
        ),
        Some(Change::AddOrigin {
            rule: index,
            origin,
        }),
    )
}

/// The rule that would answer if it allowed the origin: one that allows the method and headers
/// first, then the one whose origins are spelled most like it.
fn nearest_for_origin(cors: &BucketCors, request: &Request) -> usize {
    let origin = request.origin.as_deref().unwrap_or_default();
    let score = |rule: &CorsRule| {
        let method = rule.allowed_methods.contains(&request.method);
        let headers = request.headers.iter().all(|h| {
            rule.allowed_headers
                .iter()
                .any(|p| wildcard_matches(p, h, true))
        });
        let likeness = rule
            .allowed_origins
            .iter()
            .map(|o| strsim::normalized_levenshtein(o, origin))
            .fold(0.0_f64, f64::max);
        (u8::from(method) * 2 + u8::from(headers), likeness)
    };
    let mut best = 0;
    for index in 1..cors.rules.len() {
        let (a, b) = (score(&cors.rules[index]), score(&cors.rules[best]));
        if a.0 > b.0 || (a.0 == b.0 && a.1 > b.1) {
            best = index;
        }
    }
    best
}

/// What the manifest allows the origin, and what would decide between the candidates.
fn undecided_notes(observation: &Observation, cors: &BucketCors) -> Vec<String> {
    let mut notes = Vec::new();
    if let Some(origin) = &observation.origin {
        let allowing: Vec<String> = cors
            .rules
            .iter()
            .enumerate()
            .filter(|(_, r)| {
                r.allowed_origins
                    .iter()
                    .any(|p| wildcard_matches(p, origin, false))
            })
            .map(|(i, r)| {
                let headers = if r.allowed_headers.is_empty() {
                    "no request headers".to_string()
                } else {
                    format!("headers {}", r.allowed_headers.join(", "))
                };
                format!(
                    "{} allows {} with {headers}",
                    rule_name(cors, i),
                    r.allowed_methods.join(", ")
                )
            })
            .collect();
        if !allowing.is_empty() {
            notes.push(format!(
                "for `{origin}` the manifest allows: {}; any other method or header is refused",
                allowing.join("; ")
            ));
        }
    }
    let mut missing = Vec::new();
    if observation.method.is_none() {
        missing.push("the request's method (--method)");
    }
    if observation.headers.is_none() {
        missing.push("the headers it sets (--header)");
    }
    if observation.credentials.is_none() {
        missing.push("whether it sends credentials (--credentials)");
    }
    if !missing.is_empty() {
        notes.push(format!(
            "to decide, give {}, or explain a HAR export of the page (--har)",
            missing.join(", ")
        ));
    }
    notes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::explain::message;
    use crate::manifest::load_str;
    use std::path::Path;

    const MANIFEST: &str = r#"version: 1
buckets:
  - name: uploads
    cors_rules:
      - id: reads
        allowed_origins: ["https://*.example.com", "*"]
        allowed_methods: [GET]
      - id: writes
        allowed_origins: ["https://app.example.com", "https://Shop.example.org/"]
        allowed_methods: [PUT]
        allowed_headers: [content-type]
  - name: bare
    cors_rules: []
  - name: strict
    cors_rules:
      - allowed_origins: ["https://app.example.com"]
        allowed_methods: [GET]
      - allowed_origins: ["https://app.example.com"]
        allowed_methods: [PUT]
"#;

    fn explain(text: &str, bucket: &str, fill: impl Fn(&mut Observation)) -> Explanation {
        let manifest = load_str(Path::new("m.yaml"), MANIFEST).unwrap();
        let mut observation = message::parse(text).remove(0);
        fill(&mut observation);
        diagnose(
            &observation,
            &format!("s3://{bucket}"),
            manifest.bucket(bucket).unwrap(),
        )
    }

    fn chromium(reason: &str, origin: &str) -> String {
        format!("Access to fetch at 'https://uploads.s3.amazonaws.com/a' from origin '{origin}' has been blocked by CORS policy: {reason}")
    }

    const PREFLIGHT_MISSING: &str = "Response to preflight request doesn't pass access control check: No 'Access-Control-Allow-Origin' header is present on the requested resource.";

    #[test]
    fn a_preflight_refused_is_undecided_until_method_and_headers_are_given() {
        let open = explain(
            &chromium(PREFLIGHT_MISSING, "https://app.example.com"),
            "uploads",
            |_| {},
        );
        assert_eq!(
            open.candidates,
            [Cause::MethodNotAllowed, Cause::HeaderNotAllowed]
        );
        assert_eq!(open.cause, Cause::MethodNotAllowed);
        assert_eq!(open.change, None, "no fix until one cause remains");
        assert!(
            open.notes
                .iter()
                .any(|n| n.contains("rule 2 \"writes\" allows PUT with headers content-type")),
            "{:?}",
            open.notes
        );
        let header = explain(
            &chromium(PREFLIGHT_MISSING, "https://app.example.com"),
            "uploads",
            |o| {
                o.method = Some("PUT".into());
                o.headers = Some(vec!["content-type".into(), "x-api-key".into()]);
            },
        );
        assert_eq!(header.candidates, [Cause::HeaderNotAllowed]);
        let rule = header.rule.clone().unwrap();
        assert_eq!((rule.index, rule.line, rule.column), (2, Some(8), Some(9)));
        assert_eq!(rule.lacks, "the header `x-api-key`");
        assert_eq!(
            header.change,
            Some(Change::AddHeader {
                rule: 1,
                header: "x-api-key".into()
            })
        );
        let method = explain(
            &chromium(PREFLIGHT_MISSING, "https://app.example.com"),
            "uploads",
            |o| {
                o.method = Some("DELETE".into());
                o.headers = Some(vec![]);
            },
        );
        assert_eq!(method.candidates, [Cause::MethodNotAllowed]);
        assert_eq!(
            method.rule.unwrap().index,
            1,
            "rule 1 matches the origin first"
        );
    }

    #[test]
    fn origins_no_configuration_unsendable_and_credentials() {
        let origin = explain(
            &chromium(PREFLIGHT_MISSING, "https://evil.example.net"),
            "strict",
            |o| {
                o.method = Some("PUT".into());
                o.headers = Some(vec![]);
            },
        );
        assert_eq!(origin.candidates, [Cause::OriginNotAllowed]);
        assert_eq!(origin.rule.unwrap().index, 2, "the rule that allows PUT");
        let star = explain(
            &chromium(PREFLIGHT_MISSING, "https://evil.example.net"),
            "uploads",
            |o| {
                o.method = Some("PUT".into());
                o.headers = Some(vec![]);
            },
        );
        assert_eq!(
            star.candidates,
            [Cause::MethodNotAllowed],
            "`*` allows every origin"
        );
        let bare = explain(
            &chromium(PREFLIGHT_MISSING, "https://app.example.com"),
            "bare",
            |_| {},
        );
        assert_eq!(bare.candidates, [Cause::NoCorsConfiguration]);
        let unsendable = explain(
            &chromium(PREFLIGHT_MISSING, "https://shop.example.org"),
            "uploads",
            |o| {
                o.method = Some("PUT".into());
                o.headers = Some(vec![]);
            },
        );
        assert_eq!(unsendable.candidates, [Cause::OriginUnsendable]);
        assert_eq!(
            unsendable.change,
            Some(Change::RespellOrigin {
                rule: 1,
                from: "https://Shop.example.org/".into(),
                to: "https://shop.example.org".into()
            })
        );
        let wildcard = explain(&chromium("The value of the 'Access-Control-Allow-Origin' header in the response must not be the wildcard '*' when the request's credentials mode is 'include'.", "https://elsewhere.example.net"), "uploads", |o| o.method = Some("GET".into()));
        assert_eq!(wildcard.candidates, [Cause::CredentialsWithWildcard]);
        assert_eq!(
            wildcard.change,
            Some(Change::OriginBeforeWildcard {
                rule: 0,
                origin: "https://elsewhere.example.net".into()
            })
        );
    }

    #[test]
    fn cloudfront_behaviors_refuse_options_or_keep_origin_from_s3() {
        use crate::cloudfront::behavior::BehaviorSettings;
        use crate::evaluate::cloudfront::Forwarded;
        let manifest = load_str(Path::new("m.yaml"), MANIFEST).unwrap();
        let bucket = manifest.bucket("uploads").unwrap();
        let behavior = |methods: &[&str]| BehaviorSettings {
            forward_headers: Some(Vec::new()),
            allowed_methods: methods.iter().map(|m| m.to_string()).collect(),
            cached_methods: vec!["GET".into(), "HEAD".into()],
            cache_policy: None,
            origin_request_policy: None,
            response_headers_policy: None,
        };
        let judge =
            |settings: &BehaviorSettings, forwarded: Forwarded, reason: &str, method: &str| {
                let edge = Edge {
                    behavior: settings,
                    forwarded,
                    response_headers: None,
                };
                let mut observation =
                    message::parse(&chromium(reason, "https://app.example.com")).remove(0);
                observation.method = Some(method.into());
                observation.headers = Some(vec![]);
                diagnose_behind(&observation, "cloudfront://E1/", bucket, Some(&edge)).candidates
            };
        let no_options = behavior(&["GET", "HEAD"]);
        assert_eq!(
            judge(
                &no_options,
                Forwarded::from_headers(["*"]),
                PREFLIGHT_MISSING,
                "PUT"
            ),
            [Cause::OptionsNotAllowed]
        );
        let with_options = behavior(&["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"]);
        let missing =
            "No 'Access-Control-Allow-Origin' header is present on the requested resource.";
        assert_eq!(
            judge(&with_options, Forwarded::default(), missing, "GET"),
            [Cause::OriginNotForwarded]
        );
        assert_eq!(
            judge(
                &with_options,
                Forwarded::from_headers(["origin"]),
                PREFLIGHT_MISSING,
                "PUT"
            ),
            [Cause::OriginNotForwarded],
            "a preflight also needs Access-Control-Request-Method at S3"
        );
        assert_eq!(
            judge(
                &with_options,
                Forwarded::from_headers(["*"]),
                PREFLIGHT_MISSING,
                "DELETE"
            ),
            [Cause::MethodNotAllowed],
            "everything forwarded: S3's own rules decide"
        );
    }

    #[test]
    fn firefox_without_origin_and_statuses() {
        let firefox = "Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at https://uploads.s3.amazonaws.com/a. (Reason: CORS header \u{2018}Access-Control-Allow-Origin\u{2019} missing). Status code: 403.";
        let unknown = explain(firefox, "uploads", |o| {
            o.method = Some("GET".into());
            o.headers = Some(vec![]);
        });
        assert_eq!(
            unknown.candidates,
            [Cause::NotCors],
            "a GET is never refused with 403 by S3's CORS"
        );
        let put = explain(firefox, "uploads", |o| {
            o.origin = Some("https://app.example.com".into());
            o.method = Some("PUT".into());
            o.headers = Some(vec!["x-api-key".into()]);
        });
        assert_eq!(put.candidates, [Cause::HeaderNotAllowed]);
        let redirected = explain(&firefox.replace("403", "307"), "uploads", |_| {});
        assert_eq!(
            redirected.candidates,
            [Cause::PreflightRedirected],
            "Firefox reports a redirected preflight by its status"
        );
        let nothing = explain(firefox, "uploads", |_| {});
        assert!(
            nothing.notes.iter().any(|n| n.contains("--origin")),
            "{:?}",
            nothing.notes
        );
        assert_eq!(nothing.change, None);
    }
}
