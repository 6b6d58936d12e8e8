//! What never leaves cors-sync in a message, a log line or a plan file: the userinfo of a URL
//! (`user:password@`), and an access key ID beyond its last four characters.

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

/// `text` with every AWS access key ID (`AKIA…`, `ASIA…`, 20 characters) and every SigV4
/// `Credential=` value shown only by its last four characters, and every URL's userinfo removed.
pub fn secrets_hidden(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = next_secret(rest) {
        out.push_str(&rest[..at.start]);
        match at.kind {
            Secret::KeyId => {
                let id = &rest[at.start..at.end];
                out.push_str("****");
                out.push_str(&id[id.len().saturating_sub(4)..]);
            }
            Secret::Userinfo => {}
        }
        rest = &rest[at.end..];
    }
    out.push_str(rest);
    out
}

enum Secret {
    KeyId,
    Userinfo,
}

struct Found {
    start: usize,
    end: usize,
    kind: Secret,
}

fn next_secret(text: &str) -> Option<Found> {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        // An access key ID: a known prefix and 16 more uppercase letters or digits.
        let rest = &text[i..];
        if ["AKIA", "ASIA", "AIDA", "AROA"]
            .iter()
            .any(|p| rest.starts_with(p))
        {
            let len = rest
                .bytes()
                .take_while(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
                .count();
            if len >= 16 {
                return Some(Found {
                    start: i,
                    end: i + len,
                    kind: Secret::KeyId,
                });
            }
        }
        // SigV4's `Credential=KEYID/...`, whatever the key looks like.
        if let Some(after) = rest.strip_prefix("Credential=") {
            let len = after.find(['/', ',', ' ', '"']).unwrap_or(after.len());
            if len > 4 {
                let start = i + "Credential=".len();
                return Some(Found {
                    start,
                    end: start + len,
                    kind: Secret::KeyId,
                });
            }
        }
        // A URL's userinfo: `scheme://user:password@host`.
        if let Some(after) = rest.strip_prefix("://") {
            let authority = after
                .find(['/', ' ', '"', '\'', ')'])
                .unwrap_or(after.len());
            if let Some(at) = after[..authority].rfind('@') {
                let start = i + "://".len();
                return Some(Found {
                    start,
                    end: start + at + 1,
                    kind: Secret::Userinfo,
                });
            }
        }
        i += rest.chars().next().map_or(1, char::len_utf8);
    }
    None
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
    }
}
