//! What `check` prints: the request as the browser would send it, what S3 (behind CloudFront, if
//! any) answers to the preflight and to the request, the browser's verdict, and why.

use serde_json::json;

use crate::bucket_cors::BucketCors;
use crate::evaluate::browser::{judge, Judgement};
use crate::evaluate::{Evaluation, Request, RuleOutcome};
use crate::visible::visible;

/// One request, what it gets, and what the browser makes of that.
pub struct Step {
    pub request: Request,
    pub evaluation: Evaluation,
    pub judgement: Judgement,
}

impl Step {
    /// The request with what it got, judged as the browser judges it.
    pub fn judged(request: Request, evaluation: Evaluation) -> Self {
        let judgement = judge(&request, &evaluation.response);
        Step {
            request,
            evaluation,
            judgement,
        }
    }
}

/// Everything one `check` found.
pub struct CheckReport<'a> {
    pub target: &'a str,
    /// Judged against live state (`--live`) rather than the manifest.
    pub live: bool,
    pub bucket_name: &'a str,
    /// `None` when the bucket does not exist.
    pub bucket: Option<&'a BucketCors>,
    /// The CloudFront behavior the request goes through, if any.
    pub behavior: Option<&'a str>,
    pub origin: &'a str,
    pub method: &'a str,
    pub headers: &'a [&'a str],
    pub credentials: bool,
    /// What the browser model decided about the request as given: the origin it serialised
    /// differently, a header judged without its value.
    pub notes: &'a [String],
    /// Absent for a simple request.
    pub preflight: Option<Step>,
    pub actual: Step,
}

impl CheckReport<'_> {
    /// Whether the browser lets the request through: every step passes.
    pub fn allowed(&self) -> bool {
        self.preflight.as_ref().is_none_or(|s| s.judgement.passes) && self.actual.judgement.passes
    }

    /// Whether the browser sends the request itself: not after a failed preflight.
    pub fn actual_sent(&self) -> bool {
        self.preflight.as_ref().is_none_or(|s| s.judgement.passes)
    }

    /// The JSON document of `check --format json`.
    pub fn json(&self) -> String {
        let step = |s: &Step| json!({ "request": s.request, "evaluation": s.evaluation, "browser": s.judgement });
        let document = json!({
            "target": self.target,
            "source": if self.live { "live" } else { "manifest" },
            "bucket": self.bucket_name,
            "behavior": self.behavior,
            "credentials": self.credentials,
            "notes": self.notes,
            "preflight": self.preflight.as_ref().map(step),
            "actual": step(&self.actual),
            "actual_sent": self.actual_sent(),
            "allowed": self.allowed(),
        });
        serde_json::to_string_pretty(&document).unwrap_or_default()
    }

    pub fn text(&self) -> String {
        let source = if self.live {
            "live state"
        } else {
            "the manifest"
        };
        let behind = self
            .behavior
            .map(|path| {
                format!(
                    " (behavior {}, bucket {})",
                    visible(path),
                    visible(self.bucket_name)
                )
            })
            .unwrap_or_default();
        // What the command line gave is shown as typed, with hidden characters written out: a
        // newline in `--method` must not forge an `ALLOWED` line.
        let with = if self.headers.is_empty() {
            String::new()
        } else {
            format!(" with headers {}", visible(&self.headers.join(", ")))
        };
        let credentials = if self.credentials {
            ", with credentials"
        } else {
            ""
        };
        let method = visible(self.method);
        let mut out = format!(
            "{}{behind}, by {source}: {method} from {}{with}{credentials}\n",
            visible(self.target),
            visible(self.origin)
        );
        for note in self.notes {
            out.push_str(&format!("note: {}\n", visible(note)));
        }
        match &self.preflight {
            Some(step) => {
                out.push_str(&describe("preflight (OPTIONS)", step, self.bucket));
                if !step.request.headers.is_empty() {
                    out.push_str(&format!(
                        "  asked: Access-Control-Request-Headers: {}\n",
                        visible(&step.request.headers.join(","))
                    ));
                }
            }
            None if self.headers.is_empty() => out.push_str(&format!(
                "\nno preflight: {method} without custom headers is a simple request\n"
            )),
            None => out.push_str(&format!(
                "\nno preflight: {method} with only CORS-safelisted headers is a simple request\n"
            )),
        }
        if self.actual_sent() {
            out.push_str(&describe(
                &format!("{method} request"),
                &self.actual,
                self.bucket,
            ));
        } else {
            // What S3 would answer to a request the browser never sends is no evidence of
            // anything, and "passes" there reads as if the request works.
            out.push_str(&format!(
                "\n{method} request: never sent: the browser stops at the failed preflight\n"
            ));
        }
        out.push_str(if self.allowed() {
            "\nALLOWED: the browser's request works.\n"
        } else {
            "\nDENIED: the browser blocks this request.\n"
        });
        out
    }
}

