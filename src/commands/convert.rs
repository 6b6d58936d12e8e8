//! `cors-sync convert FORMAT FILE...`: CORS kept elsewhere as a version-1 manifest on stdout,
//! offline; what cannot be carried over is a warning on stderr.

use cors_sync_core::convert::{self, Format, Input};

use super::{Error, Outcome, Refusal};
use crate::cli::{ConvertArgs, ConvertFormat};
use crate::output::{errln, out};

pub fn run(args: &ConvertArgs) -> Result<Outcome, Error> {
    let format = match args.format {
        ConvertFormat::AwsJson => Format::AwsJson,
        ConvertFormat::Terraform => Format::Terraform,
        ConvertFormat::Cloudformation => Format::CloudFormation,
    };
    let mut texts = Vec::new();
    for file in &args.files {
        texts.push((file.as_str(), read(file)?));
    }
    let bucket_of = |file: &str| -> Result<Option<&str>, Error> {
        let named = args.buckets.iter().find_map(|b| {
            let (name, for_file) = b.split_once('=')?;
            (for_file == file).then_some(name)
        });
        let bare: Vec<&str> = args
            .buckets
            .iter()
            .filter(|b| !b.contains('='))
            .map(String::as_str)
            .collect();
        match (named, bare.as_slice()) {
            (Some(name), _) => Ok(Some(name)),
            (None, [name]) if args.files.len() == 1 => Ok(Some(name)),
            (None, []) => Ok(None),
            (None, _) => Err(Refusal::ConvertWhichBucket.into()),
        }
    };
    let mut inputs = Vec::new();
    for (file, text) in &texts {
        inputs.push(Input {
            file,
            text,
            bucket: bucket_of(file)?,
        });
    }
    let converted = convert::convert(format, &inputs)?;
    for warning in &converted.warnings {
        errln!("warning: {warning}");
    }
    out!("{}", converted.manifest());
    Ok(Outcome::Success)
}

/// A file's text (`-`: stdin), from a regular file, at most 64 MiB.
fn read(file: &str) -> Result<String, Error> {
    if file == "-" {
        return crate::error::stdin_text(file.to_string());
    }
    crate::error::file_text(std::path::Path::new(file), file.to_string())
}
