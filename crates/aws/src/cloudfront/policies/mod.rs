//! The account's custom CloudFront policies: listing them (to resolve names and compare), and
//! creating or updating the ones a manifest declares. The listing, create and update are written
//! once here, over `Listed` and `Written`, and so is the SDK-call glue (`list_call!`,
//! `write_calls!`); each kind's module holds only what differs (the names of its SDK
//! calls, its types, and the part of a policy cors-sync manages). Only that part changes.

/// The SDK-call glue of one kind's `Listed` impl. The SDK gives each kind its own builders and
/// fields with no trait over them, so the calls are the same text under the kind's names:
/// `list` is the kind's list call, `list_field` its answer's list, `policy` a summary's policy,
/// `config` a policy's configuration.
macro_rules! list_call {
    (list: $list:ident, list_field: $list_field:ident, policy: $policy:ident, config: $config:ident) => {
        async fn list_page(
            client: &aws_sdk_cloudfront::Client,
            policy_type: Self::ListType,
            marker: Option<String>,
        ) -> $crate::cloudfront::policies::Sent<
            $crate::cloudfront::Page<Self::Live>,
            Self::ListError,
        > {
            let output = client
                .$list()
                .r#type(policy_type)
                .set_marker(marker)
                .send()
                .await?;
            let Some(list) = output.$list_field else {
                return Ok(Default::default());
            };
            let policies = list
                .items
                .unwrap_or_default()
                .into_iter()
                .filter_map(|summary| {
                    let policy = summary.$policy?;
                    Some(Self::live(policy.id, policy.$config?))
                });
            Ok((policies.collect(), list.next_marker))
        }
    };
}

/// The SDK-call glue of one kind's `Written` impl (names as for `list_call!`; `create`, `get`
/// and `update` are the kind's CreateXPolicy, GetXPolicyConfig and UpdateXPolicy calls).
macro_rules! write_calls {
    (create: $create:ident, get: $get:ident, update: $update:ident, policy: $policy:ident, config: $config:ident) => {
        async fn send_create(
            client: &aws_sdk_cloudfront::Client,
            config: Self::Config,
            attempts: $crate::cloudfront::Attempts,
        ) -> $crate::cloudfront::policies::Sent<Option<String>, Self::CreateError> {
            let output = client
                .$create()
                .$config(config)
                .customize()
                .interceptor(attempts)
                .send()
                .await?;
            Ok(output.$policy.map(|p| p.id))
        }

        async fn get_config(
            client: &aws_sdk_cloudfront::Client,
            id: &str,
        ) -> $crate::cloudfront::policies::Sent<
            $crate::cloudfront::policies::ConfigRead<Self::Config>,
            Self::GetError,
        > {
            let read = client.$get().id(id).send().await?;
            Ok((read.$config, read.e_tag))
        }

        async fn send_update(
            client: &aws_sdk_cloudfront::Client,
            id: &str,
            e_tag: String,
            config: Self::Config,
        ) -> $crate::cloudfront::policies::Sent<(), Self::UpdateError> {
            client
                .$update()
                .id(id)
                .if_match(e_tag)
                .$config(config)
                .send()
                .await?;
            Ok(())
        }
    };
}

pub(crate) mod cache;
pub(crate) mod origin_request;
pub(crate) mod response_headers;

use std::future::Future;

use aws_sdk_cloudfront::error::{BuildError, ProvideErrorMetadata};
use aws_sdk_cloudfront::types::{
    CachePolicyType, OriginRequestPolicyType, ResponseHeadersPolicyType,
};
use aws_sdk_cloudfront::Client;
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use cors_sync_core::plan::{Address, LiveState, PolicyListings};

use crate::cloudfront::{all_pages, create_error, write_error, Attempts, Page};
use crate::error::{AwsError, Error, LocalFailure};
use cache::Cache;
pub(crate) use origin_request::OriginRequest;
pub(crate) use response_headers::ResponseHeaders;

/// Said in the comment of every policy cors-sync creates, so people know where it comes from.
const CREATED_BY: &str = "Managed by cors-sync";

