//! What the answer checks on S3's and CloudFront's clients share: a body is believed only when it
//! is one closed, well-formed XML element, and a refused answer is retried as a dropped
//! connection is. The SDK's XML reader stops quietly at the end of its input and fills in what is
//! missing, so without this a cut-off body reads as a smaller, wrong answer. Each check adds the
//! shape its API's answer must have (`cors_answer`, `cloudfront::whole_answer`).

use std::marker::PhantomData;

use aws_smithy_runtime_api::client::interceptors::context::InterceptorContext;
use aws_smithy_runtime_api::client::retries::classifiers::{ClassifyRetry, RetryAction};
use xmlparser::{ElementEnd, Token, Tokenizer};

use crate::error::find_cause;

/// Why a 2xx body is not believed: not one closed, well-formed element, or not shaped as the
/// call's answer is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NotWhole {
    #[error("the body is not UTF-8 ({0})")]
    NotUtf8(std::str::Utf8Error),
    #[error("the XML is malformed: {0}")]
    Malformed(xmlparser::Error),
    #[error("</{closing}> closes <{opened}>")]
    ClosesAnother { closing: String, opened: String },
    #[error("</{closing}> closes nothing")]
    ClosesNothing { closing: String },
    #[error("the document ends inside <{inside}> (truncated)")]
    Truncated { inside: String },
    #[error("the body holds no XML document")]
    NoDocument,
    #[error("the document is <{name}>, not <{root}>")]
    WrongRoot { name: String, root: String },
    #[error("<{parent}> holds an unknown element <{name}>")]
    UnknownElement { parent: String, name: String },
    /// `number` counts the document's rules from 1.
    #[error("CORS rule {number} has no <AllowedOrigin> or no <AllowedMethod>")]
    RuleWithoutOriginOrMethod { number: usize },
    #[error("<{root}> holds no CORS rule")]
    NoRule { root: &'static str },
    /// `root` is the document's expected root, or "the document" when any root will do.
    #[error("<{root}> has no <{}>", .missing.join(">, <"))]
    Missing { root: String, missing: Vec<String> },
}

/// What a document must look like, element by element; `depth` is 0 for the root.
pub(crate) trait Shape {
    /// An element opens inside `parent` (none for the root).
    fn open(&mut self, depth: usize, name: &str, parent: Option<&str>) -> Result<(), NotWhole>;
    /// An element closes; `depth` is the one it opened at.
    fn close(&mut self, _depth: usize, _name: &str) -> Result<(), NotWhole> {
        Ok(())
    }
}

/// `Ok` when `body` is exactly one closed element, well formed throughout, each element of which
/// `shape` accepts as it opens and closes.
pub(crate) fn walk(body: &[u8], shape: &mut impl Shape) -> Result<(), NotWhole> {
    let text = std::str::from_utf8(body).map_err(NotWhole::NotUtf8)?;
    let mut open: Vec<(&str, &str)> = Vec::new();
    // The tokenizer itself refuses a second root element and text outside the root.
    let mut root_seen = false;
    for token in Tokenizer::from(text) {
        match token.map_err(NotWhole::Malformed)? {
            Token::ElementStart { prefix, local, .. } => {
                shape.open(open.len(), local.as_str(), open.last().map(|(_, p)| *p))?;
                root_seen = true;
                open.push((prefix.as_str(), local.as_str()));
            }
            Token::ElementEnd { end, .. } => {
                let closed = match end {
                    ElementEnd::Open => continue,
                    ElementEnd::Empty => open.pop(),
                    ElementEnd::Close(prefix, local) => match open.pop() {
                        Some(opened) if opened == (prefix.as_str(), local.as_str()) => Some(opened),
                        Some((_, opened)) => {
                            return Err(NotWhole::ClosesAnother {
                                closing: local.to_string(),
                                opened: opened.to_string(),
                            })
                        }
                        None => {
                            return Err(NotWhole::ClosesNothing {
                                closing: local.to_string(),
                            })
                        }
                    },
                };
                if let Some((_, name)) = closed {
                    shape.close(open.len(), name)?;
                }
            }
            _ => {}
        }
    }
    if let Some((_, inside)) = open.last() {
        return Err(NotWhole::Truncated {
            inside: inside.to_string(),
        });
    }
    if !root_seen {
        return Err(NotWhole::NoDocument);
    }
    Ok(())
}

/// Has the SDK retry an answer an interceptor refused with `E`, as it retries a dropped
/// connection: no built-in classifier knows an interceptor's verdicts.
pub(crate) struct RetryRefused<E> {
    name: &'static str,
    refusal: PhantomData<fn() -> E>,
}

impl<E> RetryRefused<E> {
    pub(crate) fn named(name: &'static str) -> Self {
        RetryRefused {
            name,
            refusal: PhantomData,
        }
    }
}

impl<E> std::fmt::Debug for RetryRefused<E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name)
    }
}

impl<E: std::error::Error + 'static> ClassifyRetry for RetryRefused<E> {
    fn classify_retry(&self, ctx: &InterceptorContext) -> RetryAction {
        match ctx.output_or_error() {
            Some(Err(error)) if find_cause::<E>(error).is_some() => RetryAction::transient_error(),
            _ => RetryAction::NoActionIndicated,
        }
    }

    fn name(&self) -> &'static str {
        self.name
    }
}
