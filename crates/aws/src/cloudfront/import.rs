//! Reading distributions for `import`: every behavior's settings with policy references named,
//! and the custom policies they use, looked up once each by ID.

use cors_sync_core::cloudfront::distribution::LiveDistribution;
use cors_sync_core::cloudfront::policies::{
    LiveOriginRequestPolicy, LiveResponseHeadersPolicy, PolicyKind, PolicyRef,
};

use super::{distributions, policies};
use crate::error::AwsError;

/// Reads the distributions and names every custom policy their behaviors use.
pub async fn read(
    client: &aws_sdk_cloudfront::Client,
    ids: &[String],
) -> Result<CloudFrontImport, Vec<AwsError>> {
    let mut import = CloudFrontImport::default();
    import.read(client, ids).await?;
    Ok(import)
}

/// Distributions with their policy references named, and the custom policies they use.
#[derive(Default)]
pub struct CloudFrontImport {
    pub distributions: Vec<LiveDistribution>,
    pub origin_request_policies: Vec<LiveOriginRequestPolicy>,
    pub response_headers_policies: Vec<LiveResponseHeadersPolicy>,
    cache_policy_names: Vec<(String, String)>,
}

impl CloudFrontImport {
    async fn read(
        &mut self,
        client: &aws_sdk_cloudfront::Client,
        ids: &[String],
    ) -> Result<(), Vec<AwsError>> {
        let mut errors = Vec::new();
        for result in distributions::read_distributions(client, ids).await {
            match result {
                Ok(distribution) => self.distributions.push(distribution),
                Err(error) => errors.push(error),
            }
        }
        // Custom (unnamed) policies are looked up once each by ID, to write them by name.
        let mut distributions = std::mem::take(&mut self.distributions);
        for distribution in &mut distributions {
            for (_, settings) in &mut distribution.behaviors {
                let refs = [
                    (&mut settings.cache_policy, PolicyKind::Cache),
                    (
                        &mut settings.origin_request_policy,
                        PolicyKind::OriginRequest,
                    ),
                    (
                        &mut settings.response_headers_policy,
                        PolicyKind::ResponseHeaders,
                    ),
                ];
                for (reference, kind) in refs {
                    if let Some(reference) = reference {
                        if let Err(error) = self.name(client, reference, kind).await {
                            errors.push(error);
                        }
                    }
                }
            }
        }
        self.distributions = distributions;
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }

    async fn name(
        &mut self,
        client: &aws_sdk_cloudfront::Client,
        reference: &mut PolicyRef,
        kind: PolicyKind,
    ) -> Result<(), AwsError> {
        let Some(id) = reference.id.clone() else {
            return Ok(());
        };
        if reference.name.is_some() {
            return Ok(());
        }
        let name = match kind {
            PolicyKind::Cache => match self.cache_policy_names.iter().find(|(i, _)| *i == id) {
                Some((_, name)) => name.clone(),
                None => {
                    let policy = policies::get_cache_policy(client, &id).await?;
                    self.cache_policy_names
                        .push((id.clone(), policy.name.clone()));
                    policy.name
                }
            },
            PolicyKind::OriginRequest => {
                match self.origin_request_policies.iter().find(|p| p.id == id) {
                    Some(p) => p.name.clone(),
                    None => {
                        let policy = policies::get_origin_request_policy(client, &id).await?;
                        let name = policy.name.clone();
                        self.origin_request_policies.push(policy);
                        name
                    }
                }
            }
            PolicyKind::ResponseHeaders => {
                match self.response_headers_policies.iter().find(|p| p.id == id) {
                    Some(p) => p.name.clone(),
                    None => {
                        let policy = policies::get_response_headers_policy(client, &id).await?;
                        let name = policy.name.clone();
                        self.response_headers_policies.push(policy);
                        name
                    }
                }
            }
        };
        reference.name = Some(name);
        Ok(())
    }
}
