//! The rows: one per store. Sources are restated with their evidence in `docs/providers.md`.

use super::{Behaviour, BucketCorsSupport, Evidence, Facts, Limits, Provider, Quirk, Unconfigured};
use crate::s3_limits;

/// S3's own limits (`s3_limits`), which every S3-compatible store documents or is assumed to keep.
const S3_LIMITS: Limits = Limits {
    max_rules: s3_limits::MAX_RULES,
    max_document_bytes: s3_limits::MAX_CONFIGURATION_BYTES,
    max_age_seconds: 0..=(i32::MAX as i64),
    methods: &s3_limits::ALLOWED_METHODS,
    evidence: Evidence::Documented,
};

const fn assumed_as_aws() -> Limits {
    Limits {
        evidence: Evidence::AssumedAsAws,
        ..S3_LIMITS
    }
}

const fn quirk(behaviour: Behaviour, evidence: Evidence, source: &'static str) -> Quirk {
    Quirk {
        behaviour,
        evidence,
        source,
    }
}

static AWS: Facts = Facts {
    provider: Provider::Aws,
    name: "aws",
    title: "AWS S3",
    bucket_cors: BucketCorsSupport::Supported,
    limits: S3_LIMITS,
    unconfigured: (Unconfigured::NoCors, Evidence::Documented),
    propagation_seconds: (0, Evidence::Documented),
    quirks: &[],
    sources: &["AWS S3 API reference: PutBucketCors, RESTOPTIONSobject"],
};

static R2: Facts = Facts {
    provider: Provider::R2,
    name: "r2",
    title: "Cloudflare R2",
    bucket_cors: BucketCorsSupport::Supported,
    limits: Limits {
        max_age_seconds: 0..=86_400,
        ..assumed_as_aws()
    },
    unconfigured: (Unconfigured::NoCors, Evidence::Documented),
    propagation_seconds: (30, Evidence::Documented),
    quirks: &[quirk(
        Behaviour::BareOriginsOnly,
        Evidence::Documented,
        "Cloudflare R2 docs: Configure CORS; cloudflare-docs#27096",
    )],
    sources: &[
        "Cloudflare R2 docs: S3 API compatibility, Configure CORS",
        "cloudflare-docs#6003, #27096; workers-sdk#8486",
    ],
};

static SPACES: Facts = Facts {
    provider: Provider::Spaces,
    name: "spaces",
    title: "DigitalOcean Spaces",
    bucket_cors: BucketCorsSupport::Supported,
    limits: assumed_as_aws(),
    unconfigured: (Unconfigured::NoCors, Evidence::AssumedAsAws),
    propagation_seconds: (0, Evidence::AssumedAsAws),
    quirks: &[quirk(
        Behaviour::FirstOriginMatchDecides,
        Evidence::Reported,
        "terraform-provider-digitalocean#1138",
    )],
    sources: &[
        "DigitalOcean Spaces docs: CORS",
        "terraform-provider-digitalocean#1138",
    ],
};

static B2: Facts = Facts {
    provider: Provider::B2,
    name: "b2",
    title: "Backblaze B2",
    bucket_cors: BucketCorsSupport::Supported,
    limits: Limits {
        max_age_seconds: 0..=86_400,
        evidence: Evidence::Documented,
        ..S3_LIMITS
    },
    unconfigured: (Unconfigured::NoCors, Evidence::AssumedAsAws),
    propagation_seconds: (0, Evidence::AssumedAsAws),
    quirks: &[quirk(
        Behaviour::EmptyOriginRefused,
        Evidence::Documented,
        "Backblaze docs: Enable CORS with the S3-compatible API",
    )],
    sources: &[
        "Backblaze docs: Enable CORS with the S3-compatible API",
        "Backblaze docs: Cross-origin resource sharing rules",
    ],
};

static WASABI: Facts = Facts {
    provider: Provider::Wasabi,
    name: "wasabi",
    title: "Wasabi",
    bucket_cors: BucketCorsSupport::Supported,
    limits: assumed_as_aws(),
    unconfigured: (Unconfigured::DefaultConfiguration, Evidence::Documented),
    propagation_seconds: (0, Evidence::AssumedAsAws),
    quirks: &[],
    sources: &["Wasabi docs: CORS"],
};

static CEPH: Facts = Facts {
    provider: Provider::Ceph,
    name: "ceph",
    title: "Ceph RGW",
    bucket_cors: BucketCorsSupport::Supported,
    limits: assumed_as_aws(),
    unconfigured: (Unconfigured::NoCors, Evidence::AssumedAsAws),
    propagation_seconds: (0, Evidence::AssumedAsAws),
    // Releases before the 2026 fix; a fixed cluster answers as S3 does, and the lint it drives
    // can be silenced per bucket.
    quirks: &[quirk(
        Behaviour::FirstOriginMatchDecides,
        Evidence::ReadFromSource,
        "ceph PR 69190 (fixed in 2026)",
    )],
    sources: &["ceph PRs 69190, 66500, 70697"],
};

static GARAGE: Facts = Facts {
    provider: Provider::Garage,
    name: "garage",
    title: "Garage",
    bucket_cors: BucketCorsSupport::Supported,
    limits: assumed_as_aws(),
    unconfigured: (Unconfigured::NoCors, Evidence::ReadFromSource),
    propagation_seconds: (0, Evidence::AssumedAsAws),
    quirks: &[
        quirk(
            Behaviour::ExactOrStarOrigins,
            Evidence::ReadFromSource,
            "deuxfleurs-org/garage src/api/common/cors.rs",
        ),
        quirk(
            Behaviour::CaseSensitiveHeaders,
            Evidence::ReadFromSource,
            "deuxfleurs-org/garage src/api/common/cors.rs",
        ),
        quirk(
            Behaviour::JoinsAllowedOrigins,
            Evidence::ReadFromSource,
            "deuxfleurs-org/garage src/api/common/cors.rs",
        ),
        quirk(
            Behaviour::NoMaxAgeHeader,
            Evidence::ReadFromSource,
            "deuxfleurs-org/garage src/api/common/cors.rs",
        ),
    ],
    sources: &["deuxfleurs-org/garage src/api/common/cors.rs"],
};

