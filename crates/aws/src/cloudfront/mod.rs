//! CloudFront: reading distributions and policies, and writing the CORS-relevant parts of them.
//!
//! Everything that is not a field cors-sync manages goes back to CloudFront exactly as it was read:
//! updates start from GetDistributionConfig's whole config and change only the planned fields.

pub mod behavior_fields;
pub mod distributions;
pub mod edge;
pub mod import;
pub mod policies;

use cors_sync_core::plan::Address;

fn distribution_resource(id: &str) -> String {
    Address::CloudFrontDistribution(id.to_string()).to_string()
}