fn describe(title: &str, step: &Step, bucket: Option<&BucketCors>) -> String {
    let Step {
        evaluation,
        judgement,
        ..
    } = step;
    let mut out = format!(
        "\n{title}: {}\n  {}\n  HTTP {}\n",
        if judgement.passes { "passes" } else { "fails" },
        visible(&evaluation.reason),
        evaluation.response.status
    );
    for (name, value) in &evaluation.response.headers {
        out.push_str(&format!("  {}: {}\n", visible(name), visible(value)));
    }
    if !judgement.passes {
        out.push_str(&format!("  the browser: {}\n", visible(&judgement.reason)));
    }
    let rules = bucket.map(|b| b.rules.as_slice()).unwrap_or_default();
    if evaluation.matched_rule.is_none() {
        for (index, outcome) in evaluation.rules.iter().enumerate() {
            let id = rules
                .get(index)
                .and_then(|r| r.id.as_ref())
                .map(|id| format!(" (id {})", visible(id)))
                .unwrap_or_default();
            let why = match outcome {
                RuleOutcome::OriginNotAllowed => "the origin is not in allowed_origins".to_string(),
                RuleOutcome::MethodNotAllowed => "the method is not in allowed_methods".to_string(),
                RuleOutcome::HeaderNotAllowed(header) => {
                    format!("header `{}` is not in allowed_headers", visible(header))
                }
                RuleOutcome::Matched => "matched".to_string(),
                RuleOutcome::NotReached => "not reached".to_string(),
            };
            out.push_str(&format!("  rule {}{id}: {why}\n", index + 1));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bucket_cors::CorsRule;
    use crate::evaluate::s3::{self, Stored};

    fn step(request: Request, bucket: &BucketCors) -> Step {
        let evaluation = s3::evaluate(Stored::Cors(bucket), &request);
        Step::judged(request, evaluation)
    }

    #[test]
    fn a_denied_preflight_names_each_rule_and_why_it_did_not_match() {
        let bucket = BucketCors {
            rules: vec![CorsRule {
                id: Some("web".into()),
                allowed_origins: vec!["https://app.example.org".into()],
                allowed_methods: vec!["GET".into()],
                allowed_headers: vec![],
                expose_headers: vec![],
                max_age_seconds: None,
            }],
        };
        let origin = "https://evil.example";
        let report = CheckReport {
            target: "s3://assets/a.png",
            live: false,
            bucket_name: "assets",
            bucket: Some(&bucket),
            behavior: None,
            origin,
            method: "PUT",
            headers: &[],
            credentials: false,
            notes: &[],
            preflight: Some(step(Request::preflight(origin, "PUT", &[]), &bucket)),
            actual: step(Request::actual(origin, "PUT"), &bucket),
        };
        assert!(!report.allowed());
        insta::assert_snapshot!(report.text(), @"
        s3://assets/a.png, by the manifest: PUT from https://evil.example

        preflight (OPTIONS): fails
          This CORS request is not allowed. No rule matched.
          HTTP 403
          the browser: the preflight answer is 403, not a success status
          rule 1 (id web): the origin is not in allowed_origins

        PUT request: never sent: the browser stops at the failed preflight

        DENIED: the browser blocks this request.
        ");
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&report.json()).unwrap()["allowed"],
            json!(false)
        );
    }

    #[test]
    fn after_a_failed_preflight_the_request_is_never_sent_and_never_passes() {
        let bucket = BucketCors {
            rules: vec![CorsRule::allowing(&["https://app.example.org"], &["GET"])],
        };
        let origin = "https://app.example.org";
        let report = CheckReport {
            target: "s3://assets/a.json",
            live: false,
            bucket_name: "assets",
            bucket: Some(&bucket),
            behavior: None,
            origin,
            method: "GET",
            headers: &["X-Trace: 1"],
            credentials: false,
            notes: &[],
            preflight: Some(step(
                Request::preflight(origin, "GET", &["x-trace"]),
                &bucket,
            )),
            actual: step(Request::actual(origin, "GET"), &bucket),
        };
        // S3 would answer the GET itself with CORS headers; the browser never sends it.
        assert!(report.actual.judgement.passes);
        let text = report.text();
        assert!(!text.contains("GET request: passes"), "{text}");
        assert!(
            text.contains("\nGET request: never sent: the browser stops at the failed preflight\n"),
            "{text}"
        );
        assert!(
            text.ends_with("DENIED: the browser blocks this request.\n"),
            "{text}"
        );
        let json: serde_json::Value = serde_json::from_str(&report.json()).unwrap();
        assert_eq!(json["actual_sent"], json!(false));
        assert_eq!(json["allowed"], json!(false));
    }
}