/// What one of a kind's SDK calls answers: `T`, or the SDK's error of that call (`E`).
pub(crate) type Sent<T, E> = Result<T, SdkError<E, HttpResponse>>;

/// A policy's configuration as GetXPolicyConfig answers it, and its ETag.
pub(crate) type ConfigRead<C> = (Option<C>, Option<String>);

/// An SDK call's own error, as `AwsError::from_sdk` reads it.
pub(crate) trait CallError:
    ProvideErrorMetadata + std::error::Error + Send + Sync + 'static
{
}

impl<E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static> CallError for E {}

/// A kind of policy as its list call reads it: what differs between the kinds' listings.
pub(crate) trait Listed {
    /// The list call's filter: the account's custom policies or AWS's managed ones.
    type ListType: Clone + Send;
    /// One listed policy, as a plan compares it.
    type Live: Send;
    /// The SDK's whole configuration of a policy of this kind.
    type Config: Clone + Send;
    type ListError: CallError;
    /// The listing's resource and operation, as its errors name them.
    const LISTING: &'static str;
    const LIST: &'static str;

    /// The page of `policy_type`'s policies at `marker`, and the next page's marker.
    fn list_page(
        client: &Client,
        policy_type: Self::ListType,
        marker: Option<String>,
    ) -> impl Future<Output = Sent<Page<Self::Live>, Self::ListError>> + Send;
    /// The listed policy `id` with configuration `config`.
    fn live(id: String, config: Self::Config) -> Self::Live;
}

/// A kind of policy cors-sync creates and updates: what differs between the kinds' writes.
pub(crate) trait Written: Listed {
    /// The part of a policy cors-sync manages, as the manifest wants it.
    type Desired: Sync + ?Sized;
    /// That part as read from a live policy: what a plan's `before` holds.
    type Read;
    type CreateError: CallError;
    type GetError: CallError;
    type UpdateError: CallError;
    const CREATE: &'static str;
    const GET_CONFIG: &'static str;
    const UPDATE: &'static str;

    /// The policy's plan address, as errors name it.
    fn address(name: &str) -> Address;
    /// A new policy's configuration: its name, `CREATED_BY`, `desired` and nothing else.
    fn new_config(name: &str, desired: &Self::Desired) -> Result<Self::Config, BuildError>;
    /// Whether the managed part of `config` is still, in effect, `before`.
    fn unmoved(config: &Self::Config, before: &Self::Read) -> bool;
    /// Replaces the managed part of `config` with `desired`, keeping the rest.
    fn replace(config: &mut Self::Config, desired: &Self::Desired) -> Result<(), BuildError>;

    /// Sends CreateXPolicy, counting its attempts; returns the new policy's ID, if it says.
    fn send_create(
        client: &Client,
        config: Self::Config,
        attempts: Attempts,
    ) -> impl Future<Output = Sent<Option<String>, Self::CreateError>> + Send;
    /// Reads the policy's configuration and its ETag.
    fn get_config(
        client: &Client,
        id: &str,
    ) -> impl Future<Output = Sent<ConfigRead<Self::Config>, Self::GetError>> + Send;
    /// Sends UpdateXPolicy with `config`, if the policy still has `e_tag`.
    fn send_update(
        client: &Client,
        id: &str,
        e_tag: String,
        config: Self::Config,
    ) -> impl Future<Output = Sent<(), Self::UpdateError>> + Send;
}

/// One page-followed list of a kind's policies: the account's custom ones or AWS's managed.
async fn list_of<K: Listed>(
    client: &Client,
    policy_type: K::ListType,
) -> Result<Vec<K::Live>, AwsError> {
    all_pages(|marker| {
        let policy_type = policy_type.clone();
        async move {
            K::list_page(client, policy_type, marker)
                .await
                .map_err(|e| AwsError::from_sdk(K::LISTING, K::LIST, &e))
        }
    })
    .await
}

