//! The manifest's shape, declared once: the decoder takes each object's field names from here
//! (unknown-field errors and their suggestions, which fields are required, how many items a list
//! may hold, which values a method list may contain, an integer's range), and `cors-sync schema`
//! turns the same declarations into a JSON Schema for editors (`render::json_schema`). A field or
//! a bound added here is known to both; each bound names the function that words its error.

use crate::cloudfront::limits as cloudfront_limits;
use crate::provider;
use crate::s3_limits;

pub enum Shape {
    String,
    /// A string, or null (a policy reference that detaches).
    NullableString,
    Integer {
        min: i64,
        max: i64,
        /// The error for a value outside `min..=max`: (found, min, max).
        outside: fn(i64, i64, i64) -> String,
    },
    Boolean,
    /// One of these strings.
    OneOf(&'static Choice),
    List {
        item: &'static Shape,
        min: u64,
        max: Option<u64>,
        /// The error for a list with fewer than `min` or more than `max` items: (field, found,
        /// min, max).
        outside: fn(&str, usize, u64, Option<u64>) -> String,
    },
    Object(&'static Object),
    /// A mapping from free keys to objects (a distribution's behaviors by path).
    MapOf(&'static Object),
    /// A mapping from free keys to strings (lint codes to reasons).
    MapOfStrings,
    /// Exactly this integer (the manifest version).
    Const(i64),
}

/// The strings a value may be, and the error (with an optional help) for one it may not.
pub struct Choice {
    pub values: &'static [&'static str],
    pub refuse: fn(&str, &[&str]) -> (String, Option<String>),
}

/// A list with too few or too many items, in plain words.
pub fn count_problem(field: &str, found: usize, min: u64, max: Option<u64>) -> String {
    match max {
        Some(max) if found as u64 > max => {
            format!("`{field}` lists {found} values; at most {max} are allowed")
        }
        _ if min == 1 => format!("`{field}` must list at least one value"),
        _ => format!("`{field}` must list at least {min} values"),
    }
}

pub struct Field {
    pub name: &'static str,
    pub shape: Shape,
    pub required: bool,
    pub doc: &'static str,
}

pub struct Object {
    pub title: &'static str,
    pub fields: &'static [Field],
}

impl Object {
    pub fn field_names(&self) -> Vec<&'static str> {
        self.fields.iter().map(|f| f.name).collect()
    }
}

const STRING: Shape = Shape::String;
/// A list of strings, possibly empty.
const STRINGS: Shape = Shape::List {
    item: &STRING,
    min: 0,
    max: None,
    outside: count_problem,
};
/// A list of at least one string.
const NONEMPTY_STRINGS: Shape = Shape::List {
    item: &STRING,
    min: 1,
    max: None,
    outside: count_problem,
};
/// A list of objects of one shape, any number of them.
const fn objects(item: &'static Shape) -> Shape {
    Shape::List {
        item,
        min: 0,
        max: None,
        outside: count_problem,
    }
}
const S3_METHOD: Shape = Shape::OneOf(&Choice {
    values: &s3_limits::ALLOWED_METHODS,
    refuse: s3_limits::method_problem,
});
const CLOUDFRONT_METHOD: Shape = Shape::OneOf(&Choice {
    values: &cloudfront_limits::BEHAVIOR_METHODS,
    refuse: cloudfront_limits::behavior_method_problem,
});
const RESPONSE_HEADERS_METHOD: Shape = Shape::OneOf(&Choice {
    values: &cloudfront_limits::RESPONSE_HEADERS_POLICY_METHODS,
    refuse: cloudfront_limits::response_headers_method_problem,
});
/// A header whitelist: at most CloudFront's quota.
const WHITELIST: Shape = Shape::List {
    item: &STRING,
    min: 0,
    max: Some(cloudfront_limits::MAX_WHITELIST_HEADERS as u64),
    outside: cloudfront_limits::whitelist_count_problem,
};

pub static RULE: Object = Object {
    title: "A CORS rule",
    fields: &[
        Field {
            name: "id",
            shape: Shape::String,
            required: false,
            doc: "Optional rule ID (at most 255 characters).",
        },
        Field {
            name: "allowed_origins",
            shape: NONEMPTY_STRINGS,
            required: true,
            doc: "Origins this rule matches; at most one `*` each.",
        },
        Field {
            name: "allowed_methods",
            shape: Shape::List {
                item: &S3_METHOD,
                min: 1,
                max: None,
                outside: count_problem,
            },
            required: true,
            doc: "Methods this rule allows.",
        },
        Field {
            name: "allowed_headers",
            shape: STRINGS,
            required: false,
            doc: "Headers a preflight may request; at most one `*` each.",
        },
        Field {
            name: "expose_headers",
            shape: STRINGS,
            required: false,
            doc: "Response headers the browser may read.",
        },
        Field {
            name: "max_age_seconds",
            shape: Shape::Integer {
                min: 0,
                max: i32::MAX as i64,
                outside: s3_limits::max_age_problem,
            },
            required: false,
            doc: "How long a browser may cache the preflight answer.",
        },
    ],
};

const RULE_SHAPE: Shape = Shape::Object(&RULE);

pub static BUCKET: Object = Object {
    title: "A bucket whose CORS configuration the manifest manages",
    fields: &[
        Field { name: "name", shape: Shape::String, required: true, doc: "S3 bucket name." },
        Field { name: "region", shape: Shape::String, required: false, doc: "The bucket's region; discovered when left out." },
        Field { name: "cors_rules", shape: Shape::List { item: &RULE_SHAPE, min: 0, max: Some(s3_limits::MAX_RULES as u64), outside: s3_limits::rule_count_problem }, required: true, doc: "The whole CORS configuration in S3 evaluation order; `[]` means no CORS configuration." },
        Field { name: "silence_lints", shape: Shape::MapOfStrings, required: false, doc: "Lint codes (CS001, ...) not to report for this bucket, each with the reason." },
        Field { name: "account", shape: Shape::String, required: false, doc: "The declared account it lives in; defaults to its file's `account:`." },
    ],
};

pub static BEHAVIOR: Object = Object {
    title: "A cache behavior's CORS-relevant settings; a field left out keeps its live value",
    fields: &[
        Field { name: "forward_headers", shape: WHITELIST, required: false, doc: "The legacy ForwardedValues.Headers whitelist." },
        Field { name: "allowed_methods", shape: Shape::List { item: &CLOUDFRONT_METHOD, min: 2, max: Some(cloudfront_limits::BEHAVIOR_METHODS.len() as u64), outside: cloudfront_limits::allowed_method_count_problem }, required: false, doc: "{GET,HEAD}, {GET,HEAD,OPTIONS} or all seven." },
        Field { name: "cached_methods", shape: Shape::List { item: &CLOUDFRONT_METHOD, min: 2, max: Some(3), outside: cloudfront_limits::cached_method_count_problem }, required: false, doc: "{GET,HEAD} or {GET,HEAD,OPTIONS}, within allowed_methods." },
        Field { name: "cache_policy", shape: Shape::NullableString, required: false, doc: "A managed name (Managed-…), an account policy name, or an ID; null moves back to legacy settings." },
        Field { name: "origin_request_policy", shape: Shape::NullableString, required: false, doc: "A managed name, a declared or account policy name, or an ID; null detaches." },
        Field { name: "response_headers_policy", shape: Shape::NullableString, required: false, doc: "A managed name, a declared or account policy name, or an ID; null detaches." },
    ],
};

pub static DISTRIBUTION: Object = Object {
    title: "A CloudFront distribution whose behaviors the manifest manages",
    fields: &[
        Field {
            name: "id",
            shape: Shape::String,
            required: true,
            doc: "The distribution ID.",
        },
        Field {
            name: "behaviors",
            shape: Shape::MapOf(&BEHAVIOR),
            required: true,
            doc: "`default`, or a cache behavior's path pattern, to its settings.",
        },
        Field {
            name: "domains",
            shape: STRINGS,
            required: false,
            doc: "The host names pages reach it by (its dXXXX.cloudfront.net domain, its aliases); `explain` finds the distribution from a request's URL by them. Not written to CloudFront.",
        },
        Field {
            name: "silence_lints",
            shape: Shape::MapOfStrings,
            required: false,
            doc:
                "Lint codes (CS101, ...) not to report for this distribution, each with the reason.",
        },
        Field {
            name: "account",
            shape: Shape::String,
            required: false,
            doc: "The declared account it lives in; defaults to its file's `account:`.",
        },
    ],
};

pub static ORIGIN_REQUEST_POLICY: Object = Object {
    title: "An origin request policy the manifest declares",
    fields: &[
        Field {
            name: "name",
            shape: Shape::String,
            required: true,
            doc: "The policy's name.",
        },
        Field {
            name: "headers",
            shape: WHITELIST,
            required: true,
            doc: "Headers forwarded to the origin.",
        },
        Field {
            name: "account",
            shape: Shape::String,
            required: false,
            doc: "The declared account it lives in; defaults to its file's `account:`.",
        },
    ],
};

pub static CORS_POLICY: Object = Object {
    title: "A response headers policy's CORS configuration",
    fields: &[
        Field {
            name: "allow_origins",
            shape: NONEMPTY_STRINGS,
            required: true,
            doc: "`*`, or origins with a wildcard only as the leftmost label.",
        },
        Field {
            name: "allow_methods",
            shape: Shape::List {
                item: &RESPONSE_HEADERS_METHOD,
                min: 1,
                max: None,
                outside: count_problem,
            },
            required: true,
            doc: "Methods for Access-Control-Allow-Methods.",
        },
        Field {
            name: "allow_headers",
            shape: STRINGS,
            required: false,
            doc: "Headers for Access-Control-Allow-Headers.",
        },
        Field {
            name: "expose_headers",
            shape: STRINGS,
            required: false,
            doc: "Headers for Access-Control-Expose-Headers.",
        },
        Field {
            name: "allow_credentials",
            shape: Shape::Boolean,
            required: true,
            doc: "Access-Control-Allow-Credentials.",
        },
        Field {
            name: "max_age_seconds",
            shape: Shape::Integer {
                min: 0,
                max: i32::MAX as i64,
                outside: cloudfront_limits::max_age_problem,
            },
            required: false,
            doc: "Access-Control-Max-Age.",
        },
        Field {
            name: "origin_override",
            shape: Shape::Boolean,
            required: true,
            doc: "Whether these headers replace the origin's.",
        },
    ],
};

pub static RESPONSE_HEADERS_POLICY: Object = Object {
    title: "A response headers policy the manifest declares",
    fields: &[
        Field {
            name: "name",
            shape: Shape::String,
            required: true,
            doc: "The policy's name.",
        },
        Field {
            name: "cors",
            shape: Shape::Object(&CORS_POLICY),
            required: true,
            doc: "Its CORS configuration.",
        },
        Field {
            name: "account",
            shape: Shape::String,
            required: false,
            doc: "The declared account it lives in; defaults to its file's `account:`.",
        },
    ],
};

const PROVIDER: Shape = Shape::OneOf(&Choice {
    values: &provider::NAMES,
    refuse: provider::name_problem,
});

pub static ACCOUNT: Object = Object {
    title: "An account (AWS, or another S3-compatible store) the manifest's resources live in",
    fields: &[
        Field {
            name: "name",
            shape: Shape::String,
            required: true,
            doc: "How resources refer to the account (`account: NAME`).",
        },
        Field {
            name: "provider",
            shape: PROVIDER,
            required: false,
            doc: "The store the account is on: aws (the default), r2, spaces, b2, wasabi, ceph, garage, seaweedfs, minio, scaleway or ovh (docs/providers.md).",
        },
        Field {
            name: "endpoint_url",
            shape: Shape::String,
            required: false,
            doc: "The store's S3 endpoint for this account, e.g. https://ACCOUNT_ID.r2.cloudflarestorage.com (overrides --endpoint-url).",
        },
        Field {
            name: "id",
            shape: Shape::String,
            required: false,
            doc: "On AWS (required there): the 12-digit account ID, quoted; checked with STS before anything is read. Elsewhere optional and not checked.",
        },
        Field {
            name: "role_arn",
            shape: Shape::String,
            required: false,
            doc: "A role assumed from the base credentials (not with `profile`; AWS only).",
        },
        Field {
            name: "external_id",
            shape: Shape::String,
            required: false,
            doc: "The external ID the role's trust policy asks for.",
        },
        Field {
            name: "session_name",
            shape: Shape::String,
            required: false,
            doc: "The role session name; default cors-sync.",
        },
        Field {
            name: "profile",
            shape: Shape::String,
            required: false,
            doc: "A profile whose credentials act in the account (not with `role_arn`).",
        },
    ],
};

const ACCOUNT_SHAPE: Shape = Shape::Object(&ACCOUNT);
const BUCKET_SHAPE: Shape = Shape::Object(&BUCKET);
const DISTRIBUTION_SHAPE: Shape = Shape::Object(&DISTRIBUTION);
const ORIGIN_REQUEST_POLICY_SHAPE: Shape = Shape::Object(&ORIGIN_REQUEST_POLICY);
const RESPONSE_HEADERS_POLICY_SHAPE: Shape = Shape::Object(&RESPONSE_HEADERS_POLICY);

pub static MANIFEST: Object = Object {
    title: "cors-sync manifest",
    fields: &[
        Field { name: "version", shape: Shape::Const(super::MANIFEST_VERSION), required: true, doc: "The manifest format version." },
        Field { name: "accounts", shape: objects(&ACCOUNT_SHAPE), required: false, doc: "The AWS accounts resources live in, and how to act in each (in one file of a directory)." },
        Field { name: "account", shape: Shape::String, required: false, doc: "The account of this file's resources that do not name their own." },
        Field { name: "buckets", shape: objects(&BUCKET_SHAPE), required: false, doc: "S3 buckets and their CORS rules." },
        Field { name: "distributions", shape: objects(&DISTRIBUTION_SHAPE), required: false, doc: "CloudFront distributions and their behaviors." },
        Field { name: "origin_request_policies", shape: objects(&ORIGIN_REQUEST_POLICY_SHAPE), required: false, doc: "Origin request policies to create or update." },
        Field { name: "response_headers_policies", shape: objects(&RESPONSE_HEADERS_POLICY_SHAPE), required: false, doc: "Response headers policies to create or update." },
    ],
};
