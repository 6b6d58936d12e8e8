//! A GetBucketCors answer is believed only when it is a whole CORS configuration.
//!
//! The SDK's XML reader stops quietly at the end of its input, and its deserializer fills in
//! missing required fields, so a body cut off mid-document (a dropped connection behind a proxy,
//! a truncating middlebox) reads as a shorter rule list: plan would propose re-adding the lost
//! rules, import would print a partial manifest, and a backup taken from that read would lose
//! them for good. This interceptor runs on every S3 client before the output reaches cors-sync
//! and fails a successful GetBucketCors answer whose body is not one complete, well-formed
//! `CORSConfiguration` element. `retry_incomplete_cors_answer` has the SDK retry such an answer as it
//! retries a dropped connection; `live_state` reports what is left as a read error for that bucket.
//!
//! The same interceptor holds writes to S3's answer: PutBucketCors and DeleteBucketCors succeed
//! with an empty body, so a 2xx with a body (an HTML captive portal, a proxy's page) is not S3
//! saying the write was made, and is reported as a failure rather than "created".

use std::fmt;

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::context::AfterDeserializationInterceptorContextRef;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::orchestrator::Metadata;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;

use crate::whole_answer::{walk, NotWhole, RetryRefused, Shape};

/// The root element of S3's GetBucketCors answer.
const ROOT: &str = "CORSConfiguration";

#[derive(Debug)]
pub(crate) struct CompleteCorsAnswer;

/// Why a 2xx GetBucketCors body was not taken as the bucket's configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotACorsConfiguration(pub NotWhole);

impl fmt::Display for NotACorsConfiguration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "S3's answer is not a CORS configuration: {}", self.0)
    }
}

impl std::error::Error for NotACorsConfiguration {}

/// A 2xx answer to a write with a body, where S3 sends none: not taken as S3's. `start` is the
/// body's first characters.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the answer is not S3's (HTTP {status} with a body where S3 sends none: `{start}`); S3 may never have received the write. Run plan to see")]
pub struct NotS3sAnswer {
    pub status: u16,
    pub start: String,
}

/// The operations whose success S3 answers with an empty body.
const WRITES: [&str; 2] = ["PutBucketCors", "DeleteBucketCors"];

impl Intercept for CompleteCorsAnswer {
    fn name(&self) -> &'static str {
        "CompleteCorsAnswer"
    }

    fn read_after_deserialization(
        &self,
        context: &AfterDeserializationInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let Some(operation) = cfg.load::<Metadata>().map(|m| m.name().to_string()) else {
            return Ok(());
        };
        let response = context.response();
        if !response.status().is_success() {
            return Ok(());
        }
        let body = response.body().bytes().unwrap_or_default();
        if operation == "GetBucketCors" {
            return check(body).map_err(|problem| NotACorsConfiguration(problem).into());
        }
        if WRITES.contains(&operation.as_str()) && !body.trim_ascii().is_empty() {
            let text = String::from_utf8_lossy(body);
            let start: String = text.trim().chars().take(40).collect();
            return Err(NotS3sAnswer {
                status: response.status().as_u16(),
                start,
            }
            .into());
        }
        Ok(())
    }
}

/// Retries `CompleteCorsAnswer`'s verdicts on GetBucketCors.
pub(crate) fn retry_incomplete_cors_answer() -> RetryRefused<NotACorsConfiguration> {
    RetryRefused::named("RetryIncompleteCorsAnswer")
}

/// The elements S3 puts inside a `<CORSRule>`; each holds text only.
const RULE_FIELDS: [&str; 6] = [
    "ID",
    "AllowedOrigin",
    "AllowedMethod",
    "AllowedHeader",
    "ExposeHeader",
    "MaxAgeSeconds",
];

/// One `<CORSRule>` being read: the counts S3 guarantees are at least one.
#[derive(Default)]
struct RuleSeen {
    origins: usize,
    methods: usize,
}

/// A `<CORSConfiguration>` as it is read: the rules so far, and the one open.
#[derive(Default)]
struct Configuration {
    rules: usize,
    rule: Option<RuleSeen>,
}

impl Shape for Configuration {
    fn open(&mut self, depth: usize, name: &str, parent: Option<&str>) -> Result<(), NotWhole> {
        match depth {
            0 if name != ROOT => {
                return Err(NotWhole::WrongRoot {
                    name: name.to_string(),
                    root: ROOT.to_string(),
                })
            }
            0 => {}
            1 if name == "CORSRule" => {
                self.rules += 1;
                self.rule = Some(RuleSeen::default());
            }
            2 if RULE_FIELDS.contains(&name) => {
                if let Some(seen) = self.rule.as_mut() {
                    seen.origins += usize::from(name == "AllowedOrigin");
                    seen.methods += usize::from(name == "AllowedMethod");
                }
            }
            _ => {
                return Err(NotWhole::UnknownElement {
                    parent: parent.unwrap_or(ROOT).to_string(),
                    name: name.to_string(),
                });
            }
        }
        Ok(())
    }

    fn close(&mut self, depth: usize, name: &str) -> Result<(), NotWhole> {
        if depth == 1 && name == "CORSRule" {
            let seen = self.rule.take().unwrap_or_default();
            if seen.origins == 0 || seen.methods == 0 {
                return Err(NotWhole::RuleWithoutOriginOrMethod { number: self.rules });
            }
        }
        Ok(())
    }
}

