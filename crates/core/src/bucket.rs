//! A bucket: the one value cors-sync carries for it from the manifest to the write.

use crate::address::Named;
use crate::bucket_cors::BucketCors;

/// One bucket: its name, the region it lives in, and its CORS configuration.
///
/// The same value at every stage, its parameters saying what the stage knows:
/// - `Bucket<Option<String>>`, as the manifest declares it (`manifest::Declared`): its region may
///   be left out, to be found when it is read;
/// - `Bucket<Option<String>, ()>`, to be read (`live_targets`) or as ListBuckets names it: its
///   CORS is not known yet;
/// - `Bucket`, as read from S3 (`plan::LiveState`): everything known.
///
/// Desired and live are joined by its `ResourceKey`, once, in `plan::plan`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bucket<Region = String, Cors = BucketCors> {
    pub name: String,
    pub region: Region,
    pub cors: Cors,
}

impl<Region, Cors> Named for Bucket<Region, Cors> {
    fn name(&self) -> &str {
        &self.name
    }
}

impl<Cors> Bucket<Option<String>, Cors> {
    /// The bucket to read, with the region known of it so far.
    pub fn to_read(&self) -> Bucket<Option<String>, ()> {
        Bucket {
            name: self.name.clone(),
            region: self.region.clone(),
            cors: (),
        }
    }
}

impl Bucket<Option<String>, ()> {
    /// A bucket known only by its name: to read, its region found then.
    pub fn named(name: &str) -> Self {
        Bucket {
            name: name.to_string(),
            region: None,
            cors: (),
        }
    }
}
