//! `cors-sync export aws-json`: the manifest's buckets as the S3 API's JSON, so a team can always
//! fall back to `aws s3api put-bucket-cors --cors-configuration file://BUCKET.json`.

use cors_sync_core::convert::{self, Exported};
use cors_sync_core::output_file;
use cors_sync_core::provider::Provider;

use super::{load_manifest, Error, Outcome, Refusal};
use crate::cli::ExportArgs;
use crate::output::{errln, out};

pub fn run(args: &ExportArgs, provider: Option<Provider>) -> Result<Outcome, Error> {
    let manifest = load_manifest(&args.manifest.manifest, provider)?;
    if let Some(bucket) = &args.bucket {
        if manifest.bucket(bucket).is_none() {
            return Err(Refusal::BucketNotInManifest {
                bucket: bucket.clone(),
            }
            .into());
        }
    }
    let exported = convert::export(&manifest, args.bucket.as_deref());
    let no_cors = |bucket: &str| {
        errln!(
            "note: s3_bucket.{bucket}: no CORS (`cors_rules: []`), so nothing is written: use `aws s3api delete-bucket-cors --bucket {bucket}`"
        );
    };
    match &args.out_dir {
        Some(dir) => {
            std::fs::create_dir_all(dir).map_err(|source| Error::File {
                what: format!("cannot create {}", dir.display()),
                source,
            })?;
            for each in &exported {
                match each {
                    Exported::Configuration { bucket, json } => {
                        let path = dir.join(format!("{bucket}.json"));
                        output_file::write_whole(&path, json.as_bytes()).map_err(|source| {
                            Refusal::CannotWrite {
                                path: path.clone(),
                                source,
                            }
                        })?;
                        errln!("Wrote {}.", path.display());
                    }
                    Exported::NoCors { bucket } => no_cors(bucket),
                }
            }
        }
        None => match exported.as_slice() {
            [Exported::Configuration { json, .. }] => out!("{json}"),
            [Exported::NoCors { bucket }] => no_cors(bucket),
            many => return Err(Refusal::ExportWhichBucket { count: many.len() }.into()),
        },
    }
    Ok(Outcome::Success)
}