/// `Ok` when `body` is exactly one closed `<CORSConfiguration>` element, well formed throughout,
/// shaped as S3 sends it: one or more `<CORSRule>`, each with at least one `<AllowedOrigin>` and
/// one `<AllowedMethod>` and nothing but S3's rule fields. S3 answers a bucket without CORS with
/// `NoSuchCORSConfiguration`, never with an empty configuration, and refuses to store a rule
/// without an origin or a method: an answer that has either did not come whole from S3.
pub(crate) fn check(body: &[u8]) -> Result<(), NotWhole> {
    let mut configuration = Configuration::default();
    walk(body, &mut configuration)?;
    if configuration.rules == 0 {
        return Err(NotWhole::NoRule { root: ROOT });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::check;

    const WHOLE: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<CORSConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><CORSRule><AllowedOrigin>https://a.example</AllowedOrigin><AllowedMethod>GET</AllowedMethod></CORSRule><CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>PUT</AllowedMethod><MaxAgeSeconds>30</MaxAgeSeconds></CORSRule></CORSConfiguration>"#;

    #[test]
    fn a_whole_configuration_is_accepted() {
        assert_eq!(check(WHOLE.as_bytes()), Ok(()));
        let with_every_field = "<CORSConfiguration><CORSRule><ID>fonts</ID><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod><AllowedHeader>*</AllowedHeader><ExposeHeader>ETag</ExposeHeader><MaxAgeSeconds>5</MaxAgeSeconds></CORSRule></CORSConfiguration>";
        assert_eq!(check(with_every_field.as_bytes()), Ok(()));
    }

    #[test]
    fn well_formed_answers_s3_never_sends_are_refused() {
        let cases: [(&str, &str); 6] = [
            ("<CORSConfiguration/>", "<CORSConfiguration> holds no CORS rule"),
            (
                "<CORSConfiguration></CORSConfiguration>",
                "<CORSConfiguration> holds no CORS rule",
            ),
            (
                "<CORSConfiguration><CORSRule/></CORSConfiguration>",
                "CORS rule 1 has no <AllowedOrigin> or no <AllowedMethod>",
            ),
            (
                "<CORSConfiguration><CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod></CORSRule><CORSRule><AllowedMethod>GET</AllowedMethod></CORSRule></CORSConfiguration>",
                "CORS rule 2 has no <AllowedOrigin> or no <AllowedMethod>",
            ),
            (
                "<CORSConfiguration><CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod><AllowedMethods>PUT</AllowedMethods></CORSRule></CORSConfiguration>",
                "<CORSRule> holds an unknown element <AllowedMethods>",
            ),
            (
                "<CORSConfiguration><Rule><AllowedOrigin>*</AllowedOrigin></Rule></CORSConfiguration>",
                "<CORSConfiguration> holds an unknown element <Rule>",
            ),
        ];
        for (body, why) in cases {
            assert_eq!(
                check(body.as_bytes()).map_err(|e| e.to_string()),
                Err(why.to_string()),
                "{body}"
            );
        }
        let nested = "<CORSConfiguration><CORSRule><AllowedOrigin><b>*</b></AllowedOrigin><AllowedMethod>GET</AllowedMethod></CORSRule></CORSConfiguration>";
        assert_eq!(
            check(nested.as_bytes()).map_err(|e| e.to_string()),
            Err("<AllowedOrigin> holds an unknown element <b>".to_string())
        );
    }

    #[test]
    fn every_cut_of_a_whole_configuration_is_refused() {
        // However the body is cut, it is never taken as a (shorter) configuration.
        for end in 0..WHOLE.len() - 1 {
            if !WHOLE.is_char_boundary(end) {
                continue;
            }
            assert!(
                check(&WHOLE.as_bytes()[..end]).is_err(),
                "accepted a body cut at byte {end}: {:?}",
                &WHOLE[..end]
            );
        }
    }

    #[test]
    fn answers_that_are_not_a_configuration_say_why() {
        let cases: [(&str, &str); 6] = [
            (
                "<!DOCTYPE html><html><body>Sign in to the Wi-Fi</body></html>",
                "the document is <html>, not <CORSConfiguration>",
            ),
            (
                "<CORSConfiguration><CORSRule></CORSConfiguration>",
                "</CORSConfiguration> closes <CORSRule>",
            ),
            (
                "<CORSConfiguration><CORSRule><AllowedOrigin>https://a",
                "the document ends inside <AllowedOrigin> (truncated)",
            ),
            ("", "the body holds no XML document"),
            (
                "<CORSConfiguration/><CORSConfiguration/>",
                "the XML is malformed: unknown token at 1:21",
            ),
            (
                "<CORSConfiguration/> trailing",
                "the XML is malformed: unknown token at 1:22",
            ),
        ];
        for (body, why) in cases {
            assert_eq!(
                check(body.as_bytes()).map_err(|e| e.to_string()),
                Err(why.to_string()),
                "{body}"
            );
        }
        assert!(check(&[0xff, 0xfe])
            .unwrap_err()
            .to_string()
            .starts_with("the body is not UTF-8"));
    }
}
