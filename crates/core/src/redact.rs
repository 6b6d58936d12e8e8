//! What never leaves cors-sync in a message, a log line or a plan file: the userinfo of a URL
//! (`user:password@`), and an access key ID beyond its last four characters.

use std::sync::LazyLock;

use regex::{Captures, Regex};

/// An endpoint URL as messages and plan files show it: any `user:password@` removed.
pub fn without_userinfo(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let authority_end = rest.find('/').unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => format!("{scheme}://{}", &rest[at + 1..]),
        None => url.to_string(),
    }
}

/// Access key IDs (a known prefix, 16 or more characters in all), SigV4's `Credential=KEYID/...`
/// whatever the key looks like, and a URL's userinfo (`scheme://user:password@host`).
static SECRETS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r#"(?<key>(?:AKIA|ASIA|AIDA|AROA)[A-Z0-9]{12,})|Credential=(?<credential>[^/, "]{5,})|://(?<userinfo>[^/ "')]*@)"#,
    )
    .expect("the pattern is a constant")
});

/// `text` with every AWS access key ID (`AKIA…`, `ASIA…`, 20 characters) and every SigV4
/// `Credential=` value shown only by its last four characters, and every URL's userinfo removed.
pub fn secrets_hidden(text: &str) -> String {
    SECRETS
        .replace_all(text, |found: &Captures| {
            let last_four = |id: &str| format!("****{}", &id[id.len().saturating_sub(4)..]);
            if let Some(key) = found.name("key") {
                last_four(key.as_str())
            } else if let Some(credential) = found.name("credential") {
                format!("Credential={}", last_four(credential.as_str()))
            } else {
                "://".to_string()
            }
        })
        .into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn userinfo_never_leaves_an_endpoint_url() {
        assert_eq!(
            without_userinfo("http://user:secret@127.0.0.1:4566/path"),
            "http://127.0.0.1:4566/path"
        );
        assert_eq!(
            without_userinfo("http://127.0.0.1:4566"),
            "http://127.0.0.1:4566"
        );
        assert_eq!(without_userinfo("https://host/a@b"), "https://host/a@b");
    }

    #[test]
    fn key_ids_and_userinfo_are_hidden_in_any_text() {
        assert_eq!(
            secrets_hidden("key AKIAIOSFODNN7EXAMPLE in a log"),
            "key ****MPLE in a log"
        );
        assert_eq!(
            secrets_hidden("Credential=test-key-1234/20261206/us-east-1/s3/aws4_request"),
            "Credential=****1234/20261206/us-east-1/s3/aws4_request"
        );
        assert_eq!(
            secrets_hidden("uri=http://someone:hunter2@127.0.0.1:4566/b?cors done"),
            "uri=http://127.0.0.1:4566/b?cors done"
        );
        assert_eq!(
            secrets_hidden("nothing secret: AKIA"),
            "nothing secret: AKIA"
        );
        assert_eq!(
            secrets_hidden("https://host/a@b Credential=abcd/x AKIA1234"),
            "https://host/a@b Credential=abcd/x AKIA1234"
        );
        assert_eq!(
            secrets_hidden("Credential=AKIAIOSFODNN7EXAMPLE/20261206, ASIAIOSFODNN7EXAMPLE"),
            "Credential=****MPLE/20261206, ****MPLE"
        );
    }
}
