//! The two XML bodies the direct S3 reads receive: a CORS configuration and an S3 error.

use aws_smithy_xml::decode::{try_data, Document, ScopedDecoder, XmlDecodeError};
use cors_sync_core::bucket_cors::CorsRule;

/// The rules of a GetBucketCors answer, in S3's order (the order that decides which rule wins).
pub fn cors_rules(body: &str) -> Result<Vec<CorsRule>, XmlDecodeError> {
    let mut document = Document::new(body);
    let mut root = document.root_element()?;
    if !root.start_el().matches("CORSConfiguration") {
        return Err(XmlDecodeError::custom(
            "the root element is not CORSConfiguration",
        ));
    }
    let mut rules = Vec::new();
    while let Some(mut child) = root.next_tag() {
        if child.start_el().matches("CORSRule") {
            rules.push(cors_rule(&mut child)?);
        }
    }
    Ok(rules)
}

fn cors_rule(element: &mut ScopedDecoder<'_, '_>) -> Result<CorsRule, XmlDecodeError> {
    let mut rule = CorsRule {
        id: None,
        allowed_origins: Vec::new(),
        allowed_methods: Vec::new(),
        allowed_headers: Vec::new(),
        expose_headers: Vec::new(),
        max_age_seconds: None,
    };
    while let Some(mut field) = element.next_tag() {
        let name = field.start_el().local().to_string();
        let text = try_data(&mut field)?.into_owned();
        match name.as_str() {
            "ID" => rule.id = Some(text),
            "AllowedOrigin" => rule.allowed_origins.push(text),
            "AllowedMethod" => rule.allowed_methods.push(text),
            "AllowedHeader" => rule.allowed_headers.push(text),
            "ExposeHeader" => rule.expose_headers.push(text),
            "MaxAgeSeconds" => {
                let seconds = text.trim().parse().map_err(|_| {
                    XmlDecodeError::custom(format!("MaxAgeSeconds is not a number: {text}"))
                })?;
                rule.max_age_seconds = Some(seconds);
            }
            // Fields S3 may add later are not part of what cors-sync compares.
            _ => {}
        }
    }
    Ok(rule)
}

/// The code and message of an S3 error body; both absent when the body is not one (an empty
/// HEAD answer, a proxy's HTML page).
#[derive(Debug, Default, PartialEq, Eq)]
pub struct ErrorBody {
    pub code: Option<String>,
    pub message: Option<String>,
}

pub fn error_body(body: &str) -> ErrorBody {
    let mut found = ErrorBody::default();
    if body.trim().is_empty() {
        return found;
    }
    let mut document = Document::new(body);
    let Ok(mut root) = document.root_element() else {
        return found;
    };
    if !root.start_el().matches("Error") {
        return found;
    }
    while let Some(mut field) = root.next_tag() {
        let name = field.start_el().local().to_string();
        let Ok(text) = try_data(&mut field) else {
            continue;
        };
        match name.as_str() {
            "Code" => found.code = Some(text.into_owned()),
            "Message" => found.message = Some(text.into_owned()),
            _ => {}
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_every_field_of_every_rule_in_order() {
        let body = r#"<?xml version="1.0" encoding="UTF-8"?>
<CORSConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><CORSRule><ID>fonts</ID><AllowedHeader>*</AllowedHeader><AllowedMethod>GET</AllowedMethod><AllowedMethod>HEAD</AllowedMethod><AllowedOrigin>https://a.example</AllowedOrigin><ExposeHeader>ETag</ExposeHeader><MaxAgeSeconds>3000</MaxAgeSeconds></CORSRule><CORSRule><AllowedMethod>PUT</AllowedMethod><AllowedOrigin>https://b.example?x=1&amp;y=2</AllowedOrigin></CORSRule></CORSConfiguration>"#;
        let rules = cors_rules(body).unwrap();
        assert_eq!(
            rules,
            vec![
                CorsRule {
                    id: Some("fonts".into()),
                    allowed_origins: vec!["https://a.example".into()],
                    allowed_methods: vec!["GET".into(), "HEAD".into()],
                    allowed_headers: vec!["*".into()],
                    expose_headers: vec!["ETag".into()],
                    max_age_seconds: Some(3000),
                },
                CorsRule {
                    id: None,
                    allowed_origins: vec!["https://b.example?x=1&y=2".into()],
                    allowed_methods: vec!["PUT".into()],
                    allowed_headers: vec![],
                    expose_headers: vec![],
                    max_age_seconds: None,
                },
            ]
        );
    }

    #[test]
    fn a_body_that_is_not_a_cors_configuration_is_an_error() {
        assert!(cors_rules("<Error><Code>X</Code></Error>").is_err());
        assert!(cors_rules("not xml").is_err());
        assert!(cors_rules("<CORSConfiguration><CORSRule><MaxAgeSeconds>soon</MaxAgeSeconds></CORSRule></CORSConfiguration>").is_err());
    }

    #[test]
    fn reads_the_code_and_message_of_an_error() {
        let body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>NoSuchCORSConfiguration</Code><Message>The CORS configuration does not exist</Message><BucketName>b</BucketName><RequestId>1</RequestId></Error>";
        assert_eq!(
            error_body(body),
            ErrorBody {
                code: Some("NoSuchCORSConfiguration".into()),
                message: Some("The CORS configuration does not exist".into()),
            }
        );
        assert_eq!(error_body(""), ErrorBody::default());
        assert_eq!(error_body("<html>bad gateway</html>"), ErrorBody::default());
    }
}