/// A new policy of kind `K` with `desired` and nothing else; returns its ID.
pub(crate) async fn create<K: Written>(
    client: &Client,
    name: &str,
    desired: &K::Desired,
) -> Result<String, Error> {
    let resource = K::address(name).to_string();
    let attempts = Attempts::default();
    let local = |why: LocalFailure| AwsError::local(&resource, K::CREATE, why);
    let config = K::new_config(name, desired).map_err(|e| local(e.into()))?;
    let id = K::send_create(client, config, attempts.clone())
        .await
        .map_err(|e| create_error(&resource, K::CREATE, &e, attempts.count()))?;
    id.ok_or_else(|| local(LocalFailure::NoPolicyId).into())
}

/// Replaces the managed part of policy `id`, keeping the rest of it; refuses when the part read
/// is no longer `before`, what the plan was made from.
pub(crate) async fn update<K: Written>(
    client: &Client,
    name: &str,
    id: &str,
    before: &K::Read,
    desired: &K::Desired,
) -> Result<(), Error> {
    let resource = K::address(name).to_string();
    let (config, e_tag) = K::get_config(client, id)
        .await
        .map_err(|e| AwsError::from_sdk(&resource, K::GET_CONFIG, &e))?;
    let local = |why: LocalFailure| AwsError::local(&resource, K::UPDATE, why);
    let mut config = config.ok_or_else(|| AwsError::no_configuration(&resource, K::UPDATE))?;
    if !K::unmoved(&config, before) {
        return Err(local(LocalFailure::PolicyMoved).into());
    }
    // Sent only on the condition that the policy is still the one just read and checked: an
    // update without If-Match would overwrite whatever changed in between.
    let e_tag = e_tag.ok_or_else(|| local(LocalFailure::NoETag))?;
    K::replace(&mut config, desired).map_err(|e| local(e.into()))?;
    K::send_update(client, id, e_tag, config)
        .await
        .map_err(|e| write_error(&resource, K::UPDATE, &e))?;
    Ok(())
}

/// Reads into `live` the account's policy lists that `needed` names, all at once; returns the
/// errors of those that could not be read.
pub(crate) async fn read_listings(
    client: &aws_sdk_cloudfront::Client,
    needed: PolicyListings,
    live: &mut LiveState,
) -> Vec<AwsError> {
    let (origin_request, response_headers, cache) = futures::join!(
        when(
            needed.origin_request,
            custom_and_managed(
                list_of::<OriginRequest>(client, OriginRequestPolicyType::Custom),
                list_of::<OriginRequest>(client, OriginRequestPolicyType::Managed),
            )
        ),
        when(
            needed.response_headers,
            custom_and_managed(
                list_of::<ResponseHeaders>(client, ResponseHeadersPolicyType::Custom),
                list_of::<ResponseHeaders>(client, ResponseHeadersPolicyType::Managed),
            )
        ),
        when(
            needed.cache,
            custom_and_managed(
                list_of::<Cache>(client, CachePolicyType::Custom),
                list_of::<Cache>(client, CachePolicyType::Managed),
            )
        ),
    );
    let mut errors = Vec::new();
    take(
        origin_request,
        &mut live.origin_request_policies,
        &mut errors,
    );
    take(
        response_headers,
        &mut live.response_headers_policies,
        &mut errors,
    );
    take(cache, &mut live.cache_policies, &mut errors);
    errors
}

/// The account's custom policies of a kind and AWS's managed ones (listed as `Managed-...`, so
/// a managed name outside cors-sync's table still resolves), both lists read at once.
async fn custom_and_managed<T>(
    custom: impl Future<Output = Result<Vec<T>, AwsError>>,
    managed: impl Future<Output = Result<Vec<T>, AwsError>>,
) -> Result<Vec<T>, AwsError> {
    let (mut policies, managed) = futures::try_join!(custom, managed)?;
    policies.extend(managed);
    Ok(policies)
}

async fn when<T>(wanted: bool, list: impl Future<Output = T>) -> Option<T> {
    match wanted {
        true => Some(list.await),
        false => None,
    }
}

fn take<T>(read: Option<Result<T, AwsError>>, into: &mut T, errors: &mut Vec<AwsError>) {
    match read {
        Some(Ok(found)) => *into = found,
        Some(Err(error)) => errors.push(error),
        None => {}
    }
}
