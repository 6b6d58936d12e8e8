//! A curl command line, such as `curl -X OPTIONS -H 'Origin: http://a' -H
//! 'Access-Control-Request-Method: GET' URL`. curl is not a browser: the request is taken exactly
//! as written (the `Origin` is compared literally, the way S3 compares it, and no preflight is
//! added), so the answer is what S3 sends to that exact request.

use super::{Observation, Reported, Source, Step};
use crate::Error;

/// curl options that take a value (the value is skipped, it is not the URL).
const TAKES_VALUE: [&str; 40] = [
    "-A",
    "--user-agent",
    "-b",
    "--cookie",
    "-c",
    "--cookie-jar",
    "-d",
    "--data",
    "--data-raw",
    "--data-binary",
    "--data-urlencode",
    "--data-ascii",
    "-e",
    "--referer",
    "-F",
    "--form",
    "-o",
    "--output",
    "-u",
    "--user",
    "-w",
    "--write-out",
    "-m",
    "--max-time",
    "-x",
    "--proxy",
    "-T",
    "--upload-file",
    "--connect-timeout",
    "--retry",
    "--cacert",
    "--cert",
    "--key",
    "--resolve",
    "-r",
    "--range",
    "--aws-sigv4",
    "--json",
    "-K",
    "--config",
];

/// What in a curl command line keeps it from naming one request.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Unreadable {
    #[error("unbalanced quotes")]
    UnbalancedQuotes,
    #[error("{flag} needs a value")]
    NoValue { flag: String },
    #[error("it names no URL")]
    NoUrl,
    #[error("the header `{text}` has no `:`")]
    HeaderWithoutColon { text: String },
}

fn unreadable(why: Unreadable) -> Error {
    Error::Explain(why.into())
}

/// The one request a curl command line sends.
pub fn parse(command: &str) -> Result<Observation, Error> {
    // A command copied over several lines keeps the shell's line continuations.
    let joined = command.replace("\\\r\n", " ").replace("\\\n", " ");
    let words = shlex::split(&joined).ok_or_else(|| unreadable(Unreadable::UnbalancedQuotes))?;
    let mut words = words.into_iter().peekable();
    match words.peek().map(String::as_str) {
        Some(first) if first == "curl" || first.ends_with("/curl") => {
            words.next();
        }
        _ => {}
    }
    let mut url = None;
    let mut method = None;
    let mut body = false;
    let mut headers: Vec<(String, String)> = Vec::new();
    while let Some(word) = words.next() {
        let mut value_of = |flag: &str| -> Result<String, Error> {
            words.next().ok_or_else(|| {
                unreadable(Unreadable::NoValue {
                    flag: flag.to_string(),
                })
            })
        };
        match word.as_str() {
            "-X" | "--request" => method = Some(value_of(&word)?),
            "-H" | "--header" => headers.push(header(&value_of(&word)?)?),
            "-I" | "--head" => method = Some("HEAD".into()),
            "--url" => url = Some(value_of(&word)?),
            flag if TAKES_VALUE.contains(&flag) => {
                value_of(flag)?;
                body |= flag.starts_with("-d")
                    || flag.starts_with("--data")
                    || flag == "-F"
                    || flag == "--form"
                    || flag == "--json";
                if flag == "-T" || flag == "--upload-file" {
                    method.get_or_insert_with(|| "PUT".into());
                }
            }
            flag if flag.starts_with("-X") && flag.len() > 2 => {
                method = Some(flag[2..].to_string())
            }
            flag if flag.starts_with("-H") && flag.len() > 2 => headers.push(header(&flag[2..])?),
            flag if flag.starts_with('-') => {}
            _ => {
                if url.is_none() {
                    url = Some(word);
                }
            }
        }
    }
    let url = url.ok_or_else(|| unreadable(Unreadable::NoUrl))?;
    let method = method.unwrap_or_else(|| if body { "POST".into() } else { "GET".into() });
    let find = |name: &str| {
        headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.clone())
    };
    let mut observation = Observation::new(Source::Curl, &url, Reported::Other, "");
    observation.literal = true;
    observation.origin = find("Origin");
    observation.credentials = Some(false);
    let request_method = find("Access-Control-Request-Method");
    if method.eq_ignore_ascii_case("OPTIONS") && request_method.is_some() {
        observation.step = Some(Step::Preflight);
        observation.method = request_method;
        observation.headers = Some(
            find("Access-Control-Request-Headers")
                .unwrap_or_default()
                .split(',')
                .map(|h| h.trim().to_string())
                .filter(|h| !h.is_empty())
                .collect(),
        );
    } else {
        observation.step = Some(Step::Request);
        observation.method = Some(method);
        observation.headers = Some(Vec::new());
    }
    Ok(observation)
}

fn header(text: &str) -> Result<(String, String), Error> {
    let (name, value) = text.split_once(':').ok_or_else(|| {
        unreadable(Unreadable::HeaderWithoutColon {
            text: text.to_string(),
        })
    })?;
    Ok((name.trim().to_string(), value.trim().to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_guides_preflight() {
        let observation = parse("curl -X OPTIONS -H 'Origin: http://MY_DOMAIN_NAME' -H 'Access-Control-Request-Method: GET' https://b.s3.amazonaws.com/k").unwrap();
        assert_eq!(observation.url, "https://b.s3.amazonaws.com/k");
        assert_eq!(observation.origin.as_deref(), Some("http://MY_DOMAIN_NAME"));
        assert_eq!(observation.method.as_deref(), Some("GET"));
        assert_eq!(observation.headers, Some(vec![]));
        assert_eq!(observation.step, Some(Step::Preflight));
        assert!(observation.literal);
    }

    #[test]
    fn headers_methods_and_continuations() {
        let observation = parse("curl -i \\\n  -XOPTIONS \"https://b.s3.amazonaws.com/k\" \\\n  -H \"origin: https://a.example\" --header 'Access-Control-Request-Method: PUT' -H 'Access-Control-Request-Headers: content-type, x-api-key' -o /dev/null").unwrap();
        assert_eq!(observation.method.as_deref(), Some("PUT"));
        assert_eq!(
            observation.headers,
            Some(vec!["content-type".to_string(), "x-api-key".to_string()])
        );
        let get =
            parse("curl -H 'Origin: https://a.example' -A agent https://b.s3.amazonaws.com/k")
                .unwrap();
        assert_eq!(get.step, Some(Step::Request));
        assert_eq!(get.method.as_deref(), Some("GET"));
        assert_eq!(get.url, "https://b.s3.amazonaws.com/k");
        let post = parse("curl -d x=1 https://b.s3.amazonaws.com/k").unwrap();
        assert_eq!(post.method.as_deref(), Some("POST"));
        assert_eq!(post.origin, None);
        let head = parse("curl -I https://b.s3.amazonaws.com/k").unwrap();
        assert_eq!(head.method.as_deref(), Some("HEAD"));
    }

    #[test]
    fn unreadable_commands_say_why() {
        assert!(parse("curl -H 'Origin: x")
            .unwrap_err()
            .to_string()
            .contains("unbalanced quotes"));
        assert!(parse("curl -X OPTIONS")
            .unwrap_err()
            .to_string()
            .contains("no URL"));
        assert!(parse("curl -H Origin https://x")
            .unwrap_err()
            .to_string()
            .contains("has no `:`"));
        assert!(parse("curl https://x -H")
            .unwrap_err()
            .to_string()
            .contains("-H needs a value"));
    }
}
