//! A CloudFront answer is believed only when it is a whole XML document.
//!
//! The SDK's XML reader stops quietly at the end of its input and fills in what is missing, so a
//! GetDistributionConfig body cut off at `<CacheBehaviors>` (or with one mismatched closing tag)
//! reads as a config without its behaviors, its comment, logging and error pages, and with
//! `Enabled=false`; an update made from it would send all of that back. This interceptor runs on
//! every CloudFront client and fails a successful answer whose body is not one complete,
//! well-formed element; a distribution config must also hold the fields CloudFront always
//! returns. `retry_incomplete_answer` has the SDK retry such an answer as it retries a dropped
//! connection. See docs/reliability.md.

use std::fmt;

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::context::AfterDeserializationInterceptorContextRef;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::orchestrator::Metadata;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;

use crate::whole_answer::{walk, NotWhole, RetryRefused, Shape};

/// The root of GetDistributionConfig's answer, and the children CloudFront always sends in it
/// (the API's required members): a config without one of them was not read whole.
const DISTRIBUTION_CONFIG: &str = "DistributionConfig";
const DISTRIBUTION_CONFIG_REQUIRED: [&str; 5] = [
    "CallerReference",
    "Origins",
    "DefaultCacheBehavior",
    "Comment",
    "Enabled",
];

#[derive(Debug)]
pub(crate) struct WholeCloudFrontAnswer;

/// Why a 2xx CloudFront body was not believed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct IncompleteAnswer(pub NotWhole);

impl fmt::Display for IncompleteAnswer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CloudFront's answer is not a whole document: {}", self.0)
    }
}

impl std::error::Error for IncompleteAnswer {}

impl Intercept for WholeCloudFrontAnswer {
    fn name(&self) -> &'static str {
        "WholeCloudFrontAnswer"
    }

    fn read_after_deserialization(
        &self,
        context: &AfterDeserializationInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let operation = cfg.load::<Metadata>().map(|m| m.name().to_string());
        let response = context.response();
        if !response.status().is_success() {
            return Ok(());
        }
        let body = response.body().bytes().unwrap_or_default();
        // Some answers (DeleteX) have no body at all; what has one must be whole.
        if body.trim_ascii().is_empty() && operation.as_deref() != Some("GetDistributionConfig") {
            return Ok(());
        }
        let required: &[&str] = match operation.as_deref() {
            Some("GetDistributionConfig") => &DISTRIBUTION_CONFIG_REQUIRED,
            _ => &[],
        };
        let root = (!required.is_empty()).then_some(DISTRIBUTION_CONFIG);
        check(body, root, required).map_err(|problem| IncompleteAnswer(problem).into())
    }
}

/// Retries `WholeCloudFrontAnswer`'s verdicts.
pub(crate) fn retry_incomplete_answer() -> RetryRefused<IncompleteAnswer> {
    RetryRefused::named("RetryIncompleteCloudFrontAnswer")
}

/// A document named `root` when given, with each of `required` among its children.
struct Config<'r> {
    root: Option<&'r str>,
    children: Vec<String>,
}

impl Shape for Config<'_> {
    fn open(&mut self, depth: usize, name: &str, _parent: Option<&str>) -> Result<(), NotWhole> {
        match depth {
            0 => match self.root.filter(|root| *root != name) {
                Some(root) => Err(NotWhole::WrongRoot {
                    name: name.to_string(),
                    root: root.to_string(),
                }),
                None => Ok(()),
            },
            1 => {
                self.children.push(name.to_string());
                Ok(())
            }
            _ => Ok(()),
        }
    }
}

/// `Ok` when `body` is exactly one closed element, well formed throughout; named `root` when
/// given, with each of `required` among its children.
pub(crate) fn check(body: &[u8], root: Option<&str>, required: &[&str]) -> Result<(), NotWhole> {
    let mut config = Config {
        root,
        children: Vec::new(),
    };
    walk(body, &mut config)?;
    let missing: Vec<String> = required
        .iter()
        .filter(|name| !config.children.iter().any(|child| child == *name))
        .map(|name| name.to_string())
        .collect();
    if !missing.is_empty() {
        return Err(NotWhole::Missing {
            root: root.unwrap_or("the document").to_string(),
            missing,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{check, DISTRIBUTION_CONFIG, DISTRIBUTION_CONFIG_REQUIRED};

    const WHOLE: &str = r#"<?xml version="1.0"?>
<DistributionConfig xmlns="http://cloudfront.amazonaws.com/doc/2020-05-31/"><CallerReference>r</CallerReference><Aliases><Quantity>0</Quantity></Aliases><Origins><Quantity>0</Quantity></Origins><DefaultCacheBehavior><TargetOriginId>s3</TargetOriginId></DefaultCacheBehavior><CacheBehaviors><Quantity>1</Quantity><Items><CacheBehavior><PathPattern>/a/*</PathPattern></CacheBehavior></Items></CacheBehaviors><Comment>keep</Comment><Logging><Enabled>true</Enabled></Logging><Enabled>true</Enabled></DistributionConfig>"#;

    /// The check's verdict on a distribution config, as its message reads.
    fn config(body: &str) -> Result<(), String> {
        check(
            body.as_bytes(),
            Some(DISTRIBUTION_CONFIG),
            &DISTRIBUTION_CONFIG_REQUIRED,
        )
        .map_err(|e| e.to_string())
    }

    #[test]
    fn a_whole_distribution_config_is_accepted() {
        assert_eq!(config(WHOLE), Ok(()));
    }

    #[test]
    fn every_cut_of_a_distribution_config_is_refused() {
        for end in 0..WHOLE.len() - 1 {
            assert!(
                config(&WHOLE[..end]).is_err(),
                "accepted a body cut at byte {end}: {:?}",
                &WHOLE[..end]
            );
        }
    }

    #[test]
    fn broken_distribution_configs_say_why() {
        let cut_at_behaviors = &WHOLE[..WHOLE.find("<CacheBehaviors>").unwrap() + 16];
        let closed_early = format!(
            "{}</DistributionConfig>",
            &WHOLE[..WHOLE.find("<CacheBehaviors>").unwrap()]
        );
        let cases = [
            (
                cut_at_behaviors.to_string(),
                "the document ends inside <CacheBehaviors> (truncated)",
            ),
            (
                WHOLE.replace("</Comment>", "</Commnt>"),
                "</Commnt> closes <Comment>",
            ),
            (
                closed_early,
                "<DistributionConfig> has no <Comment>, <Enabled>",
            ),
            (
                "<html><body>Sign in</body></html>".to_string(),
                "the document is <html>, not <DistributionConfig>",
            ),
        ];
        for (body, why) in cases {
            assert_eq!(config(&body), Err(why.to_string()), "{body}");
        }
    }

    #[test]
    fn any_other_answer_need_only_be_whole() {
        assert_eq!(check(b"<ListX><Items/></ListX>", None, &[]), Ok(()));
        assert_eq!(
            check(b"<ListX><Items>", None, &[]).map_err(|e| e.to_string()),
            Err("the document ends inside <Items> (truncated)".to_string())
        );
    }
}
