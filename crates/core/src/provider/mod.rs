//! Where a bucket lives: each S3-compatible store's facts about bucket CORS, in one table
//! (`table`), read by validate, plan's normalisation, the lints, `check` and `verify`.
//!
//! AWS is one row like the others: its limits are `s3_limits`' constants and its preflight is
//! the algorithm in `evaluate::s3`; every other row says where that store departs from it, and
//! whether the departure was tested here against the store or taken from its documentation,
//! source or issue tracker. `docs/providers.md` is the same table for readers, with sources.

use std::fmt;
use std::ops::RangeInclusive;

use serde::{Deserialize, Serialize};

pub mod rules;
mod table;

pub use table::facts;

/// An S3-compatible object store, as `provider:` names it in the manifest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Provider {
    #[default]
    Aws,
    R2,
    Spaces,
    B2,
    Wasabi,
    Ceph,
    Garage,
    Seaweedfs,
    Minio,
    Scaleway,
    Ovh,
}

/// Every provider's manifest name, in the table's order (the schema's choices).
pub const NAMES: [&str; 11] = [
    "aws",
    "r2",
    "spaces",
    "b2",
    "wasabi",
    "ceph",
    "garage",
    "seaweedfs",
    "minio",
    "scaleway",
    "ovh",
];

/// Why `name` is not a provider, with the closest one when there is one.
pub fn name_problem(name: &str, names: &[&str]) -> (String, Option<String>) {
    let close = crate::diagnostic::did_you_mean(name, names);
    (
        format!(
            "`{name}` is not a provider cors-sync knows ({})",
            names.join(", ")
        ),
        close.map(|c| format!("did you mean `{c}`?")),
    )
}

impl Provider {
    pub const ALL: [Provider; 11] = [
        Provider::Aws,
        Provider::R2,
        Provider::Spaces,
        Provider::B2,
        Provider::Wasabi,
        Provider::Ceph,
        Provider::Garage,
        Provider::Seaweedfs,
        Provider::Minio,
        Provider::Scaleway,
        Provider::Ovh,
    ];

    /// The name the manifest, `--provider` and `CORS_SYNC_PROVIDER` use.
    pub fn name(self) -> &'static str {
        self.facts().name
    }

    pub fn from_name(name: &str) -> Option<Provider> {
        Self::ALL.into_iter().find(|p| p.name() == name)
    }

    pub fn facts(self) -> &'static Facts {
        facts(self)
    }

    pub fn is_aws(&self) -> bool {
        *self == Provider::Aws
    }
}

impl fmt::Display for Provider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.facts().title)
    }
}

/// How a fact is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Evidence {
    /// Run against the store on this project's test machines; an e2e test asserts it.
    TestedHere,
    /// The store's own documentation says so.
    Documented,
    /// Read from the store's source code.
    ReadFromSource,
    /// Reported by users in the store's or a tool's issue tracker, not confirmed by the store.
    Reported,
    /// Nothing documented: cors-sync assumes what AWS does.
    AssumedAsAws,
}

impl Evidence {
    pub fn words(self) -> &'static str {
        match self {
            Evidence::TestedHere => "tested here",
            Evidence::Documented => "documented only",
            Evidence::ReadFromSource => "read from its source only",
            Evidence::Reported => "reported by users only",
            Evidence::AssumedAsAws => "not documented: assumed as on AWS",
        }
    }
}

/// What a store accepts in one bucket's CORS configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    pub max_rules: usize,
    pub max_document_bytes: usize,
    pub max_age_seconds: RangeInclusive<i64>,
    /// The methods a rule may allow (the manifest's schema already holds every store to S3's five).
    pub methods: &'static [&'static str],
    pub evidence: Evidence,
}

/// Whether the store takes PutBucketCors at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BucketCorsSupport {
    Supported,
    /// PutBucketCors answers NotImplemented; CORS is set for the whole server instead.
    NotImplemented {
        alternative: &'static str,
    },
}

/// What a bucket with no CORS configuration answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unconfigured {
    /// Preflights are refused (AWS: 403 "CORS is not enabled for this bucket.").
    NoCors,
    /// The store applies its own default configuration: deleting yours restores it.
    DefaultConfiguration,
    /// The store answers from a server-wide setting (which may allow everything).
    ServerWideSetting,
}

