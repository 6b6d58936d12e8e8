//! CloudFront: reading distributions and policies, and writing the CORS-relevant parts of them.
//!
//! Everything that is not a field cors-sync manages goes back to CloudFront exactly as it was read:
//! updates start from GetDistributionConfig's whole config and change only the planned fields.

mod behavior;
pub mod distributions;
pub mod policies;

use std::future::Future;

use cors_sync_core::plan::Address;

use crate::error::AwsError;

fn distribution_resource(id: &str) -> String {
    Address::CloudFrontDistribution(id.to_string()).to_string()
}

/// A `Quantity` field: CloudFront wants it equal to its `Items` length.
fn quantity(n: usize) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

/// One page of a CloudFront list call: its items and the marker of the next page, if any.
type Page<T> = (Vec<T>, Option<String>);

/// Walks a CloudFront list call's pages: `fetch` reads the page at a marker, `take` receives its
/// items and says whether more are wanted. Stops at the last page (no marker, an empty one, or
/// the marker it was just given).
async fn each_page<T, F, Fut>(
    mut fetch: F,
    mut take: impl FnMut(Vec<T>) -> bool,
) -> Result<(), AwsError>
where
    F: FnMut(Option<String>) -> Fut,
    Fut: Future<Output = Result<Page<T>, AwsError>>,
{
    let mut marker: Option<String> = None;
    loop {
        let (items, next) = fetch(marker.clone()).await?;
        let next = next.filter(|m| !m.is_empty());
        // A marker handed back unchanged would serve the same page forever.
        if !take(items) || next.is_none() || next == marker {
            return Ok(());
        }
        marker = next;
    }
}

/// Every item of a CloudFront list call, across its pages.
async fn all_pages<T, F, Fut>(fetch: F) -> Result<Vec<T>, AwsError>
where
    F: FnMut(Option<String>) -> Fut,
    Fut: Future<Output = Result<Page<T>, AwsError>>,
{
    let mut all = Vec::new();
    each_page(fetch, |items| {
        all.extend(items);
        true
    })
    .await?;
    Ok(all)
}
