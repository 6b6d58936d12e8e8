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

/// What a document must look like, element by element; `depth` is 0 for the root.
pub(crate) trait Shape {
    /// An element opens inside `parent` (none for the root).
    fn open(&mut self, depth: usize, name: &str, parent: Option<&str>) -> Result<(), String>;
    /// An element closes; `depth` is the one it opened at.
    fn close(&mut self, _depth: usize, _name: &str) -> Result<(), String> {
        Ok(())
    }
}

/// `Ok` when `body` is exactly one closed element, well formed throughout, each element of which
/// `shape` accepts as it opens and closes.
pub(crate) fn walk(body: &[u8], shape: &mut impl Shape) -> Result<(), String> {
    let text = std::str::from_utf8(body).map_err(|e| format!("the body is not UTF-8 ({e})"))?;
    let mut open: Vec<(&str, &str)> = Vec::new();
    // The tokenizer itself refuses a second root element and text outside the root.
    let mut root_seen = false;
    for token in Tokenizer::from(text) {
        match token.map_err(|e| format!("the XML is malformed: {e}"))? {
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
                        Some((_, opened)) => return Err(format!("</{local}> closes <{opened}>")),
                        None => return Err(format!("</{local}> closes nothing")),
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
        return Err(format!("the document ends inside <{inside}> (truncated)"));
    }
    if !root_seen {
        return Err("the body holds no XML document".to_string());
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