static SEAWEEDFS: Facts = Facts {
    provider: Provider::Seaweedfs,
    name: "seaweedfs",
    title: "SeaweedFS",
    bucket_cors: BucketCorsSupport::Supported,
    limits: Limits {
        evidence: Evidence::TestedHere,
        ..S3_LIMITS
    },
    unconfigured: (Unconfigured::ServerWideSetting, Evidence::TestedHere),
    propagation_seconds: (0, Evidence::TestedHere),
    quirks: &[
        quirk(
            Behaviour::MissingMaxAgeReadsAsZero,
            Evidence::TestedHere,
            "measured with SeaweedFS 4.48",
        ),
        quirk(
            Behaviour::RefusalAnswered200,
            Evidence::TestedHere,
            "measured with SeaweedFS 4.48",
        ),
        quirk(
            Behaviour::FirstOriginMatchDecides,
            Evidence::TestedHere,
            "measured with SeaweedFS 4.48",
        ),
        quirk(
            Behaviour::RuleWithoutHeadersAllowsAny,
            Evidence::TestedHere,
            "measured with SeaweedFS 4.48",
        ),
        quirk(
            Behaviour::EchoesOriginWithoutCredentials,
            Evidence::TestedHere,
            "measured with SeaweedFS 4.48",
        ),
        quirk(
            Behaviour::VaryOriginOnly,
            Evidence::TestedHere,
            "measured with SeaweedFS 4.48",
        ),
        quirk(
            Behaviour::PostToObjectAllowsAnyOrigin,
            Evidence::TestedHere,
            "measured with SeaweedFS 4.48 and Chromium (tests/e2e/browser/stores.rs)",
        ),
    ],
    sources: &["seaweedfs#8065, #1271", "measured with SeaweedFS 4.48"],
};

static MINIO: Facts = Facts {
    provider: Provider::Minio,
    name: "minio",
    title: "MinIO (community edition)",
    bucket_cors: BucketCorsSupport::NotImplemented {
        alternative: "set CORS for the whole server instead: the environment variable MINIO_API_CORS_ALLOW_ORIGIN, or `mc admin config set ALIAS api cors_allow_origin=...`",
    },
    limits: assumed_as_aws(),
    unconfigured: (Unconfigured::ServerWideSetting, Evidence::Documented),
    propagation_seconds: (0, Evidence::AssumedAsAws),
    quirks: &[],
    sources: &["minio#20995, #21332, #9396", "terraform-provider-minio#752"],
};

static SCALEWAY: Facts = Facts {
    provider: Provider::Scaleway,
    name: "scaleway",
    title: "Scaleway Object Storage",
    bucket_cors: BucketCorsSupport::Supported,
    limits: assumed_as_aws(),
    unconfigured: (Unconfigured::NoCors, Evidence::AssumedAsAws),
    propagation_seconds: (0, Evidence::AssumedAsAws),
    quirks: &[],
    sources: &["Scaleway docs: Object Storage, setting CORS rules"],
};

static OVH: Facts = Facts {
    provider: Provider::Ovh,
    name: "ovh",
    title: "OVHcloud Object Storage",
    bucket_cors: BucketCorsSupport::Supported,
    limits: assumed_as_aws(),
    unconfigured: (Unconfigured::NoCors, Evidence::AssumedAsAws),
    propagation_seconds: (0, Evidence::AssumedAsAws),
    quirks: &[],
    sources: &["OVHcloud docs: Object Storage, configuring CORS"],
};

/// The row for `provider`.
pub fn facts(provider: Provider) -> &'static Facts {
    match provider {
        Provider::Aws => &AWS,
        Provider::R2 => &R2,
        Provider::Spaces => &SPACES,
        Provider::B2 => &B2,
        Provider::Wasabi => &WASABI,
        Provider::Ceph => &CEPH,
        Provider::Garage => &GARAGE,
        Provider::Seaweedfs => &SEAWEEDFS,
        Provider::Minio => &MINIO,
        Provider::Scaleway => &SCALEWAY,
        Provider::Ovh => &OVH,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_row_is_its_own_provider_and_names_round_trip() {
        for provider in Provider::ALL {
            let row = facts(provider);
            assert_eq!(row.provider, provider);
            assert_eq!(Provider::from_name(row.name), Some(provider));
            assert!(!row.sources.is_empty(), "{} cites no source", row.name);
        }
        let names: Vec<&str> = Provider::ALL.iter().map(|p| p.name()).collect();
        assert_eq!(
            names,
            super::super::NAMES,
            "the schema's choices are the table's rows"
        );
    }

    #[test]
    fn aws_is_a_row_with_s3s_limits_and_no_departures() {
        let aws = Provider::Aws.facts();
        assert_eq!(aws.limits.max_rules, s3_limits::MAX_RULES);
        assert_eq!(
            aws.limits.max_document_bytes,
            s3_limits::MAX_CONFIGURATION_BYTES
        );
        assert!(aws.quirks.is_empty());
        assert_eq!(Provider::default(), Provider::Aws);
    }
}