/// One way a store departs from S3 in what it stores, returns or answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Behaviour {
    /// On a preflight, the first rule whose origin matches decides; method and headers are judged
    /// on it alone. (SeaweedFS judges the request itself by the first rule matching origin and
    /// method, as S3 does.)
    FirstOriginMatchDecides,
    /// Origins match exactly or as `*` only: `https://*.example.com` matches nothing.
    ExactOrStarOrigins,
    /// Requested header names are compared case-sensitively with the allowed ones.
    CaseSensitiveHeaders,
    /// A matching rule's allowed origins are all sent, joined, in one Access-Control-Allow-Origin.
    JoinsAllowedOrigins,
    /// A rule without `MaxAgeSeconds` reads back with `MaxAgeSeconds: 0`.
    MissingMaxAgeReadsAsZero,
    /// A preflight whose method or header is not allowed gets 200 with only
    /// Access-Control-Allow-Origin (S3: 403).
    RefusalAnswered200,
    /// A rule without `AllowedHeaders` lets any requested header through (S3: none).
    RuleWithoutHeadersAllowsAny,
    /// Origins must be bare `scheme://host[:port]`: no path, no trailing slash.
    BareOriginsOnly,
    /// An empty allowed origin is refused ("illegal empty string").
    EmptyOriginRefused,
    /// Preflight answers carry no Access-Control-Max-Age.
    NoMaxAgeHeader,
    /// An allowed preflight is answered with the request's origin (a `*` rule's too) and no
    /// Access-Control-Allow-Credentials.
    EchoesOriginWithoutCredentials,
    /// A POST to an object (not a form upload) gets 405 with `Access-Control-Allow-Origin: *`,
    /// credentials allowed and every method and header, whatever the rules say.
    PostToObjectAllowsAnyOrigin,
    /// Every answer, a refusal too, carries `Vary: Origin` and only that (S3: Origin,
    /// Access-Control-Request-Headers and -Method, on answers with CORS headers).
    VaryOriginOnly,
}

impl Behaviour {
    /// The behaviour in a sentence, as lints and reports name it.
    pub fn words(self) -> &'static str {
        match self {
            Behaviour::FirstOriginMatchDecides => "the first rule whose origin matches decides, and a method or header it does not allow is refused even when a later rule allows it",
            Behaviour::ExactOrStarOrigins => "allowed origins match exactly or as `*` only, so a wildcard inside an origin matches nothing",
            Behaviour::CaseSensitiveHeaders => "requested header names are compared case-sensitively, and browsers send them in lower case",
            Behaviour::JoinsAllowedOrigins => "every allowed origin of the matching rule is sent joined in one Access-Control-Allow-Origin, which browsers refuse as soon as a rule lists two",
            Behaviour::MissingMaxAgeReadsAsZero => "a rule without MaxAgeSeconds reads back with MaxAgeSeconds 0 (and preflights then send Access-Control-Max-Age: 0)",
            Behaviour::RefusalAnswered200 => "a preflight whose method or header is not allowed gets 200 with only Access-Control-Allow-Origin (S3 answers 403); browsers still refuse it",
            Behaviour::RuleWithoutHeadersAllowsAny => "a rule without allowed_headers lets any requested header through (S3 allows none)",
            Behaviour::BareOriginsOnly => "allowed origins must be bare scheme://host[:port], without a path or trailing slash",
            Behaviour::EmptyOriginRefused => "an empty allowed origin is refused",
            Behaviour::NoMaxAgeHeader => "preflight answers carry no Access-Control-Max-Age",
            Behaviour::EchoesOriginWithoutCredentials => "an allowed preflight gets the request's origin back (a `*` rule's too) and no Access-Control-Allow-Credentials",
            Behaviour::PostToObjectAllowsAnyOrigin => "a POST to an object (not a form upload) gets 405 with Access-Control-Allow-Origin: * for any origin, whatever the rules say",
            Behaviour::VaryOriginOnly => "every answer, a refusal too, carries `Vary: Origin` and only that",
        }
    }
}

/// A departure and how it is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quirk {
    pub behaviour: Behaviour,
    pub evidence: Evidence,
    /// Where it is documented or reported.
    pub source: &'static str,
}

/// Everything cors-sync knows about one store's bucket CORS.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Facts {
    pub provider: Provider,
    /// The manifest's name for it.
    pub name: &'static str,
    /// How people call it.
    pub title: &'static str,
    pub bucket_cors: BucketCorsSupport,
    pub limits: Limits,
    pub unconfigured: (Unconfigured, Evidence),
    /// How long a written configuration may take to be seen by reads and preflights.
    pub propagation_seconds: (u64, Evidence),
    pub quirks: &'static [Quirk],
    /// Where the store's CORS behaviour is documented.
    pub sources: &'static [&'static str],
}

impl Facts {
    pub fn quirk(&self, behaviour: Behaviour) -> Option<&'static Quirk> {
        self.quirks.iter().find(|q| q.behaviour == behaviour)
    }

    pub fn has(&self, behaviour: Behaviour) -> bool {
        self.quirk(behaviour).is_some()
    }
}
